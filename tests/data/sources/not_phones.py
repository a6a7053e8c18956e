"""Texts full of numbers that are not phone numbers: amounts, dates and times, order, invoice,
ticket and batch numbers, measurements, quantities, versions, scores, percentages, room and
flight numbers. No PII at all: every word is a non-PII word, so the share of words kept and the
number tokens removed measure false positives (phone detection first among them).
"""

from __future__ import annotations

import random

from ._build import Text, record

_SENTENCES_EN = (
    "Invoice {INV} totals {AMOUNT} incl. VAT, due within 30 days.",
    "Order #{ORDER} shipped on {ISO} in {N} parcels weighing {KG} kg.",
    "The board measures {MM} x {MM} x {SMALL} mm.",
    "Batch {BATCH} expires {DOTTED}; store below {SMALL} °C.",
    "Release {VERSION} fixes {N} bugs and adds {SMALL} new reports.",
    "Final score {SMALL}-{SMALL} after extra time; attendance {BIG}.",
    "Flight {FLIGHT} departs {TIME} from gate {SMALL}, arrives {TIME}.",
    "Revenue rose {PCT}% to {AMOUNT} in Q{Q} {YEAR}.",
    "Ticket {TICKET} was merged into {TICKET}.",
    "Room {ROOM}, floor {SMALL}; meeting from {TIME} to {TIME}.",
    "Coordinates: {LAT}, {LON}.",
    "Serial range {BIG}0-{BIG}9 is affected by the recall.",
    "Reading at {TIME}: {SMALL}.{SMALL} bar, {BIG} rpm, {PCT}% load.",
    "Part no. {PART}, qty {N}, unit price {AMOUNT}.",
    "Between {ISO} and {ISO} we processed {BIG} {BIG2} requests.",
    "The population grew from {BIG} {BIG2} in {YEAR} to {BIG} {BIG2} in {YEAR}.",
    "ISBN {ISBN}, {N} pages, first printed {YEAR}.",
    "Tracking {TRACK} shows {N} scans since {DOTTED}.",
)
_SENTENCES_FR = (
    "La facture {INV} s'élève à {AMOUNT_FR} TTC, payable sous 30 jours.",
    "Commande n° {ORDER} expédiée le {SLASH} en {N} colis.",
    "Dimensions : {MM} x {MM} x {SMALL} mm, poids {KG} kg.",
    "Lot {BATCH}, à consommer avant le {SLASH}.",
    "Le chiffre d'affaires progresse de {PCT} % à {AMOUNT_FR}.",
    "Vol {FLIGHT} au départ à {TIME_FR}, porte {SMALL}.",
    "Référence {PART}, quantité {N}, prix unitaire {AMOUNT_FR}.",
    "Entre le {SLASH} et le {SLASH}, {BIG} {BIG2} dossiers ont été traités.",
    "Salle {ROOM}, {SMALL}e étage, de {TIME_FR} à {TIME_FR}.",
)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"not_phones/{seed}")

    def digits(k: int) -> str:
        return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(k - 1))

    def value(slot: str) -> str:
        year = rng.randint(1995, 2025)
        return {
            "INV": lambda: rng.choice((f"INV-{year}-{digits(5)}", f"{year}/{digits(5)}", f"F{digits(8)}")),
            "ORDER": lambda: rng.choice((digits(7), digits(9), f"{digits(3)}-{digits(7)}-{digits(7)}")),
            "AMOUNT": lambda: rng.choice(
                (
                    f"${rng.randint(1, 99)},{digits(3)}.{rng.randint(0, 99):02d}",
                    f"€{rng.randint(10, 9999)}.{rng.randint(0, 99):02d}",
                    f"{rng.randint(1, 999)} {digits(3)} EUR",
                )
            ),  # fmt: skip
            "AMOUNT_FR": lambda: f"{rng.randint(1, 999)} {digits(3)},{rng.randint(0, 99):02d} €",
            "ISO": lambda: f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "DOTTED": lambda: f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}",
            "SLASH": lambda: f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
            "N": lambda: str(rng.randint(2, 40)),
            "SMALL": lambda: str(rng.randint(1, 99)),
            "KG": lambda: f"{rng.randint(1, 80)}.{rng.randint(0, 9)}",
            "MM": lambda: str(rng.randint(100, 2400)),
            "BATCH": lambda: f"{rng.choice('ABLKX')}{digits(6)}",
            "VERSION": lambda: f"{rng.randint(1, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 99)}",
            "BIG": lambda: str(rng.randint(100, 999)),
            "BIG2": lambda: digits(3),
            "FLIGHT": lambda: f"{rng.choice(('LH', 'AF', 'BA', 'KL', 'IB'))} {rng.randint(100, 9999)}",
            "TIME": lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            "TIME_FR": lambda: f"{rng.randint(6, 22)} h {rng.randint(0, 59):02d}",
            "PCT": lambda: f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
            "Q": lambda: str(rng.randint(1, 4)),
            "YEAR": lambda: str(year),
            "TICKET": lambda: f"#{digits(6)}",
            "ROOM": lambda: f"{rng.randint(1, 9)}.{rng.randint(1, 40):02d}",
            "LAT": lambda: f"{rng.uniform(-80, 80):.5f}",
            "LON": lambda: f"{rng.uniform(-170, 170):.5f}",
            "PART": lambda: f"{digits(4)}-{digits(3)}-{digits(2)}",
            "ISBN": lambda: f"978-{rng.randint(0, 9)}-{digits(4)}-{digits(4)}-{rng.randint(0, 9)}",
            "TRACK": lambda: f"1Z{digits(16)}",
        }[slot]()

    records = []
    for index in range(n):
        language = "fr" if rng.random() < 0.25 else "en"
        sentences = rng.sample(_SENTENCES_FR if language == "fr" else _SENTENCES_EN, rng.randint(2, 4))
        built = Text()
        text = " ".join(sentences)
        pos = 0
        while (start := text.find("{", pos)) != -1:
            end = text.index("}", start)
            built.add(text[pos:start]).add(value(text[start + 1 : end]))
            pos = end + 1
        built.add(text[pos:])
        records.append(record(f"NP-{index + 1:05d}", built, language))
    return records
