"""Non-PII words kept, and direct identifiers still fully removed, on forms, structured records,
clinical notes and texts full of numbers that are not phones.

    nice -n 10 python benchmarks/non_pii.py [--policy policies/default.yaml] [--n 200] [--seed 5]
                                            [--json PATH]

Runs the policy on the tuning set `tests/data/tuning/non_pii.py` (made-up text; nothing from
tests/data/sources/) and prints per style the direct identifiers fully removed, the non-PII words
kept, and the words most often removed that were no PII (to tune on). Text styles go through
`evaluate_policy`, `structured` records through the run's reader and BatchRedactor
(`evaluate_records`, field names as evidence, gold values still readable counted). Runs in a
temporary SCRUBLINE_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redaction.evaluate import (  # noqa: E402
    DIRECT_IDENTIFIERS,
    EvaluationResult,
    evaluate_records,
    evaluate_removals,
    policy_removals,
)
from redaction.policy import load_policy  # noqa: E402
from tests.data.tuning import non_pii  # noqa: E402

_WORD = re.compile(r"\w+")


def lost_words(records: list[dict], removals: list[list[tuple[int, int]]]) -> Counter[str]:
    """Non-PII words a removal touched, lower-cased, over all records."""
    lost: Counter[str] = Counter()
    for record, removed in zip(records, removals, strict=True):
        gold = [(s["start"], s["end"]) for s in record["spans"]]
        for match in _WORD.finditer(record["text"]):
            start, end = match.span()
            if any(s < end and start < e for s, e in gold):
                continue
            if any(s < end and start < e for s, e in removed):
                lost[match.group(0).lower()] += 1
    return lost


def row(result: EvaluationResult) -> dict:
    direct = result.pii_coverage(exclude=[t for t in result.per_type if t not in DIRECT_IDENTIFIERS])
    return {
        "direct_spans": direct.spans,
        "direct_removed": direct.fully_removed_share,
        "words_total": result.words_total,
        "words_kept": result.words_kept_share,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", default=str(REPO / "policies" / "default.yaml"))
    parser.add_argument("--n", type=int, default=200, help="records per style")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--top", type=int, default=12, help="non-PII words removed most often, per style")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    os.environ["SCRUBLINE_HOME"] = tempfile.mkdtemp(prefix="scrubline-non-pii-")
    policy = load_policy(args.policy)
    records = non_pii.generate(args.n, args.seed)
    figures: dict[str, dict] = {}
    losses: dict[str, Counter[str]] = {}
    for style in non_pii.STYLES:
        part = [r for r in records if r["style"] == style]
        if style == "structured":
            evaluation = evaluate_records(part, policy)
            figures[style] = {
                **row(evaluation.result),
                "readable": evaluation.readable,
                "values": evaluation.values,
            }
            continue
        removals, _failed = policy_removals(part, policy)
        figures[style] = row(evaluate_removals(part, removals, policy.primary_language))
        losses[style] = lost_words(part, removals)
    print(f"{policy.name}: {args.n} records per style, seed {args.seed} (tests/data/tuning/non_pii.py)")
    print(f"{'style':<11} {'direct':>8} {'words kept':>11}")
    for style, f in figures.items():
        extra = f"; {f['readable']} of {f['values']} gold values readable" if "readable" in f else ""
        print(
            f"{style:<11} {f['direct_removed']:>8.3f} {f['words_kept']:>11.3f}   "
            f"({f['direct_spans']} direct, {f['words_total']} words{extra})"
        )
    for style, lost in losses.items():
        if lost:
            top = ", ".join(f"{w} {n}" for w, n in lost.most_common(args.top))
            print(f"  {style} words removed: {top}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
