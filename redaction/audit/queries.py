"""Questions compliance officers ask of the audit log: which runs, what a run did, one record's
history. Each answer is a plain dict (printed as a table, rendered as a report or as JSON), and
every figure in it comes from here.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from ..errors import ScrublineError
from .events import (
    BATCH_EXPORTED,
    ITEM_EVENTS,
    ITEM_FIXED,
    ITEM_PULLED,
    ITEM_PUSHED,
    ITEM_RELEASED,
    RECORD_ROUTED,
    RECORD_TRANSFORMED,
    RUN_FAILED,
    RUN_FINISHED,
    RUN_STARTED,
    record_hmac,
)
from .store import RECORD_TYPES_SQL, AuditLog, logged_counts, records_covered


def _seconds_between(start: str, end: str | None) -> float | None:
    if not end:
        return None
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)


def _finished_by_run(log: AuditLog) -> dict[str, tuple[int, str, dict[str, Any]]]:
    return {
        run_id: (seq, ts, json.loads(body))
        for seq, run_id, ts, body in log.connection.execute(
            "SELECT seq, run_id, ts, body FROM entries WHERE type = ?", (RUN_FINISHED,)
        )
    }


def _failed_by_run(log: AuditLog) -> dict[str, tuple[int, str, dict[str, Any]]]:
    return {
        run_id: (seq, ts, json.loads(body))
        for seq, run_id, ts, body in log.connection.execute(
            "SELECT seq, run_id, ts, body FROM entries WHERE type = ? ORDER BY seq", (RUN_FAILED,)
        )
    }


def list_runs(log: AuditLog) -> list[dict[str, Any]]:
    """Every run in the order started: when, by whom, under which policy, with its counts; runs
    that stopped (a bad policy, a crash) as failed, with their reason."""
    finished = _finished_by_run(log)
    failed = _failed_by_run(log)
    runs = []
    for seq, run_id, ts, body in log.connection.execute(
        "SELECT seq, run_id, ts, body FROM entries WHERE type = ? ORDER BY seq", (RUN_STARTED,)
    ):
        started = json.loads(body)
        end = finished.get(run_id)
        counts = end[2]["counts"] if end else {}
        failure = failed.pop(run_id, None)
        runs.append(
            {
                "run_id": run_id,
                "seq": seq,
                "started": ts,
                "finished": end[1] if end else None,
                "status": "finished" if end else "failed" if failure else "interrupted",
                "failure": failure[2] if failure else None,
                "user": started.get("user"),
                "host": started.get("host"),
                "policy": {k: started["policy"].get(k) for k in ("name", "version", "sha256")},
                "records_in": counts.get("records_in"),
                "redacted": counts.get("redacted"),
                "held": counts.get("held"),
                "filtered": counts.get("filtered"),
                "quarantined": _total(counts.get("quarantined")) if end else None,
                "reconciled": end[2].get("reconciled") if end else None,
                "resumes": started.get("resumes"),
            }
        )
    for run_id, (seq, ts, body) in failed.items():  # stopped before the run started
        runs.append(
            {
                "run_id": run_id,
                "seq": seq,
                "started": ts,
                "finished": None,
                "status": "failed",
                "failure": body,
                "user": body.get("user"),
                "host": body.get("host"),
                "policy": {"name": body.get("policy"), "version": None, "sha256": None},
                "records_in": None,
                "redacted": None,
                "held": None,
                "filtered": None,
                "quarantined": None,
                "reconciled": None,
                "resumes": None,
            }
        )
    runs.sort(key=lambda r: r["seq"])
    return runs


def _total(value: Any) -> int | None:
    if isinstance(value, dict):
        return sum(value.values())
    return value


def resolve_run(log: AuditLog, ref: str) -> str:
    """The full id of the run whose id is `ref` or starts with it (unique prefix)."""
    ref = ref.strip()
    if not ref:
        raise ScrublineError("audit: give a run id or a unique prefix of one")
    escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = [
        run_id
        for (run_id,) in log.connection.execute(
            "SELECT run_id FROM entries WHERE type = ? AND run_id LIKE ? ESCAPE '\\' ORDER BY seq",
            (RUN_STARTED, escaped + "%"),
        )
    ]
    if ref in found:
        return ref
    if not found:
        raise ScrublineError(f"audit: no run {ref} in {log.path} (see `scrubline audit runs`)")
    if len(found) > 1:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise ScrublineError(f"audit: run prefix {ref} is ambiguous: {shown}")
    return found[0]


def run_details(log: AuditLog, run_id: str) -> dict[str, Any]:
    """What a run did: policy, inputs, parameters, counts, entities, quarantines, queues, exports."""
    db = log.connection
    row = db.execute(
        "SELECT seq, ts, body FROM entries WHERE type = ? AND run_id = ?", (RUN_STARTED, run_id)
    ).fetchone()
    if row is None:
        raise ScrublineError(f"audit: no run {run_id} in {log.path}")
    started_seq, started_ts, started_body = row
    started = json.loads(started_body)
    end = db.execute(
        "SELECT seq, ts, body FROM entries WHERE type = ? AND run_id = ?", (RUN_FINISHED, run_id)
    ).fetchone()
    finished = json.loads(end[2]) if end else None
    failure_row = db.execute(
        "SELECT ts, body FROM entries WHERE type = ? AND run_id = ?", (RUN_FAILED, run_id)
    ).fetchone()

    logged = {**logged_counts(db, run_id), **records_covered(db, run_id)}
    entities_logged: dict[str, int] = {}
    actions_logged: dict[str, dict[str, int]] = {}
    for entity, action, n in db.execute(
        "SELECT json_extract(r.value, '$.entity_type'), json_extract(r.value, '$.action'), count(*)"
        " FROM entries AS e, json_each(e.body, '$.redactions') AS r"
        " WHERE e.type = ? AND e.run_id = ? GROUP BY 1, 2",
        (RECORD_TRANSFORMED, run_id),
    ):
        entities_logged[entity] = entities_logged.get(entity, 0) + n
        actions_logged.setdefault(entity, {})[action] = n
    queues = {
        queue: n
        for queue, n in db.execute(
            "SELECT json_extract(body, '$.queue'), count(*) FROM entries"
            " WHERE type = ? AND run_id = ? AND NOT json_extract(body, '$.filtered') GROUP BY 1 ORDER BY 1",
            (RECORD_ROUTED, run_id),
        )
    }
    exports = [
        json.loads(body)
        for (body,) in db.execute(
            "SELECT body FROM entries WHERE type = ? AND run_id = ? ORDER BY seq", (BATCH_EXPORTED, run_id)
        )
    ]
    resumed_by = [
        other
        for other, body in db.execute(
            "SELECT run_id, body FROM entries WHERE type = ? AND body LIKE ?", (RUN_STARTED, f"%{run_id}%")
        )
        if run_id in (json.loads(body).get("resumes") or [])
    ]

    if finished is not None:
        counts = dict(finished["counts"])
        counts_source = "run_finished"
        reconciled = finished.get("reconciled")
    else:
        counts = {
            "records_in": logged["transformed"] + logged["quarantined"] + logged["skipped"],
            "redacted": logged["transformed"] - logged["filtered"] - logged["held"],
            "held": logged["held"],
            "filtered": logged["filtered"] + logged["skipped"],
            "quarantined": logged["quarantined"],
            "quarantined_by_reason": logged["quarantined_by_reason"],
            "entities_by_type": dict(sorted(entities_logged.items())),
        }
        counts_source = "log events (the run did not finish)"
        reconciled = None
    counts.setdefault("filtered", logged["filtered"] + logged["skipped"])
    counts.setdefault("held", logged["held"])
    counts["quarantined"] = _total(counts.get("quarantined", 0)) or 0
    counts.setdefault("quarantined_by_reason", logged["quarantined_by_reason"])
    counts.setdefault("entities_by_type", dict(sorted(entities_logged.items())))

    return {
        "run_id": run_id,
        "status": "finished" if finished is not None else "failed" if failure_row else "interrupted",
        "failure": json.loads(failure_row[1]) if failure_row else None,
        "started": started_ts,
        "finished": end[1] if end else None,
        "seconds": _seconds_between(started_ts, end[1] if end else None),
        "entries": {"first": started_seq, "last": end[0] if end else None},
        "user": started.get("user"),
        "host": started.get("host"),
        "flow_run_id": started.get("flow_run_id"),
        "resumes": started.get("resumes"),
        "resumed_by": resumed_by,
        "code": started.get("code"),
        "policy": started["policy"],
        "parameters": started.get("parameters") or {},
        "inputs": started.get("inputs") or [],
        "counts": counts,
        "counts_source": counts_source,
        "reconciled": reconciled,
        "logged": {**logged, "entities_by_type": dict(sorted(entities_logged.items()))},
        "actions_by_entity": {k: dict(sorted(v.items())) for k, v in sorted(actions_logged.items())},
        # From the log's events, not the stored flag: runs that resumed others were once flagged
        # NO for counting the kept batches' records too (their records_in counts only their own).
        "matches_log": logged["own"] == counts.get("records_in") if finished else None,
        "queues": queues,
        "review": review_status(log, run_id),
        "exports": exports,
        "signature": finished.get("signature") if finished else None,
    }


def _source_of(batch_key: str, inputs: list[dict[str, Any]]) -> str | None:
    """The input path a batch came from: batch keys start with the input's source id."""
    for item in inputs:
        path, sha = item.get("path"), item.get("sha256")
        if path and sha:
            source_id = hashlib.sha256(f"{path}\x00{sha}".encode()).hexdigest()[:16]
            if batch_key.startswith(source_id + "-"):
                return path
    return None


def record_history(log: AuditLog, record_id: str) -> dict[str, Any]:
    """Every event about the record with this id, across runs, oldest first.

    The id is looked up through its HMAC under the audit key; the log holds no id in clear.
    """
    db = log.connection
    digest = record_hmac(log.key, record_id)
    rows = db.execute(
        f"SELECT seq, run_id, ts, type, body FROM entries WHERE {RECORD_TYPES_SQL}"
        " AND json_extract(body, '$.record') = ? ORDER BY seq",
        (digest,),
    ).fetchall()
    runs: dict[str, dict[str, Any]] = {}
    events = []
    for seq, run_id, ts, event_type, body in rows:
        data = json.loads(body)
        if event_type in ITEM_EVENTS:  # a person's action on the record's queue item
            events.append({"seq": seq, "ts": ts, "action_id": run_id, "type": event_type, **data})
            continue
        if run_id not in runs:
            started = db.execute(
                "SELECT ts, body FROM entries WHERE type = ? AND run_id = ?", (RUN_STARTED, run_id)
            ).fetchone()
            info = json.loads(started[1]) if started else {}
            policy = info.get("policy", {})
            runs[run_id] = {
                "run_id": run_id,
                "started": started[0] if started else None,
                "user": info.get("user"),
                "policy": {k: policy.get(k) for k in ("name", "version", "sha256")},
                "code": info.get("code"),
                "inputs": info.get("inputs") or [],
            }
        batch = data.get("batch", "")
        outputs = [
            {k: export.get(k) for k in ("kind", "path", "sha256")}
            for export in (
                json.loads(b)
                for (b,) in db.execute(
                    "SELECT body FROM entries WHERE type = ? AND run_id = ?"
                    " AND json_extract(body, '$.batch') = ?",
                    (BATCH_EXPORTED, run_id, batch),
                )
            )
        ]
        event = {
            "seq": seq,
            "ts": ts,
            "run_id": run_id,
            "type": event_type,
            "policy": runs[run_id]["policy"],
            "source": _source_of(batch, runs[run_id]["inputs"]),
            "batch": batch,
            "location": data.get("location"),
        }
        if event_type == RECORD_TRANSFORMED:
            event.update(
                language=data.get("language"),
                input_digest=data.get("input"),
                output_digest=data.get("output"),
                redactions=data.get("redactions", []),
                outputs=[o for o in outputs if o["kind"] == "records"],
            )
        elif event_type == RECORD_ROUTED:
            event.update(queue=data.get("queue"), filtered=data.get("filtered"), held=data.get("held"))
        else:
            event.update(reason=data.get("reason"), outputs=[o for o in outputs if o["kind"] == "quarantine"])
        events.append(event)
    for run in runs.values():
        run.pop("inputs")
    return {"record": digest, "events": events, "runs": list(runs.values())}


def _held_records(db, run_id: str | None) -> dict[str, str]:
    """Keyed record id -> queue, of the records a run (or every run) held for review."""
    sql = (
        "SELECT json_extract(body, '$.record'), json_extract(body, '$.queue') FROM entries"
        " WHERE type = ? AND json_extract(body, '$.held')"
    )
    params: tuple[Any, ...] = (RECORD_ROUTED,)
    if run_id is not None:
        sql += " AND run_id = ?"
        params += (run_id,)
    return dict(db.execute(sql, params).fetchall())


def _review_counts(db, held: dict[str, str]) -> dict[str, Any]:
    """Held / reviewed / released / still held for these records, overall and by reviewer."""
    fixed: dict[str, set[str]] = {}
    released: dict[str, set[str]] = {}
    for event_type, actor, record in db.execute(
        "SELECT type, json_extract(body, '$.actor'), json_extract(body, '$.record') FROM entries"
        " WHERE type IN (?, ?)",
        (ITEM_FIXED, ITEM_RELEASED),
    ):
        if record in held:
            (fixed if event_type == ITEM_FIXED else released).setdefault(actor, set()).add(record)
    all_fixed = set().union(*fixed.values()) if fixed else set()
    all_released = set().union(*released.values()) if released else set()
    reviewers = sorted(set(fixed) | set(released))
    return {
        "held": len(held),
        "reviewed": len(all_fixed | all_released),
        "fixed": len(all_fixed),
        "released": len(all_released),
        "still_held": len(set(held) - all_released),
        "by_reviewer": {
            actor: {"fixed": len(fixed.get(actor, ())), "released": len(released.get(actor, ()))}
            for actor in reviewers
        },
    }


def review_status(log: AuditLog, run_id: str) -> dict[str, Any]:
    """What became of the records a run held for privacy review, by reviewer."""
    return _review_counts(log.connection, _held_records(log.connection, run_id))


def review_report(log: AuditLog) -> dict[str, Any]:
    """Every review and disclosure in the log: per holding queue, held / reviewed / released /
    still held by reviewer; per queue, what was pulled, by whom, for which annotator, in which
    format (items and files). Counts and names only."""
    db = log.connection
    held = _held_records(db, None)
    queues: dict[str, dict[str, str]] = {}
    for record, queue in held.items():
        queues.setdefault(queue, {})[record] = queue
    review = {queue: _review_counts(db, records) for queue, records in sorted(queues.items())}
    pulls: dict[tuple, dict[str, Any]] = {}
    # A push to a live Label Studio server discloses items like a pull does.
    disclosed = (ITEM_PULLED, ITEM_PUSHED)
    for ts, body in db.execute("SELECT ts, body FROM entries WHERE type IN (?, ?) ORDER BY seq", disclosed):
        data = json.loads(body)
        key = (
            data.get("queue"),
            data.get("actor"),
            data.get("annotator"),
            data.get("format"),
            data.get("lease"),
        )
        entry = pulls.setdefault(
            key,
            {
                "queue": key[0],
                "actor": key[1],
                "annotator": key[2],
                "format": key[3],
                "lease": key[4],
                "items": 0,
                "files": set(),
                "first": ts,
                "last": ts,
            },
        )
        entry["items"] += 1
        entry["files"].add(data.get("sha256"))
        entry["last"] = ts
    disclosures = [{**entry, "files": len(entry["files"])} for entry in pulls.values()]
    counts: dict[str, dict[str, int]] = {}
    for event_type, actor, n in db.execute(
        "SELECT type, json_extract(body, '$.actor'), count(*) FROM entries"
        f" WHERE type IN ({', '.join('?' for _ in ITEM_EVENTS)}) GROUP BY 1, 2 ORDER BY 2, 1",
        ITEM_EVENTS,
    ):
        counts.setdefault(actor, {})[event_type] = n
    return {"review": review, "disclosures": disclosures, "actions_by_actor": counts}
