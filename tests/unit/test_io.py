from __future__ import annotations

import json
import stat

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from redaction.errors import InputError, QuarantineReason
from redaction.io import QuarantineWriter, RecordsWriter, discover_inputs, read_batches, rows_to_table


def reasons(batches):
    return [r.reason for b in batches for r in b.rejects]


def test_jsonl_bad_lines_become_rejects_with_reasons(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "1", "text": "ok"}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"text": "no id"}\n'
        b'{"id": "", "text": "empty id"}\n'
        b'{"id": "5", "text": "bad \xff byte"}\n'
        b"\n"
        b'{"id": 6, "text": "int id"}\n'
    )
    (source,) = discover_inputs([path])
    batches = list(read_batches(source, 100, "id"))
    assert [r.record_id for b in batches for r in b.records] == ["1", "6"]
    assert reasons(batches) == [
        QuarantineReason.MALFORMED,
        QuarantineReason.NOT_AN_OBJECT,
        QuarantineReason.MISSING_ID,
        QuarantineReason.MISSING_ID,
        QuarantineReason.UNDECODABLE,
    ]
    assert [r.location for b in batches for r in b.rejects][0] == "line 2"


def test_batches_are_bounded_and_deterministic(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "t": "x"}) + "\n" for i in range(25)))
    (source,) = discover_inputs([path])
    first = [(b.index, [r.record_id for r in b.records]) for b in read_batches(source, 10, "id")]
    second = [(b.index, [r.record_id for r in b.records]) for b in read_batches(source, 10, "id")]
    assert first == second
    assert [len(ids) for _, ids in first] == [10, 10, 5]


def test_csv_rows_with_wrong_columns_or_bad_bytes_are_rejected(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b'id,body\n1,"hello, ""quoted"" world"\n2,a,b\n3,bad \xff\n4,"multi\nline"\n')
    (source,) = discover_inputs([path])
    batches = list(read_batches(source, 100, "id"))
    records = [r for b in batches for r in b.records]
    assert [r.data for r in records] == [
        {"id": "1", "body": 'hello, "quoted" world'},
        {"id": "4", "body": "multi\nline"},
    ]
    assert reasons(batches) == [QuarantineReason.MALFORMED, QuarantineReason.UNDECODABLE]


def test_parquet_is_read_in_row_batches(tmp_path):
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b", None], "n": [1, 2, 3]}), path)
    (source,) = discover_inputs([path])
    batches = list(read_batches(source, 2, "id"))
    assert [[r.data for r in b.records] for b in batches] == [[{"id": "a", "n": 1}, {"id": "b", "n": 2}], []]
    assert reasons(batches) == [QuarantineReason.MISSING_ID]


def test_folders_are_searched_for_record_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ["a.jsonl", "sub/b.csv", "sub/c.parquet", "notes.txt", ".hidden.jsonl"]:
        (tmp_path / name).write_text("")
    found = [s.path.split("/")[-1] for s in discover_inputs([tmp_path])]
    assert found == ["a.jsonl", "b.csv", "c.parquet"]


def test_missing_path_and_unknown_format_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match=r"nope.jsonl: no such file or folder"):
        discover_inputs([tmp_path / "nope.jsonl"])
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(InputError, match=r"x.txt: unknown input format '.txt' \(expected one of"):
        discover_inputs([tmp_path / "x.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no input files found"):
        discover_inputs([tmp_path / "empty"])


def test_source_id_changes_with_content(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "1"}\n')
    (a,) = discover_inputs([path])
    path.write_text('{"id": "2"}\n')
    (b,) = discover_inputs([path])
    assert a.source_id != b.source_id


def test_mixed_type_columns_are_kept_as_json_text():
    table = rows_to_table([{"id": "1", "v": 1}, {"id": "2", "v": "two"}, {"id": "3", "v": [1, "x"]}])
    assert table.column("v").to_pylist() == ["1", "two", '[1, "x"]']


def test_writers_are_atomic_and_quarantine_is_owner_only(tmp_path):
    from redaction.io import Reject, Source

    records = RecordsWriter(tmp_path)
    path = records.write("s-000000", [{"id": "1", "t": "x"}])
    assert pq.read_table(path).to_pylist() == [{"id": "1", "t": "x"}]
    assert records.write("s-000000", []) is None and not path.exists()
    source = Source("in.jsonl", "jsonl", 1, "0" * 64)
    qpath = QuarantineWriter(tmp_path).write(
        "s-000000", source, [Reject("line 1", QuarantineReason.MALFORMED, "x")]
    )
    assert stat.S_IMODE(qpath.stat().st_mode) == 0o600
    assert stat.S_IMODE(qpath.parent.stat().st_mode) == 0o700
    assert json.loads(qpath.read_text())["reason"] == "malformed"
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary files left
