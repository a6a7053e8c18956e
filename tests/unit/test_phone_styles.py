"""Phones in clinical shorthand, glued to labels, with extensions; pagers; numbers that are not phones.

`redaction/recognizers/phone_number.py` (`world_phone`), real Presidio and spaCy for the policy
test. The cases mirror the styles of `tests/data/tuning/phones.py` (written for tuning).
"""

from __future__ import annotations

import pytest

from redaction.detect import Detector
from redaction.recognizers import get
from redaction.recognizers.phone_number import after_id_word, inside_a_word

from .helpers import make_policy


def phones(text: str, floor: float = 0.3) -> list[str]:
    recognizer = get("world_phone")()
    found = [(r.start, r.end) for r in recognizer.analyze(text, ["PHONE_NUMBER"]) if r.score >= floor]
    return sorted({text[s:e] for s, e in found})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Pager #54321", ["54321"]),
        ("PGR#71296", ["71296"]),
        ("pgr 9878 overnight", ["9878"]),
        ("beeper 4-5678", ["4-5678"]),
        ("BEEPER: 12345", ["12345"]),
        ("PAGER #714-2125", ["714-2125"]),
        ("PAGED COVERING MD AT 39531", ["39531"]),
        ("call x4567 for bed mgmt", ["x4567"]),
        ("ICU DESK X 1320", ["X 1320"]),
        ("CALL ext. 701", ["ext. 701"]),
        ("front desk ext. 22", ["ext. 22"]),
        ("CALL 555-1234 WITH RESULTS", ["555-1234"]),
        ("call 5-4321", ["5-4321"]),
    ],
)
def test_pagers_extensions_and_in_house_numbers_are_found_with_their_marker(text, expected):
    assert phones(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TEL.: 871-7248 EXT 6687", "871-7248 EXT 6687"),
        ("TEL/FAX: 1-292-692-5151X97177", "1-292-692-5151X97177"),
        ("pls call 224-2094 ext.26780 re: labs", "224-2094 ext.26780"),
    ],
)
def test_upper_case_extensions_belong_to_their_number(text, expected):
    assert expected in phones(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ph#+41 47 929 49 13", "+41 47 929 49 13"),
        ("TEL.01632960127", "01632960127"),
        ("cell:0512/94692962", "0512/94692962"),
        ("mob.3702 386 7199", "3702 386 7199"),
        ("Tel.:241-92768", "241-92768"),
        ("TEL0650126410", "0650126410"),
        ("ph617-555-0100", "617-555-0100"),
        ("Tel0043 650 126 40 10", "0043 650 126 40 10"),
    ],
)
def test_numbers_glued_to_a_phone_label_are_found(text, expected):
    assert phones(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pls call 34810979 re: labs", "34810979"),
        ("pt states home # is 478 54 69", "478 54 69"),
        ("Office 13382055599", "13382055599"),
    ],
)
def test_a_phone_word_before_a_number_makes_it_a_phone(text, expected):
    assert phones(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "zip 41273-3292",
        "NOTED ZIP 77762-6200 THIS AM",
        "ABG 7.32/51/101",
        "ABG: pH 7.32/51/101",
        "ph 7.40/38/114 on 2L",
        "2 x 1000 mg",
        "x 3 days",
        "Rx x2 refills",
        "v1.2.3456789",
        "id#0612345678",
        "ID0612345678",
        "SKU12345678",
        "hotel0612345678",
        "iPhone13 1234567",
        "page 4 of 12345",
        "see page 1234",
        "paged dr smith x2",
        "heparin 12000 units/hr",
        "BP 120/80 HR 88",
        "MRN 12345678",
        "ext 5 mg",
        "contract extension 12 months",
        "ext. 30 min",
        "ADMITTED 9/3/97",
        "at 14:30, 1-2 tabs",
    ],
)
def test_clinical_numbers_that_are_not_phones_are_not_found(text):
    assert phones(text, floor=0.0) == []


def test_a_zip_plus_four_or_zip_word_vetoes_the_policy_regions_pass():
    assert after_id_word("zip 41273-3292", len("zip "))
    assert after_id_word("Boston MA 41273-3292", len("Boston MA "))
    assert after_id_word("MRN 0612345678", len("MRN "))
    assert not after_id_word("call 41273-3292", len("call "))


def test_default_like_policy_types_pagers_and_glued_numbers_and_not_zip_codes():
    policy = make_policy(
        coded_recognizers=["world_phone"],
        detection={"phone_regions": ["US", "GB", "FR"], "phone_possible_regions": ["FR"]},
    )
    detector = Detector(policy)
    texts = ["PAGER #54321 OVERNIGHT", "Ph#+41 47 929 49 13", "TEL.: 871-7248 EXT 6687", "zip 41273-3292"]
    found = [
        sorted(t[f.start : f.end] for f in fs if f.entity_type == "PHONE_NUMBER")
        for t, fs in zip(texts, detector.detect(texts), strict=True)
    ]
    assert found[0] == ["54321"]
    assert "+41 47 929 49 13" in found[1]
    assert "871-7248 EXT 6687" in found[2]
    assert found[3] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tel 617 555 0100 / 617 555 0101", ["617 555 0100", "617 555 0101"]),
        ("Tel: 020 7946 0958 / 07700 900123", ["020 7946 0958", "07700 900123"]),
        ("phone 555-1234 or 555-5678", ["555-1234", "555-5678"]),
        ("Tel 0650 126 40 10, 0650 126 40 11", ["0650 126 40 10", "0650 126 40 11"]),
    ],
)
def test_listed_numbers_are_each_found_whole_with_the_first_ones_phone_word(text, expected):
    assert phones(text) == expected


@pytest.mark.parametrize("text", ["BP 120 / 80", "Paid 1 250 000 / 2 500 000", "ranges 2019 / 2020 / 2021"])
def test_spaced_slashes_between_numbers_that_are_not_phones_find_nothing(text):
    assert phones(text, floor=0.0) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9380 6377 office", "9380 6377"),
        ("registered 9822 3749", "9822 3749"),
        ("call 9380 6377 after 5", "9380 6377"),
        ("9822-3749 (reception) if urgent", "9822-3749"),
        ("Ask for Jo at 8666 8756 tomorrow.", "8666 8756"),
        ("REGISTERED 5072 5497", "5072 5497"),
    ],
)
def test_eight_digit_local_numbers_in_two_groups_of_four_are_found(text, expected):
    assert phones(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "order 9380 6377",
        "ref 9822 3749",
        "invoice 9822-3749",
        "from 1990-2004",
        "2004 2019",
        "pages 4638-6973",
        "2500-3000 rpm",
        "a budget of 2500 3000",
        "between 4236-4290 steps",
        "open 0830-1730",
        "shift 2200 0600",
        "shift 2130-2345",
        "EUR 2500-3000",
        "kr 4500 5600",
        "total 1234 5678",
        "1234 5678",
        "0800 1234",
    ],
)
def test_pairs_of_four_digits_that_are_ids_ranges_times_or_amounts_are_not_found(text):
    assert phones(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("you can reach me at 63 023 173 tonight", "63 023 173"),
        ("YOU CAN REACH ME AT 81 724 854 EXT. 7248 TONIGHT", "81 724 854 EXT. 7248"),
        ("my number is 81 724 854 thanks", "81 724 854"),
        ("MY NUMBER IS 63 023 173", "63 023 173"),
        ("her mobile number: 63 023 173", "63 023 173"),
        ("text us on 81 724 854", "81 724 854"),
    ],
)
def test_a_phrase_that_only_a_phone_follows_makes_a_number_grouped_in_thousands_a_phone(text, expected):
    assert expected in phones(text)


@pytest.mark.parametrize(
    "text",
    [
        "my order number is 63 023 173",
        "our account no: 63 023 173",
        "the number is 81 724 854",
        "reach 81 724 854 visitors",
        "we reached 63 023 173 users",
        "my number is 2024 06 12",
        "text me at 14:30",
    ],
)
def test_weak_words_outside_such_a_phrase_or_before_a_date_find_nothing(text):
    assert phones(text, floor=0.0) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Please dial 0650 126 40 10 tonight.", "0650 126 40 10"),
        ("He said 431 51 143 is fine.", "431 51 143"),
        ("Ring (0151) 496 0123 later.", "(0151) 496 0123"),
        ("Send to 06-12345678 asap.", "06-12345678"),
        ("SEND TO 03-96128678 ASAP.", "03-96128678"),
        ("Send to +43 650 1264010 asap.", "+43 650 1264010"),
        ("or 0043 650 1264010 at home", "0043 650 1264010"),
        ("Write 06.12.34.56.78 down.", "06.12.34.56.78"),
        ("Office 0151 496 0123 ext. 12", "0151 496 0123 ext. 12"),
        ("Desk 0151 496 0123 x12", "0151 496 0123 x12"),
        ("Ask for Jo at 3061 188 366 tomorrow.", "3061 188 366"),
        ("He said 308-05-37 is fine.", "308-05-37"),
    ],
)
def test_national_numbers_of_other_countries_in_plain_sentences_are_found(text, expected):
    assert expected in phones(text)


@pytest.mark.parametrize(
    "text",
    [
        "on 2024 06 12 we met",
        "on 12.06.2024 we met",
        "on 2024 123 456 we met",
        "see 1990 123 456",
        "Claim 01-12345678",
        "code 308-05-37",
        "order 3061 188 366",
        "on 01-2024",
        "12-05-37",
        "paid 12 345 678",
        "ISBN 978 316 148 410",
    ],
)
def test_dates_years_amounts_and_ids_shaped_like_national_numbers_are_not_found(text):
    assert phones(text) == []


def test_a_number_going_on_from_an_id_is_inside_a_word_unless_glued_to_a_phone_label():
    assert inside_a_word("on X95 4443 423 we met", len("on X"))
    assert inside_a_word("AB12 3456 7890", len("AB"))
    assert not inside_a_word("TEL0650126410", len("TEL"))
    assert not inside_a_word("ph617-555-0100", len("ph"))
    assert not inside_a_word("Ring 06 12 34 56 78", len("Ring "))


def test_policy_regions_pass_skips_numbers_inside_ids_and_after_a_currency_code():
    policy = make_policy(
        coded_recognizers=["world_phone"],
        detection={"phone_regions": ["US", "GB", "FR"], "phone_possible_regions": ["FR"]},
    )
    texts = [
        "on X95 4443 423 we met",
        "EUR 2500-14000",
        "budget usd 2500 14000",
        "Ring 06 12 34 56 78 tonight",
        "TEL0650126410",
    ]
    found = [
        sorted(t[f.start : f.end] for f in fs if f.entity_type == "PHONE_NUMBER")
        for t, fs in zip(texts, Detector(policy).detect(texts), strict=True)
    ]
    assert found[:3] == [[], [], []]
    assert "06 12 34 56 78" in found[3]
    assert "0650126410" in found[4]


def test_an_address_whose_only_digits_are_a_phone_is_dropped_and_one_with_its_own_number_kept():
    policy = make_policy(
        coded_recognizers=["street_address", "world_phone", "pager"],
        entities={
            "STREET_ADDRESS": {"threshold": 0.4, "action": "replace"},
            "PHONE_NUMBER": {"threshold": 0.3, "action": "replace"},
        },
    )
    texts = [
        "nursing station 4-2041",
        "TEL 391/283-5370 FOR FAMILY MTG",
        "Flat 3, 14 Mill Lane 020 7946 0958",
    ]
    found = [
        sorted((f.entity_type, t[f.start : f.end]) for f in fs)
        for t, fs in zip(texts, Detector(policy).detect(texts), strict=True)
    ]
    assert found[0] == [("PHONE_NUMBER", "4-2041")]
    assert found[1] == [("PHONE_NUMBER", "391/283-5370")]
    assert ("STREET_ADDRESS", "Flat 3, 14 Mill Lane") in found[2]
    assert ("PHONE_NUMBER", "020 7946 0958") in found[2]
