"""Fake support text with PII at known offsets, for tests and benchmarks/quality.py.

Every value comes from Faker or from ranges reserved for fiction (US 555-0100..0199, UK drama
numbers such as 020 7946 0xxx), never from a real person. A text is built from a template piece
by piece, and each PII value's offsets are recorded as it is appended, so gold spans are exact
by construction: nothing is searched for afterwards. The same seed always gives the same output
(one `random.Random` and one seeded Faker per locale, nothing read from the clock).

Six phrasing styles (chat, email, ticket, form, clinical, csv), several templates each, with
filler sentences that hold no PII so that over-redaction shows up as lost ordinary words.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import random
import re
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from faker import Faker

from redaction.evaluate import DIRECT_IDENTIFIERS

ENTITY_TYPES = (*DIRECT_IDENTIFIERS, "LOCATION", "DATE_TIME", "URL")


STYLES = ("chat", "email", "ticket", "form", "clinical", "csv")

MAX_PII_PER_TEXT = 4

# --- non-PII filler: no names, places, numbers, dates or identifiers -------------------------

_FILLER_GENERAL = (
    "Thanks for getting back to me so quickly.",
    "I have tried restarting the app but the problem is still there.",
    "The invoice shows a charge that I do not recognise.",
    "Could you please look into this when you have a moment?",
    "Let me know if you need anything else from my side.",
    "The order arrived with a damaged box and a missing cable.",
    "I would like to update the details on my account.",
    "Please cancel the automatic renewal and confirm by reply.",
    "The page keeps loading and never shows the confirmation.",
    "I am not sure whether the payment went through.",
    "The mobile app closes right after the login screen.",
    "Happy to provide screenshots if that helps.",
    "This is the second time I am writing about this.",
    "The discount code was not applied at checkout.",
    "My password reset email never arrived.",
    "I was charged the full price instead of the student rate.",
    "Your colleague said someone would call back, but nobody did.",
    "The tracking page has not changed for a while.",
    "I would appreciate a quick answer because the account is locked.",
    "Everything else works fine, only the export fails.",
)

_FILLER_CHAT = (
    "ok thanks",
    "no worries",
    "sure, one sec",
    "it still says payment failed when i try again",
    "yeah that worked, kind of",
    "sorry, the connection dropped",
    "can you check on your end?",
    "the app is stuck on the loading screen",
    "i already cleared the cache",
    "great, appreciate it",
    "hmm not really",
    "how long does a refund usually take?",
)

_FILLER_TICKET = (
    "Issue started after the latest update.",
    "Customer is unable to reset the password.",
    "Escalating to second-line support.",
    "Refund requested for the duplicate charge.",
    "Workaround provided, awaiting confirmation.",
    "Priority raised due to repeated contact.",
    "Login fails with a generic error message.",
    "Shipment marked as delivered but not received.",
    "Subscription downgraded by mistake.",
    "Customer asked for the invoice to be reissued.",
    "Billing system shows the account as suspended.",
    "Verified identity before discussing the account.",
)

_FILLER_CLINICAL = (
    "Patient reports intermittent chest tightness on exertion.",
    "No known drug allergies.",
    "Blood pressure within normal limits.",
    "Advised to continue current medication and return if symptoms worsen.",
    "Denies fever or cough.",
    "Lungs clear on auscultation.",
    "Prescribed a short course of antibiotics.",
    "Mild tenderness over the lower back, full range of motion.",
    "Sleep has improved since the dose was adjusted.",
    "Wound healing well, sutures intact.",
    "Discussed diet and exercise at length.",
    "Referred for physiotherapy.",
)

_FILLERS = {
    "chat": _FILLER_CHAT,
    "email": _FILLER_GENERAL,
    "ticket": _FILLER_TICKET + _FILLER_GENERAL,
    "form": _FILLER_GENERAL,
    "clinical": _FILLER_CLINICAL,
    "csv": _FILLER_TICKET,
}

# --- phrases that carry exactly one PII value ({DETAIL} picks one) ---------------------------

_PHRASES = {
    "PERSON": (
        "my colleague {PERSON} can confirm this",
        "the account is in the name of {PERSON}",
        "please ask for {PERSON}",
        "{PERSON} placed the order",
        "the parcel was signed for by {PERSON}",
    ),
    "EMAIL_ADDRESS": (
        "you can reach me at {EMAIL_ADDRESS}",
        "my email is {EMAIL_ADDRESS}",
        "please reply to {EMAIL_ADDRESS}",
        "send the receipt to {EMAIL_ADDRESS}",
    ),
    "PHONE_NUMBER": (
        "call me on {PHONE_NUMBER}",
        "my phone number is {PHONE_NUMBER}",
        "best number to reach me: {PHONE_NUMBER}",
        "or ring {PHONE_NUMBER} in the evening",
        "the callback went to {PHONE_NUMBER}",
    ),
    "CREDIT_CARD": (
        "I paid with card {CREDIT_CARD}",
        "card number {CREDIT_CARD} was charged twice",
        "my credit card is {CREDIT_CARD}",
        "it was charged to {CREDIT_CARD}",
    ),
    "IBAN_CODE": (
        "please refund to IBAN {IBAN_CODE}",
        "my bank account is {IBAN_CODE}",
        "the transfer came from account {IBAN_CODE}",
        "pay it back to {IBAN_CODE}",
    ),
    "IP_ADDRESS": (
        "the login came from {IP_ADDRESS}",
        "my IP address is {IP_ADDRESS}",
        "the firewall blocked {IP_ADDRESS}",
        "I am connecting from {IP_ADDRESS}",
    ),
    "US_SSN": (
        "my SSN is {US_SSN}",
        "social security number {US_SSN}",
        "SSN: {US_SSN}",
        "for verification the number is {US_SSN}",
    ),
    "US_DRIVER_LICENSE": (
        "my driver's license is {US_DRIVER_LICENSE}",
        "DL# {US_DRIVER_LICENSE}",
        "driver license number {US_DRIVER_LICENSE}",
        "license no. {US_DRIVER_LICENSE} was scanned at the desk",
    ),
    "STREET_ADDRESS": (
        "I live at {STREET_ADDRESS}",
        "ship it to {STREET_ADDRESS}",
        "our new address is {STREET_ADDRESS}",
        "deliver to {STREET_ADDRESS} please",
    ),
    "LOCATION": (
        "I am currently in {LOCATION}",
        "the parcel is stuck in {LOCATION}",
        "we moved to {LOCATION} recently",
        "the branch in {LOCATION} could not help",
    ),
    "DATE_TIME": (
        "I was born on {DATE_TIME}",
        "the order was placed on {DATE_TIME}",
        "it has been like this since {DATE_TIME}",
        "on {DATE_TIME} I was charged twice",
    ),
    "URL": (
        "see {URL}",
        "the link {URL} is broken",
        "my profile is at {URL}",
        "the error shows on {URL}",
    ),
}

# --- templates per style. Slots: an entity type, FIRST_NAME (a PERSON), DETAIL (a phrase
# above; Detail capitalises it), FILLER (a sentence from the style's filler). 1 to 4 PII each.

_TEMPLATES = {
    "chat": (
        "hi, {FILLER} {DETAIL}",
        "customer: {FILLER}\nagent: {FILLER}\ncustomer: {DETAIL}\nagent: thanks {FIRST_NAME}, "
        "{FILLER}",
        "hey its {FIRST_NAME} here. {DETAIL} and {DETAIL}",
        "me: {FILLER}\nsupport: could you confirm your email?\nme: {EMAIL_ADDRESS}\nsupport: "
        "{FILLER}",
        "{FILLER}. {DETAIL}. {FILLER}",
        "user: {DETAIL}\nbot: I can help with that.\nuser: also {DETAIL}\nbot: {FILLER}",
    ),
    "email": (
        "Hi {FIRST_NAME},\n\n{FILLER} {Detail}.\n\n{FILLER}\n\nBest regards,\n{PERSON}\n"
        "{PHONE_NUMBER}",
        "Hello support team,\n\n{FILLER} {Detail}. {FILLER}\n\nThanks,\n{PERSON}\n"
        "{EMAIL_ADDRESS}",
        "Dear {PERSON},\n\n{FILLER}\n\nKind regards,\n{FIRST_NAME}\nSent from my phone",
        "Hi there,\n\n{FILLER} {FILLER}\n\nCheers,\n{PERSON}\nT: {PHONE_NUMBER} | E: "
        "{EMAIL_ADDRESS}",
        "Good morning,\n\n{Detail}. {FILLER}\n\n--\n{PERSON}\nCustomer Success Manager\n"
        "{STREET_ADDRESS}, {LOCATION}",
        "To whom it may concern,\n\n{FILLER} {Detail}.\n\nSincerely,\n{PERSON}",
    ),
    "ticket": (
        "Ticket summary: {FILLER}\nDescription: {FILLER} {Detail}.\nSteps taken: {FILLER}",
        "Reported by {PERSON} via web form. {FILLER} Customer says {DETAIL}. {FILLER}",
        "[Billing] {FILLER} Caller verified with {DETAIL}. Callback requested on "
        "{PHONE_NUMBER}.",
        "Issue: {FILLER}\nImpact: single user\nContact: {PERSON} <{EMAIL_ADDRESS}>\nNotes: "
        "{Detail}.",
        "Internal note: {FILLER} {Detail}. {Detail}. {FILLER}",
        "Case reopened. {FILLER} Customer wrote: \"{DETAIL}\". {FILLER}",
    ),
    "clinical": (
        "Pt: {PERSON}\nDOB: {DATE_TIME}\nS: {FILLER}\nO: {FILLER}\nA/P: {FILLER}",
        "Seen in clinic on {DATE_TIME}. {FILLER} {FILLER} Next of kin {PERSON}, {PHONE_NUMBER}.",
        "Patient {PERSON} presented for review. {FILLER} Lives at {STREET_ADDRESS}, {LOCATION}.",
        "Telehealth note. {FILLER} Patient contacted via {PHONE_NUMBER}. {FILLER}",
        "Follow-up for {FIRST_NAME} {FILLER} {FILLER} Insurance check: {Detail}.",
        "Discharge summary. {FILLER} Discharged to home address {STREET_ADDRESS}. "
        "Contact email {EMAIL_ADDRESS}.",
    ),
    "csv": (
        "{PERSON},{EMAIL_ADDRESS},premium,active",
        "{PERSON};{PHONE_NUMBER};{LOCATION};renewal due",
        "user={EMAIL_ADDRESS} ip={IP_ADDRESS} action=login status=failed",
        "order 4821, {PERSON}, {STREET_ADDRESS}, paid, dispatched",
        "- {PERSON} ({EMAIL_ADDRESS}), billing admin",
        "refund,{IBAN_CODE},approved,{FILLER}",
        "card_on_file={CREDIT_CARD}; holder={PERSON}; status=expired",
        "ssn {US_SSN} | dl {US_DRIVER_LICENSE} | check pending",
    ),
}

# Form dumps: one labelled line per field. PII fields per entity type, several labels each.
_FORM_FIELDS = {
    "PERSON": ("Name", "Full name", "Customer", "Contact person"),
    "EMAIL_ADDRESS": ("Email", "E-mail", "Contact email"),
    "PHONE_NUMBER": ("Phone", "Mobile", "Telephone", "Daytime phone"),
    "CREDIT_CARD": ("Card number", "Credit card", "Payment card"),
    "IBAN_CODE": ("IBAN", "Bank account (IBAN)"),
    "IP_ADDRESS": ("IP", "Client IP", "Last login IP"),
    "US_SSN": ("SSN", "Social security number"),
    "US_DRIVER_LICENSE": ("Driver's license", "DL#", "Driver license no."),
    "STREET_ADDRESS": ("Address", "Street address", "Shipping address"),
    "LOCATION": ("City", "Town"),
    "DATE_TIME": ("Date of birth", "DOB", "Date"),
    "URL": ("Website", "Profile URL"),
}
_FORM_EXTRAS = (
    "Plan: premium",
    "Status: open",
    "Preferred contact: email",
    "Category: billing",
    "Newsletter: no",
    "Source: contact form",
    "Comments: {FILLER}",
    "Message: {FILLER}",
)
_FORM_HEADERS = ("", "--- web form submission ---\n", "Form: contact-us\n", "NEW LEAD\n")

# Pipeline records (generate_records) reuse the styles above for the body.
_SUBJECTS = (
    "Refund request",
    "Cannot log in",
    "Card charged twice",
    "Question about my invoice",
    "Delivery problem",
    "Account locked",
    "Change of address for {PERSON}",
    "Callback please: {PHONE_NUMBER}",
    "Urgent: {FILLER}",
)
_NOTES = (
    "Customer verified with {DETAIL}.",
    "Prefers contact by email.",
    "Previous ticket merged into this one.",
    "Spoke with {PERSON}, {FILLER}",
    "Alternative contact {PHONE_NUMBER}.",
    "{FILLER}",
)

_SLOT = re.compile(r"\{(\w+)\}")
_PII_SLOTS = frozenset(ENTITY_TYPES) | {"FIRST_NAME", "DETAIL", "Detail"}

# Area codes in use, for US numbers in the fictional 555-0100..0199 block.
_US_AREA = ("212", "312", "415", "617", "303", "206", "512", "602", "702", "404", "305", "713",
            "214", "503", "615", "919", "718", "646", "323", "818", "207", "860", "971", "480")
# UK numbers in Ofcom's ranges for drama: (national prefix, area, local prefix).
_UK_AREA = (("20", "7946 0"), ("161", "496 0"), ("121", "496 0"), ("113", "496 0"),
            ("117", "496 0"), ("131", "496 0"), ("141", "496 0"))
_CARD_TYPES = ("visa16", "mastercard", "amex", "discover")


def pii_slot_count(template: str) -> int:
    """How many PII values a template inserts (each DETAIL phrase holds exactly one)."""
    return sum(1 for name in _SLOT.findall(template) if name in _PII_SLOTS)


class _Text:
    """A text under construction with the gold spans of the values appended to it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict] = []
        self.fillers: set[str] = set()

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)

    def add_value(self, entity_type: str, value: str) -> None:
        self.spans.append(
            {"start": self.length, "end": self.length + len(value), "type": entity_type}
        )
        self.add(value)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class _Fake:
    """All randomness for one seed: one Random for choices, one seeded Faker per locale."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, locale in enumerate(("en_US", "en_GB", "de_DE", "fr_FR")):
            fake = Faker(locale)
            fake.seed_instance(seed * 10 + offset)
            self.fakers[locale] = fake

    # -- values ------------------------------------------------------------------------------

    def _person_locale(self) -> Faker:
        return self.fakers[self.rng.choice(("en_US", "en_GB"))]

    def first_name(self) -> str:
        return self._person_locale().first_name()

    def person(self) -> str:
        fake = self._person_locale()
        if self.rng.random() < 0.2:
            initial = self.rng.choice("ABCDEFGHJKLMNPRSTW")
            return f"{fake.first_name()} {initial}. {fake.last_name()}"
        return f"{fake.first_name()} {fake.last_name()}"

    def email(self) -> str:
        fake = self._person_locale()
        kind = self.rng.randrange(4)
        if kind == 0:
            return fake.email()
        if kind == 1:
            return fake.free_email()
        if kind == 2:
            return fake.company_email()
        first, last = _ascii_name(fake.first_name()), _ascii_name(fake.last_name())
        sep = self.rng.choice((".", "_", ""))
        return f"{first}{sep}{last}{self.rng.randrange(100)}@{fake.free_email_domain()}"

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            area, line = rng.choice(_US_AREA), f"01{rng.randrange(100):02d}"
            return rng.choice(
                (
                    f"({area}) 555-{line}",
                    f"{area}-555-{line}",
                    f"{area}.555.{line}",
                    f"+1 {area} 555 {line}",
                    f"+1-{area}-555-{line}",
                    f"1 ({area}) 555-{line}",
                )
            )
        area, local = rng.choice(_UK_AREA)
        local = f"{local}{rng.randrange(1000):03d}"
        if area == "20":  # London: 020 xxxx xxxx
            return rng.choice((f"+44 20 {local}", f"020 {local}", f"(020) {local}"))
        return rng.choice((f"+44 {area} {local}", f"0{area} {local}", f"(0{area}) {local}"))

    def credit_card(self) -> str:
        card_type = self.rng.choice(_CARD_TYPES)
        number = self.fakers["en_US"].credit_card_number(card_type=card_type)
        style = self.rng.randrange(3)
        if style == 0:
            return number
        sep = " " if style == 1 else "-"
        if len(number) == 15:  # American Express prints 4-6-5
            groups = [number[:4], number[4:10], number[10:]]
        else:
            groups = [number[i : i + 4] for i in range(0, len(number), 4)]
        return sep.join(groups)

    def iban(self) -> str:
        value = self.fakers[self.rng.choice(("en_GB", "de_DE", "fr_FR"))].iban()
        if self.rng.random() < 0.5:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value

    def ip_address(self) -> str:
        fake = self.fakers["en_US"]
        kind = self.rng.randrange(4)
        if kind == 0:
            return fake.ipv4_public()
        if kind == 1:
            return fake.ipv4_private()
        if kind == 2:
            return fake.ipv6()
        return str(ipaddress.IPv6Address(fake.ipv6()).compressed)

    def ssn(self) -> str:
        rng = self.rng
        area = rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        sep = rng.choice(("-", " "))
        return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"

    def driver_license(self) -> str:
        rng = self.rng

        def digits(k: int) -> str:
            return "".join(rng.choice("0123456789") for _ in range(k))

        letters = "ABCDEFGHJKLMNPRSTWY"
        letter, second = rng.choice(letters), rng.choice(letters)
        return rng.choice(
            (
                f"{letter}{digits(7)}",  # California
                f"{letter}{digits(8)}",  # Ohio-style letter + 8
                f"{letter}{digits(12)}",  # Florida/Illinois without dashes
                f"{letter}{digits(3)}-{digits(4)}-{digits(4)}",  # Illinois printed
                digits(9),  # New York
                digits(8),  # Texas
                f"{letter}{second}{digits(6)}",  # two letters + 6
            )
        )

    def street_address(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return self.fakers["en_US"].street_address()
        if kind == 1:
            return self.fakers["en_GB"].street_address().replace("\n", ", ")
        if kind == 2:
            fake = self.fakers["en_US"]
            sep = rng.choice((" ", ", "))
            return f"{fake.building_number()} {fake.street_name()}{sep}{fake.secondary_address()}"
        fake = self.fakers["en_GB"]
        return f"Flat {rng.randint(1, 40)}, {fake.building_number()} {fake.street_name()}"

    def location(self) -> str:
        if self.rng.random() < 0.5:
            return self._person_locale().city()
        return self.fakers["en_US"].location_on_land()[2]

    def date(self) -> str:
        day = date(1940, 1, 1) + timedelta(days=self.rng.randrange(31_000))
        fmt = self.rng.choice(
            ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%b %d, %Y")
        )
        return day.strftime(fmt)

    def url(self) -> str:
        fake = self.fakers[self.rng.choice(("en_US", "en_GB"))]
        kind = self.rng.randrange(3)
        if kind == 0:
            return fake.url()
        if kind == 1:
            return fake.url().rstrip("/") + "/" + fake.uri_path()
        return f"www.{fake.domain_name()}/{fake.uri_page()}"

    def value(self, entity_type: str) -> str:
        return {
            "PERSON": self.person,
            "EMAIL_ADDRESS": self.email,
            "PHONE_NUMBER": self.phone,
            "CREDIT_CARD": self.credit_card,
            "IBAN_CODE": self.iban,
            "IP_ADDRESS": self.ip_address,
            "US_SSN": self.ssn,
            "US_DRIVER_LICENSE": self.driver_license,
            "STREET_ADDRESS": self.street_address,
            "LOCATION": self.location,
            "DATE_TIME": self.date,
            "URL": self.url,
        }[entity_type]()

    # -- texts -------------------------------------------------------------------------------

    def render(self, template: str, style: str, out: _Text) -> None:
        pos = 0
        for match in _SLOT.finditer(template):
            out.add(template[pos : match.start()])
            name = match.group(1)
            if name in ENTITY_TYPES:
                out.add_value(name, self.value(name))
            elif name == "FIRST_NAME":
                out.add_value("PERSON", self.first_name())
            elif name in ("DETAIL", "Detail"):
                phrase = self.rng.choice(_PHRASES[self.rng.choice(ENTITY_TYPES)])
                if name == "Detail" and not phrase.startswith("{"):
                    phrase = phrase[0].upper() + phrase[1:]
                self.render(phrase, style, out)
            elif name == "FILLER":
                unused = [f for f in _FILLERS[style] if f not in out.fillers]
                filler = self.rng.choice(unused)
                out.fillers.add(filler)
                out.add(filler)
            else:
                raise KeyError(f"unknown template slot {name!r}")
            pos = match.end()
        out.add(template[pos:])

    def form_template(self) -> str:
        rng = self.rng
        types = rng.sample(list(_FORM_FIELDS), k=rng.randint(1, MAX_PII_PER_TEXT))
        lines = [f"{rng.choice(_FORM_FIELDS[t])}: {{{t}}}" for t in types]
        lines += rng.sample(_FORM_EXTRAS, k=rng.randint(1, 3))
        rng.shuffle(lines)
        sep = rng.choice((": ", ": ", ":\t", " = "))
        return rng.choice(_FORM_HEADERS) + "\n".join(line.replace(": ", sep, 1) for line in lines)

    def text(self, style: str) -> _Text:
        template = self.form_template() if style == "form" else self.rng.choice(_TEMPLATES[style])
        out = _Text()
        self.render(template, style, out)
        return out


def _ascii_name(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower()) or "user"


def generate_labelled(n: int, seed: int = 0) -> list[dict]:
    """`n` labelled texts: {"id", "text", "style", "spans": [{"start", "end", "type"}]}.

    Styles rotate through STYLES in random order; every text holds 1 to 4 PII values and
    `text[start:end]` of each span is exactly the value inserted.
    """
    fake = _Fake(seed)
    records = []
    for index in range(n):
        style = fake.rng.choice(STYLES)
        built = fake.text(style)
        records.append(
            {"id": f"L-{index + 1:06d}", "text": built.text, "style": style, "spans": built.spans}
        )
    return records


def generate_records(
    n: int, seed: int = 0, *, types: Collection[str] | None = DIRECT_IDENTIFIERS
) -> tuple[list[dict], list[str]]:
    """`n` support-ticket records and the distinct PII values inserted into them.

    Records: {"id": "T-000001", "subject", "body", "customer": {"name", "email", "notes"},
    "created_at" (ISO 8601, UTC), "priority", "channel"}. The values list holds, in order of
    first use, every value of an entity type in `types` (default: DIRECT_IDENTIFIERS, the
    ones no output may keep; `types=None` lists all types, dates and cities included). Check
    survival with word boundaries: a short first name can be part of an ordinary word.
    """
    fake = _Fake(seed)
    rng = fake.rng
    records: list[dict] = []
    values: dict[str, None] = {}

    def keep(built: _Text) -> str:
        text = built.text
        for span in built.spans:
            if types is None or span["type"] in types:
                values.setdefault(text[span["start"] : span["end"]])
        return text

    def fill(template: str, style: str = "ticket") -> str:
        built = _Text()
        fake.render(template, style, built)
        return keep(built)

    start = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(n):
        style = rng.choice(STYLES)
        body = keep(fake.text(style))
        channel = {"chat": "chat", "email": "email"}.get(style) or rng.choice(
            ("email", "chat", "phone")
        )
        person = fake._person_locale()
        first, last = person.first_name(), person.last_name()
        name = f"{first} {last}"
        email = f"{_ascii_name(first)}.{_ascii_name(last)}@{person.free_email_domain()}"
        if types is None or "PERSON" in types:
            values.setdefault(name)
        if types is None or "EMAIL_ADDRESS" in types:
            values.setdefault(email)
        notes = [fill(rng.choice(_NOTES)) for _ in range(rng.randint(0, 2))]
        created = start + timedelta(seconds=rng.randrange(365 * 86_400))
        records.append(
            {
                "id": f"T-{index + 1:06d}",
                "subject": fill(rng.choice(_SUBJECTS)),
                "body": body,
                "customer": {"name": name, "email": email, "notes": notes},
                "created_at": created.isoformat(timespec="seconds"),
                "priority": rng.choice(("low", "normal", "normal", "high")),
                "channel": channel,
            }
        )
    return records, list(values)


# The three lines write_samples appends to tickets.jsonl, each to be quarantined for its reason.
BAD_LINES = (
    b'{"id": "T-BAD-001", "subject": "unterminated\n',  # malformed JSON
    b'{"subject": "no id here", "body": "This record has no id field."}\n',  # missing id
    b'{"id": "T-BAD-003", "body": "caf\xe9 \xff\xfe not UTF-8"}\n',  # undecodable bytes
)


def write_samples(folder: Path, n: int = 200, seed: int = 7) -> list[Path]:
    """Write `tickets.jsonl` (n records, then BAD_LINES) and `tickets.csv` (50 more records).

    The CSV records are generated after the JSONL ones from the same seed, so ids and values
    do not repeat between the two files. Returns [jsonl_path, csv_path].
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    records, _ = generate_records(n + 50, seed)
    jsonl_path = folder / "tickets.jsonl"
    with jsonl_path.open("wb") as out:
        for record in records[:n]:
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        for line in BAD_LINES:
            out.write(line)
    csv_path = folder / "tickets.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("id", "subject", "body", "customer_name", "customer_email", "priority"))
        for record in records[n:]:
            writer.writerow(
                (
                    record["id"],
                    record["subject"],
                    record["body"],
                    record["customer"]["name"],
                    record["customer"]["email"],
                    record["priority"],
                )
            )
    return [jsonl_path, csv_path]
