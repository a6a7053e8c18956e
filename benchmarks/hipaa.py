"""HIPAA Safe Harbor removal per identifier kind on generated clinical notes, beside vanilla Presidio.

    python benchmarks/hipaa.py [--n 600] [--seed 1] [--policy policies/hipaa-safe-harbor.yaml]
                               [--set notes|ward|geo] [--misses N]

Generates `--n` labelled clinical notes (tests/data/tuning/clinical.py: ICU upper case, nursing
shorthand, discharge style; `--set ward`: `generate_ward_notes`, places, ids and phones as flowsheets
write them, `TRANSFER FROM X HOSPITAL`, `LIVES IN X`, `#1234567`, `nursing station 5-1234`;
`--set geo`: `generate_geo_notes`, towns after "moved to", facilities named after a place,
`dc home to <street>, <town> w/ vna`),
runs the policy as the pipeline applies it and vanilla Presidio
(same spaCy model, default recognizers and operators) on the same texts, and prints per Safe
Harbor kind the spans, the share fully removed and partly removed by each, and the share of
non-PII words each kept. `--misses N` also prints up to N spans the policy did not fully remove,
per kind, with their text: generated values only, never real data.

These notes are TUNING data: the clinical recognizers were written and tuned on them, so the
figures say what the detectors do on the styles they target, not how they generalize; held-out
figures come from sources nobody tuned on. Runs in a temporary SCRUBLINE_HOME.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.errors import ScrublineError  # noqa: E402
from redaction.evaluate import compare_systems, evaluate_policy, evaluate_vanilla_presidio  # noqa: E402
from redaction.policy import load_policy  # noqa: E402
from tests.data.tuning.clinical import (  # noqa: E402
    KINDS,
    generate_clinical,
    generate_geo_notes,
    generate_ward_notes,
)

VANILLA = "vanilla Presidio"
TARGET = 0.97


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def format_kinds(results: dict, kinds=KINDS) -> str:
    names = list(results)
    lines = [f"{'Safe Harbor kind':<14} {'spans':>6} | " + " | ".join(f"{n[:22]:^22}" for n in names)]
    lines.append(f"{'':<14} {'':>6} | " + " | ".join(f"{'full':>10} {'partly':>10}" for _ in names))
    lines.append("-" * len(lines[0]))
    for kind in kinds:
        spans = {results[n].coverage(kind).spans for n in names}
        if not any(spans):
            continue
        cells = [
            f"{_share(results[n].fully_removed_share(kind)):>10} "
            f"{_share(results[n].partly_removed_share(kind)):>10}"
            for n in names
        ]
        lines.append(f"{kind:<14} {max(spans):>6} | " + " | ".join(cells))
    lines.append("-" * len(lines[0]))
    total = [results[n].pii_coverage() for n in names]
    lines.append(
        f"{'all kinds':<14} {total[0].spans:>6} | "
        + " | ".join(
            f"{_share(t.fully_removed_share):>10} {_share(t.partly_removed / t.spans):>10}" for t in total
        )
    )
    lines.append(
        f"{'non-PII kept':<14} {results[names[0]].words_total:>6} | "
        + " | ".join(f"{_share(results[n].words_kept_share):>10} {'':>10}" for n in names)
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600, help="labelled notes (default 600)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "hipaa-safe-harbor.yaml")
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="print up to N misses per kind")
    parser.add_argument(
        "--set",
        choices=("notes", "ward", "geo"),
        default="notes",
        help="notes: generate_clinical; ward: generate_ward_notes (places, ids, phones as wards write them); "
        "geo: generate_geo_notes (towns after 'moved to', facilities named after a place, dc home addresses)",
    )
    parser.add_argument("--no-vanilla", action="store_true", help="skip vanilla Presidio")
    args = parser.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    try:
        policy = load_policy(args.policy)
    except ScrublineError as exc:
        print(exc, file=sys.stderr)
        return 2
    generators = {"notes": generate_clinical, "ward": generate_ward_notes, "geo": generate_geo_notes}
    records = generators[args.set](args.n, args.seed)
    ours = f"policy {policy.name}"
    systems = {ours: lambda: evaluate_policy(records, policy)}
    if not args.no_vanilla:
        models = {lang: spec.model for lang, spec in policy.languages.items()}
        systems[VANILLA] = lambda: evaluate_vanilla_presidio(records, models=models, default_language="en")
    previous = os.environ.get("SCRUBLINE_HOME")
    with tempfile.TemporaryDirectory(prefix="scrubline-hipaa-") as home:
        os.environ["SCRUBLINE_HOME"] = home
        try:
            report = compare_systems(systems, "clinical tuning notes", policy)
        finally:
            if previous is None:
                os.environ.pop("SCRUBLINE_HOME", None)
            else:
                os.environ["SCRUBLINE_HOME"] = previous
    print(
        f"{len(records)} generated clinical notes ({args.set}, seed {args.seed}, "
        "tests/data/tuning/clinical.py: "
        "TUNING data, "
        f"the clinical recognizers were tuned on it); policy {report.policy}"
    )
    print(format_kinds(report.results))
    print("seconds: " + ", ".join(f"{name} {s:.1f}" for name, s in report.seconds.items()))
    result = report.results[ours]
    below = [k for k in KINDS if (s := result.fully_removed_share(k)) is not None and s < TARGET]
    print(f"kinds below {100 * TARGET:.0f}% fully removed: {', '.join(below) or 'none'}")
    if args.misses:
        by_id = {r["id"]: r for r in records}
        shown: dict[str, int] = {}
        for miss in result.misses:
            if shown.get(miss.entity_type, 0) >= args.misses:
                continue
            shown[miss.entity_type] = shown.get(miss.entity_type, 0) + 1
            text = by_id[miss.record_id]["text"]
            context = text[max(0, miss.start - 30) : miss.end + 20].replace("\n", " ")
            print(f"  miss {miss.entity_type:<12} {text[miss.start : miss.end]!r:<32} in ...{context}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
