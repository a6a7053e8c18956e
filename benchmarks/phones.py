"""Phones, pagers and extensions fully removed, and numbers that are not phones typed as one.

    python benchmarks/phones.py [--n 80] [--seed 11] [--baseline REF|none]
                                [--policies default,hipaa-safe-harbor]

On the tuning set `tests/data/tuning/phones.py` (written for this benchmark; a tuning figure, not
a held-out one): `styled_phones` (phones of 60 Faker locales in clinical notes upper and lower
case, chat, forms, email signatures; pagers, extensions, +/00 prefixes, numbers glued to their
label; `styled_phones_more`: 8-digit local numbers, national numbers of countries outside the
policy's regions in plain sentences, phones after a cue in a sentence) and `hard_negatives`,
`hard_negatives_more` (dates, times, dosages, vitals, lab values, record ids, money, postal codes,
years and ranges, versions; grouped dates, time ranges, ids with letters, ISBNs, ids after
`order`/`invoice`/`ref`, measures). Systems, in the same run, on the same records:

- each policy as the pipeline applies it (`redaction.evaluate.policy_removals`' redactor);
- the same policies with the code of git `REF` (`--baseline`, default `main`: `git archive` of
  its `redaction/` and `policies/` into a temporary folder, run in a subprocess): before/after;
- vanilla Presidio (AnalyzerEngine, the first policy's spaCy model, its default recognizers).

Seed 11 is the draw the recognizers were tuned on; another seed draws other numbers and
template choices from the same styles (not independent text: the templates are the same).
Prints per style the share of phone spans fully removed (every token redacted, as
`redaction.evaluate` scores it) and of the other words of those records kept, and per kind of
non-phone the share of records where a PHONE_NUMBER redaction touches the number (false
positives), plus the non-phone records where anything at all was removed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _setup_path(code: str | None) -> None:
    for path in (str(REPO), *([code] if code else [])):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)


def _policy_redactions(records: list[dict], policy) -> list[list[tuple[int, int, str]]]:
    from redaction.anonymize import PseudonymStore
    from redaction.evaluate import _throwaway_keys
    from redaction.policy import Action
    from redaction.redactor import TextRedactor

    out = []
    with tempfile.TemporaryDirectory(prefix="scrubline-phones-") as tmp:
        store = (
            PseudonymStore(Path(tmp) / "p.sqlite3") if Action.PSEUDONYMIZE in policy.actions_used() else None
        )
        redactor = TextRedactor(policy, keys=_throwaway_keys(policy), store=store)
        for first in range(0, len(records), 64):
            batch = records[first : first + 64]
            for outcome in redactor.redact([[r["text"]] for r in batch], ["en"] * len(batch)):
                if outcome.failed:
                    out.append([])
                    continue
                out.append(
                    [
                        (x.start, x.end, x.entity_type)
                        for x in outcome.redactions[0]
                        if x.action != Action.KEEP
                    ]
                )
    return out


def _vanilla_redactions(records: list[dict], model: str) -> list[list[tuple[int, int, str]]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    analyzer = AnalyzerEngine(
        nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}]),
        supported_languages=["en"],
    )
    return [
        [(r.start, r.end, r.entity_type) for r in analyzer.analyze(r["text"], language="en")] for r in records
    ]


def score(records: list[dict], redactions, group: str) -> dict[str, list[int]]:
    """{group value: [hits, total, touched, words kept, words]}: phones fully removed, or
    non-phones typed as phone / touched; the words of phone records outside the phone kept."""
    from redaction.evaluate import evaluate_removals

    out: dict[str, list[int]] = {}
    for record, found in zip(records, redactions, strict=True):
        key = record[group]
        cell = out.setdefault(key, [0, 0, 0, 0, 0])
        cell[1] += 1
        if record["spans"]:
            result = evaluate_removals([record], [[(s, e) for s, e, _ in found]], "en")
            cell[0] += result.coverage("PHONE_NUMBER").fully_removed
            cell[3] += result.words_kept
            cell[4] += result.words_total
        else:
            cell[0] += any(t in ("PHONE_NUMBER", "FAX_NUMBER") for _, _, t in found)
            cell[2] += bool(found)
    return out


def measure(policies: list[str], n: int, code: str | None, vanilla: bool, seed: int = 11) -> dict:
    _setup_path(code)
    from redaction.policy import load_policy
    from tests.data.tuning import phones as tuning

    good = tuning.styled_phones(n, seed=seed) + tuning.styled_phones_more(n, seed=seed)
    bad = tuning.hard_negatives(max(10, n // 2), seed=seed) + tuning.hard_negatives_more(
        max(10, n // 2), seed=seed
    )
    base = Path(code) if code else REPO
    results: dict[str, dict] = {}
    model = None
    for name in policies:
        policy = load_policy(base / "policies" / f"{name}.yaml")
        model = model or policy.languages["en"].model
        results[name] = {
            "phones": score(good, _policy_redactions(good, policy), "style"),
            "negatives": score(bad, _policy_redactions(bad, policy), "kind"),
        }
    if vanilla:
        results["vanilla Presidio"] = {
            "phones": score(good, _vanilla_redactions(good, model), "style"),
            "negatives": score(bad, _vanilla_redactions(bad, model), "kind"),
        }
    return results


def baseline(ref: str, policies: list[str], n: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="scrubline-phones-base-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", ref, "redaction", "policies"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, __file__, "--n", str(n), "--seed", str(seed), "--policies", ",".join(policies)]
        cmd += ["--code", tmp, "--json-out", str(out), "--baseline", "none", "--no-vanilla"]
        subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": f"{tmp}:{REPO}"})
        return json.loads(out.read_text())


def table(columns: dict[str, dict[str, list[int]]], what: str, index: int = 0, of: int = 1) -> list[str]:
    keys = sorted({k for col in columns.values() for k in col})
    width = max(12, *(len(c) for c in columns))
    lines = [f"  {what:<16} {'n':>4}  " + "  ".join(f"{c:>{width}}" for c in columns)]
    for key in [*keys, "all"]:
        cells, total = [], 0
        for col in columns.values():
            rows = list(col.values()) if key == "all" else [col[key]]
            hits, total = sum(r[index] for r in rows), sum(r[of] for r in rows)
            cells.append(f"{100 * hits / total:>{width - 1}.1f}%" if total else f"{'-':>{width}}")
        lines.append(f"  {key:<16} {total:>4}  " + "  ".join(cells))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=80, help="records per style (default 80)")
    parser.add_argument("--policies", default="default,hipaa-safe-harbor")
    parser.add_argument("--seed", type=int, default=11, help="11 is the draw the rules were tuned on")
    parser.add_argument("--baseline", default="main", help="git ref for the before figures, or none")
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-vanilla", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    policies = args.policies.split(",")
    results = measure(policies, args.n, args.code, not args.no_vanilla, args.seed)
    if args.json_out:
        args.json_out.write_text(json.dumps(results))
        return 0
    columns = {}
    before = baseline(args.baseline, policies, args.n, args.seed) if args.baseline != "none" else {}
    for name in policies:
        if name in before:
            columns[f"{name} {args.baseline}"] = before[name]
        columns[name] = results[name]
    columns["vanilla Presidio"] = results["vanilla Presidio"]
    print(
        f"Phone spans fully removed, per style (tuning set tests/data/tuning/phones.py, "
        f"n={args.n}/style, seed {args.seed})"
    )
    print("\n".join(table({c: v["phones"] for c, v in columns.items()}, "style")))
    print("\nWords of the phone records outside the phone kept (n: words; higher is better)")
    print("\n".join(table({c: v["phones"] for c, v in columns.items()}, "style", index=3, of=4)))
    print("\nNon-phones typed PHONE_NUMBER/FAX_NUMBER (false positives; lower is better)")
    print("\n".join(table({c: v["negatives"] for c, v in columns.items()}, "kind")))
    print("\nNon-phones where anything was removed (ids may go as their own type)")
    print("\n".join(table({c: v["negatives"] for c, v in columns.items()}, "kind", index=2)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
