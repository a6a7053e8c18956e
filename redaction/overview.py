"""What an output folder holds, for a person: `scrubline show OUT`.

A newcomer should not need to open Parquet to see a result: the run's counts, a few redacted
records cleared for annotation, and, per field, how many values were replaced by which kind of
placeholder (or surrogate, from the `_surrogates` column). Only `OUT/records/` (what annotators
may read) is shown; held records and the quarantine are restricted and only counted.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .errors import InputError

# What the shipped actions write in place of a value: <PERSON>, <PERSON_3>, <PERSON:1a2b...>,
# <ENC:PERSON:...>, or a custom placeholder in angle brackets.
PLACEHOLDER = re.compile(
    r"<ENC:([A-Z][A-Z0-9_]*):[A-Za-z0-9_\-]+>|<([A-Z][A-Z0-9_]*?)(?:_\d+|:[0-9a-f]{8,64})?>"
)


def _walk(value: Any, path: str, found: dict[str, Counter[str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _walk(inner, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for inner in value:
            _walk(inner, f"{path}[]", found)
    elif isinstance(value, str):
        for match in PLACEHOLDER.finditer(value):
            found[path][match.group(1) or match.group(2)] += 1


def _shorten(value: Any, width: int) -> Any:
    if isinstance(value, str):
        one_line = " ".join(value.split())
        return one_line if len(one_line) <= width else one_line[: width - 1] + "…"
    if isinstance(value, dict):
        return {k: _shorten(v, width) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v, width) for v in value]
    return value


def describe_output(out: str | os.PathLike[str], n: int = 3, width: int = 160) -> dict[str, Any]:
    """Counts, files, placeholders per field and `n` sample records of an output folder."""
    import pyarrow.parquet as pq

    out = Path(out)
    records = out / "records"
    if not out.is_dir() or not (records.is_dir() or (out / "summary.json").is_file()):
        raise InputError(f"{out}: not a Scrubline output folder (no records/ or summary.json)")
    summary_path = out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else None
    files = sorted(records.glob("*.parquet")) if records.is_dir() else []
    by_field: dict[str, Counter[str]] = defaultdict(Counter)
    samples: list[dict[str, Any]] = []
    rows = 0
    for path in files:
        for row in pq.read_table(path).to_pylist():
            rows += 1
            _walk({k: v for k, v in row.items() if not k.startswith("_")}, "", by_field)
            for path, _start, _end, entity in json.loads(row.get("_surrogates") or "[]"):
                by_field[path][f"{entity} (surrogate)"] += 1
            if len(samples) < n:
                samples.append(_shorten(row, width))

    def count(folder: str) -> tuple[int, int]:
        found = sorted((out / folder).glob("*.parquet" if folder != "quarantine" else "*.jsonl"))
        if folder == "quarantine":
            return len(found), sum(sum(1 for _ in p.open(encoding="utf-8", errors="replace")) for p in found)
        return len(found), sum(pq.read_metadata(p).num_rows for p in found)

    held_files, held_rows = count("held") if (out / "held").is_dir() else (0, 0)
    quarantine_files, quarantine_rows = count("quarantine") if (out / "quarantine").is_dir() else (0, 0)
    return {
        "out": str(out),
        "summary": summary,
        "records": {"files": len(files), "rows": rows},
        "held": {"files": held_files, "rows": held_rows},
        "quarantine": {"files": quarantine_files, "rows": quarantine_rows},
        "placeholders_by_field": {f: dict(c.most_common()) for f, c in sorted(by_field.items())},
        "samples": samples,
    }


def format_description(info: dict[str, Any]) -> str:
    lines = [f"output {info['out']}"]
    summary = info["summary"]
    if summary:
        policy = summary.get("policy", {})
        lines.append(
            f"  last run     {summary.get('run_id', '?')[:12]} with policy {policy.get('name')} "
            f"{policy.get('version')}: {summary.get('records_in')} in = {summary.get('redacted')} redacted"
            f" + {summary.get('held', 0)} held + {summary.get('filtered', 0)} filtered"
            f" + {summary.get('quarantined')} quarantined"
            f" ({'reconciled' if summary.get('reconciled') else 'NOT reconciled'})"
        )
    lines += [
        f"  records/     {info['records']['rows']} records in {info['records']['files']} file(s): "
        "cleared for annotation",
        f"  held/        {info['held']['rows']} records (restricted: waiting for privacy review, not shown)",
        f"  quarantine/  {info['quarantine']['rows']} records (restricted: raw content, not shown)",
        "",
        "placeholders by field (what replaced the values found):",
    ]
    placeholders = info["placeholders_by_field"]
    if not placeholders:
        lines.append("  (none)")
    width = max((len(f) for f in placeholders), default=0)
    for field, kinds in placeholders.items():
        lines.append(f"  {field:<{width}}  " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
    lines += ["", f"first {len(info['samples'])} record(s) of records/:"]
    for row in info["samples"]:
        lines.append("  " + json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(lines)
