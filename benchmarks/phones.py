"""Phone numbers of 30 locales found, and numbers that are not phones taken for one.

    python benchmarks/phones.py [--policy policies/default.yaml] [--n 20]

Runs the policy's detection (real spaCy, real Presidio) over `tests/data/tuning/phones.py`, the
set the world phone recognizer was tuned on, twice in the same run: as the policy is, and with
`world_phone` taken out of its coded recognizers (the policy regions' pass alone, as before it).
Prints, per locale, the share of phones fully covered by a PHONE_NUMBER finding, and per kind of
non-phone number (amounts, dates, ids, measurements, years, others) the share of texts where a
PHONE_NUMBER finding was made: false positives. A tuning figure, not a held-out one.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.detect import Detector, resolve_overlaps  # noqa: E402
from redaction.policy import load_policy  # noqa: E402
from tests.data.tuning.phones import non_phones, phones  # noqa: E402


def run(detector: Detector, samples) -> tuple[list[bool], float]:
    started = time.perf_counter()
    found = detector.detect([s.text for s in samples], ["en"] * len(samples))
    seconds = time.perf_counter() - started
    hits = []
    for sample, findings in zip(samples, found, strict=True):
        spans = resolve_overlaps([f for f in findings if f.entity_type == "PHONE_NUMBER"])
        if sample.start < 0:
            hits.append(bool(spans))
        else:
            hits.append(any(f.start <= sample.start and sample.end <= f.end for f in spans))
    return hits, seconds


def table(samples, columns: dict[str, list[bool]], what: str) -> list[str]:
    kinds = sorted({s.kind for s in samples})
    lines = [f"  {what:<18} {'n':>4}  " + "  ".join(f"{name:>16}" for name in columns)]
    for kind in [*kinds, "all"]:
        idx = [i for i, s in enumerate(samples) if kind in ("all", s.kind)]
        shares = [100 * sum(hits[i] for i in idx) / len(idx) for hits in columns.values()]
        cells = "  ".join(f"{share:>15.1f}%" for share in shares)
        lines.append(f"  {kind:<18} {len(idx):>4}  {cells}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml")
    parser.add_argument("--n", type=int, default=20, help="phones per locale (default 20)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    policy = load_policy(args.policy)
    without = policy.model_copy(
        update={"coded_recognizers": tuple(n for n in policy.coded_recognizers if n != "world_phone")}
    )
    systems = {"policy": Detector(policy), "without world_phone": Detector(without)}
    good, bad = phones(args.n), non_phones(3 * args.n)
    found: dict[str, list[bool]] = {}
    false: dict[str, list[bool]] = {}
    for name, detector in systems.items():
        detector.detect(["warm up +44 7700 900123"], ["en"])
        found[name], seconds_good = run(detector, good)
        false[name], seconds_bad = run(detector, bad)
        print(f"{name}: {seconds_good + seconds_bad:.2f} s for {len(good) + len(bad)} texts")
    print(f"\nPhones fully covered by a PHONE_NUMBER finding ({args.policy.name}, tuning set)")
    print("\n".join(table(good, found, "locale")))
    print("\nNon-phone numbers taken for a phone (false positives; lower is better)")
    print("\n".join(table(bad, false, "kind")))
    missed = Counter(s.kind for s, hit in zip(good, found["policy"], strict=True) if not hit)
    print(f"\nmissed by the policy, per locale: {dict(missed.most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
