"""What the per-record limits cost, measured against the same work without them, in one run.

    .venv/bin/python benchmarks/limits.py [--records 300] [--repeat 3]

- Redaction of generated records (tests/data/generators.py) by `TextRedactor` in this (main)
  thread: with each record's time budget (the interval timer armed around its detection, the
  run's path) and with budgets left out (no timer, no accounting), median of `--repeat`;
- the load-time pattern check (`redaction/patterns.py`): the shipped policies' declared
  patterns, and one catastrophic pattern until it is refused.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SCRUBLINE_HOME", tempfile.mkdtemp(prefix="scrubline-bench-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from redaction.detect import Detector
    from redaction.patterns import backtracking_problem
    from redaction.policy import load_policy
    from redaction.redactor import TextRedactor
    from tests.data.generators import generate_records

    root = Path(__file__).resolve().parents[1]
    policy = load_policy(root / "policies" / "default.yaml")
    records, _ = generate_records(args.records, seed=11)
    groups = [[v for v in r.values() if isinstance(v, str) and v != r["id"]] for r in records]
    languages = ["en"] * len(groups)
    redactor = TextRedactor(policy, detector=Detector(policy))
    redactor.redact(groups[:5], languages[:5])  # warm-up: models and recognizers loaded

    detector = redactor.detector
    detect = detector.detect

    def without_budgets() -> None:
        # The same path with detection given no budgets (no timer around each text's
        # recognizers): what the code did before limits.
        detector.detect = lambda texts, langs, budgets=None: detect(texts, langs, None)
        try:
            redactor.redact(groups, languages)
        finally:
            del detector.detect

    def once(fn) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    # Interleaved, fastest of --repeat: a shared machine's load falls on both alike.
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(args.repeat):
        runs["with"].append(once(lambda: redactor.redact(groups, languages)))
        runs["without"].append(once(without_budgets))
    with_limits, without = min(runs["with"]), min(runs["without"])
    print(
        f"records: {len(groups)} (generated, default policy, main thread, "
        f"fastest of {args.repeat}, interleaved)"
    )
    print(f"  without limits  {without:.3f} s  ({len(groups) / without:.1f} records/s)")
    print(f"  with limits     {with_limits:.3f} s  ({len(groups) / with_limits:.1f} records/s)")
    print(f"  ratio           {with_limits / without:.3f}")

    patterns = [
        p.regex
        for path in sorted((root / "policies").glob("*.yaml"))
        for spec in load_policy(path).recognizers
        for p in spec.patterns
    ]
    started = time.perf_counter()
    for regex in patterns:
        assert backtracking_problem(regex) is None
    shipped = time.perf_counter() - started
    started = time.perf_counter()
    assert backtracking_problem(r"(a|aa)+$") is not None
    refused = time.perf_counter() - started
    print(
        f"pattern check: {len(patterns)} shipped patterns {shipped:.3f} s; "
        f"(a|aa)+$ refused in {refused:.3f} s"
    )


if __name__ == "__main__":
    main()
