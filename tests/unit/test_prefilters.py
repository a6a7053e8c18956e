"""The detection shortcuts (redaction/prefilters.py) change no finding, on generated texts of many styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redaction import prefilters
from redaction.detect import Detector
from redaction.policy import load_policy
from tests.data.generators import generate_labelled, generate_records
from tests.data.tuning import clinical, fr_clinical, person_styles, phones, templates

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    """(language, text): every style of the generator in English and French, support-ticket
    fields, clinical and ward notes, chat transcripts, court text, key-value dumps, template
    sentences with addresses of 40 locales, phone styles and numbers that are no phones, French
    clinical notes."""
    out = [("en", r["text"]) for r in generate_labelled(60, seed=21, part="tuning", language="en")]
    out += [("fr", r["text"]) for r in generate_labelled(30, seed=21, part="tuning", language="fr")]
    records, _ = generate_records(15, seed=21)
    out += [("en", v) for record in records for v in record.values() if isinstance(v, str)]
    out += [("en", r["text"]) for r in clinical.generate_clinical(12, seed=21)]
    out += [("en", r["text"]) for r in clinical.generate_ward_notes(8, seed=21)]
    out += [("en", r["text"]) for r in person_styles.generate(n_per_style=5, seed=21)]
    out += [("en", r["text"]) for r in templates.address_sentences(n_per_locale=1, seed=21)]
    out += [("en", r["text"]) for r in phones.styled_phones(n_per_style=3, seed=21)]
    out += [("en", r["text"]) for r in phones.hard_negatives(n_per_kind=2, seed=21)]
    out += [("fr", r["text"]) for r in fr_clinical.generate(8, seed=21)]
    return out


def _findings(detector: Detector, texts: list[tuple[str, str]]) -> list:
    languages = [
        lang if lang in detector.policy.languages else detector.policy.primary_language for lang, _ in texts
    ]
    found = detector.detect([t for _, t in texts], languages)
    return [[(f.start, f.end, f.entity_type, f.score, f.recognizer) for f in fs] for fs in found]


@pytest.mark.parametrize("policy_name", ["default", "hipaa-safe-harbor", "gdpr-pseudonymize"])
def test_shortcuts_change_no_finding(policy_name, texts):
    policy = load_policy(POLICIES / f"{policy_name}.yaml")
    fast = _findings(Detector(policy), texts)
    full = _findings(Detector(policy, shortcuts=False), texts)
    assert sum(map(len, full)) > len(texts) // 2  # the texts hold PII to find
    differing = [i for i, (a, b) in enumerate(zip(fast, full, strict=True)) if a != b]
    assert differing == []


def test_a_recognizer_skipped_without_its_character_finds_nothing_without_it(texts):
    """Each listed recognizer, run without the shortcut over every text with its required
    characters taken out, finds nothing: the skip loses no finding."""
    detector = Detector(load_policy(POLICIES / "default.yaml"), shortcuts=False)
    listed = prefilters.NEEDS_A_DIGIT | set(prefilters.NEEDS_ONE_OF)
    checked = set()
    for recognizer in detector.analyzer.registry.recognizers:
        if recognizer.name not in listed:
            continue
        checked.add(recognizer.name)
        chars = prefilters.NEEDS_ONE_OF.get(recognizer.name)
        strip = re.compile(r"\d" if chars is None else f"[{re.escape(chars)}]")
        lang = recognizer.supported_language
        stripped = [strip.sub(" ", t) for language, t in texts if language == lang]
        for text, artifacts in detector.nlp_engine.process_batch(stripped, lang):
            assert recognizer.analyze(text, recognizer.supported_entities, artifacts) == [], recognizer.name
    assert checked == listed  # every name in the lists is a recognizer the default policy runs


def test_recognizers_run_in_the_registry_order():
    detector = Detector(load_policy(POLICIES / "default.yaml"))
    registry = detector.analyzer.registry
    found = registry.get_recognizers("en", detector.entities["en"])
    positions = [next(i for i, r in enumerate(registry.recognizers) if r is rec) for rec in found]
    assert positions == sorted(positions)
    assert len(found) > 10


# Each shape-listed recognizer's texts with its shape broken: URLs and domains with a space after
# every dot before a letter ("example. com"), IP addresses without colons and with a space after
# every dot between digits ("10. 0. 0. 1").
_BREAK_SHAPE = {
    "UrlRecognizer": lambda t: re.sub(r"\.(?=[A-Za-z])", ". ", t),
    "IpRecognizer": lambda t: re.sub(r"(?<=\d)\.(?=\d)", ". ", t.replace(":", " ")),
}
_SHAPED = [
    "see https://www.example.com/path or shop.example.org",
    "mail j.doe@example.co.uk, site Foo.Bar.NET",
    "host 10.0.0.1, gateway 192.168.1.254/24 and fe80::1ff:fe23:4567:890a",
    "::ffff:10.0.0.1 and ::",
]


def test_a_recognizer_skipped_without_its_shape_finds_nothing_without_it(texts):
    """URL and IP addresses are found in texts with their shape, and nothing is found, without
    the shortcut, in any text once the shape is broken: the skip loses no finding."""
    detector = Detector(load_policy(POLICIES / "default.yaml"), shortcuts=False)
    checked = set()
    for recognizer in detector.analyzer.registry.recognizers:
        if recognizer.name not in prefilters.NEEDS_SHAPE or recognizer.supported_language != "en":
            continue
        checked.add(recognizer.name)
        impossible = prefilters._impossible(recognizer.name)
        found = [
            recognizer.analyze(text, recognizer.supported_entities, artifacts)
            for text, artifacts in detector.nlp_engine.process_batch(_SHAPED, "en")
        ]
        assert all(found[:2]) if recognizer.name == "UrlRecognizer" else all(found[2:]), recognizer.name
        broken = [_BREAK_SHAPE[recognizer.name](t) for language, t in texts if language == "en"]
        broken += [_BREAK_SHAPE[recognizer.name](t) for t in _SHAPED]
        for text, artifacts in detector.nlp_engine.process_batch(broken, "en"):
            assert impossible(text), (recognizer.name, text)
            assert recognizer.analyze(text, recognizer.supported_entities, artifacts) == [], recognizer.name
    assert checked == set(prefilters.NEEDS_SHAPE)


def test_shape_checks_keep_texts_that_may_match():
    url = prefilters._impossible("UrlRecognizer")
    ip = prefilters._impossible("IpRecognizer")
    assert not url("go to example.com") and not url("e.g. this") and not url("EXAMPLE.ORG")
    assert url("Thanks. I paid 3.50 on 12.03.") and url("no dots here")
    assert not ip("at 10:30") and not ip("paid 3.50") and not ip("1.2.3.4")
    assert ip("Thanks. See you. Order A-12.") and ip("v. 2 of it")
