"""Chat transcripts, court judgments, international template sentences and key-value dumps.

The tuning set for PERSON detection in the styles where the default policy missed names
(`benchmarks/ner_styles.py --set person_styles`): multi-party chat transcripts (speaker prefixes
`maria:`, `[10:32] jdoe:`, `<Kenji>`, handles, @mentions, lower-case first names mid-line,
nicknames, names after thanks/hey/cc), court judgments in English (parties `Smith v Jones`,
`R v Okafor`, roles, judges `MR JUSTICE X`, `X J`, `per X LJ`, `HHJ X`, witnesses, surnames alone
later, ALL-CAPS headers), short template sentences with names from 30+ locales (particles,
compound surnames), and key-value dumps of capitalised common values (the words-kept side). Its
templates are written here, apart from the training script's carriers
(training/train_pii_ner.py), so the figures say how detection does on phrasings it was not
trained on. Every name is made up by Faker; nothing comes from tests/data/sources/.

Each record is `{"id", "text", "spans": [{"start", "end", "type"}], "style", "language"}`, the
labelled format of `redaction.evaluate` (PERSON only).
"""

from __future__ import annotations

import random
import re

from faker import Faker

from tests.data.tuning.ner_styles import _Builder

LOCALES = (
    "en_US",
    "en_GB",
    "en_IN",
    "en_AU",
    "en_IE",
    "es_ES",
    "es_MX",
    "es_CO",
    "es_AR",
    "pt_BR",
    "pt_PT",
    "fr_FR",
    "de_DE",
    "de_AT",
    "it_IT",
    "nl_NL",
    "nl_BE",
    "pl_PL",
    "cs_CZ",
    "sk_SK",
    "sl_SI",
    "hr_HR",
    "hu_HU",
    "ro_RO",
    "tr_TR",
    "fi_FI",
    "sv_SE",
    "no_NO",
    "da_DK",
    "et_EE",
    "lv_LV",
    "lt_LT",
    "id_ID",
    "vi_VN",
    "fil_PH",
    "zu_ZA",
    "yo_NG",
    "az_AZ",
    "sq_AL",
    "ga_IE",
)
STYLES = ("transcript", "court", "intl", "kv_dump")
PARTICLES = ("van", "van den", "de", "de los", "da", "von der", "al-", "bin", "ibn", "Abdel", "della", "ter")


def _first(fake: Faker) -> str:
    return fake.first_name()


def _last(fake: Faker) -> str:
    return fake.last_name()


# --- chat transcripts -----------------------------------------------------------------------------
MESSAGES = (
    "anyone seen the staging logs",
    "i'm out friday fyi",
    "merged, thanks",
    "the invoice template is broken again",
    "can we push the sync to 3",
    "back from lunch",
    "who owns the Billing dashboard?",
    "Priority is High on that one",
    "ok will do",
    "nope, still failing",
    "Ticket closed",
    "standup in 2 min",
    "+1",
    "that's on the Roadmap for Q3",
)


def _speaker(fake: Faker, rng: random.Random) -> tuple[str, str, str]:
    """(prefix before, name, prefix after) for one line's speaker."""
    first, last = _first(fake), _last(fake)
    form = rng.randrange(6)
    low = first.lower()
    if form == 0:
        return "", low, ": "
    if form == 1:
        handle = (first[0] + last).lower().replace(" ", "")
        return f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] ", handle, ": "
    if form == 2:
        return "<", first, "> "
    if form == 3:
        return "", f"{first} {last[0]}.", ": "
    if form == 4:
        return f"{rng.randint(1, 12)}:{rng.randint(10, 59)} PM - ", f"{first} {last}", ": "
    return "(", low, ") "


def _transcript(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    for turn in range(rng.randint(3, 5)):
        if turn:
            b.add("\n")
        before, name, after = _speaker(fake, rng)
        b.add(before)
        b.pii(name, "PERSON")
        b.add(after)
        other = _first(fake)
        low = other.lower() if rng.random() < 0.7 else other
        kind = rng.randrange(7)
        if kind == 0:
            b.add("did ")
            b.pii(low, "PERSON")
            b.add(" " + rng.choice(("get the file?", "say yes", "ever reply", "fix it")))
        elif kind == 1:
            b.add(rng.choice(("thank you ", "many thanks ", "thnx ")))
            b.pii(low, "PERSON")
            b.add(rng.choice(("", " 🙏", ", legend")))
        elif kind == 2:
            b.add(rng.choice(MESSAGES) + " cc ")
            b.pii(low, "PERSON")
        elif kind == 3:
            b.add(rng.choice(("hey ", "hiya ", "oi ")))
            b.pii(low, "PERSON")
            b.add(" " + rng.choice(MESSAGES))
        elif kind == 4:
            b.add("@")
            b.pii(
                other.lower() + rng.choice(("", "_" + _last(fake)[0].lower(), str(rng.randint(1, 9)))),
                "PERSON",
            )
            b.add(" " + rng.choice(MESSAGES))
        elif kind == 5:
            b.add(rng.choice(("lemme ask ", "i'll loop in ", "waiting on ")))
            b.pii(low, "PERSON")
        else:
            b.add(rng.choice(MESSAGES))
    return b


# --- court judgments ------------------------------------------------------------------------------
def _court(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    claimant, defendant, judge, counsel, witness = (_last(fake) for _ in range(5))
    if rng.random() < 0.5:
        b.add("IN THE COURT OF APPEAL (CIVIL DIVISION)\n")
        b.pii(claimant.upper(), "PERSON")
        b.add(" v ")
        b.pii(defendant.upper(), "PERSON")
        b.add("\nBEFORE: " + rng.choice(("MR JUSTICE ", "MRS JUSTICE ", "LORD JUSTICE ")))
        b.pii(judge.upper(), "PERSON")
        b.add("\n\n")
    else:
        b.add(
            "Neutral citation: [20" + str(rng.randint(10, 25)) + "] EWHC " + str(rng.randint(10, 999)) + "\n"
        )
        if rng.random() < 0.5:
            b.add("R v ")
            b.pii(claimant, "PERSON")
        else:
            b.pii(f"{_first(fake)} {claimant}", "PERSON")
            b.add(" v ")
            b.pii(defendant, "PERSON")
        b.add("\n")
    b.add("1. ")
    b.pii(judge, "PERSON")
    b.add(rng.choice((" J: ", " LJ: ")))
    b.add("This is an appeal by the appellant, " + rng.choice(("Mrs ", "Mr ", "Ms ")))
    b.pii(claimant, "PERSON")
    b.add(", against a decision of ")
    b.add("HHJ ")
    b.pii(_last(fake), "PERSON")
    b.add(" made on " + fake.date_between("-5y").strftime("%d %B %Y") + ".\n")
    b.add("2. Counsel for the respondent, " + rng.choice(("Mr ", "Ms ")))
    b.pii(counsel, "PERSON")
    b.add(", argued that the tenancy had ended. ")
    b.add("The only live witness was ")
    b.pii(f"{_first(fake)} {witness}", "PERSON")
    b.add(", a neighbour. I found ")
    b.pii(witness, "PERSON")
    b.add(" honest but mistaken.\n")
    b.add("3. As was said per ")
    b.pii(_last(fake), "PERSON")
    b.add(" LJ, the burden lies on the landlord. ")
    b.add(rng.choice(("Lord ", "Lady ")))
    b.pii(_last(fake), "PERSON")
    b.add(" took the same view. ")
    b.pii(claimant, "PERSON")
    b.add("'s evidence on the point was not challenged, and ")
    b.pii(defendant, "PERSON")
    b.add(" did not attend.\n")
    b.add("4. For these reasons the appeal is allowed. The Respondent shall pay the costs.")
    return b


# --- international template sentences ------------------------------------------------------------
INTL_TEMPLATES = (
    "{N} approved it.",
    "Thanks, {N}.",
    "Call {N}.",
    "{N} is the new contact.",
    "That was {N}'s bag.",
    "I think {N} left early.",
    "Send it to {N} please.",
    "We are hosting {N} next week.",
    "{N} wrote back in the morning.",
    "Both {N} and {N} signed.",
)


def _intl_name(fake: Faker, rng: random.Random) -> str:
    r = rng.random()
    first, last = _first(fake), _last(fake)
    if r < 0.35:
        return f"{first} {last}"
    if r < 0.55:
        particle = rng.choice(PARTICLES)
        surname = particle + last if particle.endswith("-") else f"{particle} {last}"
        return f"{first} {surname}"
    if r < 0.7:
        return f"{first} {last}-{_last(fake)}"
    if r < 0.85:
        return first
    return last


def _intl(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    for index in range(rng.randint(1, 2)):
        if index:
            b.add(" ")
        template = rng.choice(INTL_TEMPLATES)
        for piece_index, piece in enumerate(re.split(r"\{N\}", template)):
            if piece_index:
                b.pii(_intl_name(fake, rng), "PERSON")
            b.add(piece)
    return b


# --- key-value dumps (words kept) -----------------------------------------------------------------
KV_KEYS = {
    "status": ("Open", "Resolved", "Escalated", "Waiting On Customer", "Archived"),
    "tier": ("Gold", "Silver", "Platinum", "Free"),
    "region": ("North", "South East", "Central", "Overseas"),
    "source": ("Inbound Call", "Web Chat", "Referral", "Trade Show"),
    "plan": ("Family Plus", "Business Starter", "Annual Saver"),
    "device": ("Tablet", "Desktop", "Smart Speaker", "Laptop"),
    "outcome": ("Accepted", "Declined", "Deferred", "Not Applicable"),
    "language": ("English", "Spanish", "Portuguese", "Polish"),
    "team": ("Night Shift", "Key Accounts", "Quality Control", "Customer Care"),
}


def _kv_dump(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    keys = rng.sample(list(KV_KEYS), rng.randint(4, 7))
    style = rng.randrange(3)
    for index, key in enumerate(keys):
        label = key if style == 0 else key.title()
        sep = ("=", ": ", " | ")[style]
        if index:
            b.add("\n" if style != 2 else " | ")
        b.add(label + (sep if style != 2 else ": "))
        b.add(rng.choice(KV_KEYS[key]))
        if index == 1 and rng.random() < 0.4:
            b.add("\n" if style != 2 else " | ")
            b.add(("agent" if style == 0 else "Agent") + (sep if style != 2 else ": "))
            b.pii(f"{_first(fake)} {_last(fake)}", "PERSON")
    return b


BUILDERS = {"transcript": _transcript, "court": _court, "intl": _intl, "kv_dump": _kv_dump}


def generate(n_per_style: int = 250, seed: int = 11) -> list[dict]:
    """n_per_style labelled English records of each style (STYLES)."""
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
            records.append(record)
    return records
