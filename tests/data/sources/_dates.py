"""Dates as clinical and legal notes write them, with where their year is.

Each function returns (text, (start, end) of the year within it, or None). The year is the
part HIPAA Safe Harbor lets a redaction keep; a source labels the whole date DATE_TIME and marks
the year `may_keep` (see redaction/evaluate.py), and a bare year (`'92`) is then not scored.
"""

from __future__ import annotations

import datetime
import random

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")  # fmt: skip


def day(rng: random.Random, first: int = 1930, last: int = 2024) -> datetime.date:
    return datetime.date(first, 1, 1) + datetime.timedelta(days=rng.randrange((last - first) * 365))


def _year_at_end(text: str, digits: int) -> tuple[str, tuple[int, int]]:
    return text, (len(text) - digits, len(text))


def clinical(rng: random.Random) -> tuple[str, tuple[int, int] | None]:
    """US clinical shorthand: 9/3/97, 11/14/2003, 7/24, 07/24, 3-JAN, JAN 3, '92, 2-14-99,
    March 2003, 3rd of May."""
    d = day(rng, 1960, 2024)
    kind = rng.randrange(11)
    mon = MONTHS[d.month - 1]
    if kind == 0:
        return _year_at_end(f"{d.month}/{d.day}/{d.year % 100:02d}", 2)
    if kind == 1:
        return _year_at_end(f"{d.month}/{d.day}/{d.year}", 4)
    if kind == 2:
        return f"{d.month}/{d.day}", None
    if kind == 3:
        return f"{d.month:02d}/{d.day:02d}", None
    if kind == 4:
        return f"{d.day}-{mon[:3]}", None
    if kind == 5:
        return f"{mon[:3]} {d.day}", None
    if kind == 6:
        text = f"'{d.year % 100:02d}"
        return text, (1, 3)
    if kind == 7:
        return _year_at_end(f"{d.month}-{d.day}-{d.year % 100:02d}", 2)
    if kind == 8:
        return _year_at_end(f"{mon} {d.year}", 4)
    if kind == 9:
        suffix = "th" if 10 <= d.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        return f"{d.day}{suffix} of {mon}", None
    return _year_at_end(f"{d.month}.{d.day}.{d.year % 100:02d}", 2)


def legal(rng: random.Random) -> tuple[str, tuple[int, int] | None]:
    """As judgments write them: 14 March 2019, 14th March 2019, March 14, 2019, 14.03.2019."""
    d = day(rng, 1990, 2024)
    mon = MONTHS[d.month - 1]
    kind = rng.randrange(4)
    if kind == 0:
        return _year_at_end(f"{d.day} {mon} {d.year}", 4)
    if kind == 1:
        suffix = "th" if 10 <= d.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        return _year_at_end(f"{d.day}{suffix} {mon} {d.year}", 4)
    if kind == 2:
        return _year_at_end(f"{mon} {d.day}, {d.year}", 4)
    return _year_at_end(f"{d.day:02d}.{d.month:02d}.{d.year}", 4)


def french(rng: random.Random, clinical_style: bool = False) -> tuple[str, tuple[int, int] | None]:
    """Le 3 janvier 2019, 03/01/2019, 3/01/97, 12/03, 1er mars, mars 2003."""
    d = day(rng, 1960, 2024)
    mon = MONTHS_FR[d.month - 1]
    kind = rng.randrange(6 if clinical_style else 4)
    first = "1er" if d.day == 1 else str(d.day)
    if kind == 0:
        return _year_at_end(f"{first} {mon} {d.year}", 4)
    if kind == 1:
        return _year_at_end(f"{d.day:02d}/{d.month:02d}/{d.year}", 4)
    if kind == 2:
        return _year_at_end(f"{first} {mon} {d.year}", 4)
    if kind == 3:
        return _year_at_end(f"{mon} {d.year}", 4)
    if kind == 4:
        return f"{d.day:02d}/{d.month:02d}", None
    return _year_at_end(f"{d.day}/{d.month:02d}/{d.year % 100:02d}", 2)
