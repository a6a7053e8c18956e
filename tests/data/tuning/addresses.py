"""Street addresses of many countries in many carriers, and numbers in text that are no address.

The tuning set for `redaction/recognizers/street_address.py` (and `benchmarks/addresses.py`):
Faker's address providers of 36 locales, written as the locale writes them (`Hauptstraße 5`,
`ul. Długa 12/3`, `5, avenue Samson`) and recomposed the way international forms mix them (a
street name before its number with a unit of another language: `Nurme 2 Suite 174`), in
sentences, chat lines (lower case, no punctuation), forms (`Address:`, `Adresse :`), multi-line
blocks ending with the town, region and country, lists, and PO boxes. The negatives are sentences
with numbers and capitalized words that are no address (`room 5 at 3 pm`, amounts, dates, product
codes, versions). Every value is generated; none is real.

Records have the labelled shape `scrubline eval` reads (`text`, `spans`, `language`) plus the
`style` and `locale` they were made with. A span covers the whole address, town and postal code
lines included: the address counts as removed only when all of it goes. A country closing the
address is outside the span: it is no personal data (removing it costs a non-PII word).
"""

from __future__ import annotations

import random

from faker import Faker

LOCALES = (
    "en_US en_GB en_CA en_AU en_IE en_NZ en_IN en_PH fr_FR fr_CH de_DE de_AT de_CH nl_NL nl_BE da_DK "
    "no_NO sv_SE fi_FI it_IT es_ES es_MX pt_PT pt_BR pl_PL cs_CZ sk_SK hu_HU ro_RO sl_SI hr_HR "
    "id_ID et_EE lv_LV lt_LT tr_TR"
).split()

# Units of several languages, put after the number (or on a line of their own).
UNITS = (
    "Apt. {n}", "Apt {n}", "Suite {n}", "Flat {n}", "Unit {n}", "Floor {f}", "{f}th floor", "Room {n}",
    "Wohnung {n}", "Whg. {n}", "Top {n}", "piso {f}", "{f}º {l}", "Piano {f}", "int. {n}", "Ap. {n}",
    "lgh {n}", "m. {n}", "st. tv.", "# {n}",
)  # fmt: skip
PO_BOXES = (
    "PO Box {n}", "P.O. Box {n}", "Postfach {n}", "Apartado {n}", "Caixa Postal {n}", "Casella Postale {n}",
    "Postbus {n}", "Box {n}", "BP {n}", "Postboks {n}", "Skrytka pocztowa {n}",
)  # fmt: skip

SENTENCES = (
    "Please send the parcel to {} before Friday.",
    "I moved to {} last spring.",
    "Our new office is at {}, next to the bakery.",
    "The invoice went to {} instead of the warehouse.",
    "She gave {} as her home address.",
    "Deliver to {}",
    "We met at {} around noon.",
    "Returns are accepted at {}.",
)
CHAT = (
    "im at {} come up",
    "its {} buzz twice",
    "ok so the address is {} lol",
    "u can drop it at {} tmrw",
    "moved to {} last week",
    "were at {} now",
    "send it to {} pls",
)
FORMS = (
    "Address: {}",
    "Adresse : {}",
    "Anschrift: {}",
    "Dirección: {}",
    "Indirizzo: {}",
    "Endereço: {}",
    "Shipping address: {}\nNotes: leave at the door",
    "Billing address\n{}\n",
    "ADDRESS {}",
    "address - {}",
)
BLOCKS = (
    "Ship to:\n{}\n\nThank you for your order.",
    "Please write to us at\n{}\nWe answer within a week.",
    "{}",
    "Correspondence:\n{}",
    "Delivery details\n\n{}\n\nFragile, handle with care.",
)
LISTS = (
    "Our branches:\n- {}\n- {}",
    "Stops today: 1) {} 2) {}",
    "Old address: {}; new address: {}.",
)
# Sentences with numbers, capitalized words and street-like words that hold no address.
NEGATIVES = (
    "The meeting is in room 5 at 3 pm.",
    "Version 2 street-smart edition ships on Monday.",
    "We sold 40 units in Q3 and 12 in Q4.",
    "Total due: 1 250,00 EUR by 12 March 2024.",
    "Invoice 2024-0087 for 3 items, 149.90 USD.",
    "Product code AB-1234 X, batch 77 of 2023.",
    "Take bus 42 to the station, then line 3.",
    "Chapter 3, Section 4 covers the theory.",
    "I walked 5 miles down the road yesterday.",
    "Gate 12 closes at 10:45.",
    "Windows 11 Home and Office 2021 are installed.",
    "Python 3 Release 12 fixed 8 bugs.",
    "The team of 12 people won 3 games in a row.",
    "Order 98765 shipped on 2024-05-17, 2 parcels.",
    "Temperature 21 C, humidity 45 percent.",
    "Our suite of 12 tools is free for 30 days.",
    "Score: Real Madrid 2 Barcelona 1.",
    "See page 14, paragraph 2 of the contract.",
    "The report lists 3 avenues of research and 2 open questions.",
    "Level 4 of the game has 20 stages.",
    "Flight LH 441 boards at 7 am from Terminal 2.",
    "Apollo 13 and Gemini 7 were NASA missions.",
    "I bought 2 Samsung Galaxy S23 phones for 999 EUR.",
    "The iPhone 15 Pro costs more than the Pixel 8.",
    "Lesson 7 starts at 9, lesson 8 at 10.",
    "Ticket 4471 was closed after 2 days.",
    "Zimmer 12 ist im 3. Stock.",
    "La réunion est à 15 h dans la salle 4.",
    "Reunión a las 10 en la sala 2.",
    "Il treno 9541 parte alle 18.",
    "Step 1: open the box. Step 2: plug it in.",
    "Rated 4.5 out of 5 by 1200 customers.",
    "World War 2 ended in 1945.",
    "He lives 2 doors down and works 3 days a week.",
    "Firmware 4.2.1 for Model X200, serial 8841-22.",
    "Grade 5 students read 20 books a year.",
    "Sprint 14 closed with 31 points done.",
    "Please call back between 9 and 5 on weekdays.",
)


def _unit(rng: random.Random) -> str:
    return rng.choice(UNITS).format(n=rng.randrange(1, 400), f=rng.randrange(1, 12), l=rng.choice("ABCD"))


def _lines(fake: Faker, rng: random.Random, locale: str) -> tuple[list[str], str | None]:
    """One address as its lines (the locale's own format, or recomposed in an international
    form) and the country that closes it, if any (not part of the address)."""
    kind = rng.random()
    if kind < 0.45:
        lines = [line.strip(" ,") for line in fake.address().split("\n") if line.strip(" ,")]
    elif kind < 0.8:
        # Street name before the number, a unit of any language, then the town with its code.
        street = f"{fake.street_name()} {fake.building_number()}"
        if rng.random() < 0.5:
            street += " " + _unit(rng)
        town = rng.choice(
            [f"{fake.postcode()} {fake.city()}", fake.city(), f"{fake.city()} {fake.postcode()}"]
        )
        lines = [street, town]
    else:
        lines = [fake.street_address().replace("\n", ", ")]
        if rng.random() < 0.5:
            lines.append(f"{fake.city()} {fake.postcode()}")
    country = None
    if rng.random() < 0.35:
        country = fake.current_country() if rng.random() < 0.5 else fake.country()
    if rng.random() < 0.15:
        lines.insert(0, _unit(rng))
    return lines, country


def _po_box(fake: Faker, rng: random.Random) -> tuple[list[str], str | None]:
    box = rng.choice(PO_BOXES).format(n=rng.randrange(1, 9999))
    return [box, f"{fake.postcode()} {fake.city()}"], None


def _joined(lines: list[str], country: str | None, sep: str) -> tuple[str, str]:
    """The address and what follows it outside its span: the country, if any."""
    return sep.join(lines), (sep + country if country else "")


def _fill(template: str, values: list[tuple[str, str]]) -> dict:
    """The template with each (address, country part) in a slot; the span covers the address."""
    parts = template.split("{}")
    text, spans = parts[0], []
    for (value, outside), after in zip(values, parts[1:], strict=True):
        spans.append({"start": len(text), "end": len(text) + len(value), "type": "STREET_ADDRESS"})
        text += value + outside + after
    return {"text": text, "spans": spans}


def addresses(n_per_locale: int = 24, seed: int = 11) -> list[dict]:
    """Labelled records, `n_per_locale` per locale, styles in turn."""
    rng = random.Random(seed)
    styles = ("sentence", "chat", "form", "block", "list", "po box")
    out = []
    for index, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        language = "fr" if locale.startswith("fr") and rng.random() < 0.5 else "en"
        for i in range(n_per_locale):
            style = styles[i % len(styles)]
            lines, country = _po_box(fake, rng) if style == "po box" else _lines(fake, rng, locale)
            if style == "chat":
                value, outside = _joined(lines, country, " ")
                record = _fill(
                    rng.choice(CHAT), [(value.replace(",", "").lower(), outside.replace(",", "").lower())]
                )
            elif style == "block":
                record = _fill(rng.choice(BLOCKS), [_joined(lines, country, "\n")])
            elif style == "list":
                other = _lines(fake, rng, locale)
                record = _fill(rng.choice(LISTS), [_joined(lines, country, ", "), _joined(*other, ", ")])
            elif style == "form":
                record = _fill(
                    rng.choice(FORMS), [_joined(lines, country, "\n" if rng.random() < 0.3 else ", ")]
                )
            else:
                record = _fill(
                    rng.choice(SENTENCES if style == "sentence" else FORMS[:6]),
                    [_joined(lines, country, ", ")],
                )
            record.update(id=f"{locale}-{i}", language=language, style=style, locale=locale)
            out.append(record)
    return out


def non_addresses() -> list[dict]:
    """Sentences with numbers that hold no PII at all (`spans` empty)."""
    out = []
    for i, text in enumerate(NEGATIVES):
        out.append({"id": f"neg-{i}", "text": text, "spans": [], "language": "en", "style": "negative"})
        lower = text.lower().replace(",", "").rstrip(".")
        out.append({"id": f"neg-{i}-lc", "text": lower, "spans": [], "language": "en", "style": "negative"})
    return out
