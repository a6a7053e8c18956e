"""Places are never half redacted, and a place detected as a person is typed as a place."""

from __future__ import annotations

import pytest

from redaction.detect import Finding
from redaction.places import country_names, place_not_person, regions


def as_location(start, end, finding):
    return Finding(start, end, "LOCATION", finding.score, finding.recognizer)


def person(text: str, word: str, recognizer: str = "SpacyRecognizer") -> Finding:
    start = text.index(word)
    return Finding(start, start + len(word), "PERSON", 0.85, recognizer)


def retyped(text: str, findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start : f.end]) for f in place_not_person(text, findings, as_location)]


@pytest.mark.parametrize(
    "text, found, place",
    [
        ("She moved to Pato Branco last year.", "Branco", "Pato Branco"),
        ("He grew up in Port Alberni, a small town.", "Alberni", "Port Alberni"),
        ("We stopped at Soto del Barco, Spain on the way.", "Barco", "Soto del Barco"),
        ("Elle habite à Pato Branco depuis 2019.", "Pato Branco", "Pato Branco"),
        ("The depot is Port Alberni, British Columbia.", "Port Alberni", "Port Alberni"),
    ],
)
def test_a_person_finding_inside_a_place_becomes_the_whole_place(text, found, place):
    assert retyped(text, [person(text, found)]) == [("LOCATION", place)]


def test_a_location_finding_over_the_run_is_a_signal():
    text = "Visitors love Pato Branco."
    branco = person(text, "Branco")
    spacy_place = Finding(text.index("Pato"), text.index("Pato") + 4, "LOCATION", 0.85, "SpacyRecognizer")
    assert ("LOCATION", "Pato Branco") in retyped(text, [spacy_place, branco])


@pytest.mark.parametrize(
    "text, found",
    [
        ("I spoke to Maria Lopez yesterday.", "Maria Lopez"),
        ("Thanks John Smith for the help.", "John Smith"),
        ("A letter from Anna Berg arrived.", "Anna Berg"),
    ],
)
def test_people_without_a_place_signal_stay_people(text, found):
    assert retyped(text, [person(text, found)]) == [("PERSON", found)]


def test_a_name_with_a_person_cue_is_never_retyped():
    text = "Dear Paris Hilton, welcome to Paris Hilton, France"
    finding = person(text, "Paris Hilton", recognizer="salutation_name")
    assert retyped(text, [finding]) == [("PERSON", "Paris Hilton")]


def test_country_and_region_names_come_in_several_languages():
    assert {"Spain", "España", "Espagne", "Deutschland", "Polska", "Danmark", "Greenland"} <= country_names()
    assert {"British Columbia", "OH", "Ohio"} <= regions()
    assert "Paris" not in regions()


def test_upper_case_text_is_not_one_long_place():
    text = "HEALING WELL. NEXT OF KIN CLIFFORD JONES, SEEN IN CLINIC"
    assert retyped(text, [person(text, "CLIFFORD JONES")]) == [("PERSON", "CLIFFORD JONES")]


@pytest.mark.parametrize("text", ["Welcome Anna Berg to the team", "We are visiting Anna Berg soon"])
def test_a_verb_without_its_preposition_is_no_place_signal(text):
    assert retyped(text, [person(text, "Anna Berg")]) == [("PERSON", "Anna Berg")]
