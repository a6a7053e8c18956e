"""Export the audit log as Parquet for DuckDB or pandas.

Three files in the output folder, written atomically:

* `entries.parquet`: every entry as stored (seq, run id, time, type, canonical JSON body,
  hashes), plus the record HMAC as its own column;
* `redactions.parquet`: one row per redaction (run, entry, record HMAC, field, offsets, entity
  type, score, action), the table most analyses start from;
* `runs.parquet`: one row per run with its policy and counts.

Like the log, none of them holds record content.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..io import atomic_write
from .queries import list_runs
from .store import RECORD_TYPES_SQL, AuditLog

ENTRIES_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("run_id", pa.string()),
        ("ts", pa.string()),
        ("type", pa.string()),
        ("record", pa.string()),
        ("body", pa.string()),
        ("prev_hash", pa.string()),
        ("entry_hash", pa.string()),
    ]
)
REDACTIONS_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("run_id", pa.string()),
        ("ts", pa.string()),
        ("record", pa.string()),
        ("batch", pa.string()),
        ("field", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("entity_type", pa.string()),
        ("score", pa.float64()),
        ("action", pa.string()),
    ]
)
RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("status", pa.string()),
        ("started", pa.string()),
        ("finished", pa.string()),
        ("user", pa.string()),
        ("host", pa.string()),
        ("policy_name", pa.string()),
        ("policy_version", pa.string()),
        ("policy_sha256", pa.string()),
        ("records_in", pa.int64()),
        ("redacted", pa.int64()),
        ("held", pa.int64()),
        ("filtered", pa.int64()),
        ("quarantined", pa.int64()),
        ("reconciled", pa.bool_()),
    ]
)


def _write(table: pa.Table, path: Path) -> None:
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def export_parquet(log: AuditLog, out: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Write entries, redactions and runs as Parquet under `out`; return {name: {path, rows}}."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db = log.connection
    db.execute("BEGIN")  # one snapshot for the three files
    try:
        entries = db.execute(
            "SELECT seq, run_id, ts, type,"
            f" CASE WHEN {RECORD_TYPES_SQL}"
            " THEN json_extract(body, '$.record') END, body, prev_hash, entry_hash"
            " FROM entries ORDER BY seq"
        ).fetchall()
        redactions = db.execute(
            "SELECT e.seq, e.run_id, e.ts, json_extract(e.body, '$.record'), json_extract(e.body, '$.batch'),"
            " json_extract(r.value, '$.field'), json_extract(r.value, '$.start'),"
            " json_extract(r.value, '$.end'), json_extract(r.value, '$.entity_type'),"
            " json_extract(r.value, '$.score'), json_extract(r.value, '$.action')"
            " FROM entries AS e, json_each(e.body, '$.redactions') AS r"
            " WHERE e.type = 'record_transformed' ORDER BY e.seq, r.key"
        ).fetchall()
        runs = list_runs(log)
    finally:
        db.execute("ROLLBACK")

    def table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
        return pa.table(
            {f.name: pa.array(list(col), type=f.type) for f, col in zip(schema, columns, strict=True)}
        )

    run_rows = [
        (
            r["run_id"],
            r["status"],
            r["started"],
            r["finished"],
            r["user"],
            r["host"],
            r["policy"]["name"],
            r["policy"]["version"],
            r["policy"]["sha256"],
            r["records_in"],
            r["redacted"],
            r.get("held"),
            r["filtered"],
            r["quarantined"],
            r["reconciled"],
        )
        for r in runs
    ]
    written = {}
    for name, rows, schema in (
        ("entries", entries, ENTRIES_SCHEMA),
        ("redactions", redactions, REDACTIONS_SCHEMA),
        ("runs", run_rows, RUNS_SCHEMA),
    ):
        path = folder / f"{name}.parquet"
        _write(table(rows, schema), path)
        written[name] = {"path": str(path), "rows": len(rows)}
    return written
