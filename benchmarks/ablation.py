"""Does each detection addition earn its place? The policy with one addition turned off at a time.

    python benchmarks/ablation.py [--n 2000] [--seed 1] [--policy policies/default.yaml]

On the held-out part of the labelled corpus (tests/data/generators.py), per language: direct
identifiers fully removed (pooled), PERSON and STREET_ADDRESS fully removed, all PII (types the
policy keeps left out) and non-PII words kept, for the full policy and for each variant. An
addition stays when turning it off loses recall without buying back kept words.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.errors import PolicyError  # noqa: E402
from redaction.evaluate import DIRECT_IDENTIFIERS, EvaluationResult, evaluate_policy, kept_types  # noqa: E402
from redaction.policy import Policy, load_policy  # noqa: E402
from tests.data.generators import generate_labelled  # noqa: E402


def variants(policy: Policy) -> list[tuple[str, Policy]]:
    out = [("full policy", policy)]
    for name in policy.coded_recognizers:
        out.append(
            (
                f"without {name}",
                policy.model_copy(
                    update={"coded_recognizers": tuple(r for r in policy.coded_recognizers if r != name)}
                ),
            )
        )
    detection = policy.detection
    for flag in ("truecase", "propagate_names"):
        if getattr(detection, flag):
            out.append(
                (
                    f"without {flag}",
                    policy.model_copy(update={"detection": detection.model_copy(update={flag: False})}),
                )
            )
    if detection.phone_possible_regions:
        out.append(
            (
                "without phone_possible_regions",
                policy.model_copy(
                    update={"detection": detection.model_copy(update={"phone_possible_regions": ()})}
                ),
            )
        )
    return out


def figures(result: EvaluationResult, keep: frozenset[str]) -> tuple[float, ...]:
    direct = EvaluationResult(per_type={t: c for t, c in result.per_type.items() if t in DIRECT_IDENTIFIERS})

    def share(value: float | None) -> float:
        return 100.0 * value if value is not None else float("nan")

    return (
        share(direct.pii_coverage().fully_removed_share),
        share(result.fully_removed_share("PERSON")),
        share(result.fully_removed_share("STREET_ADDRESS")),
        share(result.pii_coverage(exclude=keep).fully_removed_share),
        share(result.words_kept_share),
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="held-out records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--policy", default=str(REPO / "policies" / "default.yaml"))
    args = parser.parse_args()
    os.environ["SCRUBLINE_HOME"] = tempfile.mkdtemp(prefix="scrubline-ablation-")

    policy = load_policy(args.policy)
    keep = kept_types(policy)
    records = generate_labelled(args.n, seed=args.seed, part="heldout")
    languages = sorted({r["language"] for r in records})
    header = f"{'variant':<34}" + "".join(
        f" | {lang}: {'direct':>6} {'PERSON':>6} {'ADDR':>6} {'allPII':>6} {'words':>6}" for lang in languages
    )
    print(f"held-out records: {len(records)}; shares of spans fully removed / words kept, in %")
    print(header)
    print("-" * len(header))
    for name, variant in variants(policy):
        try:
            result = evaluate_policy(records, variant)
        except PolicyError as exc:
            # The recognizer was the only one finding some entities: without it they go undetected.
            orphans = {problem.split("entities.", 1)[1].split(":", 1)[0] for problem in exc.problems}
            entities = {k: v for k, v in variant.entities.items() if k not in orphans}
            result = evaluate_policy(records, variant.model_copy(update={"entities": entities}))
        row = f"{name:<34}"
        for lang in languages:
            values = figures(result.for_language(lang), keep)
            row += f" | {lang}: " + " ".join(f"{v:>6.1f}" for v in values)
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
