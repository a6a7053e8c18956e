"""Names of clinicians, patients and family after a title, a role or a relation word, in any case.

Nursing notes write `DR RIZZO IN TO TALK WITH PT`, `w/dr vasquez`, `d/w NP smith`, `RN Jane`,
`attending dr. o'brien`, `Jane Doe, RN`, `family (wife jane) at bedside`, `MR JONES`. spaCy's
small model finds names by their capitals and the name lexicon knows first names only; the cue
makes the next word a name unless it is a word of clinical shorthand or a stop word ("dr aware",
"RN to RN", "NP notified"). One word is taken, two when the first is a lexicon first name
("dr john smith") or both are capitalized ("Dr. Ada Pryce"); an initial may come first.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from ..names import NOT_NAME_WORDS, STOP_WORDS, ambiguous_first_names, first_names, fold
from . import coded_result, register
from .clinical_vocab import is_clinical_word

_TITLE = r"(?:dr|drs|doctor|mr|mrs|ms|miss|mx|prof|professor)\.?"
_ROLE = (
    r"(?:rn|np|pa|pa-c|md|do|cna|lpn|rrt|rt|pt|ot|slp|sw|msw|lcsw|cm|pharmd|resident|intern|fellow|"
    r"attending|nurse|charge[ \t]+nurse|case[ \t]+manager|social[ \t]+worker|chaplain|pharmacist|"
    r"physician|surgeon|hospitalist|intensivist|cardiologist|neurologist|nephrologist|oncologist|"
    r"psychiatrist|pcp|np/pa|provider|therapist|dietitian|nutritionist|interpreter)"
)
_RELATION = (
    r"(?:wife|husband|son|daughter|dtr|mother|mom|father|dad|sister|sis|brother|bro|niece|nephew|"
    r"grandson|granddaughter|grandmother|grandfather|aunt|uncle|cousin|partner|fiance|fiancee|"
    r"boyfriend|girlfriend|friend|neighbor|hcp|proxy|guardian|poa|spouse|companion|caregiver)"
)
_WORD = r"[A-Za-z][A-Za-z'’-]*[A-Za-z]"
_CUES = (
    ("title", rf"(?i:(?<![\w/])(?:w/|d/w|c/|per[ \t]+)?{_TITLE})(?:[ \t]+|(?<=\.))", 0.7),
    ("w/ title", rf"(?i:(?:w/|d/w|c/|s/w)[ \t]*{_TITLE})(?:[ \t]+|(?<=\.))", 0.7),
    ("patient label", r"(?i:\b(?:pt|patient|name|pt\s+name)[ \t]*:)[ \t]*", 0.6),
    (
        "role",
        rf"(?i:(?<![\w/])(?P<with>(?:w/|d/w|c/|s/w|with|per|called|paged|spoke[ \t]+(?:to|with)|by)[ \t]*)?"
        rf"(?:{_ROLE}))[ \t]+",
        0.55,
    ),
    ("relation", rf"(?i:(?<![\w/])(?:{_RELATION}))[ \t]*[,(:-]?[ \t]*", 0.55),
)
_SUFFIX_ROLE = re.compile(
    r"(?<![\w.])(?P<value>(?:[A-Z][a-z'’-]+|[A-Z][A-Z'’-]+)"
    r"(?:[ \t]+(?:[A-Z]\.?[ \t]+)?(?:[A-Z][a-z'’-]+|[A-Z][A-Z'’-]+))?)"
    r"[ \t]*,?[ \t]*(?:RN|NP|MD|PA-C|PA|CNA|LPN|RRT|PharmD|DO|MSW|LICSW|LCSW|APRN|CRNA|FNP|ANP)\b"
)

# "NP ROBINSON IN TO EVAL", "np hunt at bedside": what a person after a role does
_NAME_VERB_AFTER = re.compile(
    r"(?i)[ \t]+(?:in[ \t]+to|at[ \t]+(?:the[ \t]+)?bedside|aware|made[ \t]+aware|notified|saw|came|"
    r"stopped[ \t]+by|rounded|evaluated|examined|paged|called|updated|to[ \t]+see|here[ \t]+to)\b"
)
_SUFFIX_ROLE_CASELESS = re.compile(
    r"(?<![\w.])(?P<value>[a-z][a-z'’-]+[ \t]+[a-z][a-z'’-]+|[A-Z][A-Z'’-]+[ \t]+[A-Z][A-Z'’-]+)"
    r"[ \t]*,?[ \t]*(?i:rn|np|md|pa-c|lpn|rrt|cna|aprn|crna)\b"
)


def _not_a_name(word: str, after_title: bool = False) -> bool:
    lower = word.lower().strip("'’-")
    return (
        len(lower) < 2
        # after a title a word of shorthand is a surname ("Mr. Foley") unless an abbreviation
        or (is_clinical_word(lower) and (not after_title or len(lower) <= 3))
        or lower in STOP_WORDS
        # sign-off and greeting words are surnames after a title ("dr Best", "Dr. Hope")
        or (not after_title and fold(lower) in NOT_NAME_WORDS)
        or lower in _NOT_NAMES
    )


@register("clinician_name")
class ClinicianNameRecognizer(EntityRecognizer):
    ENTITY = "PERSON"
    NAME = "clinician_name"

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        self._cues = [
            (name, re.compile(regex + rf"(?P<name>(?:[A-Za-z]\.[ \t]*)?{_WORD})"), score)
            for name, regex, score in _CUES
        ]
        self._next = re.compile(rf"[ \t]+(?:[A-Za-z]\.[ \t]*)?({_WORD})")
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
        )

    def load(self) -> None:
        self._first = first_names()
        self._known = self._first | ambiguous_first_names()

    def _result(self, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
        return coded_result(self, self.supported_entities[0], start, end, score, pattern=pattern)

    def analyze(self, text, entities, nlp_artifacts=None):
        if entities and self.supported_entities[0] not in entities:
            return []
        if not hasattr(self, "_first"):
            self.load()
        results = []
        for pattern, compiled, score in self._cues:
            for match in compiled.finditer(text):
                start, end = match.span("name")
                word = re.sub(r"^[A-Za-z]\.[ \t]*", "", match.group("name"))
                if _not_a_name(word, after_title=pattern.endswith("title")):
                    continue
                if pattern in ("relation", "patient label") and fold(word) not in self._known:
                    # "wife jane" yes, "son notified" no: after a relation word only first names
                    if not (word[:1].isupper() and not word.isupper()):
                        continue
                if pattern == "role":
                    if word.isupper() and len(word) <= 3:
                        continue  # "RN PT", "MD ED": abbreviations after roles
                    # "RN to RN report", "PT ambulating": a lower-case word after a role is a
                    # name only when it is a first name or the role was talked with ("d/w NP smith")
                    caseless = word.islower() or word.isupper()
                    if (
                        caseless
                        and fold(word) not in self._known
                        and not match.group("with")
                        and not _NAME_VERB_AFTER.match(text, end)
                    ):
                        continue
                nxt = self._next.match(text, end)
                if nxt:
                    second = nxt.group(1)
                    both_title = word[:1].isupper() and not word.isupper() and second[:1].isupper()
                    both_upper = word.isupper() and second.isupper() and fold(word) in self._first
                    if not _not_a_name(second) and (fold(word) in self._known or both_title or both_upper):
                        end = nxt.end(1)
                results.append(self._result(start, end, score, pattern))
        for match in _SUFFIX_ROLE_CASELESS.finditer(text):
            # "heather lewis, rn", "report to mary alvarez rn": a lexicon first name first
            first, _, _ = match.group("value").partition(" ")
            if fold(first) in self._known and not _not_a_name(match.group("value").split()[-1], True):
                results.append(
                    self._result(match.start("value"), match.end("value"), 0.55, "name + credential")
                )
        for match in _SUFFIX_ROLE.finditer(text):
            words = match.group("value").split()
            while words and _not_a_name(words[0].strip(".")):
                words.pop(0)
            if not words or _not_a_name(words[-1], after_title=True):
                continue
            start = match.start("value") + match.group("value").index(words[0])
            results.append(self._result(start, match.end("value"), 0.6, "name + credential"))
        return EntityRecognizer.remove_duplicates(results)


_NOT_NAMES = frozenset(
    """aware notified paged called made in to at here there updated informed present bedside
    aware. ordered wrote writes note notes said says states stated feels reports reported
    asked wants wanted will would should could may might can did does has had have is was
    were are be been being not no yes and or but also still just only already again
    today tonight yesterday tomorrow morning evening night day days week weeks
    both all each every some any other others same new regarding re about over by
    team service unit floor office group mg mcg ml cc units email beeper pager followed
    admitted transferred discharged resting report given""".split()
)
