"""The one redaction path: detection, name propagation, anonymization of a record's texts.

`scrubline run` (through `pipeline.BatchRedactor`), `scrubline scan` and `scrubline eval` all
call `TextRedactor.redact`, so what a scan shows and what an evaluation measures is what a run
writes. A record is a group of texts (its string fields) in one language: detection runs over
every text of a batch at once (spaCy's `nlp.pipe`), name propagation within each record when
the policy turns it on, then the policy's action for each finding.

What differs between the three is only where keys and pseudonyms come from: a run uses the
installation's keys and its persistent pseudonym store; a scan reads them without writing
(`ReadOnlyPseudonymStore`, keys resolved with `create=False`); an evaluation uses throwaway
keys and a temporary store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .anonymize import Anonymizer, Redaction
from .detect import Detector, Finding, propagate_names
from .errors import QuarantineReason, RecordTimeoutError, RedactionError, is_record_failure
from .fields import hinted_span
from .keys import Key
from .limits import RecordBudget, oversize
from .name_neighbours import Words, complete_names
from .names import dictionary_words, inflected_forms
from .policy import Action, Policy

# A field's name as evidence (`customer.name`, `tel`): strong, but not a recognizer's certainty.
FIELD_NAME_SCORE = 0.7
_NAME_TYPES = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS", "NRP"})


@dataclass(slots=True)
class RecordOutcome:
    """What redaction did to one record's texts: the new texts and, per text, the redactions
    (offsets in the original text, no values); or the reason it failed."""

    texts: list[str] = field(default_factory=list)
    redactions: list[list[Redaction]] = field(default_factory=list)
    failure: QuarantineReason | None = None

    @property
    def failed(self) -> bool:
        return self.failure is not None


class TextRedactor:
    """Redacts groups of texts per the policy. Build once per process: the model loads once."""

    def __init__(
        self,
        policy: Policy,
        *,
        keys: dict[str, Key] | None = None,
        store=None,
        detector: Detector | None = None,
        nlp_batch_size: int = 64,
    ):
        self.policy = policy
        self.detector = detector or Detector(policy, nlp_batch_size=nlp_batch_size)
        self.anonymizer = Anonymizer(policy, keys, store)
        self._known_words: dict[str, Words] = {}

    def _dictionary(self, language: str) -> frozenset[str]:
        """The words of the language's spaCy model (`names.dictionary_words`): name propagation
        finds a part that is also a word ("Rice", "Appeal") only where it is capitalised."""
        spec = self.policy.languages.get(language)
        return dictionary_words(spec.model) if spec else frozenset()

    def _words(self, language: str) -> Words:
        """The language's lemmas and inflected forms, for completing names (`complete_names`)."""
        if language not in self._known_words:
            spec = self.policy.languages.get(language)
            forms = inflected_forms(spec.model) if spec else None
            self._known_words[language] = Words(self._dictionary(language), forms or frozenset())
        return self._known_words[language]

    def too_large(self, texts: Sequence[str], language: str) -> str | None:
        """Why a record's texts exceed the policy's size limits (sizes only), or None."""
        limits = self.policy.limits
        spec = self.policy.languages.get(language)
        field_chars = min(limits.max_field_chars, spec.max_chars) if spec else limits.max_field_chars
        return oversize(texts, limits.max_record_chars, field_chars)

    def redact(
        self,
        groups: Sequence[Sequence[str]],
        languages: Sequence[str],
        budgets: Sequence[RecordBudget] | None = None,
        hints: Sequence[Sequence[str | None]] | None = None,
    ) -> list[RecordOutcome]:
        """One outcome per group (record), in order. A failing record fails alone: over a size
        limit (`too_large`, never shown to detection), out of time (`timeout`: each record has
        `limits.record_seconds`, or its budget from `budgets`), or failing in detection or an
        operator.

        `hints`, per group and text, is the entity type the text's field name says it holds
        (`redaction.fields.field_entity`) or None: a short value of that shape is found as that
        type even when no recognizer finds it, since there is no sentence around it.
        """
        if budgets is None:
            budgets = [RecordBudget(self.policy.limits.record_seconds) for _ in groups]
        flat: list[str] = []
        flat_languages: list[str] = []
        flat_budgets: list[RecordBudget] = []
        fits: list[bool] = []
        for texts, language, budget in zip(groups, languages, budgets, strict=True):
            fits.append(self.too_large(texts, language) is None)
            if fits[-1]:
                flat.extend(texts)
                flat_languages.extend([language] * len(texts))
                flat_budgets.extend([budget] * len(texts))
        detected = self.detector.detect(flat, flat_languages, flat_budgets) if flat else []
        outcomes: list[RecordOutcome] = []
        offset = 0
        for index, (texts, language, budget, fit) in enumerate(
            zip(groups, languages, budgets, fits, strict=True)
        ):
            if not fit:
                outcomes.append(RecordOutcome(failure=QuarantineReason.TOO_LARGE))
                continue
            found = detected[offset : offset + len(texts)]
            offset += len(texts)
            if hints is not None:
                found = [self._with_hint(t, f, h) for t, f, h in zip(texts, found, hints[index], strict=True)]
            outcomes.append(self._redact_record(list(texts), found, budget, language))
        return outcomes

    def _with_hint(
        self, text: str, found: list[Finding] | RedactionError, hint: str | None
    ) -> list[Finding] | RedactionError:
        rule = self.policy.entities.get(hint) if hint else None
        if isinstance(found, RedactionError) or rule is None or rule.action is Action.KEEP:
            return found
        span = hinted_span(text, hint)
        if span is None:
            return found
        # The field's name types the value: a model's guess of another kind of name inside it
        # ("Worthington, OH" as a place, in an address field) gives way.
        kept = [
            f
            for f in found
            if not (span[0] <= f.start and f.end <= span[1] and f.entity_type in _NAME_TYPES - {hint})
        ]
        return [*kept, Finding(span[0], span[1], hint, FIELD_NAME_SCORE, "field_name")]

    def _redact_record(
        self,
        texts: list[str],
        found: list[list[Finding] | RedactionError],
        budget: RecordBudget,
        language: str,
    ) -> RecordOutcome:
        if any(isinstance(f, RecordTimeoutError) for f in found):
            return RecordOutcome(failure=QuarantineReason.TIMEOUT)
        if any(isinstance(f, RedactionError) for f in found):
            return RecordOutcome(failure=QuarantineReason.DETECTION_ERROR)
        findings: list[list[Finding]] = found  # type: ignore[assignment]
        outcome = RecordOutcome()
        try:
            if self.policy.detection.propagate_names:
                with budget.running():
                    words = self._dictionary(language)
                    known = self._words(language)
                    # completed before (a whole name recurs) and after (a lent part is completed)
                    findings = propagate_names(texts, complete_names(texts, findings, known), words=words)
                    findings = complete_names(texts, findings, known, cues=False)
            # No timer signal while operators run: they write pseudonyms to their store, which
            # an exception raised at an arbitrary point could leave half-done. Checked on leaving.
            with budget.running(alarm=False):
                links = self.anonymizer.link_names(texts, findings)
                for text, text_findings in zip(texts, findings, strict=True):
                    new_text, applied = self.anonymizer.anonymize(
                        text, text_findings, language=language, links=links
                    )
                    outcome.texts.append(new_text)
                    outcome.redactions.append(applied)
        except RecordTimeoutError:
            return RecordOutcome(failure=QuarantineReason.TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - an operator failing on this record: it alone fails
            if not is_record_failure(exc):
                raise
            return RecordOutcome(failure=QuarantineReason.REDACTION_ERROR)
        return outcome


def language_identifier(policy: Policy):
    """The identifier a run uses to pick a record's language, or None when it does not."""
    if policy.detection.detect_language and len(policy.languages) > 1:
        from .language import LanguageIdentifier

        return LanguageIdentifier(tuple(policy.languages), policy.primary_language)
    return None


@dataclass(slots=True)
class ScanResult:
    """What a run would do to one text, computed without writing anything."""

    text: str
    language: str
    redacted: str
    redactions: list[Redaction]
    new_pseudonyms: int  # values a run would give a new number (not stored by the scan)
    temporary_keys: list[str]  # keys that do not exist yet: the scan used throwaway ones

    def to_dict(self) -> dict:
        return {
            "language": self.language,
            "redacted": self.redacted,
            "findings": [
                {
                    "start": r.start,
                    "end": r.end,
                    "entity_type": r.entity_type,
                    "score": r.score,
                    "action": r.action,
                }
                for r in self.redactions
            ],
            "new_pseudonyms": self.new_pseudonyms,
            "temporary_keys": self.temporary_keys,
        }


def scan_text(policy: Policy, text: str, language: str | None = None) -> ScanResult:
    """A dry run of the redaction a run applies to a record holding `text`: the same path
    (`TextRedactor`), the installation's keys and pseudonyms read but never written, no file
    created under $SCRUBLINE_HOME. A failure is raised, never swallowed."""
    from .anonymize import ReadOnlyPseudonymStore, dry_run_keys
    from .policy import Action

    if language is None:
        identifier = language_identifier(policy)
        language = identifier.identify([text]) if identifier is not None else policy.primary_language
    keys, temporary = dry_run_keys(policy)
    store = ReadOnlyPseudonymStore() if Action.PSEUDONYMIZE in policy.actions_used() else None
    try:
        (outcome,) = TextRedactor(policy, keys=keys, store=store).redact([[text]], [language])
    finally:
        if store is not None:
            store.close()
    if outcome.failure is not None:
        raise RedactionError(f"scan: {outcome.failure.value.replace('_', ' ')} on the given text")
    return ScanResult(
        text=text,
        language=language,
        redacted=outcome.texts[0],
        redactions=outcome.redactions[0],
        new_pseudonyms=store.new if store is not None else 0,
        temporary_keys=temporary,
    )
