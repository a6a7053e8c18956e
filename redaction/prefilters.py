"""Detection work that can be skipped without changing a single finding.

* Recognizers whose every pattern needs a decimal digit skip a text that has none, and those whose
  every pattern needs an `@` (or one of `:-.`) skip a text without it (`skip_impossible`): most
  string fields (names, subjects, sentences) have no digit, and each of these recognizers still
  made a pass of its patterns over them. A recognizer is listed only when each of its patterns
  (or its phonenumbers candidates) requires a `\\d` or `[0-9]` (both within the Unicode digits
  `\\d` finds), or the character as a literal.
  Presidio's URL and IP recognizers need a finer shape (`NEEDS_SHAPE`): a dot between a domain
  character and a letter (every top-level domain in its list starts with a letter), and a colon
  or a dot between two digits (IPv4). Sentences end with ". ", so most texts with a dot still
  cannot hold a URL, nor one without a colon or a decimal number an IP address.
* The registry's recognizers for a language and entity list are looked up once, not once per text
  (`ordered_recognizer_lookup`, which also puts them in the registry's order, shortcuts or not).
* Presidio's context enhancer deep-copies every finding of a text before it boosts those a
  context word can boost; `SelectiveCopyEnhancer` hands it only those, and without the copy:
  the findings are this text's, made by its recognizers for this call, and nothing reads them
  after the enhancer (the analyzer goes on with what it returns).
* Before that enhancer, Presidio hands each recognizer its findings (and everyone else's) to
  boost them itself, sorting the findings afresh for each of the ~30 recognizers; none of
  Presidio's or Scrubline's recognizers does anything there (they keep `EntityRecognizer`'s,
  which returns the findings as they are), so `ContextShortcutAnalyzer` groups the findings
  once and asks only a recognizer that has its own.

`Detector(policy, shortcuts=False)` turns the skipping off; tests compare both ways.
"""

from __future__ import annotations

import re

import regex
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

# Recognizer names (Presidio's predefined ones and Scrubline's coded ones) whose patterns all
# need a digit. street_address has its own finer check (some of its patterns need none).
NEEDS_A_DIGIT = frozenset(
    {
        "CreditCardRecognizer",
        "CryptoRecognizer",  # (bc1|[13])...
        "DateRecognizer",
        "IbanRecognizer",
        "MedicalLicenseRecognizer",
        "NhsRecognizer",
        "UsBankRecognizer",
        "UsItinRecognizer",
        "UsLicenseRecognizer",
        "UsPassportRecognizer",
        "UsSsnRecognizer",
        "PolicyPhoneRecognizer",  # phonenumbers' candidates are runs of \d
        "world_phone",
        "pager",
        "payment_card",
        "driver_licence",
        "fr_nir",
        "fr_siren",
        "fr_siret",
        "fr_internal_phone",
    }
)
# Recognizers whose every pattern has one of these characters as a literal: a text with none of
# them has no match.
NEEDS_ONE_OF = {
    "EmailRecognizer": "@",
    "MacAddressRecognizer": ":-.",
}
# Recognizers whose every match contains a match of this pattern, compiled with the flags
# Presidio compiles theirs with (the same engine and case folding, so the classes agree).
NEEDS_SHAPE = {
    # `[a-z0-9.\-]{1,253}[.](?:com|edu|...)`: a domain character, the dot, a top-level domain
    "UrlRecognizer": r"[a-z0-9.\-][.][a-z]",
    # IPv6 forms all have a colon; IPv4 is octet.octet.octet.octet
    "IpRecognizer": r":|[0-9][.][0-9]",
}
_SHAPE_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE

_ANY_DIGIT = re.compile(r"\d")


def _impossible(name: str):
    """A test `text -> True` when the recognizer `name` cannot match the text, or None."""
    if name in NEEDS_A_DIGIT:
        return lambda text: _ANY_DIGIT.search(text) is None
    if name in NEEDS_ONE_OF:
        chars = NEEDS_ONE_OF[name]
        return lambda text: not any(char in text for char in chars)
    if name in NEEDS_SHAPE:
        shape = regex.compile(NEEDS_SHAPE[name], _SHAPE_FLAGS)
        return lambda text: shape.search(text) is None
    return None


def skip_impossible(recognizers) -> None:
    """Make each listed recognizer return nothing at once for a text it cannot match."""
    for recognizer in recognizers:
        impossible = _impossible(recognizer.name)
        if impossible is None:
            continue
        analyze = recognizer.analyze

        def guarded(text, entities, nlp_artifacts=None, *args, _analyze=analyze, _no=impossible, **kwargs):
            if _no(text):
                return []
            return _analyze(text, entities, nlp_artifacts, *args, **kwargs)

        recognizer.analyze = guarded


def ordered_recognizer_lookup(registry, cache: bool = True) -> None:
    """Make `registry.get_recognizers` answer in the registry's order, from a cache with `cache`
    (the registry does not change once the detector is built).

    Presidio returns the recognizers in the order of a set of them, which follows their memory
    addresses: two processes ran the same text's recognizers in different orders, and where two
    findings tie Presidio keeps the first, so a worker's findings could differ from another's
    (a French salutation_name or fr_clinician_name finding, typed PERSON or LOCATION).
    """
    lookup = registry.get_recognizers
    memo: dict[tuple, list] = {}

    def get_recognizers(language, entities=None, all_fields=False, ad_hoc_recognizers=None):
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        if ad_hoc_recognizers or not cache or key not in memo:
            found = lookup(language, entities, all_fields, ad_hoc_recognizers)
            order = {id(recognizer): index for index, recognizer in enumerate(registry.recognizers)}
            found.sort(key=lambda recognizer: order.get(id(recognizer), len(order)))
            if ad_hoc_recognizers or not cache:
                return found
            memo[key] = found
        return list(memo[key])

    registry.get_recognizers = get_recognizers


class _BoostInPlace(list):
    """Findings the enhancer boosts where they are: its `copy.deepcopy` hands back the list."""

    def __deepcopy__(self, memo):
        return self


class SelectiveCopyEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, given only the findings it could boost (their
    recognizer has context words and did not boost them itself), boosted in place instead of
    on a deep copy (see above); the rest come back as they are. Each finding is boosted on its
    own, so the scores are the same."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        with_context = {recognizer.id for recognizer in recognizers if recognizer.context}
        picked = []
        for index, result in enumerate(raw_results):
            meta = result.recognition_metadata or {}
            if meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY) in with_context and not meta.get(
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
            ):
                picked.append(index)
        if len(picked) == len(raw_results):
            return list(
                super().enhance_using_context(
                    text, _BoostInPlace(raw_results), nlp_artifacts, recognizers, context
                )
            )
        boosted = super().enhance_using_context(
            text, _BoostInPlace(raw_results[i] for i in picked), nlp_artifacts, recognizers, context
        )
        out = list(raw_results)
        for index, result in zip(picked, boosted, strict=True):
            out[index] = result
        return out


def _own_enhancement(recognizer) -> bool:
    return type(
        recognizer
    ).enhance_using_context is not EntityRecognizer.enhance_using_context or "enhance_using_context" in vars(
        recognizer
    )


class ContextShortcutAnalyzer(AnalyzerEngine):
    """Presidio's analyzer, asking only the recognizers with their own context step for it (see
    above): the findings come out in the same order (by recognizer, in the recognizers' order)."""

    def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        by_recognizer: dict[str, list] = {}
        for result in raw_results:
            by_recognizer.setdefault(result.recognition_metadata[key], []).append(result)
        results = []
        for recognizer in recognizers:
            own = by_recognizer.get(recognizer.id, [])
            if not _own_enhancement(recognizer):
                results.extend(own)
                continue
            results.extend(
                recognizer.enhance_using_context(
                    text=text,
                    raw_recognizer_results=own,
                    other_raw_recognizer_results=[
                        r for r in raw_results if r.recognition_metadata[key] != recognizer.id
                    ],
                    nlp_artifacts=nlp_artifacts,
                    context=context,
                )
            )
        return self.context_aware_enhancer.enhance_using_context(
            text=text,
            raw_results=results,
            nlp_artifacts=nlp_artifacts,
            recognizers=recognizers,
            context=context,
        )
