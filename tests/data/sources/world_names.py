"""People's names from many countries (see _world.LOCALES) in English sentence carriers: news
briefs, sports reports, reviews, programme notes, acknowledgements, rosters, with phone numbers
in the country's own format. Names in the family-name-first order of their country a share of
the time, surnames alone, possessives (the span stops before the `'s`), and a share of records
in lower case. Labels: PERSON (each mention), PHONE_NUMBER.
"""

from __future__ import annotations

import random

from . import _world
from ._build import Text, fakers, fill, phone, recased, record

LANGUAGE = "en"

_CARRIERS = (
    "{P:a} listed his top {N} songs of the decade, and {F:b} replied with a list of her own.",
    "{P:a}, the security officer, said the gate had been left open twice this month.",
    "Local favourite {P:a} finished third in the {N} km race; {L:a}'s coach called it a turning point.",
    "In the second half {P} crossed from the left and {P} headed it in at the far post.",
    "Review: the new album by {P:a} is quieter than the last one. {L:a} still writes the best bridges.",
    "Tonight's programme: a recital by {P} (violin) and {P} (piano), followed by a short talk.",
    "We thank {P}, {P} and {P} for their comments on an earlier draft of this paper.",
    "Starting line-up: {L}, {L}, {L}, {L} and {L}; on the bench, {P}.",
    "{P:a} has been named employee of the quarter. Congratulations, {F:a}!",
    "The exhibition was curated by {P} and will travel on to two more cities next spring.",
    "According to {P:a}, who has run the bakery for {N} years, the queue starts before dawn.",
    "For bookings call {P} on {PH} or leave a message with the front desk.",
    "Interpreter on duty this week: {P}, reachable on {PH} between nine and five.",
    "The award went to {P:a}. In her speech {L:a} thanked her parents and her first teacher.",
    "Guest list: {P}, {P}, and {P} (plus one).",
    "{F:a}'s brother {P} will collect the keys on Friday.",
    "Photo: {P} / staff photographer",
    "Obituary: {P:a}, a retired engineer, died at home surrounded by family. {F:a} loved the sea.",
    "Congratulations to {P} and {P}, who were married on the island last weekend.",
    "Episode {N}: {P} talks about moving abroad, learning a language at forty, and starting over.",
    "Chair: {P}. Minutes: {P}. Apologies received from {P}.",
    "The driver, {P:a}, was not hurt. Police asked witnesses to call {PH}.",
    "Emergency contact for the trip is {P:a}, mobile {PH}.",
    "{L:a} scored twice before the break, then {L} made it three.",
    "Translated from the original by {P}, with an afterword by {P}.",
    "My landlord, {P:a}, finally fixed the heating. {F:a} says the parts took weeks to arrive.",
    "Letter to the editor from {P}: the bus timetable change has made my commute twice as long.",
    "If you found a grey cat near the station, please ring {F} on {PH}.",
    "The jury, chaired by {P}, praised the film's restraint.",
    "{P} and {P} will lead the workshop; questions beforehand to {P} on {PH}.",
    "{P:a} ({N}) has lived in the village all her life and still cycles to market.",
    "Thanks for the lift yesterday, {F}! Say hi to {P} from me.",
)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(f"world_names/{seed}")
    fake_by_locale = fakers([loc.code for loc in _world.LOCALES], seed, salt=1)
    records = []
    for index in range(n):
        home = _world.latin_choice(rng)

        people: dict[str, tuple] = {}

        def who(key: str | None) -> tuple:
            # a quarter of the people come from another country than the record's
            if key is not None and key in people:
                return people[key]
            loc = _world.latin_choice(rng) if rng.random() < 0.25 else home
            f = fake_by_locale[loc.code]
            found = (_world.first_name(f, loc), _world.last_name(f, loc), loc)
            if key is not None:
                people[key] = found
            return found

        def person(key: str | None) -> tuple[str, str]:
            first, last, loc = who(key)
            reverse = loc.code in _world.FAMILY_FIRST and rng.random() < 0.5
            return "PERSON", f"{last} {first}" if reverse else f"{first} {last}"

        slots = {
            "P": person,
            "F": lambda key: ("PERSON", who(key)[0]),
            "L": lambda key: ("PERSON", who(key)[1]),
            "PH": lambda key: ("PHONE_NUMBER", phone(rng, home.region)),
            "N": lambda key: (None, str(rng.randint(2, 60))),
        }
        built = fill(Text(), rng.choice(_CARRIERS), slots)
        rec = record(f"WN-{index + 1:05d}", built, LANGUAGE, locale=home.code)
        if rng.random() < 0.12:
            rec = recased(rec, str.lower)
        records.append(rec)
    return records
