"""Field rules: which values of a record are kept, dropped or scanned.

Fail closed: any value that could hold text and that the policy does not keep is scanned.
Strings are scanned as they are; numbers, dates and decimals are scanned as their text and
removed (set to null) when a finding covers them; lists and objects are walked recursively (or
dropped, per `fields.nested`); bytes cannot be scanned and are removed.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .policy import FieldRules, NestedMode

Path = tuple[str | int, ...]


class Decision(StrEnum):
    KEEP = "keep"
    DROP = "drop"
    SCAN = "scan"


def dotted(path: Path) -> str:
    """`("messages", 3, "text")` -> `messages.text`: rules ignore list positions."""
    return ".".join(str(part) for part in path if not isinstance(part, int))


def display_path(path: Path) -> str:
    """`("messages", 3, "text")` -> `messages[3].text`, for the audit log and messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class FieldPlan:
    """Decides per value path what to do, from the policy's field rules."""

    def __init__(self, rules: FieldRules):
        self.rules = rules
        self._keep = set(rules.keep)
        self._drop = set(rules.drop)
        self._scan = set(rules.scan)

    def decide(self, path: Path) -> Decision | None:
        """The most specific rule naming this path or one of its parents; None if unlisted."""
        name = dotted(path)
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in self._keep:
                return Decision.KEEP
            if prefix in self._drop:
                return Decision.DROP
            if prefix in self._scan:
                return Decision.SCAN
        return None


@dataclass(slots=True)
class TextSlot:
    """One scannable value of a record: where it is and its text."""

    path: Path
    text: str
    numeric: bool  # a non-string scalar scanned as text: removed, not rewritten, on a finding
    original: Any = None


_SCALAR_AS_TEXT = (int, float, decimal.Decimal, _dt.date, _dt.datetime, _dt.time, _dt.timedelta)


def split_record(record: dict[str, Any], plan: FieldPlan) -> tuple[dict[str, Any], list[TextSlot], int]:
    """A copy of the record without dropped values, the values to scan, and how many were dropped.

    Scanned values stay in the copy until `fill_record` replaces them, so the copy must never be
    written without it.
    """
    slots: list[TextSlot] = []
    dropped = 0
    id_field = plan.rules.id

    def walk(value: Any, path: Path, explicit: bool) -> tuple[bool, Any]:
        nonlocal dropped
        decision = plan.decide(path)
        if decision is Decision.KEEP:
            return True, value
        if decision is Decision.DROP:
            dropped += 1
            return False, None
        explicit = explicit or decision is Decision.SCAN
        if value is None or isinstance(value, bool):
            return True, value
        if isinstance(value, str):
            slots.append(TextSlot(path, value, numeric=False))
            return True, value
        if isinstance(value, _SCALAR_AS_TEXT):
            slots.append(TextSlot(path, str(value), numeric=True, original=value))
            return True, value
        if isinstance(value, dict | list | tuple):
            if plan.rules.nested is NestedMode.DROP and not explicit:
                dropped += 1
                return False, None
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for key, child in value.items():
                    keep, new = walk(child, (*path, str(key)), explicit)
                    if keep:
                        out[str(key)] = new
                return True, out
            items = []
            for index, child in enumerate(value):
                keep, new = walk(child, (*path, index), explicit)
                items.append(new if keep else None)
            return True, items
        # bytes and anything else that cannot be scanned: never passed through raw
        dropped += 1
        return True, None

    copy: dict[str, Any] = {}
    for key, value in record.items():
        if key == id_field:
            copy[key] = value
            continue
        keep, new = walk(value, (key,), False)
        if keep:
            copy[key] = new
    return copy, slots, dropped


def fill_record(copy: dict[str, Any], slots: list[TextSlot], redacted: list[Any]) -> dict[str, Any]:
    """Write redacted values back into the copy at their paths."""
    for slot, text in zip(slots, redacted, strict=True):
        target: Any = copy
        for part in slot.path[:-1]:
            target = target[part]
        target[slot.path[-1]] = text
    return copy
