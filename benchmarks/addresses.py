"""Street addresses of 36 locales fully removed, and words kept in text that holds no address.

    python benchmarks/addresses.py [--policy policies/default.yaml] [--n 24] [--misses 0]

Runs the policy as the pipeline applies it (`redaction.evaluate.evaluate_policy`: real spaCy, real
Presidio, anonymization) over `tests/data/tuning/addresses.py`, the set the street address
recognizer was tuned on. Prints the share of addresses fully removed (every distinctive word of
the whole address, town and postal code lines included, gone; a country after it is no personal
data, a non-PII word) and partly removed, per carrier style and per locale, and the non-PII
words kept: in the carriers around the addresses, and in sentences with numbers that hold no
PII. A tuning figure, not a held-out one.
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
from tests.data.tuning.addresses import addresses, non_addresses  # noqa: E402


def _row(name: str, records: list[dict], removals: list, keep) -> str:
    idx = [i for i, r in enumerate(records) if keep(r)]
    result = evaluate_removals([records[i] for i in idx], [removals[i] for i in idx], "en")
    cov = result.coverage("STREET_ADDRESS")
    full = 100 * cov.fully_removed / cov.spans if cov.spans else float("nan")
    part = 100 * cov.partly_removed / cov.spans if cov.spans else float("nan")
    kept = 100 * result.words_kept_share if result.words_kept_share is not None else float("nan")
    return f"  {name:<10} {cov.spans:>5} {full:>9.1f}% {part:>9.1f}% {kept:>11.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml")
    parser.add_argument("--n", type=int, default=24, help="records per locale (default 24)")
    parser.add_argument("--misses", type=int, default=0, help="print this many addresses not fully removed")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    policy = load_policy(args.policy)
    records, negatives = addresses(args.n), non_addresses()
    started = time.perf_counter()
    removals, _ = policy_removals(records, policy)
    negative_removals, _ = policy_removals(negatives, policy)
    seconds = time.perf_counter() - started
    header = f"  {'':<10} {'spans':>5} {'fully':>10} {'partly':>10} {'words kept':>12}"
    print(f"Addresses fully removed ({args.policy.name}, tuning set, {len(records)} records)")
    print(header)
    for style in sorted({r["style"] for r in records}):
        print(_row(style, records, removals, lambda r, style=style: r["style"] == style))
    print(_row("all", records, removals, lambda r: True))
    print("\nPer locale")
    print(header)
    for locale in sorted({r["locale"] for r in records}):
        print(_row(locale, records, removals, lambda r, locale=locale: r["locale"] == locale))
    negative = evaluate_removals(negatives, negative_removals, "en")
    print(
        f"\nSentences without PII ({len(negatives)}): non-PII words kept "
        f"{100 * negative.words_kept_share:.1f}% of {negative.words_total}"
    )
    for record, removed in zip(negatives, negative_removals, strict=True):
        if removed:
            shown = ", ".join(repr(record["text"][s:e]) for s, e in removed)
            print(f"  removed in {record['text']!r}: {shown}")
    if args.misses:
        print(f"\nAddresses not fully removed (first {args.misses})")
        shown = 0
        for record, removed in zip(records, removals, strict=True):
            mask = bytearray(len(record["text"]))
            for s, e in removed:
                mask[s:e] = b"\x01" * (e - s)
            for span in record["spans"]:
                tokens = distinctive_tokens(record["text"], span["start"], span["end"])
                left = [record["text"][s:e] for s, e in tokens if not all(mask[s:e])]
                if left:
                    value = record["text"][span["start"] : span["end"]]
                    print(f"  [{record['locale']} {record['style']}] {value!r}\n      kept: {left}")
                    shown += 1
            if shown >= args.misses:
                break
    print(f"\nredaction of {len(records) + len(negatives)} records: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
