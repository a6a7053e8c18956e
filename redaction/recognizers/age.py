"""Ages over 89, which Safe Harbor aggregates into one "90 or older" category.

`92 yo`, `93 y/o F`, `92yo`, `93 y.o.`, `95-year-old`, `aged 95`, `age: 91`, `91M`, `91 yr old`,
`nonagenarian`, `centenarian`. Ages up to 89 are not identifiers under Safe Harbor and are never
reported. A number in an age shape after a vital sign word (`T 99 F`, `HR 92 yo`... the
temperature case is the real one) is a measurement, not an age.
"""

from __future__ import annotations

import re

from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

_AGE = r"(?:9\d|1[0-2]\d)"
_UNIT = (
    r"(?:y/?o\b|y\.o\.?|yo\b|yrs?\b(?:[ \t-]*old\b)?|years?\b(?:[ \t-]*old\b)?|-?year-old\b|-?yr-old\b|"
    r"years?[ \t-]+of[ \t-]+age\b)"
)

_VITAL_BEFORE = re.compile(
    r"(?i:\b(?:t|temp|tmax|tm|tc|febrile|afebrile|hr|rr|sat|spo2|o2|bp|wt|weight)\W{0,3}$)"
)


@register("age_over_89")
class AgeOver89Recognizer(LabelledValueRecognizer):
    ENTITY = "AGE_OVER_89"
    NAME = "age_over_89"
    FLAGS = re.MULTILINE | re.IGNORECASE
    PATTERNS = (
        LabelledPattern("age + years", rf"(?<![\w.])(?P<value>{_AGE}[ \t-]*{_UNIT})", 0.8),
        LabelledPattern("age + sex", rf"(?<![\w.])(?P<value>{_AGE}(?:M|F|yoM|yoF))\b", 0.6),
        LabelledPattern(
            "aged / age:", rf"\b(?:aged?|age\s*[:=]|age\s+of)[ \t]*(?P<value>{_AGE})(?![\w.])", 0.8
        ),
        LabelledPattern(
            "in her 90s",
            r"\b(?P<value>(?:nona|cente)genarian|"
            r"(?:in\s+)?(?:his|her|their)\s+(?:late\s+|early\s+|mid-?)?(?:90|9 0)'?s)\b",
            0.6,
        ),
    )

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if not _VITAL_BEFORE.search(text[max(0, r.start - 12) : r.start])]
