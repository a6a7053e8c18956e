"""Exports checked by each tool's own package where it installs (Label Studio SDK, Argilla,
pyarrow), else against a JSON schema written from the tool's documentation and source (doccano,
Prodigy); and each importer reads the tool's export of completed work back (round trip)."""

from __future__ import annotations

import json
import random
import uuid

import jsonschema
import pytest

from redaction.policy import load_policy
from redaction.queues import PLACEHOLDER_PREFIX, Annotation, Span, SQLiteQueueStore, enqueue_rows
from redaction.queues.formats import (
    ENTITY_CONTROL,
    PLACEHOLDER_CONTROL,
    QueueError,
    argilla_settings,
    format_for_path,
    format_names,
    get_format,
    label_studio_config,
    prodigy_hashes,
)
from tests.data.queue_data import redact_generated, simulate_annotation

LABELS = ["PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Items pulled from a store filled by the real pipeline stage (default policy, spaCy
    pre-labels), plus the store and the placeholder labels it declares."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRUBLINE_HOME", str(tmp_path_factory.mktemp("home")))
        policy = load_policy("policies/default.yaml")
        source, batches, _ = redact_generated(policy, tmp_path_factory.mktemp("data"), n=16, seed=21)
        store = SQLiteQueueStore(tmp_path_factory.mktemp("store") / "q.sqlite3")
        for key, rows, _ in batches:
            enqueue_rows(store, rows, id_field="id", source_id=source.source_id, batch_key=key, policy=policy)
        items = store.pull("annotation", "alice", 8)
        assert len(items) == 8
        assert any(item.predictions for item in items) and all(item.spans for item in items)
        yield items, store, store.placeholder_labels()


def completed(items, seed=3) -> dict[str, list[Span]]:
    rng = random.Random(seed)
    return {item.item_id: simulate_annotation(item, rng) for item in items}


def as_annotations(done: dict[str, list[Span]], annotator: str) -> list[Annotation]:
    return sorted((Annotation(i, annotator, tuple(s)) for i, s in done.items()), key=lambda a: a.item_id)


def test_every_format_is_registered_and_a_wrong_name_lists_them():
    assert format_names() == ["argilla", "doccano", "label-studio", "parquet", "prodigy"]
    with pytest.raises(QueueError, match=r"no format named 'csv' \(formats: argilla, doccano, label-studio"):
        get_format("csv")
    assert format_for_path("x.parquet", None).name == "parquet"
    with pytest.raises(QueueError, match="--format"):
        format_for_path("x.jsonl", None)


def test_placeholders_are_marked_where_they_stand(batch):
    items, _, marks = batch
    for item in items:
        for span in item.spans:
            assert span.label.startswith(PLACEHOLDER_PREFIX) and span.label in marks
            assert item.text[span.start] == "<" and item.text[span.end - 1] == ">"
        for span in item.predictions:  # pre-labels never cover a placeholder
            assert not any(span.start < p.end and p.start < span.end for p in item.spans)
            assert span.label in LABELS and 0.5 <= span.score <= 1.0


# --- Label Studio: validated with label-studio-sdk's LabelInterface --------------------------


def test_label_studio_tasks_validate_with_the_sdk(batch, tmp_path):
    from label_studio_sdk.label_interface import LabelInterface

    items, _, marks = batch
    interface = LabelInterface(label_studio_config(LABELS, marks))
    path = get_format("label-studio").export(items, tmp_path / "tasks.json", LABELS)
    tasks = json.loads(path.read_text())
    assert len(tasks) == len(items)
    for item, task in zip(items, tasks, strict=True):
        # validate_task checks the data; it cannot be given predictions (label-studio-sdk 2.1.2
        # calls validate_prediction() without its argument), so they are checked one by one.
        assert interface.validate_task({"data": task["data"]})
        assert task["data"]["item_id"] == item.item_id
        (prediction,) = task["predictions"]
        assert interface.validate_prediction(prediction, return_errors=True) == []
        regions = prediction["result"]
        assert sum(r["from_name"] == PLACEHOLDER_CONTROL for r in regions) == len(item.spans)
        assert sum(r["from_name"] == ENTITY_CONTROL for r in regions) == len(item.predictions)
        for region in regions:
            value = region["value"]
            assert value["text"] == item.text[value["start"] : value["end"]]
    # A label outside the config is caught by the same check: the check is not a rubber stamp.
    broken = json.loads(json.dumps(tasks[0]["predictions"][0]))
    broken["result"][0]["value"]["labels"] = ["NOT_A_LABEL"]
    assert interface.validate_prediction(broken, return_errors=True)


def test_label_studio_export_of_completed_work_imports(batch, tmp_path):
    from label_studio_sdk.label_interface import LabelInterface

    items, _, marks = batch
    interface = LabelInterface(label_studio_config(LABELS, marks))
    done = completed(items)
    tasks = get_format("label-studio").records(items, LABELS)
    for number, (item, task) in enumerate(zip(items, tasks, strict=True), 1):
        task["id"] = number
        result = [
            {
                "id": f"a{i}",
                "from_name": ENTITY_CONTROL,
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {
                    "start": s.start,
                    "end": s.end,
                    "text": item.text[s.start : s.end],
                    "labels": [s.label],
                },
            }
            for i, s in enumerate(done[item.item_id])
        ] + [r for r in task["predictions"][0]["result"] if r["from_name"] == PLACEHOLDER_CONTROL]
        annotation = {"id": number, "completed_by": {"email": "alice@example.com"}, "result": result}
        assert interface.validate_annotation(annotation)
        cancelled = {"id": 100 + number, "completed_by": 7, "result": [], "was_cancelled": True}
        task["annotations"] = [annotation, cancelled]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    parsed = get_format("label-studio").parse(path)
    assert sorted(parsed, key=lambda a: a.item_id) == as_annotations(done, "alice@example.com")
    assert get_format("label-studio").item_ids(path) == [i.item_id for i in items]


# --- Argilla: validated with the argilla SDK's Settings, Record and API models -----------------


@pytest.fixture(scope="module")
def argilla_client():
    """An argilla client that answers its login check from an in-process transport (httpx's
    MockTransport): no server, no network. Anything else it is asked fails."""
    import argilla as rg
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/me":
            return httpx.Response(
                200,
                json={
                    "id": str(uuid.uuid4()),
                    "username": "offline",
                    "role": "owner",
                    "first_name": "offline",
                    "inserted_at": "2024-01-01T00:00:00",
                    "updated_at": "2024-01-01T00:00:00",
                },
            )
        return httpx.Response(503, json={"detail": "offline test client"})

    return rg.Argilla(
        api_url="http://argilla.invalid", api_key="offline", mounts={"all://": httpx.MockTransport(answer)}
    )


def test_argilla_records_validate_with_the_sdk(batch, argilla_client):
    import argilla as rg

    items, _, marks = batch
    settings = argilla_settings(LABELS, marks, client=argilla_client)
    dataset = rg.Dataset(name="scrubline-test", settings=settings, client=argilla_client)
    questions = {q.name: q for q in settings.questions}
    records = get_format("argilla").records(items, LABELS)
    for item, data in zip(items, records, strict=True):
        record = rg.Record.from_dict(data, dataset=dataset)
        assert record.id == item.item_id
        model = record.api_model()  # the SDK's wire model (pydantic): types and scores checked
        assert model.fields["text"] == item.text
        for suggestion in model.suggestions:
            allowed = set(questions[suggestion.question_name].labels)
            for value in suggestion.value:
                assert value["label"] in allowed
                assert 0 <= value["start"] < value["end"] <= len(item.text)
        assert (
            rg.Record.from_dict(record.to_dict()).to_dict()["suggestions"] == record.to_dict()["suggestions"]
        )


def test_argilla_export_of_completed_work_imports(batch, tmp_path):
    import argilla as rg

    items, _, _ = batch
    done = completed(items, seed=4)
    user = str(uuid.uuid4())
    lines = []
    for data in get_format("argilla").records(items, LABELS):
        value = [{"start": s.start, "end": s.end, "label": s.label} for s in done[data["id"]]]
        data["responses"] = {"entities": [{"value": value, "user_id": user, "status": "submitted"}]}
        data["status"] = "completed"
        record = rg.Record.from_dict(data)  # the SDK reads it back
        assert record.responses["entities"][0].value == value
        lines.append(json.dumps(data))
    path = tmp_path / "argilla.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert sorted(get_format("argilla").parse(path), key=lambda a: a.item_id) == as_annotations(done, user)
    renamed = get_format("argilla").parse(path, annotator="alice")
    assert {a.annotator for a in renamed} == {"alice"}


# --- doccano: JSON schema from doccano's import code --------------------------------------------

# doccano's sequence-labelling JSONL import (backend/data_import/pipeline/catalog.py: ArgColumn,
# column_data "text", column_label "label"; label.py: SpanLabel.parse takes [start_offset,
# end_offset, label] or the same keys as an object, start_offset < end_offset, both >= 0,
# label non-empty). Other keys are kept as the example's metadata.
DOCCANO_SCHEMA = {
    "type": "object",
    "required": ["text", "label"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "label": {
            "type": "array",
            "items": {
                "type": "array",
                "prefixItems": [
                    {"type": "integer", "minimum": 0},
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "minLength": 1},
                ],
                "minItems": 3,
                "maxItems": 3,
            },
        },
    },
}


def test_doccano_lines_fit_doccanos_import_schema(batch, tmp_path):
    items, _, _ = batch
    path = get_format("doccano").export(items, tmp_path / "doccano.jsonl", LABELS)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    for item, line in zip(items, lines, strict=True):
        jsonschema.validate(line, DOCCANO_SCHEMA)
        assert all(start < end <= len(line["text"]) for start, end, _ in line["label"])
        assert line["item_id"] == item.item_id
        assert len(line["label"]) == len(item.spans) + len(item.predictions)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"text": "x", "label": [[0, 1]]}, DOCCANO_SCHEMA)


def test_doccano_export_of_completed_work_imports_in_both_shapes(batch, tmp_path):
    items, _, _ = batch
    done = completed(items, seed=5)
    triples, objects = [], []
    for number, item in enumerate(items, 1):
        spans = done[item.item_id] + list(item.spans)  # placeholders come back too: dropped
        triples.append(
            {
                "id": number,
                "text": item.text,
                "label": [[s.start, s.end, s.label] for s in spans],
                "item_id": item.item_id,
                "Comments": [],
            }
        )
        objects.append(
            {
                "id": number,
                "text": item.text,
                "meta": {"item_id": item.item_id},
                "relations": [],
                "entities": [
                    {"id": i, "label": s.label, "start_offset": s.start, "end_offset": s.end}
                    for i, s in enumerate(spans)
                ],
            }
        )
    for name, lines in (("triples", triples), ("objects", objects)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
        parsed = get_format("doccano").parse(path, annotator="bob")
        assert sorted(parsed, key=lambda a: a.item_id) == as_annotations(done, "bob")
    with pytest.raises(QueueError, match="no annotator in the file: pass --annotator"):
        get_format("doccano").parse(tmp_path / "triples.jsonl")


# --- Prodigy: JSON schema from Prodigy's documented task format --------------------------------

# Prodigy's task format (prodi.gy/docs/api-interfaces "ner_manual", api-loaders "hashing"):
# "text", "spans" [{start, end, label, token_start?, token_end?}], "meta", and the integer
# "_input_hash"/"_task_hash" that set_hashes adds (signed 32-bit MurmurHash values).
INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
PRODIGY_SCHEMA = {
    "type": "object",
    "required": ["text", "spans", "meta", "_input_hash", "_task_hash"],
    "properties": {
        "text": {"type": "string"},
        "spans": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end", "label"],
                "properties": {
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 1},
                    "label": {"type": "string", "minLength": 1},
                },
            },
        },
        "meta": {"type": "object"},
        "_input_hash": INT32,
        "_task_hash": INT32,
    },
}


def test_prodigy_tasks_fit_the_schema_with_stable_hashes(batch, tmp_path):
    items, _, _ = batch
    fmt = get_format("prodigy")
    first = [json.loads(x) for x in fmt.export(items, tmp_path / "a.jsonl", LABELS).read_text().splitlines()]
    again = [json.loads(x) for x in fmt.export(items, tmp_path / "b.jsonl", LABELS).read_text().splitlines()]
    assert first == again  # the same batch, the same hashes
    for task in first:
        jsonschema.validate(task, PRODIGY_SCHEMA)
        assert (task["_input_hash"], task["_task_hash"]) == prodigy_hashes(task)
    assert len({t["_input_hash"] for t in first}) == len(items)
    changed = dict(first[0], spans=first[0]["spans"][1:])
    input_hash, task_hash = prodigy_hashes(changed)
    assert input_hash == first[0]["_input_hash"] and task_hash != first[0]["_task_hash"]
    # murmurhash of a known string: the function is MurmurHash3_x86_32, seed 0, signed
    from redaction.queues.formats import prodigy_hash

    assert prodigy_hash("hello") == 613153351


def test_prodigy_db_out_imports_accepted_answers_only(batch, tmp_path):
    items, _, _ = batch
    done = completed(items, seed=6)
    lines = []
    for task in get_format("prodigy").records(items, LABELS):
        spans = done[task["meta"]["item_id"]]
        task["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in spans]
        task.update(
            answer="accept", _annotator_id="ner_news-carol", _session_id="ner_news-carol", _timestamp=1
        )
        lines.append(task)
    lines[0]["answer"] = "ignore"
    path = tmp_path / "db-out.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    parsed = get_format("prodigy").parse(path)
    expected = [a for a in as_annotations(done, "ner_news-carol") if a.item_id != items[0].item_id]
    assert sorted(parsed, key=lambda a: a.item_id) == expected


# --- Parquet: pyarrow schema ---------------------------------------------------------------------


def test_parquet_export_has_the_declared_schema_and_imports(batch, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    items, _, _ = batch
    fmt = get_format("parquet")
    path = fmt.export(items, tmp_path / "batch.parquet", LABELS)
    table = pq.read_table(path)
    assert table.schema.equals(fmt.schema)
    assert table.column("item_id").to_pylist() == [i.item_id for i in items]
    assert fmt.item_ids(path) == [i.item_id for i in items]
    done = completed(items, seed=7)
    rows = [
        {
            "item_id": i,
            "annotator": "dave",
            "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in spans],
        }
        for i, spans in done.items()
    ]
    back = tmp_path / "done.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=fmt.annotation_schema), back)
    assert sorted(fmt.parse(back), key=lambda a: a.item_id) == as_annotations(done, "dave")


def test_imported_annotations_complete_the_items_in_the_store(batch, tmp_path):
    items, store, _ = batch
    done = completed(items, seed=8)
    result = store.save_annotations([*as_annotations(done, "alice"), Annotation("nope", "alice", ())])
    assert (result.saved, len(result.new), result.unknown) == (len(items), len(items), ("nope",))
    stats = store.stats()["annotation"]
    assert stats.done == len(items) and stats.annotators["alice"]["done"] == len(items)
    stored = {a.item_id: a for a in store.annotations("annotation")}
    assert stored[items[0].item_id].spans == tuple(done[items[0].item_id])


def test_exports_do_not_reveal_gold_items(batch, tmp_path):
    from redaction.queues import GoldItem

    items, _, _ = batch
    store = SQLiteQueueStore(tmp_path / "g.sqlite3")
    from redaction.routing import QueueSettings

    store.configure({"annotation": QueueSettings(gold_rate=0.5)})
    store.enqueue(items)
    store.add_gold("annotation", [GoldItem("Call Maria in Paris.", (Span(5, 10, "PERSON"),))])
    pulled = store.pull("annotation", "erin", 4)
    assert any(i.gold for i in pulled)
    for name in format_names():
        fmt = get_format(name)
        path = fmt.export(pulled, tmp_path / f"x{fmt.suffix}", LABELS)
        assert b"gold" not in path.read_bytes().lower()
