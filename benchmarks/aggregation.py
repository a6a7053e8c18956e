"""How often each aggregation method recovers the true label, on generated crowd votes
(`tests/data/crowd_data.py`: a known truth, simulated annotators; no real data), and how many
planted label errors cleanlab flags.

    .venv/bin/python benchmarks/aggregation.py [--items 200] [--seeds 5]

Crowds (each item answered by every annotator of the crowd, three intents):

- `systematic`: careful annotators right 80%, 65% and 60% of the time, and one who gives the
  next intent 90% of the time (a consistent confusion);
- `spammer`: the same careful three and one who answers at random;
- `careful`: the careful three alone.

Accuracy against the generator's truth, mean and range over `--seeds` seeds, for majority vote,
Dawid-Skene and MACE as `redaction/queues/aggregate.py` calls them; then cleanlab's
recall and precision on 10% planted errors in `--items` generated support messages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.queues.aggregate import METHODS, aggregate, flag_label_errors  # noqa: E402
from tests.data.crowd_data import INTENTS, crowd_votes, intent_texts  # noqa: E402

CAREFUL = {"ann": ("careful", 0.8), "bob": ("careful", 0.65), "cyd": ("careful", 0.6)}
CROWDS = {
    "systematic": {**CAREFUL, "zed": ("systematic", 0.9)},
    "spammer": {**CAREFUL, "zed": ("careful", 1 / 3)},  # right a third of the time: random
    "careful": CAREFUL,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200, help="items per generated crowd")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per crowd")
    args = parser.parse_args()
    print(f"accuracy against the truth ({args.items} items, {args.seeds} seeds: mean [min, max]; seconds)")
    for crowd, annotators in CROWDS.items():
        cells = []
        for method in METHODS:
            values, took = [], 0.0
            for seed in range(args.seeds):
                truth, votes = crowd_votes(args.items, annotators, seed=seed)
                start = time.perf_counter()
                results = aggregate("classification", votes, method, labels=INTENTS, seed=seed)
                took += time.perf_counter() - start
                values.append(sum(results[i].answer["labels"][0] == truth[i] for i in truth) / len(truth))
            cells.append(
                f"{method} {statistics.mean(values):.3f} [{min(values):.3f}, {max(values):.3f}] {took:.1f}s"
            )
        print(f"  {crowd:11} " + "  |  ".join(cells))
    found = flagged = planted_total = 0
    for seed in range(args.seeds):
        truth, _ = crowd_votes(args.items, {}, seed=100 + seed)
        texts = intent_texts(truth, seed=100 + seed)
        planted = sorted(truth)[::10]
        labels = dict(truth)
        for item in planted:
            labels[item] = INTENTS[(INTENTS.index(truth[item]) + 1) % len(INTENTS)]
        issues = flag_label_errors(texts, labels, seed=seed)
        found += len(set(issues.items) & set(planted))
        flagged += len(issues.items)
        planted_total += len(planted)
    print(
        f"cleanlab on {planted_total} planted errors ({args.seeds} seeds):"
        f" recall {found / planted_total:.3f},"
        f" precision {found / flagged if flagged else 0:.3f} ({flagged} flagged)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
