"""Template sentences with street addresses and card numbers, the way template generators write them.

Tuning data for `redaction/recognizers/street_address.py` and `payment_card.py` (and
`benchmarks/templates.py`), written here from scratch: sentences with slots (`I live at
{address}`, `ship it to {street}, {city}`), chat lines, forms with labels across lines, and card
numbers of every Faker card type written whole, in groups of four (spaces or dashes) or in the
network's own grouping. Values come from Faker's providers of 40 locales; none is real.

A span covers what a slot holds: the street slot alone is the STREET_ADDRESS when the town has a
slot of its own (a LOCATION span, not scored here); a full-address slot is all STREET_ADDRESS.
Records have the labelled shape `scrubline eval` reads plus `style` and `locale`.
"""

from __future__ import annotations

import random
import re

from faker import Faker

LOCALES = (
    "en_US en_GB en_CA en_AU en_IE en_NZ en_IN fr_FR fr_CA fr_CH fr_BE de_DE de_AT de_CH nl_NL nl_BE "
    "da_DK no_NO sv_SE fi_FI it_IT es_ES es_MX pt_PT pt_BR pl_PL cs_CZ sk_SK hu_HU ro_RO sl_SI hr_HR "
    "et_EE lv_LV lt_LT tr_TR el_GR bg_BG uk_UA id_ID"
).split()

# Slots: {address} a whole address (one line or as the locale writes it), {street} the street with
# its number (and unit), {city}, {country}, {zip}; {n} a count that is not PII.
SENTENCES = (
    "I live at {address}.",
    "I live at {street}, {city}.",
    "Please ship it to {street}, {city}.",
    "ship it to {street} {city} asap",
    "My address is {address}",
    "Our office moved to {street} in {city}, {country}.",
    "The package was delivered to {street}, {zip} {city}.",
    "Send the documents to {address}, thanks.",
    "You can find us at {street}, {city} {zip}.",
    "He was born in {city} and now lives at {street}.",
    "The shop at {street} opens at 9.",
    "Can you pick me up from {street}?",
    "I used to live on {street} but moved to {city} last year.",
    "Billing address: {address}",
    "Ship to: {street}, {city}, {country}",
    "Mailing address\n{address}",
    "Address:\n{street}\n{zip} {city}\n{country}",
    "Name: {name}\nAddress: {street}\nCity: {city}\nPostal code: {zip}\nCountry: {country}",
    "Home address: {street}, {city}\nWork phone: not given",
    "Billing\n{street}\n{city} {zip}\n\nShipping\nsame as billing",
    "the address is {address} if you need it",
    "hey its {street} the blue door",
    "meet me at {street} around 5",
    "we moved!! new place is {street} {city}",
    "Our headquarters: {address}. Visitors sign in at reception.",
    "Return address – {address}",
    "Correspondence should go to {street}, {city}, not to the old office.",
    "From {street} to the station it is a short walk.",
)
CARD_SENTENCES = (
    "My credit card number is {card}.",
    "Please charge {card} for the order.",
    "card: {card}",
    "I paid with my card {card} yesterday.",
    "The card ending in this number {card} was declined.",
    "Visa/Mastercard/Amex accepted. Card no. {card}, exp 04/29.",
    "cc {card} exp 11/27 cvv on the back",
    "Payment details\nCard number: {card}\nHolder: as on the card",
    "can u use {card} for the tickets",
    "Refund to card {card} processed in {n} days.",
    "The number {card} is on my debit card.",
    "Card {card} was charged {n} EUR.",
)
CARD_TYPES = (
    "amex",
    "diners",
    "discover",
    "jcb15",
    "jcb16",
    "maestro",
    "mastercard",
    "visa13",
    "visa16",
    "visa19",
)
UNITS = ("Apt. {n}", "Suite {n}", "Unit {n}", "Flat {n}", "# {n}", "Apt {n}", "Ste {n}", "Floor {f}")
PO_BOXES = ("PO Box {n}", "P.O. Box {n}")


def card_formats(digits: str, rng: random.Random) -> str:
    """The number whole, in fours with spaces or dashes, or in Amex/Diners 4-6-5/4-6-4 groups."""
    kind = rng.random()
    if kind < 0.3:
        return digits
    sep = " " if kind < 0.7 else "-"
    if len(digits) in (14, 15) and rng.random() < 0.6:
        groups = [digits[:4], digits[4:10], digits[10:]]
    else:
        groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return sep.join(groups)


def _street(fake: Faker, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:
        street = fake.street_address().replace("\n", ", ")
    elif kind < 0.8:
        street = f"{fake.street_name()} {fake.building_number()}"
    else:
        street = f"{fake.building_number()} {fake.street_name()}"
    if rng.random() < 0.3:
        unit = rng.choice(UNITS).format(n=rng.randrange(1, 999), f=rng.randrange(1, 30))
        street += rng.choice((" ", ", ")) + unit
    if rng.random() < 0.06:
        street = rng.choice(PO_BOXES).format(n=rng.randrange(1, 9999))
    return street


def _address(fake: Faker, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return ", ".join(line.strip(" ,") for line in fake.address().split("\n") if line.strip(" ,"))
    return f"{_street(fake, rng)}, {fake.city()} {fake.postcode()}"


def _fill(template: str, values: dict[str, tuple[str, str | None]]) -> dict:
    """`template` with each {slot} replaced; a slot with a type becomes a span."""
    text, spans, at = "", [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        text += template[at : match.start()]
        value, entity_type = values[match.group(1)]
        if entity_type:
            spans.append({"start": len(text), "end": len(text) + len(value), "type": entity_type})
        text += value
        at = match.end()
    text += template[at:]
    return {"text": text, "spans": spans}


def address_sentences(n_per_locale: int = 20, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for index, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        for i in range(n_per_locale):
            template = SENTENCES[(i + index) % len(SENTENCES)]
            chat = template[0].islower()
            street = _street(fake, rng)
            address = _address(fake, rng)
            if chat:
                street, address = street.replace(",", "").lower(), address.replace(",", "").lower()
            city = fake.city()
            values = {
                "address": (address, "STREET_ADDRESS"),
                "street": (street, "STREET_ADDRESS"),
                "city": (city.lower() if chat else city, "LOCATION"),
                "country": (fake.current_country() if rng.random() < 0.5 else fake.country(), "LOCATION"),
                "zip": (fake.postcode(), "LOCATION"),
                "name": (fake.name(), "PERSON"),
            }
            record = _fill(template, values)
            style = "chat" if chat else ("form" if "\n" in template or ":" in template else "sentence")
            record.update(id=f"addr-{locale}-{i}", language="en", style=style, locale=locale)
            out.append(record)
    return out


def card_sentences(n_per_type: int = 30, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out = []
    for card_type in CARD_TYPES:
        for i in range(n_per_type):
            digits = fake.credit_card_number(card_type=card_type)
            card = card_formats(digits, rng)
            template = CARD_SENTENCES[i % len(CARD_SENTENCES)]
            record = _fill(template, {"card": (card, "CREDIT_CARD"), "n": (str(rng.randrange(2, 90)), None)})
            record.update(id=f"card-{card_type}-{i}", language="en", style=card_type, locale="en_US")
            out.append(record)
    return out
