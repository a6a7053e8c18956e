"""The audit store: one append-only, hash-chained log for the installation, spanning runs.

Storage: SQLite in WAL mode at `$SCRUBLINE_HOME/audit/audit.sqlite3` (folder 0700, files 0600).
SQLite rather than JSONL segments because several worker processes append at once and every
batch's events must land together or not at all: a `BEGIN IMMEDIATE` transaction gives both
(one writer at a time, readers never blocked, a crash rolls the batch back), and the queries
compliance officers run (one record across runs, one run's exports) use indexes instead of
re-reading every segment. The indexes are expressions over the stored JSON, so they can never
disagree with the hashed content.

Tamper evidence, in three layers:

* **Hash chain.** Entry n stores `prev_hash` (entry n-1's hash, zeros for the first) and
  `entry_hash = sha256(prev_hash + canonical([seq, run_id, ts, type]) + body)`, where `body` is
  the event's canonical JSON (sorted keys, compact separators) exactly as stored. The head is
  read inside the IMMEDIATE transaction that appends, so concurrent writers extend one line.
  Changing, deleting, moving or inserting an entry breaks the chain at that entry, and
  `verify()` names it. The chain is a plain sha256 so its structure can be checked by anyone.
* **Signed run digests.** `run_finished` carries an HMAC (audit key) over the run id, its
  counts and the chain head it follows. Someone who edits an entry and recomputes every later
  hash (possible without the key) is caught at the first signed digest after the edit.
* **Signed checkpoint.** A one-row `checkpoint` table holds the head's seq and hash with an
  HMAC, updated in the same transaction as every append. Deleting the last entries (even a whole
  last run) leaves the checkpoint pointing past the end: `truncated`; appending without the key
  leaves it behind: `inserted`. It lives in the same database, not a side file, because only
  then is it updated atomically with the entries: a side file written after the commit would
  disagree with the log after any crash between the two and cry wolf. Limit: someone with write
  access who saved an old copy of the whole database can roll it back undetected by the log
  alone; keep each run's signed digest elsewhere too (the run summary) to detect that.

Every stored value is a digest, an offset, a count or a name: see `events.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import AuditIntegrityError, ScrublineError, SecretError, TransientError
from ..home import scrubline_home
from ..keys import Key, resolve_key
from .events import (
    BATCH_EXPORTED,
    CHECKPOINT_PURPOSE,
    RECORD_EVENTS,
    RECORD_QUARANTINED,
    RECORD_ROUTED,
    RECORD_TRANSFORMED,
    REVIEW_EVENTS,
    RUN_DIGEST_PURPOSE,
    RUN_FAILED,
    RUN_FINISHED,
    RUN_STARTED,
    BatchEvents,
    canonical,
    code_version,
    normalize_path,
    policy_snapshot,
    who_and_where,
)

logger = logging.getLogger(__name__)

AUDIT_KEY_ENV = "SCRUBLINE_AUDIT_KEY"
GENESIS = "0" * 64
BUSY_TIMEOUT_SECONDS = 60

# Events about one record (run and review events), by their keyed record id. The partial index's
# WHERE, repeated verbatim in queries so SQLite uses the index.
RECORD_TYPES_SQL = "type IN (" + ", ".join(f"'{t}'" for t in RECORD_EVENTS) + ")"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries ("
    " seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, ts TEXT NOT NULL, type TEXT NOT NULL,"
    " body TEXT NOT NULL, prev_hash TEXT NOT NULL, entry_hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_by_type_run ON entries(type, run_id)",
    "DROP INDEX IF EXISTS entries_by_record",  # v1: run events only
    "CREATE INDEX IF NOT EXISTS entries_by_record_v2 ON entries(json_extract(body, '$.record'))"
    f" WHERE {RECORD_TYPES_SQL}",
    "CREATE INDEX IF NOT EXISTS entries_by_export ON entries(json_extract(body, '$.path'))"
    " WHERE type = 'batch_exported'",
    "CREATE TABLE IF NOT EXISTS checkpoint ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, entry_hash TEXT NOT NULL,"
    " mac TEXT NOT NULL)",
)


def default_audit_path(*, create: bool = True) -> Path:
    return scrubline_home(create=create) / "audit" / "audit.sqlite3"


def entry_hash(prev_hash: str, seq: int, run_id: str, ts: str, event_type: str, body: str) -> str:
    header = canonical([seq, run_id, ts, event_type])
    return hashlib.sha256(f"{prev_hash}{header}{body}".encode("utf-8", "surrogatepass")).hexdigest()


def checkpoint_mac(key: Key, seq: int, head_hash: str) -> str:
    return hmac.new(key.derive(CHECKPOINT_PURPOSE), f"{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def run_signature(key: Key, run_id: str, unsigned_body: dict[str, Any]) -> str:
    """HMAC of a run_finished body (without its signature), which names the chain head it follows."""
    message = canonical({"run_id": run_id, **unsigned_body}).encode("utf-8")
    return hmac.new(key.derive(RUN_DIGEST_PURPOSE), message, hashlib.sha256).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _quarantined_total(counts: dict[str, Any]) -> int:
    value = counts.get("quarantined", 0)
    if isinstance(value, dict):
        return sum(value.values())
    if not value and isinstance(counts.get("quarantined_by_reason"), dict):
        return sum(counts["quarantined_by_reason"].values())
    return int(value or 0)


def logged_counts(db: sqlite3.Connection, run_id: str) -> dict[str, Any]:
    """What the log itself holds for a run, counted from its events (not from the pipeline)."""
    by_type = {
        event_type: n
        for event_type, n in db.execute(
            "SELECT type, count(*) FROM entries WHERE type IN (?, ?, ?, ?) AND run_id = ? GROUP BY type",
            (RECORD_TRANSFORMED, RECORD_QUARANTINED, RECORD_ROUTED, BATCH_EXPORTED, run_id),
        )
    }
    reasons = dict(
        db.execute(
            "SELECT json_extract(body, '$.reason'), count(*) FROM entries"
            " WHERE type = ? AND run_id = ? GROUP BY 1 ORDER BY 1",
            (RECORD_QUARANTINED, run_id),
        ).fetchall()
    )
    filtered, held = db.execute(
        "SELECT count(*) FILTER (WHERE json_extract(body, '$.filtered')),"
        " count(*) FILTER (WHERE json_extract(body, '$.held')) FROM entries WHERE type = ? AND run_id = ?",
        (RECORD_ROUTED, run_id),
    ).fetchone()
    return {
        "transformed": by_type.get(RECORD_TRANSFORMED, 0),
        "quarantined": by_type.get(RECORD_QUARANTINED, 0),
        "quarantined_by_reason": reasons,
        "routed": by_type.get(RECORD_ROUTED, 0) - filtered,
        "filtered": filtered,
        "held": held,
        "exports": by_type.get(BATCH_EXPORTED, 0),
    }


def records_covered(db: sqlite3.Connection, run_id: str) -> int:
    """Input records the log accounts for in a run: its own record events plus those of batches
    it reused from the runs it resumes, each input record (batch, location) counted once."""
    row = db.execute(
        "SELECT body FROM entries WHERE type = ? AND run_id = ?", (RUN_STARTED, run_id)
    ).fetchone()
    resumes = (json.loads(row[0]).get("resumes") or []) if row else []
    runs = [run_id, *resumes]
    marks = ", ".join("?" for _ in runs)
    (covered,) = db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT"
        " json_extract(body, '$.batch'), json_extract(body, '$.location')"
        f" FROM entries WHERE type IN (?, ?) AND run_id IN ({marks}))",
        (RECORD_TRANSFORMED, RECORD_QUARANTINED, *runs),
    ).fetchone()
    return covered


class AuditLog:
    """The installation's audit log. Opening it for writing creates the store and key if missing.

    With `readonly=True` (queries, verification) nothing is created: a missing store or a
    missing key is an error. One instance per process; safe to share between threads.
    """

    def __init__(self, path: Path | str | None = None, key: Key | None = None, *, readonly: bool = False):
        self.path = Path(path) if path is not None else default_audit_path(create=not readonly)
        self.readonly = readonly
        self._key = key
        self._lock = threading.RLock()
        if readonly:
            if not self.path.is_file():
                raise ScrublineError(f"{self.path}: no audit log here (no run has been recorded yet)")
        else:
            if self._key is None:
                self._key = resolve_key(AUDIT_KEY_ENV, create=True)
            self._create_file()
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            if not readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
                self._init_schema()
            elif not self._has_table("entries"):
                raise ScrublineError(f"{self.path}: not a Scrubline audit log")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ScrublineError(f"{self.path}: cannot open the audit log ({exc})") from None
        except BaseException:
            self._db.close()
            raise

    # --- set-up --------------------------------------------------------------------------------

    def _create_file(self) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(self.path, 0o600)  # SQLite creates -wal and -shm with the database's mode

    def _has_table(self, name: str) -> bool:
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return row.fetchone() is not None

    def _init_schema(self) -> None:
        with self._immediate() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            stored = db.execute("SELECT value FROM meta WHERE name = 'key_id'").fetchone()
            if stored is None:
                db.execute("INSERT INTO meta (name, value) VALUES ('key_id', ?)", (self.key.key_id,))
                db.execute("INSERT INTO meta (name, value) VALUES ('created', ?)", (_now(),))
            elif stored[0] != self.key.key_id:
                raise SecretError(
                    f"{self.path}: wrong audit key: the log was written with key id {stored[0]}, "
                    f"{self.key.name} gives key id {self.key.key_id}"
                )

    @property
    def key(self) -> Key:
        """The audit key. Read-only logs resolve it on first use and never create it."""
        if self._key is None:
            self._key = resolve_key(AUDIT_KEY_ENV, create=False)
        return self._key

    def record_key(self) -> Key:
        """The key `batch_events` digests record ids and contents with (pass it to workers)."""
        return self.key

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    def stored_key_id(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = 'key_id'").fetchone()
        return row[0] if row else None

    # --- writing -------------------------------------------------------------------------------

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise ScrublineError(f"{self.path}: audit log opened read-only")
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise TransientError(
                        f"{self.path}: audit log busy for more than {BUSY_TIMEOUT_SECONDS} s"
                    ) from None
                raise
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _append(self, db: sqlite3.Connection, run_id: str, items: list[tuple[str, str]]) -> tuple[int, str]:
        """Chain `items` (type, canonical body) onto the head; return the new head. In a transaction."""
        row = db.execute("SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = row if row is not None else (0, GENESIS)
        ts = _now()
        rows = []
        for event_type, body in items:
            seq += 1
            digest = entry_hash(prev, seq, run_id, ts, event_type, body)
            rows.append((seq, run_id, ts, event_type, body, prev, digest))
            prev = digest
        db.executemany(
            "INSERT INTO entries (seq, run_id, ts, type, body, prev_hash, entry_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(
            "INSERT INTO checkpoint (id, seq, entry_hash, mac) VALUES (1, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash,"
            " mac = excluded.mac",
            (seq, prev, checkpoint_mac(self.key, seq, prev)),
        )
        return seq, prev

    def _run_state(self, db: sqlite3.Connection, run_id: str) -> set[str]:
        return {
            t
            for (t,) in db.execute(
                "SELECT type FROM entries WHERE type IN (?, ?) AND run_id = ?",
                (RUN_STARTED, RUN_FINISHED, run_id),
            )
        }

    def _require_open_run(self, db: sqlite3.Connection, run_id: str) -> None:
        state = self._run_state(db, run_id)
        if RUN_STARTED not in state:
            raise ScrublineError(f"audit: run {run_id} was never started in {self.path}")
        if RUN_FINISHED in state:
            raise ScrublineError(f"audit: run {run_id} is already finished in {self.path}")

    def run_started(
        self,
        run_id: str,
        *,
        policy,
        parameters: dict,
        inputs: list[dict],
        flow_run_id: str | None = None,
        resumes: list[str] | None = None,
    ) -> None:
        """Record the start of a run: policy rules and hash, code version, inputs, who and where."""
        user, host = who_and_where()
        body = {
            "policy": policy_snapshot(policy),
            "code": code_version(),
            "parameters": parameters,
            "inputs": inputs,
            "user": user,
            "host": host,
            "flow_run_id": flow_run_id,
            "resumes": list(resumes) if resumes else None,
            "audit_key_id": self.key.key_id,
        }
        with self._immediate() as db:
            if self._run_state(db, run_id):
                raise ScrublineError(f"audit: run {run_id} was already started in {self.path}")
            self._append(db, run_id, [(RUN_STARTED, canonical(body))])

    def append_batch(self, run_id: str, batch_key: str, events: BatchEvents) -> None:
        """Append one batch's events in one transaction: all of them or none."""
        if events.batch_key != batch_key:
            raise ScrublineError(f"audit: events of batch {events.batch_key} given for batch {batch_key}")
        if not events.entries:
            return
        with self._immediate() as db:
            self._require_open_run(db, run_id)
            self._append(db, run_id, events.entries)

    def append(self, run_id: str, event_type: str, body: dict[str, Any]) -> None:
        """Append one event of an open run (for stages that record single events)."""
        if event_type in (RUN_STARTED, RUN_FINISHED):
            raise ScrublineError(f"audit: use run_started()/run_finished() for {event_type}")
        with self._immediate() as db:
            self._require_open_run(db, run_id)
            self._append(db, run_id, [(event_type, canonical(body))])

    def run_finished(self, run_id: str, counts: dict) -> str:
        """Close the run with its counts and a signed digest of the chain head; return the digest."""
        records_in = int(counts.get("records_in", 0))
        outcome = (
            int(counts.get("redacted", 0))
            + int(counts.get("held", 0))
            + int(counts.get("filtered", 0))
            + _quarantined_total(counts)
        )
        with self._immediate() as db:
            self._require_open_run(db, run_id)
            head_seq, head_hash = db.execute(
                "SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            logged = logged_counts(db, run_id)
            covered = records_covered(db, run_id)
            unsigned = {
                "counts": json.loads(canonical(counts)),
                "reconciled": records_in == outcome,
                "logged": {**logged, "covered": covered},
                "matches_log": covered == records_in,
                "signed_head": {"seq": head_seq, "hash": head_hash},
            }
            signature = run_signature(self.key, run_id, unsigned)
            self._append(db, run_id, [(RUN_FINISHED, canonical({**unsigned, "signature": signature}))])
        return signature

    def run_failed(self, run_id: str, body: dict[str, Any]) -> None:
        """Record that a run stopped before finishing (a bad policy, a crash): its reason, never
        record content. The run may or may not have been started in the log."""
        with self._immediate() as db:
            if RUN_FINISHED in self._run_state(db, run_id):
                raise ScrublineError(f"audit: run {run_id} is already finished in {self.path}")
            self._append(db, run_id, [(RUN_FAILED, canonical(body))])

    def record_failure(self, run_id: str, stage: str, exc: BaseException, **context: Any) -> None:
        """`run_failed` for this exception (see `events.failure_body`); marks the exception so an
        outer caller does not record it twice."""
        from .events import failure_body

        if getattr(exc, "_scrubline_audited", False):
            return
        self.run_failed(run_id, failure_body(stage, exc, **context))
        try:
            exc._scrubline_audited = True  # type: ignore[attr-defined]
        except AttributeError:  # an exception type with slots
            pass

    def append_review(self, entries: list[tuple[str, str]], action_id: str | None = None) -> str:
        """Append the events of one queue action (a pull, a release, an import) in one
        transaction, on the same chain as the runs; returns the action's id."""
        import uuid

        action_id = action_id or f"queue-{uuid.uuid4().hex}"
        bad = sorted({event_type for event_type, _ in entries} - set(REVIEW_EVENTS))
        if bad:
            raise ScrublineError(f"audit: not queue events: {', '.join(bad)}")
        if entries:
            with self._immediate() as db:
                self._append(db, action_id, entries)
        return action_id

    # --- reading -------------------------------------------------------------------------------

    def has_export(self, path: str, sha256: str) -> bool:
        """Whether this output file, with this content, was recorded as exported."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM entries WHERE type = 'batch_exported' AND json_extract(body, '$.path') = ?"
                " AND json_extract(body, '$.sha256') = ? LIMIT 1",
                (normalize_path(path), sha256),
            ).fetchone()
        return row is not None

    def verify(self):
        """Check the chain, every run signature and the checkpoint. See verification.py."""
        from .verification import verify_log

        with self._lock:
            return verify_log(self._db, self.key, self.path)

    def require_valid(self):
        """verify(), raising AuditIntegrityError when the log does not verify."""
        result = self.verify()
        if not result.ok:
            raise AuditIntegrityError(f"{self.path}: {result.message}")
        return result

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def record_run_failure(
    run_id: str, stage: str, exc: BaseException, log: AuditLog | None = None, **context
) -> None:
    """Best effort `run_failed` for a run that is stopping: the original error is what the user
    must see, so a log that cannot be written only adds a warning (naming no content)."""
    if getattr(exc, "_scrubline_audited", False):
        return
    try:
        target = log if log is not None else AuditLog()
        try:
            target.record_failure(run_id, stage, exc, **context)
        finally:
            if log is None:
                target.close()
    except Exception as problem:  # noqa: BLE001 - never mask the run's own error
        logger.warning("audit: could not record that run %s failed (%s)", run_id, type(problem).__name__)
