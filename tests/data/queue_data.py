"""Data for the queue tests and benchmark: redacted, routed records from generated tickets, plain
items in bulk, simulated annotators, and a worker that pulls from a store in its own process."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from redaction.io import discover_inputs, read_batches
from redaction.pipeline import BatchRedactor, RecordRedactions
from redaction.policy import Policy
from redaction.queues import QUEUE_COLUMN, NewItem, Span
from redaction.routing import Router
from tests.data.generators import generate_records


def redact_generated(policy: Policy, folder: Path, n: int = 30, seed: int = 11, french: float = 0.3):
    """Generate n tickets, redact them with the real pipeline stage and route them.

    Returns (source, batches) where each batch is (batch key, rows with `_queue`, redactions).
    """
    folder.mkdir(parents=True, exist_ok=True)
    records, _ = generate_records(n, seed, french=french)
    path = folder / "tickets.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    source = discover_inputs([path])[0]
    redactor = BatchRedactor(policy, folder / "out")
    router = Router(policy.routing, policy)
    batches: list[tuple[str, list[dict[str, Any]], list[RecordRedactions]]] = []
    for batch in read_batches(source, 50, policy.fields.id):
        result = redactor.redact(batch)
        for row, done in zip(result.rows, result.redacted, strict=True):
            row[QUEUE_COLUMN] = router.route(row, done.redactions, source.path).queue
        batches.append((batch.key, result.rows, result.redacted))
    return source, batches, router


def plain_items(n: int, queue: str = "annotation", prefix: str = "i", confidence=None) -> list[NewItem]:
    """n simple items (no spaCy): for store mechanics and the benchmark."""
    items = []
    for i in range(n):
        mark = f"<PERSON_{i % 97}>"
        text = f"Ticket {i}: {mark} asked about invoice {i}."
        start = text.index(mark)
        items.append(
            NewItem(
                item_id=f"{prefix}{i:07d}",
                queue=queue,
                text=text,
                record={"id": f"T-{i}"},
                record_id=f"T-{i}",
                spans=[Span(start, start + len(mark), "REDACTED:PERSON")],
                confidence=None if confidence is None else confidence(i),
            )
        )
    return items


def simulate_annotation(item, rng: random.Random, slip: float = 0.2) -> list[Span]:
    """An annotator who accepts each pre-annotation, drops one now and then, and sometimes
    labels a word that is not an entity."""
    spans = [Span(s.start, s.end, s.label) for s in item.predictions if rng.random() > slip]
    if rng.random() < slip:
        words = [(m, m + len(w)) for m, w in _words(item.text)]
        free = [w for w in words if not any(w[0] < s.end and s.start < w[1] for s in [*item.spans, *spans])]
        if free:
            start, end = rng.choice(free)
            spans.append(Span(start, end, "ORGANIZATION"))
    return sorted(spans, key=lambda s: (s.start, s.end))


def _words(text: str):
    import re

    for match in re.finditer(r"[A-Za-z]{4,}", text):
        yield match.start(), match.group()


def pull_until_empty(
    store_path: str, queue: str, annotator: str, n: int, out_path: str, start=None, ack: bool = True
) -> None:
    """Worker process: pull batches (and ack them) until the queue gives nothing; write the ids
    received, in order, one per line. `start`: a barrier to pass first, so workers race."""
    from redaction.queues import SQLiteQueueStore

    store = SQLiteQueueStore(store_path)
    if start is not None:
        start.wait()
    received: list[str] = []
    empty = 0
    while empty < 3:  # another process may still be releasing leases
        items = store.pull(queue, annotator, n)
        if not items:
            empty += 1
            time.sleep(0.01)
            continue
        empty = 0
        ids = [item.item_id for item in items]
        received.extend(ids)
        if ack:
            store.ack(annotator, ids)
    store.close()
    Path(out_path).write_text("\n".join(received) + ("\n" if received else ""), encoding="utf-8")
