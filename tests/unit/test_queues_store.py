"""The SQLite queue store: leases, overlap, gold mixing, release, and several processes at once."""

from __future__ import annotations

import sqlite3
from collections import Counter
from multiprocessing import get_context

import pytest

from redaction.queues import GoldItem, QueueError, Span, SQLiteQueueStore
from redaction.queues.sqlite import gold_slots
from redaction.routing import QueueSettings
from tests.data.queue_data import plain_items, pull_until_empty


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_store(tmp_path, clock=None, **queues: QueueSettings) -> SQLiteQueueStore:
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3", clock=clock or Clock())
    store.configure(queues or {"annotation": QueueSettings()})
    return store


def test_default_store_lives_under_scrubline_home_in_wal_mode(scrubline_home):
    store = SQLiteQueueStore()
    assert store.path == scrubline_home / "queues" / "queues.sqlite3"
    store.configure({"annotation": QueueSettings()})
    store.close()
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_enqueue_is_idempotent(tmp_path):
    store = make_store(tmp_path)
    assert store.enqueue(plain_items(20)) == 20
    assert store.enqueue(plain_items(20)) == 0
    assert store.stats()["annotation"].items == 20


def test_enqueue_into_an_unconfigured_queue_names_the_queues(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(QueueError, match=r"no queue named 'other' \(queues: annotation\)"):
        store.enqueue(plain_items(1, queue="other"))


def test_fifo_queue_serves_in_enqueue_order_and_never_twice(tmp_path):
    store = make_store(tmp_path)
    store.enqueue(plain_items(10))
    first = store.pull("annotation", "alice", 4)
    second = store.pull("annotation", "bob", 4)
    assert [i.item_id for i in first] == [f"i{n:07d}" for n in range(4)]
    assert [i.item_id for i in second] == [f"i{n:07d}" for n in range(4, 8)]
    again = store.pull("annotation", "alice", 10)
    assert [i.item_id for i in again] == ["i0000008", "i0000009"]
    assert store.pull("annotation", "carol", 5) == []


def test_uncertainty_queue_serves_least_confident_first(tmp_path):
    store = make_store(tmp_path, annotation=QueueSettings(order="uncertainty", prelabel="spacy"))
    confidences = [0.9, 0.3, 0.99, 0.55, 0.3]
    store.enqueue(plain_items(5, confidence=lambda i: confidences[i]))
    served = [(i.item_id, i.confidence) for i in store.pull("annotation", "alice", 5)]
    # 0.3 twice: the earlier enqueued first
    assert served == [
        ("i0000001", 0.3),
        ("i0000004", 0.3),
        ("i0000003", 0.55),
        ("i0000000", 0.9),
        ("i0000002", 0.99),
    ]


def test_expired_lease_returns_the_item_to_pending(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock, annotation=QueueSettings(lease_seconds=60))
    store.enqueue(plain_items(3))
    leased = [i.item_id for i in store.pull("annotation", "alice", 3)]
    assert store.stats()["annotation"].leased == 3
    assert store.pull("annotation", "bob", 3) == []
    clock.now += 59
    assert store.pull("annotation", "bob", 3) == []
    clock.now += 2  # past the lease
    stats = store.stats()["annotation"]
    assert (stats.pending, stats.leased) == (3, 0)
    assert [i.item_id for i in store.pull("annotation", "bob", 3)] == leased
    # alice's lease is gone: her ack is still taken (the work was done), bob's lease stands
    assert store.ack("alice", leased[:1]) == leased[:1]
    assert store.ack("bob", leased) == leased
    assert store.stats()["annotation"].done == 3


def test_pull_lease_seconds_overrides_the_queue_default(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock, annotation=QueueSettings(lease_seconds=3600))
    store.enqueue(plain_items(1))
    store.pull("annotation", "alice", 1, lease_seconds=5)
    clock.now += 6
    assert len(store.pull("annotation", "bob", 1)) == 1


def test_overlap_serves_each_item_to_k_distinct_annotators(tmp_path):
    store = make_store(tmp_path, annotation=QueueSettings(overlap=2))
    store.enqueue(plain_items(4))
    alice = [i.item_id for i in store.pull("annotation", "alice", 10)]
    assert len(alice) == 4
    assert store.pull("annotation", "alice", 10) == []  # never the same item twice to alice
    bob = [i.item_id for i in store.pull("annotation", "bob", 10)]
    assert sorted(bob) == sorted(alice)
    assert store.pull("annotation", "carol", 10) == []  # two annotators each: full
    assert store.stats()["annotation"].leased == 8
    store.ack("alice", alice)
    assert store.stats()["annotation"].done == 0  # one of two finished
    store.ack("bob", bob)
    stats = store.stats()["annotation"]
    assert stats.done == 4
    assert stats.annotators == {
        "alice": {"leased": 0, "done": 4, "nacked": 0},
        "bob": {"leased": 0, "done": 4, "nacked": 0},
    }


def test_nack_returns_the_item_to_others_but_never_to_the_same_annotator(tmp_path):
    store = make_store(tmp_path)
    store.enqueue(plain_items(2))
    first = store.pull("annotation", "alice", 1)[0].item_id
    assert store.nack("alice", [first]) == [first]
    assert [i.item_id for i in store.pull("annotation", "alice", 5)] == ["i0000001"]
    assert [i.item_id for i in store.pull("annotation", "bob", 5)] == [first]
    assert store.ack("alice", [first]) == []  # not hers any more
    assert store.stats()["annotation"].annotators["alice"] == {"leased": 1, "done": 0, "nacked": 1}


def test_ack_of_an_item_never_leased_does_nothing(tmp_path):
    store = make_store(tmp_path)
    store.enqueue(plain_items(2))
    assert store.ack("alice", ["i0000000", "nope"]) == []
    assert store.stats()["annotation"].pending == 2


def test_held_items_wait_for_release_then_move_to_the_release_queue(tmp_path):
    store = make_store(
        tmp_path,
        annotation=QueueSettings(),
        review=QueueSettings(hold=True, release_to="annotation"),
    )
    store.enqueue(plain_items(3, queue="review", prefix="r"))
    assert store.pull("review", "alice", 5) == []
    assert store.pull("annotation", "alice", 5) == []
    assert [i.item_id for i in store.held("review", 10)] == ["r0000000", "r0000001", "r0000002"]
    assert store.stats()["review"].held == 3
    assert store.release("review", ["r0000001", "unknown"]) == 1
    assert [i.item_id for i in store.pull("annotation", "alice", 5)] == ["r0000001"]
    assert store.release("review") == 2
    assert store.stats()["review"].items == 0
    assert len(store.pull("annotation", "bob", 5)) == 2


def test_release_into_a_holding_queue_is_refused(tmp_path):
    store = make_store(tmp_path, a=QueueSettings(hold=True), b=QueueSettings(hold=True))
    with pytest.raises(QueueError, match="holds its items too"):
        store.release("a", to="b")


def test_gold_slots_give_exactly_the_rate():
    slots = gold_slots(0, 100, 0.2)
    assert sum(slots) == 20
    assert slots[:10] == [False, False, False, False, True, False, False, False, False, True]
    # continuing from where an annotator stopped gives the same sequence
    assert gold_slots(0, 30, 0.2)[17:] == gold_slots(17, 13, 0.2)


def _with_gold(tmp_path, name: str, rate: float) -> SQLiteQueueStore:
    store = SQLiteQueueStore(tmp_path / name, clock=Clock())
    store.configure({"annotation": QueueSettings(gold_rate=rate)})
    store.enqueue(plain_items(200))
    golds = [GoldItem(f"Gold text {g} about Paris.", (Span(17, 22, "LOCATION"),)) for g in range(30)]
    assert store.add_gold("annotation", golds) == 30
    assert store.add_gold("annotation", golds) == 0
    return store


def test_gold_items_are_mixed_in_at_the_rate_deterministically(tmp_path):
    store = _with_gold(tmp_path, "a.sqlite3", 0.1)
    served = []
    for _ in range(10):
        batch = store.pull("annotation", "alice", 10)
        store.ack("alice", [i.item_id for i in batch])
        served += batch
    gold_ids = set(store.gold_answers("annotation"))
    golds = [i.item_id for i in served if i.item_id in gold_ids]
    assert len(served) == 100 and len(golds) == 10  # floor(100 * 0.1)
    assert len(set(golds)) == 10  # no gold twice to one annotator
    assert [i.item_id in gold_ids for i in served][:20] == gold_slots(0, 20, 0.1)
    # Same content, same annotator: the same items in the same order, gold ones included.
    other = _with_gold(tmp_path, "b.sqlite3", 0.1)
    replay = [i.item_id for _ in range(10) for i in other.pull("annotation", "alice", 10)]
    assert replay == [i.item_id for i in served]
    # Gold items do not count as queue items and are served to every annotator.
    stats = store.stats()["annotation"]
    assert (stats.items, stats.gold, stats.done) == (200, 30, 90)
    bob = [i.item_id for i in store.pull("annotation", "bob", 10)]
    assert sum(i in gold_ids for i in bob) == 1


def test_gold_is_never_served_alone_when_regular_items_run_out(tmp_path):
    store = SQLiteQueueStore(tmp_path / "g.sqlite3", clock=Clock())
    store.configure({"annotation": QueueSettings(gold_rate=0.5)})
    store.add_gold("annotation", [GoldItem(f"gold {g}", ()) for g in range(5)])
    assert store.pull("annotation", "alice", 4) == []


def test_gold_span_outside_its_text_is_refused(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(QueueError, match="outside its text"):
        store.add_gold("annotation", [GoldItem("short", (Span(2, 40, "PERSON"),))])


def _pull_in_processes(
    tmp_path, annotators: list[str], items: int, overlap: int, n: int
) -> dict[str, list[str]]:
    path = tmp_path / "shared.sqlite3"
    store = SQLiteQueueStore(path)
    store.configure({"annotation": QueueSettings(overlap=overlap)})
    store.enqueue(plain_items(items))
    store.close()
    context = get_context("spawn")
    start = context.Barrier(len(annotators))
    workers = [
        context.Process(
            target=pull_until_empty,
            args=(str(path), "annotation", name, n, str(tmp_path / f"{name}.txt"), start),
        )
        for name in annotators
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    return {name: (tmp_path / f"{name}.txt").read_text().split() for name in annotators}


def test_two_processes_pulling_at_once_never_get_the_same_item(tmp_path):
    received = _pull_in_processes(tmp_path, ["alice", "bob"], items=600, overlap=1, n=7)
    alice, bob = set(received["alice"]), set(received["bob"])
    assert len(alice) == len(received["alice"]) and len(bob) == len(received["bob"])
    assert not alice & bob
    assert len(alice | bob) == 600
    assert alice and bob  # both were served
    stats = SQLiteQueueStore(tmp_path / "shared.sqlite3").stats()["annotation"]
    assert (stats.done, stats.pending, stats.leased) == (600, 0, 0)


def test_three_processes_with_overlap_two_serve_each_item_exactly_twice(tmp_path):
    received = _pull_in_processes(tmp_path, ["alice", "bob", "carol"], items=300, overlap=2, n=5)
    counts = Counter(item for ids in received.values() for item in ids)
    assert len(counts) == 300
    assert set(counts.values()) == {2}
    for ids in received.values():
        assert len(ids) == len(set(ids))  # never twice to one annotator


def test_saving_annotations_tells_new_replaced_and_identical_ones_apart(tmp_path):
    from redaction.queues import Annotation

    store = make_store(tmp_path, annotation=QueueSettings(overlap=2))
    store.enqueue(plain_items(3))
    ids = [i.item_id for i in store.pull("annotation", "alice", 3)]
    first = [Annotation(i, "alice", (Span(0, 6, "ORGANIZATION"), Span(7, 8, "DATE_TIME"))) for i in ids]
    result = store.save_annotations([*first, Annotation("nope", "alice", ())])
    assert result.new == tuple((i, "alice") for i in ids) and result.unknown == ("nope",)
    assert (result.saved, result.replaced, result.unchanged) == (3, (), ())
    again = store.save_annotations(
        [
            # the same spans in another order, a score and a placeholder: identical
            Annotation(ids[0], "alice", (Span(7, 8, "DATE_TIME", 0.5), Span(0, 6, "ORGANIZATION"))),
            Annotation(ids[1], "alice", (*first[1].spans, Span(10, 20, "REDACTED:PERSON"))),
            Annotation(ids[2], "alice", (Span(0, 6, "LOCATION"),)),  # relabelled
            Annotation(ids[2], "bob", ()),  # bob's first, though he holds no lease
        ]
    )
    assert again.unchanged == ((ids[0], "alice"), (ids[1], "alice"))
    assert again.replaced == ((ids[2], "alice"),) and again.new == ((ids[2], "bob"),)
    stored = {(a.item_id, a.annotator): a.spans for a in store.annotations("annotation")}
    assert stored[(ids[2], "alice")] == (Span(0, 6, "LOCATION"),)
    assert store.stats()["annotation"].done == 1  # ids[2]: alice and bob


def test_assignments_say_who_was_given_each_item_and_how_it_stands(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock, annotation=QueueSettings(overlap=3, lease_seconds=60))
    store.enqueue(plain_items(2))
    ids = [i.item_id for i in store.pull("annotation", "alice", 2)]
    store.pull("annotation", "bob", 1)
    store.pull("annotation", "carol", 1)
    store.ack("bob", ids[:1])
    store.nack("carol", ids[:1])
    clock.now += 61
    store.stats()  # reclaims the expired leases
    assert store.assignments([*ids, "nope"]) == {
        ids[0]: {"alice": "expired", "bob": "done", "carol": "nacked"},
        ids[1]: {"alice": "expired"},
    }
