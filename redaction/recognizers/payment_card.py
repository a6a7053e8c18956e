"""Payment card numbers from every current network, validated with the Luhn checksum.

Presidio's CreditCardRecognizer predates Mastercard's 2221-2720 range, so those cards pass
through it. This one accepts 13 to 19 digits with optional space or dash groups, starting with
a known issuer prefix, and keeps only Luhn-valid numbers.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from . import register
from .declared import DeclaredPatternRecognizer


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


@register("payment_card")
class PaymentCardRecognizer(DeclaredPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    NAME = "payment_card"
    # Issuer prefixes: Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/64-65,
    # Diners 36/38/300-305, JCB 35, UnionPay 62, Maestro 50/56-69.
    PATTERNS = [
        Pattern(
            "issuer prefix + 13-19 digits",
            r"\b(?:4|5[0-9]|2[2-7]|3[4-8]|30|6[0-9])\d{0,2}(?:[ -]?\d){10,16}\b",
            0.5,
        ),
    ]
    CONTEXT = ["card", "credit", "debit", "visa", "mastercard", "amex", "cc", "payment", "pan"]

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
            return False
        if digits.startswith("2") and not 2221 <= int(digits[:4]) <= 2720:
            return False
        return luhn_valid(digits)
