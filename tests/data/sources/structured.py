"""Pipeline-shaped records, as `scrubline run` reads them: nested objects whose fields hold a
value and nothing else (`{"customer": {"name": "..."}, "contact": {"tel": "...", "address":
"..."}}`), from many countries, with fields that are not PII around them (status, SKUs, tags,
quantities) and a short free-text note.

A record is `{"id", "record": {...}, "spans": [{"path", "start", "end", "type"}], "language"}`:
`path` is the key path of the value inside `record` (keys and list positions), offsets are within
that value (a whole value, or a name inside a note). Evaluated through the run's own reader and
`BatchRedactor` (redaction.evaluate.evaluate_records), which also counts the gold values still
readable in the written records. Labels: PERSON, EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS,
LOCATION (town, postcode), IBAN_CODE, IP_ADDRESS.
"""

from __future__ import annotations

import random

from . import _world
from ._build import fakers, phone

_STATUSES = ("open", "pending", "shipped", "closed", "on hold")
_TAGS = ("vip", "returning", "b2b", "newsletter", "late payer", "wholesale")
_NOTES_EN = ("call back after five, ask for {F}", "leave parcel with {F} next door", "prefers email",
             "gift wrap, no invoice in the box", "{F} will pick up in store")  # fmt: skip
_NOTES_FR = ("rappeler après 17 h, demander {F}", "laisser le colis chez {F}", "préfère le courriel",
             "paquet cadeau, pas de facture", "{F} passera en magasin")  # fmt: skip


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"structured/{seed}")
    pool = [loc for loc in _world.LOCALES if loc.local_addresses] + list(_world.FRENCH_LOCALES[:3])
    fake_by_locale = fakers([loc.code for loc in pool], seed, salt=10)
    records = []
    for index in range(n):
        home = _world.latin_choice(rng, pool, latin_share=0.95)
        fake = fake_by_locale[home.code]
        language = "fr" if home.code.startswith("fr_") else "en"
        spans: list[dict] = []

        def whole(path: list, entity_type: str, value: str) -> str:
            value = value.strip()
            spans.append({"path": path, "start": 0, "end": len(value), "type": entity_type})
            return value

        name = _world.full_name(fake, home, rng)
        address_lines = [line.strip() for line in fake.address().split("\n") if line.strip()]
        first = _world.first_name(fake, home)
        note = rng.choice(_NOTES_FR if language == "fr" else _NOTES_EN)
        if "{F}" in note:
            start = note.index("{F}")
            note = note.replace("{F}", first)
            spans.append({"path": ["notes"], "start": start, "end": start + len(first), "type": "PERSON"})
        data: dict = {
            "customer": {"name": whole(["customer", "name"], "PERSON", name)},
            "contact": {
                "tel": whole(["contact", "tel"], "PHONE_NUMBER", phone(rng, home.region)),
                "address": whole(["contact", "address"], "STREET_ADDRESS", ", ".join(address_lines)),
            },
            "status": rng.choice(_STATUSES),
            "items": [
                {"sku": f"{rng.choice('ABCDK')}-{rng.randint(1000, 9999)}", "qty": rng.randint(1, 5)}
                for _ in range(rng.randint(1, 3))
            ],
            "tags": rng.sample(_TAGS, rng.randint(0, 2)),
            "notes": note,
        }
        if rng.random() < 0.6:
            data["customer"]["email"] = whole(["customer", "email"], "EMAIL_ADDRESS", fake.email())
        if rng.random() < 0.5:
            data["shipping"] = {
                "recipient": whole(["shipping", "recipient"], "PERSON", _world.full_name(fake, home, rng)),
                "street": whole(["shipping", "street"], "STREET_ADDRESS", fake.street_address()),
                "postcode": whole(["shipping", "postcode"], "LOCATION", fake.postcode()),
                "city": whole(["shipping", "city"], "LOCATION", fake.city()),
                "country": home.country_fr if language == "fr" else home.country,
            }
        if rng.random() < 0.3:
            iban = fake_by_locale[rng.choice(("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"))].iban()
            data["account"] = {"iban": whole(["account", "iban"], "IBAN_CODE", iban), "currency": "EUR"}
        if rng.random() < 0.3:
            data["meta"] = {"ip": whole(["meta", "ip"], "IP_ADDRESS", fake.ipv4_public()), "client": "web"}
        if rng.random() < 0.7:
            data["language"] = language
        records.append({"id": f"ST-{index + 1:05d}", "record": data, "spans": spans, "language": language})
    return records
