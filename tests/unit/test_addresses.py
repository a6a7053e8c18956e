from __future__ import annotations

import random

import pytest

# Imported directly: importing registers them (postal_code is not in the built-in list yet).
from redaction.recognizers import get
from redaction.recognizers.postal_code import PostalCodeRecognizer
from redaction.recognizers.street_address import StreetAddressRecognizer

THRESHOLD = 0.4  # STREET_ADDRESS threshold of policies/default.yaml


def spans(recognizer_cls, text: str, language: str = "en") -> list[tuple[str, float]]:
    recognizer = recognizer_cls(supported_language=language)
    results = recognizer.analyze(text, recognizer.supported_entities)
    return [(text[r.start : r.end], r.score) for r in results]


def found(recognizer_cls, text: str, language: str = "en") -> list[str]:
    """Span texts a policy at the default threshold would act on (before context boosts)."""
    return [span for span, score in spans(recognizer_cls, text, language) if score >= THRESHOLD]


def test_both_recognizers_are_registered_by_name():
    assert get("street_address") is StreetAddressRecognizer
    assert get("postal_code") is PostalCodeRecognizer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He lives at 1234 Maple Grove Ave, Suite 5, Boston.", "1234 Maple Grove Ave, Suite 5, Boston"),
        ("ship to 55 W 5th St today", "55 W 5th St"),
        ("Apt 3B, 55 W 5th St", "Apt 3B, 55 W 5th St"),
        ("Flat 4\n12 High Street\nthanks", "Flat 4\n12 High Street"),
        ("Unit 7, Riverside Industrial Estate", "Unit 7, Riverside Industrial Estate"),
        ("Studio 59\nNicholls Grove", "Studio 59\nNicholls Grove"),
        ("deliver to # 5B, 855 Janice Meadows please", "# 5B, 855 Janice Meadows"),
        ("742 EVERGREEN TERRACE", "742 EVERGREEN TERRACE"),
        ("i live at 12 oak street now", "12 oak street"),
        ("7070 Warner Ridges Suite 228", "7070 Warner Ridges Suite 228"),
        ("2494 johnston court apt 2", "2494 johnston court apt 2"),
        ("1 The Green", "1 The Green"),
        ("6503 43rd Drive", "6503 43rd Drive"),
        ("852 6TH COURT", "852 6TH COURT"),
        ("0832 smith junctions", "0832 smith junctions"),
        ("PO Box 1234", "PO Box 1234"),
        ("PSC 1234, Box 5678\nAPO AA 12345", "PSC 1234, Box 5678\nAPO AA 12345"),
    ],
)
def test_us_and_uk_street_forms_are_found(text, expected):
    assert expected in found(StreetAddressRecognizer, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("221B Baker Street\nLondon NW1 6XE", "221B Baker Street\nLondon NW1 6XE"),
        ("1600 Pennsylvania Ave NW\nWashington, DC 20500", "1600 Pennsylvania Ave NW\nWashington, DC 20500"),
        ("17 Jones Light\nNorth Holly\nS6 7LJ\nCheers", "17 Jones Light\nNorth Holly\nS6 7LJ"),
        (
            "690 Sanchez Union Suite 625, Christopherhaven, CT 21957",
            "690 Sanchez Union Suite 625, Christopherhaven, CT 21957",
        ),
        ("12 bis, rue de la Paix\n75002 Paris", "12 bis, rue de la Paix\n75002 Paris"),
        ("44, rue de Prévost, 04122 Saint Alex.", "44, rue de Prévost, 04122 Saint Alex"),
        ("12 RUE DE LA PAIX\n75002 PARIS CEDEX 02", "12 RUE DE LA PAIX\n75002 PARIS CEDEX 02"),
        (
            "423 Matthew Cape\nSuite 594\nBrittanyberg, VT 88765",
            "423 Matthew Cape\nSuite 594\nBrittanyberg, VT 88765",
        ),
        ("3547 valenzuela road\nport daniel, de 12435", "3547 valenzuela road\nport daniel, de 12435"),
        ("230 mccarthy terrace, morganmouth, e7t 4as", "230 mccarthy terrace, morganmouth, e7t 4as"),
        ("35 route de la mairie, 72955 pires-les-bains", "35 route de la mairie, 72955 pires-les-bains"),
    ],
)
def test_address_blocks_take_the_town_and_postal_code_with_them(text, expected):
    assert expected in found(StreetAddressRecognizer, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("J'habite au 12 bis, rue de la Paix depuis mai.", "12 bis, rue de la Paix"),
        ("3 avenue Victor Hugo", "3 avenue Victor Hugo"),
        ("45 boulevard Saint-Germain", "45 boulevard Saint-Germain"),
        ("8, place de la Concorde", "8, place de la Concorde"),
        ("5 impasse des Lilas", "5 impasse des Lilas"),
        ("7 allée des Tilleuls", "7 allée des Tilleuls"),
        ("14 ter chemin du Moulin", "14 ter chemin du Moulin"),
        ("2 quai de Conti", "2 quai de Conti"),
        ("10 cours Mirabeau", "10 cours Mirabeau"),
        ("1 route de Lyon", "1 route de Lyon"),
        ("3 rue du 4 Septembre", "3 rue du 4 Septembre"),
        ("3 av. Victor Hugo", "3 av. Victor Hugo"),
        ("j'habite 12 rue de la paix et toi ?", "12 rue de la paix"),
        ("il habite rue de Rivoli depuis un an", "rue de Rivoli"),
        ("place de la Concorde, 75008 Paris", "place de la Concorde, 75008 Paris"),
        ("Bât. D, escalier 21\n42 quai Édith Regnier", "Bât. D, escalier 21\n42 quai Édith Regnier"),
        ("Résidence Les Pins\n61 impasse Victor Hugo", "Résidence Les Pins\n61 impasse Victor Hugo"),
        ("6e étage, 116 impasse Sébastien Martinez", "6e étage, 116 impasse Sébastien Martinez"),
        ("12 rue de la Paix, appartement 4", "12 rue de la Paix, appartement 4"),
    ],
)
def test_french_street_forms_are_found(text, expected):
    assert expected in found(StreetAddressRecognizer, text, language="fr")


@pytest.mark.parametrize(
    "text",
    [
        "5 miles down the road",
        "I ran 3 km",
        "page 12 line 4",
        "at 10 am on the way",
        "version 2 release notes",
        "I ran 5 miles at 3 pm on the way",
        "about 20 people park here",
        "5 MILES DOWN THE ROAD",
        "In 2019 Apple is expected to grow",
        "Top 10 Key Points",
        "Chapter 3 The Long Road Home",
        "a 3 lane road with 2 exits",
        "Il reste 12 places de parking.",
        "Le train part à 10 h 30 sur la voie 2.",
        "Order 48213 was shipped on Monday.",
    ],
)
def test_ordinary_phrases_with_numbers_are_not_addresses(text):
    assert spans(StreetAddressRecognizer, text, "en") == []
    assert found(StreetAddressRecognizer, text, "fr") == []


@pytest.mark.parametrize(
    "text",
    [
        "J'ai suivi 2 cours de Python",
        "i have 7 hard drives",
        "the 3 green hills",
        "we earned 53485 bonus points",
        "Le chemin de fer est fermé depuis 3 jours.",
    ],
)
def test_counted_things_that_look_like_streets_need_context_words(text):
    assert all(score < THRESHOLD for _, score in spans(StreetAddressRecognizer, text))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Washington, DC 20500", "20500"),
        ("Boston, MA 02118-1234, USA", "02118-1234"),
        ("APO AE 09012", "09012"),
        ("zip code 10001", "10001"),
        ("ZIP: 90210", "90210"),
        ("London NW1 6XE", "NW1 6XE"),
        ("The Palace is at SW1A 1AA.", "SW1A 1AA"),
        ("North Holly\nS6 7LJ", "S6 7LJ"),
        ("postcode is L0U 8XJ", "L0U 8XJ"),
        ("75002 Paris", "75002"),
        ("12 rue de la Paix, 75002 Paris.", "75002"),
        ("Envoyez à 13001 Marseille.", "13001"),
        ("code postal : 69001", "69001"),
    ],
)
def test_postal_codes_in_context_are_found(text, expected):
    assert found(PostalCodeRecognizer, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "I have 12345 apples",
        "user ID 48213",
        "order 48213 Smith, paid",
        "Ticket 10234\nCustomer reported a crash",
        "il a payé 15000 Euros",
        "it costs 12000 dollars",
        "Sony PS4 2GB",
        "in 2024 Paris",
        "The 10001 Main Street office",
    ],
)
def test_bare_numbers_are_not_postal_codes(text):
    assert found(PostalCodeRecognizer, text) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_recognizers_run_for_english_and_french(language):
    text = "Adresse : 12 rue de la Paix, 75002 Paris. Old one: 10 Downing Street, London SW1A 2AA."
    assert found(StreetAddressRecognizer, text, language) == [
        "12 rue de la Paix, 75002 Paris",
        "10 Downing Street, London SW1A 2AA",
    ]
    assert found(PostalCodeRecognizer, text, language) == ["75002", "SW1A 2AA"]


def test_long_text_without_addresses_has_no_findings():
    rng = random.Random(7)
    words = "the order was late and I asked twice about the refund for item page line version".split()
    parts = []
    while sum(map(len, parts)) < 5000:
        parts.append(rng.choice(words) if rng.random() < 0.8 else str(rng.randint(1, 99999)))
    text = " ".join(parts)[:5000]
    assert spans(StreetAddressRecognizer, text) == []
    assert found(PostalCodeRecognizer, text) == []
