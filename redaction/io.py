"""Reading raw records and writing redacted ones.

Readers stream a file as batches of at most `batch_size` input records (lines for JSONL, rows for
CSV and Parquet), so memory stays bounded whatever the file size, and batch k of a file always
covers the same records: output files are named after the source and the batch and re-running
overwrites instead of duplicating. Inputs that cannot become a record are set aside as rejects
with a reason, never dropped silently, and no input can make a reader raise: a hostile line or
row (bad bytes, a lone surrogate escape, nesting 10,000 deep, a corrupt Parquet page) becomes a
reject with its location; only what stops a whole file (no such file, a header that is not
CSV, a Parquet footer that cannot be read) is an `InputError`, one line naming the file.

The in-memory unit holds Python rows: raw JSON lines need not share a schema (a field can be a
number in one line and text in the next) until redaction has run. Parquet is read as Arrow
batches (maps as lists of `{"key", "value"}` objects, so their keys are scanned like any value);
output is written as Arrow/Parquet.

Compressed inputs (`.jsonl.gz`, `.csv.zst`, ...) are read as their decompressed stream: batches
are planned by byte offsets in that stream, so they are as deterministic and resumable as for a
plain file (the offsets are a function of the file's content). A stream cannot seek, so a reader
decompresses from the start up to its batch; each reading thread keeps its stream open at the
end of the batch it read, and the batches a worker is given come in file order, so a worker
decompresses a file once for all its batches (at most `workers` x the file's size in all) and no
decompressed copy is ever written to disk. gzip is read with the standard library, zstd with
pyarrow's codec (no extra package).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import tempfile
import threading
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputError, QuarantineReason
from .policy import CSV_DELIMITERS, DuplicateIds, FieldRules

FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# Compressed text inputs: `<name>.<format><suffix>`. Parquet compresses its pages itself.
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}


def input_format(path: str | os.PathLike[str]) -> tuple[str, str | None] | None:
    """(format, compression) of an input file by its name, or None when it is not one."""
    name = Path(path).name.lower()
    for suffix, compression in COMPRESSIONS.items():
        if name.endswith(suffix):
            inner = FORMATS.get(Path(name[: -len(suffix)]).suffix)
            return (inner, compression) if inner is not None and inner != "parquet" else None
    found = FORMATS.get(Path(name).suffix)
    return (found, None) if found is not None else None


def _expected_names() -> str:
    plain = ", ".join(sorted(FORMATS))
    text = ", ".join(sorted(ext for ext, fmt in FORMATS.items() if fmt != "parquet"))
    return f"{plain}; {text} also compressed as {' or '.join(COMPRESSIONS)}"


@dataclass(frozen=True)
class Source:
    """An input file. `source_id` names its outputs; it changes when the path or content does."""

    path: str
    format: str
    size: int
    sha256: str
    compression: str | None = None  # "gzip" | "zstd": records are read from the decompressed stream

    @property
    def source_id(self) -> str:
        return hashlib.sha256(f"{self.path}\x00{self.sha256}".encode()).hexdigest()[:16]

    @property
    def unit(self) -> str:
        """What one input is called in locations and messages."""
        return "line" if self.format == "jsonl" else "row"

    def describe(self) -> dict[str, Any]:
        """What a run summary or audit event records of an input: never its content."""
        described: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "size": self.size,
            "sha256": self.sha256,
        }
        if self.compression is not None:
            described["compression"] = self.compression
        return described


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
    # (location, record id) of records left out: their id is already in the output with this
    # content (`redaction.identity`); counted as filtered, never redacted or written.
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.source.source_id}-{self.index:06d}"

    def __len__(self) -> int:
        return len(self.records) + len(self.rejects) + len(self.skipped)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
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
                if p.is_file() and input_format(p) is not None and not p.name.startswith(".")
            )
        elif path.is_file():
            if input_format(path) is None:
                if path.name.lower().endswith(tuple(COMPRESSIONS)) and ".parquet" in path.name.lower():
                    raise InputError(
                        f"{path}: compressed Parquet is not read (Parquet compresses its pages "
                        "itself): decompress the file first"
                    )
                raise InputError(
                    f"{path}: unknown input format '{path.suffix}' (expected one of {_expected_names()})"
                )
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found and not allow_empty:
        raise InputError(
            f"no input files found in {', '.join(str(p) for p in paths)} (looked for {_expected_names()})"
        )
    unique = sorted({p.resolve() for p in found})
    sources = []
    for p in unique:
        fmt, compression = input_format(p)  # type: ignore[misc]
        if compression == "zstd" and not pa.Codec.is_available("zstd"):
            raise InputError(f"{p}: this pyarrow build cannot decompress zstd; decompress the file first")
        try:
            sources.append(Source(str(p), fmt, p.stat().st_size, file_sha256(p), compression))
        except OSError as exc:
            raise InputError(f"{p}: cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    return sources


def _rules(rules: FieldRules | str | None) -> FieldRules:
    """Field rules from a policy, or the defaults around a bare id field name."""
    if rules is None:
        return FieldRules()
    if isinstance(rules, str):
        return FieldRules(id=rules)
    return rules


def _record_id(data: dict[str, Any], id_field: str) -> str | None:
    value = data.get(id_field)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        text = str(value).strip()
        return text or None
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON escape that can decode to a surrogate (\uD800-\uDFFF); may also match an escaped
# backslash followed by "ud8..", which only costs a walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _inspect(data: dict[str, Any], max_depth: int, *, maps: bool = False) -> QuarantineReason | None:
    """Why a parsed record cannot be processed (too deep, a lone surrogate), or None.

    Iterative, so a hostile record cannot exhaust the stack. With `maps`, map entries as Arrow
    gives them ((key, value) tuples in a list) are turned into `{"key", "value"}` objects in
    place, so a map's keys are values to scan like its values.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            return QuarantineReason.TOO_DEEP
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return QuarantineReason.UNENCODABLE
                if isinstance(child, str):
                    if _SURROGATE.search(child):
                        return QuarantineReason.UNENCODABLE
                elif isinstance(child, dict | list):
                    stack.append((child, depth + 1))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if maps and isinstance(child, tuple) and len(child) == 2:
                    child = value[index] = {"key": child[0], "value": child[1]}
                if isinstance(child, str):
                    if _SURROGATE.search(child):
                        return QuarantineReason.UNENCODABLE
                elif isinstance(child, dict | list):
                    stack.append((child, depth + 1))
    return None


class _Batcher:
    """Collects the parsed inputs of one batch (or, planning, counts them and indexes their ids)."""

    def __init__(
        self,
        source: Source,
        size: int,
        rules: FieldRules,
        index: int = 0,
        repeats: Iterable[int] = (),
        on_record=None,
        skips: Iterable[int] = (),
    ):
        self.source, self.size, self.rules = source, size, rules
        self.id_field = rules.id
        self.batch = Batch(source, index)
        self.repeats = frozenset(repeats)
        self.skips = frozenset(skips)
        self.on_record = on_record  # planning: called with (record_id, number) instead of keeping it
        self.objects = 0  # inputs that parsed as an object
        self.with_id_field = 0  # objects holding the id field at all (usable or not)
        self.fields_seen: list[str] = []  # field names of the first objects, for a hint

    def add_record(
        self, number: int, location: str, data: Any, raw: bytes | str | dict, *, inspect: bool = True
    ) -> None:
        if not isinstance(data, dict):
            self.add_reject(Reject(location, QuarantineReason.NOT_AN_OBJECT, raw))
            return
        self.objects += 1
        if self.id_field in data:
            self.with_id_field += 1
        elif len(self.fields_seen) < 50:
            self.fields_seen.extend(str(k) for k in data if str(k) not in self.fields_seen)
        if inspect:
            problem = _inspect(data, self.rules.max_depth)
            if problem is not None:
                self.add_reject(Reject(location, problem, raw))
                return
        record_id = _record_id(data, self.id_field)
        if record_id is None:
            self.add_reject(Reject(location, QuarantineReason.MISSING_ID, raw))
            return
        if number in self.repeats:
            self.add_reject(Reject(location, QuarantineReason.DUPLICATE_ID, raw, record_id))
            return
        if number in self.skips:
            self.batch.skipped.append((location, record_id))
            return
        if self.on_record is not None:
            self.on_record(record_id, number)
            return
        self.batch.records.append(RawRecord(location, record_id, data))

    def add_reject(self, reject: Reject) -> None:
        if self.on_record is None:
            self.batch.rejects.append(reject)


@dataclass(frozen=True, slots=True)
class BatchRef:
    """Where batch `index` of a source starts, so any process can read that batch alone.

    A reference, never content: what tasks and worker processes pass around. `offset` is the byte
    offset (JSONL, CSV; in the decompressed stream for a compressed file) or row offset (Parquet)
    of the batch's first input, `number` the line or row number just before it, `size` the batch
    size the source was planned with, `repeats` the line or row numbers in the batch whose record
    planning found to be a duplicate id to quarantine (per the policy's `fields.duplicates`,
    within the file or against the output folder), `skips` those whose id the output folder
    already holds with the same content (left out: `redaction.identity`).
    """

    source: Source
    index: int
    offset: int
    number: int
    size: int
    repeats: tuple[int, ...] = ()
    skips: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.source.source_id}-{self.index:06d}"


# --- streams -----------------------------------------------------------------------------------

# Errors a decompressing stream raises on a corrupt or truncated file (see `_corrupt`).
_STREAM_ERRORS = (OSError, EOFError, zlib.error)
_parked = threading.local()


def _corrupt(source: Source, exc: BaseException) -> bool:
    """Whether a read error means the compressed stream itself is bad, so the rest of it is
    quarantined as unreadable, rather than the file system failing (an OSError with an errno),
    which is raised for the batch to be retried."""
    if source.compression is None:
        return False
    return isinstance(exc, EOFError | zlib.error) or (isinstance(exc, OSError) and exc.errno is None)


class _UnreadableTail:
    """A unit standing for the rest of a stream that could not be decompressed."""


def _open_stream(source: Source) -> BinaryIO:
    if source.compression is None:
        return open(source.path, "rb")
    if source.compression == "gzip":
        return gzip.open(source.path, "rb")  # type: ignore[return-value]
    return io.BufferedReader(pa.input_stream(source.path, compression=source.compression))  # type: ignore[arg-type]


def _open_at(source: Source, offset: int, reuse: bool) -> BinaryIO:
    """A handle on the source's (decompressed) bytes positioned at `offset`.

    With `reuse`, a compressed stream this thread parked at or before `offset` is taken up
    again instead of decompressing the file from its start.
    """
    if source.compression is None:
        handle = open(source.path, "rb")
        handle.seek(offset)
        return handle
    handle, position = None, 0
    parked = getattr(_parked, "stream", None)
    if parked is not None:
        _parked.stream = None
        key, stream, at = parked
        if reuse and key == (source.path, source.sha256) and at <= offset:
            handle, position = stream, at
        else:
            stream.close()
    if handle is None:
        handle = _open_stream(source)
    try:
        while position < offset:
            chunk = handle.read(min(1 << 20, offset - position))
            if not chunk:
                break
            position += len(chunk)
    except BaseException:
        handle.close()
        raise
    return handle


def _park(source: Source, handle: BinaryIO, position: int, reuse: bool) -> None:
    """Close the handle, or keep a compressed stream open at `position` for the next batch."""
    if source.compression is None or not reuse:
        handle.close()
        return
    parked = getattr(_parked, "stream", None)
    if parked is not None:
        parked[1].close()
    _parked.stream = ((source.path, source.sha256), handle, position)


# Each format has a unit iterator: from a position (offset, number) it yields
# (offset after the unit, number of the unit, unit) for every input unit (a non-blank line, a
# CSV row, a Parquet row). Planning walks the units without keeping records; reading parses them.


def _jsonl_units(
    source: Source, offset: int, number: int, reuse: bool = False
) -> Iterator[tuple[int, int, Any]]:
    try:
        handle = _open_at(source, offset, reuse)
    except _STREAM_ERRORS as exc:
        if not _corrupt(source, exc):
            raise
        yield offset, number + 1, _UnreadableTail()
        return
    healthy = False
    try:
        try:
            for line in handle:
                start = offset
                offset += len(line)
                number += 1
                if start == 0 and line.startswith(codecs.BOM_UTF8):
                    line = line[len(codecs.BOM_UTF8) :]
                if line.strip():
                    yield offset, number, line
            healthy = True
        except _STREAM_ERRORS as exc:
            if not _corrupt(source, exc):
                raise
            yield offset, number + 1, _UnreadableTail()
        except GeneratorExit:  # the reader has its batch: the stream is where the batch ends
            healthy = True
            raise
    finally:
        if healthy:
            _park(source, handle, offset, reuse)
        else:
            handle.close()


def _jsonl_parse(batcher: _Batcher, number: int, line: Any) -> None:
    location = f"line {number}"
    if isinstance(line, _UnreadableTail):
        batcher.add_reject(Reject(f"{location} onward", QuarantineReason.UNREADABLE, ""))
        return
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        batcher.add_reject(Reject(location, QuarantineReason.UNDECODABLE, line))
        return
    try:
        data = json.loads(text)
    except RecursionError:
        batcher.add_reject(Reject(location, QuarantineReason.TOO_DEEP, text))
        return
    except ValueError:
        batcher.add_reject(Reject(location, QuarantineReason.MALFORMED, text))
        return
    # Counting brackets is enough to rule out excess depth, and a surrogate needs a \u escape:
    # most lines need no walk.
    depth_bound = line.count(b"{") + line.count(b"[")
    inspect = depth_bound > batcher.rules.max_depth or _SURROGATE_ESCAPE.search(line) is not None
    batcher.add_record(number, location, data, text, inspect=inspect)


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """A CSV file's header: its columns, the byte offset just after it, its delimiter."""

    header: list[str]
    offset: int
    delimiter: str


def _sniff_delimiter(line: str) -> str:
    """The candidate delimiter found most often outside quotes in a header line (',' if none)."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])  # the first in preference order on a tie
    return best if counts[best] else ","


def csv_layout(source: Source, rules: FieldRules | str | None = None) -> CsvLayout | None:
    """The header row (a UTF-8 BOM before it ignored), where it ends and the file's delimiter:
    the policy's `fields.csv_delimiter`, else sniffed from the header's first line. None for an
    empty file."""
    rules = _rules(rules)
    handle = _open_stream(source)
    try:
        consumed = [0]
        lines = _counted_lines(handle, consumed)
        try:
            first = next(lines)
        except StopIteration:
            return None
        except _STREAM_ERRORS as exc:
            if not _corrupt(source, exc):
                raise
            raise InputError(f"{source.path}: cannot be decompressed ({source.compression})") from None
        if first.startswith("\ufeff"):
            first = first[1:]
        delimiter = rules.csv_delimiter.char if rules.csv_delimiter else _sniff_delimiter(first)

        def header_lines() -> Iterator[str]:
            yield first
            yield from lines

        try:
            header = next(csv.reader(header_lines(), delimiter=delimiter))
        except StopIteration:
            return None
        except csv.Error:
            raise InputError(f"{source.path}: header row is not valid CSV") from None
        except _STREAM_ERRORS as exc:
            if not _corrupt(source, exc):
                raise
            raise InputError(f"{source.path}: cannot be decompressed ({source.compression})") from None
    finally:
        handle.close()
    if _has_surrogates(header):
        raise InputError(f"{source.path}: header row is not valid UTF-8")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(
            f"{source.path}: the header row names {_show_names(repeated)} more than once "
            "(every column needs its own name)"
        )
    return CsvLayout(header, consumed[0], delimiter)


def _counted_lines(handle, consumed: list[int]) -> Iterator[str]:
    # Decoding line by line is the same as decoding the file: a UTF-8 character never spans a
    # newline byte. surrogateescape keeps undecodable bytes visible (as lone surrogates) so the
    # row holding them is quarantined instead of the whole file failing. The csv reader pulls
    # one physical line at a time and never reads ahead, so `consumed` is exact after each row.
    for line in handle:
        consumed[0] += len(line)
        yield line.decode("utf-8", errors="surrogateescape")


def _csv_units(
    source: Source, offset: int, number: int, layout: CsvLayout | None, reuse: bool = False
) -> Iterator[tuple[int, int, Any]]:
    if layout is None:
        return
    if offset == 0:
        offset = layout.offset
    try:
        handle = _open_at(source, offset, reuse)
    except _STREAM_ERRORS as exc:
        if not _corrupt(source, exc):
            raise
        yield offset, number + 1, _UnreadableTail()
        return
    consumed = [offset]
    healthy = False
    try:
        reader = csv.reader(_counted_lines(handle, consumed), delimiter=layout.delimiter)
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                healthy = True
                return
            except csv.Error as exc:
                row = exc
            except _STREAM_ERRORS as exc:
                if not _corrupt(source, exc):
                    raise
                yield consumed[0], number, _UnreadableTail()
                return
            if isinstance(row, csv.Error) or any(cell.strip() for cell in row):
                try:
                    yield consumed[0], number, row
                except GeneratorExit:  # the reader has its batch: the stream is where it ends
                    healthy = True
                    raise
    finally:
        if healthy:
            _park(source, handle, consumed[0], reuse)
        else:
            handle.close()


def _csv_parser(layout: CsvLayout | None):
    header = layout.header if layout is not None else []

    def parse(batcher: _Batcher, number: int, row: Any) -> None:
        location = f"row {number}"
        if isinstance(row, _UnreadableTail):
            batcher.add_reject(Reject(f"{location} onward", QuarantineReason.UNREADABLE, ""))
            return
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
            # Flat strings decoded from UTF-8: nothing to inspect.
            batcher.add_record(number, location, dict(zip(header, row, strict=True)), raw, inspect=False)

    return parse


def _open_parquet(source: Source) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source.path)
    except Exception:  # noqa: BLE001 - any failure to open the footer is the same answer
        raise InputError(f"{source.path}: not a readable Parquet file") from None


def _arrow_depth(dtype: pa.DataType) -> tuple[int, bool]:
    """How deep values of this type nest (a scalar is 0) and whether a map is among them."""
    if pa.types.is_map(dtype):
        key, key_map = _arrow_depth(dtype.key_type)
        value, value_map = _arrow_depth(dtype.item_type)
        return 2 + max(key, value), True  # a list of {"key", "value"} objects
    if pa.types.is_struct(dtype):
        children = [_arrow_depth(dtype.field(i).type) for i in range(dtype.num_fields)]
        return 1 + max((d for d, _ in children), default=0), any(m for _, m in children)
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        depth, has_map = _arrow_depth(dtype.value_type)
        return 1 + depth, has_map
    if pa.types.is_dictionary(dtype):
        return _arrow_depth(dtype.value_type)
    return 0, False


def _parquet_rows(table: pa.Table) -> list[Any]:
    """The table's rows as Python objects; a row that cannot be converted (a date beyond what
    Python holds) is an `_UnreadableTail` in its place, alone."""
    try:
        return table.to_pylist()
    except Exception:  # noqa: BLE001 - find the rows that fail, one by one
        rows: list[Any] = []
        for i in range(table.num_rows):
            try:
                rows.extend(table.slice(i, 1).to_pylist())
            except Exception:  # noqa: BLE001
                rows.append(_UnreadableTail())
        return rows


def _has_surrogates(cells: list[str]) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in cell) for cell in cells)


def _join_csv(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def _show_names(names: list[str], limit: int = 12) -> str:
    """Field or column names for a message. Only names that look like field names are shown:
    a file without a header row would otherwise put its first record's values in the message."""
    shown = [repr(n) for n in names if _FIELD_NAME.match(n)][:limit]
    hidden = len(names) - len(shown)
    if hidden:
        shown.append(f"{hidden} more not shown (not like field names: is the first row a header?)")
    return ", ".join(shown) if shown else "none"


# --- planning ----------------------------------------------------------------------------------


class _IdIndex:
    """The ids of one file's records as 128-bit digests with their line or row numbers: 24 bytes
    a record (24 MB a million), whatever the ids' length, and no id kept in the clear."""

    def __init__(self) -> None:
        self._high = array("Q")
        self._low = array("Q")
        self._numbers = array("Q")

    def add(self, record_id: str, number: int) -> None:
        digest = hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        self._high.append(int.from_bytes(digest[:8], "little"))
        self._low.append(int.from_bytes(digest[8:], "little"))
        self._numbers.append(number)

    def repeated(self) -> list[tuple[int, list[int]]]:
        """For each id held by more than one record: (first number, later numbers)."""
        if len(self._numbers) < 2:
            return []
        import numpy as np

        high = np.frombuffer(self._high, dtype=np.uint64)
        low = np.frombuffer(self._low, dtype=np.uint64)
        numbers = np.frombuffer(self._numbers, dtype=np.uint64)
        order = np.lexsort((numbers, low, high))
        high, low, numbers = high[order], low[order], numbers[order]
        same = (high[1:] == high[:-1]) & (low[1:] == low[:-1])
        if not same.any():
            return []
        groups: list[tuple[int, list[int]]] = []
        for i in np.flatnonzero(same):
            if i == 0 or not same[i - 1]:
                groups.append((int(numbers[i]), []))
            groups[-1][1].append(int(numbers[i + 1]))
        groups.sort()
        return groups


@dataclass
class SourcePlan:
    """A source cut into batches, and what a person should know about it (no record content)."""

    refs: list[BatchRef]
    notes: list[str] = field(default_factory=list)


def _missing_id_note(source: Source, rules: FieldRules, batcher: _Batcher, layout: CsvLayout | None) -> str:
    what = "record" if source.format == "jsonl" else "row"
    if layout is not None:
        found = f"columns found: {_show_names(layout.header)}; delimiter {layout.delimiter!r}"
        fix = "set fields.id to the id column, or fields.csv_delimiter"
    else:
        found = f"fields found: {_show_names(batcher.fields_seen)}"
        fix = "set fields.id to the id field"
    return (
        f"{source.path}: no {what} has the id field '{rules.id}' ({found}), so every {what} is "
        f"quarantined as missing_id: {fix}"
    )


def plan_source(source: Source, batch_size: int, rules: FieldRules | str | None = None) -> SourcePlan:
    """Cut a source into batches of `batch_size` inputs, find its duplicate ids, note problems.

    Batch k of a file always covers the same inputs, so outputs named after it are overwritten,
    never duplicated, by a re-run. Planning parses every input to learn which hold a record and
    its id: a record is a duplicate when an earlier record of the file that the reader accepts
    has the same id (for Parquet, an earlier row with that id in the id column), and
    `fields.duplicates` says which of them are quarantined; with `fail`, an `InputError` naming
    the lines stops the run before any batch is read.
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    rules = _rules(rules)
    index = _IdIndex()
    batcher = _Batcher(source, batch_size, rules, on_record=index.add)
    layout = None
    starts: list[tuple[int, int]] = []  # (offset, number) of each batch
    if source.format == "parquet":
        parquet = _open_parquet(source)
        rows = parquet.metadata.num_rows
        starts = [(start, start) for start in range(0, rows, batch_size)]
        names = parquet.schema_arrow.names
        if rules.id in names:
            batcher.with_id_field = rows
            first_row = 0
            for group in range(parquet.num_row_groups):
                try:
                    ids = parquet.read_row_group(group, columns=[rules.id]).column(0).to_pylist()
                except Exception:  # noqa: BLE001 - its rows are quarantined as unreadable
                    ids = []
                for i, value in enumerate(ids):
                    record_id = _record_id({rules.id: value}, rules.id)
                    if record_id is not None:
                        index.add(record_id, first_row + i + 1)
                first_row += parquet.metadata.row_group(group).num_rows
        else:
            batcher.objects = rows
            batcher.fields_seen = list(names)
    else:
        if source.format == "jsonl":
            units, parse = _jsonl_units(source, 0, 0), _jsonl_parse
        else:
            layout = csv_layout(source, rules)
            units, parse = _csv_units(source, 0, 0, layout), _csv_parser(layout)
        offset, number, count = 0, 0, 0
        for next_offset, next_number, unit in units:
            if count % batch_size == 0:
                starts.append((offset, number))
            count += 1
            offset, number = next_offset, next_number
            parse(batcher, number, unit)

    repeated = index.repeated()
    if repeated and rules.duplicates is DuplicateIds.FAIL:
        pairs = [(later, first) for first, laters in repeated for later in laters]
        pairs.sort()
        unit = source.unit
        shown = ", ".join(f"{unit} {later} repeats {unit} {first}" for later, first in pairs[:5])
        more = f" and {len(pairs) - 5} more" if len(pairs) > 5 else ""
        raise InputError(
            f"{source.path}: the id field '{rules.id}' repeats within the file ({shown}{more}); "
            "fields.duplicates is 'fail'"
        )
    quarantined: list[int] = []
    for first, laters in repeated:
        quarantined.extend(laters)
        if rules.duplicates is DuplicateIds.QUARANTINE:
            quarantined.append(first)
    quarantined.sort()

    refs: list[BatchRef] = []
    for i, (offset, number) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else float("inf")
        lo, hi = bisect.bisect_right(quarantined, number), bisect.bisect_right(quarantined, end)
        refs.append(BatchRef(source, i, offset, number, batch_size, tuple(quarantined[lo:hi])))

    notes = []
    if batcher.objects and not batcher.with_id_field:
        notes.append(_missing_id_note(source, rules, batcher, layout))
    return SourcePlan(refs, notes)


def plan_batches(source: Source, batch_size: int, rules: FieldRules | str | None = None) -> list[BatchRef]:
    """Cut a source into batches of `batch_size` inputs (see `plan_source`)."""
    return plan_source(source, batch_size, rules).refs


def read_batch(ref: BatchRef, rules: FieldRules | str | None = None) -> Batch:
    """The records and rejects of one planned batch, read on their own.

    `rules` are the policy's field rules (or just the id field's name); they must be those the
    batch was planned with. Raises InputError when the file vanished or changed size since the
    run planned it: its batches would no longer be the ones planned.
    """
    try:
        _check_unchanged(ref.source)
        return _read_batch(ref, rules)
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


def _read_batch(ref: BatchRef, rules: FieldRules | str | None = None) -> Batch:
    rules = _rules(rules)
    batcher = _Batcher(ref.source, ref.size, rules, ref.index, ref.repeats, skips=ref.skips)
    source = ref.source
    if source.format == "parquet":
        _read_parquet_batch(ref, batcher)
        return batcher.batch
    if source.format == "jsonl":
        units, parse = _jsonl_units(source, ref.offset, ref.number, reuse=True), _jsonl_parse
    else:
        layout = csv_layout(source, rules)
        units = _csv_units(source, ref.offset, ref.number, layout, reuse=True)
        parse = _csv_parser(layout)
    try:
        for _, number, unit in units:
            parse(batcher, number, unit)
            if len(batcher.batch) >= ref.size:
                break
    finally:
        units.close()  # parks a compressed stream where this batch ended
    return batcher.batch


def _read_parquet_batch(ref: BatchRef, batcher: _Batcher) -> None:
    parquet = _open_parquet(ref.source)
    depth, has_map = _arrow_depth(pa.struct(list(parquet.schema_arrow)))
    inspect = has_map or depth > batcher.rules.max_depth  # the record itself is level 1
    stop = ref.offset + ref.size
    first_row = 0
    for group in range(parquet.num_row_groups):
        group_rows = parquet.metadata.row_group(group).num_rows
        if first_row + group_rows > ref.offset and first_row < stop:
            start = max(ref.offset - first_row, 0)
            length = min(stop, first_row + group_rows) - first_row - start
            try:
                rows = _parquet_rows(parquet.read_row_group(group).slice(start, length))
            except Exception:  # noqa: BLE001 - a corrupt page: the group's rows, not the run
                rows = [_UnreadableTail()] * length
            for i, data in enumerate(rows):
                number = first_row + start + i + 1
                location = f"row {number}"
                if isinstance(data, _UnreadableTail):
                    where = f"{location} (row group {group})"
                    batcher.add_reject(Reject(where, QuarantineReason.UNREADABLE, ""))
                    continue
                if inspect and isinstance(data, dict):
                    problem = _inspect(data, batcher.rules.max_depth, maps=has_map)
                    if problem is not None:
                        batcher.add_reject(Reject(location, problem, data))
                        continue
                batcher.add_record(number, location, data, data, inspect=False)
        first_row += group_rows
        if first_row >= stop:
            break


def read_batches(source: Source, batch_size: int, rules: FieldRules | str | None = None) -> Iterator[Batch]:
    """Batches of the source's records and rejects, in file order."""
    rules = _rules(rules)
    for ref in plan_batches(source, batch_size, rules):
        yield read_batch(ref, rules)


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


# Arrow's Parquet reader refuses schemas nested deeper than 100 levels (a list takes two): a
# column nested deeper than this is stored as JSON text, as one Parquet cannot hold is.
_PARQUET_MAX_LEVELS = 64


def _parquet_levels(dtype: pa.DataType) -> int | None:
    """Schema levels a column of this type takes in Parquet, None if Parquet cannot store it
    (a struct without fields: an object whose every field was dropped, `{}` in JSON)."""
    if pa.types.is_struct(dtype):
        if dtype.num_fields == 0:
            return None
        children = [_parquet_levels(dtype.field(i).type) for i in range(dtype.num_fields)]
        return None if None in children else 1 + max(children)  # type: ignore[type-var]
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        child = _parquet_levels(dtype.value_type)
        return None if child is None else 2 + child
    if pa.types.is_map(dtype):
        key, item = _parquet_levels(dtype.key_type), _parquet_levels(dtype.item_type)
        return None if key is None or item is None else 2 + max(key, item)
    return 1


def _json_text(value: Any) -> str | None:
    """A value as JSON text for a string column; never raises (a lone surrogate is escaped)."""
    if value is None or isinstance(value, str):
        return value if value is None or not _SURROGATE.search(value) else json.dumps(value)
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError, RecursionError):
        return json.dumps(str(value))


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Arrow table of redacted rows, one that Parquet can store and read back, whatever the rows
    hold: a column whose values mix types, that Arrow cannot infer, that Parquet cannot store (an
    empty object) or nests deeper than Parquet readers accept is stored as JSON text. A field
    only some rows have is a column all the same (null where absent)."""
    names: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for name in row:
            if name not in seen:
                seen.add(name)
                names.append(name)
    try:
        table = pa.Table.from_pylist(rows)
    except Exception:  # noqa: BLE001 - mixed or unsupported values: column by column below
        table = None
    # (from_pylist takes its columns from the first row: a field first seen later would be lost)
    if table is not None and table.column_names == names and all(_writable(f.type) for f in table.schema):
        return table
    columns = {}
    for name in names:
        values = [row.get(name) for row in rows]
        try:
            column = pa.array(values)
        except Exception:  # noqa: BLE001
            column = None
        if column is None or not _writable(column.type):
            column = pa.array([_json_text(v) for v in values], type=pa.string())
        columns[name] = column
    return pa.table(columns)


def _writable(dtype: pa.DataType) -> bool:
    levels = _parquet_levels(dtype)
    return levels is not None and levels <= _PARQUET_MAX_LEVELS


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


# Characters that some line splitters (str.splitlines) take for a line end: escaped in
# quarantine lines so that one line is one reject whichever way a reader splits the file.
_LINE_BREAKS = str.maketrans({ch: f"\\u{ord(ch):04x}" for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def quarantine_line(source: Source, reject: Reject) -> bytes:
    """One reject as a UTF-8 JSON line. Never raises, whatever the reject holds: text that is
    not valid Unicode (a lone surrogate) is written escaped, and a value JSON cannot hold is
    written as its text; the location always identifies the input in its file."""
    entry: dict[str, Any] = {
        "source": source.path,
        "location": reject.location,
        "reason": getattr(reject.reason, "value", str(reject.reason)),
        "record_id": reject.record_id,
    }
    raw = reject.raw
    if isinstance(raw, bytes):
        entry["raw_hex"] = raw.hex()
    elif isinstance(raw, dict):
        entry["raw_record"] = raw
    else:
        entry["raw"] = raw
    for attempt in range(3):
        try:
            text = json.dumps(entry, ensure_ascii=attempt > 0, default=str)
            return text.translate(_LINE_BREAKS).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: escape it (\udXXX round-trips)
            continue
        except (TypeError, ValueError, RecursionError):
            for key in ("raw_record", "raw"):
                if key in entry:
                    try:
                        entry[key] = str(entry[key])
                    except Exception:  # noqa: BLE001
                        entry[key] = None
                        entry["raw_unavailable"] = True
    entry = {k: entry[k] for k in ("source", "location", "reason")}
    entry["raw_unavailable"] = True
    return json.dumps(entry, ensure_ascii=True, default=str).encode("ascii", "backslashreplace")


def write_quarantine_file(path: str | os.PathLike[str], source: Source, rejects: list[Reject]) -> None:
    """Rejected inputs with their reason, one JSON line each, owner-only (they hold raw content).

    Cannot fail on what a reject holds (see `quarantine_line`): the quarantine is the side exit
    of every stage, so it must take anything."""
    folder = Path(path).parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    data = b"\n".join(quarantine_line(source, reject) for reject in rejects) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


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
