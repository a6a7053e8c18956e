"""Street addresses and card numbers in template sentences: the default policy beside vanilla Presidio.

    python benchmarks/templates.py [--policy policies/default.yaml] [--n 20] [--cards 30] [--misses 0]

Runs the policy as the pipeline applies it (`redaction.evaluate.policy_removals`) and vanilla
Presidio (`AnalyzerEngine` with the same spaCy model, default recognizers) over
`tests/data/tuning/templates.py`: template sentences, chat lines and forms with addresses of 40
Faker locales, and card numbers of every Faker card type written whole, spaced or dashed. Prints
STREET_ADDRESS and CREDIT_CARD fully and partly removed and the non-PII words kept, per style. The
set is the one these recognizers were tuned on: a tuning figure, not a held-out one.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.evaluate import (  # noqa: E402
    distinctive_tokens,
    evaluate_removals,
    policy_removals,
    vanilla_removals,
)
from redaction.policy import load_policy  # noqa: E402
from tests.data.tuning.templates import address_sentences, card_sentences  # noqa: E402


def _cells(records, removals, entity_type) -> str:
    result = evaluate_removals(records, removals, "en")
    cov = result.coverage(entity_type)
    full = 100 * cov.fully_removed / cov.spans if cov.spans else float("nan")
    part = 100 * cov.partly_removed / cov.spans if cov.spans else float("nan")
    kept = 100 * result.words_kept_share if result.words_kept_share is not None else float("nan")
    return f"{full:>7.1f}% {part:>7.1f}% {kept:>7.1f}%"


def _table(title, records, ours, theirs, entity_type, key) -> None:
    print(f"\n{title}")
    print(
        f"  {'':<12} {'spans':>5} | {'policy: fully':>14} {'partly':>8} {'kept':>8} | "
        f"{'vanilla: fully':>15} {'partly':>8} {'kept':>8}"
    )
    groups = sorted({key(r) for r in records}) + ["all"]
    for group in groups:
        idx = [i for i, r in enumerate(records) if group == "all" or key(r) == group]
        recs = [records[i] for i in idx]
        spans = sum(1 for r in recs for s in r["spans"] if s["type"] == entity_type)
        print(
            f"  {group:<12} {spans:>5} | {_cells(recs, [ours[i] for i in idx], entity_type):>32} | "
            f"{_cells(recs, [theirs[i] for i in idx], entity_type):>33}"
        )


def _misses(records, removals, entity_type, limit) -> None:
    print(f"\n{entity_type} not fully removed by the policy (first {limit})")
    shown = 0
    for record, removed in zip(records, removals, strict=True):
        mask = bytearray(len(record["text"]))
        for s, e in removed:
            mask[s:e] = b"\x01" * (e - s)
        for span in record["spans"]:
            if span["type"] != entity_type:
                continue
            tokens = distinctive_tokens(record["text"], span["start"], span["end"])
            left = [record["text"][s:e] for s, e in tokens if not all(mask[s:e])]
            if left and shown < limit:
                shown += 1
                print(f"  [{record['locale']} {record['style']}] {record['text']!r}\n      kept: {left}")
    print(f"\n{entity_type}: non-PII words removed by the policy (first {limit})")
    shown = 0
    for record, removed in zip(records, removals, strict=True):
        text = record["text"]
        gold, mask = bytearray(len(text)), bytearray(len(text))
        for span in record["spans"]:
            gold[span["start"] : span["end"]] = b"\x01" * (span["end"] - span["start"])
        for s, e in removed:
            mask[s:e] = b"\x01" * (e - s)
        lost = [
            w
            for m, w in ((m, m.group(0)) for m in re.finditer(r"\w+", text))
            if 1 not in gold[m.start() : m.end()] and 1 in mask[m.start() : m.end()]
        ]
        if lost and shown < limit:
            shown += 1
            print(f"  {text!r}: {lost}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml")
    parser.add_argument("--n", type=int, default=20, help="address records per locale (default 20)")
    parser.add_argument("--cards", type=int, default=30, help="card records per card type (default 30)")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses per entity type")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    policy = load_policy(args.policy)
    models = {"en": policy.languages["en"].model}
    addresses, cards = address_sentences(args.n), card_sentences(args.cards)
    started = time.perf_counter()
    ours_a, _ = policy_removals(addresses, policy)
    ours_c, _ = policy_removals(cards, policy)
    seconds = time.perf_counter() - started
    theirs_a = vanilla_removals(addresses, models=models)
    theirs_c = vanilla_removals(cards, models=models)
    print(f"Template sentences ({args.policy.name} vs vanilla Presidio, {models['en']}; tuning set)")
    _table("STREET_ADDRESS per style", addresses, ours_a, theirs_a, "STREET_ADDRESS", lambda r: r["style"])
    _table("STREET_ADDRESS per locale", addresses, ours_a, theirs_a, "STREET_ADDRESS", lambda r: r["locale"])
    _table("CREDIT_CARD per card type", cards, ours_c, theirs_c, "CREDIT_CARD", lambda r: r["style"])
    if args.misses:
        _misses(addresses, ours_a, "STREET_ADDRESS", args.misses)
        _misses(cards, ours_c, "CREDIT_CARD", args.misses)
    print(f"\npolicy redaction of {len(addresses) + len(cards)} records: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
