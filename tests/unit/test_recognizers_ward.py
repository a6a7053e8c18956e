"""Ward-note forms of the clinical recognizers (tests/data/tuning/clinical.py `generate_ward_notes`):
numbers to ring with no phone word, bare and record/accession ids, places after `pt from`,
`mvc in`, `lives w/ daughter in`, residences and assisted living, caseless names after a role.
Each has the look-alikes it must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.detect import Detector, reads_clinical
from redaction.policy import load_policy
from redaction.recognizers import get

REPO = Path(__file__).resolve().parents[2]


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    results = recognizer.analyze(text, recognizer.supported_entities)
    return sorted({text[r.start : r.end] for r in results})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("nursing station 8-3603. lytes repleted", "8-3603"),
        ("NURSING STATION 555-0195 IF ANY CHANGES.", "555-0195"),
        ("desk 2-4177.", "2-4177"),
        ("front desk 7-5633 for bed mgmt", "7-5633"),
        ("cb 4-3116. neuro: perrla", "4-3116"),
        ("CALL BACK AT 555 0126 W/ RESULTS", "555 0126"),
        ("Husband 555-0110 - pls update in am", "555-0110"),
        ("Daughter (HCP) 4-7871.", "4-7871"),
        ("call back at (781) 555-0134.", "(781) 555-0134"),
        ("unit 6175550142 for report", "6175550142"),
    ],
)
def test_numbers_to_ring_are_phones_without_a_phone_word(text, expected):
    assert found("pager", text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "unit 5 bed 12",
        "desk 2 at 1400",
        "cb 1.2 mg",
        "call back in 2 hours",
        "daughter 2-3 times a week",
        "husband 120/80 at home",
        "unit 4-5 days",
        "station 3, 4-6 pm",
        "son 555-01234567",
    ],
)
def test_counts_and_ranges_after_those_words_are_not_phones(text):
    assert found("pager", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ATT PAGED X2 (#4-5669).", "4-5669"),
        ("att paged x2 (#40940). mrn 415264660.", "40940"),
        ("Resident paged x 3 (# 555-0188)", "555-0188"),
        ("fellow paged twice #58210, no call back", "58210"),
        ("paged again (#617-555-0142)", "617-555-0142"),
    ],
)
def test_a_pager_number_after_a_count_of_pages(text, expected):
    assert found("pager", text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "att paged x2 at 0200",
        "paged x2, no answer",
        "PAGED X3 (NO RESPONSE)",
        "paged x2 (#1)",
        "paged twice today",
    ],
)
def test_a_count_of_pages_without_a_numbered_pager_is_no_phone(text):
    assert found("pager", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("levophed weaned off. #68229608. ratio 1:1", "68229608"),
        ("Record # 3442288.", "3442288"),
        ("accession # s65-33561.", "s65-33561"),
        ("pt id 1234567", "1234567"),
    ],
)
def test_bare_hash_and_record_ids_are_record_numbers(text, expected):
    assert found("medical_record_number", text) == [expected]


@pytest.mark.parametrize("text", ["POD#2, tolerating clears", "room #412", "#1 priority", "bed #12345"])
def test_short_numbers_after_a_hash_are_not_record_numbers(text):
    assert found("medical_record_number", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("LIVES W/ DAUGHTER IN NEW MELANIE. LS CTA", "NEW MELANIE"),
        ("mvc in lake tabithachester, restrained driver", "lake tabithachester"),
        ("PT FROM Rogersview, VACATIONING HERE", "Rogersview"),
        ("ems from port robin after fall", "port robin"),
        ("family driving in from andreafort tonight", "andreafort"),
    ],
)
def test_places_after_origin_words_are_towns(text, expected):
    assert found("town", text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "pt from rehab",
        "pt from outside hospital",
        "mvc in parking lot",
        "pt from home, lives w/ son in house",
    ],
)
def test_shorthand_after_origin_words_is_not_a_town(text):
    assert found("town", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("resides at gentry assisted living.", "gentry assisted living"),
        ("dc to rose house when stable", "rose house"),
        ("DC TO FIELDS HOUSE WHEN STABLE", "FIELDS HOUSE"),
        ("OSH: Sweeney Memorial.", "Sweeney Memorial"),
    ],
)
def test_residences_and_memorials_are_facilities(text, expected):
    assert expected in found("facility", text)


@pytest.mark.parametrize("text", ["dc to group home", "dc to his house", "resides at home", "Memorial Day"])
def test_generic_residences_are_not_facilities(text):
    assert found("facility", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [("NP ROBINSON IN TO EVAL.", "ROBINSON"), ("np hunt at bedside", "hunt"), ("RN OKAFOR AWARE", "OKAFOR")],
)
def test_a_caseless_word_after_a_role_that_acts_is_a_name(text, expected):
    assert found("clinician_name", text) == [expected]


@pytest.mark.parametrize("text", ["NP NOTIFIED", "RN to RN report", "PT IN TO EVAL", "rn staff aware"])
def test_shorthand_after_a_role_that_acts_is_not_a_name(text):
    assert found("clinician_name", text) == []


def test_a_text_reads_clinical_only_with_three_note_abbreviations():
    assert reads_clinical("BP 120/80, NPO after MN, Lasix 40 mg IV")
    assert not reads_clinical("Min called about the IV league game, see you at the ICU bar")
    assert not reads_clinical("Mae and Min are coming on Friday")


@pytest.fixture(scope="module")
def default_detector():
    return Detector(load_policy(REPO / "policies" / "default.yaml"))


def test_default_policy_keeps_shorthand_and_removes_numbers_to_ring_in_notes(default_detector):
    text = (
        "A&Ox3, MAE, follows commands. Vanc/zosyn, wean vent, D5 at 75, Zofran x4. Desk 2-4177. NPO, PRN, IV."
    )
    (findings,) = default_detector.detect([text])
    removed = {text[f.start : f.end]: f.entity_type for f in findings if f.entity_type != "DATE_TIME"}
    assert removed == {"2-4177": "PHONE_NUMBER"}


def test_default_policy_still_finds_a_short_name_outside_notes(default_detector):
    text = "Thanks Mae, see you Friday."
    (findings,) = default_detector.detect([text])
    assert [text[f.start : f.end] for f in findings if f.entity_type == "PERSON"] == ["Mae"]


@pytest.mark.parametrize(
    "text",
    [
        "Plan 1000 cc NS bolus x1.",
        "PLAN 1000 CC NS BOLUS",
        "plan: 2000 ml/day fluid restriction",
        "group 1200 mg",
    ],
)
def test_a_quantity_after_a_plan_word_is_no_health_plan_number(text):
    assert found("health_plan_number", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plan # 88123", "88123"),
        ("Medicaid id GG52634G.", "GG52634G"),
        ("member #ABC123456789 ok", "ABC123456789"),
    ],
)
def test_plan_numbers_are_still_found(text, expected):
    assert found("health_plan_number", text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TRANSFER FROM WARD HOSPITAL FOR CARDIAC CATH.", "WARD HOSPITAL"),
        ("D/C TO PAGE REHABILITATION CENTER IN AM.", "PAGE REHABILITATION CENTER"),
        ("dc to ward house when stable.", "ward house"),
    ],
)
def test_a_facility_named_after_a_surname_that_is_a_ward_word_after_a_cue(text, expected):
    assert found("facility", text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "transferred to the ward. page hospital operator.",
        "back to ward for care",
        "page rehab now",
        "sent to the hospital",
    ],
)
def test_ward_words_without_a_cue_or_a_facility_word_after_them_are_no_facility(text):
    assert found("facility", text) == []
