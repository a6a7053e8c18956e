"""Forms, structured field values, ALL-CAPS clinical notes and informal chat, with known spans.

The tuning set for the trained English NER (`scrubline-pii-en`, training/train_pii_ner.py) and
`benchmarks/ner_styles.py`: text in the styles where a model trained on sentences over-tags
common words (capitalised field values, form headings, clinical abbreviations, lower-case chat)
or misses people (a lower-case first name alone, `thx john`, `ask for maria`, `@kim`). Its
templates are written here, apart from the training script's carriers, so the figures say how the
model does on phrasings it was not trained on. Every name, phone and e-mail is made up by Faker.

Each record is `{"id", "text", "spans": [{"start", "end", "type"}], "style"}`, the labelled
format of `redaction.evaluate` (PERSON, PHONE_NUMBER, EMAIL_ADDRESS).
"""

from __future__ import annotations

import random
import re

from faker import Faker

LOCALES = ("en_US", "en_GB", "en_IN", "es_MX", "de_DE", "it_IT", "pl_PL", "pt_BR", "tr_TR", "sl_SI", "hr_HR")
STYLES = ("form", "structured", "clinical", "chat")

# Form field values with no personal data (capitalised common words, the over-tagging risk).
STATUS = ("Active", "Inactive", "Pending", "Closed", "Open", "On Hold", "Approved", "Rejected", "Draft")
PRIORITY = ("High", "Low", "Medium", "Urgent", "Normal", "Critical")
DEPARTMENT = (
    "Accounts Payable",
    "Field Service",
    "Claims",
    "Warehouse",
    "Radiology",
    "Patient Services",
    "Legal Affairs",
    "Payroll",
    "Research",
    "Front Desk",
)
CATEGORY = ("Hardware", "Software", "Returns", "Warranty", "Shipping", "Access Request", "Refund", "Other")
PRODUCT = (
    "Wireless Mouse",
    "Standing Desk",
    "Premium Plan",
    "Basic Tier",
    "Router Pro",
    "Coffee Maker",
    "Office Chair",
    "Gold Membership",
    "Cloud Backup",
)
COLOUR = ("Blue", "Black", "Silver", "Red", "White", "Graphite", "Sage")
SIZE = ("Small", "Medium", "Large", "XL", "Standard")
CHANNEL = ("Email", "Phone", "Web Form", "Walk-in", "Chat", "Partner Portal")
UNIT = ("kg", "pcs", "boxes", "litres", "cm", "hours", "units")
WEEKDAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH = ("January", "March", "April", "May", "June", "August", "October", "December")

CLINICAL_LINES = (
    "ABD SOFT, NONTENDER. BS PRESENT X4.",
    "LUNGS CTA BILAT, O2 SAT 96% ON RA.",
    "NPO AFTER MN FOR PROCEDURE.",
    "IVF @ 75CC/HR, FOLEY PATENT, UO ADEQUATE.",
    "HOB UP 30, ASPIRATION PRECAUTIONS.",
    "NEURO: A+O X3, MAE, PERRLA.",
    "CV: NSR 70S, NO ECTOPY NOTED.",
    "SKIN: INTACT, NO REDNESS ON SACRUM.",
    "PAIN 3/10, MEDICATED PER MAR.",
    "AMBULATED IN HALL WITH WALKER, TOLERATED WELL.",
    "GI: TOLERATING CLEAR LIQUIDS, NO N/V.",
    "RESP: NC 2L, NO DISTRESS.",
    "PLAN: CONT ABX, MONITOR I/O, LABS IN AM.",
    "CXR DONE, RESULTS PENDING.",
    "BLOOD CX X2 SENT.",
)


def _name(fake: Faker, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return f"{fake.first_name()} {fake.last_name()}"
    if r < 0.7:
        return f"{fake.last_name()}, {fake.first_name()}"
    if r < 0.85:
        return fake.first_name()
    return fake.last_name()


class _Builder:
    """Text built piece by piece; `pii` pieces become gold spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[dict] = []
        self.pos = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def pii(self, value: str, entity_type: str) -> None:
        self.spans.append({"start": self.pos, "end": self.pos + len(value), "type": entity_type})
        self.add(value)

    def fields(self, rows: list[tuple[str, str | tuple[str, str]]], sep: str = ": ") -> None:
        for index, (label, value) in enumerate(rows):
            if index:
                self.add("\n")
            self.add(label + sep)
            if isinstance(value, tuple):
                self.pii(value[0], value[1])
            else:
                self.add(value)

    def record(self, record_id: str, style: str) -> dict:
        return {"id": record_id, "text": "".join(self.parts), "spans": self.spans, "style": style}


def _form(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    choice = rng.randrange(4)
    if choice == 0:
        rows = [
            ("Ticket", f"#{rng.randint(10000, 99999)}"),
            ("Status", rng.choice(STATUS)),
            ("Priority", rng.choice(PRIORITY)),
            ("Category", rng.choice(CATEGORY)),
            ("Channel", rng.choice(CHANNEL)),
            ("Opened by", (_name(fake, rng), "PERSON")),
            ("Team", rng.choice(DEPARTMENT)),
        ]
    elif choice == 1:
        rows = [
            ("ORDER SUMMARY", ""),
            ("Item", rng.choice(PRODUCT)),
            ("Colour", rng.choice(COLOUR)),
            ("Size", rng.choice(SIZE)),
            ("Quantity", f"{rng.randint(1, 40)} {rng.choice(UNIT)}"),
            ("Delivery day", rng.choice(WEEKDAY)),
            ("Recipient", (_name(fake, rng), "PERSON")),
            ("Contact number", (fake.phone_number(), "PHONE_NUMBER")),
        ]
    elif choice == 2:
        rows = [
            ("Visit Type", rng.choice(("Follow-up", "New Patient", "Telehealth", "Annual Review"))),
            ("Clinic", rng.choice(DEPARTMENT)),
            ("Provider", (_name(fake, rng), "PERSON")),
            ("Insurance", rng.choice(("Self Pay", "Medicare", "Private", "None"))),
            ("Next Appointment", f"{rng.choice(MONTH)} {rng.randint(1, 28)}"),
            ("Reminder", rng.choice(("Yes", "No", "Text Message", "Email"))),
        ]
    else:
        rows = [
            ("Employee", (_name(fake, rng), "PERSON")),
            ("Manager", (_name(fake, rng), "PERSON")),
            ("Department", rng.choice(DEPARTMENT)),
            ("Shift", rng.choice(("Early", "Late", "Night", "Weekend"))),
            ("Leave Type", rng.choice(("Annual", "Sick", "Unpaid", "Parental"))),
            ("Approved", rng.choice(("Yes", "No", "Pending"))),
            ("Email", (fake.email(), "EMAIL_ADDRESS")),
        ]
    sep = rng.choice((": ", ":\t", " | ", " - "))
    rows = [(label.upper() if rng.random() < 0.2 else label, value) for label, value in rows]
    b.fields([r for r in rows if r[1] != ""] if rng.random() < 0.5 else rows, sep)
    return b


def _structured(fake: Faker, rng: random.Random) -> _Builder:
    """One field's value on its own, as a JSON leaf would hold it."""
    b = _Builder()
    r = rng.random()
    if r < 0.3:
        b.pii(_name(fake, rng), "PERSON")
    elif r < 0.36:
        b.pii(fake.phone_number(), "PHONE_NUMBER")
    else:
        pool = rng.choice(
            (STATUS, PRIORITY, DEPARTMENT, CATEGORY, PRODUCT, COLOUR, SIZE, CHANNEL, WEEKDAY, MONTH)
        )
        value = rng.choice(pool)
        if rng.random() < 0.2:
            value = value.upper()
        elif rng.random() < 0.2:
            value = value.lower()
        if rng.random() < 0.15:
            value = f"{rng.randint(1, 500)} {rng.choice(UNIT)}"
        b.add(value)
    return b


def _clinical(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    lines = rng.sample(CLINICAL_LINES, rng.randint(2, 4))
    name_at = rng.randrange(len(lines) + 1) if rng.random() < 0.7 else None
    for index in range(len(lines) + 1):
        if index == name_at:
            last = fake.last_name().upper()
            pattern = rng.choice(
                ("{} PAGED, ", "MD {} AWARE. ", "CALLED DR {} RE K+ 3.1. ", "SEEN BY {} NP. ")
            )
            before, after = pattern.split("{}")
            b.add(before)
            b.pii(last, "PERSON")
            b.add(after)
        if index < len(lines):
            b.add(lines[index] + " ")
    return b


def _chat(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    for turn in range(rng.randint(2, 4)):
        if turn:
            b.add("\n")
        first = fake.first_name()
        low = first.lower() if rng.random() < 0.8 else first
        kind = rng.randrange(8)
        if kind == 0:
            b.add(f"[{rng.randint(8, 18)}:{rng.randint(10, 59)}] ")
            b.pii(low, "PERSON")
            b.add(
                ": "
                + rng.choice(("running late sorry", "done, pushed it", "can someone check the build", "brb"))
            )
        elif kind == 1:
            b.add(rng.choice(("thx ", "thanks ", "ty ", "cheers ")))
            b.pii(low, "PERSON")
            b.add(rng.choice(("", "!", " :)", ", that worked")))
        elif kind == 2:
            b.add(rng.choice(("ask for ", "talk to ", "ping ", "check with ")))
            b.pii(low, "PERSON")
            b.add(rng.choice((" at the front desk", " about the invoice", " tmrw", ", she knows")))
        elif kind == 3:
            b.add("@")
            b.pii(low, "PERSON")
            b.add(rng.choice((" can you review pls", " see above", " ok for friday?", " ^^")))
        elif kind == 4:
            b.add(rng.choice(("hey ", "hi ", "morning ", "yo ")))
            b.pii(low, "PERSON")
            b.add(rng.choice((" whats up", ", quick q", "!! long time", " u around?")))
        elif kind == 5:
            b.add(rng.choice(("ok see u monday", "lol same", "the printer is broken again", "lunch at 12?")))
            b.add(rng.choice((" - ", "\n-- ", " ~")))
            b.pii(low, "PERSON")
        else:  # no person: the words-kept side of chat
            b.add(
                rng.choice(
                    (
                        "ok",
                        "sounds good, will do",
                        "meeting moved to thursday",
                        "pls send the report by eod",
                        "status is still pending",
                        "the new release looks good",
                        "high priority ticket came in",
                        "coffee anyone?",
                        "wifi is down on floor 2",
                        "approved, ship it",
                    )
                )
            )
    return b


BUILDERS = {"form": _form, "structured": _structured, "clinical": _clinical, "chat": _chat}


def generate(n_per_style: int = 250, seed: int = 7) -> list[dict]:
    """n_per_style labelled records of each style (STYLES), in English."""
    rng = random.Random(seed)
    fakers = {}
    for locale in LOCALES:
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(f"{seed}-{locale}")
    records = []
    for style in STYLES:
        for index in range(n_per_style):
            fake = fakers[rng.choice(LOCALES)]
            record = BUILDERS[style](fake, rng).record(f"{style}-{index}", style)
            record["language"] = "en"
            if record["text"].strip() and not re.fullmatch(r"\W*", record["text"]):
                records.append(record)
    return records
