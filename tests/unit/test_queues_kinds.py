"""Task kinds per queue: the policy's settings, chat records redacted per message, items built
for classification, rating, preference and text queues, and every format that has a kind
exporting it (checked by the tool's own SDK or schema) and importing the tool's completed work
back into the store."""

from __future__ import annotations

import copy
import json
import random
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml

from redaction.errors import PolicyError
from redaction.io import discover_inputs, read_batches, rows_to_table
from redaction.pipeline import BatchRedactor
from redaction.policy import load_policy, policy_from_dict
from redaction.queues import QUEUE_COLUMN, Origin, SQLiteQueueStore, enqueue_rows
from redaction.queues.formats import (
    QueueError,
    argilla_settings_for,
    get_format,
    import_annotations,
    label_studio_config_for,
)
from redaction.routing import QueueSettings, Router
from tests.data.chat_data import INTENTS, generate_chats, generate_preferences

REPO = Path(__file__).resolve().parents[2]
CHAT_POLICY = REPO / "policies" / "chat-annotation.yaml"
KINDS = ("classification", "rating", "preference", "text")
# The queue each kind's items are enqueued in (one policy declares them all).
QUEUE_OF = {"classification": "intent", "rating": "helpful", "preference": "pairs", "text": "rewrite"}
FORMATS_OF = {
    "classification": ("argilla", "doccano", "label-studio", "parquet", "prodigy"),
    "rating": ("argilla", "label-studio", "parquet", "prodigy"),
    "preference": ("argilla", "label-studio", "parquet", "prodigy"),
    "text": ("argilla", "label-studio", "parquet"),
}


def chat_policy_data() -> dict:
    return yaml.safe_load(CHAT_POLICY.read_text(encoding="utf-8"))


def problems(routing_change) -> tuple[str, ...]:
    data = chat_policy_data()
    routing_change(data["routing"])
    with pytest.raises(PolicyError) as info:
        policy_from_dict(data, "p.yaml")
    return info.value.problems


# --- policy --------------------------------------------------------------------------------------


def test_the_chat_policy_declares_a_classification_and_a_preference_queue():
    policy = load_policy(CHAT_POLICY)
    intent, pairs = policy.routing.queues["intent"], policy.routing.queues["pairs"]
    assert intent.task == "classification" and intent.labels == INTENTS and not intent.multi
    assert intent.order == "uncertainty" and intent.prelabel == "none"  # confidences from queue train
    assert intent.instructions and pairs.instructions
    assert pairs.task == "preference" and pairs.responses_field == "responses"
    assert [r.match.has_field for r in policy.routing.rules] == ["responses", "messages"]


def test_task_settings_at_their_defaults_leave_a_policy_hash_as_it_was():
    policy = load_policy(REPO / "policies" / "default.yaml")
    data = yaml.safe_load((REPO / "policies" / "default.yaml").read_text(encoding="utf-8"))
    data["routing"]["queues"]["annotation"].update(task="spans", instructions="", multi=False)
    assert policy_from_dict(data, "d.yaml").content_hash() == policy.content_hash()
    data["routing"]["queues"]["annotation"]["instructions"] = "Mark every person."
    assert policy_from_dict(data, "d.yaml").content_hash() != policy.content_hash()


def test_task_settings_survive_the_store():
    settings = QueueSettings(
        task="rating",
        scale={"min": 0, "max": 10},
        instructions="How helpful?",
        auto_accept={"threshold": 0.9, "spot_check": 0.2},
        model={"min_annotations": 5, "kind": "sklearn"},
        order="random",
    )
    assert QueueSettings.model_validate_json(settings.model_dump_json()) == settings


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        (lambda r: r["queues"]["intent"].update(task="ranking"), "queues.intent.task", "'ranking'"),
        (lambda r: r["queues"]["intent"].pop("labels"), "queues.intent", "needs its labels"),
        (lambda r: r["queues"]["pairs"].update(labels=["a"]), "queues.pairs", "labels apply to spans"),
        (
            lambda r: r["queues"]["pairs"].update(multi=True),
            "queues.pairs",
            "multi applies to classification",
        ),
        (
            lambda r: r["queues"]["intent"].update(scale={"min": 1, "max": 5}),
            "queues.intent",
            "scale applies to rating",
        ),
        (
            lambda r: r["queues"]["intent"].update(task="rating", labels=None, scale={"min": 5, "max": 5}),
            "queues.intent.scale",
            "must be above min",
        ),
        (
            lambda r: r["queues"]["intent"].update(auto_accept={"threshold": 0}),
            "queues.intent.auto_accept.threshold",
            "greater than 0",
        ),
        (
            lambda r: r["queues"]["intent"].update(auto_accept={"threshold": 0.9, "spot_check": 1}),
            "queues.intent.auto_accept.spot_check",
            "less than 1",
        ),
        (
            lambda r: r["queues"]["intent"].update(model={"min_annotations": 1}),
            "queues.intent.model.min_annotations",
            "greater than or equal to 2",
        ),
        (
            lambda r: r["queues"]["intent"].update(model={"kind": "torch"}),
            "queues.intent.model.kind",
            "'torch'",
        ),
        (
            lambda r: r["queues"]["intent"].update(prelabel="spacy"),
            "queues.intent",
            "pre-labels entity spans",
        ),
        (
            lambda r: r["queues"].update(spans={"order": "diversity"}),
            "queues.spans",
            "'diversity' applies to classification",
        ),
        (
            lambda r: r["queues"].update(spans={"order": "uncertainty"}),
            "queues.spans",
            "needs a pre-labeller",
        ),
        (
            lambda r: r["queues"]["pairs"].update(task="text", auto_accept={"threshold": 0.9}),
            "queues.pairs",
            "task 'text' has no model",
        ),
    ],
)
def test_a_bad_task_setting_is_one_line_naming_its_key_path(change, where, expected):
    found = problems(change)
    assert any(p.startswith(f"p.yaml: routing.{where}") and expected in p for p in found), found
    assert all("\n" not in p for p in found)


# --- redacting and building items from chat records -----------------------------------------------


def kinds_policy():
    """The chat policy with one queue per non-span kind."""
    data = chat_policy_data()
    queues = data["routing"]["queues"]
    queues["helpful"] = {"task": "rating", "scale": {"min": 1, "max": 5}, "instructions": "How helpful?"}
    queues["rewrite"] = {"task": "text", "instructions": "Write the agent's best reply."}
    return policy_from_dict(data, "kinds.yaml")


def redact(policy, folder: Path, records: list[dict]):
    """Redact records with the real pipeline stage and route them; (rows, redactions, source)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (source,) = discover_inputs([path])
    redactor = BatchRedactor(policy, folder / "out")
    router = Router(policy.routing, policy)
    rows, done = [], []
    for batch in read_batches(source, 64, policy.fields.id):
        result = redactor.redact(batch)
        for row, redacted in zip(result.rows, result.redacted, strict=True):
            row[QUEUE_COLUMN] = router.route(row, redacted.redactions, source.path).queue
        # as the pipeline enqueues them: read back from the Parquet file it wrote
        rows += rows_to_table(result.rows).to_pylist()
        done += result.redacted
    return rows, done, source


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Chats and preference records redacted and enqueued: every chat in the classification,
    rating and text queues, every preference record in the preference queue."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRUBLINE_HOME", str(tmp_path_factory.mktemp("home")))
        policy = kinds_policy()
        chats, intents = generate_chats(12, seed=5)
        chats[0]["note"] = "Escalated by Margaret Whitfield, margaret.whitfield@example.org"
        pairs, better = generate_preferences(8, seed=9)
        folder = tmp_path_factory.mktemp("data")
        chat_rows, chat_done, chat_source = redact(policy, folder / "chats", chats)
        pair_rows, _, pair_source = redact(policy, folder / "pairs", pairs)
        store = SQLiteQueueStore(folder / "q.sqlite3")
        for queue in ("intent", "helpful", "rewrite"):
            rows = [{**row, QUEUE_COLUMN: queue} for row in chat_rows]
            enqueue_rows(
                store, rows, id_field="id", source_id=chat_source.source_id, batch_key=f"c-{queue}",
                policy=policy, item_key=lambda rid, q=queue: f"{q}-{rid}",
            )  # fmt: skip
        enqueue_rows(
            store, pair_rows, id_field="id", source_id=pair_source.source_id, batch_key="p", policy=policy
        )
        yield {
            "policy": policy,
            "store": store,
            "chats": chats,
            "intents": intents,
            "better": better,
            "chat_rows": chat_rows,
            "chat_done": chat_done,
            "pair_rows": pair_rows,
            "pairs": pairs,
        }


def test_chat_messages_are_redacted_each_as_its_own_text_and_roles_are_kept(world):
    for record, row, done in zip(world["chats"], world["chat_rows"], world["chat_done"], strict=True):
        assert [m["role"] for m in row["messages"]] == [m["role"] for m in record["messages"]]
        assert len(row["messages"]) == len(record["messages"])
        paths = {path for path, _ in done.redactions}
        # every redaction sits in one message's content (or another field), never across messages
        assert all(p.startswith("messages[") and p.endswith("].content") or p == "note" for p in paths)
        for before, after in zip(record["messages"], row["messages"], strict=True):
            for email in [w for w in before["content"].replace(",", " ").split() if "@" in w]:
                assert email.rstrip(".") not in after["content"]
    # a field the policy does not mention is scanned too
    first = world["chat_rows"][0]
    assert "margaret.whitfield@example.org" not in first["note"] and "<EMAIL_ADDRESS>" in first["note"]
    assert any(path == "note" for path, _ in world["chat_done"][0].redactions)
    # the bundled samples' contents were redacted message by message
    assert any("<EMAIL_ADDRESS>" in m["content"] for row in world["chat_rows"] for m in row["messages"])


def test_non_span_items_carry_the_conversation_and_a_plain_rendering(world):
    store = world["store"]
    for kind in ("classification", "rating", "text"):
        items = store.held(QUEUE_OF[kind], 100) or store.pull(QUEUE_OF[kind], "reader", 100)
        assert len(items) == len(world["chats"])
        for item in items:
            row = next(r for r in world["chat_rows"] if r["id"] == item.record_id)
            assert item.task == kind
            assert item.content == {
                "messages": [{"role": m["role"], "content": m["content"]} for m in row["messages"]]
            }
            assert item.text == "\n".join(f"{m['role']}: {m['content']}" for m in row["messages"])
            assert not item.predictions and item.confidence is None and item.suggestion is None
            for field, message in zip(item.fields, row["messages"], strict=True):
                assert item.text[field.start : field.end] == message["content"]
        store.nack("reader", [i.item_id for i in items])


def test_preference_items_have_the_prompt_and_every_response(world):
    items = world["store"].pull("pairs", "reader", 100)
    assert len(items) == len(world["pairs"])
    for item in items:
        row = next(r for r in world["pair_rows"] if r["id"] == item.record_id)
        assert item.task == "preference"
        assert item.content["responses"] == row["responses"] and len(row["responses"]) == 2
        if row.get("prompt") is not None:
            assert item.content["prompt"] == row["prompt"] and item.text.startswith(
                "[prompt]\n" + row["prompt"]
            )
        else:  # the chat so far is the prompt
            assert item.content["prompt"] == row["messages"]
        assert "[response 1]\n" + row["responses"][0] in item.text
        assert "[response 2]\n" + row["responses"][1] in item.text
    world["store"].nack("reader", [i.item_id for i in items])


def test_a_preference_record_without_two_responses_is_refused_by_its_id(world, tmp_path):
    policy = world["policy"]
    rows, _, source = redact(policy, tmp_path, [{"id": "P-1", "prompt": "Which?", "responses": ["only one"]}])
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    with pytest.raises(QueueError, match=r"record P-1 \(queue 'pairs', task preference\): .*two or more"):
        enqueue_rows(store, rows, id_field="id", source_id=source.source_id, batch_key="b", policy=policy)


# --- formats: export (validated by the tool's SDK or schema), import back -------------------------


def truth(world, kind: str, item, rng: random.Random) -> dict:
    """The answer a careful annotator gives, from what the generator knows."""
    if kind == "classification":
        return {"labels": [world["intents"][item.record_id]]}
    if kind == "rating":
        return {"rating": rng.randint(1, 5)}
    if kind == "preference":
        best = world["better"][item.record_id]
        return {"ranking": [best, 1 - best]}
    return {"text": "Thanks for reaching out. " + str(rng.randint(1, 99))}


def suggest(world, kind: str, items) -> None:
    """A model's answers on half the items (what `queue train` will set)."""
    rng = random.Random(len(kind))
    chosen = {
        i.item_id: (truth(world, kind, i, rng), 0.5 + rng.random() / 2, "test-model@1") for i in items[::2]
    }
    assert world["store"].set_suggestions(QUEUE_OF[kind], chosen) == len(chosen)


@pytest.fixture(scope="module")
def leased(world):
    """Per kind: the queue's settings and its items leased to alice, half with a suggestion."""
    store = world["store"]
    out = {}
    for kind in KINDS:
        queue = QUEUE_OF[kind]
        items = store.pull(queue, "alice", 100)
        suggest(world, kind, items)
        out[kind] = (store.settings()[queue], store.items([i.item_id for i in items]))
    return out


def argilla_client():
    import argilla as rg
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/me":
            now = "2024-01-01T00:00:00"
            user = {"id": str(uuid.uuid4()), "username": "offline", "role": "owner", "first_name": "o"}
            return httpx.Response(200, json={**user, "inserted_at": now, "updated_at": now})
        return httpx.Response(503, json={"detail": "offline test client"})

    return rg.Argilla(
        api_url="http://argilla.invalid", api_key="offline", mounts={"all://": httpx.MockTransport(answer)}
    )


def label_studio_result(kind: str, settings, answer: dict) -> list[dict]:
    if kind == "classification":
        return [
            {
                "from_name": "label",
                "to_name": "dialogue",
                "type": "choices",
                "value": {"choices": answer["labels"]},
            }
        ]
    if kind == "rating":
        return [
            {
                "from_name": "rating",
                "to_name": "dialogue",
                "type": "rating",
                "value": {"rating": answer["rating"]},
            }
        ]
    if kind == "preference":
        side = "left" if answer["ranking"][0] == 0 else "right"
        return [
            {
                "from_name": "preference",
                "to_name": "preference",
                "type": "pairwise",
                "value": {"selected": side},
            }
        ]
    return [
        {
            "from_name": "answer",
            "to_name": "dialogue",
            "type": "textarea",
            "value": {"text": [answer["text"]]},
        }
    ]


def assert_pairwise(interface, result: list[dict]) -> None:
    """A `<Pairwise>` region is what the SDK's own PairwiseTag.label() makes (from_name and
    to_name both the control, as the editor writes it). The SDK's validate_prediction looks
    for to_name among the objects, which refuses the regions its own tag makes, so the value is
    checked by the tag and the region against the tag's."""
    (region,) = result
    control = interface.get_control("preference")
    assert control.validate_value(region["value"])
    made = control.label(region["value"]["selected"])._dict()
    assert {k: v for k, v in region.items() if k != "id"} == {k: v for k, v in made.items() if k != "id"}


def completed_export(fmt: str, kind: str, settings, items, answers: dict, tmp_path: Path) -> Path:
    """The tool's own export of completed work, as the tool writes it, each record checked by the
    tool's SDK where one installs."""
    records = get_format(fmt).records(items, settings.labels, settings)
    path = tmp_path / f"{fmt}-{kind}-done"
    if fmt == "label-studio":
        from label_studio_sdk.label_interface import LabelInterface

        interface = LabelInterface(label_studio_config_for(settings, []))
        for number, (item, task) in enumerate(zip(items, records, strict=True), 1):
            note = {
                "id": number,
                "completed_by": 7,
                "result": label_studio_result(kind, settings, answers[item.item_id]),
            }
            if kind == "preference":
                assert_pairwise(interface, note["result"])
            else:
                assert interface.validate_annotation(note), note
            task.update(id=number, annotations=[note])
        path.write_text(json.dumps(records))
        return path
    if fmt == "argilla":
        import argilla as rg

        user = str(uuid.uuid4())
        lines = []
        question = {"classification": "label", "rating": "rating", "preference": "ranking", "text": "answer"}[
            kind
        ]
        for item, data in zip(items, records, strict=True):
            answer = answers[item.item_id]
            value = {
                "classification": lambda a: a["labels"][0],
                "rating": lambda a: a["rating"],
                "preference": lambda a: [f"response_{i}" for i in a["ranking"]],
                "text": lambda a: a["text"],
            }[kind](answer)
            data["responses"] = {question: [{"value": value, "user_id": user, "status": "submitted"}]}
            data["status"] = "completed"
            rg.Record.from_dict(data)  # the SDK reads it back
            lines.append(json.dumps(data))
        path.write_text("\n".join(lines) + "\n")
        return path
    if fmt == "doccano":
        for item, line in zip(items, records, strict=True):
            line["label"] = answers[item.item_id]["labels"]
            line["annotator"] = "alice"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        return path
    if fmt == "prodigy":
        for item, task in zip(items, records, strict=True):
            answer = answers[item.item_id]
            task["accept"] = (
                answer["labels"] if kind == "classification" else
                [answer["rating"]] if kind == "rating" else [answer["ranking"][0]]
            )  # fmt: skip
            task["answer"] = "accept"
            task["_annotator_id"] = "kinds-alice"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    fmt_ = get_format("parquet")
    rows = [
        {"item_id": i.item_id, "annotator": "alice", "spans": [], "answer": json.dumps(answers[i.item_id])}
        for i in items
    ]
    path = path.with_suffix(".parquet")
    pq.write_table(pa.Table.from_pylist(rows, schema=fmt_.annotation_schema), path)
    return path


def check_export(fmt: str, kind: str, settings, items, tmp_path: Path) -> None:
    """The export, validated by the tool's SDK or a schema from its documentation."""
    exported = get_format(fmt).export(items, tmp_path / f"{fmt}-{kind}.out", settings.labels, settings)
    if fmt == "label-studio":
        from label_studio_sdk.label_interface import LabelInterface

        interface = LabelInterface(label_studio_config_for(settings, []))
        tasks = json.loads(exported.read_text())
        assert len(tasks) == len(items)
        for item, task in zip(items, tasks, strict=True):
            assert interface.validate_task({"data": task["data"]})
            assert task["data"]["item_id"] == item.item_id
            if kind != "preference":
                assert task["data"]["messages"] == item.content["messages"]
            if item.suggestion is None:
                assert "predictions" not in task
                continue
            (prediction,) = task["predictions"]
            assert prediction["model_version"] == "test-model@1"
            if kind == "preference":
                assert_pairwise(interface, prediction["result"])
            else:
                assert interface.validate_prediction(prediction, return_errors=True) == []
        if kind == "classification":  # not a rubber stamp: a label outside the config fails
            broken = next(t["predictions"][0] for t in tasks if "predictions" in t)
            broken["result"][0]["value"]["choices"] = ["NOT_A_LABEL"]
            assert interface.validate_prediction(broken, return_errors=True)
    elif fmt == "argilla":
        import argilla as rg

        client = argilla_client()
        dataset = rg.Dataset(
            name=f"t-{kind}", settings=argilla_settings_for(settings, [], client=client), client=client
        )
        lines = [json.loads(x) for x in exported.read_text().splitlines()]
        for item, data in zip(items, lines, strict=True):
            record = rg.Record.from_dict(data, dataset=dataset)
            model = record.api_model()
            if kind == "preference":
                assert model.fields["response_0"] == item.content["responses"][0]
            else:
                assert [m.model_dump() for m in model.fields["messages"]] == item.content["messages"]
            assert len(model.suggestions) == (item.suggestion is not None)
    elif fmt == "doccano":
        schema = {
            "type": "object",
            "required": ["text", "label"],
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "label": {"type": "array", "items": {"type": "string", "minLength": 1}},
            },
        }
        for line in exported.read_text().splitlines():
            jsonschema.validate(json.loads(line), schema)
    elif fmt == "prodigy":
        # Prodigy's choice interface (prodi.gy/docs/api-interfaces#choice): text, options
        # [{id, text}], accept (the selected ids), config.choice_style, and the hashes.
        int32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
        schema = {
            "type": "object",
            "required": ["text", "options", "accept", "meta", "_input_hash", "_task_hash"],
            "properties": {
                "text": {"type": "string"},
                "options": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"type": "object", "required": ["id", "text"]},
                },
                "accept": {"type": "array"},
                "config": {
                    "type": "object",
                    "properties": {"choice_style": {"enum": ["single", "multiple"]}},
                },
                "_input_hash": int32,
                "_task_hash": int32,
            },
        }
        lines = [json.loads(x) for x in exported.read_text().splitlines()]
        for item, line in zip(items, lines, strict=True):
            jsonschema.validate(line, schema)
            ids = {o["id"] for o in line["options"]}
            assert set(line["accept"]) <= ids
            assert line["accept"] or item.suggestion is None
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(exported)
        assert table.schema.equals(get_format("parquet").schema)
        for item, row in zip(items, table.to_pylist(), strict=True):
            assert row["task"] == kind and json.loads(row["content"]) == item.content
            assert (row["suggestion"] is None) == (item.suggestion is None)


@pytest.mark.parametrize(("kind", "fmt"), [(k, f) for k in KINDS for f in FORMATS_OF[k]])
def test_each_kind_exports_validated_and_imports_back(world, leased, kind, fmt, tmp_path):
    settings, items = leased[kind]
    check_export(fmt, kind, settings, items, tmp_path)
    rng = random.Random(f"{kind}-{fmt}")
    answers = {item.item_id: truth(world, kind, item, rng) for item in items}
    path = completed_export(fmt, kind, settings, items, answers, tmp_path)
    annotator = f"{fmt}-annotator"
    report = import_annotations(world["store"], fmt, path, annotator=annotator)
    assert report.saved == len(items) and not report.unknown
    stored = {a.item_id: a for a in world["store"].annotations(QUEUE_OF[kind]) if a.annotator == annotator}
    assert {i: a.answer for i, a in stored.items()} == answers
    assert all(a.origin == Origin.HUMAN and a.spans == () for a in stored.values())
    again = import_annotations(world["store"], fmt, path, annotator=annotator)  # the same file again
    assert again.unchanged == len(items) and again.new == 0


@pytest.mark.parametrize(
    ("kind", "fmt"), [(k, f) for k in KINDS for f in ("doccano", "prodigy") if f not in FORMATS_OF[k]]
)
def test_a_kind_a_format_lacks_is_refused_naming_the_formats_that_have_it(leased, kind, fmt, tmp_path):
    settings, items = leased[kind]
    with pytest.raises(QueueError) as info:
        get_format(fmt).export(items, tmp_path / "x", settings.labels, settings)
    (line,) = str(info.value).splitlines()
    assert line == f"format '{fmt}' has no {kind} task ({kind} exports to: {', '.join(FORMATS_OF[kind])})"


def test_an_answer_that_does_not_fit_the_queue_is_refused_and_nothing_is_stored(world, leased, tmp_path):
    settings, items = leased["classification"]
    rows = [
        {
            "item_id": i.item_id,
            "annotator": "mallory",
            "spans": [],
            "answer": json.dumps({"labels": ["billing"]}),
        }
        for i in items
    ]
    rows[-1]["answer"] = json.dumps({"labels": ["refunds"]})
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=get_format("parquet").annotation_schema), path)
    with pytest.raises(
        QueueError, match=r"bad.parquet: row \d+ \(item [\w-]+\): 1 label\(s\) not of queue 'intent'"
    ):
        import_annotations(world["store"], "parquet", path)
    assert not [a for a in world["store"].annotations("intent") if a.annotator == "mallory"]
    two = copy.deepcopy(rows[:1])
    two[0]["answer"] = json.dumps({"labels": ["billing", "shipping"]})
    pq.write_table(pa.Table.from_pylist(two, schema=get_format("parquet").annotation_schema), path)
    with pytest.raises(QueueError, match="takes one"):
        import_annotations(world["store"], "parquet", path)


def test_label_studio_configs_per_kind_parse_with_the_sdk():
    from label_studio_sdk.label_interface import LabelInterface

    multi = QueueSettings(
        task="classification", labels=["a", "b"], multi=True, instructions="Pick <all> that fit"
    )
    config = label_studio_config_for(multi, [])
    assert 'choice="multiple"' in config and 'nameKey="role" textKey="content"' in config
    assert "Pick &lt;all&gt; that fit" in config
    LabelInterface(config)
    wide = QueueSettings(task="rating", scale={"min": 0, "max": 20})
    interface = LabelInterface(label_studio_config_for(wide, []))
    assert interface.get_control("rating").tag == "Choices"
    ranked = LabelInterface(label_studio_config_for(QueueSettings(task="preference"), [], responses=3))
    assert ranked.get_control("ranking").tag == "Ranker"
    spans = QueueSettings()
    assert "<Labels" in label_studio_config_for(spans, ["REDACTED:PERSON"])


def test_rules_route_by_the_records_shape():
    policy = load_policy(CHAT_POLICY)
    router = Router(policy.routing, policy)
    chat = {"id": "c", "messages": [{"role": "user", "content": "hi"}]}
    pair = {"id": "p", "prompt": "q", "responses": ["a", "b"]}
    assert router.route(chat, [], "x").queue == "intent"
    assert router.route(pair, [], "x").rule == "preference-pairs"
    assert router.route({"id": "e", "messages": [], "responses": []}, [], "x").rule == "default"
    assert router.counts == {"intent": 2, "pairs": 1}


def test_random_order_is_a_stable_shuffle(tmp_path):
    from redaction.queues import NewItem

    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    store.configure({"shuffled": QueueSettings(order="random")})
    ids = [f"item-{n:03d}" for n in range(40)]
    store.enqueue(NewItem(i, "shuffled", f"text {i}", {}, i) for i in ids)
    served = [item.item_id for item in store.pull("shuffled", "alice", 40)]
    assert sorted(served) == ids and served != ids
    again = SQLiteQueueStore(tmp_path / "r.sqlite3")
    again.configure({"shuffled": QueueSettings(order="random")})
    again.enqueue(NewItem(i, "shuffled", f"text {i}", {}, i) for i in reversed(ids))
    assert [item.item_id for item in again.pull("shuffled", "bob", 40)] == served
