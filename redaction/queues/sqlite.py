"""The embedded queue store: one SQLite file, `$SCRUBLINE_HOME/queues/queues.sqlite3`.

Safe with several processes at once. The file is in WAL mode (readers never block the writer),
and every change runs in a `BEGIN IMMEDIATE` transaction: it takes the database's single write
lock before reading anything, so a pull's select-then-claim cannot interleave with another's and
two annotators never claim the same slot (the equivalent of `UPDATE ... RETURNING` on one
statement). A busy lock is retried after short random sleeps until `busy_timeout` (SQLite's own
handler backs off too far and lets a tight loop starve the others), then TransientError. Each
process opens its own connection (a connection inherited across fork is never reused).

Leases carry an expiry time. Expired leases are reclaimed inside the next pull (or stats) of
their queue, before candidates are chosen: the item's slot reopens, and the annotator whose
lease expired may be offered it again (they never delivered it). An item is never offered to an
annotator who holds it, finished it, or refused it (nack).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TransientError
from ..home import scrubline_home
from ..routing import QueueOrder, QueueSettings, QueueTask, sample_fraction
from .base import (
    Annotation,
    GoldItem,
    ItemState,
    NewItem,
    Origin,
    QueueError,
    QueueItem,
    QueueStats,
    QueueStore,
    SaveResult,
    Span,
    SpotCheck,
    TextField,
    spans_from_json,
    spans_to_json,
)
from .kinds import check_answer

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, settings TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS placeholder_labels (label TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS items ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " item_id TEXT NOT NULL UNIQUE,"
    " queue TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " priority REAL NOT NULL DEFAULT 0,"
    " overlap INTEGER NOT NULL DEFAULT 1,"
    " active INTEGER NOT NULL DEFAULT 0,"  # live leases
    " done_n INTEGER NOT NULL DEFAULT 0,"  # finished annotators
    " record_id TEXT, source_id TEXT, batch_key TEXT,"
    " text TEXT NOT NULL, record TEXT NOT NULL, fields TEXT NOT NULL,"
    " spans TEXT NOT NULL, predictions TEXT NOT NULL, confidence REAL, model TEXT,"
    " gold_answer TEXT, enqueued_at REAL NOT NULL, output TEXT, id_field TEXT, superseded_by TEXT)",
    "CREATE INDEX IF NOT EXISTS items_serve ON items(queue, state, priority DESC, seq)",
    "CREATE TABLE IF NOT EXISTS assignments ("
    " item_id TEXT NOT NULL, annotator TEXT NOT NULL, queue TEXT NOT NULL,"
    " state TEXT NOT NULL,"  # leased | done | nacked | expired
    " leased_at REAL, expires_at REAL, finished_at REAL,"
    " PRIMARY KEY (item_id, annotator)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS assignments_expiry ON assignments(queue, expires_at) WHERE state = 'leased'",
    "CREATE INDEX IF NOT EXISTS assignments_by_annotator ON assignments(queue, annotator, state)",
    "CREATE TABLE IF NOT EXISTS annotators ("
    " queue TEXT NOT NULL, annotator TEXT NOT NULL, served INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (queue, annotator)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS annotations ("
    " item_id TEXT NOT NULL, annotator TEXT NOT NULL, queue TEXT NOT NULL,"
    " spans TEXT NOT NULL, saved_at REAL NOT NULL,"
    " PRIMARY KEY (item_id, annotator)) WITHOUT ROWID",
    # Who holds the reviewer role: may read, fix and release held items (`queue reviewers`).
    "CREATE TABLE IF NOT EXISTS reviewers ("
    " name TEXT PRIMARY KEY, added_by TEXT NOT NULL, added_at REAL NOT NULL) WITHOUT ROWID",
    # Items the model could have labelled, sent to people anyway (`queue autolabel`).
    "CREATE TABLE IF NOT EXISTS spot_checks ("
    " item_id TEXT PRIMARY KEY, queue TEXT NOT NULL, model TEXT NOT NULL, answer TEXT NOT NULL,"
    " confidence REAL NOT NULL, draw TEXT NOT NULL, created_at REAL NOT NULL) WITHOUT ROWID",
)

# Spot-check items are served before any other pending item (their answers measure auto labels).
SPOT_CHECK_PRIORITY = 2.0

# An item's state from its counters; held and gold items keep theirs.
_RESTATE = (
    "UPDATE items SET state = CASE"
    " WHEN state IN ('held', 'gold') THEN state"
    " WHEN done_n >= overlap THEN 'done'"
    " WHEN active + done_n >= overlap THEN 'leased'"
    " ELSE 'pending' END"
    " WHERE item_id = ?"
)

_ITEM_COLUMNS = (
    "item_id, queue, text, record, record_id, fields, spans, predictions, confidence, model,"
    " source_id, batch_key, state, seq, priority, output, id_field, superseded_by, task, content, suggestion"
)

_PPM = 1_000_000

MODEL_ANNOTATOR = "model"  # who an auto-accepted label is credited to (its origin is `model`)


def default_store_path() -> Path:
    return scrubline_home() / "queues" / "queues.sqlite3"


def priority_for(settings: QueueSettings, confidence: float | None, item_id: str = "") -> float:
    """Higher is served first; equal priorities are served in enqueue order. `random` order is a
    stable shuffle by item id (the same on every run)."""
    if settings.order is QueueOrder.UNCERTAINTY and confidence is not None:
        return 1.0 - confidence
    if settings.order is QueueOrder.RANDOM and item_id:
        return sample_fraction("order", item_id)
    return 0.0


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _task_columns(item: NewItem) -> tuple[str, str, str | None]:
    return (
        item.task or "spans",
        json.dumps(item.content or {}, ensure_ascii=False),
        _json_or_none(item.suggestion),
    )


def gold_slots(served: int, n: int, rate: float) -> list[bool]:
    """Which of the next n items an annotator is served are gold: the j-th item served is gold
    when floor((j + 1) * rate) > floor(j * rate), so after m items exactly floor(m * rate) were
    gold (when enough gold items exist). Integer arithmetic: no float drift, same every run."""
    ppm = round(rate * _PPM)
    return [((served + j + 1) * ppm) // _PPM > ((served + j) * ppm) // _PPM for j in range(n)]


def gold_id_for(queue: str, text: str) -> str:
    # The same shape as regular item ids: nothing in an export tells a gold item apart.
    return hashlib.sha256(f"gold\x00{queue}\x00{text}".encode()).hexdigest()[:32]


def _same_spans(a: Iterable[Span], b: Iterable[Span]) -> bool:
    """The same labelled ranges, whatever their order (scores are not part of an annotation)."""

    def key(spans: Iterable[Span]) -> list[tuple[int, int, str]]:
        return sorted((s.start, s.end, s.label) for s in spans)

    return key(a) == key(b)


class SQLiteQueueStore(QueueStore):
    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = 60.0,
        clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path) if path is not None else default_store_path()
        self.busy_timeout = busy_timeout
        self.clock = clock
        self._db: sqlite3.Connection | None = None
        self._pid = -1
        with self._write() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(items)")}
            # A store made before held items had a file, before items noted newer versions, or
            # before task kinds.
            for column in ("output", "id_field", "superseded_by", "task", "content", "suggestion"):
                if column not in columns:
                    db.execute(f"ALTER TABLE items ADD COLUMN {column} TEXT")
            noted = {row[1] for row in db.execute("PRAGMA table_info(annotations)")}
            for column in ("answer", "origin"):
                if column not in noted:
                    db.execute(f"ALTER TABLE annotations ADD COLUMN {column} TEXT")

    # --- connection and transactions ----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # SQLite's own busy wait is kept short: `_retry` does the waiting (see there).
            db = sqlite3.connect(self.path, timeout=0.002, isolation_level=None)
            if self._retry(lambda: db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                self._retry(lambda: db.execute("PRAGMA journal_mode = WAL"))
            db.execute("PRAGMA synchronous = NORMAL")
            try:
                self.path.chmod(0o600)
            except OSError:
                pass
            self._db, self._pid = db, os.getpid()
        return self._db

    def _retry(self, operation: Callable[[], Any]) -> Any:
        """Run an operation that may find the database locked, until the busy timeout.

        SQLite's busy handler backs off up to 100 ms between polls, so a process writing in a
        tight loop starves the others; retrying after short random sleeps gives every waiting
        process a fair chance at the lock."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                return operation()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise TransientError(f"{self.path}: queue store is busy") from None
                time.sleep(random.uniform(0.0002, 0.002))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        self._retry(lambda: db.execute("BEGIN IMMEDIATE"))
        try:
            yield db
            self._retry(lambda: db.execute("COMMIT"))
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    # --- configuration --------------------------------------------------------------------------

    def configure(self, queues: Mapping[str, QueueSettings], placeholder_labels: Sequence[str] = ()) -> None:
        rows = [(name, settings.model_dump_json()) for name, settings in queues.items()]
        with self._write() as db:
            db.executemany(
                "INSERT INTO queues (name, settings) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET settings = excluded.settings",
                rows,
            )
            db.executemany(
                "INSERT OR IGNORE INTO placeholder_labels (label) VALUES (?)",
                [(x,) for x in placeholder_labels],
            )

    # --- roles ---------------------------------------------------------------------------------

    def reviewers(self) -> list[str]:
        """Names holding the reviewer role (as given to `--as`, $SCRUBLINE_ACTOR or the OS user)."""
        return [x for (x,) in self._connect().execute("SELECT name FROM reviewers ORDER BY name")]

    def add_reviewer(self, name: str, added_by: str) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO reviewers (name, added_by, added_at) VALUES (?, ?, ?)",
                (name, added_by, time.time()),
            )
        return cursor.rowcount > 0

    def remove_reviewer(self, name: str) -> bool:
        with self._write() as db:
            cursor = db.execute("DELETE FROM reviewers WHERE name = ?", (name,))
        return cursor.rowcount > 0

    def placeholder_labels(self) -> list[str]:
        return [x for (x,) in self._connect().execute("SELECT label FROM placeholder_labels ORDER BY label")]

    def settings(self) -> dict[str, QueueSettings]:
        rows = self._connect().execute("SELECT name, settings FROM queues ORDER BY name").fetchall()
        return {name: QueueSettings.model_validate_json(text) for name, text in rows}

    def _settings_of(self, db: sqlite3.Connection, queue: str) -> QueueSettings:
        row = db.execute("SELECT settings FROM queues WHERE name = ?", (queue,)).fetchone()
        if row is None:
            known = [name for (name,) in db.execute("SELECT name FROM queues ORDER BY name")]
            raise QueueError(
                f"{self.path}: no queue named '{queue}' (queues: {', '.join(known) or 'none yet'})"
            )
        return QueueSettings.model_validate_json(row[0])

    # --- items ----------------------------------------------------------------------------------

    def enqueue(self, items: Iterable[NewItem]) -> int:
        return self.upsert(items)["new"]

    def upsert(self, items: Iterable[NewItem]) -> dict[str, int]:
        """Add items; an item id the store holds is a newer version of the same record.

        Returns counts: `new`; `unchanged` (same queue, text and record: only where it was read
        from is updated); `updated` (nobody has leased, finished or annotated it yet: its content
        is replaced, a held item is reviewed anew); `kept` (worked on: left as it is, with the
        newer version's batch noted in `superseded_by`, so no annotation is ever silently
        applied to other text).
        """
        now = self.clock()
        counts = {"new": 0, "unchanged": 0, "updated": 0, "kept": 0}
        with self._write() as db:
            settings: dict[str, QueueSettings] = {}
            for item in items:
                if item.queue not in settings:
                    settings[item.queue] = self._settings_of(db, item.queue)
                queue = settings[item.queue]
                record = json.dumps(item.record, ensure_ascii=False, default=str)
                content = (
                    item.record_id,
                    item.text,
                    record,
                    json.dumps([[f.path, f.start, f.end] for f in item.fields]),
                    spans_to_json(item.spans),
                    spans_to_json(item.predictions),
                    item.confidence,
                    item.model,
                    *_task_columns(item),
                )
                pointers = (item.source_id, item.batch_key, item.output or None, item.id_field or None)
                found = db.execute(
                    "SELECT state, queue, text, record, active, done_n,"
                    " EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.item_id),"
                    " EXISTS (SELECT 1 FROM annotations n WHERE n.item_id = items.item_id)"
                    " FROM items WHERE item_id = ?",
                    (item.item_id,),
                ).fetchone()
                state = ItemState.HELD if queue.hold else ItemState.PENDING
                if found is None:
                    db.execute(
                        "INSERT INTO items (item_id, queue, state, priority, overlap, record_id, text,"
                        " record, fields, spans, predictions, confidence, model, task, content, suggestion,"
                        " source_id, batch_key, output, id_field, enqueued_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            item.item_id,
                            item.queue,
                            state,
                            priority_for(queue, item.confidence, item.item_id),
                            queue.overlap,
                            *content,
                            *pointers,
                            now,
                        ),
                    )
                    counts["new"] += 1
                    continue
                old_state, old_queue, old_text, old_record, active, done_n, assigned, annotated = found
                if old_state == ItemState.GOLD:
                    counts["kept"] += 1
                elif old_queue == item.queue and old_text == item.text and old_record == record:
                    # (a released item is in another queue: its new version is held anew)
                    db.execute(
                        "UPDATE items SET source_id = ?, batch_key = ?, output = ?, id_field = ?"
                        " WHERE item_id = ?",
                        (*pointers, item.item_id),
                    )
                    counts["unchanged"] += 1
                elif old_state in (ItemState.PENDING, ItemState.HELD) and not (
                    active or done_n or assigned or annotated
                ):
                    db.execute(
                        "UPDATE items SET queue = ?, state = ?, priority = ?, overlap = ?, record_id = ?,"
                        " text = ?, record = ?, fields = ?, spans = ?, predictions = ?, confidence = ?,"
                        " model = ?, task = ?, content = ?, suggestion = ?, source_id = ?, batch_key = ?,"
                        " output = ?, id_field = ?, superseded_by = NULL WHERE item_id = ?",
                        (
                            item.queue,
                            state,
                            priority_for(queue, item.confidence, item.item_id),
                            queue.overlap,
                            *content,
                            *pointers,
                            item.item_id,
                        ),
                    )
                    counts["updated"] += 1
                else:
                    db.execute(
                        "UPDATE items SET superseded_by = ? WHERE item_id = ?", (item.batch_key, item.item_id)
                    )
                    counts["kept"] += 1
        return counts

    @staticmethod
    def _item(row: Sequence[Any]) -> QueueItem:
        (item_id, queue, text, record, record_id, fields, spans, predictions, confidence, model,
         source_id, batch_key, state, seq, priority, output, id_field, superseded_by, task, content,
         suggestion) = row  # fmt: skip
        return QueueItem(
            item_id=item_id,
            queue=queue,
            text=text,
            record=json.loads(record),
            record_id=record_id or "",
            fields=[TextField(p, s, e) for p, s, e in json.loads(fields)],
            spans=spans_from_json(spans),
            predictions=spans_from_json(predictions),
            confidence=confidence,
            model=model,
            source_id=source_id or "",
            batch_key=batch_key or "",
            output=output or "",
            id_field=id_field or "",
            state=state,
            seq=seq,
            priority=priority,
            gold=state == ItemState.GOLD,
            superseded_by=superseded_by or "",
            task=task or "spans",
            content=json.loads(content) if content else {},
            suggestion=json.loads(suggestion) if suggestion else None,
        )

    def items(self, item_ids: Sequence[str]) -> list[QueueItem]:
        db = self._connect()
        found: dict[str, QueueItem] = {}
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id IN ({marks})", chunk):
                item = self._item(row)
                found[item.item_id] = item
        return [found[i] for i in ids if i in found]

    def held(self, queue: str, n: int) -> list[QueueItem]:
        db = self._connect()
        self._settings_of(db, queue)
        rows = db.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE queue = ? AND state = 'held' ORDER BY seq LIMIT ?",
            (queue, n),
        ).fetchall()
        return [self._item(row) for row in rows]

    # --- leases ---------------------------------------------------------------------------------

    def _reclaim(self, db: sqlite3.Connection, queue: str | None, now: float) -> int:
        where = "state = 'leased' AND expires_at <= ?" + (" AND queue = ?" if queue else "")
        params: tuple[Any, ...] = (now, queue) if queue else (now,)
        expired = db.execute(f"SELECT item_id, annotator FROM assignments WHERE {where}", params).fetchall()
        if not expired:
            return 0
        db.executemany(
            "UPDATE assignments SET state = 'expired', finished_at = ? WHERE item_id = ? AND annotator = ?",
            [(now, item_id, annotator) for item_id, annotator in expired],
        )
        db.executemany("UPDATE items SET active = active - 1 WHERE item_id = ?", [(i,) for i, _ in expired])
        db.executemany(_RESTATE, [(i,) for i, _ in expired])
        return len(expired)

    def pull(self, queue: str, annotator: str, n: int, lease_seconds: int | None = None) -> list[QueueItem]:
        if n < 1:
            return []
        if not annotator:
            raise QueueError("an annotator name is required to pull")
        with self._write() as db:
            settings = self._settings_of(db, queue)
            now = self.clock()
            self._reclaim(db, queue, now)
            expires = now + (lease_seconds or settings.lease_seconds)
            not_mine = (
                "NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.item_id"
                " AND a.annotator = ? AND a.state != 'expired')"
            )
            regular = [
                item_id
                for (item_id,) in db.execute(
                    f"SELECT item_id FROM items WHERE queue = ? AND state = 'pending' AND {not_mine}"
                    " ORDER BY priority DESC, seq LIMIT ?",
                    (queue, annotator, n),
                )
            ]
            chosen = self._mix_gold(db, queue, annotator, n, settings.gold_rate, regular, not_mine)
            if not chosen:
                return []
            db.executemany(
                "INSERT INTO assignments (item_id, annotator, queue, state, leased_at, expires_at)"
                " VALUES (?, ?, ?, 'leased', ?, ?)"
                " ON CONFLICT(item_id, annotator) DO UPDATE SET state = 'leased',"
                " leased_at = excluded.leased_at, expires_at = excluded.expires_at, finished_at = NULL",
                [(item_id, annotator, queue, now, expires) for item_id in chosen],
            )
            db.executemany("UPDATE items SET active = active + 1 WHERE item_id = ?", [(i,) for i in chosen])
            db.executemany(_RESTATE, [(i,) for i in chosen])
            db.execute(
                "INSERT INTO annotators (queue, annotator, served) VALUES (?, ?, ?)"
                " ON CONFLICT(queue, annotator) DO UPDATE SET served = served + excluded.served",
                (queue, annotator, len(chosen)),
            )
            return self.items(chosen)  # same connection: read inside this transaction

    def _mix_gold(
        self,
        db: sqlite3.Connection,
        queue: str,
        annotator: str,
        n: int,
        rate: float,
        regular: list[str],
        not_mine: str,
    ) -> list[str]:
        if rate <= 0 or not regular:
            return regular
        row = db.execute(
            "SELECT served FROM annotators WHERE queue = ? AND annotator = ?", (queue, annotator)
        ).fetchone()
        served = row[0] if row else 0
        golds = [
            item_id
            for (item_id,) in db.execute(
                f"SELECT item_id FROM items WHERE queue = ? AND state = 'gold' AND {not_mine}",
                (queue, annotator),
            )
        ]
        # Each annotator meets the gold items in their own, fixed order.
        golds.sort(key=lambda g: hashlib.sha256(f"{annotator}\x00{g}".encode()).digest())
        out: list[str] = []
        regular_left = iter(regular)
        for is_gold in gold_slots(served, n, rate):
            if is_gold and golds:
                out.append(golds.pop(0))
                continue
            nxt = next(regular_left, None)
            if nxt is None:  # never hand out a batch of gold alone
                break
            out.append(nxt)
        return out

    def _finish(self, annotator: str, item_ids: Sequence[str], outcome: str) -> list[str]:
        done: list[str] = []
        now = self.clock()
        with self._write() as db:
            for item_id in dict.fromkeys(item_ids):
                row = db.execute(
                    "SELECT state FROM assignments WHERE item_id = ? AND annotator = ?", (item_id, annotator)
                ).fetchone()
                if row is None or row[0] not in ("leased", "expired"):
                    continue
                was_live = row[0] == "leased"
                db.execute(
                    "UPDATE assignments SET state = ?, finished_at = ? WHERE item_id = ? AND annotator = ?",
                    (outcome, now, item_id, annotator),
                )
                db.execute(
                    "UPDATE items SET active = active - ?, done_n = done_n + ? WHERE item_id = ?",
                    (1 if was_live else 0, 1 if outcome == "done" else 0, item_id),
                )
                db.execute(_RESTATE, (item_id,))
                done.append(item_id)
        return done

    def ack(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        return self._finish(annotator, item_ids, "done")

    def nack(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        return self._finish(annotator, item_ids, "nacked")

    def return_leases(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        return self._finish(annotator, item_ids, "expired")

    def revise(self, item: NewItem) -> bool:
        with self._write() as db:
            changed = db.execute(
                "UPDATE items SET text = ?, record = ?, fields = ?, spans = ?, predictions = ?,"
                " confidence = ?, model = ?, task = ?, content = ?, suggestion = ?"
                " WHERE item_id = ? AND queue = ? AND state = 'held'",
                (
                    item.text,
                    json.dumps(item.record, ensure_ascii=False, default=str),
                    json.dumps([[f.path, f.start, f.end] for f in item.fields]),
                    spans_to_json(item.spans),
                    spans_to_json(item.predictions),
                    item.confidence,
                    item.model,
                    *_task_columns(item),
                    item.item_id,
                    item.queue,
                ),
            ).rowcount
            return changed == 1

    def release(self, queue: str, item_ids: Sequence[str] | None = None, to: str | None = None) -> int:
        with self._write() as db:
            source = self._settings_of(db, queue)
            target_name = to or source.release_to or queue
            target = self._settings_of(db, target_name)
            if target.hold and target_name != queue:
                raise QueueError(f"cannot release into '{target_name}': it holds its items too")
            if item_ids is None:
                rows = db.execute(
                    "SELECT item_id, confidence FROM items WHERE queue = ? AND state = 'held'", (queue,)
                ).fetchall()
            else:
                rows = []
                for item_id in dict.fromkeys(item_ids):
                    row = db.execute(
                        "SELECT item_id, confidence FROM items WHERE item_id = ? AND queue = ?"
                        " AND state = 'held'",
                        (item_id, queue),
                    ).fetchone()
                    if row is not None:
                        rows.append(row)
            db.executemany(
                "UPDATE items SET queue = ?, state = 'pending', priority = ?, overlap = ? WHERE item_id = ?",
                [
                    (target_name, priority_for(target, conf, item_id), target.overlap, item_id)
                    for item_id, conf in rows
                ],
            )
            db.executemany(_RESTATE, [(item_id,) for item_id, _ in rows])
            return len(rows)

    # --- counts ---------------------------------------------------------------------------------

    def stats(self) -> dict[str, QueueStats]:
        with self._write() as db:
            self._reclaim(db, None, self.clock())
            out = {name: QueueStats(name) for (name,) in db.execute("SELECT name FROM queues ORDER BY name")}
            for queue, state, count in db.execute(
                "SELECT queue, state, COUNT(*) FROM items GROUP BY queue, state"
            ):
                stats = out.setdefault(queue, QueueStats(queue))
                if state == ItemState.GOLD:
                    stats.gold = count
                    continue
                stats.items += count
                if state == ItemState.PENDING:
                    stats.pending = count
                elif state == ItemState.HELD:
                    stats.held = count
                elif state == ItemState.DONE:
                    stats.done = count
            for queue, annotator, state, count in db.execute(
                "SELECT queue, annotator, state, COUNT(*) FROM assignments"
                " WHERE state != 'expired' GROUP BY queue, annotator, state"
            ):
                stats = out.setdefault(queue, QueueStats(queue))
                per = stats.annotators.setdefault(annotator, {"leased": 0, "done": 0, "nacked": 0})
                per[state] = count
                if state == "leased":
                    stats.leased += count
            for queue, count in db.execute("SELECT queue, COUNT(*) FROM annotations GROUP BY queue"):
                out.setdefault(queue, QueueStats(queue)).annotations = count
        return out

    # --- gold and annotations -------------------------------------------------------------------

    def add_gold(self, queue: str, golds: Iterable[GoldItem]) -> int:
        """Gold items are stored like the queue's regular items (task kind, content, fields), so
        every export shows them the same way; the known answer sits apart (`gold_answer`),
        never in what an export reads."""
        now = self.clock()
        with self._write() as db:
            settings = self._settings_of(db, queue)
            task = settings.task
            rows = []
            for gold in golds:
                gold_id = gold.gold_id or gold_id_for(queue, gold.text)
                where = f"gold item {gold.gold_id or gold_id}"
                for span in gold.answers:
                    if not 0 <= span.start < span.end <= len(gold.text):
                        raise QueueError(
                            f"gold item {gold.gold_id or '(no id)'}: span {span.start}-{span.end} is "
                            f"outside its text ({len(gold.text)} characters)"
                        )
                content: dict[str, Any] = {}
                if task is QueueTask.SPANS:
                    if gold.answer is not None:
                        raise QueueError(f"{where}: queue '{queue}' is a spans queue: its gold takes spans")
                else:
                    if gold.answer is None:
                        raise QueueError(
                            f"{where}: queue '{queue}' is a {task.value} queue: its gold needs an answer"
                        )
                    if task is QueueTask.PREFERENCE and not (gold.content or {}).get("responses"):
                        raise QueueError(f"{where}: a preference gold item needs its prompt and responses")
                    content = dict(gold.content) if gold.content else {"text": gold.text}
                    probe = QueueItem(
                        gold_id, queue, gold.text, {}, gold_id, task=task.value, content=content
                    )
                    check_answer(settings, probe, gold.answer, where)
                fields = (
                    [[f.path, f.start, f.end] for f in gold.fields]
                    if gold.fields
                    else [["text", 0, len(gold.text)]]
                )
                rows.append(
                    (
                        gold_id,
                        queue,
                        gold_id,
                        gold.text,
                        json.dumps(fields),
                        spans_to_json(gold.spans),
                        spans_to_json(gold.predictions),
                        gold.confidence,
                        gold.model,
                        spans_to_json(gold.answers)
                        if gold.answer is None
                        else json.dumps({"answer": gold.answer}, ensure_ascii=False),
                        now,
                        task.value,
                        json.dumps(content, ensure_ascii=False),
                    )
                )
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO items (item_id, queue, state, priority, overlap, record_id, text,"
                " record, fields, spans, predictions, confidence, model, gold_answer, enqueued_at, task,"
                " content) VALUES (?, ?, 'gold', 0, 1, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return db.total_changes - before

    def gold_answers(self, queue: str) -> dict[str, tuple[Span, ...]]:
        rows = self._connect().execute(
            "SELECT item_id, gold_answer FROM items WHERE queue = ? AND state = 'gold'", (queue,)
        )
        # (a non-span kind's answer is an object: `gold_kind_answers`)
        return {
            item_id: tuple(spans_from_json(answer))
            for item_id, answer in rows
            if not (answer or "").startswith("{")
        }

    def gold_kind_answers(self, queue: str) -> dict[str, dict[str, Any]]:
        rows = self._connect().execute(
            "SELECT item_id, gold_answer FROM items WHERE queue = ? AND state = 'gold'", (queue,)
        )
        return {
            item_id: json.loads(answer)["answer"]
            for item_id, answer in rows
            if (answer or "").startswith("{")
        }

    def save_annotations(self, annotations: Iterable[Annotation]) -> SaveResult:
        outcomes: dict[str, list[tuple[str, str]]] = {"new": [], "replaced": [], "unchanged": []}
        unknown: list[str] = []
        now = self.clock()
        with self._write() as db:
            for note in annotations:
                row = db.execute("SELECT queue FROM items WHERE item_id = ?", (note.item_id,)).fetchone()
                if row is None:
                    unknown.append(note.item_id)
                    continue
                queue = row[0]
                spans = [s for s in note.spans if not s.is_placeholder]
                answer = _json_or_none(note.answer)
                origin = note.origin or Origin.HUMAN
                stored = db.execute(
                    "SELECT spans, answer, origin FROM annotations WHERE item_id = ? AND annotator = ?",
                    (note.item_id, note.annotator),
                ).fetchone()
                if stored is None:
                    outcome = "new"
                elif (
                    _same_spans(spans_from_json(stored[0]), spans)
                    and stored[1] == answer
                    and (stored[2] or Origin.HUMAN) == origin
                ):
                    outcome = "unchanged"
                else:
                    outcome = "replaced"
                outcomes[outcome].append((note.item_id, note.annotator))
                if outcome != "unchanged":
                    db.execute(
                        "INSERT INTO annotations (item_id, annotator, queue, spans, saved_at, answer, origin)"
                        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(item_id, annotator) DO UPDATE SET"
                        " spans = excluded.spans, saved_at = excluded.saved_at, queue = excluded.queue,"
                        " answer = excluded.answer, origin = excluded.origin",
                        (note.item_id, note.annotator, queue, spans_to_json(spans), now, answer, origin),
                    )
                assignment = db.execute(
                    "SELECT state FROM assignments WHERE item_id = ? AND annotator = ?",
                    (note.item_id, note.annotator),
                ).fetchone()
                if assignment is not None and assignment[0] == "done":
                    continue
                was_live = assignment is not None and assignment[0] == "leased"
                db.execute(
                    "INSERT INTO assignments (item_id, annotator, queue, state, finished_at)"
                    " VALUES (?, ?, ?, 'done', ?) ON CONFLICT(item_id, annotator) DO UPDATE SET"
                    " state = 'done', finished_at = excluded.finished_at",
                    (note.item_id, note.annotator, queue, now),
                )
                db.execute(
                    "UPDATE items SET active = active - ?, done_n = done_n + 1 WHERE item_id = ?",
                    (1 if was_live else 0, note.item_id),
                )
                db.execute(_RESTATE, (note.item_id,))
        return SaveResult(
            new=tuple(outcomes["new"]),
            replaced=tuple(outcomes["replaced"]),
            unchanged=tuple(outcomes["unchanged"]),
            unknown=tuple(unknown),
        )

    def assignments(self, item_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        db = self._connect()
        out: dict[str, dict[str, str]] = {}
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for item_id, annotator, state in db.execute(
                f"SELECT item_id, annotator, state FROM assignments WHERE item_id IN ({marks})"
                " ORDER BY item_id, annotator",
                chunk,
            ):
                out.setdefault(item_id, {})[annotator] = state
        return out

    def annotations(self, queue: str) -> list[Annotation]:
        rows = self._connect().execute(
            "SELECT item_id, annotator, spans, answer, origin FROM annotations WHERE queue = ?"
            " ORDER BY item_id, annotator",
            (queue,),
        )
        return [
            Annotation(
                item_id,
                annotator,
                tuple(spans_from_json(spans)),
                json.loads(answer) if answer else None,
                origin or Origin.HUMAN,
            )
            for item_id, annotator, spans, answer, origin in rows
        ]

    # --- model-assisted labels (redaction/queues/learning.py) --------------------------------------

    def open_items(self, queue: str) -> list[QueueItem]:
        db = self._connect()
        self._settings_of(db, queue)
        rows = db.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE queue = ?"
            " AND state IN ('pending', 'held', 'leased', 'gold') ORDER BY priority DESC, seq",
            (queue,),
        ).fetchall()
        return [self._item(row) for row in rows]

    def set_suggestions(
        self, queue: str, suggestions: Mapping[str, tuple[dict[str, Any] | None, float | None, str | None]]
    ) -> int:
        """Set a model's answer on items of a queue: item id -> (suggestion, confidence, model).
        Items still waiting (pending or held) are re-prioritised for `order: uncertainty`; done
        items keep theirs, spot checks get none. Returns how many items were updated."""
        return self._set_model_answers(
            queue,
            "suggestion",
            {item_id: (_json_or_none(answer), c, m) for item_id, (answer, c, m) in suggestions.items()},
            blind_checks=True,
        )

    def set_predictions(
        self, queue: str, predictions: Mapping[str, tuple[Sequence[Span], float | None, str | None]]
    ) -> int:
        """A spans model's entities on items of a spans queue: item id -> (spans, confidence,
        model), replacing the pre-labeller's. Like `set_suggestions`: waiting items (pending,
        held) are re-prioritised for `order: uncertainty`, done items keep theirs."""
        return self._set_model_answers(
            queue,
            "predictions",
            {item_id: (spans_to_json(spans), c, m) for item_id, (spans, c, m) in predictions.items()},
            blind_checks=False,
        )

    def _set_model_answers(
        self,
        queue: str,
        column: str,
        answers: Mapping[str, tuple[str | None, float | None, str | None]],
        *,
        blind_checks: bool,
    ) -> int:
        """Write a model's answer (JSON text) into `column` with its confidence and name on the
        queue's unfinished items, re-prioritising the waiting ones; spot checks are skipped when
        `blind_checks` (people answer them without the model's answer)."""
        assert column in ("suggestion", "predictions")
        changed = 0
        with self._write() as db:
            settings = self._settings_of(db, queue)
            checked = (
                {i for (i,) in db.execute("SELECT item_id FROM spot_checks WHERE queue = ?", (queue,))}
                if blind_checks
                else set()
            )
            for item_id, (answer, confidence, model) in answers.items():
                if item_id in checked:
                    continue
                changed += db.execute(
                    f"UPDATE items SET {column} = ?, confidence = ?, model = ?, priority = CASE"
                    " WHEN state IN ('pending', 'held') THEN ? ELSE priority END"
                    " WHERE item_id = ? AND queue = ? AND state IN ('pending', 'held', 'leased', 'gold')",
                    (answer, confidence, model, priority_for(settings, confidence, item_id), item_id, queue),
                ).rowcount
        return changed

    def set_priorities(self, queue: str, priorities: Mapping[str, float]) -> int:
        with self._write() as db:
            self._settings_of(db, queue)
            checked = {i for (i,) in db.execute("SELECT item_id FROM spot_checks WHERE queue = ?", (queue,))}
            return sum(
                db.execute(
                    "UPDATE items SET priority = ? WHERE item_id = ? AND queue = ?"
                    " AND state IN ('pending', 'held')",
                    (float(priority), item_id, queue),
                ).rowcount
                for item_id, priority in priorities.items()
                if item_id not in checked
            )

    def auto_accept(self, queue: str, answers: Mapping[str, dict[str, Any]], model: str) -> list[str]:
        now = self.clock()
        accepted: list[str] = []
        with self._write() as db:
            self._settings_of(db, queue)
            for item_id, answer in answers.items():
                untouched = db.execute(
                    "SELECT 1 FROM items WHERE item_id = ? AND queue = ? AND state = 'pending'"
                    " AND active = 0 AND done_n = 0"
                    " AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.item_id)"
                    " AND NOT EXISTS (SELECT 1 FROM annotations n WHERE n.item_id = items.item_id)"
                    " AND NOT EXISTS (SELECT 1 FROM spot_checks c WHERE c.item_id = items.item_id)",
                    (item_id, queue),
                ).fetchone()
                if untouched is None:
                    continue
                db.execute(
                    "INSERT INTO annotations (item_id, annotator, queue, spans, saved_at, answer, origin)"
                    " VALUES (?, ?, ?, '[]', ?, ?, ?)",
                    (item_id, MODEL_ANNOTATOR, queue, now, _json_or_none(answer), Origin.MODEL),
                )
                db.execute("UPDATE items SET done_n = overlap, model = ? WHERE item_id = ?", (model, item_id))
                db.execute(_RESTATE, (item_id,))
                accepted.append(item_id)
        return accepted

    def add_spot_checks(self, checks: Iterable[SpotCheck]) -> int:
        now = self.clock()
        added = 0
        with self._write() as db:
            for check in checks:
                added += db.execute(
                    "INSERT OR IGNORE INTO spot_checks (item_id, queue, model, answer, confidence, draw,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        check.item_id,
                        check.queue,
                        check.model,
                        _json_or_none(check.answer),
                        check.confidence,
                        check.draw,
                        now,
                    ),
                ).rowcount
                db.execute(
                    "UPDATE items SET suggestion = NULL, priority = ? WHERE item_id = ? AND queue = ?"
                    " AND state IN ('pending', 'held')",
                    (SPOT_CHECK_PRIORITY, check.item_id, check.queue),
                )
        return added

    def spot_checks(self, queue: str) -> list[SpotCheck]:
        rows = self._connect().execute(
            "SELECT item_id, queue, model, answer, confidence, draw FROM spot_checks WHERE queue = ?"
            " ORDER BY item_id",
            (queue,),
        )
        return [
            SpotCheck(item_id, q, model, json.loads(answer), confidence, draw)
            for item_id, q, model, answer, confidence, draw in rows
        ]
