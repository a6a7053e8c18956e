"""The run: read -> detect -> anonymize -> write, with quarantine as every stage's side exit.

`BatchRedactor` turns one batch into written output and counters; it is built once per process
(the spaCy model loads once per worker) and reused for every batch. `run_pipeline` streams the
batches of every source through a pool of such workers with a bounded number in flight, so
memory does not grow with the input, and builds the run summary from the counters.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .anonymize import Anonymizer, Redaction, policy_keys
from .detect import Detector, Finding, propagate_names
from .errors import InputError, QuarantineReason, RedactionError, ScrublineError
from .fields import FieldPlan, display_path, fill_record, split_record
from .io import (
    Batch,
    QuarantineWriter,
    RecordsWriter,
    Reject,
    Source,
    discover_inputs,
    read_batches,
    remove_stale_outputs,
)
from .keys import Key
from .language import LanguageIdentifier
from .policy import Policy, load_policy

logger = logging.getLogger(__name__)

# Added to every redacted record: the language its texts were processed in (for routing).
LANGUAGE_COLUMN = "_language"


@dataclass
class Counters:
    """What a stage did. Every count a person sees is built from these."""

    records_in: int = 0
    redacted: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    values_dropped: int = 0
    batches: int = 0

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    def add(self, other: Counters) -> None:
        self.records_in += other.records_in
        self.redacted += other.redacted
        self.quarantined.update(other.quarantined)
        self.entities.update(other.entities)
        self.values_dropped += other.values_dropped
        self.batches += other.batches

    def reconciles(self) -> bool:
        return self.records_in == self.redacted + self.quarantined_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "records_in": self.records_in,
            "redacted": self.redacted,
            "quarantined": self.quarantined_total,
            "quarantined_by_reason": dict(sorted(self.quarantined.items())),
            "entities_by_type": dict(sorted(self.entities.items())),
            "values_dropped": self.values_dropped,
            "batches": self.batches,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counters:
        return cls(
            records_in=data["records_in"],
            redacted=data["redacted"],
            quarantined=Counter(data["quarantined_by_reason"]),
            entities=Counter(data["entities_by_type"]),
            values_dropped=data["values_dropped"],
            batches=data["batches"],
        )


class BatchRedactor:
    """Redacts batches per the policy and writes their output. Build once per process."""

    def __init__(self, policy: Policy, out: str | os.PathLike[str], keys: dict[str, Key] | None = None):
        self.policy = policy
        self.detector = Detector(policy)
        self.anonymizer = Anonymizer(policy, keys)
        self.plan = FieldPlan(policy.fields)
        self.identifier = (
            LanguageIdentifier(tuple(policy.languages), policy.primary_language)
            if policy.detection.detect_language and len(policy.languages) > 1
            else None
        )
        self.records = RecordsWriter(out)
        self.quarantine = QuarantineWriter(out)

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

        Writes nothing.
        """
        counters = Counters(records_in=len(batch), batches=1)
        rejects = list(batch.rejects)
        plans = []
        texts: list[str] = []
        languages: list[str] = []
        for record in batch.records:
            copy, slots, dropped = split_record(record.data, self.plan)
            language = self._language(record.data, [slot.text for slot in slots])
            plans.append((record, copy, slots, dropped, len(texts), language))
            texts.extend(slot.text for slot in slots)
            languages.extend([language] * len(slots))
        outcomes = self.detector.detect(texts, languages) if texts else []

        rows: list[dict[str, Any]] = []
        done: list[RecordRedactions] = []
        id_field = self.policy.fields.id
        for record, copy, slots, dropped, offset, language in plans:
            found = outcomes[offset : offset + len(slots)]
            failed = next((o for o in found if isinstance(o, RedactionError)), None)
            if failed is not None:
                rejects.append(
                    Reject(record.location, QuarantineReason.DETECTION_ERROR, record.data, record.record_id)
                )
                continue
            if self.policy.detection.propagate_names:
                found = propagate_names([slot.text for slot in slots], found)
            try:
                redacted_texts, applied = self._anonymize_slots(slots, found)
            except RedactionError:
                rejects.append(
                    Reject(record.location, QuarantineReason.REDACTION_ERROR, record.data, record.record_id)
                )
                continue
            row = fill_record(copy, slots, redacted_texts)
            row[id_field] = record.record_id
            row[LANGUAGE_COLUMN] = language
            rows.append(row)
            done.append(RecordRedactions(record.record_id, record.location, language, applied))
            counters.redacted += 1
            counters.values_dropped += dropped
            counters.entities.update(redaction.entity_type for _, redaction in applied)
        for reject in rejects:
            counters.quarantined[reject.reason.value] += 1
        return BatchResult(rows, rejects, done, counters)

    def _anonymize_slots(
        self, slots, found: list[list[Finding]]
    ) -> tuple[list[Any], list[tuple[str, Redaction]]]:
        values: list[Any] = []
        done: list[tuple[str, Redaction]] = []
        for slot, findings in zip(slots, found, strict=True):
            new_text, applied = self.anonymizer.anonymize(slot.text, findings)
            done.extend((display_path(slot.path), redaction) for redaction in applied)
            if slot.numeric:
                # A number, date or decimal cannot hold a placeholder: it is removed when anything
                # in it is PII (other than kept findings), and keeps its value and type otherwise.
                values.append(None if any(r.action != "keep" for r in applied) else slot.original)
            else:
                values.append(new_text)
        return values, done

    def process(self, batch: Batch) -> Counters:
        """Redact one batch and write its records and quarantine files."""
        result = self.redact(batch)
        self.records.write(batch.key, result.rows)
        self.quarantine.write(batch.key, batch.source, result.rejects)
        return result.counters


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


# --- worker processes --------------------------------------------------------------------------

_worker: BatchRedactor | None = None


def _init_worker(policy: Policy, out: str, keys: dict[str, Key]) -> None:
    global _worker
    logging.basicConfig(level=logging.WARNING)
    _worker = BatchRedactor(policy, out, keys)


def _process_in_worker(batch: Batch) -> Counters:
    assert _worker is not None, "worker not initialised"
    counters = _worker.process(batch)
    _release_free_memory()
    return counters


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


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class BatchProcessor:
    """Runs `BatchRedactor.process` over batches, in this process or a pool of worker processes.

    Workers come from a 'forkserver' (never fork a process that may hold Prefect's threads)
    that has imported the core once, so each worker starts without re-importing spaCy and
    Presidio; each loads the spaCy model once. At most `2 * workers` batches are in flight.
    """

    def __init__(self, policy: Policy, out: str | os.PathLike[str], workers: int = 1):
        self.policy = policy
        self.out = str(out)
        self.workers = max(1, workers)
        # Keys are resolved (and key files created) once, here, not racing in every worker.
        self.keys = policy_keys(policy)
        self._local: BatchRedactor | None = None
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> BatchProcessor:
        if self.workers == 1:
            self._local = BatchRedactor(self.policy, self.out, self.keys)
        else:
            context = get_context("forkserver")
            context.set_forkserver_preload(["redaction.pipeline"])
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.policy, self.out, self.keys),
            )
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, Counters]]:
        """Process batches, yielding each with its counters as it completes."""
        if self._local is not None:
            for batch in batches:
                counters = self._local.process(batch)
                _release_free_memory()
                yield batch, counters
            return
        assert self._pool is not None, "use BatchProcessor as a context manager"
        pending: dict[Future[Counters], Batch] = {}
        limit = 2 * self.workers
        for batch in batches:
            pending[self._pool.submit(_process_in_worker, batch)] = batch
            while len(pending) >= limit:
                yield from self._collect(pending)
        while pending:
            yield from self._collect(pending)

    @staticmethod
    def _collect(pending: dict[Future[Counters], Batch]) -> Iterator[tuple[Batch, Counters]]:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for future in done:
            batch = pending.pop(future)
            yield batch, future.result()


# --- the run -----------------------------------------------------------------------------------


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
        )

    def format_text(self) -> str:
        c = self.counters
        lines = [
            f"Scrubline run {self.run_id}",
            f"  policy        {self.policy_name} {self.policy_version} (sha256 {self.policy_hash[:12]})",
            f"  records in    {c.records_in}",
            f"  redacted      {c.redacted}",
            f"  quarantined   {c.quarantined_total}"
            + (
                " (" + ", ".join(f"{k}: {v}" for k, v in sorted(c.quarantined.items())) + ")"
                if c.quarantined
                else ""
            ),
            f"  reconciled    {'yes' if c.reconciles() else 'NO'} (in = redacted + quarantined)",
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
            f"  quarantine    {Path(self.out) / 'quarantine'} (restricted: holds raw content)",
        ]
        return "\n".join(lines)


ProgressCallback = Callable[[int], None]


def redact_sources(
    sources: list[Source],
    policy: Policy,
    out: str | os.PathLike[str],
    *,
    batch_size: int = 500,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> Counters:
    """Redact every source into `out`; return the counters. One pool for all sources."""
    total = Counters()
    per_source: Counter[str] = Counter()

    def batches() -> Iterator[Batch]:
        for source in sources:
            for batch in read_batches(source, batch_size, policy.fields.id):
                per_source[source.source_id] = batch.index + 1
                yield batch

    with BatchProcessor(policy, out, workers) as processor:
        for batch, counters in processor.run(batches()):
            total.add(counters)
            if progress is not None:
                progress(len(batch))
    for source in sources:
        remove_stale_outputs(out, source, per_source[source.source_id])
    return total


def run_pipeline(
    inputs: Iterable[str | os.PathLike[str]],
    policy: Policy | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    batch_size: int = 500,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    """Read every input, redact it per the policy, write `out/records` and `out/quarantine`.

    The policy is validated and the inputs discovered before anything is read or written.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    policy = policy if isinstance(policy, Policy) else load_policy(policy)
    sources = discover_inputs(inputs)
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    counters = redact_sources(
        sources,
        policy,
        out,
        batch_size=batch_size,
        workers=workers or default_workers(),
        progress=progress,
    )
    summary = RunSummary(
        run_id=uuid.uuid4().hex,
        policy_name=policy.name,
        policy_version=policy.version,
        policy_hash=policy.content_hash(),
        out=str(out),
        inputs=[source.describe() for source in sources],
        counters=counters,
        started_at=started_at,
        seconds=time.perf_counter() - started,
    )
    write_summary(summary)
    if not counters.reconciles():  # a bug, never expected: say so loudly
        raise ScrublineError(f"{out}: run counts do not reconcile: {counters.to_dict()}")
    return summary


def write_summary(summary: RunSummary) -> Path:
    import json

    from .io import _atomic_write

    path = Path(summary.out) / "summary.json"
    text = json.dumps(summary.to_dict(), indent=2, sort_keys=True) + "\n"
    _atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path
