"""`scrubline audit ...` end to end: a real audited log, the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from redaction.audit import AuditLog
from redaction.policy import load_policy
from tests.e2e.helpers import checked
from tests.unit.test_audit_support import audited_run, connect, generated_input

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A SCRUBLINE_HOME with an audit log of two finished runs, and the environment to reach it."""
    folder = tmp_path_factory.mktemp("audit-cli")
    home = folder / "home"
    key_hex = secrets.token_bytes(32).hex()
    env = {**os.environ, "SCRUBLINE_HOME": str(home), "SCRUBLINE_AUDIT_KEY": key_hex}
    saved = {name: os.environ.get(name) for name in ("SCRUBLINE_HOME", "SCRUBLINE_AUDIT_KEY")}
    os.environ.update(SCRUBLINE_HOME=str(home), SCRUBLINE_AUDIT_KEY=key_hex)
    try:
        source, records, values = generated_input(folder / "in", n=12, seed=41)
        with AuditLog() as log:
            runs = [audited_run(log, [source], folder / f"out{i}")["run_id"] for i in range(2)]
            path = log.path
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return {"env": env, "runs": runs, "records": records, "values": values, "path": path, "folder": folder}


def scrubline(installation, *args, env=None):
    return checked(
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "audit", *args],
            env=env or installation["env"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    )


def test_verify_passes_on_the_untouched_log(installation):
    result = scrubline(installation, "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ") and "2 runs, all signatures valid" in result.stdout
    data = json.loads(scrubline(installation, "verify", "--json").stdout)
    assert data["ok"] is True and data["runs"] == 2


def test_verify_names_the_first_bad_entry(installation, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(installation["path"], copy)
    with connect(copy) as db:
        db.execute("DELETE FROM entries WHERE seq = 5")
    result = scrubline(installation, "verify", "--log", str(copy))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scrubline: error: ")
    assert "entry 5 removed" in lines[0]
    data = json.loads(scrubline(installation, "verify", "--log", str(copy), "--json").stdout)
    assert (data["ok"], data["kind"], data["seq"]) == (False, "removed", 5)


def test_wrong_key_is_a_clear_failure(installation):
    env = {**installation["env"], "SCRUBLINE_AUDIT_KEY": secrets.token_bytes(32).hex()}
    result = scrubline(installation, "verify", env=env)
    assert result.returncode == 1
    assert "wrong audit key" in result.stderr and "signatures do not match" in result.stderr


def test_missing_key_is_a_clear_error(installation, tmp_path):
    env = {k: v for k, v in installation["env"].items() if k != "SCRUBLINE_AUDIT_KEY"}
    env["SCRUBLINE_HOME"] = str(tmp_path / "empty-home")
    result = scrubline(installation, "verify", "--log", str(installation["path"]), env=env)
    assert result.returncode == 1
    assert "key SCRUBLINE_AUDIT_KEY not found" in result.stderr
    assert not (tmp_path / "empty-home" / "keys" / "SCRUBLINE_AUDIT_KEY").exists()  # never created by readers


def test_missing_log_is_a_clear_error(installation, tmp_path):
    env = {**installation["env"], "SCRUBLINE_HOME": str(tmp_path / "fresh")}
    result = scrubline(installation, "runs", env=env)
    assert result.returncode == 1 and "no audit log here" in result.stderr
    assert not (tmp_path / "fresh" / "audit" / "audit.sqlite3").exists()


def test_runs_table_and_json(installation, default_policy_path):
    result = scrubline(installation, "runs")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    for column in ("run", "started", "finished", "user", "policy", "in", "redacted", "quarantined"):
        assert column in header
    assert all(run[:12] in result.stdout for run in installation["runs"])
    assert f"default {load_policy(default_policy_path).version}" in result.stdout
    runs = json.loads(scrubline(installation, "runs", "--json").stdout)
    assert [r["run_id"] for r in runs] == installation["runs"]


def test_show_by_prefix(installation):
    run = installation["runs"][1]
    result = scrubline(installation, "show", run[:10])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"run {run}  finished")
    assert "tickets-41.jsonl" in out and "quarantined  4 (malformed: 1, missing_id: 1" in out
    assert "annotate-en" in out and "PERSON" in out and "reconciled   yes" in out
    details = json.loads(scrubline(installation, "show", run, "--json").stdout)
    assert details["run_id"] == run and details["counts"]["records_in"] == 16


def test_record_history_by_raw_id(installation):
    record = installation["records"][2]
    result = scrubline(installation, "record", record["id"])
    assert result.returncode == 0, result.stderr
    assert f"record {record['id']}" in result.stdout and "2 runs" in result.stdout
    assert result.stdout.count("transformed (") == 2 and "line 3" in result.stdout
    data = json.loads(scrubline(installation, "record", record["id"], "--json").stdout)
    assert len({e["run_id"] for e in data["events"]}) == 2
    missing = scrubline(installation, "record", "T-424242")
    assert missing.returncode == 1 and "no event recorded for record id" in missing.stderr


def test_reports_in_html_and_markdown(installation, tmp_path):
    run = installation["runs"][0]
    out = tmp_path / "report.html"
    result = scrubline(installation, "report", run[:8], "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "Audit log verified" in html
    md = scrubline(installation, "report", run, "--format", "md")
    assert md.returncode == 0 and md.stdout.startswith(f"# Scrubline audit report: run {run}")
    bad = scrubline(installation, "report", run, "--format", "pdf")
    assert bad.returncode == 2


def test_export_parquet(installation, tmp_path):
    result = scrubline(installation, "export", "--format", "parquet", "--out", str(tmp_path / "x"), "--json")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    assert set(written) == {"entries", "redactions", "runs"}
    assert pq.read_table(written["runs"]["path"]).num_rows == 2
    assert pq.read_table(written["redactions"]["path"]).num_rows == written["redactions"]["rows"] > 0


def test_records_of_processing(installation, tmp_path):
    md = scrubline(installation, "processing")
    assert md.returncode == 0, md.stderr
    assert "## Policy default" in md.stdout and "Purpose:" in md.stdout and "Contact details" in md.stdout
    data = json.loads(scrubline(installation, "processing", "--format", "json").stdout)
    assert data[0]["runs"] == 2
    out = tmp_path / "processing.html"
    assert scrubline(installation, "processing", "--format", "html", "--out", str(out)).returncode == 0
    assert "Records of processing" in out.read_text()


def test_no_command_output_shows_generated_pii(installation, tmp_path):
    run = installation["runs"][0]
    outputs = [
        scrubline(installation, *args).stdout
        for args in (
            ("runs", "--json"),
            ("show", run, "--json"),
            ("record", installation["records"][0]["id"], "--json"),
            ("report", run, "--format", "md"),
            ("report", run, "--format", "html"),
            ("processing", "--format", "json"),
        )
    ]
    text = "\n".join(outputs)
    assert [v for v in installation["values"] if len(v) >= 5 and v in text] == []
