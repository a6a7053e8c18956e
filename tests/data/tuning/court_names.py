"""Person names in English court judgments: bare surnames in prose, party headers, judges, counsel.

The tuning set for the court-judgment name rules (`benchmarks/ner_styles.py --set court_names`):

* `prose`: a judgment body where witnesses and counsel come back by bare surname after or before
  a role phrase (`I found Hill an honest and careful witness`, `I am grateful to Read and Mills
  for their clear submissions`, `12. Church, for the defendant, submitted that`), some of whose
  full names appear once earlier in the record and some never, surnames that are also English
  words among them; beside the same cues with ordinary words (`I found the evidence compelling`,
  `grateful to the court`, `the Judge`, `Claimant`).
* `header`: the header block `Between:` / NAME / `Claimant` / `- and -` / NAME / `Defendant`, names
  in upper case or title case, with two or three words (`KELLY-ANNE O'CASSIDY`), a company as one
  party, court names above it (`IN THE HIGH COURT OF JUSTICE`, `Supreme Court`).
* `judges`: `HHJ O'TIERNEY`, `MR JUSTICE GREEN`, `Employment Judge Billie-Jo Scollan`, `Before:`
  lines, and case titles `<First Last> v <Company>`.
* `counsel`: counsel lines `<First Last> (instructed by <Firm>) for the Claimant`, and `Mr X KC
  for the Respondent` variants.

Every name is made up by Faker (or from the short list of word surnames below); the templates are
written here, apart from the other tuning sets and from tests/data/sources/. Each record is
`{"id", "text", "spans": [{"start", "end", "type"}], "style", "language"}` (PERSON only).
"""

from __future__ import annotations

import random

from faker import Faker

from tests.data.tuning.ner_styles import _Builder

LOCALES = ("en_GB", "en_IE", "en_US", "en_AU", "en_NZ", "en_IN", "de_DE", "it_IT", "pl_PL", "nl_NL")
STYLES = ("prose", "header", "judges", "counsel")

# Surnames that are also English words.
WORD_SURNAMES = (
    "Green",
    "Hill",
    "Read",
    "Church",
    "Bridge",
    "White",
    "Mills",
    "Doctor",
    "Wells",
    "Brown",
    "Black",
    "Young",
    "Marsh",
    "Wood",
    "Rivers",
    "Lord",
    "Archer",
    "Bishop",
    "Shepherd",
    "Glass",
)
O_SURNAMES = ("O'Tierney", "O'Cassidy", "O'Rourke", "O'Dowd", "O'Halloran", "O'Mahony", "O'Keeffe")
HYPHEN_FIRST = ("Kelly-Anne", "Billie-Jo", "Mary-Kate", "Jo-Anne", "Lee-Ann", "Ann-Marie", "Jean-Paul")
FIRMS = (
    "Hartley Lowe LLP",
    "Bramwell & Co",
    "the Government Legal Department",
    "Penrose Solicitors",
    "Direct Access",
    "Calder Ashby Solicitors",
)
COMPANIES = (
    "Northgate Logistics Ltd",
    "Acorn Care Homes Limited",
    "the Secretary of State for Work and Pensions",
    "Bellway Retail plc",
    "Meridian Security Services Ltd",
    "Wessex Water Services Ltd",
)
COURTS = (
    "IN THE HIGH COURT OF JUSTICE\nKING'S BENCH DIVISION",
    "IN THE COUNTY COURT AT LEEDS",
    "IN THE EMPLOYMENT TRIBUNAL",
    "IN THE COURT OF APPEAL (CIVIL DIVISION)",
    "THE SUPREME COURT",
    "IN THE BUSINESS AND PROPERTY COURTS OF ENGLAND AND WALES",
)
# Ordinary sentences with the same cues as the names: nothing in them is a person.
NEGATIVES = (
    "I found the evidence compelling.",
    "I found the documents of little help.",
    "I found that the Claimant was not dismissed.",
    "I am grateful to the court staff for their help.",
    "I am grateful to both counsel for their clear submissions.",
    "The Judge found the Defendant in breach.",
    "The Claimant appealed to the Supreme Court.",
    "Counsel for the Defendant submitted that the claim was out of time.",
    "The Respondent, for its part, submitted that the dismissal was fair.",
    "Green belt land lies to the north of the site.",
    "The bridge over the mills was in poor repair and the wells were dry.",
    "A doctor gave evidence about the church hall.",
    "The Tribunal read the bundle and heard the witnesses.",
    "I found it an honest and careful account.",
    "The Court of Appeal and the High Court agreed.",
)


def _surname(fake: Faker, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(WORD_SURNAMES)
    if roll < 0.55:
        return rng.choice(O_SURNAMES)
    return fake.last_name()


def _first(fake: Faker, rng: random.Random) -> str:
    return rng.choice(HYPHEN_FIRST) if rng.random() < 0.15 else fake.first_name()


def _fake(fakes: dict[str, Faker], rng: random.Random) -> Faker:
    return fakes[rng.choice(LOCALES)]


def _negatives(b: _Builder, rng: random.Random, k: int = 2) -> None:
    for sentence in rng.sample(NEGATIVES, k):
        b.add(" " + sentence)


# --- judgment prose ---------------------------------------------------------------------------------
PROSE_FOUND = (
    ("I found ", " an honest and careful witness."),
    ("I found ", " a straightforward and reliable witness."),
    ("I did not find ", " a reliable witness."),
    ("I accept the evidence of ", " on this point."),
    ("I prefer the evidence of ", " to that of the Claimant."),
    ("In cross-examination ", " accepted that the letter was never sent."),
    ("", " was, in my judgment, doing her best to assist the Tribunal."),
    ("", " gave evidence on the second day."),
)
PROSE_COUNSEL = (
    ("", ", for the defendant, submitted that the claim was time-barred."),
    ("", ", for the Claimant, submitted that the contract had been varied."),
    ("", ", who appeared for the Respondent, accepted that the point was not pleaded."),
    ("", " for the Appellant submits that the judge erred."),
    ("On behalf of the Respondent, ", " argued that the appeal should be dismissed."),
)


def _prose(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _fake(fakes, rng)
    witness, counsel_a, counsel_b = (_surname(fake, rng) for _ in range(3))
    while counsel_b == counsel_a:
        counsel_b = fake.last_name()
    para = rng.randint(3, 60)
    if rng.random() < 0.5:  # the witness's full name once earlier in the record
        b.add(f"{para}. The Claimant called ")
        b.pii(f"{_first(fake, rng)} {witness}", "PERSON")
        b.add(rng.choice((", the site manager.", ", her former line manager.", ".")))
        _negatives(b, rng, 1)
        b.add("\n")
        para += 1
    before, after = rng.choice(PROSE_FOUND)
    b.add(f"{para}. {before}")
    b.pii(witness, "PERSON")
    b.add(after)
    _negatives(b, rng, 1)
    b.add(f"\n{para + 1}. ")
    before, after = rng.choice(PROSE_COUNSEL)
    b.add(before)
    b.pii(counsel_a, "PERSON")
    b.add(after)
    b.add(f"\n{para + 2}. " + rng.choice(("I am grateful to ", "We are grateful to ", "I thank ")))
    b.pii(counsel_a, "PERSON")
    b.add(" and ")
    b.pii(counsel_b, "PERSON")
    b.add(rng.choice((" for their clear submissions.", " for their helpful skeleton arguments.")))
    _negatives(b, rng, 2)
    return b


# --- the header block -------------------------------------------------------------------------------
def _party(fake: Faker, rng: random.Random, upper: bool) -> str:
    words = [_first(fake, rng)]
    if rng.random() < 0.25:
        words.append(fake.first_name())
    words.append(_surname(fake, rng))
    name = " ".join(words)
    return name.upper() if upper else name


def _header(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _fake(fakes, rng)
    upper = rng.random() < 0.6
    b.add(f"Neutral Citation Number: [{rng.randint(2015, 2025)}] EWHC {rng.randint(10, 3999)} (KB)\n")
    b.add(f"Case No: {rng.choice(('QB', 'KB', 'F', 'D'))}{rng.randint(10, 99)}X{rng.randint(100, 999)}\n")
    b.add(rng.choice(COURTS) + "\n\n")
    b.add(rng.choice(("Between:", "BETWEEN:", "Between :", "B E T W E E N:")) + "\n\n")
    roles = rng.choice((("Claimant", "Defendant"), ("Appellant", "Respondent"), ("Claimant", "Respondent")))
    company_second = rng.random() < 0.3
    for index, role in enumerate(roles):
        if index:
            b.add(rng.choice(("- and -", "-and-", "– and –", "and")) + "\n\n")
        if index and company_second:
            company = rng.choice(COMPANIES)
            b.add((company.upper() if upper else company) + "\n")
        else:
            b.pii(_party(fake, rng, upper), "PERSON")
            b.add("\n")
        b.add((role.upper() if upper and rng.random() < 0.5 else role) + "\n\n")
    b.add("- - - - - - - - - - - - - - - - - - - - -\n")
    b.add(rng.choice(("Hearing dates: ", "Judgment handed down: ")))
    b.add(f"{rng.randint(1, 28)} March {rng.randint(2015, 2025)}")
    return b


# --- judges and case titles -------------------------------------------------------------------------
def _judges(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _fake(fakes, rng)
    surname = _surname(fake, rng)
    kind = rng.randrange(4)
    if kind == 0:
        b.add("Before:\n\n")
        b.add(rng.choice(("HHJ ", "HIS HONOUR JUDGE ", "HER HONOUR JUDGE ")))
        b.pii(surname.upper(), "PERSON")
        b.add("\n\n")
    elif kind == 1:
        b.add("Before :\n\n")
        b.add(rng.choice(("MR JUSTICE ", "MRS JUSTICE ", "THE HONOURABLE MR JUSTICE ")))
        b.pii(surname.upper(), "PERSON")
        b.add("\n\n")
    elif kind == 2:
        b.add(rng.choice(("Before: Employment Judge ", "Employment Judge ", "BEFORE: EMPLOYMENT JUDGE ")))
        name = f"{_first(fake, rng)} {surname}" if rng.random() < 0.6 else surname
        b.pii(name.upper() if b.parts[-1].isupper() else name, "PERSON")
        b.add("\nMembers: " + rng.choice(("Ms ", "Mr ", "Mrs ")) + rng.choice("ABDHJKLMRST") + " ")
        b.pii(_surname(fake, rng), "PERSON")
        b.add("\n\n")
    else:
        b.add("HHJ ")
        b.pii(surname, "PERSON")
        b.add(" sitting as a Judge of the High Court:\n\n")
    b.add("Case title: " if rng.random() < 0.3 else "")
    b.pii(f"{_first(fake, rng)} {_surname(fake, rng)}", "PERSON")
    b.add(" v " + rng.choice(COMPANIES) + "\n")
    b.add("1. This is the judgment of the Tribunal.")
    _negatives(b, rng, 2)
    return b


# --- counsel lines ----------------------------------------------------------------------------------
def _counsel(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _fake(fakes, rng)
    roles = rng.choice((("Claimant", "Defendant"), ("Appellant", "Respondent")))
    for index, role in enumerate(roles):
        if index:
            b.add("\n")
        name = f"{_first(fake, rng)} {_surname(fake, rng)}"
        if rng.random() < 0.3:
            name = name.upper()
        b.pii(name, "PERSON")
        if rng.random() < 0.3:
            b.add(" KC")
        b.add(f" (instructed by {rng.choice(FIRMS)}) for the {role}")
    b.add("\n\n")
    b.add(
        rng.choice(("Hearing date: ", "Hearing dates: "))
        + f"{rng.randint(1, 28)} June {rng.randint(2015, 2025)}"
    )
    b.add("\n\n1. The Claimant brings a claim for unfair dismissal.")
    _negatives(b, rng, 2)
    return b


BUILDERS = {"prose": _prose, "header": _header, "judges": _judges, "counsel": _counsel}


def generate(n_per_style: int = 200, seed: int = 17) -> list[dict]:
    """n_per_style labelled records of each style (STYLES), all English."""
    rng = random.Random(seed)
    fakes: dict[str, Faker] = {}
    for locale in LOCALES:
        fakes[locale] = Faker(locale)
        fakes[locale].seed_instance(f"{seed}-{locale}")
    records = []
    for style in STYLES:
        for index in range(n_per_style):
            record = BUILDERS[style](fakes, rng).record(f"{style}-{index}", style)
            record["language"] = "en"
            records.append(record)
    return records
