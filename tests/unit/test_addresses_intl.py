"""Street addresses in international forms: the name before the number, units anywhere, postal
codes of the common shapes next to a town, blocks that end with a region or country."""

from __future__ import annotations

import pytest

from redaction.recognizers.street_address import StreetAddressRecognizer

from .test_addresses import found, spans


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Corso Garibaldi 13 Apt. 248, Soto del Barco, Spain",
            "Corso Garibaldi 13 Apt. 248, Soto del Barco",
        ),
        ("Gartnervænget 37 / Apt. 087", "Gartnervænget 37 / Apt. 087"),
        ("9874 Nurme 2 Suite 174 / Worthington / , OH", "9874 Nurme 2 Suite 174 / Worthington / , OH"),
        ("581 Aqqusinersuaq 80 St.", "581 Aqqusinersuaq 80 St."),
        ("I live at Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
        ("Berliner Straße 12a", "Berliner Straße 12a"),
        ("Adres: ul. Długa 12/3, 00-238 Warszawa", "ul. Długa 12/3, 00-238 Warszawa"),
        ("Kalverstraat 12, 1012 NX Amsterdam", "Kalverstraat 12, 1012 NX Amsterdam"),
        ("Drottninggatan 53, 111 21 Stockholm", "Drottninggatan 53, 111 21 Stockholm"),
        ("Rua Augusta 100, 1100-053 Lisboa\nPortugal", "Rua Augusta 100, 1100-053 Lisboa"),
        ("Calle Mayor 5, 28013 Madrid", "Calle Mayor 5, 28013 Madrid"),
        ("Via Roma 1", "Via Roma 1"),
        ("Nurme 2, 10115 Tallinn", "Nurme 2, 10115 Tallinn"),
        ("Bredgade 4, 2. tv.", "Bredgade 4, 2. tv."),
    ],
)
def test_international_street_forms_are_found(text, expected):
    assert expected in found(StreetAddressRecognizer, text)


@pytest.mark.parametrize(
    "text",
    [
        "Go to Gate 5 for boarding",
        "Smith et al. Nature 2019",
        "See Weg 5 in the manual",
        "Spring 2023 was warm",
        "Platform 9 and Level 3",
        "He scored 2 points in Game 3",
        "Windows 10 Pro 2 licences",
        "I bought 3 Apple Watch 2 bands",
        "Version 2 Update 3 is out",
        "Chapter 12, Section 4",
        "Room 12, 2nd floor",
        "Order 12345 shipped to Berlin",
    ],
)
def test_phrases_with_capitals_and_numbers_are_not_addresses(text):
    assert found(StreetAddressRecognizer, text) == []


def test_international_forms_are_found_in_french_text_too():
    text = "Mon adresse en Allemagne : Hauptstraße 5, 10115 Berlin."
    assert ("Hauptstraße 5, 10115 Berlin", 0.6) in spans(StreetAddressRecognizer, text, "fr")
