"""Geography below a state in nursing notes (HIPAA Safe Harbor kind 2): towns after moving-house
words, facilities named after a place, the town of a discharge address; and the look-alikes of
clinical notes that must stay ("moved to chair", "general anesthesia", "d/c home w/ vna")."""

from __future__ import annotations

import pytest

from redaction.recognizers import get
from redaction.recognizers.street_address import grow


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    results = recognizer.analyze(text, recognizer.supported_entities)
    return sorted({text[r.start : r.end] for r in results})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("widowed, moved to benjaminland 9/14.", "benjaminland"),
        ("RECENTLY MOVED TO JONESLAND AFTER HUSBAND DIED.", "JONESLAND"),
        ("retired to CRYSTALPORT 3 yrs ago", "CRYSTALPORT"),
        ("moved to lake kaylahaven.", "lake kaylahaven"),
        ("pt recently moved to st. ochoaland.", "st. ochoaland"),
        ("relocated to ST. MARYVIEW in 07/17", "ST. MARYVIEW"),
        ("Pt relocated to Fort Stephanieberg 09/06.", "Fort Stephanieberg"),
        ("MOVED TO NEW LOZANO; NO LOCAL FAMILY", "NEW LOZANO"),
        ("moved to Glen Burnie in May.", "Glen Burnie"),
        ("moved to stephanieton w/ daughter", "stephanieton"),
    ],
)
def test_towns_after_moved_retired_relocated_to_are_found_with_their_prefix(text, expected):
    assert expected in found("town", text)


@pytest.mark.parametrize(
    "text",
    [
        "moved to ICU",
        "moved to chair",
        "Pt moved to chair w/ assist x2.",
        "moved to the floor",
        "MOVED TO THE FLOOR OVERNIGHT",
        "transferred to MICU",
        "TRANSFERRED TO MICU FOR CLOSER MONITORING.",
        "moved to bed 3 for isolation",
        "retired to bed at 2200",
        "moved to north side of bed",
        "MOVED TO NORTH SIDE OF BED",
        "moved to new room",
        "moved to step down",
        "moved to stretcher",
        "relocated to the window bed",
        "moved to Florida last year",
        "PT FROM GENERAL MEDICINE",
        "d/c home w/ vna",
        "pain, ok. bp stable, ma.",
        "pt, ma. afebrile",
        "moved to states in 1990",
    ],
)
def test_moving_a_patient_within_the_hospital_is_no_town(text):
    assert found("town", text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from west nursing home, west taylor, nh 90577.", "west taylor"),
        ("from oak nursing home, oak Flores, CT 93473.", "oak Flores"),
        ("FROM EAST NURSING HOME, EAST BROWN, MD 79312", "EAST BROWN"),
        ("from prestonstad nursing home, prestonstad, ar. new onset afib", "prestonstad"),
    ],
)
def test_a_town_before_a_state_code_and_zip_is_found_in_any_case(text, expected):
    assert expected in found("town", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("outside records from Chrisburgh General (fax 781.555.0132) reviewed.", "Chrisburgh General"),
        ("FROM ST. OROZCO GENERAL VIA EMS.", "ST. OROZCO GENERAL"),
        ("OUTSIDE RECORDS FROM NORTH AMANDAHAVEN GENERAL (FAX 617-555-0172)", "NORTH AMANDAHAVEN GENERAL"),
        ("outside records from port mendoza general (fax", "port mendoza general"),
        ("Transferred from Port Hill General ED.", "Port Hill General"),
        ("from west nursing home, west taylor, nh 90577", "west nursing home"),
        ("worked as a nurse at east hospital", "east hospital"),
        ("RETIRED NURSE FROM CENTRAL GENERAL X 30 YRS.", "CENTRAL GENERAL"),
        ("WORKED AS A NURSE AT WEST MEDICAL CENTER UNTIL 2010.", "WEST MEDICAL CENTER"),
        ("records from danny hospital.", "danny hospital"),
        ("transferred from lake sarahberg regional.", "lake sarahberg regional"),
        ("OSH: WEST COLLIERCHESTER REGIONAL. BCX 2/2", "WEST COLLIERCHESTER REGIONAL"),
    ],
)
def test_facilities_named_after_a_place_are_found_whole(text, expected):
    assert expected in found("facility", text)


@pytest.mark.parametrize(
    "text",
    [
        "s/p general anesthesia, arousable.",
        "pt to OR for general anesthesia",
        "General appearance: NAD, well nourished.",
        "Pt in general good spirits.",
        "East wing closed for cleaning.",
        "sent to the general floor",
        "from general surgery",
        "PT FROM GENERAL MEDICINE",
        "transferred to MICU",
        "transfer from OSH",
        "d/c home w/ vna",
        "Outside records reviewed, no new findings.",
        "s/p regional anesthesia.",
        "no regional wall motion abnormality",
        "to OR for regional block",
        "from cardiac rehab",
    ],
)
def test_general_as_a_clinical_word_and_parts_of_a_hospital_are_no_facility(text):
    assert found("facility", text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "DC HOME TO 9074 BRITTANY COVE SUITE 000, LAKE BANKS W/ VNA.",
            "9074 BRITTANY COVE SUITE 000, LAKE BANKS",
        ),
        (
            "dc home to 8595 browning shoals, south kristenhaven w/ vna services.",
            "8595 browning shoals, south kristenhaven",
        ),
        ("d/c home to 7835 Erica Trace, Farleytown w/ home PT.", "7835 Erica Trace, Farleytown"),
        (
            "D/C HOME TO 560 DICKERSON SPURS, ST. RICHARDVILLE W/ HOME PT.",
            "560 DICKERSON SPURS, ST. RICHARDVILLE",
        ),
        (
            "DC HOME TO 999 HOLLAND EXTENSION APT. 038, FORT MORA WITH VNA. NORTH SIDE OF ABD",
            "999 HOLLAND EXTENSION APT. 038, FORT MORA",
        ),
    ],
)
def test_the_town_of_a_discharge_address_goes_with_it_and_w_vna_does_not(text, expected):
    assert expected in found("street_address", text)


def test_w_slash_after_a_town_is_no_town_word():
    text = "9 Main Street, Salem W/ VNA"
    start = text.index("9")
    end = text.index("Street") + len("Street")
    assert text[slice(*grow(text, start, end))] == "9 Main Street, Salem"


@pytest.mark.parametrize(
    "text", ["d/c home w/ vna", "Plan d/c home w/ VNA when cleared by PT.", "DC HOME W/ VNA"]
)
def test_home_with_vna_is_no_address(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize(
    "text",
    [
        "NO LOCAL FAMILY. MOVED TO BED 3 FOR ISOLATION.",
        "moved to ICU 4 overnight",
        "WIDOWED, MOVED TO NORTH MORRISONSHIRE 9 YRS AGO.",
        "Moved to Lake Austinfurt 5 yrs ago.",
        "moved to stretcher 2 for transport",
    ],
)
def test_a_bed_or_a_town_and_a_duration_after_moved_to_is_no_street(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("d/c to ft may w/ vna.", ["ft may"]),
        ("d/c to ft. kane, here for f/u.", ["ft. kane"]),
        ("pt lives in ft. bass last yr.", ["ft. bass"]),
        ("FAMILY FROM MT. MEZA LAST YR.", ["MT. MEZA"]),
        ("D/C TO MT. RAY LAST YR.", ["MT. RAY"]),
        ("PT MOVED TO ST. APRIL; NO LOCAL FAMILY.", ["ST. APRIL"]),
        ("moved to Mt. Best. DC to SNF in am.", ["Mt. Best"]),
        ("EMS FROM ST PAUL AFTER FALL.", ["ST PAUL"]),
        ("dc'd to home in mt. ward last yr.", ["mt. ward"]),
        ("pt lives in ft page, here for f/u.", ["ft page"]),
    ],
)
def test_a_town_with_an_abbreviated_prefix_keeps_its_short_second_word(text, expected):
    assert sorted(set(found("town", text))) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("d/c to michealmouth wv w/ vna.", ["michealmouth"]),
        ("d/c to robertsbury nm last yr.", ["robertsbury"]),
        ("DC TO ESTESHAVEN, HERE FOR F/U.", ["ESTESHAVEN"]),
        ("from dawnport nursing home, dawnport, mh. new onset afib", ["dawnport"]),
        ("FROM ROBERTCHESTER NURSING HOME, ROBERTCHESTER, PA. MOVED TO ICU", ["ROBERTCHESTER"]),
    ],
)
def test_a_town_after_a_discharge_word_in_any_case_without_its_state(text, expected):
    assert sorted(set(found("town", text))) == expected


@pytest.mark.parametrize(
    "text",
    [
        "d/c to snf in am. dc to floor once stable. d/c to home w/ vna.",
        "discharged to the care of daughter.",
        "d/c to rehab. d/c to ed. dc to lr bolus.",
        "st. john's wort held. ft. to ambulate. ambulated 50 ft. may need PT.",
        "moved to new room. moved to north side of bed.",
        "Lives in senior housing w/ elevator.",
        "from nursing home, pt, md aware.",
    ],
)
def test_care_settings_after_a_discharge_word_and_a_lone_prefix_are_no_town(text):
    assert found("town", text) == []


@pytest.mark.parametrize(
    "text",
    [
        "WIDOWED, MOVED TO MOUNT HOLLY 19 YRS AGO. HOSPITAL COURSE UNCOMPLICATED.",
        "LIVES IN A 2 STORY HOUSE, 12 STEPS. PT MOVED TO SOUTH MOLLYSHIRE.",
        "MOVED TO ROOM 412 OVERNIGHT. PT PT MOVED TO SAMUEL LAST YEAR.",
        "BCX 2/2 BOTTLES PENDING. PT LIVES IN ELIZABETHVILLE TX LAST YR.",
        "RETIRED TO BED AT 2200, SLEPT WELL. OSH: MOUNT CASECHES GENERAL.",
    ],
)
def test_a_number_that_counts_time_steps_or_bottles_opens_no_street(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 Days Lane, Springfield", ["12 Days Lane, Springfield"]),
        ("4 Steps Road, Leeds", ["4 Steps Road, Leeds"]),
        ("lives at 2200 Wells Road, Leeds", ["2200 Wells Road, Leeds"]),
        ("dc home to 12 Oak St, Lake Banks w/ vna", ["12 Oak St, Lake Banks"]),
    ],
)
def test_a_street_named_with_a_count_word_is_still_a_street(text, expected):
    assert found("street_address", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "MEMBER #KZH484386068. PT IN RM 4102, DOOR CLOSED. PT FROM LAKE KELLY, VACATIONING HERE.",
        "HR 88 NSR, RR 18, SpO2 97% on 2L NC. Pt email sent.",
        "GCS 15, MAE, STRENGTH 5/5 BILAT. DR DURHAM IN TO TALK WITH PT.",
        "CODE STATUS: FULL CODE. NURSING STATION 6-6329 IF ANY CHANGES. SQ HEPARIN, SCDS ON.",
    ],
)
def test_a_sentence_end_inside_a_street_finding_ends_it(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lives at 12 N. Main St. Apt 4, Springfield", ["12 N. Main St. Apt 4, Springfield"]),
        ("send to 400 Ocean Blvd. Suite 2, Miami", ["400 Ocean Blvd. Suite 2, Miami"]),
    ],
)
def test_abbreviations_inside_a_street_keep_it_whole(text, expected):
    assert found("street_address", text) == expected
