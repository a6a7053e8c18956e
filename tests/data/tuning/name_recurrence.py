"""Names that recur within a record, and names in multi-party chat, court and French clinical styles.

The tuning set for name propagation and the speaker, family-court and French clinician rules
(`benchmarks/ner_styles.py --set name_recurrence`):

* `chat`: multi-party chats with the speaker before the time (`Gundhild [10:32]: ...`), speakers
  from Latin, Greek, Cyrillic, Georgian, Korean and Japanese locales, their names again in lower
  case in messages (`did u see what gundhild posted`) and inside handles (`@gundhild_10`,
  `@shohei.yamada`); bots and system lines (`Jira Bot [09:00]:`, `Reminder [12:00]:`) are no one.
* `court`: judgments whose parties and witnesses come back by surname (`I found Rice honest`,
  `grateful to Price and Ward`, `Baker, for the defendant`, `Rice's evidence`), surnames that are
  also common words, beside the same words in lower case (`the price`, `a ward`, `rice`) and legal
  words that must stay (`Appendix J`, `Part 36`, `the Court of Appeal`, `Counsel`).
* `family`: family-court titles `Re AB (A Child)` whose initials recur (`AB's mother`).
* `award`: a full name the NER model types as a place (`The award went to Amara Okafor.`) and the
  bare surname later (`In her speech Okafor thanked ...`).
* `fr_lower` (French): notes in lower case (`vu avec dr leduc`, `avis cardio (dr payet)`, `rdv avec
  le dr vasseur`) or capitals (`SA FILLE ARNAUDE A APPELE`), beside words after `dr` that are no
  name (`dr de garde prévenu`, `dr ok pour sortie`).

Every name is made up by Faker; the templates are written here, apart from the other tuning sets
and from tests/data/sources/. Each record is `{"id", "text", "spans": [{"start", "end", "type"}],
"style", "language"}` (PERSON only), the labelled format of `redaction.evaluate`.
"""

from __future__ import annotations

import random

from faker import Faker

from tests.data.tuning.ner_styles import _Builder

LATIN = (
    "en_US",
    "en_GB",
    "no_NO",
    "sv_SE",
    "de_DE",
    "es_ES",
    "pt_BR",
    "it_IT",
    "pl_PL",
    "cs_CZ",
    "hu_HU",
    "tr_TR",
    "fi_FI",
    "nl_NL",
    "ro_RO",
    "id_ID",
    "vi_VN",
)
SCRIPTS = ("el_GR", "ru_RU", "uk_UA", "bg_BG", "ka_GE", "ko_KR", "ja_JP")
FRENCH = ("fr_FR", "fr_BE", "fr_CH", "fr_CA")
STYLES = ("chat", "court", "family", "award", "fr_lower")

# Surnames that are also English words: found again only where capitalised.
WORD_SURNAMES = (
    "Rice",
    "Price",
    "Ward",
    "Baker",
    "Bell",
    "Wood",
    "Hill",
    "Cook",
    "Mason",
    "Fisher",
    "Banks",
    "Lamb",
    "Fox",
    "Marsh",
    "Field",
    "Stone",
    "Church",
    "Booth",
)


def _latin(fakes: dict[str, Faker], rng: random.Random) -> Faker:
    return fakes[rng.choice(LATIN)]


def _ascii_handle(first: str, last: str, rng: random.Random) -> str | None:
    low_first, low_last = first.lower(), last.lower().replace(" ", "")
    if not (low_first.isascii() and low_first.isalpha() and low_last.isascii() and low_last.isalpha()):
        return None
    return rng.choice(
        (
            f"{low_first}_{rng.randint(1, 99)}",
            f"{low_first}.{low_last}",
            f"{low_first}{low_last[0]}",
            low_first,
        )
    )


# --- multi-party chat -----------------------------------------------------------------------------
CHAT_FILLER = (
    "pushed the fix to staging",
    "who is on call tonight?",
    "the Billing export failed again",
    "lunch at 1?",
    "can someone review the Release notes",
    "build is green now",
    "ok, closing the ticket",
    "the rice place downstairs is closed",
    "price went up again for the Basic plan",
    "meeting moved to Room 4",
)
BOTS = ("Jira Bot", "GitHub", "Reminder", "System", "Standup Bot", "Deploybot")
BOT_LINES = (
    "build #4411 passed",
    "PR merged into main",
    "standup in 5 minutes",
    "ticket OPS-221 moved to Done",
)


def _chat(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    speakers = []
    for _ in range(rng.randint(2, 3)):
        fake = fakes[rng.choice(SCRIPTS)] if rng.random() < 0.35 else _latin(fakes, rng)
        first, last = fake.first_name(), fake.last_name()
        shown = first if rng.random() < 0.6 else f"{first} {last}"
        speakers.append((first, last, shown))
    for turn in range(rng.randint(4, 7)):
        if turn:
            b.add("\n")
        stamp = f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}]"
        if rng.random() < 0.12:
            b.add(f"{rng.choice(BOTS)} {stamp}: {rng.choice(BOT_LINES)}")
            continue
        first, last, shown = rng.choice(speakers)
        b.pii(shown, "PERSON")
        b.add(f" {stamp}: ")
        other_first, other_last, _ = rng.choice(speakers)
        kind = rng.randrange(4)
        handle = _ascii_handle(other_first, other_last, rng)
        if kind == 0 and other_first.isascii():
            b.add(rng.choice(("did u see what ", "has ", "waiting for ")))
            b.pii(other_first.lower(), "PERSON")
            b.add(rng.choice((" posted", " replied yet?", " to confirm")))
        elif kind == 1 and handle:
            b.add(rng.choice(("cc @", "ping @", "@")))
            b.pii(handle, "PERSON")
            b.add(" " + rng.choice(CHAT_FILLER))
        elif kind == 2:
            b.add(rng.choice(("thanks ", "ok ")))
            b.pii(other_first, "PERSON")
            b.add(", " + rng.choice(CHAT_FILLER))
        else:
            b.add(rng.choice(CHAT_FILLER))
    return b


# --- court judgments ------------------------------------------------------------------------------
def _court(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _latin(fakes, rng)
    claimant = rng.choice(WORD_SURNAMES) if rng.random() < 0.5 else fake.last_name()
    defendant = rng.choice([s for s in WORD_SURNAMES if s != claimant])
    witness, counsel_a, counsel_b = fake.last_name(), rng.choice(WORD_SURNAMES), fake.last_name()
    b.add(f"Case No: {rng.randint(100, 999)}/{rng.randint(2015, 2025)}\n")
    b.pii(f"{fake.first_name()} {claimant}", "PERSON")
    b.add(" v ")
    b.pii(f"{fake.first_name()} {defendant}", "PERSON")
    b.add("\n\n1. The claimant, ")
    b.pii(claimant, "PERSON")
    b.add(
        ", says that the defendant let the ward fall into disrepair and that the price agreed was "
        "never paid. "
    )
    b.pii(defendant, "PERSON")
    b.add(" denies it.\n2. I heard evidence from ")
    b.pii(f"{fake.first_name()} {witness}", "PERSON")
    b.add(". I found ")
    b.pii(witness, "PERSON")
    b.add(" " + rng.choice(("a careful witness", "honest but mistaken", "evasive")) + ". ")
    b.pii(claimant, "PERSON")
    b.add("'s evidence about the field and the stone wall is set out in Appendix J and Schedule 2.\n")
    b.add("3. I am grateful to ")
    b.pii(counsel_a, "PERSON")
    b.add(" and ")
    b.pii(counsel_b, "PERSON")
    b.add(" for their submissions. ")
    b.pii(counsel_a, "PERSON")
    b.add(", for the defendant, relied on Part 36 and on the decision of the Court of Appeal. ")
    b.add("Counsel agreed that the banks had not been served, and that the cook and the mason on site ")
    b.add("were not parties.\n4. For these reasons the claim succeeds. ")
    b.pii(defendant.upper(), "PERSON")
    b.add(" shall pay the costs. The Court will hear any application in writing.")
    return b


# --- family court titles --------------------------------------------------------------------------
def _family(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    letters = "ABCDEFGHJKLMNOPRSTW"
    child = "".join(rng.sample(letters, 2))
    if rng.random() < 0.2:
        child = f"{child[0]}-{child[1]}"
    title = rng.choice(("Re ", "In the matter of "))
    b.add(title)
    b.pii(child, "PERSON")
    b.add(rng.choice((" (A Child)", " (Children)", " (Care Proceedings)")))
    b.add(f" [{rng.randint(2015, 2025)}] EWFC {rng.randint(1, 400)}\n\n")
    b.add("1. This is an application by the local authority for a care order in respect of ")
    b.pii(child, "PERSON")
    b.add(f", who is now {rng.randint(2, 15)}. ")
    b.pii(child, "PERSON")
    b.add("'s mother opposes the application. The Guardian and CAFCASS support it.\n")
    b.add("2. The LA filed its final evidence in the UK format required by the PD. I have read the ")
    b.add("reports on ")
    b.pii(child, "PERSON")
    b.add(" carefully.")
    return b


# --- a full name typed as a place -----------------------------------------------------------------
AWARDS = ("The award went to ", "This year's prize was given to ", "The medal was presented to ")
LATER = (
    ("In her speech ", " thanked the organisers."),
    ("Afterwards ", " said the team deserved it."),
    ("", " told reporters she would return next year."),
    ("Speaking later, ", " praised the volunteers."),
)


def _award(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = _latin(fakes, rng)
    first, last = fake.first_name(), fake.last_name()
    b.add(rng.choice(AWARDS))
    b.pii(f"{first} {last}", "PERSON")
    b.add(". " + rng.choice(("The ceremony was short. ", "The hall was full. ", "")))
    before, after = rng.choice(LATER)
    b.add(before)
    b.pii(last, "PERSON")
    b.add(after)
    return b


# --- French notes in lower case or capitals -------------------------------------------------------
FR_LINES = (
    "vu avec dr {nom}, poursuite ttt",
    "interne (dr {nom}) prévenu à {h}h",
    "avis cardio (dr {nom}) : pas de modif",
    "rdv de contrôle dans 1 mois avec le dr {nom}",
    "passage du dr {nom} ce matin, ras",
)
FR_NEGATIVES = (
    "dr de garde prévenu, pas de modif",
    "dr ok pour sortie demain",
    "dr d'astreinte appelé à {h}h",
    "vu par le dr ce matin",
    "attente avis dr urgentiste",
)
FR_CAPS = ("SA FILLE {PRENOM} A APPELE", "SON FILS {PRENOM} EST PASSE CE MATIN", "VU PAR DR {NOM}")
FR_CAPS_NEGATIVES = ("SA FILLE EST PASSEE", "SON FILS VIENDRA DEMAIN", "DR DE GARDE PREVENU")


def _fr_lower(fakes: dict[str, Faker], rng: random.Random) -> _Builder:
    b = _Builder()
    fake = fakes[rng.choice(FRENCH)]
    caps = rng.random() < 0.3
    lines = rng.sample(FR_CAPS if caps else FR_LINES, 2) + rng.sample(
        FR_CAPS_NEGATIVES if caps else FR_NEGATIVES, 2
    )
    rng.shuffle(lines)
    for index, line in enumerate(lines):
        if index:
            b.add(" / " if rng.random() < 0.5 else "\n")
        line = line.replace("{h}", str(rng.choice((7, 14, 19, 22))))
        for key, value in (
            ("{nom}", fake.last_name().lower()),
            ("{NOM}", fake.last_name().upper()),
            ("{PRENOM}", fake.first_name().upper()),
        ):
            if key in line:
                head, tail = line.split(key)
                b.add(head)
                b.pii(value, "PERSON")
                line = tail
        b.add(line)
    return b


BUILDERS = {"chat": _chat, "court": _court, "family": _family, "award": _award, "fr_lower": _fr_lower}


def generate(n_per_style: int = 200, seed: int = 13) -> list[dict]:
    """n_per_style labelled records of each style (STYLES); `fr_lower` records are French."""
    rng = random.Random(seed)
    fakes: dict[str, Faker] = {}
    for locale in (*LATIN, *SCRIPTS, *FRENCH):
        fakes[locale] = Faker(locale)
        fakes[locale].seed_instance(f"{seed}-{locale}")
    records = []
    for style in STYLES:
        for index in range(n_per_style):
            record = BUILDERS[style](fakes, rng).record(f"{style}-{index}", style)
            record["language"] = "fr" if style == "fr_lower" else "en"
            records.append(record)
    return records
