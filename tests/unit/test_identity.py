"""Record identity: keyed digests, the id ledger in batch markers, plan-time decisions, and the
queue store's handling of a newer version of an item."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from redaction.errors import InputError
from redaction.identity import IdLedger, RecordIdentity, dataset_id, item_id, marker_identities
from redaction.io import Source, discover_inputs, plan_source, read_batch
from redaction.keys import Key
from redaction.pipeline import plan_identities
from redaction.queues import SQLiteQueueStore
from redaction.routing import QueueSettings
from redaction.state import BatchMarker, OutputFile, OutputState
from tests.data.queue_data import plain_items
from tests.unit.helpers import make_policy

KEY = Key("SCRUBLINE_AUDIT_KEY", bytes(range(32)))
OTHER = Key("SCRUBLINE_AUDIT_KEY", bytes(range(1, 33)))


def test_identity_is_a_keyed_digest_of_the_id_alone():
    identity = RecordIdentity(KEY)
    assert identity.of("ana@example.org") == RecordIdentity(KEY).of("ana@example.org")
    assert identity.of("ana@example.org") != RecordIdentity(OTHER).of("ana@example.org")
    assert identity.of("ana@example.org") != identity.of("ana@example.com")
    assert len(identity.of("x")) == 32 and "ana" not in identity.of("ana@example.org")
    assert identity.content({"a": 1, "b": [2]}) == identity.content({"b": [2], "a": 1})
    assert identity.content({"a": 1}) != identity.content({"a": 2})
    assert identity.key_id != RecordIdentity(OTHER).key_id


def test_item_ids_are_scoped_by_the_output_folder(tmp_path):
    first, again = dataset_id(tmp_path / "a"), dataset_id(tmp_path / "a")
    other = dataset_id(tmp_path / "b")
    assert first == again != other
    rid = RecordIdentity(KEY).of("T-1")
    assert item_id(first, rid) != item_id(other, rid)
    with pytest.raises(InputError, match="not an output folder"):
        dataset_id(tmp_path / "c", create=False)


def write(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def commit(state: OutputState, source: Source, index: int, ids: dict[str, tuple[str, str]]) -> None:
    """A committed batch marker (with one real output) holding `ids` in its ledger."""
    output = state.output_path("records", f"{source.source_id}-{index:06d}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(b"x")
    marker = BatchMarker(
        f"{source.source_id}-{index:06d}", source.describe(), index, 10, "p", "run", {}, 0.0,
        files=[OutputFile("records", str(output), "0" * 64, len(ids))],
        identities=marker_identities(RecordIdentity(KEY), ids),
    )  # fmt: skip
    state.marker_path(marker.batch_key).parent.mkdir(parents=True, exist_ok=True)
    state.marker_path(marker.batch_key).write_text(json.dumps(marker.to_dict()))


def test_ledger_reads_committed_markers_and_refuses_another_key(tmp_path):
    identity = RecordIdentity(KEY)
    (source,) = discover_inputs([write(tmp_path / "in" / "a.jsonl", [{"id": "T-1"}])])
    state = OutputState(tmp_path / "out")
    commit(state, source, 0, {identity.of("T-1"): ("c1", "line 1")})
    marker = BatchMarker.from_dict(json.loads(state.marker_path(f"{source.source_id}-000000").read_text()))
    assert marker.identities["records"] == {identity.of("T-1"): ["c1", "line 1"]}
    assert "T-1" not in state.marker_path(marker.batch_key).read_text()

    ledger = IdLedger(identity).load(state.committed_markers(), state.out)
    found = ledger.seen[identity.of("T-1")]
    assert (found.content, found.path, found.location) == ("c1", source.path, "line 1")
    assert ledger.decide(identity.of("T-1"), "c2", "b.jsonl", "line 3") == found
    assert ledger.decide(identity.of("T-2"), "c2", "b.jsonl", "line 4") is None
    assert ledger.decide(identity.of("T-2"), "c3", "c.jsonl", "line 1").path == "b.jsonl"

    with pytest.raises(InputError, match="written with another audit key"):
        IdLedger(RecordIdentity(OTHER)).load(state.committed_markers(), state.out)

    # A marker whose output is gone holds nothing the folder still has.
    os.remove(marker.files[0].path)
    assert list(state.committed_markers()) == []


def plan(tmp_path, policy, *paths):
    sources = discover_inputs(list(paths))
    return [(source, plan_source(source, 2, policy.fields).refs) for source in sources]


def test_plan_skips_same_content_and_quarantines_other_content_in_source_order(tmp_path):
    policy = make_policy()
    identity = RecordIdentity(KEY)
    a = write(tmp_path / "in" / "a.jsonl", [{"id": f"T-{i}", "text": "hi"} for i in range(4)])
    b = write(
        tmp_path / "in" / "b.jsonl",
        [{"id": "T-2", "text": "hi"}, {"id": "T-3", "text": "changed"}, {"id": "T-9", "text": "new"}],
    )
    state = OutputState(tmp_path / "out")
    decided = dict(plan_identities(state, plan(tmp_path, policy, a, b), policy, identity))
    by_path = {source.path: refs for source, refs in decided.items()}
    assert all(not ref.skips and not ref.repeats for ref in by_path[str(a)])
    first, second = by_path[str(b)]
    assert (first.skips, first.repeats) == ((1,), (2,)) and (second.skips, second.repeats) == ((), ())
    batch = read_batch(first, policy.fields)
    assert batch.skipped == [("line 1", "T-2")] and [r.reason.value for r in batch.rejects] == [
        "duplicate_id"
    ]
    assert len(batch) == 2

    fail = make_policy(fields={"id": "id", "duplicates": "fail"})
    with pytest.raises(InputError) as raised:
        plan_identities(state, plan(tmp_path, fail, a, b), fail, identity)
    message = str(raised.value)
    assert message.startswith(
        f"{b}: ids already in {state.out} with other content (line 2 repeats line 4 of {a}"
    )
    assert "T-3" not in message and message.endswith("fields.duplicates is 'fail'")


def test_plan_ignores_the_ledger_of_the_planned_paths_own_batches(tmp_path):
    """An earlier version of a planned file (or this version, begun by an interrupted run) does
    not count as already emitted: the file replaces it, and a re-run decides as the first did."""
    policy = make_policy()
    identity = RecordIdentity(KEY)
    a = write(tmp_path / "in" / "a.jsonl", [{"id": "T-1", "text": "hi"}])
    state = OutputState(tmp_path / "out")
    ((source, refs),) = plan(tmp_path, policy, a)
    rid = identity.of("T-1")
    commit(
        state,
        replace(source, sha256="0" * 64),
        0,
        {rid: (identity.content({"id": "T-1", "text": "hi"}), "line 1")},
    )
    assert plan_identities(state, [(source, refs)], policy, identity) == [(source, refs)]
    # Seen from another file, the same record is already there.
    moved = write(tmp_path / "in" / "moved.jsonl", [{"id": "T-1", "text": "hi"}])
    ((other, other_refs),) = plan(tmp_path, policy, moved)
    ((_, (ref,)),) = plan_identities(state, [(other, other_refs)], policy, identity)
    assert ref.skips == (1,)


def test_upsert_updates_an_untouched_item_and_keeps_one_worked_on(tmp_path):
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    store.configure({"annotation": QueueSettings()})
    assert store.upsert(plain_items(3)) == {"new": 3, "unchanged": 0, "updated": 0, "kept": 0}
    again = plain_items(3)
    for item in again:
        item.batch_key = "newer-000000"
    assert store.upsert(again) == {"new": 0, "unchanged": 3, "updated": 0, "kept": 0}
    assert {i.batch_key for i in store.items([i.item_id for i in again])} == {"newer-000000"}

    (leased,) = store.pull("annotation", "alice", 1)
    changed = plain_items(3)
    for item in changed:
        item.text = item.text.replace("asked about", "complained about")
        item.batch_key = "newest-000000"
    assert store.upsert(changed) == {"new": 0, "unchanged": 0, "updated": 2, "kept": 1}
    now = {i.item_id: i for i in store.items([i.item_id for i in changed])}
    assert "asked about" in now[leased.item_id].text and now[leased.item_id].superseded_by == "newest-000000"
    others = [i for k, i in now.items() if k != leased.item_id]
    assert all("complained" in i.text and not i.superseded_by for i in others)
    assert store.stats()["annotation"].items == 3
