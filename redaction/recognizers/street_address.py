"""Street addresses in running text: a house number, a street name and a street-type word.

spaCy's small English model tags few street addresses and Presidio has no address recognizer,
so `12 Oak Street, Apt 4` would reach annotators whole. Issue 3 grows this into a measured
multi-format recognizer; this one covers the common US/UK "number name suffix [unit]" form.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

from . import register

_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|square|sq|"
    "terrace|ter|way|parkway|pkwy|highway|hwy|circle|cir|trail|trl|crescent|close|grove|row|"
    "gardens|mews|walk|hill|park|view|alley|plaza|loop|run|path|pike|point|ridge|crossing|"
    "expressway|freeway|turnpike|center|centre|station|estates|heights|manor|junction"
)
_UNIT = r"(?i:,?\s+(?:apt\.?|apartment|suite|ste\.?|unit|#|flat|floor|fl\.?|room|rm\.?)\s*[\w-]+)?"
# Street names are capitalized ("Maple Grove") or ordinal ("5th"); suffixes match in any case.
_NAME_WORD = r"(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))"


@register("street_address")
class StreetAddressRecognizer(PatternRecognizer):
    """`1234 Maple Grove Ave, Suite 5` and `Flat 2, 10 Downing Street` style addresses."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = [
        Pattern(
            "number + street + suffix",
            rf"\b\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
            rf"(?:{_NAME_WORD}\s+){{1,3}}(?i:{_SUFFIXES})\b\.?{_UNIT}",
            0.6,
        ),
        Pattern(
            "PO box",
            r"(?i)\bp\.?\s?o\.?\s+box\s+\d{1,8}\b",
            0.6,
        ),
    ]
    CONTEXT = ["address", "street", "live", "lives", "living", "located", "ship", "mail", "deliver"]

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="street_address",
            # Case matters for street names; the patterns turn it off where it does not.
            global_regex_flags=re.DOTALL | re.MULTILINE,
        )

