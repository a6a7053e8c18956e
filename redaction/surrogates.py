"""Surrogates: a realistic fake of the same kind and locale in place of a detected value.

A value detection misses stands out next to `<PERSON>` placeholders; among fakes it hides. The
surrogate of a value is a pure function of the pseudonym key and the normalized value: the
Faker seed (and every random choice) comes from HMAC-SHA256 under a subkey of the pseudonym key,
as `keyed_digest` does for pseudonym numbers, so the same value gets the same fake across
records, runs and processes, and nothing, not even a digest, is stored. Surrogates depend on
the Faker version (its name and street lists): it is pinned in pyproject.toml.

Per kind:

* PERSON: each name token is replaced by a fake token of the same role (given name or surname),
  seeded by the role and the token, so `John Smith`, `Mr. Smith` and `John` give consistent
  parts of one fake (`Paul Durand`, `Mr. Durand`, `Paul`); given names keep the gender
  `gender-guesser` gives the original, tokens keep their case, initials stay initials,
  honorifics stay as they are. Locale: the record's language, or the script of the value
  (Cyrillic, Greek, Arabic, Hebrew, CJK) or French diacritics where they say more.
* STREET_ADDRESS, LOCATION: Faker's street addresses, addresses (when the original spans lines
  or has a comma), cities or countries (when the original is a country name) in the locale.
* PHONE_NUMBER: parsed with `phonenumbers`; the fake is a valid number of the same region, type
  and length, from a range reserved for fiction where `phonenumbers` accepts one (US 555-01xx,
  London 020 7946 0xxx, the French 01 99 00 ... ranges), with the original's separators.
* EMAIL_ADDRESS: a fake local part of the same shape at example.com/.org/.net (reserved, RFC 2606).
* DATE_TIME: every date in the value is shifted by one keyed number of days (the same for every
  date under the key, so intervals survive), written in the original's format; times by a keyed
  number of hours; a year alone by the shift's years; month names alone by its months. Words
  with nothing to shift ("yesterday", "last week") are left as they are.
* CREDIT_CARD: a test-card prefix of the same brand (4242..., 5555..., 3782..., 6011...), the
  same length, a valid Luhn digit. IBAN_CODE: the same country and structure, valid check digits
  (and national check where `python-stdnum` has one).
* IP_ADDRESS: documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
  URL: a page on example.com/.org/.net.
* Any other type (the typed fallback): the same shape, each digit and letter replaced by a keyed
  one of the same class and case, separators kept.

A surrogate never equals the original (up to case and spacing): a draw that does is redrawn.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
import re
import string
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import phonenumbers
from faker import Faker

from .keys import Key

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")

LANGUAGE_LOCALES = {"en": "en_US", "fr": "fr_FR"}

HONORIFIC = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|M|Madame|Monsieur|Mademoiselle|Docteur|Pr)\.?\s+",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?\.?", re.UNICODE)


def _normalize(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def split_honorific(name: str) -> tuple[str, str]:
    """('Mr. ', 'Smith') for 'Mr. Smith'; ('', name) when there is none."""
    match = HONORIFIC.match(name)
    if match and match.end() < len(name):
        return name[: match.end()], name[match.end() :]
    return "", name


def name_tokens(name: str) -> list[str]:
    """The name's words, honorific left out: 'Mr. John O'Neil' -> ['John', "O'Neil"]."""
    return _TOKEN.findall(split_honorific(name)[1])


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _case_like(fake: str, original: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if not letters:
        return fake
    if all(c.isupper() for c in letters) and len(letters) > 1:
        return fake.upper()
    if all(c.islower() for c in letters):
        return fake.lower()
    return fake


def _script_locale(value: str) -> str | None:
    for char in value:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script, locale in (
            ("CYRILLIC", "ru_RU"),
            ("GREEK", "el_GR"),
            ("ARABIC", "ar_AA"),
            ("HEBREW", "he_IL"),
            ("HIRAGANA", "ja_JP"),
            ("KATAKANA", "ja_JP"),
            ("CJK", "zh_CN"),
            ("HANGUL", "ko_KR"),
        ):
            if name.startswith(script):
                return locale
    return None


_FRENCH_MARKS = frozenset("éèêëàâçîïôûùœÉÈÊËÀÂÇÎÏÔÛÙŒ")
_SPANISH_MARKS = frozenset("ñáíóúÑÁÍÓÚ")
_GERMAN_MARKS = frozenset("äöüßÄÖÜ")


def _latin_locale(value: str) -> str | None:
    """A locale the value's diacritics point to (Spanish, German, French), else None."""
    for marks, locale in ((_SPANISH_MARKS, "es_ES"), (_GERMAN_MARKS, "de_DE"), (_FRENCH_MARKS, "fr_FR")):
        if any(c in marks for c in value):
            return locale
    return None


_FRENCH_STREET = re.compile(
    r"\b(?:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|place|impasse|quai|cours|route|cedex)\b",
    re.IGNORECASE,
)
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")


@dataclass(frozen=True, slots=True)
class NamePart:
    """Which tokens of a longer name in the same record a partial mention stands for."""

    canonical: str  # the longer name's text
    indexes: tuple[int, ...]  # positions in name_tokens(canonical)


class SurrogateMaker:
    """Makes surrogates under one key. One per process (Faker instances are reused)."""

    def __init__(self, key: Key, phone_regions: Sequence[str] = ("US", "GB", "FR")):
        self._material = key.derive("surrogate")
        self.phone_regions = tuple(phone_regions) or ("US",)
        shift = random.Random(self._seed("\x00shift", "dates"))
        # At least a month, at most a year, either way: far enough that a date is not
        # recognised by its neighbourhood, near enough that seasons and weekdays read plausibly.
        self.shift_days = shift.choice((-1, 1)) * shift.randint(30, 365)
        self.shift_hours = shift.randint(1, 11)
        self._fakers: dict[str, Faker] = {}
        self._lock = threading.Lock()
        self._gender = gender_detector()

    # --- keyed randomness ------------------------------------------------------------------

    def _seed(self, kind: str, value: str) -> int:
        message = f"{kind}\x00{_normalize(value)}".encode()
        return int.from_bytes(hmac.new(self._material, message, hashlib.sha256).digest()[:8], "big")

    def _faker(self, locale: str, seed: int) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            faker = self._fakers[locale] = Faker(locale)
        faker.seed_instance(seed)
        return faker

    def _locale(self, value: str, language: str) -> str:
        return LANGUAGE_LOCALES.get(language, "en_US")

    # --- entry point -----------------------------------------------------------------------

    def surrogate(self, entity: str, value: str, language: str = "en", part: NamePart | None = None) -> str:
        """The surrogate of `value` (an `entity` found in a text of `language`). `part`: the
        value is a partial mention of a longer name of the record (PERSON only)."""
        make = {
            "STREET_ADDRESS": self._address,
            "LOCATION": self._location,
            "PHONE_NUMBER": self._phone,
            "EMAIL_ADDRESS": self._email,
            "DATE_TIME": self._date_time,
            "CREDIT_CARD": self._card,
            "IBAN_CODE": self._iban,
            "IP_ADDRESS": self._ip,
            "URL": self._url,
        }.get(entity)
        with self._lock:
            if entity == "PERSON":
                result = self._person(value, language, part)
            elif make is None:
                result = self._fallback(entity, value)
            else:
                result = make(value, language)
            if _normalize(result) == _normalize(value) and entity != "DATE_TIME":
                result = self._fallback(entity, value, attempt=1)
        return result

    # --- PERSON ----------------------------------------------------------------------------

    def _person(self, value: str, language: str, part: NamePart | None) -> str:
        honorific, name = split_honorific(value)
        tokens = list(_TOKEN.finditer(name))
        if not tokens:
            return self._fallback("PERSON", value)
        locale = _script_locale(value) or _latin_locale(value) or self._locale(value, language)
        if part is not None:
            canonical_tokens = name_tokens(part.canonical)
            roles_all = self._roles(*split_honorific(part.canonical), canonical_tokens)
            roles = [roles_all[i] for i in part.indexes][: len(tokens)]
        else:
            roles = self._roles(honorific, name, [t.group() for t in tokens])
        pieces = [honorific]
        position = 0
        for match, role in zip(tokens, roles, strict=False):
            pieces.append(name[position : match.start()])
            pieces.append(self._name_token(match.group(), role, locale))
            position = match.end()
        pieces.append(name[position:])
        return "".join(pieces)

    def _is_given_name(self, token: str) -> bool:
        return self._gender.get_gender(token.strip(".").split("-")[0].title()) not in ("unknown", "andy")

    def _roles(self, honorific: str, name: str, tokens: Sequence[str]) -> list[str]:
        """'given' or 'family' per token. 'Last, First'; 'SMITH John' (French order); else given
        names first, then the family name; a lone word after an honorific is a family name."""
        if not tokens:
            return []
        if len(tokens) == 1:
            if honorific or not self._is_given_name(tokens[0]):
                return ["family"]
            return ["given"]
        if "," in name:
            before = len(_TOKEN.findall(name.split(",", 1)[0]))
            if 0 < before < len(tokens):
                return ["family"] * before + ["given"] * (len(tokens) - before)
        upper = [len(t.rstrip(".")) > 1 and t.isupper() for t in tokens]
        if upper[0] and not all(upper):
            return ["family"] + ["given"] * (len(tokens) - 1)
        return ["given"] * (len(tokens) - 1) + ["family"]

    def _name_token(self, token: str, role: str, locale: str) -> str:
        if "-" in token.strip("-"):
            return "-".join(self._name_token(piece, role, locale) for piece in token.split("-"))
        bare = token.rstrip(".")
        if len(bare) <= 1 and _script_locale(bare) is None:  # a Latin initial stays an initial
            faker = self._faker(locale, self._seed(f"initial:{role}", bare))
            return _case_like(faker.random_uppercase_letter(), bare or "X") + token[len(bare) :]
        for attempt in range(5):
            faker = self._faker(locale, self._seed(f"{role}:{attempt}", bare))
            if role == "family":
                fake = faker.last_name()
            else:
                gender = self._gender.get_gender(bare.title())
                if gender in ("male", "mostly_male"):
                    fake = faker.first_name_male()
                elif gender in ("female", "mostly_female"):
                    fake = faker.first_name_female()
                else:
                    fake = faker.first_name()
            fake = fake.split()[0] if fake.split() else fake
            if _normalize(fake) != _normalize(bare):
                break
        return _case_like(fake, bare) + token[len(bare) :]

    # --- places ----------------------------------------------------------------------------

    def _place_locale(self, value: str, language: str) -> str:
        if _script_locale(value):
            return _script_locale(value)  # type: ignore[return-value]
        if _FRENCH_STREET.search(value):
            return "fr_FR"
        if _latin_locale(value):
            return _latin_locale(value)  # type: ignore[return-value]
        if _UK_POSTCODE.search(value):
            return "en_GB"
        return self._locale(value, language)

    def _address(self, value: str, language: str) -> str:
        faker = self._faker(self._place_locale(value, language), self._seed("STREET_ADDRESS", value))
        if "\n" in value.strip():
            fake = faker.address()
        elif "," in value and re.search(r"\d{4,}|" + _UK_POSTCODE.pattern, value):
            fake = ", ".join(line.strip(" ,") for line in faker.address().splitlines())
        else:
            fake = faker.street_address()
        return _case_like(fake, value)

    def _location(self, value: str, language: str) -> str:
        locale = self._place_locale(value, language)
        faker = self._faker(locale, self._seed("LOCATION", value))
        fake = faker.country() if _normalize(value) in _countries() else faker.city()
        return _case_like(fake, value)

    # --- phone -----------------------------------------------------------------------------

    def _parse_phone(self, value: str, language: str):
        regions = list(self.phone_regions)
        if language == "fr" and "FR" in regions:
            regions.remove("FR")
            regions.insert(0, "FR")
        for region in regions:
            try:
                number = phonenumbers.parse(value, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return number
        return None

    def _phone(self, value: str, language: str) -> str:
        number = self._parse_phone(value, language)
        if number is None:
            return self._fallback("PHONE_NUMBER", value)
        region = phonenumbers.region_code_for_number(number)
        kind = phonenumbers.number_type(number)
        national = str(number.national_number)
        rng = random.Random(self._seed("PHONE_NUMBER", value))
        fake = None
        for template in _FICTION_PHONES.get((region, kind), ()):
            for _ in range(20):
                candidate = "".join(str(rng.randrange(10)) if c == "x" else c for c in template)
                if self._fits(candidate, number, region, kind, national):
                    fake = candidate
                    break
            if fake:
                break
        # Random digits after the original's first digit (its kind); where the valid ranges are
        # narrow (Guernsey mobiles, some area codes), after its first two, three, four digits.
        for kept in (1, 2, 3, 4):
            if fake is not None or kept >= len(national):
                break
            for _ in range(200):
                candidate = national[:kept] + "".join(str(rng.randrange(10)) for _ in national[kept:])
                if self._fits(candidate, number, region, kind, national):
                    fake = candidate
                    break
        if fake is None:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None or len(str(example.national_number)) != len(national):
                return self._fallback("PHONE_NUMBER", value)
            fake = str(example.national_number)
        digits = [c for c in value if c.isdigit()]
        whole = "".join(digits)
        if number.extension and whole.endswith(number.extension):
            whole = whole[: -len(number.extension)]
        if not whole.endswith(national):
            formatted = phonenumbers.parse(f"+{number.country_code}{fake}")
            return phonenumbers.format_number(formatted, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        new_digits = iter(whole[: -len(national)] + fake + "".join(digits[len(whole) :]))
        return "".join(next(new_digits) if c.isdigit() else c for c in value)

    @staticmethod
    def _fits(candidate: str, original, region: str, kind: int, national: str) -> bool:
        if len(candidate) != len(national) or candidate == national:
            return False
        try:
            number = phonenumbers.parse(f"+{original.country_code}{candidate}")
        except phonenumbers.NumberParseException:
            return False
        return (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == region
            and phonenumbers.number_type(number) == kind
        )

    # --- email, URL, IP --------------------------------------------------------------------

    def _email(self, value: str, language: str) -> str:
        local = value.rsplit("@", 1)[0]
        faker = self._faker(self._locale(value, language), self._seed("EMAIL_ADDRESS", value))
        first, last = _ascii(faker.first_name()).lower(), _ascii(faker.last_name()).lower()
        first, last = re.sub(r"[^a-z]", "", first) or "alex", re.sub(r"[^a-z]", "", last) or "doe"
        separator = next((c for c in local if c in "._-"), "")
        fake = (
            f"{first}{separator}{last}"
            if separator
            else (first[0] + last if len(local) < 10 else first + last)
        )
        trailing = re.search(r"\d+$", local)
        if trailing:
            fake += "".join(str(faker.random_digit()) for _ in trailing.group())
        return f"{fake}@{faker.random_element(RESERVED_DOMAINS)}"

    def _url(self, value: str, language: str) -> str:
        faker = self._faker("en_US", self._seed("URL", value))
        scheme = re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE)
        host = f"{faker.word()}.{faker.random_element(RESERVED_DOMAINS)}"
        rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.IGNORECASE)
        path = "/" + faker.slug() if "/" in rest.rstrip("/") else ""
        www = "www." if rest.lower().startswith("www.") else ""
        return f"{scheme.group() if scheme else ''}{www}{host}{path}"

    def _ip(self, value: str, language: str) -> str:
        rng = random.Random(self._seed("IP_ADDRESS", value))
        try:
            version = ipaddress.ip_address(value.strip()).version
        except ValueError:
            return self._fallback("IP_ADDRESS", value)
        if version == 6:
            return str(ipaddress.IPv6Address((0x20010DB8 << 96) | rng.getrandbits(96)))
        network = ipaddress.ip_network(rng.choice(("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")))
        return str(network[rng.randint(1, 254)])

    # --- cards, IBAN -----------------------------------------------------------------------

    def _card(self, value: str, language: str) -> str:
        digits = [c for c in value if c.isdigit()]
        if len(digits) < 12:
            return self._fallback("CREDIT_CARD", value)
        prefix = {"4": "424242", "5": "555555", "2": "222300", "3": "378282", "6": "601111"}.get(
            digits[0], "400000"
        )
        rng = random.Random(self._seed("CREDIT_CARD", value))
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(len(digits) - len(prefix) - 1))
        body = body[: len(digits) - 1]
        fake = iter(body + _luhn_digit(body))
        return "".join(next(fake) if c.isdigit() else c for c in value)

    def _iban(self, value: str, language: str) -> str:
        from stdnum import iban

        compact = re.sub(r"[\s-]", "", value).upper()
        if len(compact) < 8 or not compact[:2].isalpha():
            return self._fallback("IBAN_CODE", value)
        rng = random.Random(self._seed("IBAN_CODE", value))
        country, bban = compact[:2], compact[4:]
        fake = None
        for _ in range(3000):
            new_bban = "".join(
                rng.choice(string.digits)
                if c.isdigit()
                else rng.choice(string.ascii_uppercase)
                if c.isalpha()
                else c
                for c in bban
            )
            check = 98 - int(_iban_number(new_bban + country + "00")) % 97
            candidate = f"{country}{check:02d}{new_bban}"
            if candidate != compact and iban.is_valid(candidate):
                fake = candidate
                break
        if fake is None:
            return self._fallback("IBAN_CODE", value)
        chars = iter(fake)
        out = []
        for c in value:
            if c.isalnum():
                replacement = next(chars)
                out.append(replacement.lower() if c.islower() else replacement)
            else:
                out.append(c)
        return "".join(out)

    # --- dates -----------------------------------------------------------------------------

    def _date_time(self, value: str, language: str) -> str:
        out, changed = _shift_dates(value, self.shift_days, language)
        out, times = _TIME.subn(lambda m: _shift_time(m, self.shift_hours), out)
        if changed or times:
            return out
        years = round(self.shift_days / 365) or (1 if self.shift_days > 0 else -1)
        out, changed = _YEAR.subn(lambda m: str(int(m.group()) + years), value)
        if changed:
            return out
        if any(c.isdigit() for c in value):
            return self._fallback("DATE_TIME", value)
        months = round(self.shift_days / 30) or 1
        return _MONTH_WORD.sub(lambda m: _shift_month_word(m, months, language), value)

    # --- any other type --------------------------------------------------------------------

    def _fallback(self, entity: str, value: str, attempt: int = 0) -> str:
        """The same shape: digits for digits, letters for letters (same case), separators kept."""
        rng = random.Random(self._seed(f"{entity}:fallback:{attempt}", value))
        out = []
        for c in value:
            if c.isdigit():
                out.append(str(rng.randrange(10)))
            elif c.isalpha():
                letter = rng.choice(string.ascii_lowercase)
                out.append(letter.upper() if c.isupper() else letter)
            else:
                out.append(c)
        result = "".join(out)
        if _normalize(result) == _normalize(value) and any(c.isalnum() for c in value):
            return self._fallback(entity, value, attempt + 1)
        return result


# --- helpers ------------------------------------------------------------------------------

# Ranges reserved for fiction that phonenumbers accepts as valid (x: any digit).
_FICTION_PHONES: dict[tuple[str, int], tuple[str, ...]] = {
    ("US", phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE): ("20155501xx", "31255501xx", "41555501xx"),
    ("US", phonenumbers.PhoneNumberType.FIXED_LINE): ("20155501xx", "31255501xx", "41555501xx"),
    ("GB", phonenumbers.PhoneNumberType.FIXED_LINE): ("2079460xxx", "1134960xxx", "1214960xxx"),
    ("FR", phonenumbers.PhoneNumberType.FIXED_LINE): (
        "19900xxxx",
        "26191xxxx",
        "35301xxxx",
        "46571xxxx",
        "53649xxxx",
    ),
}


def _luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def _iban_number(text: str) -> str:
    return "".join(str(int(c, 36)) for c in text)


@lru_cache(maxsize=1)
def gender_detector():
    """gender-guesser's detector (it reads its 48,000-name dictionary once per process)."""
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from faker.providers.address.en_US import Provider as EnglishAddress
    from faker.providers.address.fr_FR import Provider as FrenchAddress

    return frozenset(_normalize(c) for c in (*EnglishAddress.countries, *FrenchAddress.countries))


_MONTHS_EN = "january february march april may june july august september october november december".split()
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_MONTH_INDEX: dict[str, int] = {}
for _number, (_en, _fr) in enumerate(zip(_MONTHS_EN, _MONTHS_FR, strict=True), 1):
    for _name in (_en, _en[:3], _en[:4], _fr, _fr[:3], _fr[:4], _ascii(_fr), _ascii(_fr)[:4]):
        _MONTH_INDEX.setdefault(_name, _number)
_MONTH_INDEX["sept"] = 9
_MONTH_NAMES = sorted(_MONTH_INDEX, key=len, reverse=True)
_MONTH = r"(?P<month>" + "|".join(re.escape(n) for n in _MONTH_NAMES) + r")\.?"
_MONTH_WORD = re.compile(r"\b(" + "|".join(re.escape(n) for n in _MONTH_NAMES) + r")\b", re.IGNORECASE)
_WEEKDAYS_EN = "monday tuesday wednesday thursday friday saturday sunday".split()
_WEEKDAYS_FR = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
_WEEKDAY = re.compile(
    r"\b(" + "|".join(_WEEKDAYS_EN + _WEEKDAYS_FR) + r"|mon|tue|wed|thu|fri|sat|sun)\b", re.I
)

_DATE_FORMS = (
    # 2024-03-05, 2024/3/5
    re.compile(r"(?<!\d)(?P<year>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
    # 05/03/2024, 3-5-24
    re.compile(r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?!\d)"),
    # 5 March 2024, 1er mars, 3rd of May 2020
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?P<suffix>st|nd|rd|th|er)?(?P<of>\s+of)?\s+"
        + _MONTH
        + r"(?P<tail>,?\s+(?P<year>\d{4}))?",
        re.IGNORECASE,
    ),
    # March 5, 2024; March 5th
    re.compile(
        _MONTH + r"\s+(?P<d>\d{1,2})(?P<suffix>st|nd|rd|th)?(?!\d)(?P<tail>,?\s+(?P<year>\d{4}))?",
        re.IGNORECASE,
    ),
    # March 2024
    re.compile(_MONTH + r"\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
)
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})(?P<sep>[:h])(?P<m>\d{2})(?![\d])(?P<ampm>\s*[ap]\.?m\.?)?", re.I
)


def _shift_time(match: re.Match[str], hours: int) -> str:
    h = int(match.group("h"))
    if match.group("ampm"):
        if not 1 <= h <= 12:
            return match.group()
        new = (h - 1 + hours) % 12 + 1
    else:
        if h > 23:
            return match.group()
        new = (h + hours) % 24
    width = len(match.group("h"))
    text = f"{new:0{width}d}" if width == 2 else str(new)
    return text + match.group("sep") + match.group("m") + (match.group("ampm") or "")


def _shift_month_word(match: re.Match[str], months: int, language: str) -> str:
    word = match.group(1)
    number = _MONTH_INDEX[word.lower()]
    return _month_like((number - 1 + months) % 12 + 1, word, language)


def _month_forms(names: Sequence[str]) -> frozenset[str]:
    return frozenset(f for m in names for f in (m, m[:3], m[:4], _ascii(m), _ascii(m)[:3], _ascii(m)[:4]))


_EN_FORMS = _month_forms(_MONTHS_EN)
_FR_FORMS = _month_forms(_MONTHS_FR)


def _month_like(number: int, original: str, language: str = "en") -> str:
    """Month `number` written like `original`: same language, abbreviation, accents and case."""
    lower = original.lower().rstrip(".")
    french = lower in _FR_FORMS and (lower not in _EN_FORMS or language == "fr")
    names = _MONTHS_FR if french else _MONTHS_EN
    own = names[_MONTH_INDEX[lower] - 1]
    name = names[number - 1]
    if (
        french
        and lower == _ascii(lower)
        and own != _ascii(own)[: len(own)]
        or (french and lower != own[: len(lower)] and lower == _ascii(own)[: len(lower)])
    ):
        name = _ascii(name)
    if len(lower) < len(own):
        name = name[: len(lower)]
    return _case_like(name.title() if original[:1].isupper() else name, original)


def _shift_dates(value: str, days: int, language: str) -> tuple[str, int]:
    """Every date in value shifted by `days`, each written like the original; and how many."""
    spans: list[tuple[int, int, str]] = []

    def taken(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in spans)

    for index, form in enumerate(_DATE_FORMS):
        for match in form.finditer(value):
            if taken(match.start(), match.end()):
                continue
            new = _shift_one(match, index, days, language)
            if new is not None:
                spans.append((match.start(), match.end(), new))
    if not spans:
        return value, 0
    spans.sort()
    out, position = [], 0
    for start, end, new in spans:
        out.append(value[position:start])
        out.append(new)
        position = end
    out.append(value[position:])
    text = "".join(out)
    if len(spans) == 1:
        text = _fix_weekday(text, days)
    return text, len(spans)


def _fix_weekday(text: str, days: int) -> str:
    """A weekday named beside a shifted date becomes the shifted weekday."""
    match = _WEEKDAY.search(text)
    if match is None or days % 7 == 0:
        return text
    word = match.group(1)
    lower = word.lower()
    french = lower in _WEEKDAYS_FR
    names = _WEEKDAYS_FR if french else _WEEKDAYS_EN
    index = next(i for i, n in enumerate(names) if n.startswith(lower[:3]))
    new = names[(index + days) % 7]
    if len(lower) == 3:
        new = new[:3]
    new = new.title() if word[:1].isupper() else new
    return text[: match.start()] + _case_like(new, word) + text[match.end() :]


def _shift_one(match: re.Match[str], form: int, days: int, language: str) -> str | None:
    groups = match.groupdict()
    day_first = True
    try:
        if form == 0:
            year, month, day = int(groups["year"]), int(groups["m"]), int(groups["d"])
        elif form == 1:
            a, b = int(groups["a"]), int(groups["b"])
            day_first = language == "fr" or a > 12
            day, month = (a, b) if day_first else (b, a)
            year = int(groups["year"])
            if len(groups["year"]) == 2:
                year += 2000 if year < 50 else 1900
        elif form == 4:
            year, month, day = int(groups["year"]), _MONTH_INDEX[groups["month"].lower()], 15
        else:
            day, month = int(groups["d"]), _MONTH_INDEX[groups["month"].lower()]
            year = int(groups["year"]) if groups.get("year") else 2001  # a year with no Feb 29
            if not groups.get("year") and (month, day) == (2, 29):
                year = 2004
        new = date(year, month, day) + timedelta(days=days)
    except (ValueError, KeyError, TypeError, OverflowError):
        return None
    replace: dict[str, str] = {}
    if groups.get("year"):
        replace["year"] = f"{new.year:04d}" if len(groups["year"]) == 4 else f"{new.year % 100:02d}"
    if form == 0:
        replace["m"] = _pad(new.month, groups["m"], numeric=True)
        replace["d"] = _pad(new.day, groups["d"], numeric=True)
    elif form == 1:
        first, second = (new.day, new.month) if day_first else (new.month, new.day)
        replace["a"] = _pad(first, groups["a"], numeric=True)
        replace["b"] = _pad(second, groups["b"], numeric=True)
    else:
        replace["month"] = _month_like(new.month, groups["month"], language)
        if form != 4:
            replace["d"] = _pad(new.day, groups["d"])
            if groups.get("suffix"):
                replace["suffix"] = _ordinal_suffix(new.day, groups["suffix"])
    return _replace_groups(match, replace)


def _replace_groups(match: re.Match[str], replace: dict[str, str]) -> str:
    base = match.start()
    text = match.group()
    edits = sorted(
        ((match.start(name) - base, match.end(name) - base, value) for name, value in replace.items()),
        reverse=True,
    )
    for start, end, value in edits:
        text = text[:start] + value + text[end:]
    return text


def _pad(number: int, original: str, numeric: bool = False) -> str:
    padded = len(original) == 2 and (numeric or original.startswith("0"))
    return f"{number:02d}" if padded else str(number)


def _ordinal_suffix(day: int, original: str) -> str:
    if original.lower() == "er":
        return "er" if day == 1 else ""
    if 11 <= day % 100 <= 13:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix.upper() if original.isupper() else suffix
