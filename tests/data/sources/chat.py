"""Multi-party chat transcripts: group chats exported from a phone (date, time, sender), IRC and
team-chat logs with handles, lower case, nicknames, a phone number or an email dropped in the
middle of a message, people from several countries.

Labels: PERSON (names, nicknames that are names, and handles made from a name: `@gkowalski`,
the `@` left out), PHONE_NUMBER (in the country's format), EMAIL_ADDRESS, STREET_ADDRESS,
DATE_TIME (the export's message dates; year `may_keep`). Handles that are not names
(`@nightowl`) are ordinary words.
"""

from __future__ import annotations

import random
import re

from . import _world
from ._build import Text, fakers, fill, phone, record

LANGUAGE = "en"

_MESSAGES = (
    "anyone got {F:x}'s number? need to ask about saturday",
    "its {PH} but she only picks up after 6",
    "lol {F:x} forgot the keys again",
    "ok who's driving, me and {F:y} can squeeze in the back",
    "send it to {EMAIL} pls, my work one blocks attachments",
    "new place is {ADDR}, 3rd floor, buzzer doesnt work so just call",
    "@{HANDLE:y} you still owe me for the pizza",
    "{F:x} says hi btw",
    "running 10 min late, tell {F:y}",
    "my cousin {P} can fix the bike, his number {PH}",
    "is {F:x} coming or not?? 🙄",
    "ping @{HANDLE:x} about the slides",
    "brb",
    "haha same",
    "who has the charger",
    "nvm found it",
    "meeting moved to 3, room 204",
    "can someone water the plants, back on the 14th",
    "👍",
    "did u see what {F:y} posted",
    "text me on {PH} if the wifi dies again",
    "just landed, {F:x} is picking me up",
    "ok so {P} from accounting is the one to email, {EMAIL}",
    "the landlord is {P}, he lives downstairs",
    "@{NICK} lmao",
    "{NICK} left the group",
    "thx {F:y}!!",
)
_NICKS = ("nightowl", "bluefox", "pixel", "sunny", "captain", "moonpie", "ghost", "turbo", "kiwi", "zed")


def _handle(first: str, last: str, rng: random.Random) -> str:
    plain = re.sub(r"[^a-z]", "", (first + last).lower()) or "user"
    first_plain = re.sub(r"[^a-z]", "", first.lower()) or "user"
    last_plain = re.sub(r"[^a-z]", "", last.lower()) or "user"
    return rng.choice(
        (
            first_plain[0] + last_plain,
            first_plain + "." + last_plain,
            plain,
            f"{first_plain}_{rng.randint(1, 99)}",
        )
    )


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"chat/{seed}")
    fake_by_locale = fakers([loc.code for loc in _world.LOCALES], seed, salt=5)
    records = []
    for index in range(n):
        home = _world.latin_choice(rng)
        members = []
        for _ in range(rng.randint(2, 4)):
            loc = home if rng.random() < 0.6 else _world.latin_choice(rng)
            f = fake_by_locale[loc.code]
            members.append((_world.first_name(f, loc), _world.last_name(f, loc), loc))
        fake = fake_by_locale[home.code]
        people = {"x": members[0], "y": members[1 % len(members)]}

        def handle_of(key) -> tuple[str, str]:
            first, last, _ = people.get(key, members[-1])
            return "PERSON", _handle(first, last, rng)

        slots = {
            "F": lambda key: (
                "PERSON",
                people.get(key, members[-1])[0].lower()
                if rng.random() < 0.6
                else people.get(key, members[-1])[0],
            ),
            "P": lambda key: ("PERSON", _world.full_name(fake, home, rng)),
            "PH": lambda key: ("PHONE_NUMBER", phone(rng, home.region)),
            "EMAIL": lambda key: ("EMAIL_ADDRESS", fake.email()),
            "ADDR": lambda key: (
                ("STREET_ADDRESS", fake.street_address())
                if home.local_addresses
                else (None, "the old bakery")
            ),
            "HANDLE": handle_of,
            "NICK": lambda key: (None, rng.choice(_NICKS)),
        }
        kind = rng.randrange(3)
        built = Text()
        day = _dates_day(rng)
        minute = rng.randint(0, 600)
        for line in range(rng.randint(3, 7)):
            first, last, _ = rng.choice(members)
            minute += rng.randint(0, 9)
            clock = f"{8 + minute // 60 % 14:02d}:{minute % 60:02d}"
            if line:
                built.add("\n")
            if kind == 0:  # a phone's export: date, time - sender: message
                built.date(day[0], day[1]).add(f", {clock} - ").value("PERSON", f"{first} {last}").add(": ")
            elif kind == 1:  # IRC
                built.add(f"[{clock}] <").value("PERSON", _handle(first, last, rng)).add("> ")
            else:  # team chat
                built.value("PERSON", first.lower() if rng.random() < 0.5 else first).add(f" [{clock}]: ")
            fill(built, rng.choice(_MESSAGES), slots)
        records.append(record(f"CH-{index + 1:05d}", built, LANGUAGE, locale=home.code))
    return records


def _dates_day(rng: random.Random) -> tuple[str, tuple[int, int]]:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2016, 2024)
    if rng.random() < 0.5:
        return f"{day:02d}/{month:02d}/{year}", (6, 10)
    return f"{month}/{day}/{year % 100:02d}", (len(f"{month}/{day}/"), len(f"{month}/{day}/") + 2)
