"""The `redact-dataset` flow as data engineers run it: resumable, incremental, scalable, reported.

Real runs only: the `scrubline` command against the session's real Prefect server, real worker
processes, a real local Dask cluster, real kill -9.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.data.generators import generate_records
from tests.e2e.helpers import SCRUBLINE, scrubline


@pytest.fixture
def cli_env(tmp_path, prefect_api) -> dict[str, str]:
    return {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


def output_rows(out: Path) -> list[dict]:
    """The rows cleared for annotation and those held for privacy review."""
    rows: list[dict] = []
    for path in sorted([*(out / "records").glob("*.parquet"), *(out / "held").glob("*.parquet")]):
        rows.extend(pq.read_table(path).to_pylist())
    return sorted(rows, key=lambda row: row["id"])


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """Every output file with its size and modification time (to see what a run rewrote)."""
    return {
        str(p.relative_to(out)): (p.stat().st_size, p.stat().st_mtime_ns)
        for folder in ("records", "quarantine")
        for p in sorted((out / folder).glob("*"))
    }


def run(env, *args, timeout=600):
    result = scrubline("run", *args, "--json", "--no-progress", env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_kill_9_mid_run_then_rerun_gives_exactly_the_uninterrupted_output(
    tmp_path, cli_env, default_policy_path, monkeypatch
):
    records, _ = generate_records(400, seed=41)
    source = write_jsonl(tmp_path / "in" / "tickets.jsonl", records)
    common = ["--policy", str(default_policy_path), "--batch-size", "10", "--workers", "1"]

    reference = run(cli_env, str(source), "--out", str(tmp_path / "reference"), *common)
    assert reference["records_in"] == 400

    out = tmp_path / "killed"
    process = subprocess.Popen(
        [SCRUBLINE, "run", str(source), "--out", str(out), *common, "--no-progress"],
        env={**os.environ, **cli_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    markers = out / "_state" / "batches"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if markers.exists() and len(list(markers.glob("*.json"))) >= 5:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    committed = len(list(markers.glob("*.json")))
    assert 5 <= committed < 40, f"the kill must land mid-run ({committed} of 40 batches committed)"
    assert not (out / "summary.json").exists()

    resumed = run(cli_env, str(source), "--out", str(out), *common)
    assert resumed["plan"]["batches_reused"] >= committed
    assert resumed["records_in"] + 10 * resumed["plan"]["batches_reused"] == 400
    assert resumed["reconciled"]
    assert output_rows(out) == output_rows(tmp_path / "reference")
    assert not list(out.rglob(".*.pending")), "no pending file may survive a completed run"

    # Output and audit agree after the crash: every output file is the one the log recorded,
    # the log verifies, and it shows the killed run as started but never finished.
    monkeypatch.setenv("SCRUBLINE_HOME", cli_env["SCRUBLINE_HOME"])
    from redaction.audit import AuditLog
    from redaction.state import file_sha256

    log = AuditLog()
    assert log.verify().ok
    outputs = [*(out / "records").glob("*.parquet"), *(out / "quarantine").glob("*.jsonl")]
    assert outputs and all(log.has_export(str(p), file_sha256(p)) for p in outputs)
    runs = scrubline("audit", "runs", "--json", env=cli_env)
    assert runs.returncode == 0, runs.stderr
    listed = json.loads(runs.stdout)
    assert len(listed) == 3  # reference, killed, resumed
    log.close()


def test_rerun_writes_nothing_twice_and_a_changed_file_replaces_its_old_output(
    tmp_path, cli_env, default_policy_path
):
    first, _ = generate_records(30, seed=42)
    second, _ = generate_records(30, seed=43)
    for i, record in enumerate(second):
        record["id"] = f"b-{i}"
    landing = tmp_path / "landing"
    write_jsonl(landing / "a.jsonl", first)
    write_jsonl(landing / "b.jsonl", second)
    out = tmp_path / "out"
    args = [str(landing), "--out", str(out), "--policy", str(default_policy_path), "--batch-size", "8"]

    summary = run(cli_env, *args)
    assert summary["records_in"] == 60 and summary["plan"]["sources_skipped"] == 0
    before = snapshot(out)
    rows = output_rows(out)
    assert len(rows) == len({row["id"] for row in rows}) == 60

    again = run(cli_env, *args)
    assert again["records_in"] == 0 and again["plan"]["sources_skipped"] == 2
    assert snapshot(out) == before, "an unchanged input must not be rewritten"

    # a.jsonl changes (one record edited, two added): only it is redone, its old output goes.
    added = [{**record, "id": f"c-{i}"} for i, record in enumerate(generate_records(2, seed=44)[0])]
    changed = [*first, *added]
    changed[0] = {**changed[0], "body": "Updated: please call me back tomorrow."}
    write_jsonl(landing / "a.jsonl", changed)
    third = run(cli_env, *args)
    assert third["records_in"] == 32 and third["plan"]["sources_skipped"] == 1
    rows = output_rows(out)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 62
    assert next(row for row in rows if row["id"] == changed[0]["id"])["body"].startswith("Updated")


def test_empty_landing_zone_is_a_run_with_nothing_to_do(tmp_path, prefect_api, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "home"))
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.redact import redact_dataset

    (tmp_path / "landing").mkdir()
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        summary = redact_dataset(
            inputs=[str(tmp_path / "landing")], out=str(tmp_path / "out"), allow_empty=True, workers=1
        )
    assert summary["records_in"] == 0 and summary["reconciled"]


def test_dask_cluster_with_two_workers_gives_the_single_process_output(
    tmp_path, cli_env, default_policy_path
):
    records, _ = generate_records(60, seed=45)
    source = write_jsonl(tmp_path / "tickets.jsonl", records)
    common = ["--policy", str(default_policy_path), "--batch-size", "10"]
    single = run(cli_env, str(source), "--out", str(tmp_path / "single"), *common, "--workers", "1")
    dask = run(
        cli_env, str(source), "--out", str(tmp_path / "dask"), *common, "--workers", "2", "--executor", "dask"
    )
    assert dask["executor"] == "dask" and dask["workers"] == 2
    assert dask["records_in"] == single["records_in"] == 60
    assert dask["entities_by_type"] == single["entities_by_type"]
    assert output_rows(tmp_path / "dask") == output_rows(tmp_path / "single")


def test_run_report_artifacts_hold_counts_and_no_pii(tmp_path, cli_env, default_policy_path, prefect_api):
    records, values = generate_records(30, seed=46)
    source = write_jsonl(tmp_path / "tickets.jsonl", records)
    summary = run(cli_env, str(source), "--out", str(tmp_path / "out"), "--policy", str(default_policy_path))

    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def artifacts():
        async with get_client() as client:
            flow_run = await client.read_flow_run(_uuid(summary["run_id"]))
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]))
            )
            return flow_run, found

    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        flow_run, found = asyncio.run(artifacts())
    assert flow_run.state.is_completed()
    by_key = {a.key: a for a in found}
    assert {"redaction-summary", "redaction-report", "redaction-progress"} <= set(by_key)
    assert by_key["redaction-progress"].data == 100.0
    table = json.loads(by_key["redaction-summary"].data)
    assert {"measure": "records in", "value": 30} in table
    report = by_key["redaction-report"].data
    counts = {row["measure"]: row["value"] for row in table}
    redacted, held = counts["redacted"], counts["held for privacy review"]
    assert redacted + held == 30
    assert f"| 30 | {redacted} | {held} | 0 | 0 | yes |" in report and "PERSON" in report
    assert "## Annotation queues" in report and "annotation" in report
    text = json.dumps([a.data for a in found]) + json.dumps([a.description for a in found])
    leaked = [v for v in values if v in text]
    assert not leaked, f"{len(leaked)} PII values in the run's artifacts"


def _uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def test_keys_can_come_from_prefect_secret_blocks(tmp_path, prefect_api, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SCRUBLINE_AUDIT_KEY", raising=False)  # restored (absent) after the test
    monkeypatch.delenv("SCRUBLINE_PSEUDONYM_KEY", raising=False)
    import secrets

    from prefect.blocks.system import Secret
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.redact import redact_dataset
    from redaction.audit import AuditLog
    from redaction.keys import Key

    audit_key, pseudonym_key = secrets.token_hex(32), secrets.token_hex(32)
    records, _ = generate_records(12, seed=49)
    source = write_jsonl(tmp_path / "tickets.jsonl", records)
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        Secret(value=audit_key).save("test-audit-key", overwrite=True)
        Secret(value=pseudonym_key).save("test-pseudonym-key", overwrite=True)
        summary = redact_dataset(
            inputs=[str(source)],
            out=str(tmp_path / "out"),
            workers=2,
            secret_blocks={
                "SCRUBLINE_AUDIT_KEY": "test-audit-key",
                "SCRUBLINE_PSEUDONYM_KEY": "test-pseudonym-key",
            },
        )
        assert summary["records_in"] == 12
        with pytest.raises(Exception, match="no Prefect Secret block named 'absent-block'"):
            redact_dataset(
                inputs=[str(source)],
                out=str(tmp_path / "out2"),
                secret_blocks={"SCRUBLINE_AUDIT_KEY": "absent-block"},
            )
    # The log was written (by the flow and by its worker processes) with the block's key, and
    # no key file was created for either key.
    log = AuditLog(readonly=True)
    assert log.stored_key_id() == Key("SCRUBLINE_AUDIT_KEY", bytes.fromhex(audit_key)).key_id
    log.close()
    assert not (tmp_path / "home" / "keys").exists() or not list((tmp_path / "home" / "keys").iterdir())


def test_short_values_of_named_fields_do_not_pass_through_a_run(tmp_path, cli_env, default_policy_path):
    # No sentence around them: the field's name is the evidence (redaction.fields.field_entity).
    values = {
        "name": "Maho Hudobivnik",
        "address": "9874 Nurme 2 Suite 174, Worthington, OH",
        "telefon": "+44 7700 355251",
        "ville": "Soto del Barco",
    }
    records = [
        {"id": "1", "customer": dict(values), "body": "Hello, where is my parcel?", "shop": {"x": "Kettle"}},
        {"id": "2", "contacts": [{"first_name": "Tereza", "mobile": "0650 126 40 10"}], "body": "Merci"},
    ]
    source = write_jsonl(tmp_path / "tickets.jsonl", records)
    summary = run(cli_env, str(source), "--out", str(tmp_path / "out"), "--policy", str(default_policy_path))
    assert summary["records_in"] == 2
    rows = output_rows(tmp_path / "out")
    text = json.dumps(rows, ensure_ascii=False)
    leaked = [v for v in [*values.values(), "Tereza", "0650 126 40 10"] if v in text]
    assert not leaked, f"{len(leaked)} field values passed through"
    first = rows[0]
    assert first["customer"]["address"] == "<STREET_ADDRESS>"
    assert first["customer"]["telefon"] == "<PHONE_NUMBER>"
    assert first["body"] == "Hello, where is my parcel?"
