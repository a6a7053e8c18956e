"""Text full of words that are not personal data, with the PII it must still lose, known spans.

The tuning set for the "non-PII words kept" side of detection (`benchmarks/non_pii.py`), in four
styles where the default policy used to remove ordinary words:

* `form`: forms, credit lists and key/value dumps. Label words (`Line Manager`, `Host`,
  `NEXT OF KIN`, `DIRECTOR OF PHOTOGRAPHY`), snake_case keys (`written_by=`, `badge_id=`),
  possessives (`Ana's van`), countries after `country=`; and the names, phones and e-mails
  their values hold.
* `structured`: pipeline-shaped records (`{"id", "record", "spans": [{"path", ...}]}`, as
  `redaction.evaluate.evaluate_records` reads them) whose field names say customer, ship,
  contact, country: category values (`wholesale`, `newsletter`), codes (`EUR`, `B`), countries,
  next to name, phone and e-mail fields that hold real-looking values.
* `clinical`: nursing notes in upper and lower case, with abbreviations, relations, devices and
  drugs (`NIECE AT BEDSIDE`, `AMBULATORY WITH WALKER`, `VANCO`, `md paged x2`), and the
  clinicians' names and phones they carry.
* `numbers`: part numbers, dimensions, prices, floors, lots, times, invoices (English and the
  French words of a bilingual shop: `Salle`, `Commande`, `Référence`), and a phone after `Tel:`.

Every name, phone and e-mail is made up by Faker, in several locales; nothing comes from
tests/data/sources/. Records are `{"id", "text", "spans", "style", "language"}` (text styles) and
`{"id", "record", "spans", "style", "language"}` (`structured`).
"""

from __future__ import annotations

import random

from faker import Faker

from .ner_styles import _Builder

LOCALES = ("en_US", "en_GB", "en_IE", "en_AU", "de_AT", "it_IT", "es_ES", "fr_CH", "pl_PL", "pt_BR", "nl_NL")
STYLES = ("form", "structured", "clinical", "numbers")

COUNTRIES = (
    "Austria", "South Korea", "Suisse", "Germany", "Brazil", "New Zealand", "Portugal", "Canada",
    "Japan", "Norway", "Ireland", "Belgique", "Deutschland", "Mexico", "Poland", "Chile",
)  # fmt: skip
CATEGORIES = (
    "wholesale", "retail", "newsletter", "store", "online", "partner", "referral", "standard",
    "express", "pickup", "gift", "trial", "premium", "basic", "returning", "new", "vip", "staff",
    "paquet cadeau", "click and collect", "in store", "social media", "print", "corporate",
)  # fmt: skip
CODES = ("EUR", "USD", "GBP", "CHF", "K", "B", "A", "M", "XL", "S", "N/A", "TBD", "PLN")


def _name(fake: Faker, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return f"{fake.first_name()} {fake.last_name()}"
    if r < 0.8:
        return fake.first_name()
    return f"{fake.first_name()} {fake.last_name()} {fake.last_name()}" if r < 0.9 else fake.last_name()


def _phone(fake: Faker) -> str:
    return fake.phone_number()


# --- forms ---------------------------------------------------------------------------------
_FORM_ROLES = (
    "Line Manager", "Host", "Escort", "Visitor", "Supervisor", "Approved by", "Requested by",
    "Reviewed by", "Sponsor", "Team Lead", "Account Owner", "Witness", "Prepared by",
)  # fmt: skip
_FORM_PLAIN = (
    ("Grade", ("B2", "C1", "Senior", "Junior", "Level 3", "Band 6")),
    ("Weight", ("80kg", "12 lbs", "light", "heavy", "2.4 kg")),
    ("Format", ("A4", "PDF", "hardcopy", "Letter", "digital")),
    ("Status", ("open", "pending", "closed", "on hold")),
    ("Department", ("Logistics", "Finance", "Facilities", "Procurement")),
    ("Visit type", ("contractor", "interview", "delivery", "audit")),
    ("Badge", ("temporary", "permanent", "escorted only")),
    ("Member No", ("448812", "A-90211", "77120")),
    ("Parking", ("yes", "no", "bay 14")),
)
_CREDIT_ROLES = (
    "CASTING", "DIRECTOR OF PHOTOGRAPHY", "MUSIC", "EDITOR", "PRODUCTION DESIGNER",
    "COSTUME DESIGNER", "SOUND", "EXECUTIVE PRODUCER", "WRITTEN BY", "DIRECTED BY", "STUNTS",
)  # fmt: skip
_KIN_ROLES = ("NEXT OF KIN", "REFERRING PHYSICIAN", "EMERGENCY CONTACT", "PRIMARY CARE PHYSICIAN", "GUARDIAN")
_KEYS_PLAIN = (
    ("status", ("active", "pending", "archived")),
    ("ship_method", ("courier", "standard", "express")),
    ("member_no", ("99812", "40021", "77310")),
    ("badge_id", ("4471", "B-2210", "9001")),
    ("date_of_birth", ("1990-01-01", "1984-07-12", "2001-11-30")),
    ("priority", ("low", "high", "normal")),
    ("country", COUNTRIES),
    ("currency", ("EUR", "USD", "CHF")),
)
_POSSESSIVE = (
    "{}'s van for the move is booked for Friday.",
    "{}'s laptop needs a new battery.",
    "{}'s desk is next to the printer.",
    "{}'s car is in bay 4 today.",
    "{}'s team owns the release notes.",
)


def _form(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    kind = rng.randrange(4)
    if kind == 0:  # visitor / HR form with labels
        rows: list[tuple[str, str | tuple[str, str]]] = []
        for role in rng.sample(_FORM_ROLES, 3):
            rows.append((role, (_name(fake, rng), "PERSON")))
        for label, values in rng.sample(_FORM_PLAIN, 4):
            rows.append((label, rng.choice(values)))
        if rng.random() < 0.6:
            rows.append(("Tel", (_phone(fake), "PHONE_NUMBER")))
        rng.shuffle(rows)
        b.fields(rows, rng.choice((": ", ":\t", ":  ")))
    elif kind == 1:  # credit list, upper-case roles, tab or spaced columns
        sep = rng.choice(("\t", "    ", ": ", "  "))
        b.fields([(role, (_name(fake, rng), "PERSON")) for role in rng.sample(_CREDIT_ROLES, 4)], sep)
    elif kind == 2:  # admission sheet
        rows = [(role, (_name(fake, rng), "PERSON")) for role in rng.sample(_KIN_ROLES, 2)]
        rows.append(("Member No", str(rng.randint(100000, 999999))))
        rows.append(("TEL", (_phone(fake), "PHONE_NUMBER")))
        rows.append(("Relationship", rng.choice(("daughter", "niece", "spouse", "friend"))))
        b.fields(rows, rng.choice((": ", ":\t")))
    else:  # key=value dump, one line
        pieces: list[tuple[str, str | tuple[str, str]]] = [
            ("written_by", (fake.first_name(), "PERSON")),
            ("work_email", (fake.email(), "EMAIL_ADDRESS")),
        ]
        for key, values in rng.sample(_KEYS_PLAIN, 4):
            pieces.append((key, rng.choice(values)))
        rng.shuffle(pieces)
        for index, (key, value) in enumerate(pieces):
            if index:
                b.add(" ")
            b.add(f"{key}=")
            if isinstance(value, tuple):
                b.pii(*value)
            else:
                b.add(value)
        if rng.random() < 0.5:
            b.add("\n")
            before, after = rng.choice(_POSSESSIVE).split("{}")
            b.add(before)
            b.pii(fake.first_name(), "PERSON")
            b.add(after)
    return b


# --- structured records ----------------------------------------------------------------------
_CATEGORY_FIELDS = (
    "customer_type", "customer_segment", "customer_tier", "customer_source", "ship_method",
    "ship_service", "channel", "order_source", "gift_wrap", "contact_preference", "marketing_optin",
)  # fmt: skip
_CODE_FIELDS = ("currency", "customer_grade", "size", "ship_zone", "customer_class")
_COUNTRY_FIELDS = ("country", "ship_country", "billing_country", "customer_country", "pays")


def _structured(fake: Faker, rng: random.Random, record_id: str) -> dict:
    record: dict[str, object] = {}
    spans: list[dict] = []

    def pii(path: tuple, value: str, entity: str) -> None:
        spans.append({"path": list(path), "start": 0, "end": len(value), "type": entity})

    for key in rng.sample(_CATEGORY_FIELDS, 3):
        value = rng.choice(CATEGORIES)
        record[key] = value.capitalize() if rng.random() < 0.25 else value
    record[rng.choice(_CODE_FIELDS)] = rng.choice(CODES)
    record[rng.choice(_COUNTRY_FIELDS)] = rng.choice(COUNTRIES)
    customer: dict[str, object] = {"type": rng.choice(CATEGORIES), "country": rng.choice(COUNTRIES)}
    name = _name(fake, rng)
    name_key = rng.choice(("customer_name", "name", "ship_name", "recipient", "contact_name"))
    if rng.random() < 0.5:
        customer[name_key] = name
        pii(("customer", name_key), name, "PERSON")
    else:
        record[name_key] = name
        pii((name_key,), name, "PERSON")
    record["customer"] = customer
    if rng.random() < 0.6:
        phone = _phone(fake)
        key = rng.choice(("phone", "tel", "ship_phone", "mobile", "contact_number"))
        record[key] = phone
        pii((key,), phone, "PHONE_NUMBER")
    if rng.random() < 0.4:
        email = fake.email()
        record["email"] = email
        pii(("email",), email, "EMAIL_ADDRESS")
    return {"id": record_id, "record": record, "spans": spans, "style": "structured", "language": "en"}


# --- clinical notes --------------------------------------------------------------------------
_NOTE_LINES = (
    "L RADIAL A-LINE DAY 4, DSG CHANGED.",
    "BUN 22, CREAT 1.1, RISS PER PROTOCOL.",
    "MAP > 65 ON MIN LEVO, SVC SAT 72.",
    "NPN: PT AROUSABLE TO VOICE, INTERMITTENTLY CONFUSED.",
    "NIECE AT BEDSIDE, UPDATED ON PLAN.",
    "AMBULATORY WITH WALKER TO BATHROOM.",
    "PREVIOUSLY LIVED IN NURSING HOME, VNA SERVICES IN PLACE.",
    "ETOH HX, PCN ALLERGY NOTED.",
    "VANCO AND ZOSYN CONT, LEVELS PENDING.",
    "GOALS OF CARE DISCUSSED WITH FAMILY.",
    "HEMODYNAMICS STABLE OVERNIGHT.",
    "TOL CLEARS, ATT TO ADVANCE DIET.",
    "DM2, SSI WITH MEALS.",
    "PT AWARE OF PLAN, AGREES.",
)
_NOTE_NAME = ("DR {} AWARE. ", "SEEN BY DR {}. ", "D/W DR {} RE PLAN. ", "CALLED DR {}, NO NEW ORDERS. ")
_NOTE_PHONE = ("PCP OFFICE TEL: {}. ", "FAMILY CONTACT TEL {}. ")


def _clinical(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    lower = rng.random() < 0.4
    lines = rng.sample(_NOTE_LINES, rng.randint(3, 5))
    inserts: list[tuple[str, str, str]] = []
    if rng.random() < 0.7:
        inserts.append((rng.choice(_NOTE_NAME), fake.last_name(), "PERSON"))
    if rng.random() < 0.3:
        inserts.append((rng.choice(_NOTE_PHONE), _phone(fake), "PHONE_NUMBER"))
    slots = {rng.randrange(len(lines) + 1): item for item in inserts}
    for index in range(len(lines) + 1):
        if index in slots:
            pattern, value, entity = slots[index]
            before, after = pattern.split("{}")
            b.add(before.lower() if lower else before)
            b.pii(value if lower else value.upper(), entity)
            b.add(after.lower() if lower else after)
        if index < len(lines):
            b.add((lines[index].lower() if lower else lines[index]) + " ")
    return b


# --- numbers that are not phones -----------------------------------------------------------
_NUMBER_LINES = (
    "Part no. {d4}-{d3}-{d2} is back in stock.",
    "Dimensions: {d3} x {d4} x {d2} mm, weight {d2} kg.",
    "The price is {d4} and the office is on floor {d2}.",
    "Lot {d4} arrives at 14:{d2} and departs 16:{d2}; the voucher expires in {d2} days.",
    "Batch {d6} VAT 20% Invoice {d7} INV-{d5}",
    "Salle {d2}, Commande {d7}, Référence {d5}-{d2}",
    "Order total {d3}.{d2} EUR, item {d5}, qty {d2}.",
    "Gate {d2} closes at 09:{d2}, seat {d2}A, flight {d4}.",
    "Model {d4}-{d2} ships in box {d3} x {d3} x {d3} cm.",
    "Room {d3}, level {d1}, desk {d3}.",
    "Ref {d4} {d4} {d2} due {d2}/{d2}.",
    "Serial {d3}-{d3}-{d4} registered, warranty until {d4}.",
)


def _numbers(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()

    def digits(n: int) -> str:
        return str(rng.randint(10 ** (n - 1), 10**n - 1))

    lines = rng.sample(_NUMBER_LINES, rng.randint(2, 4))
    phone_at = rng.randrange(len(lines) + 1) if rng.random() < 0.4 else None
    for index in range(len(lines) + 1):
        if index == phone_at:
            b.add(rng.choice(("Tel: ", "Questions? Call ", "Phone: ")))
            b.pii(_phone(fake), "PHONE_NUMBER")
            b.add(". ")
        if index < len(lines):
            line = lines[index]
            for n in range(1, 8):
                marker = f"{{d{n}}}"
                while marker in line:
                    line = line.replace(marker, digits(n), 1)
            b.add(line + " ")
    return b


BUILDERS = {"form": _form, "clinical": _clinical, "numbers": _numbers}


def generate(n_per_style: int = 200, seed: int = 5) -> list[dict]:
    """n_per_style labelled records of each style (STYLES), in English; `structured` ones are
    pipeline-shaped (see the module docstring)."""
    rng = random.Random(seed)
    fakers = {}
    for locale in LOCALES:
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(f"{seed}-{locale}")
    records = []
    for style in STYLES:
        for index in range(n_per_style):
            fake = fakers[rng.choice(LOCALES)]
            record_id = f"{style}-{index}"
            if style == "structured":
                records.append(_structured(fake, rng, record_id))
                continue
            record = BUILDERS[style](fake, rng).record(record_id, style)
            record["language"] = "en"
            records.append(record)
    return records
