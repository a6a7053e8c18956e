"""What every source module builds texts with: a text whose value offsets are recorded as it is
written, seeded Faker instances, phone numbers valid per `phonenumbers`, casing that keeps offsets.

Nothing here is shared with tests/data/generators.py on purpose: the sources are written apart
from the generator the detectors were tuned on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

import phonenumbers
from faker import Faker


class Text:
    """A text under construction and the gold spans of the values written into it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict] = []

    def add(self, piece: str) -> Text:
        self.parts.append(piece)
        self.length += len(piece)
        return self

    def value(self, entity_type: str, value: str, may_keep: Sequence[tuple[int, int]] = ()) -> Text:
        """Append a value and label it; `may_keep` are (start, end) within the value that a
        redaction may leave (the year of a date)."""
        stripped = value.strip()
        if not stripped:
            raise ValueError(f"empty {entity_type} value")
        lead = len(value) - len(value.lstrip())
        self.add(value[:lead])  # Faker's values sometimes carry spaces: they are not the value
        span: dict = {"start": self.length, "end": self.length + len(stripped), "type": entity_type}
        if may_keep:
            span["may_keep"] = [[self.length + s - lead, self.length + e - lead] for s, e in may_keep]
        self.spans.append(span)
        return self.add(stripped).add(value[lead + len(stripped) :])

    def date(self, value: str, year: tuple[int, int] | None) -> Text:
        """A DATE_TIME value whose year (start, end within the value), if any, may be kept."""
        return self.value("DATE_TIME", value, [year] if year else ())

    @property
    def text(self) -> str:
        return "".join(self.parts)


def record(record_id: str, built: Text, language: str, **extra) -> dict:
    """A labelled record; `extra` (style, locale...) travels along for the reports."""
    return {"id": record_id, "text": built.text, "spans": built.spans, "language": language, **extra}


def recased(rec: dict, change: Callable[[str], str]) -> dict:
    """The record with its text recased character by character where the length stays."""
    chars = []
    for char in rec["text"]:
        new = change(char)
        chars.append(new if len(new) == 1 else char)
    return {**rec, "text": "".join(chars)}


def fakers(locales: Sequence[str], seed: int, salt: int) -> dict[str, Faker]:
    """One seeded Faker per locale; `salt` keeps two sources on the same seed apart."""
    out = {}
    for index, locale in enumerate(locales):
        fake = Faker(locale)
        for provider in fake.providers:
            # it_IT builds its list of towns from a set: its order, and so the town a seed
            # draws, would change with the process's string hash seed
            if isinstance(getattr(provider, "cities", None), list):
                provider.cities = sorted(provider.cities)
        fake.seed_instance(seed * 1009 + salt * 101 + index)
        out[locale] = fake
    return out


_DIGIT = re.compile(r"\d")


def phone(
    rng: random.Random, region: str, international: bool | None = None, mobile: bool | None = None
) -> str:
    """A phone number valid for `region` per `phonenumbers`, printed as that country prints it
    (national format, or international with the country code). Digits after the region's
    example number's first three are random, redrawn until the number is valid."""
    kinds = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
    if mobile is None:
        rng.shuffle(kinds)
    elif not mobile:
        kinds.reverse()
    for kind in kinds:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = str(example.national_number)
        for _ in range(60):
            digits = national[:3] + "".join(rng.choice("0123456789") for _ in national[3:])
            number = phonenumbers.parse(f"+{example.country_code}{digits}")
            if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == region:
                wide = rng.random() < 0.5 if international is None else international
                fmt = (
                    phonenumbers.PhoneNumberFormat.INTERNATIONAL
                    if wide
                    else phonenumbers.PhoneNumberFormat.NATIONAL
                )
                return phonenumbers.format_number(number, fmt)
    raise ValueError(f"no valid phone number for region {region}")


def pick(rng: random.Random, items: Sequence, k: int | None = None):
    return rng.choice(items) if k is None else rng.sample(list(items), k)


_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


def fill(built: Text, template: str, slots: dict[str, Callable[[str | None], tuple]]) -> Text:
    """Write `template` into `built`, each `{NAME}` or `{NAME:key}` replaced by what
    `slots[NAME](key)` returns: (entity type or None for an unlabelled value, value), or (type,
    value, (start, end) of the part a redaction may keep). A `{NAME:key}` repeated in the template
    repeats its value; slots may use the key to keep one person behind `{P:a}` and `{F:a}`."""
    drawn: dict[tuple[str, str], tuple] = {}
    pos = 0
    for match in _SLOT.finditer(template):
        built.add(template[pos : match.start()])
        name, key = match.group(1), match.group(2)
        if key is not None and (name, key) in drawn:
            got = drawn[(name, key)]
        else:
            got = slots[name](key)
            if key is not None:
                drawn[(name, key)] = got
        entity_type, value = got[0], got[1]
        if entity_type is None:
            built.add(value)
        elif len(got) > 2:
            built.value(entity_type, value, [got[2]] if got[2] else ())
        else:
            built.value(entity_type, value)
        pos = match.end()
    built.add(template[pos:])
    return built
