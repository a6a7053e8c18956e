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
  alone, and a wiped log looks like a new one.

Against those, and against someone who can read the audit key (a key file in the same
`$SCRUBLINE_HOME` as the log: a warning says so), two more:

* **Evidence outside the database** (evidence.py). After each commit that ends a run or a queue
  action, a signed head statement (log id, seq, hash, the run's digest) is appended to the
  anchor file (`SCRUBLINE_AUDIT_ANCHOR`, on other storage), and a run's own statement goes to
  its `OUT/summary.json`. Written after the commit, the anchor can only be behind the log, so
  a log behind it was rolled back, an empty one wiped, another hash at an anchored seq rewritten.
* **Ed25519** (signing.py). With a signing key (`SCRUBLINE_AUDIT_SIGNING_KEY[_FILE]`, kept
  outside `$SCRUBLINE_HOME`), each run digest, the checkpoint and each head statement are also
  signed with it, and the log records the public key (meta `ed25519_public_key`, from entry
  `ed25519_since` on). A verifier with the pinned public key needs no secret, and someone with
  the audit key alone can no longer re-sign. The HMACs stay (record ids need the audit key
  anyway) and logs without Ed25519 verify as before; the HMAC of a run digest covers its
  Ed25519 signature, so verifiers that predate it still check such logs.

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
import uuid
from collections.abc import Iterator, Sequence
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
    RECORD_SKIPPED,
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
from .evidence import QUEUE_ACTION_EVENT, RUN_FAILED_EVENT, AnchorFile, anchor_path, head_statement
from .signing import SIGNING_KEY_ENV, SIGNING_KEY_FILE_ENV, PublicKey, SigningKey, resolve_signing_key

logger = logging.getLogger(__name__)

AUDIT_KEY_ENV = "SCRUBLINE_AUDIT_KEY"
GENESIS = "0" * 64
BUSY_TIMEOUT_SECONDS = 60


class _FromEnv:
    def __repr__(self) -> str:
        return "FROM_ENV"


# "Resolve it from the environment" for AuditLog's signing_key and anchor (None means none).
FROM_ENV: Any = _FromEnv()

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


def checkpoint_message(seq: int, head_hash: str) -> bytes:
    return f"{seq}:{head_hash}".encode()


def checkpoint_mac(key: Key, seq: int, head_hash: str) -> str:
    return hmac.new(
        key.derive(CHECKPOINT_PURPOSE), checkpoint_message(seq, head_hash), hashlib.sha256
    ).hexdigest()


def run_message(run_id: str, unsigned_body: dict[str, Any]) -> bytes:
    return canonical({"run_id": run_id, **unsigned_body}).encode("utf-8")


def run_signature(key: Key, run_id: str, unsigned_body: dict[str, Any]) -> str:
    """HMAC of a run_finished body (without its signature), which names the chain head it follows."""
    return hmac.new(
        key.derive(RUN_DIGEST_PURPOSE), run_message(run_id, unsigned_body), hashlib.sha256
    ).hexdigest()


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
            "SELECT type, count(*) FROM entries WHERE type IN (?, ?, ?, ?, ?) AND run_id = ? GROUP BY type",
            (RECORD_TRANSFORMED, RECORD_QUARANTINED, RECORD_ROUTED, RECORD_SKIPPED, BATCH_EXPORTED, run_id),
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
        "skipped": by_type.get(RECORD_SKIPPED, 0),  # filtered too: already in the output folder
        "held": held,
        "exports": by_type.get(BATCH_EXPORTED, 0),
    }


def records_covered(db: sqlite3.Connection, run_id: str) -> dict[str, int]:
    """Input records the log accounts for in a run, each (batch, location) counted once: `own`,
    those of its own record events (what its `records_in` counts: a resumed run redacts only
    the batches the interrupted runs left, and counts only those); `resumed`, those of other
    batches of the runs it resumes (the batches it kept); `covered`, both."""
    row = db.execute(
        "SELECT body FROM entries WHERE type = ? AND run_id = ?", (RUN_STARTED, run_id)
    ).fetchone()
    resumes = (json.loads(row[0]).get("resumes") or []) if row else []
    select = (
        "SELECT DISTINCT json_extract(body, '$.batch') AS batch, json_extract(body, '$.location')"
        " FROM entries WHERE type IN (?, ?, ?) AND run_id {}"
    )
    (own,) = db.execute(
        f"SELECT count(*) FROM ({select.format('= ?')})",
        (RECORD_TRANSFORMED, RECORD_QUARANTINED, RECORD_SKIPPED, run_id),
    ).fetchone()
    resumed = 0
    if resumes:
        marks = ", ".join("?" for _ in resumes)
        # A batch an interrupted run committed but this one redid (its output was lost) is its own.
        (resumed,) = db.execute(
            f"SELECT count(*) FROM ({select.format(f'IN ({marks})')}) WHERE batch NOT IN"
            " (SELECT json_extract(body, '$.batch') FROM entries WHERE type IN (?, ?, ?) AND run_id = ?)",
            (
                RECORD_TRANSFORMED,
                RECORD_QUARANTINED,
                RECORD_SKIPPED,
                *resumes,
                RECORD_TRANSFORMED,
                RECORD_QUARANTINED,
                RECORD_SKIPPED,
                run_id,
            ),
        ).fetchone()
    return {"own": own, "resumed": resumed, "covered": own + resumed}


_warned: set[tuple[str, str]] = set()  # (key file, log): each warned about once per process


def warn_if_key_beside_log(key_name: str, source: str | None, log_path: Path, consequence: str) -> None:
    """One warning (per key file and log, per process) when a key is a file in the same
    `$SCRUBLINE_HOME` as the log: whoever can change the log can then read the key."""
    if not source:
        return
    home = scrubline_home(create=False).resolve()
    key_file, log = Path(source).resolve(), log_path.resolve()
    if (
        not (key_file.is_relative_to(home) and log.is_relative_to(home))
        or (str(key_file), str(log)) in _warned
    ):
        return
    _warned.add((str(key_file), str(log)))
    logger.warning(
        "%s is the file %s, beside the audit log in SCRUBLINE_HOME: %s (README: Audit log)",
        key_name,
        key_file,
        consequence,
    )


class AuditLog:
    """The installation's audit log. Opening it for writing creates the store and key if missing.

    With `readonly=True` (queries, verification) nothing is created: a missing store or a
    missing key is an error. One instance per process; safe to share between threads.

    Writers also take the Ed25519 signing key (`signing_key`: a `Key` holding its 32-byte
    seed, None for none; by default `SCRUBLINE_AUDIT_SIGNING_KEY[_FILE]`) and the anchor file
    (`anchor`: a path, None for none; by default `SCRUBLINE_AUDIT_ANCHOR`). Pool workers get
    both from the run (`anchor=None`: only the run's ends are anchored, by its main process).
    A log that records a public key refuses writers without its signing key, as it refuses
    another audit key. `check_key_location=False` skips the warning about a key file beside
    the log (a best-effort failure record, whose own error is what the user must see alone).
    """

    def __init__(
        self,
        path: Path | str | None = None,
        key: Key | None = None,
        *,
        readonly: bool = False,
        signing_key: Key | None = FROM_ENV,
        anchor: Path | str | None = FROM_ENV,
        check_key_location: bool = True,
    ):
        self.path = Path(path) if path is not None else default_audit_path(create=not readonly)
        self.readonly = readonly
        self._key = key
        self._check_key_location = check_key_location
        self._lock = threading.RLock()
        self._signing: SigningKey | None = None
        self._anchor: AnchorFile | None = None
        self._log_id: str | None = None
        self._resolved_here = False  # the key was resolved here, not handed over by the run
        if readonly:
            if not self.path.is_file():
                raise ScrublineError(f"{self.path}: no audit log here (no run has been recorded yet)")
        else:
            if self._key is None:
                self._key = resolve_key(AUDIT_KEY_ENV, create=True)
                self._resolved_here = True
            if signing_key is FROM_ENV:
                signing_key = resolve_signing_key()
            self._signing = SigningKey(signing_key) if signing_key is not None else None
            if anchor is FROM_ENV:
                anchor = anchor_path()
            if anchor is not None:
                self._anchor = AnchorFile(anchor)
                self._anchor.ensure_writable()
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
                if self._resolved_here:
                    self._warn_about_key_location()
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
            if "ed25519" not in {row[1] for row in db.execute("PRAGMA table_info(checkpoint)")}:
                db.execute("ALTER TABLE checkpoint ADD COLUMN ed25519 TEXT")  # older logs: NULL
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
            stored = meta.get("key_id")
            if stored is None:
                db.execute("INSERT INTO meta (name, value) VALUES ('key_id', ?)", (self.key.key_id,))
                db.execute("INSERT INTO meta (name, value) VALUES ('created', ?)", (_now(),))
            elif stored != self.key.key_id:
                raise SecretError(
                    f"{self.path}: wrong audit key: the log was written with key id {stored}, "
                    f"{self.key.name} gives key id {self.key.key_id}"
                )
            if "log_id" not in meta:  # names the log in the evidence kept outside it
                db.execute("INSERT INTO meta (name, value) VALUES ('log_id', ?)", (uuid.uuid4().hex,))
            self._log_id = db.execute("SELECT value FROM meta WHERE name = 'log_id'").fetchone()[0]
            head_seq, head_hash = db.execute(
                "SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1"
            ).fetchone() or (0, GENESIS)
            recorded = meta.get("ed25519_public_key")
            adopted = False
            if self._signing is not None:
                mine = self._signing.public_key
                if recorded is None:
                    db.executemany(
                        "INSERT INTO meta (name, value) VALUES (?, ?)",
                        [("ed25519_public_key", mine.hex), ("ed25519_since", str(head_seq))],
                    )
                    adopted = True
                elif recorded != mine.hex:
                    raise SecretError(
                        f"{self.path}: wrong signing key: the log is signed with Ed25519 public key "
                        f"{recorded[:16]}..., {SIGNING_KEY_ENV} gives key id {mine.key_id}"
                    )
            elif recorded is not None:
                raise SecretError(
                    f"{self.path}: the log is signed with an Ed25519 key (public key {recorded[:16]}...): "
                    f"set {SIGNING_KEY_ENV} or {SIGNING_KEY_FILE_ENV} to write to it"
                )
            checkpoint = db.execute("SELECT seq, entry_hash, mac FROM checkpoint WHERE id = 1").fetchone()
            intact = (head_seq, head_hash, checkpoint_mac(self.key, head_seq, head_hash))
            if checkpoint is None and head_seq == 0:
                # A new log is signed from its first moment: deleting every entry and the
                # checkpoint is then a wipe, not an empty log (verification.py).
                self._write_checkpoint(db, 0, GENESIS)
            elif adopted and checkpoint is not None and tuple(checkpoint) == intact:
                self._write_checkpoint(db, head_seq, head_hash)  # the head, now signed with Ed25519 too

    def _write_checkpoint(self, db: sqlite3.Connection, seq: int, head_hash: str) -> None:
        signed = (
            self._signing.sign(CHECKPOINT_PURPOSE, checkpoint_message(seq, head_hash))
            if self._signing
            else None
        )
        db.execute(
            "INSERT INTO checkpoint (id, seq, entry_hash, mac, ed25519) VALUES (1, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, entry_hash = excluded.entry_hash,"
            " mac = excluded.mac, ed25519 = excluded.ed25519",
            (seq, head_hash, checkpoint_mac(self.key, seq, head_hash), signed),
        )

    def _warn_about_key_location(self) -> None:
        if not self._check_key_location:
            return
        if self._signing is None and not self.public_key():
            warn_if_key_beside_log(
                f"the audit key {self.key.name}",
                self.key.source,
                self.path,
                "who can change the log can re-sign it; keep the key elsewhere "
                f"({AUDIT_KEY_ENV}_FILE) or add an Ed25519 key kept elsewhere ({SIGNING_KEY_FILE_ENV})",
            )
        if self._signing is not None:
            warn_if_key_beside_log(
                f"the audit signing key {SIGNING_KEY_ENV}",
                self._signing.source,
                self.path,
                "who can change the log can re-sign it; keep it elsewhere",
            )

    @property
    def key(self) -> Key:
        """The audit key. Read-only logs resolve it on first use and never create it."""
        if self._key is None:
            self._key = resolve_key(AUDIT_KEY_ENV, create=False)
            self._warn_about_key_location()
        return self._key

    def optional_key(self) -> Key | None:
        """The audit key, or None when it cannot be had (a verifier with a public key only)."""
        try:
            return self.key
        except SecretError:
            return None

    @property
    def log_id(self) -> str | None:
        """The log's id (meta `log_id`; None for a log no writer has opened since it existed)."""
        if self._log_id is None:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'log_id'").fetchone()
            self._log_id = row[0] if row else None
        return self._log_id

    def public_key(self) -> PublicKey | None:
        """The Ed25519 public key the log records (not pinned: the verifier's own copy is)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'ed25519_public_key'").fetchone()
        return PublicKey.from_record(row[0] if row else None)

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
        self._write_checkpoint(db, seq, prev)
        return seq, prev, ts

    def _anchor_head(
        self, event: str, run_id: str, head: tuple[int, str, str], digest: str | None = None
    ) -> None:
        """Append the committed head to the anchor file. After the commit, so the anchor never
        runs ahead of the log; a failed write leaves it behind (the next one catches up)."""
        if self._anchor is None:
            return
        seq, head_hash, ts = head
        statement = head_statement(
            self.key,
            self._signing,
            log_id=self.log_id,
            event=event,
            run_id=run_id,
            seq=seq,
            head_hash=head_hash,
            ts=ts,
            digest=digest,
        )
        try:
            self._anchor.append(statement)
        except OSError as exc:
            logger.error(
                "audit anchor %s: could not append entry %d (%s); the anchor is behind the log until "
                "the next run or queue action",
                self._anchor.path,
                seq,
                exc.strerror or type(exc).__name__,
            )

    def run_statement(self, run_id: str) -> dict[str, Any] | None:
        """The signed head statement of a finished run (the one its finish anchored), for its
        summary.json: evidence of the run outside the log. None when the run did not finish."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, ts, entry_hash, json_extract(body, '$.signature') FROM entries"
                " WHERE type = ? AND run_id = ?",
                (RUN_FINISHED, run_id),
            ).fetchone()
        if row is None:
            return None
        seq, ts, head_hash, digest = row
        return head_statement(
            self.key,
            self._signing,
            log_id=self.log_id,
            event=RUN_FINISHED,
            run_id=run_id,
            seq=seq,
            head_hash=head_hash,
            ts=ts,
            digest=digest,
        )

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
            body = {
                "counts": json.loads(canonical(counts)),
                "reconciled": records_in == outcome,
                "logged": {**logged, **covered},
                # records_in counts what this run redacted, not the batches it kept from runs it resumed
                "matches_log": covered["own"] == records_in,
                "signed_head": {"seq": head_seq, "hash": head_hash},
            }
            if self._signing is not None:  # signs the body; the HMAC then covers both
                body["ed25519"] = self._signing.sign(RUN_DIGEST_PURPOSE, run_message(run_id, body))
            signature = run_signature(self.key, run_id, body)
            head = self._append(db, run_id, [(RUN_FINISHED, canonical({**body, "signature": signature}))])
        self._anchor_head(RUN_FINISHED, run_id, head, signature)
        return signature

    def run_failed(self, run_id: str, body: dict[str, Any]) -> None:
        """Record that a run stopped before finishing (a bad policy, a crash): its reason, never
        record content. The run may or may not have been started in the log."""
        with self._immediate() as db:
            if RUN_FINISHED in self._run_state(db, run_id):
                raise ScrublineError(f"audit: run {run_id} is already finished in {self.path}")
            head = self._append(db, run_id, [(RUN_FAILED, canonical(body))])
        self._anchor_head(RUN_FAILED_EVENT, run_id, head)

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
                head = self._append(db, action_id, entries)
            self._anchor_head(QUEUE_ACTION_EVENT, action_id, head)
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

    def verify(
        self,
        *,
        public_key=None,
        pinned_by: str | None = None,
        anchor: Path | str | None = FROM_ENV,
        against: Sequence[Path | str] = (),
    ):
        """Check the chain, every run signature and the checkpoint, and compare the log with the
        evidence kept outside it: the anchor file (`anchor`, by default `SCRUBLINE_AUDIT_ANCHOR`)
        and the summary.json of the output folders `against`. With a pinned `public_key` (a
        `signing.PublicKey`; `pinned_by` says who vouches for it) the audit key is optional.
        See verification.py and evidence.py."""
        from .evidence import anchor_public_key, gather
        from .verification import verify_log

        path = anchor_path() if anchor is FROM_ENV else anchor_path(anchor) if anchor is not None else None
        evidence, problems, unaudited = gather(path, against)
        if public_key is None:
            public_key = anchor_public_key(evidence)
            pinned_by = f"pinned by the anchor {path}" if public_key is not None else None
        key = self.optional_key() if public_key is not None else self.key
        labels = [f"anchor {path}"] if path is not None else []
        labels += [f"not audited, nothing to compare: {', '.join(map(str, unaudited))}"] if unaudited else []
        with self._lock:
            return verify_log(
                self._db,
                key,
                self.path,
                public_key=public_key,
                pinned_by=pinned_by,
                evidence=evidence,
                evidence_problems=problems,
                evidence_label=", ".join(labels),
            )

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
        target = log if log is not None else AuditLog(check_key_location=False)
        try:
            target.record_failure(run_id, stage, exc, **context)
        finally:
            if log is None:
                target.close()
    except Exception as problem:  # noqa: BLE001 - never mask the run's own error
        logger.warning("audit: could not record that run %s failed (%s)", run_id, type(problem).__name__)
