"""French social security numbers (NIR, "numéro de sécurité sociale"), validated by their key.

Fifteen characters: sex and status (1-4, 7-8), year, month, department (2 digits, or 2A/2B for Corsica),
commune, serial, then a two-digit key. Written compact ("184127511600423"), in the card's groups
("1 84 12 75 116 004 23"), or with only the key apart ("1841275116004 23"). python-stdnum checks
the key, Corsica included; a number whose key fails is dropped.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.fr import nir

from . import register
from .declared import DeclaredPatternRecognizer

# French typography puts no-break spaces between digit groups.
_SEP = r"[ .\u00a0\u202f]?"
_KEY_SEP = r"(?:\s?[-/]\s?|[ .\u00a0\u202f])?"


@register("fr_nir")
class FrenchNirRecognizer(DeclaredPatternRecognizer):
    ENTITY = "FR_NIR"
    NAME = "fr_nir"
    PATTERNS = [
        Pattern(
            "NIR, compact or grouped, key optionally apart",
            rf"(?<!\w)[1-478]{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}(?:\d{{2}}|2[AB]){_SEP}\d{{3}}{_SEP}\d{{3}}"
            rf"{_KEY_SEP}\d{{2}}(?!\w)",
            0.5,
        ),
    ]
    # Presidio looks for each context word inside single tokens, so phrases ("sécurité sociale",
    # "carte vitale") are listed by their words; "sécu" also covers "sécurité", "secu" the same
    # words typed without accents.
    CONTEXT = ["sécu", "secu", "sociale", "nir", "insee", "vitale", "ssn"]

    def validate_result(self, pattern_text: str) -> bool:
        # The key leaves one wrong number in 97 through, on top of the fixed shape: certain
        # enough to score 1.0 (Presidio's MAX_SCORE for a True result).
        compact = "".join(ch for ch in pattern_text if ch.isalnum())
        return nir.is_valid(compact)
