"""What surrogates do to utility: placeholders (default policy) beside surrogates, same detection.

    python benchmarks/surrogate_utility.py [--n 300] [--seed 3]
                                          [--placeholders policies/default.yaml]
                                          [--surrogates policies/surrogate.yaml]

On `--n` labelled English and French records of the tuning part of our generator
(tests/data/generators.py `generate_labelled`), redacts each text with both policies (the
pipeline's path, `TextRedactor`; throwaway keys, a temporary SCRUBLINE_HOME) and prints:

a) removal: the spans each policy acted on, and the share of gold spans fully removed per type.
   The two policies share their detection, so the spans must be identical; only what replaces
   them differs (the default policy keeps dates, the surrogate policy replaces them).
b) how the text reads to a model (the policy's spaCy model per language, full pipeline):
   - syntax: of the original's tokens outside every gold span and every redaction, the share
     whose POS tag and dependency label are the same in the output as in the original;
   - entities: of the gold spans that were replaced (person, location, street address, date),
     the share where spaCy's NER sees an entity of the same kind at the replacement's place in
     the output, beside the same share on the original text (the ceiling).
c) consistency: every replaced gold value redacted again in a second, shuffled pass (a new
   redactor with the same key, as a second run): the share replaced by the same text; each
   value alone in another record ("Re: <value>", a new anonymizer, the same key): the share
   that gets the same surrogate as in its own record (partial mentions of a person are linked
   to the full name in their record, so alone they may get another part's role); and values
   that occur in several records of the corpus: the share replaced the same way in all.

Figures and ratios (surrogates / placeholders) come from the same run. The pseudonym key is
derived from `--seed`: the same command prints the same figures; another seed, other fakes.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redaction.anonymize import normalize_value  # noqa: E402
from redaction.evaluate import evaluate_removals  # noqa: E402
from redaction.keys import Key  # noqa: E402
from redaction.policy import Policy, load_policy  # noqa: E402
from tests.data.generators import generate_labelled  # noqa: E402

# spaCy NER labels that count as "the same kind" as a gold type, per language.
KINDS = {
    "PERSON": {"PERSON", "PER"},
    "LOCATION": {"GPE", "LOC", "FAC"},
    "STREET_ADDRESS": {"FAC", "GPE", "LOC"},
    "DATE_TIME": {"DATE", "TIME"},
}
NER_LANGUAGES = {"DATE_TIME": {"en"}}  # the French small model has no date label
SURROGATE_TYPES = ("PERSON", "STREET_ADDRESS", "LOCATION", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_TIME")


def redact_all(policy: Policy, records: list[dict], key: Key, home: Path):
    """Outcomes (one per record) of the pipeline's redaction path with the given pseudonym key."""
    from redaction.anonymize import PseudonymStore
    from redaction.redactor import TextRedactor

    keys = {purpose: key for purpose in ("hash", "pseudonym", "encrypt")}
    store = PseudonymStore(home / f"pseudonyms-{policy.name}.sqlite3")
    redactor = TextRedactor(policy, keys=keys, store=store)
    outcomes = []
    for first in range(0, len(records), 64):
        batch = records[first : first + 64]
        outcomes.extend(redactor.redact([[r["text"]] for r in batch], [r["language"] for r in batch]))
    return outcomes


def offset_map(redactions):
    """A function from an original offset outside every redaction to the output offset."""
    spans = sorted((r.start, r.end, r.new_start, r.new_end) for r in redactions)

    def new_offset(position: int) -> int:
        delta = 0
        for _start, end, _new_start, new_end in spans:
            if end <= position:
                delta = new_end - end
        return position + delta

    return new_offset


def syntax_agreement(nlp, records, outcomes) -> tuple[int, int]:
    same = total = 0
    originals = nlp_docs(nlp, records, [r["text"] for r in records])
    outputs = nlp_docs(nlp, records, [o.texts[0] for o in outcomes])
    for record, outcome, doc, out in zip(records, outcomes, originals, outputs, strict=True):
        redactions = outcome.redactions[0]
        covered = [(s["start"], s["end"]) for s in record["spans"]] + [(r.start, r.end) for r in redactions]
        by_start = {t.idx: t for t in out}
        new_offset = offset_map(redactions)
        for token in doc:
            if token.is_space or any(s < token.idx + len(token) and token.idx < e for s, e in covered):
                continue
            total += 1
            mapped = by_start.get(new_offset(token.idx))
            if mapped is not None and mapped.text == token.text:
                same += mapped.pos_ == token.pos_ and mapped.dep_ == token.dep_
    return same, total


def nlp_docs(nlp, records, texts):
    docs = [None] * len(texts)
    for language, model in nlp.items():
        indexes = [i for i, r in enumerate(records) if r["language"] == language]
        for i, doc in zip(indexes, model.pipe([texts[i] for i in indexes], batch_size=32), strict=True):
            docs[i] = doc
    return docs


def entity_agreement(nlp, records, outcomes) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per gold type: [seen, replaced spans] on the output and [seen, spans] on the original."""
    out_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    original_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    originals = nlp_docs(nlp, records, [r["text"] for r in records])
    outputs = nlp_docs(nlp, records, [o.texts[0] for o in outcomes])
    for record, outcome, doc, out in zip(records, outcomes, originals, outputs, strict=True):
        for span in record["spans"]:
            kind = KINDS.get(span["type"])
            if kind is None or record["language"] not in NER_LANGUAGES.get(span["type"], {"en", "fr"}):
                continue
            cover = next(
                (r for r in outcome.redactions[0] if r.start <= span["start"] and span["end"] <= r.end), None
            )
            if cover is None or cover.action == "keep":
                continue
            seen = any(
                e.label_ in kind and e.start_char < span["end"] and span["start"] < e.end_char
                for e in doc.ents
            )
            original_counts[span["type"]][0] += seen
            original_counts[span["type"]][1] += 1
            seen = any(
                e.label_ in kind and e.start_char < cover.new_end and cover.new_start < e.end_char
                for e in out.ents
            )
            out_counts[span["type"]][0] += seen
            out_counts[span["type"]][1] += 1
    return out_counts, original_counts


def replaced_values(records, outcomes) -> dict[tuple[str, str], set[str]]:
    """(type, normalized gold value) -> the normalized texts that replaced it, for gold spans a
    redaction covers exactly."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record, outcome in zip(records, outcomes, strict=True):
        if outcome.failed:
            continue
        exact = {(r.start, r.end): r for r in outcome.redactions[0] if r.action != "keep"}
        for span in record["spans"]:
            r = exact.get((span["start"], span["end"]))
            if r is not None and r.new_start is not None:
                value = record["text"][span["start"] : span["end"]]
                found[(span["type"], normalize_value(value))].add(
                    normalize_value(outcome.texts[0][r.new_start : r.new_end])
                )
    return found


def consistency(records, first, second, per_record) -> tuple[int, int, int, int]:
    """(values replaced the same in both passes, values) and (repeated values replaced the same
    in every record, repeated values)."""
    a, b = replaced_values(records, first), replaced_values(records, second)
    same = sum(1 for key, texts in a.items() if texts == b.get(key))
    repeated = [key for key, count in per_record.items() if count > 1 and key in a]
    stable = sum(1 for key in repeated if len(a[key]) == 1)
    return same, len(a), stable, len(repeated)


def isolated_consistency(policy: Policy, key: Key, records, outcomes) -> dict[str, list[int]]:
    """Per type: [same, total] for replaced gold values anonymized again alone in a new text."""
    from redaction.anonymize import Anonymizer
    from redaction.detect import Finding

    anonymizer = Anonymizer(policy, keys={"pseudonym": key})
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, outcome in zip(records, outcomes, strict=True):
        exact = {(r.start, r.end): r for r in outcome.redactions[0] if r.action == "surrogate"}
        for span in record["spans"]:
            r = exact.get((span["start"], span["end"]))
            if r is None or r.entity_type != span["type"]:
                continue
            value = record["text"][span["start"] : span["end"]]
            finding = Finding(4, 4 + len(value), span["type"], 1.0, "benchmark")
            text, _ = anonymizer.anonymize(f"Re: {value}", [finding], language=record["language"])
            counts[span["type"]][0] += normalize_value(text[4:]) == normalize_value(
                outcome.texts[0][r.new_start : r.new_end]
            )
            counts[span["type"]][1] += 1
    return counts


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def share(pair) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


def pct(value: float | None) -> str:
    return f"{value:6.1%}" if value is not None else "     -"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--placeholders", default=str(REPO / "policies" / "default.yaml"))
    parser.add_argument("--surrogates", default=str(REPO / "policies" / "surrogate.yaml"))
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    import spacy

    placeholder_policy, surrogate_policy = load_policy(args.placeholders), load_policy(args.surrogates)
    records = generate_labelled(args.n, seed=args.seed, part="tuning")
    # A key from the seed, so the figures reproduce (fakes, and so NER and syntax, depend on it).
    key = Key("SCRUBLINE_PSEUDONYM_KEY", hashlib.sha256(f"surrogate-benchmark-{args.seed}".encode()).digest())
    with tempfile.TemporaryDirectory(prefix="scrubline-bench-") as tmp:
        os.environ["SCRUBLINE_HOME"] = tmp
        placed = redact_all(placeholder_policy, records, key, Path(tmp))
        faked = redact_all(surrogate_policy, records, key, Path(tmp))
        alone = isolated_consistency(surrogate_policy, key, records, faked)
        order = list(range(len(records)))
        random.Random(args.seed).shuffle(order)
        shuffled = [records[i] for i in order]
        again = redact_all(surrogate_policy, shuffled, key, Path(tmp) / "second")
        second = [None] * len(records)
        for i, outcome in zip(order, again, strict=True):
            second[i] = outcome
    languages = sorted({r["language"] for r in records})
    print(
        f"{len(records)} labelled records of the tuning part (seed {args.seed}; "
        + ", ".join(f"{sum(r['language'] == lang for r in records)} {lang}" for lang in languages)
        + f"); placeholders: {args.placeholders}, surrogates: {args.surrogates}"
    )

    # a) removal
    spans_a = [[(r.start, r.end, r.entity_type) for r in o.redactions[0]] for o in placed]
    spans_b = [[(r.start, r.end, r.entity_type) for r in o.redactions[0]] for o in faked]
    identical = sum(a == b for a, b in zip(spans_a, spans_b, strict=True))
    removals = {
        name: evaluate_removals(
            records, [[(r.start, r.end) for r in o.redactions[0] if r.action != "keep"] for o in outcomes]
        )
        for name, outcomes in (("placeholders", placed), ("surrogates", faked))
    }
    print()
    print(f"a) removal: detected spans identical in {identical}/{len(records)} records")
    print(f"   {'gold type':<18} {'spans':>6} {'placeholders':>13} {'surrogates':>11}")
    for entity in sorted(removals["placeholders"].per_type):
        p = removals["placeholders"].coverage(entity)
        s = removals["surrogates"].coverage(entity)
        print(
            f"   {entity:<18} {p.spans:>6} {pct(p.fully_removed_share):>13} {pct(s.fully_removed_share):>11}"
        )

    # b) how the text reads
    nlp = {lang: spacy.load(placeholder_policy.languages[lang].model) for lang in languages}
    syntax = {
        "placeholders": syntax_agreement(nlp, records, placed),
        "surrogates": syntax_agreement(nlp, records, faked),
    }
    print()
    print("b) syntax: non-PII tokens whose POS and dependency label are unchanged")
    for name, pair in syntax.items():
        print(f"   {name:<13} {pct(share(pair))}  ({pair[0]}/{pair[1]})")
    print(
        "   ratio surrogates/placeholders: "
        + ratio(share(syntax["surrogates"]), share(syntax["placeholders"]))
    )
    ents_p, _ = entity_agreement(nlp, records, placed)
    ents_s, original = entity_agreement(nlp, records, faked)
    print()
    print("   entities: replaced gold spans where spaCy's NER sees the same kind at the replacement")
    print(
        f"   {'gold type':<16} {'spans':>6} {'original':>9} {'placeholders':>13}"
        f" {'surrogates':>11} {'ratio':>7}"
    )
    for entity in sorted(set(ents_p) | set(ents_s)):
        s_pair, p_pair = ents_s[entity], ents_p[entity]
        print(
            f"   {entity:<16} {s_pair[1]:>6} {pct(share(original[entity])):>9} {pct(share(p_pair)):>13}"
            f" {pct(share(s_pair)):>11} {ratio(share(s_pair), share(p_pair)):>7}"
        )
    totals = {
        name: [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
        for name, counts in (("original", original), ("placeholders", ents_p), ("surrogates", ents_s))
    }
    print(
        f"   {'all':<16} {totals['surrogates'][1]:>6} {pct(share(totals['original'])):>9}"
        f" {pct(share(totals['placeholders'])):>13} {pct(share(totals['surrogates'])):>11}"
        f" {ratio(share(totals['surrogates']), share(totals['placeholders'])):>7}"
    )

    # c) consistency
    per_record: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        for key_ in {
            (s["type"], normalize_value(record["text"][s["start"] : s["end"]])) for s in record["spans"]
        }:
            per_record[key_] += 1
    same, values, stable, repeated = consistency(records, faked, second, per_record)
    p_stable = consistency(records, placed, placed, per_record)
    print()
    print("c) consistency of surrogates (same key)")
    print(
        f"   second, shuffled pass: {same}/{values} replaced values got the same surrogate"
        f" ({pct(share((same, values)))})"
    )
    for entity in sorted(alone):
        pair = alone[entity]
        print(
            f"   alone in another record, {entity:<15} {pair[0]:>4}/{pair[1]:<4}"
            f" the same ({pct(share(pair))})"
        )
    print(
        f"   values in several records: {stable}/{repeated} got one surrogate everywhere"
        f" ({pct(share((stable, repeated)))}; placeholders: {p_stable[2]}/{p_stable[3]})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
