"""French clinical notes (transmissions, réanimation, upper case): the policy beside vanilla Presidio.

    nice -n 10 python benchmarks/fr_clinical_styles.py [--policy policies/default.yaml] [--n 300]
                                                       [--seed 7] [--generator N] [--json PATH]

Runs the policy and vanilla Presidio with the policy's French spaCy model on the tuning set
`tests/data/tuning/fr_clinical.py` (made-up notes, Faker names and phones) and prints per style
PERSON and PHONE_NUMBER fully removed and the non-PII words kept. `--generator N` also runs both
on N French records of the tuning part of our generator (`tests/data/generators.py`), the check
that the French figures there do not drop. Tuning data only: nothing from tests/data/sources/, so
these are not held-out figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.evaluate import (  # noqa: E402
    DIRECT_IDENTIFIERS,
    EvaluationResult,
    evaluate_policy,
    evaluate_vanilla_presidio,
)
from redaction.policy import load_policy  # noqa: E402
from tests.data.tuning.fr_clinical import STYLES, generate  # noqa: E402


def row(result: EvaluationResult) -> dict:
    direct = result.pii_coverage(exclude=[t for t in result.per_type if t not in DIRECT_IDENTIFIERS])
    person, phone = result.coverage("PERSON"), result.coverage("PHONE_NUMBER")
    return {
        "direct_spans": direct.spans,
        "direct_removed": direct.fully_removed_share,
        "person_spans": person.spans,
        "person_removed": person.fully_removed_share,
        "phone_spans": phone.spans,
        "phone_removed": phone.fully_removed_share,
        "words_total": result.words_total,
        "words_kept": result.words_kept_share,
    }


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def table(title: str, parts: dict[str, list[dict]], policy) -> dict:
    models = {lang: spec.model for lang, spec in policy.languages.items()}
    systems = {
        f"policy {policy.name}": lambda records: evaluate_policy(records, policy),
        "vanilla Presidio": lambda records: evaluate_vanilla_presidio(
            records, models=models, default_language="fr"
        ),
    }
    figures: dict[str, dict] = {name: {} for name in systems}
    for name, run in systems.items():
        for part, records in parts.items():
            figures[name][part] = row(run(records))
    print(title)
    print(f"{'part':<14} {'system':<17} {'PERSON':>7} {'PHONE':>7} {'direct':>7} {'words kept':>11}")
    for part in parts:
        for name in systems:
            f = figures[name][part]
            print(
                f"{part:<14} {name:<17} {_fmt(f['person_removed']):>7} {_fmt(f['phone_removed']):>7} "
                f"{_fmt(f['direct_removed']):>7} {_fmt(f['words_kept']):>11}   ({f['person_spans']} person, "
                f"{f['phone_spans']} phone, {f['words_total']} words)"
            )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--policy", default=str(Path(__file__).resolve().parents[1] / "policies/default.yaml")
    )
    parser.add_argument("--n", type=int, default=300, help="notes (styles in turn)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--generator",
        type=int,
        default=0,
        metavar="N",
        help="also N French records of the generator's tuning part",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    policy = load_policy(args.policy)
    records = generate(args.n, args.seed)
    parts = {style: [r for r in records if r["style"] == style] for style in STYLES}
    parts["all"] = records
    parts["check lines"] = generate(args.n, args.seed, part="check")
    figures = {
        "fr_clinical": table(
            f"{policy.name}: {args.n} French clinical notes, seed {args.seed} "
            "(tests/data/tuning/fr_clinical.py, tuning data)",
            parts,
            policy,
        )
    }
    if args.generator:
        from tests.data.generators import generate_labelled

        generated = generate_labelled(args.generator, seed=1, part="tuning", language="fr")
        print()
        figures["generator_fr_tuning"] = table(
            f"{policy.name}: {args.generator} French records, tuning part of "
            "tests/data/generators.py (seed 1)",
            {"generator fr": generated},
            policy,
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
