"""Towns, cities and counties (places below a state) where a note's wording says it is one.

Nursing notes write places in upper case and outside sentences spaCy reads well: `LIVES IN
REVERE`, `from Quincy`, `lives alone in revere`, `Lowell, MA`, `ESSEX COUNTY`, `resident of
Salem`. The cue makes the words after it a place: living and moving words before "in"/"from"/
"to" (never "from" alone: "weaned from propofol"), a state after a comma, "county" after. Words
of clinical shorthand ("home", "rehab", "OR", "MICU") are never a place. States may stay under
Safe Harbor and are not reported.
"""

from __future__ import annotations

import re

from ..names import STOP_WORDS
from . import register
from .clinical_vocab import is_clinical_word
from .labelled import LabelledPattern, LabelledValueRecognizer
from .street_address import _STATE_NAMES

# State codes that are also clinical abbreviations (CO cardiac output, PA, MD, ME, OR, IN, LA,
# MS, CT, DE, HI, OK, VA, AL, ID) count only with a ZIP code after them.
_SAFE_CODES = (
    "AK|AZ|AR|CA|DC|FL|IL|IA|KS|KY|MA|MN|MO|MT|NE|NV|NH|NJ|NM|NY|ND|OH|RI|SD|TN|TX|UT|VT|WA|WV|WI|WY"
)
# ... and GA (general anesthesia), MI (infarction), NC (nasal cannula), SC (subcutaneous).
_ALL_CODES = _SAFE_CODES + "|AL|CO|CT|DE|GA|HI|ID|IN|LA|MD|ME|MI|MS|NC|OK|OR|PA|SC|VA"
# an abbreviated prefix with its full stop first: "Mt. Best" is one name, not "Mt"
_PLACE_WORD = r"(?:(?:St|Ft|Mt|ST|FT|MT)\.|[A-Z][a-z]+(?:['’-][A-Za-z]+)?|[A-Z]{3,}|St|Ft|Mt|ST|FT|MT)"
_PLACE = rf"{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,2}}"
# "ft. lee", "MT. RAY": an abbreviated prefix keeps its full stop
_PLACE_ANY = r"(?:[SsFfMm][Tt]\.)|[A-Za-z][a-z'’-]+|[A-Z][A-Z'’-]+"
# A prefix after which any word is the town's ("Ft. Lee", "ST. APRIL", "Mt. Best", "ft may"):
# none of them is a word of its own in a note, as "new" ("new room") or "north" ("north side") are.
_ABBREVIATED_PREFIX = r"(?i:st\.?|ft\.?|mt\.?|saint|fort|mount)"
_LIVING = (
    r"(?i:\b(?:lives?|living|resides?|residing|resident|born|raised|grew[ \t]+up|house|home|"
    r"apartment|apt|condo|works?|worked|employed|vacation(?:ing)?|visiting|vacationing|moved|"
    r"relocated|originally|nursing[ \t]+home|shelter|family)"
    r"(?:[ \t]+(?:alone|(?:with|w/)[ \t]*\w+|here|there))?"
    r"[ \t]+(?:in|at|near|outside(?:[ \t]+of)?|of|from)[ \t]+)"
)
_MOVING = (
    r"(?i:\b(?:transfer(?:red)?|xfer(?:r?ed)?|transported|came|arrived|flew|drove|travel(?:l?ed)?|"
    r"ems|ambulance|medflight|med[ \t]+flight|helicopter|returned|returning|going|went|driving|"
    r"d/c(?:'d)?|discharged|sent)[ \t]+(?:back[ \t]+|home[ \t]+)?(?:from|to|in)[ \t]+)"
)
# "PT FROM ROMANPORT,", "driving in from andreafort", "MVC IN LAKE JOHN", "ems from port robin":
# the cues of a place in any case ("pt from rehab", "fall in bathroom" stop at shorthand)
_ORIGIN = (
    r"(?i:\b(?:(?:pt|patient)[ \t]+(?:is[ \t]+)?from|(?:driving|flying|coming)(?:[ \t]+in)?[ \t]+from|"
    r"ems[ \t]+from|(?:mvc|mva|accident|crash)[ \t]+(?:in|on|near)|(?:w/|with)[ \t]*\w+[ \t]+in)[ \t]+)"
)

# "moved to stephanieton 3/4", "RETIRED TO LAKE KAYLAHAVEN.", "relocated to St. Cloud in 2019":
# a town after a moving-house word, often one word in any case; a prefix word (lake, port, new,
# north, st.) is part of the name. "moved to chair/the floor/ICU/bed 3" stop at the cue (the,
# a clinical or room word, a word before a number).
_TOWN_PREFIX = (
    r"(?i:lake|port|new|north|south|east|west|st\.?|saint|mt\.?|mount|ft\.?|fort|glen|point|"
    r"grand|little|upper|lower|san|santa|el|la|le)"
)
_RELOCATED = (
    r"(?i:\b(?:moved|moving|retired|relocated|relocating|moves|retiring)[ \t]+"
    r"(?:back[ \t]+|here[ \t]+|recently[ \t]+)?(?:to|from)[ \t]+)"
)
_WORD_TO_TOWN = r"(?!(?i:the|a|an|his|her|their|our|my)\b)[A-Za-z][A-Za-z'’-]+"


@register("town")
class TownRecognizer(LabelledValueRecognizer):
    ENTITY = "LOCATION"
    NAME = "town"
    PATTERNS = (
        LabelledPattern("town after a living word", rf"{_LIVING}(?P<value>{_PLACE})", 0.6),
        LabelledPattern(
            "town after a living word, lower case",
            rf"{_LIVING}(?P<value>(?:{_PLACE_ANY})(?:[ \t]+(?:{_PLACE_ANY}))?)\b",
            0.45,
        ),
        LabelledPattern(
            "town, state, lower case",  # "lowell, ma, 2 flights", "prestonstad, ar. new onset"
            rf"(?<![\w.])(?P<value>[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?)[ \t]*,[ \t]*"
            rf"(?:{_SAFE_CODES.lower()})[ \t]*(?:,|\.(?=[ \t]|$))",
            0.45,
        ),
        LabelledPattern("town after a moving word", rf"{_MOVING}(?P<value>{_PLACE})", 0.5),
        LabelledPattern(
            # "d/c to esteshaven, here for f/u", "d/c to robertsbury nm": a discharge goes to a
            # place in any case; "d/c to rehab/snf/floor" stop at the cue
            "town after a discharge word, any case",
            rf"(?i:\b(?:d/?c(?:'?d)?|discharged?)[ \t]+to[ \t]+)"
            rf"(?P<value>(?:{_PLACE_ANY})(?:[ \t]+(?:{_PLACE_ANY}))?)(?![\w'’-])",
            0.45,
        ),
        LabelledPattern(
            "town after moved to, any case",
            rf"{_RELOCATED}(?P<value>{_PLACE}|(?:{_TOWN_PREFIX}[ \t]+)?{_WORD_TO_TOWN})(?![\w'’-])",
            0.5,
        ),
        LabelledPattern(
            "town after an origin word, any case",
            rf"{_ORIGIN}(?P<value>(?:{_PLACE_ANY})(?:[ \t]+(?:{_PLACE_ANY}))?)\b",
            0.45,
        ),
        LabelledPattern(
            "town, state",
            rf"(?<![\w.])(?P<value>{_PLACE})[ \t]*,[ \t]*(?:{_SAFE_CODES}|{_STATE_NAMES})(?![\w'’-])",
            0.6,
        ),
        LabelledPattern(
            "town, state zip",
            rf"(?<![\w.])(?P<value>{_PLACE})[ \t]*,?[ \t]*(?:{_ALL_CODES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
            0.7,
        ),
        LabelledPattern(
            # "from west nursing home, west taylor, nh 90577": a town in any case before a state
            # code and a ZIP code
            "town, state zip, any case",
            rf"(?<![\w.])(?P<value>[A-Za-z][a-z'’-]+(?:[ \t]+[A-Za-z][a-z'’-]+)?)[ \t]*,[ \t]*"
            rf"(?i:{_ALL_CODES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
            0.5,
        ),
        LabelledPattern(
            # "From Lowell, PA, arrived": a code between commas is a state, even one that is
            # also an abbreviation; territories too
            "town, state,",
            rf"(?<![\w.])(?P<value>{_PLACE}|[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?)[ \t]*,[ \t]*"
            rf"(?i:{_ALL_CODES}|AS|GU|MP|PR|VI|FM|MH|PW|AA|AE|AP)[ \t]*,",
            0.45,
        ),
        LabelledPattern(
            # "from dawnport nursing home, dawnport, mh.", "X HOSPITAL, ROBERTCHESTER, PA." a place of
            # care's address: any state code after its town, abbreviation or not
            "town, state after a place of care",
            r"(?i:\b(?:nursing[ \t]+home|hospital|general|clinic|(?:medical|health)[ \t]+center|manor|"
            r"rehab|assisted[ \t]+living)[ \t]*,[ \t]*)"
            rf"(?P<value>{_PLACE}|[a-z][a-z'’-]+(?:[ \t]+[a-z][a-z'’-]+)?)[ \t]*,[ \t]*"
            rf"(?i:{_ALL_CODES}|AS|GU|MP|PR|VI|FM|MH|PW)(?![\w'’-])",
            0.5,
        ),
        LabelledPattern(
            "county",
            rf"(?<![\w.])(?P<value>{_PLACE}[ \t]+(?i:county|parish|township|twp))\b",
            0.6,
        ),
        LabelledPattern(
            "town of", rf"(?i:\b(?:town|city|village|borough)[ \t]+of[ \t]+)(?P<value>{_PLACE})", 0.6
        ),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        if pattern.name == "town after moved to, any case":
            # the words up to the first that is no place word (a prefix word opens the name); a
            # state may stay ("moved to Florida"), "moved to new room/north side" is no town
            words = value.split()
            if len(words) > 1 and re.fullmatch(_ABBREVIATED_PREFIX, words[0]):
                return _named_after_prefix(words[1])
            if len(words) > 1 and re.fullmatch(_TOWN_PREFIX, words[0]):
                return not _not_a_place(words[1])
            if _not_a_place(words[0]):
                return False
            kept = [words[0]]
            for word in words[1:]:
                if _not_a_place(word):
                    break
                kept.append(word)
            return not re.fullmatch(_STATE_NAMES, " ".join(kept), re.IGNORECASE)
        parts = value.split()
        if len(parts) > 1 and re.fullmatch(_ABBREVIATED_PREFIX, parts[0]) and _named_after_prefix(parts[1]):
            return True
        words = [w for w in parts if not _not_a_place(w)]
        if pattern.name == "county":
            return len(words) >= 2
        return bool(words)

    def analyze(self, text, entities, nlp_artifacts=None):
        # A place's name ends before a clinical word ("Revere Lives alone" -> "Revere").
        out = []
        for result in super().analyze(text, entities, nlp_artifacts):
            words = list(re.finditer(r"\S+", text[result.start : result.end]))
            county = result.analysis_explanation.pattern_name == "county"
            moved = result.analysis_explanation.pattern_name == "town after moved to, any case"
            popped = []
            while words and not moved and _not_a_place(words[0].group(0)):
                popped.append(words.pop(0).group(0))  # "From Edwardsborough" -> "Edwardsborough"
            if any(
                _bare(a) not in STOP_WORDS and _bare(b) in STOP_WORDS
                for a, b in zip(popped, popped[1:], strict=False)
            ):
                continue  # "TRANSFERRED TO MICU FOR CLOSER": a word after a clause, no town
            if not words:
                continue
            keep = [words[0]]
            for word in words[1:]:
                after_prefix = len(keep) == 1 and (
                    moved
                    and re.fullmatch(_TOWN_PREFIX, keep[0].group(0))
                    or re.fullmatch(_ABBREVIATED_PREFIX, keep[0].group(0))
                    and _named_after_prefix(word.group(0))
                )
                if not county and _not_a_place(word.group(0)) and not after_prefix:
                    break
                keep.append(word)
            if len(keep) > 1 and re.fullmatch(_SAFE_CODES, keep[-1].group(0).upper()):
                keep.pop()  # "robertsbury nm": the state may stay
            if len(keep) == 1 and re.fullmatch(_ABBREVIATED_PREFIX, keep[0].group(0)):
                continue  # a prefix alone is no town
            base = result.start
            result.start, result.end = base + keep[0].start(), base + keep[-1].end()
            out.append(result)
        return out


def _named_after_prefix(word: str) -> bool:
    """After "Ft."/"St."/"Mt." any word names the town ("Mt. Ward", "ft page", "ST. APRIL"), but a
    function word goes on with the sentence ("ft. to ambulate")."""
    bare = _bare(word)
    return len(bare) > 1 and bare.isalpha() and bare not in _FUNCTION_WORDS


_FUNCTION_WORDS = frozenset("to of the a an and or in on at for with by from as is was w per x".split())


def _bare(word: str) -> str:
    return word.strip(".,;:()").lower()


def _not_a_place(word: str) -> bool:
    bare = word.strip(".,;:()").lower()
    return is_clinical_word(bare) or bare in STOP_WORDS or bare in _NOT_PLACES


_NOT_PLACES = frozenset(
    """alone home here there house apartment facility shelter bed chair room hospital rehab snf
    nursing assisted living group daughter son wife husband family friends friend sister brother
    mother father parents children kids partner boyfriend girlfriend roommate dog cat the area
    town city state country usa america us u.s. english spanish er ed same another other old
    care pain distress respiratory mild moderate severe acute chronic stable good fair poor
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    outside osh nh bathroom kitchen shower street parking lot bed icu floor clinic office work
    school church store driveway stairs window stretcher commode wheelchair recliner hallway
    hall isolation private single tele telemetry stepdown step comfort side left right back
    front couch sofa dialysis surgery procedure radiology cath lab pacu rm unit ward bay pod
    tears sleep nap supine prone sitting standing after before since when while until last next
    this yrs years yr months mos weeks wks ago recently about approx w/ with and then general
    medicine states abroad overseas country senior housing elevator independent assisted""".split()
)
