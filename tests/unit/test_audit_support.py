"""Real audited runs for the audit tests: generated records, real BatchRedactor results.

Not a test module of its own (it holds no test); its name keeps it with the audit tests.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from redaction.audit import AuditLog, ExportRecord, batch_events
from redaction.io import discover_inputs, read_batches, rows_to_table
from redaction.pipeline import BatchRedactor, Counters
from redaction.policy import Policy, load_policy
from tests.data.generators import generate_records

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = REPO / "policies" / "default.yaml"
# Lines every kind of quarantine: malformed, missing id, not an object, undecodable.
BAD_LINES = b'not json\n{"body": "no id here"}\n[1, 2]\n{"id": "T-BAD", "body": "caf\xe9 \xff"}\n'


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    return load_policy(DEFAULT_POLICY)


_redactors: dict[str, BatchRedactor] = {}


def redactor(policy: Policy) -> BatchRedactor:
    """One BatchRedactor per policy per process (the spaCy model loads once)."""
    key = policy.content_hash()
    if key not in _redactors:
        _redactors[key] = BatchRedactor(policy, None)
    return _redactors[key]


def write_jsonl(path: Path, records: list[dict], extra: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        handle.write(extra)
    return path


def generated_input(
    folder: Path, n: int = 24, seed: int = 5, bad: bool = True
) -> tuple[Path, list[dict], list[str]]:
    records, values = generate_records(n, seed)
    return write_jsonl(folder / f"tickets-{seed}.jsonl", records, BAD_LINES if bad else b""), records, values


def route_of(index: int) -> str | None:
    """A stand-in routing rule: every third record filtered, the rest to two queues."""
    return None if index % 3 == 0 else ("annotate-en" if index % 3 == 1 else "review")


def audited_run(
    log: AuditLog,
    inputs: list[Path],
    out: Path,
    *,
    policy: Policy | None = None,
    batch_size: int = 10,
    routes: bool = True,
    finish: bool = True,
    run_id: str | None = None,
    resumes: list[str] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
    stop_after: int | None = None,
) -> dict[str, Any]:
    """Redact `inputs` batch by batch, write the outputs, and audit everything as the pipeline
    does. Returns the run id, its counts, the batches' events and keys.

    `skip`: batch keys kept from the runs it `resumes` (not redacted, not counted, as a resumed
    run does); `stop_after`: stop after that many batches, as an interrupted run."""
    policy = policy or default_policy()
    run_id = run_id or uuid.uuid4().hex
    sources = discover_inputs(inputs)
    log.run_started(
        run_id,
        policy=policy,
        parameters={"batch_size": batch_size, "workers": 1, "out": str(out)},
        inputs=[s.describe() for s in sources],
        resumes=resumes,
    )
    total = Counters()
    filtered = 0
    all_events = []
    batches: list[str] = []
    for source in sources:
        for batch in read_batches(source, batch_size, policy.fields.id):
            if batch.key in skip:
                continue
            if stop_after is not None and len(batches) >= stop_after:
                break
            batches.append(batch.key)
            result = redactor(policy).redact(batch)
            exports = []
            if result.rows:
                path = out / "records" / f"{batch.key}.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(rows_to_table(result.rows), path)
                exports.append(ExportRecord.from_file("records", path, len(result.rows)))
            if result.rejects:
                path = out / "quarantine" / f"{batch.key}.jsonl"
                path.parent.mkdir(parents=True, exist_ok=True)
                lines = [
                    json.dumps({"location": r.location, "reason": r.reason.value}) for r in result.rejects
                ]
                path.write_text("\n".join(lines) + "\n")
                exports.append(ExportRecord.from_file("quarantine", path, len(result.rejects)))
            chosen = None
            if routes:
                chosen = {done.record_id: (route_of(i), False) for i, done in enumerate(result.redacted)}
                filtered += sum(1 for queue, _ in chosen.values() if queue is None)
            events = batch_events(log.record_key(), batch, result, exports, chosen)
            log.append_batch(run_id, batch.key, events)
            all_events.append(events)
            total.add(result.counters)
    counts = total.to_dict()
    counts["redacted"] -= filtered
    counts["filtered"] = filtered
    digest = log.run_finished(run_id, counts) if finish else None
    return {"run_id": run_id, "counts": counts, "digest": digest, "events": all_events, "batches": batches}


def write_summary(log: AuditLog, run: dict[str, Any], out: Path) -> Path:
    """OUT/summary.json as `pipeline.finish_run` writes it, with the parts evidence needs."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "summary.json"
    data = {
        "run_id": run["run_id"],
        "audit_digest": run["digest"],
        "audit_anchor": log.run_statement(run["run_id"]),
    }
    path.write_text(json.dumps({**run["counts"], **data}, indent=2, sort_keys=True))
    return path


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection to tamper with a log as an attacker with file access would."""
    return sqlite3.connect(path, isolation_level=None)
