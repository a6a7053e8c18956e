"""Payment card numbers from every current network, validated with the Luhn checksum.

Presidio's CreditCardRecognizer predates Mastercard's 2221-2720 range, so those cards pass
through it, and its pattern wants 13 digits or more, so 12-digit Maestro cards pass too. This one
accepts 13 to 19 digits with optional space or dash groups, starting with a known issuer prefix
(JCB's 15-digit 2131 and 1800 included), and 12-digit Maestro numbers when a payment word is near
(alone, twelve digits are as often an order or account number); it keeps only Luhn-valid numbers.
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
    # Diners 36/38/300-305, JCB 35 and (15 digits) 2131/1800, UnionPay 62, Maestro 50/56-69/0604.
    PATTERNS = [
        Pattern(
            "issuer prefix + 13-19 digits",
            r"\b(?=\d(?:[ -]?\d){12,18}\b)"  # 13 digits at least
            r"(?:4|5[0-9]|2[2-7]|3[4-8]|30|6[0-9]|2131|1800)\d{0,2}(?:[ -]?\d){10,16}\b",
            0.5,
        ),
        Pattern(
            # Twelve digits, in fours or whole: needs a payment word nearby (CONTEXT) to pass.
            "Maestro prefix + 12 digits",
            r"(?<!\d[ -])\b(?:5[06-8]\d\d|6\d{3}|0604)(?:([ -]?)\d{4}(?:\1\d{4}))(?![\w-]|[ -]\d)",
            0.2,
        ),
    ]
    CONTEXT = [
        "card", "credit", "debit", "visa", "mastercard", "amex", "maestro", "jcb", "diners", "discover",
        "cc", "payment", "pan", "pay", "paid", "charge", "charged", "refund", "exp", "cvv", "cvc",
    ]  # fmt: skip

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        if not 12 <= len(digits) <= 19 or len(set(digits)) == 1:
            return False
        if len(digits) == 12:
            # None keeps the pattern's low score (True would make it certain): the context decides.
            maestro = digits.startswith(("50", "56", "57", "58", "6", "0604"))
            return None if maestro and luhn_valid(digits) else False
        if digits.startswith(("2131", "1800")):
            return len(digits) == 15 and luhn_valid(digits)
        if digits.startswith("2") and not 2221 <= int(digits[:4]) <= 2720:
            return False
        return luhn_valid(digits)
