"""The Label Studio round trip with a real queue store: tasks out (checked with label-studio-sdk's
LabelInterface), the project's JSON export back in as Label Studio writes it, and its JSON-MIN
export made from that by the SDK's own converter. Work is credited to the Scrubline annotators
who leased the items, skipped tasks go back to the queue, re-imports say what changed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from redaction.queues import Span, SQLiteQueueStore
from redaction.queues.base import AssignmentState
from redaction.queues.formats import (
    ENTITY_CONTROL,
    LABEL_STUDIO_HOTKEYS,
    PLACEHOLDER_CONTROL,
    QueueError,
    get_format,
    import_annotations,
    label_studio_config,
    user_mapping,
)
from redaction.routing import QueueSettings
from tests.data.queue_data import plain_items

LABELS = ["PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME"]
MARKS = ["REDACTED:EMAIL_ADDRESS", "REDACTED:LOCATION", "REDACTED:PERSON"]
LS = get_format("label-studio")


def make_store(tmp_path, overlap: int, n: int = 4, name: str = "q.sqlite3") -> SQLiteQueueStore:
    store = SQLiteQueueStore(tmp_path / name)
    store.configure({"annotation": QueueSettings(overlap=overlap, labels=tuple(LABELS))}, MARKS)
    store.enqueue(plain_items(n))
    return store


def work_of(item, user: int) -> list[Span]:
    """What Label Studio user `user` labels in a plain item: the word "invoice", and "Ticket"
    for user 2 only (so two annotators' work differs)."""
    start = item.text.index("invoice")
    spans = [Span(start, start + len("invoice"), "ORGANIZATION")]
    if user == 2:
        spans.insert(0, Span(0, len("Ticket"), "DATE_TIME"))
    return spans


def ls_annotation(task, number: int, user, spans, *, skipped: bool = False) -> dict:
    """An annotation as Label Studio exports it: the annotator's regions plus the prediction's
    regions it started from (the read-only placeholders come along, locked)."""
    text = task["data"]["text"]
    result = (
        []
        if skipped
        else [
            {
                "id": f"u{number}r{i}",
                "from_name": ENTITY_CONTROL,
                "to_name": "text",
                "type": "labels",
                "origin": "manual",
                "value": {"start": s.start, "end": s.end, "text": text[s.start : s.end], "labels": [s.label]},
            }
            for i, s in enumerate(spans)
        ]
        + [
            {**region, "origin": "prediction"}
            for region in task["predictions"][0]["result"]
            if region["from_name"] == PLACEHOLDER_CONTROL
        ]
    )
    return {
        "id": number,
        "completed_by": user,
        "result": result,
        "was_cancelled": skipped,
        "ground_truth": False,
        "created_at": f"2025-05-01T10:{number:02d}:00.000000Z",
        "updated_at": f"2025-05-01T10:{number:02d}:00.000000Z",
        "lead_time": 12.5,
        "task": task["id"],
        "project": 1,
        "prediction": {},
        "result_count": len(result),
        "parent_prediction": None,
        "parent_annotation": None,
        "last_action": None,
        "draft_created_at": None,
        "import_id": None,
        "updated_by": user if isinstance(user, int) else None,
    }


def ls_export(items, annotations) -> list[dict]:
    """The project's JSON export: our tasks with the ids Label Studio gave them and the
    annotations `annotations(item, task)` returns."""
    tasks = LS.records(items, LABELS)
    for number, (item, task) in enumerate(zip(items, tasks, strict=True), 1):
        task.update(id=number, inner_id=number, project=1, total_annotations=0, cancelled_annotations=0)
        task["annotations"] = annotations(item, task)
        task["predictions"][0].update(id=100 + number, task=number, project=1)
    return tasks


def write(path, tasks) -> str:
    path.write_text(json.dumps(tasks, indent=2))
    return str(path)


def json_min(tmp_path, export_path: str) -> str:
    """The JSON-MIN export of the same tasks, made by label-studio-sdk's converter."""
    from label_studio_sdk.converter import Converter

    converter = Converter(config=label_studio_config(LABELS, MARKS), project_dir=None)
    converter.convert_to_json_min(export_path, str(tmp_path / "min"), is_dir=False)
    return str(tmp_path / "min" / "result.json")


def annotations_of(store) -> dict[tuple[str, str], tuple[Span, ...]]:
    return {(a.item_id, a.annotator): a.spans for a in store.annotations("annotation")}


@pytest.fixture
def two_annotators(tmp_path):
    """Overlap 2: alice and bob pulled the same four items. In Label Studio, user 1 annotated all
    four and user 2 three of them, skipping the last."""
    store = make_store(tmp_path, overlap=2)
    items = store.pull("annotation", "alice", 4)
    assert [i.item_id for i in store.pull("annotation", "bob", 4)] == [i.item_id for i in items]

    def annotate(item, task):
        number = task["id"] * 10
        skipped = item is items[-1]
        return [
            ls_annotation(task, number + 1, 1, work_of(item, 1)),
            ls_annotation(task, number + 2, 2, work_of(item, 2), skipped=skipped),
        ]

    tasks = ls_export(items, annotate)
    return store, items, write(tmp_path / "project-1-at-2025-05-01.json", tasks), tasks


def test_the_export_is_what_label_studio_accepts(two_annotators):
    from label_studio_sdk.label_interface import LabelInterface

    _, _, _, tasks = two_annotators
    interface = LabelInterface(label_studio_config(LABELS, MARKS))
    for task in tasks:
        for annotation in task["annotations"]:
            assert interface.validate_annotation(annotation)


def test_mapped_users_are_credited_and_the_skip_goes_back_for_its_annotator(two_annotators):
    store, items, path, _ = two_annotators
    report = import_annotations(store, LS, path, users=user_mapping(["1=alice", "2=bob"]))
    ids = [i.item_id for i in items]
    assert (report.kind, report.saved, report.new, report.replaced, report.unchanged) == ("JSON", 7, 7, 0, 0)
    assert report.annotators["alice"].saved == ids and report.annotators["alice"].nacked == []
    assert report.annotators["bob"].saved == ids[:3] and report.annotators["bob"].nacked == ids[3:]
    assert report.warnings == [] and report.unknown == []
    stored = annotations_of(store)
    assert stored == {
        **{(i.item_id, "alice"): tuple(work_of(i, 1)) for i in items},
        **{(i.item_id, "bob"): tuple(work_of(i, 2)) for i in items[:3]},
    }
    given = store.assignments(ids)
    assert given[ids[3]] == {"alice": AssignmentState.DONE, "bob": AssignmentState.NACKED}
    stats = store.stats()["annotation"]
    assert (stats.done, stats.pending, stats.leased) == (3, 1, 0)  # the skipped item waits for another
    assert [i.item_id for i in store.pull("annotation", "carol", 5)] == ids[3:]
    assert report.summary() == [
        f"7 annotations imported from {path} (label-studio JSON): 7 new, 0 replaced earlier ones,"
        " 0 identical",
        "4 annotations credited to alice",
        "3 annotations credited to bob",
        "1 skipped task returned (nacked) for bob",
    ]


def test_json_min_of_the_same_export_imports_the_same_annotations(two_annotators, tmp_path):
    store, items, path, _ = two_annotators
    minimal = json_min(tmp_path, path)
    records = json.loads(open(minimal).read())
    assert {r["annotator"] for r in records} == {1, 2} and "annotations" not in records[0]
    assert len(records) == 7  # the skipped annotation is not in JSON-MIN at all
    other = make_store(tmp_path, overlap=2, name="other.sqlite3")
    other.pull("annotation", "alice", 4)
    other.pull("annotation", "bob", 4)
    report = import_annotations(other, LS, minimal, users={"1": "alice", "2": "bob"})
    assert (report.kind, report.saved, report.nacked) == ("JSON-MIN", 7, 0)
    assert len(report.warnings) == 1
    assert "JSON-MIN leaves skipped tasks out" in report.warnings[0] and '"JSON" export' in report.warnings[0]
    import_annotations(store, LS, path, users={"1": "alice", "2": "bob"})
    assert annotations_of(other) == annotations_of(store)
    assert other.assignments([items[3].item_id])[items[3].item_id]["bob"] == AssignmentState.LEASED


def test_users_are_mapped_by_email_in_both_exports(tmp_path):
    store = make_store(tmp_path, overlap=1, n=2)
    items = store.pull("annotation", "alice", 2)
    person = {"id": 5, "email": "ann@example.org", "first_name": "Ann", "last_name": "Smith"}
    tasks = ls_export(items, lambda item, task: [ls_annotation(task, task["id"], person, work_of(item, 1))])
    path = write(tmp_path / "export.json", tasks)
    for file in (path, json_min(tmp_path, path)):
        report = import_annotations(store, LS, file, users={"ann@example.org": "alice"})
        assert report.annotators["alice"].saved == [i.item_id for i in items] and report.replaced == 0
    report = import_annotations(store, LS, path, users={"5": "alice"})  # or by the numeric id
    assert report.unchanged == 2


def test_with_overlap_one_each_item_goes_to_its_only_leaseholder(tmp_path):
    store = make_store(tmp_path, overlap=1)
    alice = store.pull("annotation", "alice", 2)
    bob = store.pull("annotation", "bob", 2)
    items = alice + bob
    tasks = ls_export(items, lambda item, task: [ls_annotation(task, task["id"], 1, work_of(item, 1))])
    report = import_annotations(store, LS, write(tmp_path / "export.json", tasks))
    assert report.annotators["alice"].new == [i.item_id for i in alice]
    assert report.annotators["bob"].new == [i.item_id for i in bob]
    assert report.warnings == []
    assert set(annotations_of(store)) == {(i.item_id, "alice") for i in alice} | {
        (i.item_id, "bob") for i in bob
    }
    assert store.stats()["annotation"].done == 4


def test_an_item_held_by_two_annotators_needs_a_mapping(two_annotators):
    store, items, path, _ = two_annotators
    with pytest.raises(QueueError) as caught:
        import_annotations(store, LS, path)
    message = str(caught.value)
    assert message.startswith(
        f"{path}: nothing imported: Label Studio user 1: item {items[0].item_id} is held by alice (leased),"
        " bob (leased) (and 3 more items): map the user with --user 1=NAME; Label Studio user 2: "
    )
    assert "\n" not in message
    assert annotations_of(store) == {} and store.stats()["annotation"].leased == 8  # nothing changed


def test_two_users_credited_to_one_annotator_is_refused(two_annotators):
    store, items, path, _ = two_annotators
    with pytest.raises(QueueError, match=r"2 annotations credited to alice \(Label Studio users 1, 2\)"):
        import_annotations(store, LS, path, users={"1": "alice", "2": "alice"})
    with pytest.raises(QueueError, match="one --annotator for an item several people annotated"):
        import_annotations(store, LS, path, annotator="alice")
    assert annotations_of(store) == {}


def test_a_mapping_to_someone_without_the_item_warns(tmp_path):
    store = make_store(tmp_path, overlap=1, n=1)
    (item,) = store.pull("annotation", "alice", 1)
    tasks = ls_export([item], lambda item, task: [ls_annotation(task, 1, 1, work_of(item, 1))])
    report = import_annotations(
        store, LS, write(tmp_path / "e.json", tasks), users={"1": "carol", "9": "dave"}
    )
    assert report.annotators["carol"].new == [item.item_id]
    assert report.warnings == [
        f"item {item.item_id}: --user 1=carol, but carol holds no lease on it (credited anyway)",
        f"--user 9=dave: Label Studio user 9 has nothing in {tmp_path / 'e.json'}",
    ]


def test_a_reimport_reports_identical_and_a_changed_one_replaced(two_annotators, tmp_path):
    store, items, path, tasks = two_annotators
    users = {"1": "alice", "2": "bob"}
    import_annotations(store, LS, path, users=users)
    again = import_annotations(store, LS, path, users=users)
    assert (again.saved, again.new, again.replaced, again.unchanged, again.nacked) == (7, 0, 0, 7, 0)
    assert again.warnings == []  # the skip was returned the first time
    assert again.summary()[0].endswith("0 new, 0 replaced earlier ones, 7 identical")
    # In Label Studio, user 1 corrects the first item: the label of the one region changes.
    tasks[0]["annotations"][0]["result"][0]["value"]["labels"] = ["LOCATION"]
    changed = import_annotations(store, LS, write(tmp_path / "corrected.json", tasks), users=users)
    assert (changed.replaced, changed.unchanged) == (1, 6)
    assert changed.annotators["alice"].replaced == [items[0].item_id]
    assert annotations_of(store)[(items[0].item_id, "alice")][0].label == "LOCATION"
    # Without a mapping, finished work comes back to the one who finished it (overlap 1).
    single = make_store(tmp_path, overlap=1, n=1, name="single.sqlite3")
    (item,) = single.pull("annotation", "alice", 1)
    one = write(
        tmp_path / "one.json", ls_export([item], lambda i, t: [ls_annotation(t, 1, 1, work_of(i, 1))])
    )
    assert import_annotations(single, LS, one).new == 1
    assert import_annotations(single, LS, one).annotators["alice"].unchanged == [item.item_id]


def test_a_placeholder_label_put_on_a_word_is_dropped_with_a_warning(tmp_path):
    store = make_store(tmp_path, overlap=1, n=1)
    (item,) = store.pull("annotation", "alice", 1)
    tasks = ls_export([item], lambda item, task: [ls_annotation(task, 1, 1, work_of(item, 1))])
    result = tasks[0]["annotations"][0]["result"]
    result.append(
        {
            "id": "stray",
            "from_name": PLACEHOLDER_CONTROL,
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 6, "text": "Ticket", "labels": ["REDACTED:PERSON"]},
        }
    )
    report = import_annotations(store, LS, write(tmp_path / "e.json", tasks))
    assert report.warnings == [
        f"item {item.item_id} (alice): 1 placeholder label on text that is not a redaction placeholder, "
        "left out"
    ]
    assert annotations_of(store)[(item.item_id, "alice")] == tuple(work_of(item, 1))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("project.csv", "text,item_id,queue,label,annotator\nHello,i1,annotation,[],1\n"),
        ("project.tsv", "text\titem_id\nHello\ti1\n"),
        ("project.conll", "-DOCSTART- -X- O\nHello -X- _ O\n"),
        ("doccano.jsonl", '{"text": "Hello", "label": [], "item_id": "i1"}\n'),
        ("other.json", '[{"text": "Hello", "item_id": "i1"}]'),
    ],
)
def test_any_other_export_is_refused_with_the_exports_to_use(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(QueueError) as caught:
        LS.read(path)
    assert str(caught.value) == (
        f'{path}: not a Label Studio JSON or JSON-MIN export: export the project as "JSON" or "JSON-MIN"'
    )


def test_user_mapping_takes_id_or_email_and_refuses_a_bad_pair():
    assert user_mapping(["1=alice", " ann@example.org = bob "]) == {"1": "alice", "ann@example.org": "bob"}
    with pytest.raises(QueueError, match="expected TOOL_USER=NAME"):
        user_mapping(["alice"])
    with pytest.raises(QueueError, match=r"user 1 is mapped twice \(alice, bob\)"):
        user_mapping(["1=alice", "1=bob"])


# --- the labeling config: placeholders are read-only regions, not labels to apply -------------


def test_placeholders_are_locked_regions_of_a_hidden_control_and_the_palette_keeps_its_keys():
    from label_studio_sdk.label_interface import LabelInterface

    config = label_studio_config(LABELS, MARKS)
    interface = LabelInterface(config)
    interface.validate()
    assert interface.get_control(ENTITY_CONTROL).labels == LABELS
    assert interface.get_control(PLACEHOLDER_CONTROL).labels == MARKS

    root = ET.fromstring(config)
    # The palette: the entity labels, each with the key Label Studio would give it, in order.
    (palette,) = [e for e in root if e.tag == "Labels"]
    assert palette.get("name") == ENTITY_CONTROL
    assert [(e.get("value"), e.get("hotkey")) for e in palette] == list(
        zip(LABELS, LABEL_STUDIO_HOTKEYS, strict=False)
    )
    # The placeholder labels exist only inside a hidden view: no button, no key of the palette's.
    (hidden,) = [e for e in root if e.tag == "View"]
    assert hidden.get("style") == "display: none"
    (marks,) = hidden
    assert marks.get("name") == PLACEHOLDER_CONTROL and [e.get("value") for e in marks] == MARKS
    assert all(e.get("hotkey") is None for e in marks)
    keys = [e.get("hotkey") for e in root.iter("Label") if e.get("hotkey")]
    assert len(keys) == len(set(keys)) == len(LABELS)

    # The tasks: placeholders are locked regions, pre-labels stay editable; both validate.
    items = plain_items(3)
    for item in items:
        item.predictions = [Span(0, 6, "ORGANIZATION", 0.8)]
    for task in LS.records(items, LABELS):
        assert interface.validate_task({"data": task["data"]})
        (prediction,) = task["predictions"]
        assert interface.validate_prediction(prediction, return_errors=True) == []
        regions = {r["from_name"]: r for r in prediction["result"]}
        assert regions[PLACEHOLDER_CONTROL]["readonly"] is True
        assert regions[PLACEHOLDER_CONTROL]["value"]["labels"] == ["REDACTED:PERSON"]
        assert "readonly" not in regions[ENTITY_CONTROL]


def test_more_entity_labels_than_keys_leave_the_rest_without_one():
    labels = [f"L{i}" for i in range(len(LABEL_STUDIO_HOTKEYS) + 2)]
    palette = next(e for e in ET.fromstring(label_studio_config(labels, MARKS)) if e.tag == "Labels")
    assert [e.get("hotkey") for e in palette][-3:] == [LABEL_STUDIO_HOTKEYS[-1], None, None]
