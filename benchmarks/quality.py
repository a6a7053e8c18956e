"""Redaction quality on held-out labelled text: how much PII a policy removes, next to vanilla Presidio.

    python benchmarks/quality.py [--n 2000] [--seed 1] [--part heldout|tuning|all]
                                 [--policy policies/default.yaml] [--lemmatizer-variant]
                                 [--write-corpus PATH] [--also POLICY ...]

Generates `--n` labelled English and French records (tests/data/generators.py) from the
templates of one part of the corpus: by default the held-out part, which no detector may be
tuned on (`--part tuning` is the one to tune on). Evaluates the policy as the pipeline applies
it and vanilla Presidio (the policy's spaCy model per language) on the same texts, and prints a
table per language and for all languages, with each system's run time. Then, per language:
where the policy's misses are (by style and by casing), and PASS/FAIL against the targets
(every direct identifier >= 99% of spans fully removed, all PII >= 95%, types the policy keeps
on purpose aside, non-PII words kept >= 95%) and against vanilla Presidio (at least its share
fully removed, per direct identifier). Exit status 1 on any FAIL, 2 when the policy does not
load. `--lemmatizer-variant` also runs the policy with spaCy's lemmatizer on; `--also` runs other
policies beside it on the same records (a column each, named after the file; PASS/FAIL is the
first policy's).

Runs in a temporary SCRUBLINE_HOME: a benchmark never touches real keys or pseudonyms.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.errors import ScrublineError  # noqa: E402
from redaction.evaluate import (  # noqa: E402
    DIRECT_IDENTIFIERS,
    EvaluationResult,
    check_targets,
    compare_systems,
    evaluate_policy,
    evaluate_vanilla_presidio,
    kept_types,
)
from redaction.policy import Policy, load_policy  # noqa: E402
from tests.data.generators import generate_labelled, write_labelled  # noqa: E402

MIN_RECORDS = 1000
VANILLA = "vanilla Presidio"
LEMMAS = "+ lemmatizer"


def with_lemmatizer(policy: Policy) -> Policy:
    """The same policy with the tagger and lemmatizer loaded for every language."""
    languages = {
        lang: spec.model_copy(update={"lemmatizer": True}) for lang, spec in policy.languages.items()
    }
    return policy.model_copy(update={"languages": languages})


def verdicts(policy: EvaluationResult, vanilla: EvaluationResult) -> list[tuple[str, bool, str]]:
    """(entity type, passed, detail) for each direct identifier present: at least vanilla's share."""
    out = []
    for entity_type in DIRECT_IDENTIFIERS:
        ours = policy.fully_removed_share(entity_type)
        theirs = vanilla.fully_removed_share(entity_type)
        if ours is None or theirs is None:
            continue
        detail = f"policy {100 * ours:.1f}% vs vanilla {100 * theirs:.1f}% fully removed"
        out.append((entity_type, ours >= theirs, detail))
    return out


def lemmatizer_delta(without: EvaluationResult, with_lemmas: EvaluationResult) -> str:
    """One line: the entity types whose removal counts change when lemmas are real."""
    changes = []
    for entity_type in sorted(set(without.per_type) | set(with_lemmas.per_type)):
        before, after = without.coverage(entity_type), with_lemmas.coverage(entity_type)
        if (before.fully_removed, before.partly_removed) != (after.fully_removed, after.partly_removed):
            changes.append(
                f"{entity_type} fully removed {before.fully_removed} -> {after.fully_removed}, "
                f"partly {before.partly_removed} -> {after.partly_removed}"
            )
    if without.words_kept != with_lemmas.words_kept:
        changes.append(f"non-PII words kept {without.words_kept} -> {with_lemmas.words_kept}")
    return "; ".join(changes) or "no change in any removal count or in non-PII words kept"


def misses_by(
    key: str, records: list[dict], result: EvaluationResult, language: str, keep: Collection[str]
) -> list[str]:
    """Per value of the records' `key` (style, casing) in one language: PII spans not fully
    removed out of all (types in `keep` aside), and which types they are."""
    group_of = {r["id"]: r[key] for r in records if r["language"] == language}
    spans: Counter[str] = Counter()
    for record in records:
        if record["language"] == language:
            spans[record[key]] += sum(1 for s in record["spans"] if s["type"] not in keep)
    missed: dict[str, Counter[str]] = {}
    for miss in result.misses:
        if miss.record_id in group_of and miss.entity_type not in keep:
            missed.setdefault(group_of[miss.record_id], Counter())[miss.entity_type] += 1
    lines = []
    for group in sorted(spans, key=lambda g: -sum(missed.get(g, Counter()).values())):
        types = missed.get(group, Counter())
        count = sum(types.values())
        top = ", ".join(f"{t} {n}" for t, n in types.most_common())
        lines.append(f"    {group:<12} {count:>4} of {spans[group]:>5}  {top}".rstrip())
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="labelled records (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--part",
        choices=("heldout", "tuning", "all"),
        default="heldout",
        help="templates to draw from (default heldout; tune detectors on tuning only)",
    )
    parser.add_argument("--policy", type=Path, default=REPO / "policies" / "default.yaml", help="policy file")
    parser.add_argument(
        "--lemmatizer-variant",
        action="store_true",
        help="also run the policy with spaCy's lemmatizer on (slower)",
    )
    parser.add_argument(
        "--write-corpus", type=Path, metavar="PATH", help="also write the labelled set as JSONL"
    )
    parser.add_argument(
        "--also", type=Path, nargs="*", default=[], metavar="POLICY", help="more policies to run beside it"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("presidio-anonymizer").setLevel(logging.ERROR)
    try:
        policy = load_policy(args.policy)
        others = {}
        for path in args.also:  # a column each, named after the file (its folder too on a clash)
            name = f"policy {path.stem}"
            if name == f"policy {policy.name}" or name in others:
                name = f"policy {path.parent.name}/{path.stem}"
            others[name] = load_policy(path)
    except ScrublineError as exc:
        print(exc, file=sys.stderr)
        return 2

    records = generate_labelled(args.n, args.seed, part=None if args.part == "all" else args.part)
    if args.write_corpus:
        write_labelled(args.write_corpus, records)
        print(f"wrote {len(records)} labelled records to {args.write_corpus}")

    ours_name = f"policy {policy.name}"
    models = {lang: spec.model for lang, spec in policy.languages.items()}
    systems: dict[str, Callable[[], EvaluationResult]] = {ours_name: lambda: evaluate_policy(records, policy)}
    if args.lemmatizer_variant:
        systems[LEMMAS] = lambda: evaluate_policy(records, with_lemmatizer(policy))
    for other_name, other in others.items():
        systems[other_name] = lambda other=other: evaluate_policy(records, other)
    systems[VANILLA] = lambda: evaluate_vanilla_presidio(
        records, models=models, default_language=policy.primary_language
    )
    previous_home = os.environ.get("SCRUBLINE_HOME")
    with tempfile.TemporaryDirectory(prefix="scrubline-quality-") as home:
        os.environ["SCRUBLINE_HOME"] = home
        try:
            source = f"{args.part} part of the generated corpus (seed {args.seed})"
            report = compare_systems(systems, source, policy)
        finally:
            if previous_home is None:
                os.environ.pop("SCRUBLINE_HOME", None)
            else:
                os.environ["SCRUBLINE_HOME"] = previous_home

    print()
    print(report.format_text())
    if len(records) < MIN_RECORDS:
        print(f"note: fewer than {MIN_RECORDS} records; shares are noisy")

    ours, vanilla = report.results[ours_name], report.results[VANILLA]
    keep = kept_types(policy)
    if args.lemmatizer_variant:
        print("\nlemmatizer on vs off (what context enhancement loses without it):")
        print("  " + lemmatizer_delta(ours, report.results[LEMMAS]))

    failed = False
    for language in report.language_counts():
        mine, theirs = ours.for_language(language), vanilla.for_language(language)
        aside = f" ({', '.join(sorted(keep))} kept by the policy, left out)" if keep else ""
        print(f"\n== language {language}: PII spans the policy did not fully remove{aside}")
        for key in ("style", "casing"):
            print(f"  by {key}:")
            print("\n".join(misses_by(key, records, mine, language, keep)))
        print(f"\n  targets, language {language}:")
        for check in check_targets(mine, keep):
            failed |= not check.passed
            print(f"    {'PASS' if check.passed else 'FAIL'}  {check.name:<20} {check.detail}")
        print(f"  policy vs vanilla Presidio, language {language}:")
        for entity_type, passed, detail in verdicts(mine, theirs):
            failed |= not passed
            print(f"    {'PASS' if passed else 'FAIL'}  {entity_type:<20} {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
