"""Property-based tests of the readers and writers: whatever the input, no crash, every input
accounted for (records + rejects = lines or rows), the same result in any batch size and read
order, and nothing of the input in a location, a note, an exception message or a log line.

Hypothesis writes no example database here (`database=None`): the worktree stays clean.
`SCRUBLINE_FUZZ_EXAMPLES=5000` runs a longer hunt than the default 150 examples a test.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redaction.errors import InputError, QuarantineReason
from redaction.fields import FieldPlan, fill_record, split_record
from redaction.io import (
    Reject,
    Source,
    discover_inputs,
    plan_source,
    read_batch,
    write_quarantine_file,
    write_records_file,
)
from redaction.policy import FieldRules
from tests.data.hostile import compress

FUZZ = settings(
    max_examples=int(os.environ.get("SCRUBLINE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Planted in random input: it must never come out anywhere but a record or the quarantine.
CANARY = "Canary Person <canary.person@example.org>"


@contextmanager
def captured_log() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def write_input(folder: Path, name: str, data: bytes) -> Source:
    path = folder / name
    path.write_bytes(data)
    (source,) = discover_inputs([path])
    return source


def outcome(source: Source, size: int, rules: FieldRules | str = "id", reverse: bool = False):
    """(location, reason or None, record id) of every input, and the plan's notes."""
    planned = plan_source(source, size, rules)
    refs = list(reversed(planned.refs)) if reverse else planned.refs
    batches = sorted((read_batch(ref, rules) for ref in refs), key=lambda b: b.index)
    for batch, ref in zip(batches, planned.refs, strict=True):
        assert len(batch) <= ref.size
    items = []
    for batch in batches:
        items += [(r.location, None, r.record_id) for r in batch.records]
        items += [(r.location, r.reason, r.record_id) for r in batch.rejects]
    return sorted(items, key=lambda item: _position(item[0])), planned.notes, batches


def _position(location: str) -> int:
    return int(location.split()[1])


def assert_nothing_leaks(items, notes, log: str, errors: list[str] = ()) -> None:
    said = [location for location, _, _ in items] + list(notes) + list(errors) + [log]
    assert not [text for text in said if CANARY in text or "canary.person" in text]


def assert_quarantine_writes(folder: Path, source: Source, batches) -> None:
    rejects = [r for b in batches for r in b.rejects]
    if not rejects:
        return
    path = folder / "q.jsonl"
    write_quarantine_file(path, source, rejects)
    lines = path.read_bytes().decode("utf-8").splitlines()
    assert [json.loads(line)["location"] for line in lines] == [r.location for r in rejects]


def with_canary(data: bytes, where: int) -> bytes:
    cut = where % (len(data) + 1)
    return data[:cut] + CANARY.encode() + data[cut:]


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="scrubline-fuzz-") as name:
        yield Path(name)


# --- random bytes --------------------------------------------------------------------------------

line_bytes = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [b'{"id": "1"}', b'{"id": 2, "t": "x"}', b"[1]", b"{", b'"\\ud800"', b"\xef\xbb\xbf", b"\r", b"  "]
    ),
)
blobs = st.lists(line_bytes, max_size=30).map(lambda parts: b"\n".join(parts))


@FUZZ
@given(data=blobs, where=st.integers(min_value=0), size=st.integers(min_value=1, max_value=6))
def test_random_bytes_as_jsonl_are_all_accounted_for(folder, data, where, size):
    data = with_canary(data, where)
    source = write_input(folder, "in.jsonl", data)
    with captured_log() as log:
        items, notes, batches = outcome(source, size)
        assert (items, notes) == outcome(source, 1000)[:2] == outcome(source, size, reverse=True)[:2]
    lines = data.split(b"\n")
    if lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    assert len(items) == sum(1 for line in lines if line.strip())
    assert_nothing_leaks(items, notes, log.getvalue())
    assert_quarantine_writes(folder, source, batches)


@FUZZ
@given(
    data=blobs,
    where=st.integers(min_value=0),
    size=st.integers(min_value=1, max_value=6),
    compression=st.sampled_from(["gzip", "zstd"]),
    keep=st.floats(min_value=0.0, max_value=1.0),
)
def test_random_bytes_in_a_compressed_stream_even_cut_short_never_crash(
    folder, data, where, size, compression, keep
):
    data = with_canary(data, where)
    packed = compress(data, compression)
    packed = packed[: math.ceil(len(packed) * keep)] if keep < 1 else packed
    name = "in.jsonl.gz" if compression == "gzip" else "in.jsonl.zst"
    source = write_input(folder, name, packed)
    with captured_log() as log:
        items, notes, batches = outcome(source, size)
        assert (items, notes) == outcome(source, 1000)[:2] == outcome(source, size, reverse=True)[:2]
    if keep == 1:  # a whole stream reads exactly like the plain file
        plain = write_input(folder, "plain.jsonl", data)
        assert items == outcome(plain, size)[0]
    assert_nothing_leaks(items, notes, log.getvalue())
    assert_quarantine_writes(folder, source, batches)


@FUZZ
@given(data=blobs, where=st.integers(min_value=0), size=st.integers(min_value=1, max_value=6))
def test_random_bytes_as_csv_are_all_accounted_for_or_one_clear_error(folder, data, where, size):
    data = with_canary(data, where)
    source = write_input(folder, "in.csv", data)
    with captured_log() as log:
        try:
            items, notes, batches = outcome(source, size)
        except InputError as exc:  # the header row: one line naming the file, no content
            message = str(exc)
            assert message.startswith(f"{source.path}: ") and "\n" not in message
            assert_nothing_leaks([], [], log.getvalue(), [message])
            return
        assert (items, notes) == outcome(source, 1000)[:2] == outcome(source, size, reverse=True)[:2]
    assert_nothing_leaks(items, notes, log.getvalue())
    assert_quarantine_writes(folder, source, batches)


# --- random JSON -------------------------------------------------------------------------------

# Text with lone surrogates among other characters: JSON can carry them as \u escapes.
texts = st.text(alphabet=st.characters(exclude_categories=()), max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=12,
)
ids = st.one_of(st.sampled_from(["a", "b", "c", " ", ""]), st.integers(0, 3), st.none(), json_values)
records = st.one_of(
    st.builds(lambda i, rest: {"id": i, **rest}, ids, st.dictionaries(texts, json_values, max_size=3)),
    json_values,
)


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def expected_reasons(values, max_depth: int, escaped: bool):
    """What the reader must make of each value written as a JSON line, computed independently."""
    seen: set[str] = set()
    out = []
    for value in values:
        if not escaped and _has_surrogate(value):  # written raw: the line is not UTF-8
            out.append({QuarantineReason.UNDECODABLE})
            continue
        if not isinstance(value, dict):
            out.append({QuarantineReason.NOT_AN_OBJECT})
            continue
        problems = set()
        if _depth(value) > max_depth:
            problems.add(QuarantineReason.TOO_DEEP)
        if _has_surrogate(value):
            problems.add(QuarantineReason.UNENCODABLE)
        if problems:
            out.append(problems)
            continue
        raw_id = value.get("id")
        usable = isinstance(raw_id, int | str) and not isinstance(raw_id, bool) and str(raw_id).strip()
        if not usable:
            out.append({QuarantineReason.MISSING_ID})
            continue
        record_id = str(raw_id).strip()
        out.append({QuarantineReason.DUPLICATE_ID} if record_id in seen else {None})
        seen.add(record_id)
    return out


@FUZZ
@given(
    values=st.lists(records, max_size=12),
    escaped=st.booleans(),
    max_depth=st.integers(min_value=1, max_value=4),
    size=st.integers(min_value=1, max_value=5),
)
def test_random_json_lines_each_become_a_record_or_the_reject_they_deserve(
    folder, values, escaped, max_depth, size
):
    lines = [json.dumps(v, ensure_ascii=escaped).encode("utf-8", "surrogatepass") for v in values]
    source = write_input(folder, "in.jsonl", b"\n".join(lines) + b"\n")
    rules = FieldRules(max_depth=max_depth)
    items, _, batches = outcome(source, size, rules)
    assert len(items) == len(values)
    expected = expected_reasons(values, max_depth, escaped)
    for (location, reason, _), wanted, number in zip(items, expected, range(1, len(values) + 1), strict=True):
        assert location == f"line {number}" and reason in wanted, (location, reason, wanted)
    by_location = {r.location: r.data for b in batches for r in b.records}
    for number, value in enumerate(values, start=1):
        if f"line {number}" in by_location:
            assert by_location[f"line {number}"] == value
    assert_quarantine_writes(folder, source, batches)


# --- random CSV --------------------------------------------------------------------------------

cells = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=10)


@FUZZ
@given(
    rows=st.lists(st.tuples(st.sampled_from(["1", "2", "x", "", " "]), cells, cells), max_size=15),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    bom=st.booleans(),
    size=st.integers(min_value=1, max_value=5),
    named=st.booleans(),
)
def test_random_csv_rows_each_become_a_record_or_a_reject(folder, rows, delimiter, bom, size, named):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "a", "b"])
    writer.writerows(rows)
    data = (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")
    source = write_input(folder, "in.csv", data)
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
    rules = FieldRules(csv_delimiter=names[delimiter]) if named else FieldRules()
    items, _, batches = outcome(source, size, rules)
    kept = [row for row in rows if any(cell.strip() for cell in row)]  # blank rows are not inputs
    assert len(items) == len(kept)
    got = [r.data for b in batches for r in b.records]
    seen: set[str] = set()
    wanted = []
    for row in kept:
        if row[0].strip() and row[0].strip() not in seen:
            wanted.append(dict(zip(["id", "a", "b"], row, strict=True)))
        seen.add(row[0].strip())
    assert got == wanted
    reasons = {reason for _, reason, _ in items} - {None}
    assert reasons <= {QuarantineReason.MISSING_ID, QuarantineReason.DUPLICATE_ID}


# --- writers -----------------------------------------------------------------------------------

clean_texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6)
clean_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(2**62), 2**62), st.floats(allow_nan=False), clean_texts
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(clean_texts, children, max_size=3),
    max_leaves=10,
)


@FUZZ
@given(rows=st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), clean_values), max_size=6))
def test_any_redacted_rows_are_written_to_parquet_and_read_back(folder, rows):
    rows = [{"id": str(i), **row} for i, row in enumerate(rows)]
    path = folder / "out.parquet"
    write_records_file(path, rows)
    assert [r["id"] for r in pq.read_table(path).to_pylist()] == [r["id"] for r in rows]


raws = st.one_of(texts, st.binary(max_size=20), st.dictionaries(texts, json_values, max_size=4))


@FUZZ
@given(raw=st.lists(raws, max_size=6))
def test_quarantine_writer_takes_any_raw_content(folder, raw):
    source = Source("in.jsonl", "jsonl", 1, "0" * 64)
    rejects = [Reject(f"line {i}", QuarantineReason.MALFORMED, r) for i, r in enumerate(raw, start=1)]
    if not rejects:
        return
    path = folder / "q.jsonl"
    write_quarantine_file(path, source, rejects)
    entries = [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]
    for entry, value in zip(entries, raw, strict=True):
        if isinstance(value, bytes):
            assert bytes.fromhex(entry["raw_hex"]) == value
        elif isinstance(value, str):
            assert entry["raw"] == value
        else:
            assert entry["raw_record"] == value


@FUZZ
@given(record=st.dictionaries(texts, json_values, max_size=5), nested=st.sampled_from(["scan", "drop"]))
def test_split_and_fill_give_back_the_record_when_nothing_is_redacted(record, nested):
    record = {**record, "id": "1"}
    copy, slots, dropped = split_record(record, FieldPlan(FieldRules(nested=nested)))
    back = fill_record(copy, slots, [s.original if s.numeric else s.text for s in slots])
    if nested == "scan":
        assert back == record and dropped == 0
    else:
        assert back == {k: v for k, v in record.items() if not isinstance(v, dict | list)}


# --- the redaction stage -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def redactor(tmp_path_factory):
    from redaction.pipeline import BatchRedactor
    from tests.unit.helpers import make_policy

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRUBLINE_HOME", str(tmp_path_factory.mktemp("fuzz-home")))
        yield BatchRedactor(make_policy(entities={"PERSON": {"threshold": 0.4, "action": "pseudonymize"}}))


@settings(FUZZ, max_examples=max(20, FUZZ.max_examples // 5))
@given(values=st.lists(records, max_size=8), escaped=st.booleans())
def test_random_records_are_redacted_or_quarantined_and_counts_reconcile(folder, redactor, values, escaped):
    lines = [json.dumps(v, ensure_ascii=escaped).encode("utf-8", "surrogatepass") for v in values]
    lines.append(json.dumps({"id": "canary", "text": CANARY}).encode())
    source = write_input(folder, "in.jsonl", b"\n".join(lines) + b"\n")
    planned = plan_source(source, 100, "id")
    with captured_log() as log:
        for ref in planned.refs:
            result = redactor.redact(read_batch(ref, "id"))
            assert result.counters.reconciles() and result.counters.records_in == len(lines)
            assert len(result.rows) == len(result.redacted)
            write_records_file(folder / "out.parquet", result.rows)
    assert CANARY not in log.getvalue() and "canary.person" not in log.getvalue()
