"""Street addresses in the forms international text writes them: blocks with a line prefix, a
number before the house number, `Name Number` after a location cue, form values, scripts of
other countries, corners; a country closing an address is left out of the span (it is no
personal data). Also what must stay: numbers after the same cues, ids, rooms, gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.evaluate import evaluate_policy
from redaction.policy import load_policy
from redaction.recognizers.street_address import StreetAddressRecognizer, is_country, split_country
from tests.data.tuning.address_forms import address_forms, non_addresses

from .test_addresses import found

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize(
    "text, expected",
    [
        # a block after a name line, with a line prefix, a unit line and the code after the country
        (
            "}} Robert Nelson\n}} 3453 Zhang Plaza Suite 777\n}} Apt. 474\n}} 17700 Port Jordanburgh\n"
            "}} Netherlands 25882\n\nThanks",
            ["3453 Zhang Plaza Suite 777\n}} Apt. 474\n}} 17700 Port Jordanburgh", "25882"],
        ),
        (
            "??? Žigmund Kríž\n??? Páričkova 918\n??? Suite 319\n??? 806 50 Novoť\n??? Norway 69239",
            ["Páričkova 918\n??? Suite 319\n??? 806 50 Novoť", "69239"],
        ),
        (
            "  Atila Durdík\n  Koperníkova 54\n  Lubina\n  Slovensko\n",
            ["Koperníkova 54\n  Lubina"],
        ),
        (
            "> Sra. Maria Cirino\n> Chácara Moreira, 6\n> Apt 74\n> Costela de Goiás, 66491-792\n"
            "> BRASIL 94586",
            ["Chácara Moreira, 6\n> Apt 74\n> Costela de Goiás, 66491-792", "94586"],
        ),
        # a building or PO number before the house number
        ("Please write to 42486 Stensås terrasse 38.", ["42486 Stensås terrasse 38"]),
        (
            "  Bernard Noble\n  7493 9 Huntly Street\n  KW37 2HA Evansshire",
            ["7493 9 Huntly Street\n  KW37 2HA Evansshire"],
        ),
        ("Send it to 88072 79 Wolfe Street today.", ["88072 79 Wolfe Street"]),
        # `Name Number` after a location cue
        ("She lives on Orrspelsv 49.", ["Orrspelsv 49"]),
        ("He lives at Metsanurga 48 with his sister.", ["Metsanurga 48"]),
        ("The office is at Castelao 66.", ["Castelao 66"]),
        ("The shop is on Skogarlond 53 now.", ["Skogarlond 53"]),
        ("our new place is Andreassenlyngen 1C come by", ["Andreassenlyngen 1C"]),
        ("The warehouse is located at Súťažná 32.", ["Súťažná 32"]),
        ("The letter was sent to Za opekarno 0.", ["Za opekarno 0"]),
        ("The courier arrived at Χρυσανθακοπούλου 9.", ["Χρυσανθακοπούλου 9"]),
        ("We parked on the north side of Žofie Podlipské 69.", ["Žofie Podlipské 69"]),
        ("My brother lives at מוצא 50 now.", ["מוצא 50"]),
        # form values, whole to the end of the line or cell
        (
            "Ship To: Via Argan, 72 Appartamento 11, 34136, Trieste (TS)\nPhone: none",
            ["Via Argan, 72 Appartamento 11, 34136, Trieste (TS)"],
        ),
        (
            "Address: ст. Верхоянск, ул. Рылеева, д. 634 стр. 5, 994220",
            ["ст. Верхоянск, ул. Рылеева, д. 634 стр. 5, 994220"],
        ),
        ("address=г. Артем, бул. Димитрова, д. 61, 749798", ["г. Артем, бул. Димитрова, д. 61, 749798"]),
        (
            "| Name | x |\n| Address | Súťažná 32, 811 01 Bratislava, Slovakia |\n| City | see above |",
            ["Súťažná 32, 811 01 Bratislava"],
        ),
        ("Adresse : 12 rue de la Paix, 75002 Paris. Old one: 10 Downing Street", None),
        # scripts and forms of other countries
        (
            "к. Геленджик, ш. Химиков, д. 7/4 к. 770, 907439",
            ["к. Геленджик, ш. Химиков, д. 7/4 к. 770, 907439"],
        ),
        ("проспект Виноградний, буд. 77, Рені, 50756", ["проспект Виноградний, буд. 77, Рені, 50756"]),
        ("Πλ. Χράνων 636, 669 07 Κέρκυρα", ["Πλ. Χράνων 636, 669 07 Κέρκυρα"]),
        (
            "8 phố Hùng Vương Phường Tân Phú Đông tỉnh Thanh Hóa",
            ["8 phố Hùng Vương Phường Tân Phú Đông tỉnh Thanh Hóa"],
        ),
        ("Số 7/13 Đường Nguyễn Du, Quận 1", ["Số 7/13 Đường Nguyễn Du, Quận 1"]),
        ("강원특별자치도 오산시 서초중앙가 808-27", ["강원특별자치도 오산시 서초중앙가 808-27"]),
        ("אשדוד 77, גנות הדר, 7066907", ["אשדוד 77, גנות הדר, 7066907"]),
        ("Gedimino pr. 9, Vilnius", ["Gedimino pr. 9, Vilnius"]),
        (
            "Strada Taliercio, 98 Appartamento 51, 56011 Gabella",
            ["Strada Taliercio, 98 Appartamento 51, 56011 Gabella"],
        ),
        # a corner: both streets
        ("It happened at the corner of 1356 Impala St and Sara Locks.", ["1356 Impala St and Sara Locks"]),
        # a country closing the address is left out
        (
            "Corso Garibaldi 13 Apt. 248, Soto del Barco, Croatia.",
            ["Corso Garibaldi 13 Apt. 248, Soto del Barco"],
        ),
        ("I live at 12 Main Street, Springfield (India).", ["12 Main Street, Springfield"]),
        (
            "Whg. 349\nUdo-Gunpf-Weg 8\n69731 Sternberg\nCzech Republic",
            ["Whg. 349\nUdo-Gunpf-Weg 8\n69731 Sternberg"],
        ),
    ],
)
def test_international_forms_are_found_whole(text, expected):
    result = found(StreetAddressRecognizer, text)
    if expected is None:  # the value stops at the sentence end
        assert "12 rue de la Paix, 75002 Paris" in result
        assert not any("Old one" in span for span in result)
    else:
        for value in expected:
            assert value in result, (value, result)


@pytest.mark.parametrize(
    "text",
    [
        "The seminar is in room 8.21, floor 34.",
        "Order Part no. 1825-452-79 before Friday.",
        "Boarding closes at gate 65 at 9:40.",
        "The flight arrived at Gate 12 ten minutes early.",
        "The review is on Monday 14, the next one is on March 3.",
        "Product code XR 4410 and SKU 88120-B are out of stock.",
        "She lives on 3 continents a year for work.",
        "The report was sent to Team 4 and Group 12.",
        "The server is located at Rack 17, slot 3.",
        "He arrived at Level 5 after 30 minutes.",
        "He is on Lisinopril 10 mg daily.",
        "The score is at Barcelona 2 points ahead.",
        "IP address: 10.0.0.1",
        "Email address: anna42@example.org",
        "MAC address = 00:1A:2B:3C:4D:5E",
        "Address: see above",
        "Chapter 5\nIntroduction\n",
        "Windows 11\nOffice\n",
        "Python 3\nJava 8\n",
        "The article is on Page 14 of Issue 7.",
    ],
)
def test_numbers_after_cues_and_labels_are_not_addresses(text):
    assert found(StreetAddressRecognizer, text) == []


@pytest.mark.parametrize(
    "value, country",
    [("Croatia", True), ("NORWAY", True), ("(India)", True), ("Czech Republic", True), ("Россия", True),
     ("Deutschland", True), ("Georgia", False), ("Trieste", False), ("Lubina", False)],
)  # fmt: skip
def test_country_names_in_english_native_and_upper_case(value, country):
    assert is_country(value) is country


def test_a_trailing_country_is_split_off_with_the_code_after_it():
    text = "Mathisenflata 252, 0669 Engen\nNORWAY 69239"
    end, code = split_country(text, 0, len(text))
    assert text[:end] == "Mathisenflata 252, 0669 Engen"
    assert code is not None and text[code[0] : code[1]] == "69239"
    text = "Corso Italia 5, Roma"  # a street named after a country keeps its name
    assert split_country(text, 0, len(text)) == (len(text), None)


@pytest.mark.parametrize(
    "text, kept, code",
    [
        (
            "810 Landsberger Allee 2 Suite 201 München Germany",
            "810 Landsberger Allee 2 Suite 201 München",
            None,
        ),
        ("815 61 Ryker Rd Suite 166 NEWELL Australia 2615", "815 61 Ryker Rd Suite 166 NEWELL", "2615"),
        ("10 Via Roma Italy", "10 Via Roma", None),
        ("7 Oak Rd Leeds Papua New Guinea", "7 Oak Rd Leeds", None),
        # a country after a street type or a connector is the street's own name
        ("12 Rue de France", "12 Rue de France", None),
        ("45 Avenida Brasil", "45 Avenida Brasil", None),
        ("3 Main Street Germany", "3 Main Street Germany", None),
        ("9 Calle Argentina", "9 Calle Argentina", None),
    ],
)
def test_a_country_after_a_town_with_only_a_space_between_is_split_off(text, kept, code):
    end, found_code = split_country(text, 0, len(text))
    assert text[:end] == kept
    assert (found_code and text[found_code[0] : found_code[1]]) == code


def test_the_default_policy_removes_the_tuning_blocks_and_keeps_the_negatives():
    policy = load_policy(POLICIES / "default.yaml")
    records = [r for r in address_forms(2) if r["style"] in ("block", "cue", "form")]
    result = evaluate_policy(records, policy)
    coverage = result.coverage("STREET_ADDRESS")
    assert coverage.spans == len([s for r in records for s in r["spans"] if s["type"] == "STREET_ADDRESS"])
    assert coverage.fully_removed / coverage.spans >= 0.9
    negatives = evaluate_policy(non_addresses(), policy)
    assert negatives.words_kept_share >= 0.9
