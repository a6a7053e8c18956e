"""French company numbers: SIREN (9 digits) and SIRET (SIREN + 5-digit establishment number).

Both end in a Luhn digit, checked by python-stdnum (which also knows La Poste's SIRETs, summed
instead). A Luhn digit lets one random number in ten through, so a valid checksum only keeps the
pattern's score, it does not make the match certain: a bare SIREN (0.2) needs a context word
("SIREN", "société", "TVA"...) to reach 0.55, a bare SIRET scores 0.3 and 0.65 with context.
A failed checksum drops the match.

The first nine digits of a SIRET are its SIREN. The SIRET recognizer reports the whole number and
the SIREN recognizer stays silent on the prefix of a valid SIRET, so one number is one finding;
should both ever overlap, the SIRET scores higher and wins `resolve_overlaps`.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern
from stdnum.fr import siren, siret

from . import register
from .declared import DeclaredPatternRecognizer

# French typography puts no-break spaces between digit groups.
_GAP = r"[ .\u00a0\u202f]"
_SEP = rf"{_GAP}?"
# Not inside a longer run of digits, grouped or not ("1 234 567 890" is an amount), except after
# the "FR 44 " of a VAT number, which is a key and the SIREN.
_START = rf"(?<!\w)(?:(?<=FR\d\d{_GAP})|(?<=FR{_GAP}\d\d{_GAP})|(?<!\d{_GAP}))"
_SIREN = rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}"
# The establishment number is written "00074" or "000 74".
_SIRET = rf"{_SIREN}{_SEP}(?:\d{{5}}|\d{{3}}{_SEP}\d{{2}})"

_CONTEXT = ["siren", "siret", "entreprise", "société", "societe", "rcs", "tva"]

_SIRET_AT = re.compile(rf"{_SIRET}(?!\w)")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@register("fr_siret")
class FrenchSiretRecognizer(DeclaredPatternRecognizer):
    ENTITY = "FR_SIRET"
    NAME = "fr_siret"
    PATTERNS = [Pattern("SIRET, compact or grouped", rf"{_START}{_SIRET}(?!\w)", 0.3)]
    CONTEXT = _CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        # None keeps the pattern score (True would set 1.0, too sure for a Luhn digit).
        return None if siret.is_valid(_digits(pattern_text)) else False


@register("fr_siren")
class FrenchSirenRecognizer(DeclaredPatternRecognizer):
    ENTITY = "FR_SIREN"
    NAME = "fr_siren"
    PATTERNS = [Pattern("SIREN, compact or grouped", rf"{_START}{_SIREN}(?!\w)", 0.2)]
    CONTEXT = _CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if siren.is_valid(_digits(pattern_text)) else False

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not _starts_valid_siret(text, r.start)]


def _starts_valid_siret(text: str, start: int) -> bool:
    match = _SIRET_AT.match(text, start)
    return match is not None and siret.is_valid(_digits(match.group()))
