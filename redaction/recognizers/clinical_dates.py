"""Dates in the shorthand of clinical notes: every date element but a bare year, in any case.

spaCy's small model and Presidio's date patterns find "March 3, 2019" but not what nurses
write: `9/3/97`, `F/U 7/24`, `3/5-3/7`, `3-JAN`, `jan 3rd`, `on the 3rd`, `S/P MI '92`,
`01/03`. Safe Harbor removes every date element smaller than a year (and the year too where it
tells an age over 89), so this recognizer reports the whole date, year included; a policy that
wants the year kept cannot do it from this finding and should say so.

What is not a date, though it looks like one, is checked before a slash form counts: blood
pressure (`BP 120/80`, any value after BP/SBP/ABP/NBP), doses and ratios (`5/325`, `1:1`,
`7.5/325`: a day must be 1-31 and the number must not be glued to a decimal point or a further
slash), motor strength (`4/5 strength`), half saline (`1/2 NS`), counts (`2/2 bottles`), and
a month-day fraction followed by a unit (`3/4 tab`, `1/2 mg`). `POD#2`, `HD 3`, `day 3` are
not dates: a day number without a month or a date word never counts.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from . import coded_result, register

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MON = rf"(?:{_MONTHS})\.?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORD = rf"{_DAY}(?:st|nd|rd|th)?"
_MONTH_NUM = r"(?:0?[1-9]|1[0-2])"
_YEAR4 = r"(?:19\d\d|20\d\d)"
_YEAR = rf"(?:{_YEAR4}|'?\d\d)"
# Not part of a longer number, decimal or slash chain.
_L = r"(?<![\w./:-])"
_R = r"(?![\w/]|\.\d|:\d|-\d{3})"

# Values after these (same line, a few characters before) are vitals or scores, never dates.
_VITALS_BEFORE = re.compile(
    r"(?i:\b(?:s?bp|abp|nbp|art|a-line|map|b/p|blood\s+pressure|pressures?|i/o|i&o|ins?/outs?|"
    r"cvp|pap|pa|ratio|strength|motor|power|mae|grip|gcs|apgar|rass|cpot|score|vent|ac|simv|"
    r"peep|ps|cpap|bipap|tv|vt|fio2|settings?|uop|ngt|drain|jp|t/c|"
    r"hr|rr|sats?|spo2|o2|pain|vas|nrs)\b[^\n\d]{0,8}(?:\d+[/.-]?\d*\s*(?:,|and|&|-)?\s*){0,2}$)"
)
# Words after a month/day pair that make it a quantity ("1/2 tab", "4/5 strength").
_UNIT_AFTER = re.compile(
    r"(?i:\s*(?:strength|str|power|motor|ns|nss|normal|tabs?|tablets?|caps?|pills?|mg|mcg|g|ml|cc|"
    r"units?|amps?|doses?|bottles?|sets?|cultures?|bcx|views?|lumens?|ports?|of\s+\d|x\b|times|"
    r"mmhg|%|pts?\b|points?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|sl\b|inch|"
    r"cm|mm|teaspoons?|tsp|cups?|liters?|l\b|scale|pain)\b)"
)
_FRACTIONS = frozenset({"1/2", "1/3", "1/4", "2/3", "3/4", "1/8", "3/8", "5/8", "7/8"})
_DATE_CUE_BEFORE = re.compile(
    r"(?i:\b(?:on|since|from|until|till|thru|through|to|dated|date|dos|dob|admit(?:ted)?|adm|"
    r"discharged?|d/c|s/p|f/u|seen|last|next|started|begun|began|stopped|due|appt|appointment|"
    r"surgery|procedure|born|returns?|back|bm)\s*:?\s*$)"
)
# An ordinal day after "the" only in date use: "on the 3rd", "since the 21st", "of the 3rd."
_ORD_ALONE_FOLLOWERS = (
    r"(?=\s*(?:$|[.,;:)\]]|\s(?:of\b|at\b|by\b|and\b|in\b|when\b|with\b|to\b|or\b|am\b|pm\b|\d)))"
)

_PATTERNS: tuple[tuple[str, str, float], ...] = (
    # 2019-03-05, 2019/3/5
    ("iso date", rf"{_L}{_YEAR4}[-/.](?:0?[1-9]|1[0-2])[-/.]{_DAY}{_R}", 0.9),
    # 9/3/97, 09-03-1997, 9.3.97, 3/5/2019
    ("numeric date with year", rf"{_L}{_DAY}[/-]{_DAY}[/-](?:{_YEAR4}|\d\d){_R}", 0.85),
    ("dotted date with year", rf"{_L}{_DAY}\.{_DAY}\.(?:{_YEAR4}|\d\d){_R}", 0.7),
    # 3/5-3/7, 3/5 - 3/7
    ("month/day range", rf"{_L}{_MONTH_NUM}/{_DAY}[ \t]*-[ \t]*{_MONTH_NUM}/{_DAY}{_R}", 0.7),
    # 7/24, 01/03
    ("month/day", rf"{_L}{_MONTH_NUM}/{_DAY}{_R}", 0.6),
    # jan 3rd, Jan 3, 2019, JAN 03 '97, jan. 3
    ("month day", rf"(?i:\b{_MON}[ \t-]*{_ORD}\b(?:,?[ \t]*{_YEAR}\b)?)", 0.85),
    # 3-JAN, 3 January 1997, 3rd of Jan, 03JAN97, 3-jan-97
    ("day month", rf"(?i:{_L}{_ORD}(?:[ \t-]*|[ \t]+of[ \t]+){_MON}(?![a-z])(?:[ \t,-]*{_YEAR}\b)?)", 0.85),
    # March 1997, Jan '97, JAN-97, jan/97
    ("month year", rf"(?i:\b{_MON}[ \t,/-]*(?:{_YEAR4}|'\d\d)\b)", 0.85),
    # in January, since DEC, early march, mid-June
    (
        "month after a date word",
        rf"(?i:\b(?:in|since|until|till|during|early|late|mid|end\s+of|beginning\s+of|"
        rf"last|next|this)[ \t-]+(?P<value>{_MON})(?![a-z]))",
        0.6,
    ),
    # on the 3rd, since the 21st
    (
        "ordinal day after the",
        rf"(?i:\b(?:on|since|by|until|till|from|before|after|of)[ \t]+the[ \t]+"
        rf"(?P<value>{_DAY}(?:st|nd|rd|th)){_ORD_ALONE_FOLLOWERS})",
        0.6,
    ),
    # S/P MI '92, in '05
    ("apostrophe year", r"(?<![\w'’])['’]\d\d(?![\w'’])", 0.6),
    # in 1997, since 2003: a year after a date word (a bare year alone is a count as often)
    (
        "year after a date word",
        rf"(?i:\b(?:in|since|from|until|till|of|year|yr|circa|ca\.?|dx(?:'d)?|diagnosed|s/p|hx|"
        rf"h/o|born|b\.)[ \t]+(?P<value>{_YEAR4})(?![\w/.-]))",
        0.6,
    ),
    # Christmas, Thanksgiving, New Year's Day
    (
        "holiday",
        r"(?i:\b(?:christmas(?:\s+(?:eve|day))?|xmas|thanksgiving|new\s+year['’]?s(?:\s+(?:eve|day))?|"
        r"easter|halloween|memorial\s+day|labor\s+day|independence\s+day|(?:the\s+)?4th\s+of\s+july|"
        r"july\s+4th|valentine['’]?s\s+day)\b)",
        0.6,
    ),
)


@register("clinical_dates")
class ClinicalDateRecognizer(EntityRecognizer):
    """Dates of clinical shorthand, whole (year included)."""

    ENTITY = "DATE_TIME"
    NAME = "clinical_dates"

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        self._compiled = [(name, re.compile(regex, re.MULTILINE), score) for name, regex, score in _PATTERNS]
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
        )

    def load(self) -> None:
        pass

    @staticmethod
    def _is_quantity(text: str, start: int, end: int) -> bool:
        """A month/day pair that is a vital sign, a score, a fraction or a dose."""
        line_start = text.rfind("\n", 0, start) + 1
        before = text[max(line_start, start - 40) : start]
        if _VITALS_BEFORE.search(before):
            return True
        if _UNIT_AFTER.match(text, end):
            return True
        value = text[start:end]
        if value in _FRACTIONS and not _DATE_CUE_BEFORE.search(before):
            return True
        # "2/2", "5/5" (counts, strengths) unless a date word says otherwise; a count is never
        # zero-padded ("ABX 02/02 COMPLETED" is a date)
        left, _, right = value.partition("/")
        return left == right and not left.startswith("0") and not _DATE_CUE_BEFORE.search(before)

    def analyze(self, text, entities, nlp_artifacts=None):
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results = []
        for name, compiled, score in self._compiled:
            for match in compiled.finditer(text):
                group = "value" if "value" in compiled.groupindex else 0
                start, end = match.span(group)
                if end <= start:
                    continue
                if name == "month/day" and self._is_quantity(text, start, end):
                    continue
                if name == "month day" and match.group(0)[:3].lower() == "may" and not _may_is_month(match):
                    continue
                if name == "month after a date word" and not _month_word_is_month(match.group("value")):
                    continue
                results.append(coded_result(self, entity, start, end, score, pattern=name))
        return EntityRecognizer.remove_duplicates(results)


def _may_is_month(match: re.Match[str]) -> bool:
    # "may 3rd", "May 3, 2019" are dates; "may 2 units" or "pt may 1x" never get this far
    # (a day must end the number), but "may 2" alone after a verb is ambiguous: only with an
    # ordinal suffix, a year, or title/upper case.
    value = match.group(0)
    return value[:1].isupper() or bool(re.search(r"(?:st|nd|rd|th)\b|\d{4}|'\d\d", value, re.IGNORECASE))


def _month_word_is_month(word: str) -> bool:
    # "in march", "of may" are verbs or modals as often as months: only capitalized there; the
    # three-letter forms ("in Jan", "since DEC") and the long names are months in any case.
    bare = word.rstrip(".").lower()
    if bare in {"may", "march", "mar", "dec"}:  # "dec" is "decreased" in lower case
        return word[:1].isupper()
    if bare in {"jun", "jul", "aug", "sep", "oct", "nov", "jan", "feb", "apr", "sept"}:
        return True
    return len(bare) > 4 or word[:1].isupper()
