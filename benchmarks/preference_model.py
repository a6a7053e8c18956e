"""The preference (reward) model of `task: preference` queues, measured: held-out pairwise accuracy
against the number of ranked items it learns from, beside two baselines measured on the same pairs.

Data: generated preference pairs (`tests/data/chat_data.generate_preference_pairs`: Faker-made
prompts with a right answer, long or short, and a poor one: vague, a polite non-answer, or a
right answer to another question); not a public dataset, no real data. Labels are the
generator's truth. Each size is trained on that many items and measured on `--test` fresh items
(another generator seed), mean over `--seeds` seeds. Rows:

* `model (prompt + response)`: what `scrubline queue train` fits (`redaction/queues/preference.py`);
* `model (response only)`: the same without the prompt features (does the prompt help?);
* `always first`, `longer response`: the baselines.

    nice -n 10 python benchmarks/preference_model.py [--sizes 50 100 200] [--seeds 3] [--test 400]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.queues.preference import PreferenceBackend, RankedSet, evaluate_backend  # noqa: E402
from tests.data.chat_data import generate_preference_pairs  # noqa: E402


def ranked(n: int, seed: int) -> RankedSet:
    records, better = generate_preference_pairs(n, seed)
    return RankedSet(
        [r["id"] for r in records],
        [r["prompt"] for r in records],
        [r["responses"] for r in records],
        [[better[r["id"]], 1 - better[r["id"]]] for r in records],
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[50, 100, 200], help="ranked items to learn from"
    )
    parser.add_argument("--seeds", type=int, default=3, help="seeds per figure")
    parser.add_argument("--test", type=int, default=400, help="held-out items per seed")
    args = parser.parse_args(argv)
    print(
        "preference model: held-out pairwise accuracy on generated pairs (tests/data/chat_data.py,"
        f" Faker-made, not a public dataset); {args.test} test items per seed, mean of {args.seeds} seeds"
    )
    rows: dict[str, dict[int, list[float]]] = {}
    seconds: dict[int, list[float]] = {}
    for size in args.sizes:
        for seed in range(args.seeds):
            train = ranked(size, 100 + seed)
            test = ranked(args.test, 10_000 + seed)
            for name, use_prompt in (("model (prompt + response)", True), ("model (response only)", False)):
                started = time.perf_counter()
                backend = PreferenceBackend(seed, use_prompt).fit(
                    train.prompts, train.responses, train.rankings
                )
                if use_prompt:
                    seconds.setdefault(size, []).append(time.perf_counter() - started)
                figures = evaluate_backend(backend, test)
                rows.setdefault(name, {}).setdefault(size, []).append(figures["pairwise_accuracy"])
            rows.setdefault("always first", {}).setdefault(size, []).append(
                figures["baselines"]["always_first"]
            )
            rows.setdefault("longer response", {}).setdefault(size, []).append(
                figures["baselines"]["longer_response"]
            )
    width = max(len(n) for n in rows)
    print(f"{'':{width}}  " + "  ".join(f"{s:>5} items" for s in args.sizes))
    for name, by_size in rows.items():
        print(f"{name:{width}}  " + "  ".join(f"{statistics.mean(by_size[s]):>11.3f}" for s in args.sizes))
    print(
        f"{'train seconds (model)':{width}}  "
        + "  ".join(f"{statistics.mean(seconds[s]):>11.3f}" for s in args.sizes)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
