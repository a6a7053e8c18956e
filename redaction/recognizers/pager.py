"""Pagers, beepers, in-house extensions and short internal numbers of hospital notes.

`Pager #54321`, `pgr 12345`, `beeper 2-1234`, `page 4-5678`, `x4321`, `ext. 321`, `call 5-4321`,
`fax 617-555-0100`. phonenumbers finds none of these: they are shorter than any national number.
A cue is required (pager/beeper/pgr/bpr/page/ext/x/call/fax/tel); `x` alone needs 4-5 digits
(`x2`, `x 3 days`, `x10` are "times"). The value is reported; the cue word stays.
"""

from __future__ import annotations

import re

from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

_SHORT = r"(?:\d{1,3}-\d{4}|\d{4,7})"
_LONG = r"(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}"
_SEP = r"[ \t]*(?:#|no\.?|num(?:ber)?\.?|is|:)?[ \t]*[:#]?[ \t]*"


# "610 x 1180", "1180 x 93 mm", "2 x 1000 mg": an x between numbers, or before a unit, multiplies.
_DIMENSION = re.compile(r"\d[ \t]*(?:[.,]\d+)?[ \t]*(?i:mm|cm|m|in|ft)?[ \t]*[x×][ \t]*$", re.IGNORECASE)
_DIMENSION_AFTER = re.compile(
    r"[ \t]*(?:[x×][ \t]*\d|(?i:mm|cm|m|km|in|ft|inch(?:es)?|kg|g|mg|ml|l|px|dpi)\b)"
)


@register("pager")
class PagerRecognizer(LabelledValueRecognizer):
    ENTITY = "PHONE_NUMBER"
    NAME = "pager"
    FLAGS = re.MULTILINE | re.IGNORECASE
    PATTERNS = (
        LabelledPattern(
            "pager/beeper",
            rf"\b(?:pager|pgr|beeper|bpr|beep|page|paged(?:\s+(?:at|to))?|p)\.?{_SEP}(?P<value>{_LONG}|{_SHORT})(?![\w/.])",
            0.7,
        ),
        LabelledPattern(
            # "att paged x2 (#4-5669)", "paged twice #40940": the count between the cue and the
            # number, which then needs its "#" ("paged x2 at 0200" is a time)
            "pager after a count of pages",
            rf"\bpaged\b[ \t]+(?:x[ \t]?\d{{1,2}}|twice|again)[ \t]*\(?[ \t]*#[ \t]*"
            rf"(?P<value>{_LONG}|{_SHORT})(?![\w/.])",
            0.7,
        ),
        LabelledPattern(
            "extension",
            r"(?:\bext\.?|\bextension|\bx)[ \t]*[#:.]?[ \t]*(?P<value>\d{3,5})(?![\w/.])",
            0.6,
        ),
        LabelledPattern(
            "short internal number after a call word",
            r"\b(?:call(?:ed)?|tel|phone|ph|cell|contact|reach(?:ed)?|fax(?:ed)?)\b[^\n\d]{0,20}?"
            r"(?P<value>\d-\d{4}|\d{3}[- ]\d{4})(?![\w/]|\.\d)",
            0.6,
        ),
        LabelledPattern(
            # "nursing station 5-1234", "DESK 555-0134", "call back at 555 0142", "husband
            # 4-9638": where a ward writes the number to ring, with no phone word
            "local number after a place or person to ring",
            r"\b(?:(?:nursing|nsg|nurses['’]?)[ \t]+station|station|(?:front[ \t]+)?desk|unit|floor|"
            r"call[ \t]*back(?:[ \t]+(?:at|@|#|no\.?))?|callback|cb|c/b|reach(?:ed)?(?:[ \t]+\w+)?[ \t]+at|"
            r"(?:wife|husband|son|daughter|dtr|hcp|proxy|family|mother|father|sister|brother|home)"
            r"(?:[ \t]*\((?:hcp|poa)\))?(?:[ \t]+at[ \t]+home)?)"
            r"[ \t]*[:#@-]?[ \t]*(?P<value>\d-\d{4}|\d{3}[- .]\d{4}|"
            r"(?:\(\d{3}\)[ \t]?|\d{3}[ .-]?)\d{3}[ .-]?\d{4})(?![\w/]|[.-]\d)",
            0.6,
        ),
        LabelledPattern(
            "fax", rf"\bfax(?:ed)?(?:\s+(?:to|at))?{_SEP}(?P<value>{_LONG}|{_SHORT})(?![\w/.])", 0.7
        ),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        if pattern.name == "extension":
            # "x 3 days", "x10", "x2": times; an extension has 4-5 digits after a bare x
            return len(value) >= 3
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        out = []
        for result in results:
            cue = text[max(0, result.start - 8) : result.start]
            bare_x = re.search(r"(?i)(?<![a-z])x[ \t]*$", cue) and not re.search(r"(?i)ext", cue)
            if bare_x and result.end - result.start < 4:
                continue
            if (
                bare_x
                and _DIMENSION.search(text, 0, result.start)
                or bare_x
                and _DIMENSION_AFTER.match(text, result.end)
            ):
                continue  # "610 x 1180 x 93 mm": a dimension, not an extension
            if re.search(r"(?i)\bp\.?[ \t]*[:#]?[ \t]*$", cue) and not re.search(
                r"(?i)(?:pager|pgr|page|bpr)", cue
            ):
                # "p 4-5678" only with a dash form (p 120 is a pulse)
                if "-" not in text[result.start : result.end]:
                    continue
            out.append(result)
        return out
