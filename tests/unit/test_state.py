"""Batch planning by offset and the output commit protocol (resume, recovery, ledger)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from redaction.errors import InputError, RunAbandonedError
from redaction.io import discover_inputs, plan_batches, read_batch, read_batches
from redaction.pipeline import Counters
from redaction.state import BatchMarker, OutputLock, OutputState, file_sha256, pending_path


def ids_and_rejects(batch):
    return [r.record_id for r in batch.records], [(r.location, r.reason.value) for r in batch.rejects]


def test_jsonl_batches_read_alone_equal_the_stream(tmp_path):
    lines = []
    for i in range(23):
        lines.append(json.dumps({"id": i, "body": f"text {i}"}))
        if i % 5 == 0:
            lines.append("")  # blank lines are not inputs
        if i == 11:
            lines.append('{"broken": ')
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    (source,) = discover_inputs([path])
    refs = plan_batches(source, 4)
    assert [r.index for r in refs] == list(range(len(refs))) and len(refs) == 6  # 24 inputs
    alone = [ids_and_rejects(read_batch(ref, "id")) for ref in reversed(refs)][::-1]
    assert alone == [ids_and_rejects(b) for b in read_batches(source, 4, "id")]
    everything = [i for ids, _ in alone for i in ids]
    assert everything == [str(i) for i in range(23)]
    assert [rej for _, rejects in alone for rej in rejects] == [("line 16", "malformed")]


def test_csv_batches_split_correctly_around_quoted_newlines(tmp_path):
    rows = ["id,body"]
    for i in range(10):
        body = f'"line one of {i}\nline two, with comma"' if i % 3 == 0 else f"plain {i}"
        rows.append(f"{i},{body}")
    rows.insert(6, "7,too,many,cells")
    path = tmp_path / "in.csv"
    path.write_text("\r\n".join(rows) + "\r\n")
    (source,) = discover_inputs([path])
    for size in (1, 2, 3, 100):
        batches = [read_batch(ref, "id") for ref in plan_batches(source, size)]
        records = [r for b in batches for r in b.records]
        assert [r.record_id for r in records] == [str(i) for i in range(10)]
        assert records[3].data["body"] == "line one of 3\nline two, with comma"
        assert [rej.reason.value for b in batches for rej in b.rejects] == ["malformed"]


def test_parquet_batches_span_row_groups(tmp_path):
    path = tmp_path / "in.parquet"
    table = pa.table({"id": [str(i) for i in range(25)], "body": [f"b{i}" for i in range(25)]})
    pq.write_table(table, path, row_group_size=7)
    (source,) = discover_inputs([path])
    batches = [read_batch(ref, "id") for ref in plan_batches(source, 10)]
    assert [len(b) for b in batches] == [10, 10, 5]
    assert [r.record_id for b in batches for r in b.records] == [str(i) for i in range(25)]
    assert batches[1].records[0].location == "row 11"


def test_batch_size_must_be_positive(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1}\n')
    with pytest.raises(InputError, match="batch size must be at least 1"):
        plan_batches(discover_inputs([path])[0], 0)


def make_marker(key="abc-000000", policy_hash="p1"):
    return BatchMarker(
        batch_key=key,
        source={"path": "/x.jsonl", "format": "jsonl", "size": 1, "sha256": "s"},
        index=0,
        batch_size=10,
        policy_hash=policy_hash,
        run_id="run1",
        counters=Counters(records_in=2, redacted=2, batches=1).to_dict(),
        seconds=0.1,
    )


def writers():
    return {
        "records": lambda path: pq.write_table(pa.table({"id": ["1", "2"]}), path),
        "quarantine": lambda path: open(path, "w").write('{"reason": "malformed"}\n'),
    }


def test_commit_writes_outputs_then_the_marker_and_audits_final_paths(tmp_path):
    state = OutputState(tmp_path)
    audited = []
    marker = state.commit_batch(make_marker(), writers(), {"records": 2, "quarantine": 1}, audited.append)
    records = tmp_path / "records" / "abc-000000.parquet"
    assert records.exists() and (tmp_path / "quarantine" / "abc-000000.jsonl").exists()
    assert state.marker_path("abc-000000").exists()
    (files,) = audited
    assert [(f.kind, f.path, f.rows) for f in files] == [
        ("records", str(records), 2),
        ("quarantine", str(tmp_path / "quarantine" / "abc-000000.jsonl"), 1),
    ]
    assert files[0].sha256 == file_sha256(records)
    assert json.loads(state.marker_path("abc-000000").read_text())["files"][0]["sha256"] == files[0].sha256
    assert not list(tmp_path.rglob(".*.pending"))
    assert marker.finished_at


def test_a_failing_audit_leaves_no_output_at_all(tmp_path):
    state = OutputState(tmp_path)

    def refuse(files):
        raise OSError("audit store unavailable")

    with pytest.raises(OSError):
        state.commit_batch(make_marker(), writers(), {"records": 2, "quarantine": 1}, refuse)
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"]


def test_recover_promotes_pending_outputs_the_audit_log_recorded(tmp_path):
    # The crash window: pending files written, audit committed, nothing renamed yet.
    state = OutputState(tmp_path)
    marker = make_marker()
    final = state.output_path("records", marker.batch_key)
    final.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["1", "2"]}), pending_path(final))
    digest = file_sha256(pending_path(final))
    from redaction.state import OutputFile

    marker.files = [OutputFile("records", str(final), digest, 2)]
    state.batches.mkdir(parents=True)
    pending_path(state.marker_path(marker.batch_key)).write_text(json.dumps(marker.to_dict()))
    recorded = {(str(final), digest)}

    promoted, discarded = state.recover(lambda path, sha: (path, sha) in recorded)
    assert (promoted, discarded) == (1, 0)
    assert final.exists() and state.marker_path(marker.batch_key).exists()
    assert not list(tmp_path.rglob(".*.pending"))


def test_recover_discards_pending_outputs_the_audit_log_does_not_know(tmp_path):
    state = OutputState(tmp_path)
    marker = make_marker()
    final = state.output_path("records", marker.batch_key)
    final.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["1"]}), pending_path(final))
    state.batches.mkdir(parents=True)
    pending_path(state.marker_path(marker.batch_key)).write_text(json.dumps(marker.to_dict()))
    assert state.recover(lambda path, sha: False) == (0, 1)
    assert not final.exists() and not list(tmp_path.rglob(".*.pending"))


def test_done_batch_needs_same_policy_same_size_and_its_files(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"id": 1}\n')
    (source,) = discover_inputs([tmp_path / "in.jsonl"])
    (ref,) = plan_batches(source, 10)
    state = OutputState(tmp_path / "out")
    marker = make_marker(ref.key)
    state.commit_batch(marker, {"records": writers()["records"]}, {"records": 2})
    assert state.done_batch(ref, "p1") is not None
    assert state.done_batch(ref, "another policy") is None
    assert state.done_batch(plan_batches(source, 5)[0], "p1") is None
    state.output_path("records", ref.key).unlink()
    assert state.done_batch(ref, "p1") is None


def test_only_one_run_per_output_folder(tmp_path):
    with (
        OutputLock(tmp_path),
        pytest.raises(InputError, match="another run is writing to this output folder"),
    ):
        with OutputLock(tmp_path):
            pass
    with OutputLock(tmp_path):  # released
        pass


def test_lock_holder_holds_only_while_its_run_holds_the_lock(tmp_path):
    with OutputLock(tmp_path) as lock:
        holder = lock.holder()
        assert holder.holds()
        holder.check()
    assert not holder.holds()  # released: the run is gone
    with OutputLock(tmp_path):  # another run took the folder: its token, not ours
        assert not holder.holds()
        with pytest.raises(RunAbandonedError, match="no longer holds the output folder's lock"):
            holder.check()


def test_an_abandoned_run_commits_nothing(tmp_path):
    state = OutputState(tmp_path)
    with OutputLock(tmp_path) as lock:
        holder = lock.holder()
    audited = []
    with pytest.raises(RunAbandonedError):
        state.commit_batch(
            make_marker(), writers(), {"records": 2, "quarantine": 1}, audited.append, None, holder.check
        )
    assert audited == [], "an abandoned run must not write audit events"
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "lock"]


def test_a_run_lost_after_its_audit_leaves_the_batch_for_recovery(tmp_path):
    # Audited but not renamed: the next run's recover promotes it (it never goes missing).
    state = OutputState(tmp_path)
    checks = []

    def guard():
        checks.append(1)
        if len(checks) == 2:
            raise RunAbandonedError("gone")

    recorded = set()
    with pytest.raises(RunAbandonedError):
        state.commit_batch(
            make_marker(),
            writers(),
            {"records": 2, "quarantine": 1},
            lambda files: recorded.update((f.path, f.sha256) for f in files),
            None,
            guard,
        )
    assert not state.marker_path("abc-000000").exists()
    assert state.recover(lambda path, sha: (path, sha) in recorded) == (1, 0)
    assert state.marker_path("abc-000000").exists()


def test_a_vanished_or_resized_input_is_named(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1}\n{"id": 2}\n')
    (ref,) = plan_batches(discover_inputs([path])[0], 10)
    path.write_text('{"id": 1}\n')
    with pytest.raises(InputError, match=r"in.jsonl: input file changed during the run \(20 -> 10 bytes\)"):
        read_batch(ref, "id")
    path.unlink()
    with pytest.raises(InputError, match="in.jsonl: input file vanished during the run"):
        read_batch(ref, "id")
