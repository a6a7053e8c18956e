"""The trained English NER on and off, on forms, structured values, clinical notes and chat.

    nice -n 10 python benchmarks/ner_styles.py [--policy policies/default.yaml] [--n 250] [--seed 7]
    nice -n 10 python benchmarks/ner_styles.py --set person_styles   # transcripts, court, intl, kv
    nice -n 10 python benchmarks/ner_styles.py --set name_recurrence # recurring names, chat, fr
    nice -n 10 python benchmarks/ner_styles.py --set court_names     # judgments: surnames, headers

`--set person_styles` runs the tuning set `tests/data/tuning/person_styles.py` instead (chat
transcripts, court judgments, international template sentences, key-value dumps; default seed 11),
`--set name_recurrence` the set `tests/data/tuning/name_recurrence.py` (names that recur in a record,
multi-party chat, family-court initials, French notes in lower case; default seed 13).

Runs the policy as shipped (English NER `scrubline-pii-en`) and the same policy with the base
model's own NER, on the tuning set `tests/data/tuning/ner_styles.py` (made-up text, templates
written apart from the training carriers), and prints per style the direct identifiers fully
removed, PERSON fully removed and the non-PII words kept. Tuning data only: nothing from
tests/data/sources/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.evaluate import DIRECT_IDENTIFIERS, EvaluationResult, evaluate_policy  # noqa: E402
from redaction.policy import Policy, load_policy  # noqa: E402
from tests.data.tuning import court_names, name_recurrence, ner_styles, person_styles  # noqa: E402

SETS = {
    "ner_styles": (ner_styles, 7),
    "person_styles": (person_styles, 11),
    "name_recurrence": (name_recurrence, 13),
    "court_names": (court_names, 17),
}


def without_trained_ner(policy: Policy) -> Policy:
    languages = {lang: spec.model_copy(update={"ner": None}) for lang, spec in policy.languages.items()}
    return policy.model_copy(update={"languages": languages})


def row(result: EvaluationResult) -> dict:
    direct = result.pii_coverage(exclude=[t for t in result.per_type if t not in DIRECT_IDENTIFIERS])
    person = result.coverage("PERSON")
    return {
        "direct_spans": direct.spans,
        "direct_removed": direct.fully_removed_share,
        "person_spans": person.spans,
        "person_removed": person.fully_removed_share,
        "words_total": result.words_total,
        "words_kept": result.words_kept_share,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--policy", default=str(Path(__file__).resolve().parents[1] / "policies/default.yaml")
    )
    parser.add_argument("--n", type=int, default=250, help="records per style")
    parser.add_argument("--set", choices=sorted(SETS), default="ner_styles", help="which tuning set")
    parser.add_argument(
        "--seed",
        type=int,
        help="default 7 (ner_styles), 11 (person_styles), 13 (name_recurrence), 17 (court_names)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--trained-only", action="store_true", help="skip the run with the base ner")
    args = parser.parse_args(argv)
    policy = load_policy(args.policy)
    module, default_seed = SETS[args.set]
    if args.seed is None:
        args.seed = default_seed
    STYLES = module.STYLES
    records = module.generate(args.n, args.seed)
    systems = {"trained ner": policy}
    if not args.trained_only:
        systems["base ner"] = without_trained_ner(policy)
    figures: dict[str, dict] = {}
    for name, system in systems.items():
        figures[name] = {}
        for style in (*STYLES, "all"):
            part = [r for r in records if style in ("all", r["style"])]
            figures[name][style] = row(evaluate_policy(part, system))
    print(f"{policy.name}: {args.n} records per style, seed {args.seed} (tests/data/tuning/{args.set}.py)")
    print(f"{'style':<11} {'system':<12} {'direct':>8} {'PERSON':>8} {'words kept':>11}")
    for style in (*STYLES, "all"):
        for name in systems:
            f = figures[name][style]
            print(
                f"{style:<11} {name:<12} {f['direct_removed']:>8.3f} {f['person_removed']:>8.3f} "
                f"{f['words_kept']:>11.3f}   ({f['direct_spans']} direct, {f['person_spans']} person, "
                f"{f['words_total']} words)"
            )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
