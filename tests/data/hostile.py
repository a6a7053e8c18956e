"""Hostile inputs for the readers: the shapes a tester found breaking them, with Faker PII.

Each builder writes a file (or returns bytes) and the PII values it holds, so a test can check
that none of them reaches a log line, an exception message or a note. The same seed always
gives the same output.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from faker import Faker


def _fake(seed: int) -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


def person(seed: int = 0) -> tuple[str, str]:
    """A fake full name and an e-mail address built from it."""
    fake = _fake(seed)
    first, last = fake.first_name(), fake.last_name()
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{fake.free_email_domain()}"


def surrogate_line(record_id: str = "s1", seed: int = 0) -> tuple[bytes, list[str]]:
    """A JSONL line whose text holds a lone UTF-16 surrogate escape (valid JSON, invalid Unicode)
    between a name and an e-mail address."""
    name, email = person(seed)
    line = f'{{"id": "{record_id}", "text": "Dr. {name} \\ud83d {email}"}}\n'
    return line.encode("ascii"), [name, email]


def deep_json_line(depth: int, record_id: str = "deep", seed: int = 0) -> tuple[bytes, list[str]]:
    """A JSON object whose `nest` field is `depth - 1` lists deep (the record is level 1), with
    an e-mail address at the bottom."""
    _, email = person(seed)
    inner = json.dumps(email)
    nest = "[" * (depth - 1) + inner + "]" * (depth - 1)
    return f'{{"id": "{record_id}", "nest": {nest}}}\n'.encode(), [email]


def flat_records(n: int, seed: int = 0) -> tuple[list[dict[str, str]], list[str]]:
    """`n` flat records {"id", "name", "email", "note"} and the PII values in them."""
    fake = _fake(seed)
    records, values = [], []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        name, email = f"{first} {last}", f"{first.lower()}.{last.lower()}@{fake.free_email_domain()}"
        records.append({"id": f"R-{i + 1:04d}", "name": name, "email": email, "note": fake.sentence()})
        values += [name, email]
    return records, values


def csv_bytes(
    records: list[dict[str, str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    header: list[str] | None = None,
) -> bytes:
    """Records as CSV, with a header row (the records' keys unless `header` names others)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    keys = list(records[0]) if records else list(header or [])
    writer.writerow(header or keys)
    for record in records:
        writer.writerow([record[k] for k in keys])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def jsonl_bytes(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def compress(data: bytes, compression: str) -> bytes:
    """Bytes as a gzip or zstd stream (zstd through pyarrow's codec)."""
    if compression == "gzip":
        return gzip.compress(data, mtime=0)
    buffer = pa.BufferOutputStream()
    with pa.CompressedOutputStream(buffer, compression) as stream:
        stream.write(data)
    return buffer.getvalue().to_pybytes()


def corrupt_parquet(path: Path, n: int = 30, row_group_size: int = 10, bad_group: int = 1) -> list[str]:
    """A Parquet file of flat records whose row group `bad_group` has a page header overwritten
    (reading it fails with "Couldn't deserialize thrift"); its other groups read fine."""
    records, values = flat_records(n)
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=row_group_size)
    column = pq.ParquetFile(path).metadata.row_group(bad_group).column(2)  # email
    offset = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[offset : offset + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    return values


def nested_parquet(path: Path, seed: int = 0) -> list[str]:
    """A Parquet file with struct, list, list-of-struct and map columns (string and integer
    values, a map keyed by e-mail address) and a date Python cannot hold, holding Faker PII."""
    (name_a, email_a), (name_b, email_b) = person(seed), person(seed + 1)
    table = pa.table(
        {
            "id": ["n1", "n2", "n3"],
            "customer": pa.array(
                [
                    {"name": name_a, "age": 41},
                    {"name": f"write to {email_b}", "age": None},
                    {"name": "nobody", "age": 7},
                ]
            ),
            "contacts": pa.array([[{"kind": "email", "value": email_a}], [], None]),
            "votes": pa.array([[(email_a, 3)], [("plain", 1)], []], type=pa.map_(pa.string(), pa.int64())),
            "labels": pa.array(
                [[("owner", name_b)], None, [("k", "v")]], type=pa.map_(pa.string(), pa.string())
            ),
            "seen": pa.array([dt.date(2024, 5, 1), dt.date(2024, 5, 2), None]),
            "tags": pa.array([["a", "b"], ["c"], []]),
        }
    )
    pq.write_table(table, path)
    return [name_a, email_a, name_b, email_b]


def out_of_range_date_parquet(path: Path) -> list[str]:
    """Three rows; the second holds a date beyond Python's (year 5881580): pyarrow cannot
    convert it."""
    records, values = flat_records(3, seed=5)
    table = pa.Table.from_pylist(records).append_column(
        "when", pa.array([0, 2**31 - 1, 10], type=pa.int32()).cast(pa.date32())
    )
    pq.write_table(table, path)
    return values
