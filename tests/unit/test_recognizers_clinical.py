"""The clinical-note recognizers of the HIPAA policy: what they must find and what they must leave."""

from __future__ import annotations

import pytest

from redaction.recognizers import get


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    results = recognizer.analyze(text, recognizer.supported_entities)
    return sorted({text[r.start : r.end] for r in results})


# Things every clinical recognizer must leave alone: drugs, abbreviations, vitals, doses,
# scores, ratios, labs, post-op days, ages up to 89.
NOT_PII = [
    "BP 120/80, HR 88, RR 18, SpO2 97% on 2L NC",
    "bp 102/58 hr 110s",
    "Percocet 5/325 1 tab PO q6h PRN pain",
    "GCS 15, MAE, strength 4/5 bilat",
    "4/5 strength in LLE",
    "K 3.9, Mg 2.1, INR 1.2",
    "NPO after MN, PT eval, MICU team aware",
    "POD#2 tolerating clears",
    "D5 1/2NS at 75 cc/hr",
    "BCx 2/2 bottles pending",
    "I/O 1200/800",
    "Ratio 1:1 nursing",
    "Pain 4/10",
    "Vent AC 500 x 14, PEEP 5, FiO2 40%",
    "abx x7d, zofran 4 mg IV x1",
    "Pt is a 67 yo M w/ CHF",
    "85 y/o F from home",
    "T 99 F, Tmax 99.5",
    "HD 3, day 3 of abx",
    "on the 3rd attempt",
    "dr aware, MD notified, NP notified, RN to RN report",
    "weaned from propofol, transferred from OR to MICU",
    "sent to OSH, d/c to rehab, pt lives at home",
    "Lasix 40 mg IV, heparin gtt",
    "MRN on file",
]

CLINICAL = [
    "clinical_dates",
    "age_over_89",
    "pager",
    "facility",
    "town",
    "clinician_name",
    "medical_record_number",
    "account_number",
    "health_plan_number",
    "licence_number",
    "device_serial",
    "vehicle_id",
]


@pytest.mark.parametrize("name", CLINICAL)
@pytest.mark.parametrize("text", NOT_PII)
def test_clinical_recognizers_leave_clinical_shorthand_alone(name, text):
    assert found(name, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ADMITTED TO HOSPITAL 9/3/97", "9/3/97"),
        ("S/P MI '92", "'92"),
        ("F/U 7/24 with PCP", "7/24"),
        ("on 3-JAN started abx", "3-JAN"),
        ("seen jan 3rd", "jan 3rd"),
        ("seen on the 3rd by PCP", "3rd"),
        ("01/03 cxr clear", "01/03"),
        ("abx 3/5-3/7", "3/5-3/7"),
        ("Jan 3, 2019", "Jan 3, 2019"),
        ("3 January 1997", "3 January 1997"),
        ("3rd of Jan", "3rd of Jan"),
        ("03JAN97 labs", "03JAN97"),
        ("March 1997", "March 1997"),
        ("2019-03-05", "2019-03-05"),
        ("DOB: 04/12/1931", "04/12/1931"),
        ("dx 1997", "1997"),
        ("admitted in March", "March"),
        ("home for Christmas", "Christmas"),
    ],
)
def test_clinical_dates_are_found_whole(text, expected):
    assert expected in found("clinical_dates", text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("92 yo", "92 yo"),
        ("93 y/o F", "93 y/o"),
        ("aged 95", "95"),
        ("age: 91", "91"),
        ("a 101-year-old woman", "101-year-old"),
        ("91M w/ CHF", "91M"),
        ("92 years old", "92 years old"),
        ("pt in her 90s", "in her 90s"),
    ],
)
def test_ages_over_89_are_found(text, expected):
    assert expected in found("age_over_89", text)


@pytest.mark.parametrize("text", ["89 yo", "85 y/o M", "age 45", "aged 60", "T 99 F", "HR 92 yo?"])
def test_ages_up_to_89_and_temperatures_are_not(text):
    assert found("age_over_89", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Pager #54321", "54321"),
        ("pgr 12345", "12345"),
        ("x4321", "4321"),
        ("beeper 2-1234", "2-1234"),
        ("page #4-5678", "4-5678"),
        ("page 257-8178 w/ questions", "257-8178"),
        ("call 5-4321 with questions", "5-4321"),
        ("ext. 321", "321"),
        ("fax 617-555-0100", "617-555-0100"),
    ],
)
def test_pagers_and_extensions_are_found_without_their_cue(text, expected):
    assert found("pager", text) == [expected]


@pytest.mark.parametrize("text", ["x2", "x 3 days", "x10", "p 120", "HR 120 x 3", "MD paged, x3"])
def test_times_and_pulses_are_not_pagers(text):
    assert found("pager", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TRANSFER FROM CALVERT HOSPITAL", "CALVERT HOSPITAL"),
        ("St. Mary's Medical Center", "St. Mary's Medical Center"),
        ("Mercy Clinic", "Mercy Clinic"),
        ("d/c to Hebrew Rehabilitation Center", "Hebrew Rehabilitation Center"),
        ("Hospital of St. Raphael", "Hospital of St. Raphael"),
        ("transferred to Blake 7 for", "Blake 7"),
        ("transferred to wood 8 this pm", "wood 8"),
        ("Ellison 4 unit", "Ellison 4 unit"),
    ],
)
def test_facilities_and_named_units_are_found(text, expected):
    assert expected in found("facility", text)


@pytest.mark.parametrize(
    "text",
    ["the hospital", "outside hospital", "pt to go to rehab hospital", "transferred to ICU 4", "to MICU 6"],
)
def test_generic_places_of_care_are_not_names(text):
    assert found("facility", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("LIVES IN REVERE", "REVERE"),
        ("lives alone in revere", "revere"),
        ("Lowell, MA", "Lowell"),
        ("ESSEX COUNTY", "ESSEX COUNTY"),
        ("resident of Salem", "Salem"),
        ("lives with wife in Braintree", "Braintree"),
        ("Boston, MA 02114", "Boston"),
        ("From Edwardsborough, SD, arrived via EMS", "Edwardsborough"),
        ("arrived from Worcester via ambulance", "Worcester"),
        ("lives alone in new donnaville.", "new donnaville"),
    ],
)
def test_towns_and_counties_are_found(text, expected):
    assert expected in found("town", text)


@pytest.mark.parametrize("text", ["HR 90, CO 4.5", "Pain, ME", "lives in a nursing home", "the county"])
def test_clinical_abbreviations_are_not_towns(text):
    assert found("town", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("DR RIZZO IN TO TALK WITH PT", "RIZZO"),
        ("spoke w/dr vasquez re plan", "vasquez"),
        ("d/w NP smith", "smith"),
        ("RN Jane at bedside", "Jane"),
        ("RN AMBER TO RESUME CARE", "AMBER"),
        ("attending dr. o'brien aware", "o'brien"),
        ("Jane Doe, RN", "Jane Doe"),
        ("family (wife jane) at bedside", "jane"),
        ("MR JONES", "JONES"),
        ("mr. foley resting", "foley"),
        ("Dr. Ada Pryce saw pt", "Ada Pryce"),
        ("dr john smith called", "john smith"),
        ("per dr. m. chen", "m. chen"),
        ("spoke w/dr Best re plan", "Best"),
        ("pt: mark taylor", "mark taylor"),
        ("heather lewis, rn. call back", "heather lewis"),
        ("REPORT GIVEN TO MARY ALVAREZ RN", "MARY ALVAREZ"),
    ],
)
def test_names_after_titles_roles_and_relations_are_found_in_any_case(text, expected):
    assert expected in found("clinician_name", text)


@pytest.mark.parametrize(
    "text",
    [
        "son notified",
        "wife at bedside",
        "PT NPO",
        "PRN tylenol",
        "RN PT",
        "PT ambulating in hall",
        "Pt email",
    ],
)
def test_role_and_relation_words_alone_are_not_names(text):
    assert found("clinician_name", text) == []


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("medical_record_number", "MRN: 00123456", "00123456"),
        ("medical_record_number", "MR# 1234567", "1234567"),
        ("medical_record_number", "Med Rec # A1234567", "A1234567"),
        ("account_number", "Acct #: 99887766", "99887766"),
        ("account_number", "FIN 5566778899", "5566778899"),
        ("health_plan_number", "Medicaid # AB123456C", "AB123456C"),
        ("health_plan_number", "medicaid # bs59838675", "bs59838675"),
        ("health_plan_number", "Member ID: XJH123456789", "XJH123456789"),
        ("health_plan_number", "aware of plan. Medicaid # TV23029463.", "TV23029463"),
        # a word after a first label ("insurance: medicaid") leaves the second label its value
        ("health_plan_number", "insurance: medicaid id gg52634g. acct to follow", "gg52634g"),
        ("health_plan_number", "INSURANCE: MEDICAID ID KC07093A.", "KC07093A"),
        ("licence_number", "Lic # RN123456", "RN123456"),
        ("licence_number", "DEA # AB1234563", "AB1234563"),
        ("device_serial", "Pacemaker S/N: PM4456789", "PM4456789"),
        ("vehicle_id", "plate # 7ABC123", "7ABC123"),
        ("vehicle_id", "VIN 1HGCM82633A004352", "1HGCM82633A004352"),
        ("full_url", "Portal https://example.org/chart/7718.", "https://example.org/chart/7718"),
    ],
)
def test_labelled_ids_are_found_and_their_label_kept(name, text, expected):
    assert found(name, text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("LAST BM 8/8. PT C/O NAUSEA", ["8/8"]),
        ("ABX 02/02 COMPLETED.", ["02/02"]),
        ("last bm: 3/3", ["3/3"]),
    ],
)
def test_a_same_number_pair_is_a_date_after_a_bowel_movement_or_zero_padded(text, expected):
    assert found("clinical_dates", text) == expected


@pytest.mark.parametrize(
    "text", ["BCx 2/2 bottles pending.", "strength 5/5 bilat", "abx 2/2 doses given", "pt 3/3"]
)
def test_a_same_number_pair_without_a_date_cue_stays_a_count(text):
    assert found("clinical_dates", text) == []
