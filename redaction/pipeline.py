"""The run: read -> detect -> anonymize -> write, with quarantine as every stage's side exit.

`BatchRedactor` turns one batch into written output and counters; it is built once per process
(the spaCy model loads once per worker) and reused for every batch. `run_pipeline` streams the
batches of every source through a pool of such workers with a bounded number in flight, so
memory does not grow with the input, and builds the run summary from the counters.
"""

from __future__ import annotations

import errno
import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .anonymize import Redaction, policy_keys
from .errors import (
    InputError,
    OutputError,
    QuarantineReason,
    RecordTimeoutError,
    ScrublineError,
    is_record_failure,
)
from .fields import FieldPlan, display_path, fill_record, split_record
from .home import scrubline_home
from .identity import (
    ALREADY_EMITTED,
    ROUTING,
    IdLedger,
    RecordIdentity,
    dataset_id,
    identity_key,
    item_id,
    marker_identities,
)
from .io import (
    Batch,
    BatchRef,
    RawRecord,
    Reject,
    Source,
    discover_inputs,
    plan_source,
    read_batch,
    write_held_file,
    write_quarantine_file,
    write_records_file,
)
from .keys import Key, resolve_key
from .language import LanguageIdentifier
from .limits import RecordBudget, oversize
from .policy import Action, DuplicateIds, Policy, load_policy
from .queues.items import QUEUE_COLUMN, SURROGATES_COLUMN, surrogate_marks
from .redactor import RecordOutcome, TextRedactor
from .routing import Router
from .state import BatchMarker, LockHolder, OutputFile, OutputLock, OutputState

logger = logging.getLogger(__name__)

# Added to every redacted record: the language its texts were processed in (for routing).
LANGUAGE_COLUMN = "_language"


@dataclass
class Counters:
    """What a stage did. Every count a person sees is built from these."""

    records_in: int = 0
    redacted: int = 0  # redacted and routed to a queue that serves them (written to records/)
    held: int = 0  # redacted and routed to a queue that holds them for review (held/, restricted)
    filtered: int = 0  # left out, not written: by a routing rule, or its id is already in OUT
    filtered_reasons: Counter[str] = field(default_factory=Counter)  # "routing" | "already_emitted"
    quarantined: Counter[str] = field(default_factory=Counter)
    queues: Counter[str] = field(default_factory=Counter)  # queue -> records routed to it
    entities: Counter[str] = field(default_factory=Counter)
    values_dropped: int = 0
    batches: int = 0

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    def add(self, other: Counters) -> None:
        self.records_in += other.records_in
        self.redacted += other.redacted
        self.held += other.held
        self.filtered += other.filtered
        self.filtered_reasons.update(other.filtered_reasons)
        self.quarantined.update(other.quarantined)
        self.queues.update(other.queues)
        self.entities.update(other.entities)
        self.values_dropped += other.values_dropped
        self.batches += other.batches

    def reconciles(self) -> bool:
        return self.records_in == self.redacted + self.held + self.filtered + self.quarantined_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "records_in": self.records_in,
            "redacted": self.redacted,
            "held": self.held,
            "filtered": self.filtered,
            "filtered_by_reason": dict(sorted(self.filtered_reasons.items())),
            "quarantined": self.quarantined_total,
            "quarantined_by_reason": dict(sorted(self.quarantined.items())),
            "queues": dict(sorted(self.queues.items())),
            "entities_by_type": dict(sorted(self.entities.items())),
            "values_dropped": self.values_dropped,
            "batches": self.batches,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counters:
        return cls(
            records_in=data["records_in"],
            redacted=data["redacted"],
            held=data.get("held", 0),
            filtered=data.get("filtered", 0),
            filtered_reasons=Counter(
                data.get("filtered_by_reason", {ROUTING: data["filtered"]} if data.get("filtered") else {})
            ),
            quarantined=Counter(data["quarantined_by_reason"]),
            queues=Counter(data.get("queues", {})),
            entities=Counter(data["entities_by_type"]),
            values_dropped=data["values_dropped"],
            batches=data["batches"],
        )


class BatchRedactor:
    """Redacts batches per the policy (writes nothing). Build once per process: the model loads once.

    `out` is accepted for compatibility and unused.
    """

    def __init__(
        self, policy: Policy, out: str | os.PathLike[str] | None = None, keys: dict[str, Key] | None = None
    ):
        self.policy = policy
        self.texts = TextRedactor(policy, keys=keys)
        self.detector = self.texts.detector
        self.anonymizer = self.texts.anonymizer
        self.plan = FieldPlan(policy.fields)
        # Surrogates match no placeholder pattern: where they stand is written beside the row.
        self.marks_surrogates = Action.SURROGATE in policy.actions_used()
        self.identifier = (
            LanguageIdentifier(tuple(policy.languages), policy.primary_language)
            if policy.detection.detect_language and len(policy.languages) > 1
            else None
        )

    def _language(self, data: dict[str, Any], texts: list[str]) -> str:
        """The record's language: its language field when the policy names one and it holds a
        policy language, else language identification over its texts, else the default."""
        field_name = self.policy.fields.language
        if field_name:
            value = data.get(field_name)
            if isinstance(value, str) and value.lower() in self.policy.languages:
                return value.lower()
        if self.identifier is not None:
            return self.identifier.identify(texts)
        return self.policy.primary_language

    def redact(self, batch: Batch) -> BatchResult:
        """Redacted rows, rejects (the reader's and this stage's), what was done, and counters.

        Writes nothing. Fails closed record by record: whatever goes wrong while handling one
        record (its fields, its language, detection, an operator, putting it back together)
        quarantines that record with a reason and the batch goes on; what is logged of it is
        the location and the exception's type, never its message (it may quote the record).
        """
        counters = Counters(records_in=len(batch), batches=1)
        if batch.skipped:  # already in the output with this content (redaction.identity)
            counters.filtered += len(batch.skipped)
            counters.filtered_reasons[ALREADY_EMITTED] += len(batch.skipped)
        rejects = list(batch.rejects)
        limits = self.policy.limits
        plans = []
        for record in batch.records:
            # Each record's own time (limits.record_seconds), counted only while it is worked on.
            budget = RecordBudget(limits.record_seconds)
            try:
                with budget.running():
                    copy, slots, dropped = split_record(record.data, self.plan)
                    texts = [slot.text for slot in slots]
                    # Too large to scan: quarantined below, without identifying its language.
                    large = oversize(texts, limits.max_record_chars, limits.max_field_chars)
                    language = self.policy.primary_language if large else self._language(record.data, texts)
            except RecordTimeoutError as exc:
                rejects.append(_failed(batch.source, record, QuarantineReason.TIMEOUT, exc))
                continue
            except Exception as exc:  # noqa: BLE001 - this record alone
                if not is_record_failure(exc):
                    raise
                rejects.append(_failed(batch.source, record, QuarantineReason.PROCESSING_ERROR, exc))
                continue
            plans.append((record, copy, slots, dropped, language, budget))
        groups = [[slot.text for slot in slots] for _, _, slots, _, _, _ in plans]
        hints = [[slot.hint for slot in slots] for _, _, slots, _, _, _ in plans]
        languages = [plan[4] for plan in plans]
        budgets = [plan[5] for plan in plans]
        try:
            outcomes = self.texts.redact(groups, languages, budgets, hints)
        except Exception as exc:  # noqa: BLE001 - find the record that fails: each alone
            if not is_record_failure(exc):
                raise
            outcomes = [
                self._redact_alone(texts, language, budget, text_hints)
                for texts, language, budget, text_hints in zip(groups, languages, budgets, hints, strict=True)
            ]

        rows: list[dict[str, Any]] = []
        done: list[RecordRedactions] = []
        id_field = self.policy.fields.id
        for (record, copy, slots, dropped, language, _), outcome in zip(plans, outcomes, strict=True):
            if outcome.failure is not None:
                if outcome.failure in _LIMIT_REASONS:  # the user's to know: where, never what
                    logger.warning(
                        "%s %s: record quarantined (%s)", batch.source.path, record.location, outcome.failure
                    )
                rejects.append(Reject(record.location, outcome.failure, record.data, record.record_id))
                continue
            try:
                values, applied = self._fill_slots(slots, outcome)
                row = fill_record(copy, slots, values)
            except Exception as exc:  # noqa: BLE001 - this record alone
                if not is_record_failure(exc):
                    raise
                rejects.append(_failed(batch.source, record, QuarantineReason.PROCESSING_ERROR, exc))
                continue
            row[id_field] = record.record_id
            row[LANGUAGE_COLUMN] = language
            if self.marks_surrogates:
                row[SURROGATES_COLUMN] = surrogate_marks(slots, outcome.redactions)
            rows.append(row)
            done.append(RecordRedactions(record.record_id, record.location, language, applied))
            counters.redacted += 1
            counters.values_dropped += dropped
            counters.entities.update(redaction.entity_type for _, redaction in applied)
        for reject in rejects:
            counters.quarantined[reject.reason.value] += 1
        return BatchResult(rows, rejects, done, counters)

    def _redact_alone(
        self, texts: list[str], language: str, budget: RecordBudget, hints: list[str | None]
    ) -> RecordOutcome:
        try:
            (outcome,) = self.texts.redact([texts], [language], [budget], [hints])
        except Exception as exc:  # noqa: BLE001
            if not is_record_failure(exc):
                raise
            return RecordOutcome(failure=QuarantineReason.DETECTION_ERROR)
        return outcome

    @staticmethod
    def _fill_slots(slots, outcome: RecordOutcome) -> tuple[list[Any], list[tuple[str, Redaction]]]:
        values: list[Any] = []
        done: list[tuple[str, Redaction]] = []
        for slot, new_text, applied in zip(slots, outcome.texts, outcome.redactions, strict=True):
            done.extend((display_path(slot.path), redaction) for redaction in applied)
            if slot.numeric:
                # A number, date or decimal cannot hold a placeholder: it is removed when anything
                # in it is PII (other than kept findings), and keeps its value and type otherwise.
                values.append(None if any(r.action != "keep" for r in applied) else slot.original)
            else:
                values.append(new_text)
        return values, done


_LIMIT_REASONS = frozenset({QuarantineReason.TOO_LARGE, QuarantineReason.TIMEOUT})


def _failed(source: Source, record, reason: QuarantineReason, exc: BaseException) -> Reject:
    """A record that failed alone, as a reject; the log names where and the error's type only."""
    logger.warning(
        "%s %s: record quarantined (%s: %s)", source.path, record.location, reason.value, type(exc).__name__
    )
    return Reject(record.location, reason, record.data, record.record_id)


@dataclass(slots=True)
class RecordRedactions:
    """What was done to one record: (value path, Redaction) pairs, offsets only, no values."""

    record_id: str
    location: str
    language: str
    redactions: list[tuple[str, Redaction]]


@dataclass(slots=True)
class BatchResult:
    rows: list[dict[str, Any]]
    rejects: list[Reject]
    redacted: list[RecordRedactions]
    counters: Counters


# --- one batch, start to finish ----------------------------------------------------------------


class Job:
    """What every worker must know of a run. Picklable; holds no key material and no records.

    A plain class, not a dataclass: orchestrators (Prefect, Dask) walk dataclass parameters
    looking for futures, and the policy model is no collection to walk.
    """

    __slots__ = ("policy", "out", "run_id", "audit", "queues", "holder")

    def __init__(
        self,
        policy: Policy,
        out: str,
        run_id: str,
        audit: bool = True,
        queues: bool = True,
        holder: LockHolder | None = None,
    ):
        self.policy = policy
        self.out = out
        self.run_id = run_id
        self.audit = audit
        self.queues = queues  # route records and enqueue them for annotation
        # The run's hold on OUT's lock: a worker commits a batch only while its run holds it.
        self.holder = holder

    def __getstate__(self):
        return (self.policy, self.out, self.run_id, self.audit, self.queues, self.holder)

    def __setstate__(self, state) -> None:
        self.policy, self.out, self.run_id, self.audit, self.queues, self.holder = state


@dataclass
class BatchOutcome:
    """What a batch task returns: counts and timings only."""

    batch_key: str
    counters: Counters
    seconds: float  # reading, redacting, writing and auditing the batch, in its worker

    def to_dict(self) -> dict[str, Any]:
        return {"batch_key": self.batch_key, "counters": self.counters.to_dict(), "seconds": self.seconds}


class BatchWorker:
    """Reads, redacts, routes and commits batches by reference (see `redaction.state` for the
    commit protocol), then enqueues the written records for annotation.

    Build once per process: the spaCy model loads once, the audit log and queue store open once.
    """

    def __init__(self, job: Job, keys: dict[str, Key] | None = None):
        self.job = job
        self.keys = keys or {}
        self.redactor = BatchRedactor(job.policy, keys=keys)
        self.state = OutputState(job.out)
        self.policy_hash = job.policy.content_hash()
        self.router = Router(job.policy.routing, job.policy) if job.queues else None
        self.identity = RecordIdentity(self.keys.get("identity") or identity_key())
        self._audit = None
        self._queues = None
        self._item_key = None

    @property
    def audit(self):
        if self._audit is None and self.job.audit:
            from .audit import AuditLog

            # The run's keys; the run's main process anchors its ends, a worker never does.
            self._audit = AuditLog(
                key=self.keys.get("audit"), signing_key=self.keys.get("audit_signing"), anchor=None
            )
        return self._audit

    @property
    def queue_store(self):
        if self._queues is None and self.job.queues:
            from .queues import SQLiteQueueStore

            self._queues = SQLiteQueueStore()
        return self._queues

    def route(
        self, source: Source, result: BatchResult, batch: Batch | None = None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, tuple[str | None, bool]]]:
        """The rows for annotation (records/), the rows held for review (held/: a queue that
        holds its items), each with its queue in `_queue`, and every decision (queue, held).

        A record whose routing fails is quarantined (its raw record from `batch`) and taken
        out of `result`'s rows."""
        if self.router is None:
            return result.rows, [], {}
        raw = {record.location: record for record in batch.records} if batch is not None else {}
        rows: list[dict[str, Any]] = []
        held: list[dict[str, Any]] = []
        routes: dict[str, tuple[str | None, bool]] = {}
        counters = result.counters
        queues = self.job.policy.routing.queues
        kept_rows: list[dict[str, Any]] = []
        kept_done: list[RecordRedactions] = []
        for row, done in zip(result.rows, result.redacted, strict=True):
            try:
                decision = self.router.route(row, done.redactions, source.path)
            except Exception as exc:  # noqa: BLE001 - this record alone: quarantined, not routed
                if not is_record_failure(exc):
                    raise
                record = raw.get(done.location) or RawRecord(done.location, done.record_id, row)
                result.rejects.append(_failed(source, record, QuarantineReason.PROCESSING_ERROR, exc))
                counters.redacted -= 1
                counters.quarantined[QuarantineReason.PROCESSING_ERROR.value] += 1
                continue
            kept_rows.append(row)
            kept_done.append(done)
            row[QUEUE_COLUMN] = decision.queue
            holds = decision.queue is not None and queues[decision.queue].hold
            routes[done.record_id] = (decision.queue, holds)
            if decision.queue is None:
                counters.redacted -= 1
                counters.filtered += 1
                counters.filtered_reasons[ROUTING] += 1
                continue
            counters.queues[decision.queue] += 1
            if holds:
                counters.redacted -= 1
                counters.held += 1
                held.append(row)
            else:
                rows.append(row)
        result.rows, result.redacted = kept_rows, kept_done
        return rows, held, routes

    def enqueue(self, marker: BatchMarker) -> None:
        if self.queue_store is not None:
            if self._item_key is None:
                self._item_key = item_keys(self.identity, self.job.out)
            enqueue_batch(self.queue_store, self.job.policy, marker, self._item_key)

    def run(self, ref: BatchRef) -> BatchOutcome:
        started = time.perf_counter()
        batch = read_batch(ref, self.job.policy.fields)
        # Each record's identity and version, from the record as read (before any stage).
        versions = {
            r.record_id: (self.identity.of(r.record_id), self.identity.content(r.data), r.location)
            for r in batch.records
        }
        result = self.redactor.redact(batch)
        written, held, routes = self.route(ref.source, result, batch)
        id_field = self.job.policy.fields.id
        emitted = {}
        for row in (*written, *held):
            rid, content, location = versions[row[id_field]]
            emitted[rid] = (content, location)
        writers: dict[str, Callable[[str], None]] = {}
        rows = {"records": len(written), "held": len(held), "quarantine": len(result.rejects)}
        if written:
            writers["records"] = lambda path: write_records_file(path, written)
        if held:
            writers["held"] = lambda path: write_held_file(path, held)
        if result.rejects:
            writers["quarantine"] = lambda path: write_quarantine_file(path, batch.source, result.rejects)
        marker = BatchMarker(
            batch_key=ref.key,
            source=ref.source.describe(),
            index=ref.index,
            batch_size=ref.size,
            policy_hash=self.policy_hash,
            run_id=self.job.run_id,
            counters=result.counters.to_dict(),
            seconds=time.perf_counter() - started,
            identities=marker_identities(self.identity, emitted),
        )
        audit = self.audit
        on_commit = None
        if audit is not None:
            from .audit import ExportRecord, batch_events

            def on_commit(files: list[OutputFile]) -> None:
                exports = [ExportRecord(f.kind, f.path, f.sha256, f.rows) for f in files]
                events = batch_events(audit.record_key(), batch, result, exports, routes or None)
                audit.append_batch(self.job.run_id, ref.key, events)

        guard = self.job.holder.check if self.job.holder is not None else None
        try:
            self.state.commit_batch(marker, writers, rows, on_commit, self.enqueue, guard)
        except OSError as exc:
            if exc.errno not in _OUTPUT_ERRNOS:
                raise
            raise OutputError(
                f"{self.job.out}: {exc.strerror.lower()} while writing batch {ref.key}; "
                "make room (or make the folder writable) and run the same command again: "
                "committed batches are kept"
            ) from None
        return BatchOutcome(ref.key, result.counters, time.perf_counter() - started)


# A full, read-only or forbidden output folder: the user's to fix, not worth a retry.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def item_keys(identity: RecordIdentity, out: str | os.PathLike[str]) -> Callable[[str], str]:
    """Names a record's queue item by its identity in the output folder (`redaction.identity`)."""
    dataset = dataset_id(out)
    return lambda record_id: item_id(dataset, identity.of(record_id))


def enqueue_batch(store, policy: Policy, marker: BatchMarker, item_key: Callable[[str], str] | None) -> int:
    """Enqueue the records a committed batch wrote, as written (idempotent: a redone batch adds
    nothing; an item names its record's identity, `item_key`, so the same id from another file
    or another version of the file is the same item)."""
    from .queues import enqueue_rows

    added = 0
    for output in marker.files:
        if output.kind in ("records", "held"):
            added += enqueue_rows(
                store,
                pq.read_table(output.path).to_pylist(),
                id_field=policy.fields.id,
                source_id=marker.batch_key.rsplit("-", 1)[0],
                batch_key=marker.batch_key,
                policy=policy,
                output=output.path,
                item_key=item_key,
            )
    return added


_worker: BatchWorker | None = None
_cached: dict[tuple[str, str, str], BatchWorker] = {}


def _init_worker(job: Job, keys: dict[str, Key], home: str | None = None, run_pid: int | None = None) -> None:
    global _worker
    if run_pid is not None:
        _exit_with(run_pid)
    if home is not None:
        # A pool worker is forked from a forkserver started by the process's first run, with
        # that moment's environment: point it at this run's state (pseudonyms, audit, queues).
        os.environ["SCRUBLINE_HOME"] = home
        logging.basicConfig(level=logging.WARNING)
    _worker = BatchWorker(job, keys)


def _exit_with(pid: int) -> None:
    """End this worker process as soon as process `pid` (its run) ends, even by kill -9.

    Not PR_SET_PDEATHSIG: a pool worker's parent is the forkserver, not the run, and the
    forkserver lives as long as any worker does (Python hands each worker the forkserver's
    "alive" pipe), so after a kill -9 workers, forkserver and resource tracker kept each other
    alive. A thread waiting on a pidfd of the run wakes when the run ends, whatever ended it;
    the worker then exits at once: a batch is committed atomically or not at all (see
    `redaction.state`), so ending one mid-batch is safe.
    """
    import threading

    def wait_then_exit() -> None:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(70)
        except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): poll
            while _alive(pid):
                time.sleep(0.5)
            os._exit(70)
        import select

        select.select([fd], [], [])
        os._exit(70)

    threading.Thread(target=wait_then_exit, name="exit-with-run", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_in_worker(ref: BatchRef) -> BatchOutcome:
    assert _worker is not None, "worker not initialised"
    try:
        return _worker.run(ref)
    finally:
        _release_free_memory()


def run_batch_here(job: Job, ref: BatchRef) -> BatchOutcome:
    """Run one batch in this process with a worker cached per run (Dask workers, task runners).

    Keys must already exist (the run's start created them): a worker never makes a key.
    """
    cache_key = (job.policy.content_hash(), job.out, job.run_id)
    worker = _cached.get(cache_key)
    if worker is None:
        _cached.clear()  # one run at a time per process: free the previous run's model
        worker = _cached[cache_key] = BatchWorker(job, run_keys(job, create=False))
    try:
        return worker.run(ref)
    finally:
        _release_free_memory()


def _load_malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


_MALLOC_TRIM = _load_malloc_trim()


def _release_free_memory() -> None:
    """Hand freed heap back to the system after a batch.

    spaCy and thinc allocate and free many short-lived arrays of varying sizes; glibc keeps the
    freed pages, so a long-running worker's resident memory creeps up with the input (measured:
    +56 MiB from 10k to 100k records). Trimming after each batch keeps it flat.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def run_keys(job: Job, *, create: bool = True) -> dict[str, Key]:
    """The keys a run's workers need: the policy's, and the audit key (and the Ed25519 signing
    key, if the installation has one) when the run is audited."""
    keys = policy_keys(job.policy, create=create)
    keys["identity"] = identity_key(create=create)
    if job.audit:
        from .audit.signing import resolve_signing_key
        from .audit.store import AUDIT_KEY_ENV

        keys["audit"] = resolve_key(AUDIT_KEY_ENV, create=create)
        signing = resolve_signing_key()
        if signing is not None:
            keys["audit_signing"] = signing
    return keys


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class BatchProcessor:
    """Runs batches in this process (workers=1) or in a pool of worker processes.

    Workers come from a 'forkserver' (never fork a process that may hold Prefect's threads)
    that has imported the core once, so each worker starts without re-importing spaCy and
    Presidio; each loads the spaCy model once. `submit` is thread-safe: Prefect tasks running in
    threads hand their batch to the pool and wait for it.
    """

    def __init__(self, job: Job, workers: int = 1):
        self.job = job
        self.workers = max(1, workers)
        # Keys are resolved (and key files created) once, here, not racing in every worker.
        self.keys = run_keys(job)
        self._pool: ProcessPoolExecutor | ThreadPoolExecutor | None = None
        self._aborted = False

    def __enter__(self) -> BatchProcessor:
        if self.workers == 1:
            # One worker in this process, on one thread of its own: the model, the audit log
            # and the queue store are used from the thread that made them, whichever thread
            # (a Prefect task) hands it a batch.
            self._pool = ThreadPoolExecutor(
                max_workers=1, initializer=_init_worker, initargs=(self.job, self.keys, None)
            )
        else:
            context = get_context("forkserver")
            # The core imported and the policy-independent lexicons built once, in the forkserver.
            context.set_forkserver_preload(["redaction.preload"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.job, self.keys, str(scrubline_home().resolve()), os.getpid()),
            )
        return self

    def __exit__(self, exc_type=None, *exc) -> None:
        if exc_type is not None:
            self.abort()
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop now (a signal, a failed batch, a lost server): batches not started are
        cancelled and worker processes ended mid-batch, which is safe since each batch is
        committed atomically or not at all; the next run resumes from what is committed. The
        in-process worker (workers=1) is a thread and finishes its batch."""
        self._aborted = True
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor has no public way to end its workers before Python 3.14.
        processes = list((pool._processes or {}).values()) if isinstance(pool, ProcessPoolExecutor) else []
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=5)

    def submit(self, ref: BatchRef) -> Future[BatchOutcome]:
        if self._pool is None:
            raise CancelledError(f"batch {ref.key} not started: the run is stopping")
        return self._pool.submit(_run_in_worker, ref)

    def process(self, ref: BatchRef) -> BatchOutcome:
        """Run one batch in the pool and wait for it (thread-safe); a batch the run's stop
        (`abort`) cancelled or ended raises CancelledError saying so."""
        try:
            return self.submit(ref).result()
        except (CancelledError, BrokenProcessPool):
            if not self._aborted:
                raise
            raise CancelledError(f"batch {ref.key} not committed: the run is stopping") from None

    def run(self, refs: Iterable[BatchRef]) -> Iterator[BatchOutcome]:
        """Process batches, yielding each outcome as it completes; at most 2 x workers in flight."""
        pending: set[Future[BatchOutcome]] = set()
        limit = 2 * self.workers
        for ref in refs:
            pending.add(self.submit(ref))
            while len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)


# --- the run -----------------------------------------------------------------------------------


@dataclass
class RunPlan:
    """What a run will do, as references: batches to redact, batches and sources already done."""

    sources: list[Source]
    todo: list[BatchRef]
    batches: dict[str, int]  # source_id -> number of batches, for every source not skipped
    skipped: list[Source] = field(default_factory=list)  # unchanged since a completed run
    reused: Counters = field(default_factory=Counters)  # batches an interrupted run committed
    resumes: list[str] = field(default_factory=list)  # the run ids those batches came from
    recovered: tuple[int, int] = (0, 0)  # (promoted, discarded) pending batches
    notes: list[str] = field(default_factory=list)  # what a person should know of the inputs, once

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": len(self.sources),
            "sources_skipped": len(self.skipped),
            "batches": sum(self.batches.values()),
            "batches_todo": len(self.todo),
            "batches_reused": self.reused.batches,
            "resumes": self.resumes,
            "notes": self.notes,
        }


def plan_run(
    sources: list[Source],
    policy: Policy,
    out: str | os.PathLike[str],
    batch_size: int,
    *,
    exported: Callable[[str, str], bool] | None = None,
    queues: bool = True,
) -> RunPlan:
    """Recover an interrupted run's pending batches, skip unchanged sources, cut the rest, and
    decide which of their records the output folder already holds (`plan_identities`).

    `exported(path, sha256)` asks the audit log whether a pending output was committed; a
    batch recovered that way is enqueued here (with `queues`), as its worker would have.
    """
    state = OutputState(out)
    identity = RecordIdentity(identity_key(create=True))
    dataset_id(out)  # before any batch: it names the folder's queue items

    def enqueue(marker: BatchMarker) -> None:
        from .queues import SQLiteQueueStore

        enqueue_batch(SQLiteQueueStore(), policy, marker, item_keys(identity, out))

    recovered = state.recover(exported, enqueue if queues else None)
    policy_hash = policy.content_hash()
    plan = RunPlan(sources=sources, todo=[], batches={}, recovered=recovered)
    resumes: set[str] = set()
    planned: list[tuple[Source, list[BatchRef]]] = []
    for source in sources:
        if state.done_source(source, policy_hash, batch_size) is not None:
            plan.skipped.append(source)
            continue
        planned_source = plan_source(source, batch_size, policy.fields)
        for note in planned_source.notes:
            logger.warning("%s", note)
        plan.notes.extend(planned_source.notes)
        planned.append((source, planned_source.refs))
    for source, refs in plan_identities(state, planned, policy, identity):
        plan.batches[source.source_id] = len(refs)
        for ref in refs:
            marker = state.done_batch(ref, policy_hash)
            if marker is None:
                plan.todo.append(ref)
            else:
                plan.reused.add(Counters.from_dict(marker.counters))
                resumes.add(marker.run_id)
    plan.resumes = sorted(resumes)
    return plan


def plan_identities(
    state: OutputState,
    planned: list[tuple[Source, list[BatchRef]]],
    policy: Policy,
    identity: RecordIdentity,
) -> list[tuple[Source, list[BatchRef]]]:
    """Mark, in each planned batch, the records whose id the output folder already holds or an
    earlier planned source has (see `redaction.identity`): `skips` with the same content,
    `repeats` (quarantined as duplicate_id) with other content, unless `fields.duplicates` is
    `fail`, which stops the run here, before any batch is read, naming both places.

    The output folder's ids are those of its committed batches, except batches of the planned
    sources' own paths (an earlier version of the file, which this one replaces, or this very
    version, which an interrupted run began): so the decisions do not depend on how far an
    interrupted run got, and a re-run decides as an uninterrupted run did.
    """
    paths = {source.path for source, _ in planned}
    ledger = IdLedger(identity).load(
        (m for m in state.committed_markers() if m["source"]["path"] not in paths), state.out
    )
    if not ledger.seen and len(planned) < 2:
        return planned  # nothing to compare with: no read needed
    fail = policy.fields.duplicates is DuplicateIds.FAIL
    decided: list[tuple[Source, list[BatchRef]]] = []
    for source, refs in planned:
        conflicts: list[str] = []
        new_refs: list[BatchRef] = []
        for ref in refs:
            batch = read_batch(ref, policy.fields)
            skips: list[int] = []
            repeats: list[int] = []
            for record in batch.records:
                content = identity.content(record.data)
                found = ledger.decide(identity.of(record.record_id), content, source.path, record.location)
                if found is None:
                    continue
                number = int(record.location.split()[1])
                if found.content == content:
                    skips.append(number)
                    continue
                repeats.append(number)
                conflicts.append(f"{record.location} repeats {found.location} of {found.path}")
            if skips or repeats:
                ref = replace(ref, skips=tuple(skips), repeats=tuple(sorted((*ref.repeats, *repeats))))
            new_refs.append(ref)
        if conflicts and fail:
            more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
            raise InputError(
                f"{source.path}: ids already in {state.out} with other content ({', '.join(conflicts[:5])}"
                f"{more}); fields.duplicates is 'fail'"
            )
        decided.append((source, new_refs))
    return decided


def complete_sources(
    plan: RunPlan, policy: Policy, out: str | os.PathLike[str], batch_size: int, run_id: str
) -> int:
    """Mark every planned source done (all its batches committed) and remove stale outputs."""
    state = OutputState(out)
    policy_hash = policy.content_hash()
    removed = 0
    for source in plan.sources:
        if source.source_id in plan.batches:
            removed += state.complete_source(
                source, policy_hash, batch_size, plan.batches[source.source_id], run_id
            )
    return removed


@dataclass
class RunSummary:
    run_id: str
    policy_name: str
    policy_version: str
    policy_hash: str
    out: str
    inputs: list[dict[str, Any]]
    counters: Counters
    started_at: str
    seconds: float
    batch_seconds: float = 0.0  # sum over batches of the time spent in their workers
    workers: int = 1
    executor: str = "local"
    plan: dict[str, Any] = field(default_factory=dict)
    audit_digest: str | None = None  # the audit log's signed digest of this run (kept apart from it)
    audit_anchor: dict[str, Any] | None = None  # the signed head statement of its finish (evidence.py)

    @property
    def records_per_second(self) -> float:
        return self.counters.records_in / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "policy": {"name": self.policy_name, "version": self.policy_version, "sha256": self.policy_hash},
            "out": self.out,
            "inputs": self.inputs,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 3),
            "batch_seconds": round(self.batch_seconds, 3),
            "workers": self.workers,
            "executor": self.executor,
            "plan": self.plan,
            "audit_digest": self.audit_digest,
            "audit_anchor": self.audit_anchor,
            "records_per_second": round(self.records_per_second, 1),
            "reconciled": self.counters.reconciles(),
            **self.counters.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        return cls(
            run_id=data["run_id"],
            policy_name=data["policy"]["name"],
            policy_version=data["policy"]["version"],
            policy_hash=data["policy"]["sha256"],
            out=data["out"],
            inputs=data["inputs"],
            counters=Counters.from_dict(data),
            started_at=data["started_at"],
            seconds=data["seconds"],
            batch_seconds=data.get("batch_seconds", 0.0),
            workers=data.get("workers", 1),
            executor=data.get("executor", "local"),
            plan=data.get("plan", {}),
            audit_digest=data.get("audit_digest"),
            audit_anchor=data.get("audit_anchor"),
        )

    def format_text(self) -> str:
        c = self.counters
        plan = self.plan
        lines = [f"Scrubline run {self.run_id}"]
        lines.append(
            f"  policy        {self.policy_name} {self.policy_version} (sha256 {self.policy_hash[:12]})"
        )
        if plan.get("sources_skipped"):
            lines.append(
                f"  unchanged     {plan['sources_skipped']} input file(s) skipped (done by an earlier run)"
            )
        if plan.get("batches_reused"):
            lines.append(
                f"  resumed       {plan['batches_reused']} batch(es) committed by interrupted run(s) "
                f"{', '.join(r[:12] for r in plan.get('resumes', []))} kept"
            )
        lines += [f"  note          {note}" for note in plan.get("notes", [])]
        lines += [
            f"  records in    {c.records_in}",
            f"  redacted      {c.redacted}",
            f"  held          {c.held} (waiting for privacy review; not in the output until released)",
            f"  quarantined   {c.quarantined_total}"
            + (
                " (" + ", ".join(f"{k}: {v}" for k, v in sorted(c.quarantined.items())) + ")"
                if c.quarantined
                else ""
            ),
            f"  filtered      {c.filtered} ("
            + (
                f"{c.filtered_reasons[ROUTING]} by a routing rule, {c.filtered_reasons[ALREADY_EMITTED]} "
                "already in the output: same id, same content"
                if c.filtered_reasons[ALREADY_EMITTED]
                else "left out by a routing rule"
            )
            + ")",
            f"  reconciled    {'yes' if c.reconciles() else 'NO'} "
            "(in = redacted + held + filtered + quarantined)",
            "  queues        "
            + (", ".join(f"{name}: {count}" for name, count in sorted(c.queues.items())) or "(none)"),
            "  entities found by type:",
        ]
        width = max((len(k) for k in c.entities), default=0)
        for name, count in sorted(c.entities.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"    {name:<{width}}  {count}")
        if not c.entities:
            lines.append("    (none)")
        lines += [
            f"  seconds       {self.seconds:.2f}",
            f"  records/s     {self.records_per_second:.1f}",
            f"  output        {Path(self.out) / 'records'}",
            f"  held          {Path(self.out) / 'held'} (restricted: not reviewed yet)",
            f"  quarantine    {Path(self.out) / 'quarantine'} (restricted: holds raw content)",
        ]
        return "\n".join(lines)


ProgressCallback = Callable[[int], None]


def run_pipeline(
    inputs: Iterable[str | os.PathLike[str]],
    policy: Policy | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    batch_size: int = 500,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    audit: bool = True,
    queues: bool = True,
    run_id: str | None = None,
) -> RunSummary:
    """Read every input, redact it per the policy, write `out/records` and `out/quarantine`.

    Without Prefect: the same core the `redact-dataset` flow composes. The policy is validated
    and the inputs discovered before anything is read or written; an interrupted run over the
    same output resumes; unchanged inputs are skipped.
    """
    run_id = run_id or uuid.uuid4().hex
    try:
        return _run_pipeline(inputs, policy, out, batch_size, workers, progress, audit, queues, run_id)
    except BaseException as exc:
        if audit:  # a run that stops leaves a trace: run_failed, with its reason and no content
            from .audit import record_run_failure

            record_run_failure(run_id, "run", exc, out=str(out))
        raise


def _run_pipeline(inputs, policy, out, batch_size, workers, progress, audit, queues, run_id) -> RunSummary:
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    policy = policy if isinstance(policy, Policy) else load_policy(policy)
    sources = discover_inputs(inputs)
    workers = workers or default_workers()
    Path(out).mkdir(parents=True, exist_ok=True)
    with OutputLock(out) as lock:
        started = time.perf_counter()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        log = open_audit() if audit else None
        plan = plan_run(
            sources, policy, out, batch_size, exported=log.has_export if log else None, queues=queues
        )
        if log is not None:
            log.run_started(
                run_id,
                policy=policy,
                parameters={"batch_size": batch_size, "workers": workers, "out": str(out)},
                inputs=[s.describe() for s in sources],
                resumes=plan.resumes or None,
            )
        counters = Counters()
        batch_seconds = 0.0
        job = Job(policy, str(out), run_id, audit, queues, lock.holder())
        with BatchProcessor(job, workers) as processor:
            for outcome in processor.run(plan.todo):
                counters.add(outcome.counters)
                batch_seconds += outcome.seconds
                if progress is not None:
                    progress(outcome.counters.records_in)
        complete_sources(plan, policy, out, batch_size, run_id)
        summary = RunSummary(
            run_id=run_id,
            policy_name=policy.name,
            policy_version=policy.version,
            policy_hash=policy.content_hash(),
            out=str(out),
            inputs=[source.describe() for source in sources],
            counters=counters,
            started_at=started_at,
            seconds=time.perf_counter() - started,
            batch_seconds=batch_seconds,
            workers=workers,
            plan=plan.to_dict(),
        )
        finish_run(summary, log)
    return summary


def open_audit():
    from .audit import AuditLog

    return AuditLog()


def finish_run(summary: RunSummary, log) -> None:
    """Write the audit log's run-finished event and summary.json (with the run's signed digest and
    head statement, evidence outside the log that exposes a rolled-back or wiped log: `scrubline
    audit verify --against OUT`); fail loudly if counts differ."""
    if log is not None:
        summary.audit_digest = log.run_finished(summary.run_id, summary.to_dict())
        summary.audit_anchor = log.run_statement(summary.run_id)
    write_summary(summary)
    if not summary.counters.reconciles():  # a bug, never expected: say so loudly
        raise ScrublineError(f"{summary.out}: run counts do not reconcile: {summary.counters.to_dict()}")


def write_summary(summary: RunSummary) -> Path:
    import json

    from .io import atomic_write

    path = Path(summary.out) / "summary.json"
    text = json.dumps(summary.to_dict(), indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path
