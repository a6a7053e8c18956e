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
* `wiped`: the log is empty but was written to (its entries and checkpoint were deleted).

Signatures: the HMACs under the audit key when it is at hand, and the Ed25519 signatures when a
public key is known. A public key given by the verifier (`--public-key`) or carried by the
anchor is *pinned*: the log must be signed by it, checkpoint included, so a log changed and
re-signed by someone holding the audit key fails. The public key the log records itself only
shows the log is consistent (whoever rewrites the log can replace it): the result says so.
Without the audit key, a pinned public key alone verifies the log.

Evidence outside the log (the anchor file, run summaries; see evidence.py) is compared in the
same snapshot, and every statement the log lacks or disagrees with becomes a problem:
`wiped`, `rolled_back`, `rewritten`, `replaced`, `bad_evidence`.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..keys import Key
from .events import CHECKPOINT_PURPOSE, RUN_DIGEST_PURPOSE, RUN_FINISHED, RUN_STARTED
from .evidence import EVIDENCE_KINDS, Evidence, EvidenceReport, Problem, check_against_log, check_alone
from .signing import PublicKey
from .store import GENESIS, checkpoint_mac, checkpoint_message, entry_hash, run_message, run_signature

# The log's own findings, then what only evidence outside it shows (EVIDENCE_KINDS: wiped too).
KINDS = ("modified", "removed", "reordered", "inserted", "truncated", "bad_signature", *EVIDENCE_KINDS)
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
    hmac_checked: bool = True  # False: no audit key, Ed25519 signatures only
    public_key_id: str | None = None  # the Ed25519 key the signatures were checked with
    pinned_by: str | None = None  # who vouches for that key; None: the log's own record of it
    ed25519_signatures: int = 0  # Ed25519 signatures verified (run digests and the checkpoint)
    evidence: int = 0  # statements and summaries compared with the log
    problems: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # every evidence problem

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = list(self.problems)
        return data

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


def verify_log(
    db: sqlite3.Connection,
    key: Key | None,
    path: Path | str = "audit log",
    *,
    public_key: PublicKey | None = None,
    pinned_by: str | None = None,
    evidence: Sequence[Evidence] = (),
    evidence_problems: Sequence[Problem] = (),
    evidence_label: str = "",
) -> VerifyResult:
    """Verify the log (the HMACs when `key` is given, the Ed25519 signatures when a public key is
    pinned or recorded) and compare it with `evidence`. `key` may be None only with a pinned
    public key."""
    if key is None and public_key is None:
        raise ValueError("verify_log needs the audit key or a pinned public key")
    db.execute("BEGIN")  # one snapshot for entries, checkpoint and the evidence comparison
    try:
        result = _verify(db, key, public_key, pinned_by)
        if not evidence and not evidence_problems:
            return result
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        effective = public_key
        if effective is None and result.public_key_id is not None:
            effective = _log_public_key(meta)
        report = check_against_log(db, evidence, log_id=meta.get("log_id"), key=key, public_key=effective)
    finally:
        db.execute("ROLLBACK")
    report.problems[:0] = list(evidence_problems)
    return with_evidence(result, report, evidence_label)


def with_evidence(result: VerifyResult, report: EvidenceReport, label: str) -> VerifyResult:
    """`result` with the evidence comparison folded in: not ok when a problem was found."""
    problems = tuple(p.to_dict() for p in report.problems)
    if report.problems:
        listed = "; ".join(p.message for p in report.problems)
        note = f"{len(report.problems)} problem(s) with the evidence: {listed}"
        if not result.ok:
            return replace(
                result, evidence=report.checked, problems=problems, message=f"{result.message}; {note}"
            )
        first = report.problems[0]
        return replace(
            result,
            ok=False,
            kind=first.kind,
            seq=first.seq,
            message=note,
            evidence=report.checked,
            problems=problems,
        )
    if not result.ok:
        return replace(result, evidence=report.checked)
    return replace(result, evidence=report.checked, message=f"{result.message}; {_agreement(report, label)}")


def _pieces(report: EvidenceReport) -> str:
    parts = []
    if report.anchored:
        parts.append(f"{report.anchored} anchor statement(s)")
    if report.checked - report.anchored:
        parts.append(f"{report.checked - report.anchored} run summary(ies)")
    return ", ".join(parts) or "no evidence"


def _agreement(report: EvidenceReport, label: str) -> str:
    head = f", and the log holds entry {report.head[0]} as they saw it" if report.head else ""
    extra = f" [{label}]" if label else ""
    return (
        f"the evidence outside the log agrees ({_pieces(report)}): "
        f"{report.runs} finished run(s) in the log with the same digest{head}{extra}"
    )


def verify_evidence(
    evidence: Sequence[Evidence],
    *,
    key: Key | None,
    public_key: PublicKey | None,
    pinned_by: str | None,
    problems: Sequence[Problem] = (),
    missing_log: Path | None = None,
) -> VerifyResult:
    """Without the database: what the evidence proves alone, or (`missing_log`) that the log it
    vouches for is gone."""
    if missing_log is not None:
        report = check_against_log(
            None, evidence, log_id=None, key=key, public_key=public_key, missing=missing_log
        )
    else:
        report = check_alone(evidence, key=key, public_key=public_key)
    report.problems[:0] = list(problems)
    result = VerifyResult(
        True,
        0,
        0,
        0,
        hmac_checked=key is not None,
        public_key_id=public_key.key_id if public_key else None,
        pinned_by=pinned_by if public_key else None,
        ed25519_signatures=report.ed25519,
        head_seq=report.head[0] if report.head else None,
        head_hash=report.head[1] if report.head else None,
    )
    if report.problems:
        return with_evidence(result, report, "")
    if missing_log is not None and not evidence:
        return replace_message(result, f"{missing_log}: no audit log here, and no evidence of one")
    checks = []
    if report.ed25519:
        checks.append(f"{report.ed25519} Ed25519-signed under public key {public_key.key_id} ({pinned_by})")
    if report.hmac:
        checks.append(f"{report.hmac} HMAC-signed under the audit key")
    if report.unsigned:
        checks.append(f"{report.unsigned} not authenticated (no key to check them: pass --public-key)")
    head = (
        f"; the log held at least entry {report.head[0]} (hash {report.head[1][:16]}...)"
        if report.head
        else ""
    )
    return replace_message(
        result,
        f"OK (evidence only, no log): {_pieces(report)} agree, {report.runs} finished run(s); "
        + ", ".join(checks or ["nothing to authenticate"])
        + head,
        evidence=report.checked,
    )


def replace_message(result: VerifyResult, message: str, **changes: Any) -> VerifyResult:
    return replace(result, message=message, **changes)


def _log_public_key(meta: dict[str, str]) -> PublicKey | None:
    return PublicKey.from_record(meta.get("ed25519_public_key"))


def _checkpoint_columns(db: sqlite3.Connection) -> str:
    columns = {row[1] for row in db.execute("PRAGMA table_info(checkpoint)")}
    return "seq, entry_hash, mac, " + ("ed25519" if "ed25519" in columns else "NULL")


def _verify(
    db: sqlite3.Connection, key: Key | None, pinned: PublicKey | None, pinned_by: str | None
) -> VerifyResult:
    meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
    stored_key_id = meta.get("key_id")
    wrong_key = _wrong_key_note(key, stored_key_id) if key is not None else ""
    recorded = _log_public_key(meta)
    public_key = pinned or recorded
    since = int(meta.get("ed25519_since") or 0) if recorded is not None else None
    expected, prev = 1, GENESIS
    runs = signatures = ed25519 = signed_runs = 0

    def failed(kind: str, seq: int | None, message: str) -> VerifyResult:
        return VerifyResult(
            False,
            expected - 1,
            runs,
            signatures,
            kind,
            seq,
            message,
            expected - 1 or None,
            prev,
            hmac_checked=key is not None,
            public_key_id=public_key.key_id if public_key else None,
            pinned_by=pinned_by if pinned else None,
            ed25519_signatures=ed25519,
        )

    if pinned is not None:
        if meta.get("ed25519_public_key") is None:
            return failed(
                "bad_signature",
                None,
                f"the log holds no Ed25519 signature, but public key {pinned.key_id} is pinned "
                f"({pinned_by}): it was written without the signing key, or rewritten without it",
            )
        if recorded is None or recorded.raw != pinned.raw:
            return failed(
                "bad_signature",
                None,
                f"the log records another Ed25519 public key ({meta.get('ed25519_public_key', '')[:16]}"
                f"...) than the pinned one (key id {pinned.key_id}, {pinned_by}): it was re-signed with "
                "another key",
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
            required = since is not None and seq > since
            problem, signed = _check_run_digest(key, public_key, required, seq, run_id, body, prev)
            if problem:
                return failed("bad_signature", seq, wrong_key or problem)
            signatures += 1
            ed25519 += signed
            signed_runs += signed
        prev = stored
        expected += 1
    last = expected - 1

    checkpoint = db.execute(f"SELECT {_checkpoint_columns(db)} FROM checkpoint WHERE id = 1").fetchone()
    if checkpoint is None:
        if last == 0 and "log_id" in meta:  # such a log got its checkpoint when it was created
            return failed(
                "wiped",
                None,
                "the log is empty but was written to: its entries and signed checkpoint were deleted",
            )
        if last == 0:
            return VerifyResult(True, 0, 0, 0, message="OK: 0 entries, 0 runs (the log is empty)")
        return failed("bad_signature", None, "the signed checkpoint of the log head is missing")
    cp_seq, cp_hash, cp_mac, cp_ed25519 = checkpoint
    if key is not None and not hmac.compare_digest(str(cp_mac), checkpoint_mac(key, cp_seq, cp_hash)):
        return failed(
            "bad_signature",
            cp_seq,
            wrong_key or f"the signed checkpoint (entry {cp_seq}) does not verify: it was altered",
        )
    if public_key is not None:
        if not public_key.verify(CHECKPOINT_PURPOSE, checkpoint_message(cp_seq, cp_hash), cp_ed25519):
            return failed(
                "bad_signature",
                cp_seq,
                f"the checkpoint (entry {cp_seq}) has no valid Ed25519 signature under public key "
                f"{public_key.key_id}: the log was changed and re-signed without the signing key",
            )
        ed25519 += 1
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
    counted = f"OK: {_plural(last, 'entry', 'entries')}, {_plural(runs, 'run', 'runs')}"
    if last == 0:
        message = f"{counted} (the log is empty)"
    elif key is not None:
        message = f"{counted}, all signatures valid"
    else:
        message = f"{counted}, Ed25519 signatures valid (HMAC signatures not checked: no audit key)"
    if public_key is not None:
        vouched = pinned_by if pinned else "the log's own record of it, not pinned: pass --public-key"
        message += (
            f"; Ed25519: checkpoint and {_plural(signed_runs, 'run digest', 'run digests')} signed by "
            f"public key {public_key.key_id} ({vouched})"
        )
    return VerifyResult(
        True,
        last,
        runs,
        signatures,
        message=message,
        head_seq=last or None,
        head_hash=prev if last else None,
        hmac_checked=key is not None,
        public_key_id=public_key.key_id if public_key else None,
        pinned_by=pinned_by if pinned else None,
        ed25519_signatures=ed25519,
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _check_run_digest(
    key: Key | None,
    public_key: PublicKey | None,
    required: bool,
    seq: int,
    run_id: str,
    body: str,
    prev: str,
) -> tuple[str, bool]:
    """A problem with a run_finished entry's signatures ("" when none), and whether its Ed25519
    signature verified. The HMAC covers the body with its Ed25519 signature; that one covers
    the body without either (store.py `run_finished`)."""
    try:
        data = json.loads(body)
        signature = data.pop("signature")
        head = data["signed_head"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"entry {seq}: run {run_id} finished without a signed digest", False
    if head.get("seq") != seq - 1 or head.get("hash") != prev:
        return (
            f"entry {seq}: the signed digest of run {run_id} names another chain head than the log "
            "holds: entries before it were removed, or changed and rehashed"
        ), False
    if key is not None and not hmac.compare_digest(str(signature), run_signature(key, run_id, data)):
        return (
            f"entry {seq}: the signed digest of run {run_id} does not verify: it or entries before "
            "it were changed and rehashed"
        ), False
    ed25519 = data.pop("ed25519", None)
    if public_key is None:
        return "", False
    if ed25519 is None:
        if required:
            return f"entry {seq}: the digest of run {run_id} lacks its Ed25519 signature", False
        return "", False
    if not public_key.verify(RUN_DIGEST_PURPOSE, run_message(run_id, data), ed25519):
        return (
            f"entry {seq}: the Ed25519 signature of run {run_id}'s digest does not verify under public "
            f"key {public_key.key_id}: it or entries before it were changed and re-signed"
        ), False
    return "", True


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
