"""A record's identity is its id, not its file: whole runs through `scrubline run` and Prefect.

Growing, renaming or re-sending a file, or the same id in two files, never duplicates a row in
`OUT/records` or `OUT/held` nor a queue item; what is left out is counted (`filtered`, reason
`already_emitted`) so `in = redacted + held + filtered + quarantined` holds in the summary and
the audit log; ids (e-mail addresses here, as ids may be personal data) never appear outside
the data plane.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from faker import Faker

from tests.data.generators import generate_records
from tests.e2e.test_cli import SCRUBLINE, scrubline
from tests.e2e.test_flow import run, write_jsonl


@pytest.fixture
def cli_env(tmp_path, prefect_api) -> dict[str, str]:
    return {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}


def tickets(n: int, seed: int, start: int = 0) -> list[dict]:
    """Support tickets whose ids are e-mail addresses: an id can be personal data."""
    fake = Faker()
    fake.seed_instance(seed)
    records, _ = generate_records(n + start, seed=seed)
    return [{**record, "id": f"{i}.{fake.user_name()}@clients.example"} for i, record in enumerate(records)][
        start:
    ]


def rows(out: Path) -> list[dict]:
    found = []
    for kind in ("records", "held"):
        for path in sorted((out / kind).glob("*.parquet")):
            found.extend(pq.read_table(path).to_pylist())
    return found


def row_ids(out: Path) -> list[str]:
    return sorted(row["id"] for row in rows(out))


def items(cli_env) -> list[tuple]:
    """(record id, state, text, superseded_by) of every queue item of the installation."""
    path = Path(cli_env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3"
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT record_id, state, text, superseded_by FROM items WHERE state != 'gold' ORDER BY record_id"
        ).fetchall()


def item_ids(cli_env) -> list[str]:
    return [record_id for record_id, *_ in items(cli_env)]


def reconciles(summary: dict) -> bool:
    total = summary["redacted"] + summary["held"] + summary["filtered"] + summary["quarantined"]
    return summary["reconciled"] and summary["records_in"] == total


def audit_agrees(cli_env, summary: dict) -> None:
    """The audit log's run_finished counts are the summary's, and its events account for every
    record in (matches_log)."""
    shown = scrubline("audit", "show", summary["run_id"], "--json", env=cli_env)
    assert shown.returncode == 0, shown.stderr
    details = json.loads(shown.stdout)
    counts = details["counts"]
    for name in ("records_in", "redacted", "held", "filtered", "quarantined", "filtered_by_reason"):
        assert counts[name] == summary[name], name
    assert details["matches_log"] is True


def no_id_outside_the_data_plane(ids: list[str], out: Path, cli_env, *texts: str) -> None:
    """No id in the runs' output streams, the summary, `_state/` (the ledger) or the audit log."""
    places = {f"stream {i}": text for i, text in enumerate(texts)}
    places["summary.json"] = (out / "summary.json").read_text()
    for path in (out / "_state").rglob("*"):
        if path.is_file():
            places[str(path)] = path.read_bytes().decode("utf-8", "replace")
    audit = Path(cli_env["SCRUBLINE_HOME"]) / "audit"
    for path in audit.glob("audit.sqlite3*"):
        places[str(path)] = path.read_bytes().decode("utf-8", "replace")
    for where, text in places.items():
        leaked = [i for i in ids if i in text or i.split("@")[0] in text]
        assert not leaked, f"{where} holds raw ids: {leaked[:3]}"


def test_growing_renaming_and_resending_a_file_duplicate_no_row_and_no_item(
    tmp_path, cli_env, default_policy_path
):
    records = tickets(120, seed=61)
    landing = tmp_path / "landing"
    out = tmp_path / "out"
    args = [str(landing), "--out", str(out), "--policy", str(default_policy_path), "--batch-size", "40"]
    streams: list[str] = []

    def go() -> dict:
        result = scrubline("run", *args, "--json", "--no-progress", env=cli_env, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        streams.extend([result.stdout, result.stderr])
        summary = json.loads(result.stdout)
        assert reconciles(summary)
        audit_agrees(cli_env, summary)
        return summary

    write_jsonl(landing / "a.jsonl", records[:100])
    first = go()
    assert first["records_in"] == 100 and first["filtered_by_reason"].get("already_emitted", 0) == 0
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in records[:100])

    # The file grows by 20 records: it is a new version of itself (redone, the old output goes).
    write_jsonl(landing / "a.jsonl", records)
    grown = go()
    assert grown["records_in"] == 120
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in records)

    # Renamed: its old output stays, and none of its records is emitted again.
    (landing / "a.jsonl").rename(landing / "renamed.jsonl")
    renamed = go()
    assert renamed["records_in"] == 120
    assert renamed["filtered"] == 120 and renamed["filtered_by_reason"] == {"already_emitted": 120}
    assert renamed["redacted"] == renamed["held"] == renamed["quarantined"] == 0
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in records)

    # Re-sent under a new name in a folder (same content): nothing new either.
    write_jsonl(landing / "resent" / "2024-06-01.jsonl", records)
    resent = go()
    assert resent["plan"]["sources_skipped"] == 1  # renamed.jsonl: unchanged since the last run
    assert resent["records_in"] == 120 and resent["filtered_by_reason"] == {"already_emitted": 120}
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in records)

    no_id_outside_the_data_plane([r["id"] for r in records], out, cli_env, *streams)


def test_the_same_id_in_two_files_follows_fields_duplicates(tmp_path, cli_env, default_policy_path):
    base = tickets(15, seed=62)
    x = base[:10]
    y = [dict(record) for record in base[5:15]]
    for record in y[3:5]:  # ids 8 and 9 arrive again with other content
        record["subject"] = "Second thoughts about my order"
    landing = tmp_path / "landing"
    write_jsonl(landing / "x.jsonl", x)
    write_jsonl(landing / "y.jsonl", y)

    out = tmp_path / "out"
    summary = run(cli_env, str(landing), "--out", str(out), "--policy", str(default_policy_path))
    assert reconciles(summary) and summary["records_in"] == 20
    assert summary["filtered_by_reason"] == {"already_emitted": 3}  # ids 5-7: the same record
    assert summary["quarantined_by_reason"] == {"duplicate_id": 2}  # ids 8-9: keep_first
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in base)
    kept = {row["id"]: row for row in rows(out)}
    assert all(not kept[r["id"]]["subject"].startswith("Second thoughts") for r in y[3:5])
    quarantined = [json.loads(line) for path in (out / "quarantine").glob("*.jsonl") for line in path.open()]
    assert sorted(q["reason"] for q in quarantined) == ["duplicate_id", "duplicate_id"]
    audit_agrees(cli_env, summary)

    # With fields.duplicates: fail, the run stops before any batch, naming both files.
    strict = tmp_path / "strict.yaml"
    text = default_policy_path.read_text()
    assert "  nested: scan\n" in text
    strict.write_text(text.replace("  nested: scan\n", "  nested: scan\n  duplicates: fail\n"))
    failed = scrubline(
        "run", str(landing), "--out", str(tmp_path / "strict-out"), "--policy", str(strict), "--no-progress",
        env=cli_env,
    )  # fmt: skip
    assert failed.returncode == 1
    # Scrubline's own message is one line, the last (Prefect's log lines before it are Prefect's).
    errors = [line for line in failed.stderr.splitlines() if line.startswith("scrubline: error: ")]
    assert errors == failed.stderr.strip().splitlines()[-1:] and "Traceback" not in failed.stderr
    assert "y.jsonl: ids already in" in errors[0] and "x.jsonl" in errors[0]
    assert "line 4 repeats line 9 of" in errors[0] and "fields.duplicates is 'fail'" in errors[0]
    assert not list((tmp_path / "strict-out").glob("records/*.parquet"))
    no_id_outside_the_data_plane([r["id"] for r in base], out, cli_env, failed.stdout, failed.stderr)


def test_a_new_version_of_a_record_updates_its_pending_item_and_keeps_one_worked_on(
    tmp_path, cli_env, default_policy_path
):
    records = tickets(12, seed=63)
    source = write_jsonl(tmp_path / "in" / "a.jsonl", records)
    out = tmp_path / "out"
    args = [str(source), "--out", str(out), "--policy", str(default_policy_path)]
    run(cli_env, *args)
    pulled = tmp_path / "pulled.jsonl"
    pull = scrubline(
        "queue", "pull", "--queue", "annotation", "--annotator", "alice", "--n", "1",
        "--format", "doccano", "--out", str(pulled), env=cli_env,
    )  # fmt: skip
    assert pull.returncode == 0, pull.stderr
    store = Path(cli_env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3"
    with sqlite3.connect(store) as db:
        ((worked,),) = db.execute("SELECT record_id FROM items JOIN assignments USING (item_id)").fetchall()
    states = {record_id: state for record_id, state, *_ in items(cli_env)}
    pending = next(i for i, state in sorted(states.items()) if state == "pending" and i != worked)
    before = {record_id: text for record_id, _, text, _ in items(cli_env)}

    edited = [
        {**r, "body": "Update: the parcel arrived, thank you."} if r["id"] in (worked, pending) else r
        for r in records
    ]
    write_jsonl(source, edited)
    summary = run(cli_env, *args)
    assert reconciles(summary) and summary["records_in"] == 12
    assert row_ids(out) == item_ids(cli_env) == sorted(r["id"] for r in records)
    by_id = {row["id"]: row for row in rows(out)}
    assert by_id[pending]["body"] == by_id[worked]["body"] == "Update: the parcel arrived, thank you."
    after = {record_id: (state, text, note) for record_id, state, text, note in items(cli_env)}
    assert "the parcel arrived" in after[pending][1] and after[pending][2] is None
    # Alice holds the item: it keeps the text she was given, with a note of the newer version.
    assert after[worked][1] == before[worked] and "the parcel arrived" not in after[worked][1]
    assert after[worked][2] and after[worked][2].endswith("-000000")


def test_kill_9_with_records_repeated_across_files_then_rerun_gives_the_uninterrupted_output(
    tmp_path, cli_env, default_policy_path
):
    records = tickets(120, seed=64)
    changed = [dict(r) for r in records[60:120]]
    for record in changed[:10]:
        record["subject"] = "A different request"
    landing = tmp_path / "landing"
    write_jsonl(landing / "a.jsonl", records[:90])  # ids 0-89
    write_jsonl(landing / "b.jsonl", changed)  # ids 60-119: 60-69 differ, 70-89 the same
    common = ["--policy", str(default_policy_path), "--batch-size", "5", "--workers", "1"]
    reference = run(cli_env, str(landing), "--out", str(tmp_path / "reference"), *common)
    assert reference["filtered_by_reason"] == {"already_emitted": 20}
    assert reference["quarantined_by_reason"] == {"duplicate_id": 10}

    out = tmp_path / "killed"
    process = subprocess.Popen(
        [SCRUBLINE, "run", str(landing), "--out", str(out), *common, "--no-progress"],
        env={**os.environ, **cli_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    markers = out / "_state" / "batches"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if markers.exists() and len(list(markers.glob("*.json"))) >= 20:  # into b.jsonl
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    committed = len(list(markers.glob("*.json")))
    assert 20 <= committed < 30, f"the kill must land in b.jsonl ({committed} of 30 batches committed)"

    resumed = run(cli_env, str(landing), "--out", str(out), *common)
    assert reconciles(resumed)
    by_id = sorted(rows(out), key=lambda r: r["id"])
    assert by_id == sorted(rows(tmp_path / "reference"), key=lambda r: r["id"]) and len(by_id) == 120

    def quarantine(folder: Path) -> list[tuple[str, str]]:
        return [(p.name, p.read_text()) for p in sorted((folder / "quarantine").glob("*.jsonl"))]

    assert quarantine(out) == quarantine(tmp_path / "reference")
    # One item per id of each output folder: 120 each, none shared between the two folders.
    assert len(item_ids(cli_env)) == 240 and len(set(item_ids(cli_env))) == 120
