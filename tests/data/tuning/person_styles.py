"""Chat transcripts, court judgments, international template sentences and key-value dumps.

The tuning set for PERSON detection in the styles where the default policy missed names
(`benchmarks/ner_styles.py --set person_styles`): multi-party chat transcripts (speaker prefixes
`maria:`, `[10:32] jdoe:`, `<Kenji>`, handles, @mentions, lower-case first names mid-line,
nicknames, names after thanks/hey/cc), court judgments in English (parties `Smith v Jones`,
`R v Okafor`, roles, judges `MR JUSTICE X`, `X J`, `per X LJ`, `HHJ X`, witnesses, surnames alone
later, ALL-CAPS headers), short template sentences with names from 30+ locales (particles,
compound surnames), key-value dumps of capitalised common values (the words-kept side), and five
styles the default policy left partly readable: a bare middle initial (`Anja R Fuchs said`), a
given name alone opening a sentence after the full name or a cue (`Priya will call back`),
family-given order (`Kim Min-jun`, `Wang Xiuying`, `Nguyen Van An`), lower-case names after a
cue (`spoke with maria gonzalez`, `cc: tom reyes`) and chat ids (`@maria.gonzalez`, `<maria>`,
`maria_g:`), each beside words that must stay (`Plan B Budget`, `Monday`, `@here`). Its
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
STYLES = (
    "transcript",
    "court",
    "intl",
    "kv_dump",
    "mid_initial",
    "given_alone",
    "family_first",
    "lower_cued",
    "chat_ids",
)
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


# --- a bare middle initial ------------------------------------------------------------------------
INITIAL_TEMPLATES = (
    "{N} said the parcel arrived.",
    "I met {N} at the depot.",
    "Ask {N} about the refund.",
    "The form was signed by {N} on Monday.",
    "{N} and the Night Shift team closed the ticket.",
)
# Capitalised word, single letter, capitalised word: no one's name.
INITIAL_NEGATIVES = (
    "The Plan B Budget was approved.",
    "Vitamin D Supplement is out of stock.",
    "Building C Reception opens at 9.",
    "We moved Option A Pricing to March.",
    "Grade A Honey sells well in June.",
)


def _mid_initial(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    b.add(rng.choice(INITIAL_NEGATIVES) + " ")
    template = rng.choice(INITIAL_TEMPLATES)
    before, after = template.split("{N}")
    b.add(before)
    b.pii(f"{_first(fake)} {chr(rng.randint(65, 90))} {_last(fake)}", "PERSON")
    b.add(after)
    return b


# --- a given name alone opening a sentence --------------------------------------------------------
GIVEN_OPENERS = ("Hi {F},\n", "Thanks, {F}.\n", "Spoke to {F} {L} this morning. ", "From: {F} {L}\n")
GIVEN_LATER = (
    "{F} will call back tomorrow.",
    "{F} says the invoice is wrong.",
    "{F} is away until Friday.",
    "{F} has the spare keys.",
    "{F} asked for a copy.",
)
# Sentences opened by capitalised words that are no one's name: ordinary words, days, months,
# product names.
GIVEN_NEGATIVES = (
    "Tomorrow works for us.",
    "Monday is a holiday.",
    "Outlook keeps crashing on the laptop.",
    "Please send the receipt.",
    "Everything else is fine.",
    "August is fully booked.",
    "Excel exports are attached.",
)


def _given_alone(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    first, last = _first(fake), _last(fake)
    opener = rng.choice(GIVEN_OPENERS)
    for index, piece in enumerate(re.split(r"(\{F\}(?: \{L\})?)", opener)):
        if index % 2:
            b.pii(piece.replace("{F}", first).replace("{L}", last), "PERSON")
        else:
            b.add(piece)
    b.add(rng.choice(GIVEN_NEGATIVES) + " ")
    before, after = rng.choice(GIVEN_LATER).split("{F}")
    b.add(before)
    b.pii(first, "PERSON")
    b.add(after + " " + rng.choice(GIVEN_NEGATIVES))
    return b


# --- family name first ----------------------------------------------------------------------------
_HANGUL_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_HANGUL_VOWELS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_HANGUL_FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()
# Korean surnames as they are usually spelt in Latin letters.
_KOREAN_SURNAMES = {
    "김": "Kim", "이": "Lee", "박": "Park", "최": "Choi", "정": "Jung", "강": "Kang", "조": "Cho",
    "윤": "Yoon", "장": "Jang", "임": "Lim", "한": "Han", "오": "Oh", "서": "Seo", "신": "Shin",
    "권": "Kwon", "황": "Hwang", "안": "Ahn", "송": "Song", "류": "Ryu", "홍": "Hong",
}  # fmt: skip


def _romanize_hangul(word: str) -> str:
    """Revised Romanization of Faker's Hangul, syllable by syllable (no sound changes)."""
    syllables = []
    for char in word:
        code = ord(char) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, vowel, final = code // 588, (code % 588) // 28, code % 28
        syllables.append(
            "".join(
                p
                for p in (_HANGUL_INITIALS[initial], _HANGUL_VOWELS[vowel], _HANGUL_FINALS[final])
                if p != "-"
            )
        )
    return "-".join(syllables).capitalize()


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(
        c
        for c in unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
        if not unicodedata.combining(c)
    )


def _family_first_name(fakes: dict[str, Faker], rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        fake = fakes["ko_KR"]
        last = fake.last_name()
        return f"{_KOREAN_SURNAMES.get(last) or _romanize_hangul(last)} {_romanize_hangul(fake.first_name())}"
    if kind == 1:
        fake = fakes["zh_CN"]
        return f"{fake.last_romanized_name()} {fake.first_romanized_name()}"
    if kind == 2:
        fake = fakes["zh_TW"]
        return f"{fake.last_romanized_name().title()} {fake.first_romanized_name().title()}"
    if kind == 3:
        fake = fakes["ja_JP"]
        return f"{fake.last_romanized_name()} {fake.first_romanized_name()}"
    fake = fakes["vi_VN"]
    given = fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()
    name = f"{fake.last_name()} {fake.middle_name()} {given}"
    return _strip_accents(name) if rng.random() < 0.5 else name


FAMILY_TEMPLATES = (
    "{N} approved the transfer.",
    "I spoke to {N} this morning.",
    "Please forward this to {N}.",
    "{N} will join the call on Tuesday.",
    "The report from {N} is attached.",
    "We are waiting on {N} for the figures.",
)
FAMILY_NEGATIVES = (
    "The Tai Chi Club meets in May.",
    "Kung Pao Chicken was on the menu.",
    "Dim Sum Lunch is on Friday.",
    "The Feng Shui Workshop is full.",
)


def _family_first(fake: Faker, rng: random.Random, fakes: dict[str, Faker]) -> _Builder:
    b = _Builder()
    if rng.random() < 0.5:
        b.add(rng.choice(FAMILY_NEGATIVES) + " ")
    before, after = rng.choice(FAMILY_TEMPLATES).split("{N}")
    b.add(before)
    b.pii(_family_first_name(fakes, rng), "PERSON")
    b.add(after)
    return b


# --- lower-case names after a cue -----------------------------------------------------------------
LOWER_CUES = (
    ("spoke with ", " re: the refund", True),
    ("pt's wife ", " called at 3", False),
    ("cc: ", "", True),
    ("talked to ", " about the delivery", True),
    ("per ", ", the order ships monday", True),
    ("met with ", " and her manager", True),
    ("his daughter ", " will pick him up", False),
    ("left a message for ", " at 4pm", True),
)
# The same cues before words that are no one's name.
LOWER_NEGATIVES = (
    "spoke with the billing team",
    "pt's wife called back",
    "cc: accounts",
    "talked to support about it",
    "per the contract, monday is fine",
    "met with legal in march",
    "his daughter will visit",
)


def _lower_cued(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    b.add(rng.choice(LOWER_NEGATIVES) + ". ")
    cue, after, full = rng.choice(LOWER_CUES)
    b.add(cue)
    name = f"{_first(fake)} {_last(fake)}" if full and rng.random() < 0.7 else _first(fake)
    b.pii(name.lower(), "PERSON")
    b.add(after + ". " + rng.choice(LOWER_NEGATIVES) + ".")
    return b


# --- chat: handles, speaker forms, lower-case names of speakers -----------------------------------
CHAT_IDS_FILLER = (
    "build is green again",
    "moving standup to Thursday",
    "Jira is down, fyi",
    "the October release notes are up",
    "can someone review the Slack bot PR",
    "lunch?",
)


def _ascii(word: str) -> str:
    return re.sub(r"[^a-z]", "", _strip_accents(word).lower())


def _chat_ids(fake: Faker, rng: random.Random) -> _Builder:
    b = _Builder()
    people = []
    for _ in range(2):
        first, last = _first(fake), _last(fake)
        if _ascii(first) and _ascii(last):
            people.append((first, last))
    if not people:
        people.append(("Maria", "Gonzalez"))
    for turn in range(rng.randint(3, 5)):
        if turn:
            b.add("\n")
        first, last = people[turn % len(people)]
        first_a, last_a = _ascii(first), _ascii(last)
        form = rng.randrange(2)
        if form == 0:
            b.add("<")
            b.pii(first_a, "PERSON")
            b.add("> ")
        else:
            b.pii(f"{first_a}_{last_a[0]}", "PERSON")
            b.add(": ")
        other_first, other_last = people[(turn + 1) % len(people)]
        o_first, o_last = _ascii(other_first), _ascii(other_last)
        kind = rng.randrange(5)
        if kind == 0:
            b.add("@")
            b.pii(
                rng.choice((f"{o_first}.{o_last}", f"{o_first[0]}{o_last}", f"{o_first}{o_last[0]}")),
                "PERSON",
            )
            b.add(" " + rng.choice(CHAT_IDS_FILLER))
        elif kind == 1:
            b.add(rng.choice(("@here ", "@channel ", "@everyone ")) + rng.choice(CHAT_IDS_FILLER))
        elif kind == 2:
            b.add(rng.choice(("ok ", "sure ", "thx ")))
            b.pii(o_first, "PERSON")
            b.add(", " + rng.choice(CHAT_IDS_FILLER))
        elif kind == 3:
            b.add(rng.choice(CHAT_IDS_FILLER) + ", right ")
            b.pii(o_first, "PERSON")
            b.add("?")
        else:
            b.add(rng.choice(CHAT_IDS_FILLER))
    return b


BUILDERS = {
    "transcript": _transcript,
    "court": _court,
    "intl": _intl,
    "kv_dump": _kv_dump,
    "mid_initial": _mid_initial,
    "given_alone": _given_alone,
    "family_first": _family_first,
    "lower_cued": _lower_cued,
    "chat_ids": _chat_ids,
}
_FAMILY_FIRST_LOCALES = ("ko_KR", "zh_CN", "zh_TW", "ja_JP", "vi_VN")


def generate(n_per_style: int = 250, seed: int = 11) -> list[dict]:
    """n_per_style labelled English records of each style (STYLES)."""
    rng = random.Random(seed)
    fakers = {}
    for locale in (*LOCALES, *(c for c in _FAMILY_FIRST_LOCALES if c not in LOCALES)):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(f"{seed}-{locale}")
    records = []
    for style in STYLES:
        for index in range(n_per_style):
            fake = fakers[rng.choice(LOCALES)]
            builder = BUILDERS[style]
            built = builder(fake, rng, fakers) if style == "family_first" else builder(fake, rng)
            record = built.record(f"{style}-{index}", style)
            record["language"] = "en"
            records.append(record)
    return records
