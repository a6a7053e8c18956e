"""Ordinary words are no names (`redaction/vocabulary.py`), and the PII around them is still found.

Forms and key/value dumps, structured values under a field name, clinical notes and texts full
of numbers that are not phones, with the default policy's detection (trained English NER, name
lexicon, phone recognizers). The styles are those of `tests/data/tuning/non_pii.py`.
"""

from __future__ import annotations

import pytest

from redaction.detect import Detector, Finding
from redaction.fields import field_entity, hinted_span
from redaction.places import is_country
from redaction.policy import load_policy
from redaction.vocabulary import is_dictionary_word, ordinary_words


@pytest.fixture(scope="module")
def detector(default_policy_path):
    return Detector(load_policy(default_policy_path))


def removed(detector: Detector, text: str) -> list[str]:
    """The values a finding of a removed type covers (the policy keeps DATE_TIME)."""
    (found,) = detector.detect([text])
    return [text[f.start : f.end] for f in found if f.entity_type != "DATE_TIME"]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Line Manager: Sarah Connor\nGrade: B2\nWeight: 80kg\nFormat: A4", ["Line Manager", "Grade"]),
        ("Host: Tom Baker\nEscort: none\nVisitor: badge only", ["Host", "Escort", "Visitor"]),
        ("PRODUCTION DESIGNER\tJohn Lo\nMUSIC  Ana Silva", ["PRODUCTION DESIGNER", "MUSIC"]),
        ("NEXT OF KIN: Mary Smith\nREFERRING PHYSICIAN: Dr Patel", ["NEXT OF KIN", "REFERRING"]),
        ("written_by=Tom work_email=t.lo@example.com badge_id=4471", ["written_by", "badge_id"]),
        ("Dave's van for the move is booked.", ["van"]),
        ("country=Austria, ship_country=South Korea, pays=Suisse", ["Austria", "South Korea", "Suisse"]),
    ],
)
def test_form_labels_keys_and_countries_are_kept(detector, text, kept):
    found = removed(detector, text)
    for word in kept:
        assert not any(word in value or value in word.split() for value in found), (word, found)


@pytest.mark.parametrize(
    "text, names",
    [
        ("Line Manager: Sarah Connor\nGrade: B2", ["Sarah Connor"]),
        ("PRODUCTION DESIGNER\tJohn Lo", ["John Lo"]),
        ("NEXT OF KIN:\tvan Parijs", ["van Parijs"]),
        ("written_by=Tom work_email=t.lo@example.com", ["Tom", "t.lo@example.com"]),
        ("Visitor: John Reyes\nTel: 020 7946 0958", ["John Reyes", "020 7946 0958"]),
        ("talk to Bill, she knows", ["Bill"]),
        ("cheers frank\nthx Rosemary!", ["frank", "Rosemary"]),
        ("ping heather, she knows", ["heather"]),
        ("SEEN BY DR WALKER. AMBULATORY WITH WALKER.", ["WALKER"]),
    ],
)
def test_the_pii_beside_them_is_still_found(detector, text, names):
    found = removed(detector, text)
    for name in names:
        assert name in found, (name, found)


@pytest.mark.parametrize(
    "text",
    [
        "NIECE AT BEDSIDE. AMBULATORY WITH WALKER. PREVIOUSLY LIVED IN NURSING HOME, VNA.",
        "L RADIAL A-LINE DAY 4. BUN 22, RISS, MIN, SVC, NPN, MAP 65.",
        "VANCO AND ZOSYN CONT. dm2, GOALS OF CARE DISCUSSED, levels pending, pt aware.",
        "ETOH HX. PCN ALLERGY. f/u with pcp at clinic, md paged x2, tol diet, att to wean.",
    ],
)
def test_clinical_words_are_no_names(detector, text):
    assert removed(detector, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Part no. 1825-452-79 is back in stock.",
        "Dimensions: 610 x 1180 x 93 mm, weight 12 kg.",
        "The price is 1299 and the office is on floor 34.",
        "Lot 4521 arrives at 14:30 and departs 16:45, expires 2027-03.",
        "Batch 778812 VAT 20% Invoice 4471182 INV-20391",
        "Salle 12, Commande 7783321, Référence 99812-77",
    ],
)
def test_numbers_and_the_words_before_them_are_kept(detector, text):
    assert removed(detector, text) == []


def test_a_phone_among_such_numbers_is_still_found(detector):
    text = "Part no. 1825-452-79, Lot 4521. Tel: 020 7946 0958. Price 1299."
    assert removed(detector, text) == ["020 7946 0958"]


def test_a_surname_after_a_number_word_stays_a_name(detector):
    assert "Price" in " ".join(removed(detector, "Price, Luke"))


@pytest.mark.parametrize(
    "text, name",
    [
        ("Priority: high\nRequester: amy bush\nPhone: 415.555.0175", "amy bush"),
        ("I would be grateful if you could see tom thompson. He reports chest pain.", "tom thompson"),
        ("Thanks\n\nkate leach\nAccount Manager | Northwind Traders", "kate leach"),
        ("Account holder dean olson asked that the card be replaced.", "dean olson"),
    ],
)
def test_a_lower_case_surname_that_is_a_word_stays_with_its_first_name(detector, text, name):
    """The dictionary holds surnames too (bush, leach, thompson): after a first name of the
    lexicon the word is the surname; a first name that is a word (dean) before a surname that
    is none stays too."""
    assert name in removed(detector, text)


@pytest.mark.parametrize(
    "key, value",
    [
        ("customer", "wholesale"),
        ("contact", "newsletter"),
        ("recipient", "K"),
        ("customer_name", "EUR"),
        ("city", "Austria"),
        ("ship_city", "Suisse"),
    ],
)
def test_a_field_name_needs_a_value_shaped_like_its_kind(key, value):
    entity = field_entity((key,))
    assert entity in ("PERSON", "LOCATION")
    assert hinted_span(value, entity) is None


@pytest.mark.parametrize(
    "key, value",
    [
        ("customer", "Maho Hudobivnik"),
        ("customer_name", "Smith"),
        ("customer_name", "maria lopez"),
        ("name", "Ana"),
        ("city", "Reading"),
        ("recipient", "Jean-Luc O'Neil"),
    ],
)
def test_a_field_name_still_types_a_name_shaped_value(key, value):
    assert hinted_span(value, field_entity((key,))) == (0, len(value))


def test_countries_alone_are_countries_but_first_names_are_not():
    assert is_country("Austria") and is_country("SOUTH KOREA") and is_country("Suisse")
    assert not is_country("Maurice") and not is_country("Vienna")


def test_the_dictionary_comes_from_the_installed_model_with_inflections():
    assert is_dictionary_word("wholesale") and is_dictionary_word("departs")
    assert not is_dictionary_word("hudobivnik") and not is_dictionary_word("x2")


def test_only_the_named_recognizers_findings_are_touched():
    text = "written_by=Tom"
    findings = [Finding(0, 7, "PERSON", 0.85, "other"), Finding(0, 7, "PERSON", 0.85, "SpacyRecognizer")]
    assert ordinary_words(text, findings, frozenset({"SpacyRecognizer"})) == findings[:1]
