"""Verifying the audit log: the chain, every run's signed digest and the signed checkpoint.

The walk reads the log in one read transaction (a consistent snapshot while writers append)
and stops at the first entry that does not fit. Which kind of change it was is inferred from
how it fails:

* `modified`: the entry's hash does not match its content, and no other position explains it.
* `removed`: a gap in the sequence, or an entry whose original position (found by the seq its
  hash verifies at) is later and whose predecessor is gone.
* `reordered`: an intact entry whose predecessor is elsewhere in the log, later than it.
* `inserted`: entries whose successor links past them to an earlier entry, or entries after the
  signed checkpoint (appended without the key).
* `truncated`: the signed checkpoint names entries past the end of the log.
* `bad_signature`: a run digest or the checkpoint does not verify with the key given: a wrong
  key, or entries that were changed and rehashed.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..keys import Key
from .events import RUN_FINISHED, RUN_STARTED
from .store import GENESIS, checkpoint_mac, entry_hash, run_signature

KINDS = ("modified", "removed", "reordered", "inserted", "truncated", "bad_signature")
# How far from its position an entry's original seq is looked for when classifying a change.
SEARCH_WINDOW = 64


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int  # entries that verified (all of them when ok)
    runs: int  # runs started among them
    signatures: int  # run digests verified
    kind: str | None = None  # one of KINDS when not ok
    seq: int | None = None  # the first bad entry (or the first missing one)
    message: str = ""
    head_seq: int | None = None
    head_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format_text(self) -> str:
        return self.message if self.ok else f"FAILED: {self.message}"


class _Failure(Exception):
    def __init__(self, kind: str, seq: int | None, message: str):
        super().__init__(message)
        self.kind, self.seq, self.message = kind, seq, message


def _wrong_key_note(key: Key, stored_key_id: str | None) -> str:
    if stored_key_id is not None and stored_key_id != key.key_id:
        return (
            f"signatures do not match: wrong audit key ({key.name} has key id {key.key_id}, "
            f"the log was written with key id {stored_key_id})"
        )
    return ""


def verify_log(db: sqlite3.Connection, key: Key, path: Path | str = "audit log") -> VerifyResult:
    db.execute("BEGIN")  # one snapshot for entries and checkpoint
    try:
        return _verify(db, key)
    finally:
        db.execute("ROLLBACK")


def _verify(db: sqlite3.Connection, key: Key) -> VerifyResult:
    row = db.execute("SELECT value FROM meta WHERE name = 'key_id'").fetchone()
    stored_key_id = row[0] if row else None
    wrong_key = _wrong_key_note(key, stored_key_id)
    expected, prev = 1, GENESIS
    runs = signatures = 0

    def failed(kind: str, seq: int | None, message: str) -> VerifyResult:
        return VerifyResult(
            False, expected - 1, runs, signatures, kind, seq, message, expected - 1 or None, prev
        )

    cursor = db.execute("SELECT seq, run_id, ts, type, body, prev_hash, entry_hash FROM entries ORDER BY seq")
    for row in cursor:
        seq, run_id, ts, event_type, body, prev_hash, stored = row
        if (
            seq != expected
            or prev_hash != prev
            or entry_hash(prev_hash, seq, run_id, ts, event_type, body) != stored
        ):
            failure = _diagnose(db, row, expected, prev)
            return failed(failure.kind, failure.seq, failure.message)
        if event_type == RUN_STARTED:
            runs += 1
        elif event_type == RUN_FINISHED:
            problem = _check_run_digest(key, seq, run_id, body, prev)
            if problem:
                return failed("bad_signature", seq, wrong_key or problem)
            signatures += 1
        prev = stored
        expected += 1
    last = expected - 1

    checkpoint = db.execute("SELECT seq, entry_hash, mac FROM checkpoint WHERE id = 1").fetchone()
    if checkpoint is None:
        if last == 0:
            return VerifyResult(True, 0, 0, 0, message="OK: 0 entries, 0 runs (the log is empty)")
        return failed("bad_signature", None, "the signed checkpoint of the log head is missing")
    cp_seq, cp_hash, cp_mac = checkpoint
    if not hmac.compare_digest(str(cp_mac), checkpoint_mac(key, cp_seq, cp_hash)):
        return failed(
            "bad_signature",
            cp_seq,
            wrong_key or f"the signed checkpoint (entry {cp_seq}) does not verify: it was altered",
        )
    if cp_seq > last:
        return failed(
            "truncated",
            last + 1,
            f"entry {last + 1} truncated: the log ends at entry {last} but its signed checkpoint "
            f"names entry {cp_seq} (entries {last + 1}..{cp_seq} were removed from the end)",
        )
    if cp_seq < last:
        return failed(
            "inserted",
            cp_seq + 1,
            f"entry {cp_seq + 1} inserted: entries {cp_seq + 1}..{last} follow the signed checkpoint "
            f"(entry {cp_seq}); they were appended without the audit key",
        )
    if cp_hash != prev:
        return failed(
            "bad_signature",
            last,
            f"entry {last}: the log head does not match its signed checkpoint: entries after the "
            "last signed run digest were changed and rehashed",
        )
    if wrong_key:  # every MAC verified, so the key is right and the stored key id was edited
        return failed("modified", None, "the log's metadata (audit key id) was altered")
    return VerifyResult(
        True,
        last,
        runs,
        signatures,
        message=(
            f"OK: {_plural(last, 'entry', 'entries')}, {_plural(runs, 'run', 'runs')}, all signatures valid"
        ),
        head_seq=last or None,
        head_hash=prev if last else None,
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _check_run_digest(key: Key, seq: int, run_id: str, body: str, prev: str) -> str:
    try:
        data = json.loads(body)
        signature = data.pop("signature")
        head = data["signed_head"]
    except (ValueError, KeyError, TypeError):
        return f"entry {seq}: run {run_id} finished without a signed digest"
    if head.get("seq") != seq - 1 or head.get("hash") != prev:
        return (
            f"entry {seq}: the signed digest of run {run_id} names another chain head than the log "
            "holds: entries before it were removed, or changed and rehashed"
        )
    if not hmac.compare_digest(str(signature), run_signature(key, run_id, data)):
        return (
            f"entry {seq}: the signed digest of run {run_id} does not verify: it or entries before "
            "it were changed and rehashed"
        )
    return ""


def _position_of(db: sqlite3.Connection, digest: str) -> int | None:
    """The seq now holding the entry whose hash is `digest` (0 for the chain's start)."""
    if digest == GENESIS:
        return 0
    row = db.execute("SELECT seq FROM entries WHERE entry_hash = ? LIMIT 1", (digest,)).fetchone()
    return row[0] if row else None


def _diagnose(db: sqlite3.Connection, row: tuple, expected: int, prev: str) -> _Failure:
    seq, run_id, ts, event_type, body, prev_hash, stored = row

    def verifies_at(at: int) -> bool:
        return entry_hash(prev_hash, at, run_id, ts, event_type, body) == stored

    if seq > expected:
        return _Failure(
            "removed",
            expected,
            f"entry {expected} removed: entry {seq} follows entry {expected - 1} "
            f"(entries {expected}..{seq - 1} are missing)",
        )
    predecessor = _position_of(db, prev_hash)
    if verifies_at(seq):  # intact, but linked to another entry than the one before it
        if predecessor is None:
            if seq == 1:
                return _Failure("removed", 1, "entry 1 removed: the log does not start at its beginning")
            return _Failure(
                "modified",
                seq - 1,
                f"entry {seq - 1} modified: it was replaced or rewritten (entry {seq} links to "
                "another predecessor)",
            )
        if predecessor > seq:
            return _Failure(
                "reordered", seq, f"entry {seq} reordered: its predecessor is now entry {predecessor}"
            )
        first = predecessor + 1
        return _Failure(
            "inserted",
            first,
            f"entry {first} inserted: entries {first}..{seq - 1} stand between entry {seq} and its "
            f"predecessor (entry {predecessor})",
        )
    candidates = [predecessor + 1] if predecessor is not None else []
    for distance in range(1, SEARCH_WINDOW + 1):
        candidates += [seq + distance, seq - distance]
    original = next((at for at in candidates if at >= 1 and verifies_at(at)), None)
    if original is not None:
        if original > seq:
            if predecessor is None:
                return _Failure(
                    "removed",
                    seq,
                    f"entry {seq} removed: the entry now at {seq} was entry {original} and the "
                    "entries before it were deleted and the rest renumbered",
                )
            return _Failure(
                "reordered", seq, f"entry {seq} reordered: the entry now at {seq} was entry {original}"
            )
        if predecessor is not None and predecessor > seq:
            return _Failure(
                "reordered", seq, f"entry {seq} reordered: the entry now at {seq} was entry {original}"
            )
        first = predecessor + 1 if predecessor is not None and predecessor < seq else seq
        first = min(first, seq)
        return _Failure(
            "inserted",
            first,
            f"entry {first} inserted: the entry now at {seq} was entry {original}; "
            f"entries {first}..{seq - 1} were added before it",
        )
    # An entry that verifies nowhere: inserted if a later entry carries on the chain from here.
    later = db.execute(
        "SELECT seq, run_id, ts, type, body, prev_hash, entry_hash FROM entries WHERE seq > ?"
        " ORDER BY seq LIMIT ?",
        (seq, SEARCH_WINDOW),
    ).fetchall()
    for other in later:
        o_seq, o_run, o_ts, o_type, o_body, o_prev, o_stored = other
        if o_prev == prev and entry_hash(o_prev, expected, o_run, o_ts, o_type, o_body) == o_stored:
            return _Failure(
                "inserted",
                seq,
                f"entry {seq} inserted: entries {seq}..{o_seq - 1} stand before the original entry "
                f"{expected} (now at {o_seq})",
            )
    return _Failure("modified", seq, f"entry {seq} modified: its content does not match its hash")
