"""Reading raw records and writing redacted ones.

Readers stream a file as batches of at most `batch_size` input records (lines for JSONL, rows for
CSV and Parquet), so memory stays bounded whatever the file size, and batch k of a file always
covers the same records: output files are named after the source and the batch and re-running
overwrites instead of duplicating. Inputs that cannot become a record are set aside as rejects
with a reason, never dropped silently.

The in-memory unit holds Python rows: raw JSON lines need not share a schema (a field can be a
number in one line and text in the next) until redaction has run. Parquet is read as Arrow
batches; output is written as Arrow/Parquet.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputError, QuarantineReason

FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


@dataclass(frozen=True)
class Source:
    """An input file. `source_id` names its outputs; it changes when the path or content does."""

    path: str
    format: str
    size: int
    sha256: str

    @property
    def source_id(self) -> str:
        return hashlib.sha256(f"{self.path}\x00{self.sha256}".encode()).hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """What a run summary or audit event records of an input: never its content."""
        return {"path": self.path, "format": self.format, "size": self.size, "sha256": self.sha256}


@dataclass(slots=True)
class RawRecord:
    location: str  # "line 12" / "row 5": where in the source, never content
    record_id: str
    data: dict[str, Any]


@dataclass(slots=True)
class Reject:
    location: str
    reason: QuarantineReason
    raw: bytes | str | dict[str, Any]
    record_id: str | None = None


@dataclass(slots=True)
class Batch:
    source: Source
    index: int
    records: list[RawRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.source.source_id}-{self.index:06d}"

    def __len__(self) -> int:
        return len(self.records) + len(self.rejects)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def discover_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Files named, and the record files (by extension) found under folders named, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in FORMATS and not p.name.startswith(".")
            )
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise InputError(
                    f"{path}: unknown input format '{path.suffix}' "
                    f"(expected one of {', '.join(sorted(FORMATS))})"
                )
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError(
            f"no input files found in {', '.join(str(p) for p in paths)} "
            f"(looked for {', '.join(sorted(FORMATS))})"
        )
    unique = sorted({p.resolve() for p in found})
    return [
        Source(str(p), FORMATS[p.suffix.lower()], p.stat().st_size, _sha256(p)) for p in unique
    ]


def _record_id(data: dict[str, Any], id_field: str) -> str | None:
    value = data.get(id_field)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


class _Batcher:
    """Cuts a stream of parsed inputs into batches of `size` inputs."""

    def __init__(self, source: Source, size: int, id_field: str):
        self.source, self.size, self.id_field = source, size, id_field
        self.batch = Batch(source, 0)

    def add_record(self, location: str, data: Any, raw: bytes | str | dict) -> Batch | None:
        if not isinstance(data, dict):
            return self.add_reject(Reject(location, QuarantineReason.NOT_AN_OBJECT, raw))
        record_id = _record_id(data, self.id_field)
        if record_id is None:
            return self.add_reject(Reject(location, QuarantineReason.MISSING_ID, raw))
        self.batch.records.append(RawRecord(location, record_id, data))
        return self._cut()

    def add_reject(self, reject: Reject) -> Batch | None:
        self.batch.rejects.append(reject)
        return self._cut()

    def _cut(self) -> Batch | None:
        if len(self.batch) < self.size:
            return None
        full, self.batch = self.batch, Batch(self.source, self.batch.index + 1)
        return full

    def last(self) -> Batch | None:
        return self.batch if len(self.batch) else None


def _read_jsonl(source: Source, batcher: _Batcher) -> Iterator[Batch]:
    with open(source.path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = f"line {number}"
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                full = batcher.add_reject(Reject(location, QuarantineReason.UNDECODABLE, line))
            else:
                try:
                    data = json.loads(text)
                except ValueError:
                    full = batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, text))
                else:
                    full = batcher.add_record(location, data, text)
            if full:
                yield full


def _read_csv(source: Source, batcher: _Batcher) -> Iterator[Batch]:
    # surrogateescape keeps undecodable bytes visible (as lone surrogates) so the row that holds
    # them is quarantined instead of the whole file failing.
    with open(source.path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise InputError(f"{source.path}: header row is not valid CSV") from None
        if _has_surrogates(header):
            raise InputError(f"{source.path}: header row is not valid UTF-8")
        row_number = 0
        while True:
            row_number += 1
            location = f"row {row_number}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                full = batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, ""))
                if full:
                    yield full
                continue
            if not any(cell.strip() for cell in row):
                continue
            raw = _join_csv(row)
            if _has_surrogates(row):
                full = batcher.add_reject(
                    Reject(location, QuarantineReason.UNDECODABLE, raw.encode("utf-8", "surrogateescape"))
                )
            elif len(row) != len(header):
                full = batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, raw))
            else:
                full = batcher.add_record(location, dict(zip(header, row, strict=True)), raw)
            if full:
                yield full


def _has_surrogates(cells: list[str]) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in cell) for cell in cells)


def _join_csv(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


def _read_parquet(source: Source, batcher: _Batcher) -> Iterator[Batch]:
    try:
        parquet = pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError):
        raise InputError(f"{source.path}: not a readable Parquet file") from None
    row = 0
    for arrow_batch in parquet.iter_batches(batch_size=batcher.size):
        for data in arrow_batch.to_pylist():
            row += 1
            full = batcher.add_record(f"row {row}", data, data)
            if full:
                yield full


_READERS = {"jsonl": _read_jsonl, "csv": _read_csv, "parquet": _read_parquet}


def read_batches(source: Source, batch_size: int, id_field: str) -> Iterator[Batch]:
    """Batches of the source's records and rejects, in file order."""
    batcher = _Batcher(source, batch_size, id_field)
    yield from _READERS[source.format](source, batcher)
    last = batcher.last()
    if last is not None:
        yield last


# --- writing -----------------------------------------------------------------------------------


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file in the same folder and rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Arrow table of redacted rows; a column whose values mix types is stored as JSON text."""
    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                names.append(name)
    columns = {}
    for name in names:
        values = [row.get(name) for row in rows]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            columns[name] = pa.array(
                [v if v is None or isinstance(v, str) else json.dumps(v, default=str) for v in values],
                type=pa.string(),
            )
    return pa.table(columns)


class RecordsWriter:
    """Redacted records as a Parquet dataset: `OUT/records/<source>-<batch>.parquet`."""

    def __init__(self, out: str | os.PathLike[str]):
        self.folder = Path(out) / "records"

    def path_for(self, batch_key: str) -> Path:
        return self.folder / f"{batch_key}.parquet"

    def write(self, batch_key: str, rows: list[dict[str, Any]]) -> Path | None:
        path = self.path_for(batch_key)
        if not rows:
            path.unlink(missing_ok=True)
            return None
        table = rows_to_table(rows)
        _atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        return path


class QuarantineWriter:
    """Rejected inputs with their reason: `OUT/quarantine/<source>-<batch>.jsonl`.

    This folder holds raw content (it is the only place that does): owner-only permissions.
    """

    def __init__(self, out: str | os.PathLike[str]):
        self.folder = Path(out) / "quarantine"

    def path_for(self, batch_key: str) -> Path:
        return self.folder / f"{batch_key}.jsonl"

    def write(self, batch_key: str, source: Source, rejects: list[Reject]) -> Path | None:
        path = self.path_for(batch_key)
        if not rejects:
            path.unlink(missing_ok=True)
            return None
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        lines = []
        for reject in rejects:
            entry: dict[str, Any] = {
                "source": source.path,
                "location": reject.location,
                "reason": reject.reason.value,
                "record_id": reject.record_id,
            }
            if isinstance(reject.raw, bytes):
                entry["raw_hex"] = reject.raw.hex()
            elif isinstance(reject.raw, dict):
                entry["raw_record"] = reject.raw
            else:
                entry["raw"] = reject.raw
            lines.append(json.dumps(entry, ensure_ascii=False, default=str))

        def write(tmp: str) -> None:
            os.chmod(tmp, 0o600)
            Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8")

        _atomic_write(path, write)
        return path


def remove_stale_outputs(out: str | os.PathLike[str], source: Source, batches: int) -> int:
    """Delete outputs of earlier runs over the same source beyond its last batch.

    A re-run with a larger batch size writes fewer batches; without this its old tail would
    duplicate records.
    """
    removed = 0
    for folder, suffix in (("records", ".parquet"), ("quarantine", ".jsonl")):
        for path in (Path(out) / folder).glob(f"{source.source_id}-*{suffix}"):
            try:
                index = int(path.name[len(source.source_id) + 1 :].split(".")[0])
            except ValueError:
                continue
            if index >= batches:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
