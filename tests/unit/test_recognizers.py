from __future__ import annotations

import pytest

from redaction.recognizers import get, registered
from redaction.recognizers.payment_card import luhn_valid


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    return [text[r.start:r.end] for r in recognizer.analyze(text, recognizer.supported_entities)]


def test_registry_is_explicit_and_named():
    assert set(registered()) == {"street_address", "payment_card"}


@pytest.mark.parametrize("text, expected", [
    ("He lives at 1234 Maple Grove Ave, Suite 5, Boston.", "1234 Maple Grove Ave, Suite 5"),
    ("Flat 12, 5 Chamberlain Mall, London", "Flat 12, 5 Chamberlain Mall"),
    ("ship to 55 W 5th St", "55 W 5th St"),
    ("742 Evergreen TERRACE apt 3b", "742 Evergreen TERRACE apt 3b"),
    ("PO Box 1234", "PO Box 1234"),
])
def test_street_addresses_are_found(text, expected):
    assert expected in found("street_address", text)


@pytest.mark.parametrize("text", ["I ran 5 miles at 3 pm on the way", "about 20 people park here"])
def test_ordinary_phrases_with_numbers_are_not_addresses(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize("number", ["4111 1111 1111 1111", "2221-0000-0000-0009", "378282246310005", "5555555555554444"])
def test_luhn_valid_cards_from_every_network_are_found(number):
    assert found("payment_card", f"card {number} on file") == [number]


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "2800 0000 0000 0006", "1111 1111 1111 1117"])
def test_checksum_invalid_or_unknown_issuer_numbers_do_not_match(number):
    assert found("payment_card", f"card {number} on file") == []


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
