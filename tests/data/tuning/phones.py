"""Phone numbers of many countries and numbers that are not phones, in short sentences.

The tuning set for `redaction/recognizers/phone_number.py` (and `benchmarks/phones.py`): Faker's
phone formats for 30 locales, in sentences with and without a context word, and amounts, dates,
invoice and order ids, measurements, years, versions and IP-like numbers that must not be
taken for phones. Every value is generated; none is real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

LOCALES = (
    "en_US en_GB en_CA en_AU en_IE en_NZ en_IN fr_FR fr_BE fr_CH de_DE de_AT de_CH nl_NL nl_BE da_DK "
    "no_NO sv_SE fi_FI it_IT es_ES pt_PT pt_BR pl_PL cs_CZ hu_HU ro_RO el_GR tr_TR ja_JP"
).split()

WITH_CONTEXT = (
    "Call me on {}.",
    "Tel: {}",
    "My mobile is {} if you need me.",
    "Phone {} (evenings).",
    "You can reach the office at {}.",
    "WhatsApp {}",
    "Fax: {}",
    "Handy: {}",
    "Téléphone : {}",
)
WITHOUT_CONTEXT = (
    "{}",
    "Best, Ana - {}",
    "{} after 6pm please.",
    "Ask for Jo at {} tomorrow.",
)


@dataclass(frozen=True)
class Sample:
    text: str
    start: int  # the phone's span; (-1, -1) for a text without a phone
    end: int
    kind: str  # locale of the phone, or the kind of non-phone number


def _place(template: str, value: str, kind: str) -> Sample:
    start = template.index("{}")
    return Sample(template.format(value), start, start + len(value), kind)


def phones(n_per_locale: int = 20, seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    out = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + LOCALES.index(locale))
        for i in range(n_per_locale):
            number = fake.phone_number()
            templates = WITH_CONTEXT if i % 2 == 0 else WITHOUT_CONTEXT
            out.append(_place(rng.choice(templates), number, locale))
    return out


def non_phones(n_per_kind: int = 60, seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)

    def amount() -> str:
        value = rng.randrange(1000, 99_999_999)
        sep = rng.choice([" ", ",", ".", "'"])
        body = f"{value:,}".replace(",", sep)
        return rng.choice(["{} EUR", "${}", "{} €", "total {}", "{}.00 USD", "{} kr"]).format(body)

    def date() -> str:
        d = fake.date_between("-40y", "+2y")
        fmt = rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y %m %d", "%d-%m-%Y", "%Y/%m/%d"])
        return d.strftime(fmt)

    def invoice() -> str:
        labels = ["Invoice", "Order", "Ref", "Ticket", "Case", "Order #", "Facture", "Commande", "ID"]
        label = rng.choice(labels)
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(7, 12)))
        if rng.random() < 0.4:
            digits = f"{digits[:4]} {digits[4:8]} {digits[8:]}".strip()
        return f"{label} {digits}"

    def measurement() -> str:
        return rng.choice(
            [
                f"{rng.randrange(100, 99999)} km",
                f"{rng.randrange(10, 999)} x {rng.randrange(10, 999)} x {rng.randrange(10, 999)} mm",
                f"{rng.randrange(1, 99)},{rng.randrange(10, 99)} kg",
                f"{rng.randrange(1000, 999999):,} m²".replace(",", " "),
                f"{rng.randrange(100, 9999)} ml",
            ]
        )

    def years() -> str:
        start = rng.randrange(1950, 2020)
        return rng.choice(
            [
                f"{start} {start + 1} {start + 2}",
                f"{start}-{start + 5}",
                f"from {start} to {start + 3}",
                f"{start}/{start + 1}",
            ]
        )

    def other() -> str:
        r = rng.randrange
        return rng.choice(
            [
                f"{r(1, 255)}.{r(0, 255)}.{r(0, 255)}.{r(1, 255)}",
                f"version {rng.randrange(1, 20)}.{rng.randrange(0, 30)}.{rng.randrange(0, 200)}",
                f"ISBN 978-{r(0, 9)}-{r(10, 99)}-{r(100000, 999999)}-{r(0, 9)}",
                f"{rng.randrange(1, 99)}:{rng.randrange(10, 59)}:{rng.randrange(10, 59)}",
                f"score {rng.randrange(1, 999)} - {rng.randrange(1, 999)}",
                f"{rng.randrange(10000, 99999)} steps",
                f"page {rng.randrange(100, 999)} of {rng.randrange(1000, 9999)}",
            ]
        )

    carriers = ("The value was {} yesterday.", "See {}.", "{}", "We noted {} in the report.")
    out = []
    for kind, make in (
        ("amount", amount),
        ("date", date),
        ("invoice/order id", invoice),
        ("measurement", measurement),
        ("years", years),
        ("other number", other),
    ):
        for _ in range(n_per_kind):
            out.append(Sample(rng.choice(carriers).format(make()), -1, -1, kind))
    return out
