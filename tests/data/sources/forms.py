"""Form-like text: film and concert credits (`Directed By:    X`), intake and visitor forms,
key/value dumps padded into columns, label printouts, HR records, and possessives (`X's`), with
names from many countries.

Labels: PERSON (the name after a form label, the name before `'s`, not the `'s`),
PHONE_NUMBER, EMAIL_ADDRESS, STREET_ADDRESS, DATE_TIME (year `may_keep`), ID (employee, badge,
member numbers), LOCATION (a town on its own line).
"""

from __future__ import annotations

import random

from . import _dates, _world
from ._build import Text, fakers, phone, record

LANGUAGE = "en"

# (label, slot). Slots: P person, PH phone, EMAIL, ADDR address, DOB date, ID number, TOWN,
# and values that are not PII (plain text after the label).
_FIELDS = {
    "credits": (
        ("Directed By", "P"),
        ("Produced By", "P"),
        ("Written By", "P"),
        ("Director of Photography", "P"),
        ("Music", "P"),
        ("Edited By", "P"),
        ("Casting", "P"),
        ("Runtime", "minutes"),
        ("Format", "DCP 2K"),
        ("Country", "COUNTRY"),
        ("Language", "No dialogue"),
    ),
    "intake": (
        ("Patient", "P"),
        ("Date of Birth", "DOB"),
        ("Home Phone", "PH"),
        ("Emergency Contact", "P"),
        ("Contact", "PH"),
        ("Referring Physician", "P"),
        ("Member No.", "ID"),
        ("Reason for Visit", "follow-up"),
        ("Allergies", "none known"),
        ("Address", "ADDR"),
    ),
    "visitor": (
        ("Visitor Name", "P"),
        ("Host", "P"),
        ("Company", "COMPANY"),
        ("Badge #", "ID"),
        ("Mobile", "PH"),
        ("Time In", "08:42"),
        ("Time Out", "--"),
        ("Escort required", "yes"),
    ),
    "hr": (
        ("Employee", "P"),
        ("Employee ID", "ID"),
        ("Line Manager", "P"),
        ("Start Date", "DOB"),
        ("Work Email", "EMAIL"),
        ("Location", "TOWN"),
        ("Grade", "B2"),
        ("Contract", "permanent"),
        ("Next of kin", "P"),
        ("Next of kin phone", "PH"),
    ),
    "label": (
        ("Name", "P"),
        ("Ship To", "ADDR"),
        ("Contact", "P"),
        ("Tel", "PH"),
        ("Weight", "2.4 kg"),
        ("Service", "express"),
        ("Parcels", "1 of 2"),
    ),
}
_POSSESSIVE = (
    "{P}'s kid starts school on Monday.",
    "We borrowed {P}'s van for the move.",
    "Is this {F}'s jacket?",
    "{P}'s application was received on {DOB}.",
    "Forwarded to {F}'s assistant for signature.",
    "The cat is {F}'s, not mine.",
)
_LAYOUTS = ("padded", "colon", "pipes", "tabs", "equals")


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"forms/{seed}")
    fake_by_locale = fakers([loc.code for loc in _world.LOCALES], seed, salt=6)
    records = []
    for index in range(n):
        home = _world.latin_choice(rng)
        fake = fake_by_locale[home.code]

        def value(slot: str) -> tuple[str | None, str, tuple[int, int] | None]:
            if slot == "P":
                loc = home if rng.random() < 0.7 else _world.latin_choice(rng)
                return "PERSON", _world.full_name(fake_by_locale[loc.code], loc, rng), None
            if slot == "F":
                return "PERSON", _world.first_name(fake, home), None
            if slot == "PH":
                return "PHONE_NUMBER", phone(rng, home.region), None
            if slot == "EMAIL":
                return "EMAIL_ADDRESS", fake.email(), None
            if slot == "ADDR":
                if home.local_addresses:
                    return "STREET_ADDRESS", fake.address().replace("\n", ", "), None
                return None, "c/o front desk", None
            if slot == "DOB":
                text, year = _dates.legal(rng) if rng.random() < 0.5 else _dates.clinical(rng)
                return "DATE_TIME", text, year
            if slot == "ID":
                return "ID", f"{rng.choice(('E', 'M', 'B', ''))}{rng.randint(100000, 9999999)}", None
            if slot == "TOWN":
                return "LOCATION", fake.city(), None
            if slot == "COUNTRY":
                return None, home.country, None
            if slot == "COMPANY":
                return "ORGANIZATION", fake.company(), None
            if slot == "minutes":
                return None, f"{rng.randint(70, 160)} min", None
            return None, slot, None

        built = Text()
        if rng.random() < 0.2:
            template = rng.choice(_POSSESSIVE)
            pos = 0
            for start in range(len(template)):
                if template[start] == "{":
                    end = template.index("}", start)
                    built.add(template[pos:start])
                    entity_type, text, year = value(template[start + 1 : end])
                    built.value(entity_type, text, [year] if year else ())
                    pos = end + 1
            built.add(template[pos:])
            records.append(
                record(f"FM-{index + 1:05d}", built, LANGUAGE, locale=home.code, style="possessive")
            )
            continue
        kind = rng.choice(tuple(_FIELDS))
        fields = rng.sample(_FIELDS[kind], rng.randint(3, len(_FIELDS[kind])))
        layout = rng.choice(_LAYOUTS)
        width = max(len(label) for label, _ in fields) + 2
        if layout == "pipes":
            built.add("| field | value |\n|---|---|\n")
        for number, (label, slot) in enumerate(fields):
            if number:
                built.add("\n")
            if layout == "padded":
                built.add(f"{label}:".ljust(width + rng.randint(0, 4)))
            elif layout == "colon":
                built.add(f"{label}: ")
            elif layout == "pipes":
                built.add(f"| {label} | ")
            elif layout == "tabs":
                built.add(f"{label.upper()}\t")
            else:
                built.add(f"{label.lower().replace(' ', '_')}=")
            entity_type, text, year = value(slot)
            if entity_type is None:
                built.add(text)
            else:
                built.value(entity_type, text, [year] if year else ())
            if layout == "pipes":
                built.add(" |")
        records.append(record(f"FM-{index + 1:05d}", built, LANGUAGE, locale=home.code, style=kind))
    return records
