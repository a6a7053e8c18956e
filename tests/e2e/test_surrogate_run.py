"""A whole `scrubline run` with policies/surrogate.yaml: fakes in the output, none of the values
anywhere, surrogate spans marked in the queue items, the audit counting the action."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow.dataset as ds

from redaction.queues import SQLiteQueueStore
from tests.data.generators import generate_records
from tests.e2e.test_cli import scrubline


def test_run_with_the_surrogate_policy_replaces_values_by_marked_consistent_fakes(
    tmp_path, prefect_api, repo
):
    policy = repo / "policies" / "surrogate.yaml"
    records, values = generate_records(8, seed=17, types=None)
    # The same customer writes twice: the same fake must stand in both records.
    again = json.loads(json.dumps(records[0]))
    again["id"] = "T-again"
    records.append(again)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    env = {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    result = scrubline(
        "run", str(source), "--policy", str(policy), "--out", str(out), "--workers", "1", "--json", env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["redacted"] + summary["held"] == len(records) and summary["reconciled"] is True

    rows = ds.dataset(out / "records", format="parquet").to_table().to_pylist()
    if (out / "held").is_dir():
        rows += ds.dataset(out / "held", format="parquet").to_table().to_pylist()
    assert len(rows) == len(records)
    written = json.dumps(rows, ensure_ascii=False)
    direct = [v for v in values if len(v) >= 6 and ("@" in v or any(c.isdigit() for c in v))]
    assert direct and not [v for v in direct if v in written], "a value survived in the output"
    assert not [v for v in direct if v in result.stdout + result.stderr], "a value reached the console"
    assert "<PERSON" not in written and "<EMAIL_ADDRESS>" not in written  # fakes, not placeholders
    by_id = {row["id"]: row for row in rows}
    assert by_id["T-again"]["customer"] == by_id[records[0]["id"]]["customer"]
    assert by_id["T-again"]["customer"]["email"].split("@")[1] in {
        "example.com",
        "example.org",
        "example.net",
    }

    # Queue items mark where the surrogates stand, as placeholders are marked.
    store = SQLiteQueueStore(Path(env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3")
    db = sqlite3.connect(Path(env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3")
    ids = [row[0] for row in db.execute("SELECT item_id FROM items")]
    items = store.items(ids)
    store.close()
    assert len(items) == len(records)
    email_marks = {
        item.text[s.start : s.end]
        for item in items
        for s in item.spans
        if s.label == "REDACTED:EMAIL_ADDRESS"
    }
    assert {row["customer"]["email"] for row in rows} <= email_marks
    assert any(s.label == "REDACTED:PERSON" for item in items for s in item.spans)

    # The audit counts the action and holds neither a value nor a surrogate.
    audit = Path(env["SCRUBLINE_HOME"]) / "audit"
    blob = b"\n".join(p.read_bytes() for p in audit.rglob("*") if p.is_file())
    assert b'"action":"surrogate"' in blob.replace(b" ", b"")
    fakes = [row["customer"]["email"] for row in rows] + [row["customer"]["name"] for row in rows]
    for value in [*direct, *fakes]:
        assert value.encode() not in blob
    shown = scrubline("show", str(out), env=env)
    assert shown.returncode == 0 and "EMAIL_ADDRESS (surrogate)" in shown.stdout
