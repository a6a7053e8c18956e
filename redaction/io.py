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


def discover_inputs(paths: Iterable[str | os.PathLike[str]], *, allow_empty: bool = False) -> list[Source]:
    """Files named, and the record files (by extension) found under folders named, sorted.

    allow_empty: folders holding no record file are not an error (a landing zone between
    deliveries); a path that does not exist always is.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
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
    if not found and not allow_empty:
        raise InputError(
            f"no input files found in {', '.join(str(p) for p in paths)} "
            f"(looked for {', '.join(sorted(FORMATS))})"
        )
    unique = sorted({p.resolve() for p in found})
    sources = []
    for p in unique:
        try:
            sources.append(Source(str(p), FORMATS[p.suffix.lower()], p.stat().st_size, _sha256(p)))
        except OSError as exc:
            raise InputError(f"{p}: cannot be read ({exc.strerror.lower()})") from None
    return sources


def _record_id(data: dict[str, Any], id_field: str) -> str | None:
    value = data.get(id_field)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


class _Batcher:
    """Collects the parsed inputs of one batch."""

    def __init__(self, source: Source, size: int, id_field: str, index: int = 0):
        self.source, self.size, self.id_field = source, size, id_field
        self.batch = Batch(source, index)

    def add_record(self, location: str, data: Any, raw: bytes | str | dict) -> None:
        if not isinstance(data, dict):
            self.add_reject(Reject(location, QuarantineReason.NOT_AN_OBJECT, raw))
            return
        record_id = _record_id(data, self.id_field)
        if record_id is None:
            self.add_reject(Reject(location, QuarantineReason.MISSING_ID, raw))
            return
        self.batch.records.append(RawRecord(location, record_id, data))

    def add_reject(self, reject: Reject) -> None:
        self.batch.rejects.append(reject)


@dataclass(frozen=True, slots=True)
class BatchRef:
    """Where batch `index` of a source starts, so any process can read that batch alone.

    A reference, never content: what tasks and worker processes pass around. `offset` is the byte
    offset (JSONL, CSV) or row offset (Parquet) of the batch's first input, `number` the line or
    row number just before it, `size` the batch size the source was planned with.
    """

    source: Source
    index: int
    offset: int
    number: int
    size: int

    @property
    def key(self) -> str:
        return f"{self.source.source_id}-{self.index:06d}"


# Each format has a unit iterator: from a position (offset, number) it yields
# (offset after the unit, number of the unit, unit) for every input unit (a non-blank line, a
# CSV row, a Parquet row). Planning walks the units without parsing records; reading parses them.


def _jsonl_units(source: Source, offset: int, number: int) -> Iterator[tuple[int, int, bytes]]:
    with open(source.path, "rb") as handle:
        handle.seek(offset)
        for line in handle:
            offset += len(line)
            number += 1
            if line.strip():
                yield offset, number, line


def _jsonl_parse(batcher: _Batcher, number: int, line: bytes) -> None:
    location = f"line {number}"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        batcher.add_reject(Reject(location, QuarantineReason.UNDECODABLE, line))
        return
    try:
        data = json.loads(text)
    except ValueError:
        batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, text))
        return
    batcher.add_record(location, data, text)


def _csv_header(source: Source) -> tuple[list[str] | None, int]:
    """The header row and the byte offset just after it (None for an empty file)."""
    with open(source.path, "rb") as handle:
        consumed = [0]
        reader = csv.reader(_counted_lines(handle, consumed))
        try:
            header = next(reader)
        except StopIteration:
            return None, 0
        except csv.Error:
            raise InputError(f"{source.path}: header row is not valid CSV") from None
    if _has_surrogates(header):
        raise InputError(f"{source.path}: header row is not valid UTF-8")
    return header, consumed[0]


def _counted_lines(handle, consumed: list[int]) -> Iterator[str]:
    # Decoding line by line is the same as decoding the file: a UTF-8 character never spans a
    # newline byte. surrogateescape keeps undecodable bytes visible (as lone surrogates) so the
    # row holding them is quarantined instead of the whole file failing. The csv reader pulls
    # one physical line at a time and never reads ahead, so `consumed` is exact after each row.
    for line in handle:
        consumed[0] += len(line)
        yield line.decode("utf-8", errors="surrogateescape")


def _csv_units(source: Source, offset: int, number: int) -> Iterator[tuple[int, int, Any]]:
    if offset == 0:
        header, offset = _csv_header(source)
        if header is None:
            return
    with open(source.path, "rb") as handle:
        handle.seek(offset)
        consumed = [offset]
        reader = csv.reader(_counted_lines(handle, consumed))
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield consumed[0], number, exc
                continue
            if any(cell.strip() for cell in row):
                yield consumed[0], number, row


def _csv_parser(source: Source):
    header, _ = _csv_header(source)

    def parse(batcher: _Batcher, number: int, row: Any) -> None:
        location = f"row {number}"
        if isinstance(row, csv.Error):
            batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, ""))
            return
        raw = _join_csv(row)
        if _has_surrogates(row):
            batcher.add_reject(
                Reject(location, QuarantineReason.UNDECODABLE, raw.encode("utf-8", "surrogateescape"))
            )
        elif len(row) != len(header):
            batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, raw))
        else:
            batcher.add_record(location, dict(zip(header, row, strict=True)), raw)

    return parse


def _open_parquet(source: Source) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError):
        raise InputError(f"{source.path}: not a readable Parquet file") from None


def _has_surrogates(cells: list[str]) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in cell) for cell in cells)


def _join_csv(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


def plan_batches(source: Source, batch_size: int) -> list[BatchRef]:
    """Cut a source into batches of `batch_size` inputs without parsing its records.

    Batch k of a file always covers the same inputs, so outputs named after it are overwritten,
    never duplicated, by a re-run.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    if source.format == "parquet":
        rows = _open_parquet(source).metadata.num_rows
        return [
            BatchRef(source, index, start, start, batch_size)
            for index, start in enumerate(range(0, rows, batch_size))
        ]
    units = _jsonl_units if source.format == "jsonl" else _csv_units
    refs: list[BatchRef] = []
    offset, number, count = 0, 0, 0
    for next_offset, next_number, _ in units(source, 0, 0):
        if count % batch_size == 0:
            refs.append(BatchRef(source, len(refs), offset, number, batch_size))
        count += 1
        offset, number = next_offset, next_number
    return refs


def read_batch(ref: BatchRef, id_field: str) -> Batch:
    """The records and rejects of one planned batch, read on their own.

    Raises InputError when the file vanished or changed size since the run planned it: its
    batches would no longer be the ones planned.
    """
    try:
        _check_unchanged(ref.source)
        return _read_batch(ref, id_field)
    except FileNotFoundError:
        raise InputError(
            f"{ref.source.path}: input file vanished during the run; restore it (or leave it out) "
            "and run the same command again: committed batches are kept"
        ) from None


def _check_unchanged(source: Source) -> None:
    size = os.stat(source.path).st_size
    if size != source.size:
        raise InputError(
            f"{source.path}: input file changed during the run ({source.size} -> {size} bytes); "
            "run the same command again once it is complete: committed batches are kept"
        )


def _read_batch(ref: BatchRef, id_field: str) -> Batch:
    batcher = _Batcher(ref.source, ref.size, id_field, ref.index)
    source = ref.source
    if source.format == "parquet":
        parquet = _open_parquet(source)
        stop = ref.offset + ref.size
        first_row = 0
        for group in range(parquet.num_row_groups):
            group_rows = parquet.metadata.row_group(group).num_rows
            if first_row + group_rows > ref.offset and first_row < stop:
                table = parquet.read_row_group(group)
                start = max(ref.offset - first_row, 0)
                for i, data in enumerate(table.slice(start, stop - first_row - start).to_pylist()):
                    batcher.add_record(f"row {first_row + start + i + 1}", data, data)
            first_row += group_rows
            if first_row >= stop:
                break
        return batcher.batch
    if source.format == "jsonl":
        units, parse = _jsonl_units, _jsonl_parse
    else:
        units, parse = _csv_units, _csv_parser(source)
    for _, number, unit in units(source, ref.offset, ref.number):
        parse(batcher, number, unit)
        if len(batcher.batch) >= ref.size:
            break
    return batcher.batch


def read_batches(source: Source, batch_size: int, id_field: str) -> Iterator[Batch]:
    """Batches of the source's records and rejects, in file order."""
    for ref in plan_batches(source, batch_size):
        yield read_batch(ref, id_field)


# --- writing -----------------------------------------------------------------------------------


def atomic_write(path: Path, write) -> Path:
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
    return path


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


def write_records_file(path: str | os.PathLike[str], rows: list[dict[str, Any]]) -> None:
    """Redacted rows as one Parquet file (zstd)."""
    pq.write_table(rows_to_table(rows), path, compression="zstd")


def write_held_file(path: str | os.PathLike[str], rows: list[dict[str, Any]]) -> None:
    """Redacted rows held for privacy review, as Parquet, owner-only: they are not cleared for
    annotators until a reviewer releases them (`scrubline queue release`)."""
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    pq.write_table(rows_to_table(rows), path, compression="zstd")
    os.chmod(path, 0o600)


def write_quarantine_file(path: str | os.PathLike[str], source: Source, rejects: list[Reject]) -> None:
    """Rejected inputs with their reason, one JSON line each, owner-only (they hold raw content)."""
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


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
        atomic_write(path, lambda tmp: write_records_file(tmp, rows))
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
        atomic_write(path, lambda tmp: write_quarantine_file(tmp, source, rejects))
        return path
