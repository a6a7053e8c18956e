"""Phone numbers of any region (`redaction/recognizers/phone_number.py`), and numbers that are not."""

from __future__ import annotations

import pytest

from redaction.detect import Detector
from redaction.recognizers import get
from redaction.recognizers.phone_number import after_id_word, classify

from .helpers import make_policy


def phones(text: str, floor: float = 0.3) -> list[str]:
    recognizer = get("world_phone")()
    return [text[r.start : r.end] for r in recognizer.analyze(text, ["PHONE_NUMBER"]) if r.score >= floor]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call me on 0650 126 40 10 tomorrow.", "0650 126 40 10"),  # Austria, national
        ("My cell: 431 51 143", "431 51 143"),  # Norway/Denmark grouping
        ("+44 7700 355251", "+44 7700 355251"),
        ("T: 0043 650 126 40 10", "0043 650 126 40 10"),
        ("Tel: +41 (0)44 668 18 00", "+41 (0)44 668 18 00"),
        ("ring (0118) 4960868 after six", "(0118) 4960868"),
        ("Handy 06039 78723", "06039 78723"),
        ("Büro: 02602/87551894", "02602/87551894"),
        ("office 827-772-9490x95758", "827-772-9490x95758"),
        ("WhatsApp +55 11 98765-4321", "+55 11 98765-4321"),
    ],
)
def test_phones_of_other_regions_are_found(text, expected):
    assert phones(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The total was 1 250 000 euros",
        "It cost 12.345.678 last year",
        "Paid 788 690 724 in 2021",  # grouped in thousands: an amount without a phone word
        "on 2023-04-12 and 12/04/2023 and 2023 04 12",
        "born 12.04.1987",
        "Invoice 0650 126 40 10",
        "order #43151143",
        "ref: 0612345678",
        "server 192.168.10.12",
        "years 2019 2020 2021",
        "it weighs 431 51 143 kg",
        "ISBN 978-3-16-148410-0",
        "12 500 km",
        "version 10.2.14",
        "Room 431, floor 5",
    ],
)
def test_numbers_that_are_not_phones_are_not_found(text):
    assert phones(text, floor=0.0) == []


def test_numbers_without_a_phone_shape_need_a_context_word():
    # An unseparated digit run is too often an id: it scores below every policy threshold
    # alone, and Presidio's context words lift it (see the detector test below).
    assert phones("see 4315114", floor=0.0) and not phones("see 4315114")
    assert classify("788 690 724", "Call me on ") is not None
    assert classify("788 690 724", "Paid ") is None


def test_an_id_word_before_a_number_wins_over_weak_context_only():
    assert after_id_word("Invoice 0612345678", len("Invoice "))
    assert not after_id_word("Invoice line: call 0612345678", len("Invoice line: call "))
    assert not after_id_word("Tel. no: 0612345678", len("Tel. no: "))


def test_policy_detection_finds_other_regions_and_skips_ids():
    policy = make_policy(coded_recognizers=["world_phone"], detection={"phone_regions": ["US", "GB", "FR"]})
    detector = Detector(policy)
    texts = [
        "Please call me on 0650 126 40 10.",
        "My number is 4315114, thanks",
        "Invoice 0612345678 is attached",
        "The total was 1 250 000 euros",
    ]
    found = [
        [t[f.start : f.end] for f in fs if f.entity_type == "PHONE_NUMBER"]
        for t, fs in zip(texts, detector.detect(texts), strict=True)
    ]
    assert found == [["0650 126 40 10"], ["4315114"], [], []]


@pytest.mark.parametrize(
    "text, before, vetoed",
    [
        ("Contact number: 5551234567", "Contact number: ", False),
        ("No. 0612345678", "No. ", False),
        ("Order number 0612345678", "Order number ", True),
        ("Invoice no. 0612345678", "Invoice no. ", True),
        ("Contact #: 0612345678", "Contact #: ", False),
    ],
)
def test_number_words_alone_do_not_veto_a_phone(text, before, vetoed):
    assert after_id_word(text, len(before)) is vetoed


def test_id_words_that_are_also_surnames_do_not_veto_a_valid_number():
    assert not after_id_word("RICKY PAGE: 1 (602) 555-0150", len("RICKY PAGE: "))
    assert not after_id_word("Ann Price 0612345678", len("Ann Price "))
