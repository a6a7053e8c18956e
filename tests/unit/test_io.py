from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from redaction.errors import InputError, QuarantineReason
from redaction.io import (
    QuarantineWriter,
    RecordsWriter,
    Reject,
    Source,
    discover_inputs,
    plan_batches,
    plan_source,
    read_batch,
    read_batches,
    rows_to_table,
    write_quarantine_file,
    write_records_file,
)
from redaction.policy import FieldRules
from tests.data import hostile


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


def test_a_field_the_first_row_lacks_is_written_not_lost():
    chat = [{"role": "user", "content": "hi"}]
    rows = [{"id": "1", "prompt": "p"}, {"id": "2", "messages": chat}]
    table = rows_to_table(rows)
    assert table.column_names == ["id", "prompt", "messages"]
    assert table.to_pylist() == [
        {"id": "1", "prompt": "p", "messages": None},
        {"id": "2", "prompt": None, "messages": chat},
    ]


def test_writers_are_atomic_and_quarantine_is_owner_only(tmp_path):
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


# --- hostile inputs: every bad kind gets a reason or one clear line ----------------------------


def read_all(path, rules="id", size=100):
    (source,) = discover_inputs([path])
    return list(read_batches(source, size, rules))


def records_of(batches):
    return [r for b in batches for r in b.records]


def rejects_of(batches):
    return [r for b in batches for r in b.rejects]


def quarantine_lines(tmp_path, batches):
    path = tmp_path / "q.jsonl"
    write_quarantine_file(path, batches[0].source, rejects_of(batches))
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def test_lone_surrogate_escape_is_quarantined_as_unencodable_with_the_line_kept_as_written(tmp_path):
    line, values = hostile.surrogate_line()
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "ok", "text": "fine"}\n' + line)
    batches = read_all(path)
    assert [r.record_id for r in records_of(batches)] == ["ok"]
    (reject,) = rejects_of(batches)
    assert (reject.reason, reject.location, reject.record_id) == (
        QuarantineReason.UNENCODABLE,
        "line 2",
        None,
    )
    (entry,) = quarantine_lines(tmp_path, batches)
    assert entry["raw"].encode("ascii") == line  # the data owner gets the line byte for byte


def test_valid_surrogate_pair_escapes_are_ordinary_text(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "1", "text": "smile \\ud83d\\ude00"}\n')
    (record,) = records_of(read_all(path))
    assert record.data["text"] == "smile \U0001f600"


def test_surrogate_in_a_nested_key_is_unencodable_too(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "1", "meta": {"\\udc00k": "v"}}\n')
    assert [r.reason for r in rejects_of(read_all(path))] == [QuarantineReason.UNENCODABLE]


def test_quarantine_writer_cannot_fail_on_any_text(tmp_path):
    name, email = hostile.person(3)
    source = Source("in.jsonl", "jsonl", 1, "0" * 64)
    deep: dict = {"v": email}
    for _ in range(5000):
        deep = {"d": deep}
    rejects = [
        Reject(
            "line 1", QuarantineReason.DETECTION_ERROR, {"id": "1", "text": f"{name} \ud83d {email}"}, "1"
        ),
        Reject("line 2", QuarantineReason.MALFORMED, f"{name}\udcff"),
        Reject("line 3", QuarantineReason.PROCESSING_ERROR, {"id": "3", "n": 10**5000}, "3"),
        Reject("line 4", QuarantineReason.PROCESSING_ERROR, {"id": "4", "k": {(1, 2): name}}, "4"),
        Reject("line 5", QuarantineReason.TOO_DEEP, deep),
        Reject("row 6", QuarantineReason.PROCESSING_ERROR, {"id": "6", "when": dt.date(2024, 1, 2)}, "6"),
        Reject("row 7", QuarantineReason.UNDECODABLE, b"\xff\xfe"),
    ]
    path = tmp_path / "q.jsonl"
    write_quarantine_file(path, source, rejects)
    entries = [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]
    assert [e["location"] for e in entries] == [r.location for r in rejects]
    assert entries[0]["raw_record"]["text"] == f"{name} \ud83d {email}"  # escaped, round-trips
    assert entries[1]["raw"] == f"{name}\udcff"
    assert entries[3]["raw_record"] == str({"id": "4", "k": {(1, 2): name}})
    assert entries[5]["raw_record"]["when"] == "2024-01-02"
    assert entries[6]["raw_hex"] == "fffe"


@pytest.mark.parametrize("depth", [10_000, 100])
def test_json_nested_beyond_the_policy_depth_is_quarantined_too_deep(tmp_path, depth):
    line, _ = hostile.deep_json_line(depth)
    ok, _ = hostile.deep_json_line(64, record_id="ok")
    path = tmp_path / "in.jsonl"
    path.write_bytes(line + ok)
    batches = read_all(path)
    assert [r.record_id for r in records_of(batches)] == ["ok"]  # 64 levels: the default limit
    assert [(r.reason, r.location) for r in rejects_of(batches)] == [(QuarantineReason.TOO_DEEP, "line 1")]


def test_max_depth_is_a_policy_setting(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "1", "a": {"b": [1]}}\n{"id": "2", "a": {"b": 1}}\n')
    batches = read_all(path, FieldRules(max_depth=2))
    assert [r.record_id for r in records_of(batches)] == ["2"]
    assert [r.reason for r in rejects_of(batches)] == [QuarantineReason.TOO_DEEP]
    with pytest.raises(ValueError, match="max_depth"):
        FieldRules(max_depth=0)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_a_bom_or_another_delimiter_is_read(tmp_path, delimiter, bom):
    records, _ = hostile.flat_records(4)
    records[1]["note"] = f"a{delimiter}b, c; d"  # the delimiter inside a quoted cell
    path = tmp_path / "in.csv"
    path.write_bytes(hostile.csv_bytes(records, delimiter=delimiter, bom=bom))
    batches = read_all(path, size=3)
    assert [r.data for r in records_of(batches)] == records
    assert not rejects_of(batches)


def test_csv_delimiter_from_the_policy_wins_over_sniffing(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id;a,b,c\n1;x,y,z\n")  # sniffed: ','
    assert [r.reason for r in rejects_of(read_all(path))] == [QuarantineReason.MISSING_ID]
    (record,) = records_of(read_all(path, FieldRules(csv_delimiter="semicolon")))
    assert record.data == {"id": "1", "a,b,c": "x,y,z"}


def test_file_in_which_no_record_has_the_id_field_gets_one_note_naming_what_was_found(tmp_path):
    records, values = hostile.flat_records(5)
    path = tmp_path / "in.csv"
    path.write_bytes(hostile.csv_bytes(records, header=["ID", "name", "email", "note"]))
    (source,) = discover_inputs([path])
    plan = plan_source(source, 2, "id")
    assert len(plan.refs) == 3
    (note,) = plan.notes
    assert "in.csv: no row has the id field 'id'" in note
    assert "'ID', 'name', 'email', 'note'" in note and "delimiter ','" in note
    assert "fields.id" in note and "fields.csv_delimiter" in note
    assert all(r.reason is QuarantineReason.MISSING_ID for r in rejects_of(read_batches(source, 2, "id")))

    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(hostile.jsonl_bytes([{"key": r["id"], "text": r["note"]} for r in records]))
    (note,) = plan_source(discover_inputs([jsonl])[0], 2, "id").notes
    assert "no record has the id field 'id' (fields found: 'key', 'text')" in note


def test_missing_id_note_never_shows_values_of_a_file_without_a_header(tmp_path):
    records, values = hostile.flat_records(3)
    path = tmp_path / "in.csv"
    path.write_bytes(hostile.csv_bytes(records[1:], header=list(records[0].values())))
    (note,) = plan_source(discover_inputs([path])[0], 10, "id").notes
    assert not [v for v in values if v in note]
    assert "not like field names: is the first row a header?" in note


def test_a_few_records_without_id_get_no_note(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "1"}\n{"text": "x"}\n')
    assert plan_source(discover_inputs([path])[0], 10, "id").notes == []


def test_csv_header_naming_a_column_twice_is_a_clear_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,body,body\n1,a,b\n")
    with pytest.raises(InputError, match=r"in.csv: the header row names 'body' more than once"):
        plan_source(discover_inputs([path])[0], 10, "id")


def duplicate_ids_file(tmp_path):
    records, _ = hostile.flat_records(6)
    ids = ["a", "b", "a", "c", "b", "a"]  # lines 3 and 6 repeat line 1, line 5 repeats line 2
    for record, record_id in zip(records, ids, strict=True):
        record["id"] = record_id
    path = tmp_path / "in.jsonl"
    path.write_bytes(hostile.jsonl_bytes(records) + b'{"id": "c", "bad": \n')  # a malformed "c"
    return path


def test_duplicate_ids_keep_the_first_and_quarantine_the_later_ones_across_batches(tmp_path):
    (source,) = discover_inputs([duplicate_ids_file(tmp_path)])
    refs = plan_batches(source, 2, "id")
    alone = [read_batch(ref, "id") for ref in reversed(refs)][::-1]  # any order, any process
    kept = [(r.location, r.record_id) for r in records_of(alone)]
    assert kept == [("line 1", "a"), ("line 2", "b"), ("line 4", "c")]
    dupes = [
        (r.location, r.record_id) for r in rejects_of(alone) if r.reason is QuarantineReason.DUPLICATE_ID
    ]
    assert dupes == [("line 3", "a"), ("line 5", "b"), ("line 6", "a")]
    assert sum(len(b) for b in alone) == 7  # every line accounted for


def test_duplicate_ids_in_quarantine_mode_quarantine_every_record_of_the_id(tmp_path):
    (source,) = discover_inputs([duplicate_ids_file(tmp_path)])
    rules = FieldRules(duplicates="quarantine")
    batches = list(read_batches(source, 4, rules))
    assert [r.record_id for r in records_of(batches)] == ["c"]
    reasons = [r.reason for r in rejects_of(batches)]
    assert reasons.count(QuarantineReason.DUPLICATE_ID) == 5


def test_duplicate_ids_in_fail_mode_stop_naming_the_lines_and_never_the_ids(tmp_path):
    records, _ = hostile.flat_records(3)
    records[2]["id"] = records[0]["id"] = "jane.doe@example.com"  # ids can be personal data
    path = tmp_path / "in.jsonl"
    path.write_bytes(hostile.jsonl_bytes(records))
    with pytest.raises(InputError) as error:
        plan_batches(discover_inputs([path])[0], 10, FieldRules(duplicates="fail"))
    message = str(error.value)
    assert "in.jsonl: the id field 'id' repeats within the file (line 3 repeats line 1)" in message
    assert "jane" not in message


def test_duplicate_ids_are_found_in_csv_and_parquet(tmp_path):
    records, _ = hostile.flat_records(4)
    records[3]["id"] = records[0]["id"]
    csv_path = tmp_path / "in.csv"
    csv_path.write_bytes(hostile.csv_bytes(records))
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet", row_group_size=2)
    for path in (csv_path, tmp_path / "in.parquet"):
        batches = read_all(path, size=2)
        assert [(r.location, r.reason) for r in rejects_of(batches)] == [
            ("row 4", QuarantineReason.DUPLICATE_ID)
        ]


def test_corrupt_parquet_row_group_is_quarantined_with_its_location_and_the_rest_is_read(tmp_path):
    path = tmp_path / "in.parquet"
    hostile.corrupt_parquet(path, n=30, row_group_size=10, bad_group=1)
    batches = read_all(path, size=8)
    assert [r.record_id for r in records_of(batches)] == [
        f"R-{i:04d}" for i in [*range(1, 11), *range(21, 31)]
    ]
    rejects = rejects_of(batches)
    assert {r.reason for r in rejects} == {QuarantineReason.UNREADABLE}
    assert [r.location for r in rejects] == [f"row {i} (row group 1)" for i in range(11, 21)]


def test_nested_parquet_columns_are_read_with_map_entries_as_key_value_objects(tmp_path):
    path = tmp_path / "in.parquet"
    hostile.nested_parquet(path)
    records = records_of(read_all(path))
    assert [r.record_id for r in records] == ["n1", "n2", "n3"]
    first = records[0].data
    assert first["votes"] == [{"key": first["contacts"][0]["value"], "value": 3}]
    assert first["labels"][0]["key"] == "owner" and first["customer"]["age"] == 41


def test_parquet_row_python_cannot_hold_is_quarantined_alone(tmp_path):
    path = tmp_path / "in.parquet"
    hostile.out_of_range_date_parquet(path)
    batches = read_all(path)
    assert [r.record_id for r in records_of(batches)] == ["R-0001", "R-0003"]
    assert [(r.location, r.reason) for r in rejects_of(batches)] == [
        ("row 2 (row group 0)", QuarantineReason.UNREADABLE)
    ]


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_compressed_inputs_read_like_the_plain_file_in_the_same_batches(tmp_path, compression, kind):
    records, _ = hostile.flat_records(23)
    records[5]["id"] = records[2]["id"]
    data = hostile.jsonl_bytes(records) if kind == "jsonl" else hostile.csv_bytes(records, delimiter=";")
    plain = tmp_path / f"in.{kind}"
    plain.write_bytes(data)
    packed = tmp_path / f"in.{kind}{'.gz' if compression == 'gzip' else '.zst'}"
    packed.write_bytes(hostile.compress(data, compression))
    (source,) = discover_inputs([packed])
    assert source.compression == compression and source.describe()["compression"] == compression

    def shape(batches):
        return [([r.data for r in b.records], [(r.location, r.reason) for r in b.rejects]) for b in batches]

    (plain_source,) = discover_inputs([plain])
    refs = plan_batches(source, 5, "id")
    assert [(r.offset, r.number, r.repeats) for r in refs] == [
        (r.offset, r.number, r.repeats) for r in plan_batches(plain_source, 5, "id")
    ]  # offsets in the decompressed stream: the same batches as the plain file
    in_order = [read_batch(ref, "id") for ref in refs]
    alone = [read_batch(ref, "id") for ref in reversed(refs)][::-1]
    assert shape(in_order) == shape(alone) == shape(read_batches(plain_source, 5, "id"))


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_truncated_compressed_file_quarantines_its_unreadable_tail(tmp_path, compression):
    records, _ = hostile.flat_records(4000)  # more than one read of the compressed stream
    packed = hostile.compress(hostile.jsonl_bytes(records), compression)
    path = tmp_path / f"in.jsonl{'.gz' if compression == 'gzip' else '.zst'}"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    (source,) = discover_inputs([path])
    for size in (7, 1000):
        batches = list(read_batches(source, size, "id"))
        rejects = rejects_of(batches)
        assert [r.reason for r in rejects] == [QuarantineReason.UNREADABLE]
        assert rejects[0].location.endswith("onward")
        kept = [r.record_id for r in records_of(batches)]
        assert kept == [r["id"] for r in records[: len(kept)]] and 0 < len(kept) < 4000


def test_compressed_files_are_found_in_folders_and_compressed_parquet_is_a_clear_error(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(hostile.compress(b'{"id": "1"}\n', "gzip"))
    (tmp_path / "b.csv.zst").write_bytes(hostile.compress(b"id\n1\n", "zstd"))
    (tmp_path / "c.parquet.gz").write_bytes(b"")
    (tmp_path / "d.txt.gz").write_bytes(b"")
    found = [(Path(s.path).name, s.format, s.compression) for s in discover_inputs([tmp_path])]
    assert found == [("a.jsonl.gz", "jsonl", "gzip"), ("b.csv.zst", "csv", "zstd")]
    with pytest.raises(InputError, match=r"c.parquet.gz: compressed Parquet is not read"):
        discover_inputs([tmp_path / "c.parquet.gz"])


def test_rows_parquet_cannot_store_as_they_are_are_written_as_json_text(tmp_path):
    deep: object = "x"
    for _ in range(60):
        deep = [deep]
    rows = [
        {"id": "1", "meta": {}, "items": [{}], "deep": deep, "mixed": {"a": [1]}},
        {"id": "2", "meta": {}, "items": [], "deep": None, "mixed": {"a": "x"}},
    ]
    path = tmp_path / "out.parquet"
    write_records_file(path, rows)
    back = pq.read_table(path).to_pylist()
    assert [r["meta"] for r in back] == ["{}", "{}"]
    assert json.loads(back[0]["deep"]) == deep and back[1]["deep"] is None
    assert back[0]["items"] == "[{}]"


def test_only_a_bad_compressed_stream_is_quarantined_a_failing_disk_is_raised():
    import gzip
    import zlib

    from redaction.io import _corrupt

    plain = Source("in.jsonl", "jsonl", 1, "0" * 64)
    packed = Source("in.jsonl.gz", "jsonl", 1, "0" * 64, "gzip")
    assert (
        _corrupt(packed, gzip.BadGzipFile("bad"))
        and _corrupt(packed, EOFError())
        and _corrupt(packed, zlib.error())
    )
    assert _corrupt(packed, OSError("ZSTD decompress failed"))
    assert not _corrupt(packed, OSError(5, "Input/output error"))  # retried, not quarantined
    assert not _corrupt(plain, EOFError())
