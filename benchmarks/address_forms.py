"""Street addresses in international forms fully removed, country names and non-PII words kept.

    python benchmarks/address_forms.py [--policy policies/default.yaml] [--n 18] [--generator 0] [--misses 0]

Runs the policy as the pipeline applies it (`redaction.evaluate.policy_removals`) over
`tests/data/tuning/address_forms.py` (blocks after a name line, a number before the house number,
streets without a type word after a location cue, Cyrillic/Greek/Vietnamese/Korean/Hebrew forms,
form values, corners, country names closing an address), its second part (`more_address_forms`:
UPPER and lower case blocks, Canadian French, Argentine, Indian, Vietnamese forms, `Blvd`,
bracketed province codes, corners named by two streets, UPPER CASE sentences going on) and its
negatives. Prints
STREET_ADDRESS fully and partly removed and the non-PII words kept (a country name is a non-PII
word there), per style; with `--generator N`, the same figures on N records of the generator's
tuning part (`tests/data/generators.py`, part "tuning"). Tuning figures, not held-out ones.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.evaluate import distinctive_tokens, evaluate_removals, policy_removals  # noqa: E402
from redaction.policy import load_policy  # noqa: E402
from tests.data.generators import generate_labelled  # noqa: E402
from tests.data.tuning.address_forms import address_forms, more_address_forms, non_addresses  # noqa: E402


def _row(name: str, records: list[dict], removals: list) -> str:
    result = evaluate_removals(records, removals, "en")
    cov = result.coverage("STREET_ADDRESS")
    full = 100 * cov.fully_removed / cov.spans if cov.spans else float("nan")
    part = 100 * cov.partly_removed / cov.spans if cov.spans else float("nan")
    kept = 100 * result.words_kept_share if result.words_kept_share is not None else float("nan")
    return f"  {name:<16} {len(records):>7} {cov.spans:>5} {full:>9.1f}% {part:>9.1f}% {kept:>11.1f}%"


def _misses(records: list[dict], removals: list, limit: int) -> None:
    shown = 0
    for record, removed in zip(records, removals, strict=True):
        text = record["text"]
        mask = bytearray(len(text))
        for s, e in removed:
            mask[s:e] = b"\x01" * (e - s)
        gold = bytearray(len(text))
        for span in record["spans"]:
            gold[span["start"] : span["end"]] = b"\x01" * (span["end"] - span["start"])
        left = [
            text[s:e]
            for span in record["spans"]
            if span["type"] == "STREET_ADDRESS"
            for s, e in distinctive_tokens(text, span["start"], span["end"])
            if not all(mask[s:e])
        ]
        lost = [text[s:e] for s, e in removed if 0 in gold[s:e]]
        if (left or lost) and shown < limit:
            shown += 1
            print(f"  [{record.get('locale', '')} {record.get('style', '')}] {text!r}")
            if left:
                print(f"      kept: {left}")
            if lost:
                print(f"      removed beyond the gold: {lost}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml")
    parser.add_argument("--n", type=int, default=18, help="records per locale (default 18)")
    parser.add_argument(
        "--generator", type=int, default=0, help="also N records of the generator's tuning part"
    )
    parser.add_argument("--misses", type=int, default=0, help="print this many records with a miss or a loss")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    policy = load_policy(args.policy)
    records = address_forms(args.n) + more_address_forms(args.n + 6)
    negatives = non_addresses()
    started = time.perf_counter()
    removals, _ = policy_removals(records, policy)
    negative_removals, _ = policy_removals(negatives, policy)
    seconds = time.perf_counter() - started
    header = f"  {'':<16} {'records':>7} {'spans':>5} {'fully':>10} {'partly':>10} {'words kept':>12}"
    print(f"Address forms ({args.policy.name}, tuning set)")
    print(header)
    for style in sorted({r["style"] for r in records}):
        idx = [i for i, r in enumerate(records) if r["style"] == style]
        print(_row(style, [records[i] for i in idx], [removals[i] for i in idx]))
    print(_row("all", records, removals))
    print(_row("negatives", negatives, negative_removals))
    print(f"  redaction of {len(records) + len(negatives)} records: {seconds:.1f} s")
    if args.generator:
        generated = generate_labelled(args.generator, seed=0, part="tuning")
        started = time.perf_counter()
        gen_removals, _ = policy_removals(generated, policy)
        seconds = time.perf_counter() - started
        print(f"\nGenerator, tuning part ({args.generator} records, seed 0)")
        print(header)
        print(_row("generator", generated, gen_removals))
        print(f"  redaction: {seconds:.1f} s")
    if args.misses:
        print(
            f"\nRecords with an address not fully removed or a word removed beyond it (first {args.misses})"
        )
        _misses(records + negatives, removals + negative_removals, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
