"""Street addresses in the forms of the tuning set's second part (`more_address_forms`): a
province code in brackets with the sentence going on, UPPER CASE sentences after an address,
`Blvd`/`Blv.`, Indian `H.No.`, Argentine `Diagonal ... N°`, Canadian French blocks, whole blocks
in UPPER or lower case, corners named by two streets, Vietnamese `Số`. Also what must stay: the
words going on after the address, and sentences with numbers."""

from __future__ import annotations

import pytest

from redaction.recognizers.street_address import StreetAddressRecognizer

from .test_addresses import found


def _assert_found(text: str, expected: str) -> None:
    result = found(StreetAddressRecognizer, text)
    assert expected in result, (expected, result)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "We live at 034 Alvarez Street, Austinshire (SK) since 2019.",
            "034 Alvarez Street, Austinshire (SK)",
        ),
        (
            "She moved to 579 Patel Stream Apt. 092, North Donald (NT), near the school.",
            "579 Patel Stream Apt. 092, North Donald (NT)",
        ),
        ("the shop at 12 oak street, lavoie (qc) is closed", "12 oak street, lavoie (qc)"),
    ],
)
def test_a_province_code_in_brackets_joins_the_address(text, expected):
    _assert_found(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Set the switch to 3 (ON) and wait 20 seconds.",
        "Turn the dial to 12 (OFF) first.",
    ],
)
def test_a_code_in_brackets_after_a_number_is_no_address(text):
    assert found(StreetAddressRecognizer, text) == []
