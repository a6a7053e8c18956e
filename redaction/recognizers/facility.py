"""Hospitals, clinics, nursing homes and named hospital units.

`TRANSFER FROM CALVERT HOSPITAL`, `St. Mary's Medical Center`, `Mercy Clinic`, `Hebrew
Rehabilitation Center`, `Hospital of St. Raphael`, `Blake 7` after a transfer word, `Ellison
unit`. The name words before the facility word (capitalized or upper case, up to four, `St.`,
`Mount`, `of`) are the value together with the facility word; generic words alone (`the
hospital`, `OSH`, `rehab`) are never a name. The type is FACILITY: a place of care is named, not
one of the 18 Safe Harbor kinds by itself, but names the place the patient was.
"""

from __future__ import annotations

import re

from ..names import STOP_WORDS
from . import register
from .clinical_vocab import is_clinical_word
from .labelled import LabelledPattern, LabelledValueRecognizer

_NAME_WORD = r"(?:St\.?|Ste\.?|Mt\.?|Saint|Mount|[A-Z][a-z]+(?:['’]s)?|[A-Z]{2,}(?:['’]S)?|[A-Z]\.)"
_KIND = (
    r"(?:(?:Medical|Med\.?|Health|Healthcare|Cancer|Heart|Surgical|Rehabilitation|Rehab|Nursing|"
    r"Care|Dialysis|Children['’]?s|Women['’]?s|Veterans|VA|Community|Memorial|General|Regional|"
    r"University|Psychiatric|Behavioral|Urgent|Skilled)[ \t]+)*"
    r"(?:Hospitals?|Hosp\.?|Medical[ \t]+(?:Center|Centre|Ctr\.?|Group|Associates)|Med[ \t]+Ctr\.?|"
    r"Health[ \t]+(?:Center|Centre|System|Care)|Clinic|Infirmary|Sanatorium|Hospice|"
    r"Nursing[ \t]+(?:Home|Facility|Center)|"
    r"Rehab(?:ilitation)?(?:[ \t]+(?:Center|Centre|Hospital|Facility))?|"
    r"Care[ \t]+Center|Surgery[ \t]+Center|Dialysis[ \t]+(?:Center|Unit)|Cancer[ \t]+(?:Center|Institute)|"
    r"Manor|Pavilion|Assisted[ \t]+Living(?:[ \t]+(?:Facility|Center|Residence))?|Memorial)"
)
_CASELESS_KIND = _KIND  # matched case-insensitively below for upper-case notes
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:of[ \t]+|the[ \t]+|&[ \t]+|and[ \t]+)?{_NAME_WORD}){{0,3}}"
_TRANSFER = (
    r"(?i:\b(?:transfer(?:red)?|xfer(?:r?ed)?|trans(?:ferred)?|tx(?:'d)?|moved|sent|admitted|"
    r"d/c(?:'d)?|discharged|going|goes|returned|return|back|came|arrived)[ \t]+(?:back[ \t]+)?(?:to|from)"
    r"[ \t]+(?:the[ \t]+)?)"
)

# "outside records from Crystalport General (fax ...)", "FROM ST. YODER GENERAL VIA EMS", "from
# west nursing home", "worked as a nurse at east hospital": after from/at/to, a place word or two
# (a direction word is one: the hospital is named after the place) and "General" or a facility
# word ("Regional" as "General"). "general anesthesia/appearance/surgery", "regional wall motion"
# are no facility: "General" must not go on with a clinical noun.
_PLACE_CUE = r"(?i:\b(?:from|at|to|osh[ \t]*:?|@)[ \t]+(?:the[ \t]+)?)"
_NOT_AFTER_GENERAL = (
    r"(?i:anesthesia|anaesthesia|appearance|surgery|surgeon|surgical|medicine|medical|condition|"
    r"health|state|weakness|malaise|care|population|ward|floor|practitioner|pediatrics|exam|"
    r"examination|inspection|impression|survey|lethargy|debility|deconditioning|consent|diet|fatigue|"
    r"well|wellbeing|information|questions?|status|principles?|practice|session|anxiety|pain|"
    r"discomfort|distress|edema|rash|overview|plan|hygiene|mood|level|approach|rule|sense|idea|"
    r"terms|way|direction|guidance|supervision|wall|block|nerve|lymph|nodes?|motion|variation|"
    r"differences?|enteritis|ileitis|lymphadenopathy|perfusion|hypokinesis|changes?)"
)
_PLACE_FACILITY = (
    rf"(?i:(?:(?:st|mt|ste|ft)\.?[ \t]+)?[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?[ \t]+"
    rf"(?:{_KIND}|(?:General|Regional)(?![ \t]+{_NOT_AFTER_GENERAL}\b)))"
)
_DIRECTIONS = frozenset("east west north south central northeast northwest southeast southwest".split())
# Words that say what kind of care, not where: "from cardiac rehab", "at inpatient rehab".
_KIND_OF_CARE = frozenset(
    """cardiac pulmonary physical occupational inpatient outpatient acute subacute sub-acute
    long-term short-term skilled psych psychiatric geriatric pediatric adult day respiratory
    vascular neuro stroke brain spine ortho orthopedic surgical wound pain sleep memory senior
    private public teaching state county city home hospice transitional residential""".split()
)


@register("facility")
class FacilityRecognizer(LabelledValueRecognizer):
    ENTITY = "FACILITY"
    NAME = "facility"
    PATTERNS = (
        # Calvert Hospital, St. Mary's Medical Center, Mercy Clinic (title case)
        LabelledPattern("name + facility word", rf"(?<![\w.])(?P<value>{_NAME}[ \t]+{_KIND})\b", 0.7),
        # CALVERT HOSPITAL, calvert hospital (any case)
        LabelledPattern(
            "name + facility word, any case",
            rf"(?i:(?<![\w.])(?P<value>(?:(?:st|mt)\.?[ \t]+)?[a-z][a-z'’]+"
            rf"(?:[ \t]+[a-z][a-z'’]+){{0,2}}[ \t]+{_KIND}))\b",
            0.5,
        ),
        # from Crystalport General, at east hospital, FROM ST. YODER GENERAL (any case, after a cue)
        LabelledPattern(
            "place + general or facility word after a cue",
            rf"{_PLACE_CUE}(?P<value>{_PLACE_FACILITY})(?![\w'’-])",
            0.55,
        ),
        # Hospital of St. Raphael, Hospital of the University of Pennsylvania
        LabelledPattern(
            "facility word + of + name",
            rf"(?P<value>\b(?:Hospital|Clinic|Infirmary|Medical Center)[ \t]+of[ \t]+(?:the[ \t]+)?{_NAME})",
            0.7,
        ),
        # transferred to Blake 7, from ELLISON 12
        LabelledPattern(
            "named unit after a transfer word",
            rf"{_TRANSFER}(?P<value>(?:[A-Z][a-z]+|[A-Z]{{3,}}|[a-z]{{3,}})"
            rf"[ \t]+\d{{1,2}}[A-Za-z]?)(?![\w/.])",
            0.6,
        ),
        # d/c to Rose House, dc to FIELDS HOUSE: a residence after a discharge or transfer word
        LabelledPattern(
            "house after a transfer word",
            rf"(?:{_TRANSFER}|(?i:\bdc[ \t]+to[ \t]+|\bresides[ \t]+at[ \t]+|\bosh[ \t]*:?[ \t]*))"
            r"(?P<value>(?:[A-Z][a-z]+|[A-Z]{3,}|[a-z]{3,})[ \t]+(?i:house|manor|memorial|lodge))\b",
            0.6,
        ),
        # Ellison 4 unit, Blake 12 ICU, Farr tower
        LabelledPattern(
            "named unit",
            r"(?<![\w.])(?P<value>(?:[A-Z][a-z]+|[A-Z]{3,})[ \t]+(?:\d{1,2}[A-Z]?[ \t]+)?"
            r"(?i:unit|floor|ward|tower|wing|pavilion|building|bldg))\b",
            0.5,
        ),
    )

    def analyze(self, text, entities, nlp_artifacts=None):
        # The base finds the widest match; leading words that are no name ("TRANSFER FROM",
        # "the", "outside") are cut off here, and a match with no name word left is dropped.
        out = []
        for result in super().analyze(text, entities, nlp_artifacts):
            words = list(re.finditer(r"\S+", text[result.start : result.end]))
            pattern = result.analysis_explanation.pattern_name
            if pattern == "facility word + of + name":
                out.append(result)
                continue
            if pattern == "place + general or facility word after a cue":
                if _place_named(words):
                    out.append(result)
                continue
            popped = False
            # a surname that is a ward word names the place after a cue ("FROM WARD HOSPITAL",
            # "dc to ward house"), not at the start of a sentence ("page rehab now")
            cued = pattern == "house after a transfer word"
            while words and _not_a_name(words[0].group(0)) and not (cued and _surname_before_kind(words)):
                words.pop(0)
                popped = cued = True
            if popped and pattern == "named unit":
                continue  # "East wing", "the north tower": a part of any hospital, no name
            if not words or not words[0].group(0)[:1].isalpha():
                continue
            start = result.start + words[0].start()
            name_words = [w.group(0) for w in words if not re.fullmatch(_KIND, w.group(0), re.IGNORECASE)]
            surname = cued and _surname_before_kind(words)
            if not surname and not any(not _not_a_name(w) for w in name_words):
                continue
            result.start = start
            out.append(result)
        return out


def _place_named(words) -> bool:
    # The words before the facility word name a place: not generic ("outside", "the", "local"),
    # not shorthand, not a kind of care ("cardiac rehab"), a direction word counts ("west nursing
    # home").
    for match in words:
        word = match.group(0).strip(".,;:()")
        lower = word.lower()
        if re.fullmatch(_KIND, word, re.IGNORECASE) or lower in (
            "general",
            "regional",
            "st",
            "mt",
            "ste",
            "ft",
        ):
            continue
        if lower in _DIRECTIONS:
            return True
        if lower in _KIND_OF_CARE:
            continue
        if not (
            is_clinical_word(word) or lower in _GENERIC or lower in _GENERIC_FIRST or lower in STOP_WORDS
        ):
            return True
    return False


# Ward words that are also surnames: "WARD HOSPITAL", "Page Rehabilitation Center", "ward house"
# name a place after a cue when the facility word follows at once ("to the ward", "page 4" are no
# name).
_SURNAME_WORDS = frozenset("ward page walker brady".split())


def _surname_before_kind(words) -> bool:
    if len(words) < 2 or words[0].group(0).lower() not in _SURNAME_WORDS:
        return False
    following = " ".join(w.group(0) for w in words[1:])
    return bool(re.match(rf"(?i:{_KIND}|house|manor|lodge)\b", following))


def _not_a_name(word: str) -> bool:
    bare = word.strip(".,;:()")
    lower = bare.lower()
    return (
        is_clinical_word(bare)
        or lower in _GENERIC
        or lower in _GENERIC_FIRST
        or lower in _NOT_UNIT_NAMES
        or lower in STOP_WORDS
    )


_GENERIC = frozenset(
    """the a an outside local area nearby our this that their his her same other another old
    hospital hospitals clinic medical center health rehab nursing home care general memorial
    regional community university of and to from at in""".split()
)
# Words that open a generic phrase before a facility word ("outside hospital", "to rehab").
_GENERIC_FIRST = frozenset(
    """the a an outside local area nearby our this that their his her same other another previous
    bed room bay pod
    prior recent transferred transfer sent admitted discharged returned went going seen
    followed treated was is resides resided residing lives living dc osh at to
    records record worked works working nurse retired employed volunteer volunteers records:""".split()
)
_NOT_UNIT_NAMES = frozenset(
    """the a an same this that old other medical surgical cardiac step down general back
    bed room bay pod
    front main upper lower east west north south""".split()
)
