"""Postal addresses from many countries (the _world.LOCALES that Faker writes local addresses
for), each in its own country's form, in English carriers: a sentence around one line, a bare
address line, a multi-line block with the recipient and the country, contact cards with
international phone numbers, places named alone.

Labels: STREET_ADDRESS is the whole postal address but the country (street, number, unit,
postcode, town, and the region where the country writes one); the country is left unlabelled
(naming a country identifies no one). PERSON for recipients, LOCATION for a town named on its
own, PHONE_NUMBER in the country's format.
"""

from __future__ import annotations

import random

from . import _world
from ._build import Text, fakers, fill, phone, recased, record

LANGUAGE = "en"

_LINE = (
    "Our new office is at {ADDR_LINE}.",
    "Returns go to {ADDR_LINE} ({COUNTRY}); please keep the original box.",
    "The conference venue: {ADDR_LINE}, {COUNTRY}.",
    "{ADDR_LINE}",
    "{ADDR_LINE}, {COUNTRY}",
    "I grew up at {ADDR_LINE} and moved to {CITY} when I was twelve.",
    "Pick-up point changed to {ADDR_LINE} from next Monday.",
    "Registered office: {ADDR_LINE}, {COUNTRY}. Branch in {CITY}.",
    "The flat at {ADDR_LINE} is available from the first of the month.",
    "Send the signed copy to {P}, {ADDR_LINE}, {COUNTRY}.",
    "Meet me outside {ADDR_LINE}, next to the pharmacy.",
    "We stayed two nights in {CITY} and one in {CITY}.",
    "Warehouse: {ADDR_LINE} / phone {PHI}",
)
_BLOCK = (
    "{P}\n{ADDR_BLOCK}\n{COUNTRY}",
    "Recipient:\n{P}\n{ADDR_BLOCK}\n{COUNTRY_UP}\nTel. {PHI}",
    "From:\n{P}\n{ADDR_BLOCK}\n{COUNTRY}\n\nTo:\n{P}\n{ADDR_BLOCK}\n{COUNTRY}",
    "Invoice address\n{ADDR_BLOCK}\n{COUNTRY}\nVAT no. on file",
    "{P}\n{ADDR_BLOCK}\n{COUNTRY}\n{PHI} | {EMAIL}",
    "Please forward all post to:\n\n{P}\n{ADDR_BLOCK}\n{COUNTRY}\n\nThank you.",
)


def _block(fake, locale: _world.Locale, rng: random.Random) -> str:
    lines = [line.strip() for line in fake.address().split("\n") if line.strip()]
    return "\n".join(lines)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"world_addresses/{seed}")
    pool = [loc for loc in _world.LOCALES if loc.local_addresses]
    fake_by_locale = fakers([loc.code for loc in pool], seed, salt=2)
    records = []
    for index in range(n):
        home = _world.latin_choice(rng, pool)
        fake = fake_by_locale[home.code]

        def email(key: str | None) -> tuple[str, str]:
            return "EMAIL_ADDRESS", fake.email()

        slots = {
            "ADDR_LINE": lambda key: ("STREET_ADDRESS", ", ".join(_block(fake, home, rng).split("\n"))),
            "ADDR_BLOCK": lambda key: ("STREET_ADDRESS", _block(fake, home, rng)),
            "COUNTRY": lambda key: (None, home.country),
            "COUNTRY_UP": lambda key: (None, home.country.upper()),
            "CITY": lambda key: ("LOCATION", fake.city()),
            "P": lambda key: ("PERSON", _world.full_name(fake, home, rng)),
            "PHI": lambda key: ("PHONE_NUMBER", phone(rng, home.region, international=rng.random() < 0.8)),
            "EMAIL": email,
        }
        style = "block" if rng.random() < 0.4 else "line"
        template = rng.choice(_BLOCK if style == "block" else _LINE)
        built = fill(Text(), template, slots)
        rec = record(f"WA-{index + 1:05d}", built, LANGUAGE, locale=home.code, style=style)
        if rng.random() < 0.08:
            rec = recased(rec, str.upper)
        records.append(rec)
    return records
