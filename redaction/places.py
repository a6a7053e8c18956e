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
def regions() -> frozenset[str]:
    """Names that, after a comma, say the words before them are a place: countries, states,
    provinces and their codes."""
    return country_names() | frozenset(US_STATES) | frozenset(CA_PROVINCES) | frozenset(STATE_CODES)


def region_alternation() -> str:
    """A regex alternation of `regions()`, longest first."""
    return "|".join(re.escape(name) for name in sorted(regions(), key=len, reverse=True))
