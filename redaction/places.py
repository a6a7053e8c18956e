"""Place names that need no model: countries (in the languages of Europe and the Americas),
US states and Canadian provinces, and the widening of a person finding that is really a place.

Country names come from phonenumbers' display names per language (`phonenumbers.geocoder`),
already a dependency, so no list is typed here or fetched.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "da", "sv", "fi", "ro", "cs")

US_STATES = """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan
Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee
Texas Utah Vermont Virginia Washington Wisconsin Wyoming""".split()
US_STATES += [
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
]  # fmt: skip
CA_PROVINCES = [
    "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Nova Scotia",
    "Ontario", "Quebec", "Québec", "Saskatchewan", "Yukon", "Nunavut", "Northwest Territories",
    "Prince Edward Island",
]  # fmt: skip
STATE_CODES = """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE
NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR BC AB ON QC NS NB MB SK""".split()


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Country and territory names, in several languages, as written (Latin script only)."""
    from phonenumbers.geocoder import LOCALE_DATA

    names = {"USA", "U.S.A.", "UK", "U.K.", "England", "Scotland", "Wales", "Holland"}
    for entry in LOCALE_DATA.values():
        for lang in ("aa", *_LANGUAGES):  # "aa" holds the English name
            name = entry.get(lang) or ""
            latin = all((c.isalpha() and ord(c) < 0x0370) or c in " .'’-" for c in name)
            if len(name) >= 3 and not name.startswith("*") and latin:
                names.add(name)
    return frozenset(names)


@lru_cache(maxsize=1)
def _folded_countries() -> frozenset[str]:
    return frozenset(name.casefold() for name in country_names())


def is_country(value: str) -> bool:
    """`value` is a country's name and nothing else (`Austria`, `SOUTH KOREA`, `Suisse`): a place
    no one is found by, which a policy's LOCATION does not remove on its own."""
    from .names import is_first_name

    bare = value.strip(" \t.,;:")
    return bare.casefold() in _folded_countries() and not is_first_name(bare)  # "Maurice", "Jordan"


@lru_cache(maxsize=1)
def regions() -> frozenset[str]:
    """Names that, after a comma, say the words before them are a place: countries, states,
    provinces and their codes."""
    return country_names() | frozenset(US_STATES) | frozenset(CA_PROVINCES) | frozenset(STATE_CODES)


def region_alternation() -> str:
    """A regex alternation of `regions()`, longest first."""
    return "|".join(re.escape(name) for name in sorted(regions(), key=len, reverse=True))


# --- a person finding that is really a place -------------------------------------------------
_CAP_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Lower-case words that join the capitalized words of one place name: "Soto del Barco".
_JOINERS = frozenset("del de la le les di da do dos das du des von van der den am an upon on sur y e".split())
# A place follows these ("in Pato Branco", "moved to Port Alberni"); a person seldom does.
_BEFORE_PLACE = re.compile(
    r"(?i:\b(?:in|near|outside|around|towards?|across|through|throughout|via|à|en|au|aux|"
    r"(?:moved?|moving|travel+ed|travel+ing|went|go|going|flew|fly|drove|drive|relocated?|back|trip|"
    r"journey|road|route|flights?|train|bus|welcome|visit(?:ed|ing)?|born|lives?|lived|living|based|"
    r"located|situated|habite|vit|né|née|déménagé)[ \t]+(?:to|in|at|from|à|en))"
    r")[ \t]+$"
)
# Recognizers whose PERSON findings come with a cue that says person ("Dear", "Mr", a field name).
_PERSON_CUES = frozenset({"salutation_name", "field_name"})


def _capitalized_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of capitalized words (with joiners between them) on the line around [start, end)."""
    words = [(m.start(), m.end(), m.group(0)) for m in _CAP_WORD.finditer(text)]
    inside = [i for i, (s, e, _) in enumerate(words) if s < end and e > start]
    if not inside:
        return start, end

    def capital(i: int) -> bool:
        # Title case only: in upper-case text ("NEXT OF KIN CLIFFORD JONES") capitals say nothing.
        word = words[i][2]
        return word[:1].isupper() and (len(word) == 1 or not word.isupper())

    def joined(i: int, j: int) -> bool:  # word i and word j (j = i + 1) are one name
        gap = text[words[i][1] : words[j][0]]
        return gap in (" ", "-", "\t")

    lo, hi = inside[0], inside[-1]
    while lo > 0 and joined(lo - 1, lo):
        if capital(lo - 1):
            lo -= 1
        elif words[lo - 1][2].lower() in _JOINERS and lo > 1 and capital(lo - 2) and joined(lo - 2, lo - 1):
            lo -= 2
        else:
            break
    while hi + 1 < len(words) and joined(hi, hi + 1):
        if capital(hi + 1):
            hi += 1
        elif (
            words[hi + 1][2].lower() in _JOINERS
            and hi + 2 < len(words)
            and capital(hi + 2)
            and joined(hi + 1, hi + 2)
        ):
            hi += 2
        else:
            break
    return min(start, words[lo][0]), max(end, words[hi][1])


def _region_after(text: str, end: int) -> bool:
    """ ", Spain", ", OH", ", British Columbia", " 12345" right after `end`."""
    match = re.match(r"[ \t]*,[ \t]*((?:[^\W\d_][\w.'’-]*[ \t]?){1,4})", text[end : end + 60])
    if match:
        words = match.group(1).split()
        known = regions()
        if any(" ".join(words[:n]).rstrip(".,") in known for n in range(1, len(words) + 1)):
            return True
    return re.match(r"[ \t]*,?[ \t]*\d{4,5}(?![\w-])", text[end : end + 12]) is not None


def place_not_person(text: str, findings: list, make) -> list:
    """PERSON findings that are (part of) a place, widened to the whole place and typed LOCATION.

    A PERSON finding (not one with a person cue: a greeting, an honorific, a field name) is
    widened to the run of capitalized words it sits in ("Pato <Branco>" -> "Pato Branco") and
    typed LOCATION when a location signal covers that run: a LOCATION finding overlapping it,
    a word that places go after (`in`, `moved to`, `born in`), or a region, country or postal
    code right after it (", British Columbia"). `make(start, end, finding)` builds the new one.
    """
    locations = [f for f in findings if f.entity_type == "LOCATION"]
    out = []
    for finding in findings:
        if finding.entity_type != "PERSON" or finding.recognizer in _PERSON_CUES:
            out.append(finding)
            continue
        start, end = _capitalized_span(text, finding.start, finding.end)
        line_start = text.rfind("\n", 0, start) + 1
        signal = (
            any(f.start < end and f.end > start for f in locations)
            or _BEFORE_PLACE.search(text[max(line_start, start - 40) : start]) is not None
            or _region_after(text, end)
        )
        out.append(make(start, end, finding) if signal else finding)
    return out
