"""Court judgments in English: the heading with the case number, court and judge, the parties,
counsel and their instructing solicitors, numbered paragraphs of facts and evidence with
witnesses, addresses and dates.

Labels: PERSON (parties, judges, counsel, witnesses; never the title: Mr, Mrs, HHJ, Lord
Justice), STREET_ADDRESS, DATE_TIME (the year `may_keep`), ID (case and claim numbers, a
vehicle registration), PHONE_NUMBER (valid UK numbers per `phonenumbers`), EMAIL_ADDRESS,
LOCATION (a town named alone).
Companies and law firms are labelled ORGANIZATION: not personal data, neither required nor
counted as ordinary words.
"""

from __future__ import annotations

import random

from . import _dates
from ._build import Text, fakers, fill, phone, record

LANGUAGE = "en"

_HEADINGS = (
    "IN THE HIGH COURT OF JUSTICE\nKING'S BENCH DIVISION\nCase No: {CASE}\n\nBefore:\n"
    "THE HONOURABLE MR JUSTICE {JUDGE}\n\nBetween:\n{PARTY:a}\nClaimant\n- and -\n{PARTY:b}\nDefendant\n\n"
    "{COUNSEL} (instructed by {FIRM}) for the Claimant\n"
    "{COUNSEL} (instructed by {FIRM}) for the Defendant\n\n"
    "Hearing dates: {DATE} and {DATE}\n",
    "IN THE COUNTY COURT AT {TOWN_UP}\nClaim No. {CASE}\n\nHHJ {JUDGE}\n\n{PARTY:a} v {COMPANY}\n\n"
    "Judgment handed down on {DATE}\n",
    "IN THE COURT OF APPEAL (CIVIL DIVISION)\nON APPEAL FROM THE FAMILY COURT\n{CASE}\n\n"
    "Before:\nLORD JUSTICE {JUDGE}\nLADY JUSTICE {JUDGE}\n\nRe {INITIALS} (A Child)\n\n"
    "{COUNSEL} for the Appellant mother\n{COUNSEL} for the Respondent local authority\n",
    "EMPLOYMENT TRIBUNALS\n\nClaimant: {PARTY:a}\nRespondent: {COMPANY}\n\nHeard at: {TOWN} On: {DATE}\n"
    "Before: Employment Judge {JUDGE}\n",
)
_PARAGRAPHS = (
    "{P}. The claimant, {PARTY:a}, lived at {ADDRESS} with her two children until {DATE}.",
    "{P}. On {DATE} Mr {SURNAME:b} wrote to the claimant terminating the tenancy with immediate effect.",
    "{P}. I heard evidence from {WITNESS:c}, a neighbour, who said she saw the defendant's van outside the "
    "property at about 9 pm. I found {WSURNAME:c} an honest and careful witness.",
    "{P}. It is common ground that the sum of £{AMOUNT} was paid into the account on {DATE}.",
    "{P}. The vehicle, registration {REG}, was seen on CCTV leaving {TOWN} shortly afterwards.",
    "{P}. {COUNSEL_SHORT:d}, for the defendant, submitted that the limitation period had expired. "
    "I do not accept that submission.",
    "{P}. The relevant emails were sent from {EMAIL} to the claimant's solicitors.",
    "{P}. In his witness statement dated {DATE}, {WITNESS:e} describes the meeting at {ADDRESS}.",
    "{P}. The defendant's mobile number ({PHONE}) appears in the call records for that evening.",
    "{P}. For the reasons given above, the appeal is dismissed. I am grateful to {COUNSEL_SHORT} and "
    "{COUNSEL_SHORT} for their clear submissions.",
    "{P}. The parties married on {DATE} and separated in {YEAR}. The former matrimonial home is at "
    "{ADDRESS}.",
    "{P}. Dr {WSURNAME}, a consultant psychiatrist, gave expert evidence by video link.",
    "{P}. The respondent's director, {WITNESS}, accepted in cross-examination that no written warning "
    "was given.",
    "{P}. The order of District Judge {SURNAME} dated {DATE} is set aside.",
    "{P}. Service was effected by first class post to {ADDRESS} on {DATE}.",
    "{P}. The burden of proof lies on the party who asserts a fact, and the standard is the balance of "
    "probabilities.",
    "{P}. I have considered the authorities to which I was referred, in particular the decision of the "
    "Supreme Court on the approach to implied terms.",
    "{P}. There is no dispute about the chronology, which I set out briefly.",
)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"court/{seed}")
    fake = fakers(["en_GB", "en_US", "en_IE", "en_IN"], seed, salt=4)
    gb = fake["en_GB"]
    people: dict[str, tuple[str, str]] = {}

    def who(key: str | None) -> tuple[str, str]:
        if key is not None and key in people:
            return people[key]
        f = fake[rng.choice(("en_GB", "en_GB", "en_US", "en_IE", "en_IN"))]
        found = (f.first_name(), f.last_name())
        if key is not None:
            people[key] = found
        return found

    def firm(key) -> tuple[str, str]:
        return "ORGANIZATION", rng.choice(
            (
                f"{gb.last_name()} & {gb.last_name()} LLP",
                f"{gb.last_name()} Solicitors",
                f"{gb.last_name()} Law",
            )
        )

    def date(key):
        text, year = _dates.legal(rng)
        return ("DATE_TIME", text, year)

    def case(key) -> tuple[str, str]:
        year = rng.randint(2015, 2024)
        return "ID", rng.choice(
            (
                f"QB-{year}-{rng.randint(1, 4999):06d}",
                f"{rng.choice('ABCDEFGHJ')}{rng.randint(10, 99)}{''.join(rng.choices('ABCDEFGHJ', k=2))}"
                f"{rng.randint(100, 999)}",
                f"{rng.randint(1000000, 9999999)}/{year}",
                f"[{year}] EWCA Civ {rng.randint(1, 1999)}".replace("[", "CA-").replace("]", ""),
            )
        )

    slots = {
        "CASE": case,
        "JUDGE": lambda key: ("PERSON", who(key)[1].upper()),
        "PARTY": lambda key: (
            "PERSON",
            " ".join(who(key)).upper() if rng.random() < 0.5 else " ".join(who(key)),
        ),
        "COUNSEL": lambda key: ("PERSON", " ".join(who(key))),
        "COUNSEL_SHORT": lambda key: ("PERSON", who(key)[1]),
        "FIRM": firm,
        "COMPANY": lambda key: ("ORGANIZATION", gb.company()),
        "DATE": date,
        "YEAR": lambda key: ("DATE_TIME", str(rng.randint(1995, 2022)), (0, 4)),
        "TOWN": lambda key: ("LOCATION", gb.city()),
        "TOWN_UP": lambda key: ("LOCATION", gb.city().upper()),
        "INITIALS": lambda key: (
            "PERSON",
            f"{rng.choice('ABCDEFGHJKLMNPRST')}{rng.choice('ABCDEFGHJKLMNPRST')}",
        ),
        "SURNAME": lambda key: ("PERSON", who(key)[1]),
        "WITNESS": lambda key: ("PERSON", " ".join(who(key))),
        "WSURNAME": lambda key: ("PERSON", who(key)[1]),
        "ADDRESS": lambda key: ("STREET_ADDRESS", gb.address().replace("\n", ", ")),
        "AMOUNT": lambda key: (None, f"{rng.randint(1, 250)},{rng.randint(0, 999):03d}"),
        "REG": lambda key: ("ID", gb.license_plate()),
        "EMAIL": lambda key: ("EMAIL_ADDRESS", gb.email()),
        "PHONE": lambda key: ("PHONE_NUMBER", phone(rng, "GB", international=rng.random() < 0.3)),
    }
    records = []
    for index in range(n):
        people.clear()
        built = Text()
        if rng.random() < 0.5:
            fill(built, rng.choice(_HEADINGS), slots)
            built.add("\n")
        first = rng.randint(1, 80)
        for offset, paragraph in enumerate(rng.sample(_PARAGRAPHS, rng.randint(2, 4))):
            if offset:
                built.add("\n\n")
            fill(built, paragraph.replace("{P}", str(first + offset)), slots)
        records.append(record(f"CT-{index + 1:05d}", built, LANGUAGE))
    return records
