"""Hospital phones of French notes: extensions after a cue, and national numbers after a phone word.

`bip 4521`, `poste 3312`, `DECT 65 43`, `rappeler sur le 6904`, `joignable au poste 2851`: an
internal number is 4 or 5 digits (or two pairs) and phonenumbers finds none, they are shorter than
any national number. After `tél.`, `joignable au`, `rappeler au`, `n° de la fille :` a number of
9 to 12 digits in any grouping is a phone of whatever country (`0470 12 34 56`, `079 123 45 67`,
`(514) 555-1234`), which the policy's phone regions may not parse. A cue is required; a number
followed by a unit or another digit (`poste 2 mg`, `bip 12345678`) is not taken. The value is
reported; the cue word stays.
"""

from __future__ import annotations

import regex as re

from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

_INTERNAL = r"(?:\d{4,5}|\d{2}[ .]\d{2})"
_NATIONAL = r"(?:\+\d{2,3}[ .-]?(?:\(0\)[ ]?)?)?\(?\d{2,4}\)?(?:[ .-]?\d{2,4}){2,4}"
_END = r"(?![\d\p{L}]|[ .,]?\d|[ \t]*(?i:mg|ml|µg|ug|ui|g|h|min|mmhg|%|/))"


@register("fr_internal_phone")
class FrenchInternalPhoneRecognizer(LabelledValueRecognizer):
    ENTITY = "PHONE_NUMBER"
    NAME = "fr_internal_phone"
    FLAGS = re.MULTILINE | re.IGNORECASE
    PATTERNS = (
        LabelledPattern(
            "extension after bip/poste/DECT",
            rf"(?<!\p{{L}})(?:bip|bipeur|biper|bippeur|poste|dect|ligne\s+interne|n°\s+interne)"
            rf"[ \t]*(?:n°|:)?[ \t]*(?P<value>{_INTERNAL}){_END}",
            0.6,
        ),
        LabelledPattern(
            "extension after a call-back cue",
            rf"(?<!\p{{L}})(?:rappeler|joignable|joindre|appeler|contacter)[ \t]+(?:sur|au)(?:[ \t]+le)?"
            rf"[ \t]+(?P<value>{_INTERNAL}){_END}",
            0.55,
        ),
        LabelledPattern(
            "number after a phone word",
            r"(?<!\p{L})(?:t[ée]l|t[ée]l[ée]phone|portable|joignable\s+(?:au|sur\s+le)|rappeler\s+(?:au|sur\s+le)|"
            r"n°[^\n:]{0,30}:|num[ée]ro[^\n:]{0,30}:|prévenue?\s+par\s+t[ée]l[ée]phone\s+au)"
            rf"\.?[ \t]*:?[ \t]*(?P<value>{_NATIONAL})(?![\d\p{{L}}])",
            0.6,
        ),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        if pattern.name == "number after a phone word":
            return 9 <= sum(c.isdigit() for c in value) <= 12
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        if self.supported_language != "fr":
            return []
        return super().analyze(text, entities, nlp_artifacts)
