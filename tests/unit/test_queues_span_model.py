"""The spans queue model: real spaCy `ner` training on generated redacted tickets, a real SQLite
store, the real CLI, audit log and Label Studio export. Small data and 3 to 8 epochs (the
module's cap is lowered for speed: training itself is the real one), so each test takes seconds."""

from __future__ import annotations

import json
import sqlite3

import pytest

from redaction.policy import load_policy
from redaction.queues import Annotation, Span, SQLiteQueueStore, span_model
from redaction.queues.learning import (
    ModelError,
    load_model,
    model_versions,
    queue_models_dir,
    train_queue_model,
)
from redaction.queues.prelabel import get_prelabeller
from redaction.queues.span_model import entity_scores, span_answers, span_labelled_set
from redaction.routing import QueueSettings
from tests.data.span_data import SPAN_LABELS, annotate_spans, span_queue_items, span_tickets

SPANS = QueueSettings(
    task="spans", labels=SPAN_LABELS, order="uncertainty", prelabel="spacy", model={"min_annotations": 20}
)


@pytest.fixture(autouse=True)
def few_epochs(monkeypatch):
    monkeypatch.setattr(span_model, "EPOCHS", 3)


def make_store(tmp_path, n=40, labelled=30, annotators=("alice",), slip=0.0, queue="tickets"):
    tickets = span_tickets(n, seed=5)
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({queue: SPANS})
    items = span_queue_items(tickets, queue)
    store.enqueue(items)
    ids = [i.item_id for i in items]
    store.save_annotations(annotate_spans(tickets[:labelled], ids[:labelled], annotators, slip=slip))
    return store, ids, tickets


def test_span_training_writes_a_private_version_with_entity_figures(tmp_path, scrubline_home):
    store, ids, _ = make_store(tmp_path)
    report = train_queue_model(store, "tickets")
    folder = scrubline_home / "models" / "tickets" / "v1"
    assert report.model.path == folder and report.model.name == "tickets@v1"
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["kind"] == "spans" and meta["library"] == "spacy" and meta["language"] == "en"
    assert meta["library_version"] == __import__("spacy").__version__
    assert meta["labels"] == list(SPAN_LABELS) and 1 <= meta["epochs"] <= 3
    assert meta["train_size"] == 24 and meta["heldout_size"] == 6
    figures = meta["heldout"]
    assert set(figures["micro"]) == {"precision", "recall", "f1"} and figures["f1"] == figures["micro"]["f1"]
    assert set(figures["per_label"]) == set(SPAN_LABELS) and figures["entities"] > 0
    assert sum(c["support"] for c in figures["per_label"].values()) == figures["entities"]
    assert "split.json" in meta["files"] and any(name.startswith("spacy/ner/") for name in meta["files"])
    for path in [folder, *folder.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path

    # The saved model, on exactly the held-out items, gives the figures in meta.json.
    split = json.loads((folder / "split.json").read_text())
    data = span_labelled_set(store, "tickets", SPANS)
    assert not set(split["train"]) & set(split["heldout"])
    assert sorted(split["train"] + split["heldout"]) == sorted(data.item_ids) == sorted(ids[:30])
    model = load_model("tickets", settings=store.settings()["tickets"])
    truth = dict(zip(data.item_ids, data.targets, strict=True))
    items = {i.item_id: i for i in store.items(split["heldout"])}
    found = model.backend.predict(
        [items[i].text for i in split["heldout"]], [items[i].spans for i in split["heldout"]]
    )
    again = entity_scores(meta["labels"], [truth[i] for i in split["heldout"]], [p.spans for p in found])
    assert again == figures
    assert train_queue_model(store, "tickets").model.version == 2 and model_versions("tickets") == [1, 2]
    store.close()


def test_loading_a_spans_model_refuses_a_changed_an_extra_or_a_shared_file(tmp_path, scrubline_home):
    store, _, _ = make_store(tmp_path)
    settings = store.settings()["tickets"]
    folder = train_queue_model(store, "tickets").model.path
    weights = folder / "spacy" / "ner" / "model"
    saved = weights.read_bytes()
    weights.write_bytes(saved[:-8] + b"\x00" * 8)
    with pytest.raises(ModelError, match=r"spacy/ner/model: sha256 differs from meta\.json"):
        load_model("tickets", settings=settings)
    weights.write_bytes(saved)
    assert load_model("tickets", settings=settings).backend.classes == list(SPAN_LABELS)
    extra = folder / "spacy" / "extra.cfg"
    extra.write_text("[x]")
    extra.chmod(0o600)
    with pytest.raises(ModelError, match=r"extra\.cfg: a file meta\.json does not list"):
        load_model("tickets", settings=settings)
    extra.unlink()
    weights.chmod(0o644)
    with pytest.raises(ModelError, match=r"model: a model file must be owned by you and private"):
        load_model("tickets", settings=settings)
    store.close()


def test_too_few_span_annotations_is_one_clear_line(tmp_path, scrubline_home, capsys):
    from flows.cli import main

    store, _, _ = make_store(tmp_path, n=20, labelled=7)
    path = str(store.path)
    with pytest.raises(ModelError, match=r"^queue 'tickets' has 7 labelled item\(s\); training needs 20"):
        train_queue_model(store, "tickets")
    store.close()
    assert main(["queue", "--store", path, "train", "tickets", "--as", "lead"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "has 7 labelled item(s); training needs 20 (model.min_annotations" in err
    assert main(["queue", "--store", path, "train", "tickets", "--library", "sklearn"]) == 1
    assert "spans queue: its model library is spacy" in capsys.readouterr().err
    assert not queue_models_dir("tickets").exists()
    # A spans model pre-labels for people; labels without a person are for the other kinds.
    assert main(["queue", "--store", path, "autolabel", "tickets", "--threshold", "0.9"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "scrubline: error: queue 'tickets' is a spans queue: its model (scrubline queue train tickets)"
        " pre-labels the items for people to correct; automatic labels are for classification, rating,"
        " preference queues"
    )


def test_people_agree_by_majority_and_model_answers_never_teach():
    settings = QueueSettings(task="spans", labels=("PRODUCT", "ORGANIZATION"))
    product, org, noise = Span(0, 5, "PRODUCT"), Span(10, 14, "ORGANIZATION"), Span(20, 24, "ORGANIZATION")
    notes = [
        Annotation("x", "p1", (product, org)),
        Annotation("x", "p2", (product, noise)),
        Annotation("x", "p3", (product, org)),
        Annotation("x", "bot", (noise, Span(30, 34, "PRODUCT")), origin="model"),
        Annotation("y", "p1", (org,)),  # one annotator: theirs
        Annotation("z", "bot", (product,), origin="model"),  # a model's answer alone: not learned
        Annotation("w", "p1", (noise,)),
        Annotation("w", "crowd", (org,), origin="aggregated"),  # the aggregated answer wins
    ]
    answers = span_answers(notes, settings)
    assert answers == {"x": (product, org), "y": (org,), "w": (org,)}


def test_training_data_leaves_out_placeholders_other_labels_and_model_answers(tmp_path, scrubline_home):
    store, ids, tickets = make_store(tmp_path, n=6, labelled=0)
    k = next(i for i, t in enumerate(tickets) if t.placeholders)
    mark = tickets[k].placeholders[0]
    other = ids[(k + 1) % len(ids)]
    store.save_annotations(
        [
            # A placeholder marked as an entity, its own REDACTED span, a label the queue lacks.
            Annotation(
                ids[k],
                "alice",
                (
                    *tickets[k].entities,
                    Span(mark.start, mark.end, "ORGANIZATION"),
                    mark,
                    Span(0, 2, "PERSON"),
                ),
            ),
            Annotation(other, "bot", (Span(0, 3, "PRODUCT"),), origin="model"),
        ]
    )
    data = span_labelled_set(store, "tickets", SPANS)
    assert data.item_ids == [ids[k]]
    assert data.targets == [tickets[k].entities]  # no placeholder, no label outside the queue's


def test_trained_spans_replace_the_general_prelabels_and_reach_the_label_studio_pull(
    tmp_path, scrubline_home, capsys, default_policy_path, monkeypatch
):
    from flows.cli import main
    from redaction.audit import AuditLog

    monkeypatch.setattr(span_model, "EPOCHS", 8)  # enough to propose spans on 24 training items
    store, ids, tickets = make_store(tmp_path, n=44)
    # The open items carry the general spaCy pre-labels, as the run's enqueue gives them.
    general = get_prelabeller("spacy", load_policy(default_policy_path))
    open_items = store.open_items("tickets")
    found = general.predict(
        [i.text for i in open_items],
        ["en"] * len(open_items),
        [i.spans for i in open_items],
        set(SPAN_LABELS),
    )
    store.set_predictions(
        "tickets",
        {i.item_id: (p.spans, p.confidence, general.model) for i, p in zip(open_items, found, strict=True)},
    )
    path = str(store.path)
    store.close()

    assert main(["queue", "--store", path, "train", "tickets", "--as", "lead"]) == 0
    out = capsys.readouterr().out
    assert "trained tickets@v1 (spacy" in out and "held out 6" in out and "entity precision" in out
    assert "PRODUCT" in out and "pre-labels set on 14 open item(s)" in out

    with SQLiteQueueStore(path) as store:
        waiting = store.open_items("tickets")
        assert len(waiting) == 14 and {i.model for i in waiting} == {"tickets@v1"}
        for item in waiting:
            assert 0.0 <= item.confidence <= 1.0
            assert all(s.label in SPAN_LABELS and 0.5 <= s.score <= 1.0 for s in item.predictions)
            assert not any(s.start < p.end and p.start < s.end for s in item.predictions for p in item.spans)
        # order: uncertainty serves the least confident first.
        assert [i.confidence for i in waiting] == sorted(i.confidence for i in waiting)
        assert any(i.predictions for i in waiting)
        expected = {i.item_id: i for i in waiting}

    pulled = tmp_path / "batch.json"
    assert main(
        ["queue", "--store", path, "pull", "--queue", "tickets", "--annotator", "dana", "--n", "14",
         "--format", "label-studio", "--out", str(pulled), "--as", "lead"]
    ) == 0  # fmt: skip
    tasks = json.loads(pulled.read_text())
    assert len(tasks) == 14
    for task in tasks:
        item = expected[task["data"]["item_id"]]
        entities = [
            r for r in task.get("predictions", [{}])[0].get("result", []) if r["from_name"] == "label"
        ]
        assert [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in entities] == [
            (s.start, s.end, s.label) for s in item.predictions
        ]
        if item.predictions:
            assert task["predictions"][0]["model_version"] == "tickets@v1"
            assert task["predictions"][0]["score"] == round(item.confidence, 6)

    with AuditLog(readonly=True) as log:
        assert log.verify().ok
        audit_path = log.path
    with sqlite3.connect(audit_path) as db:
        rows = db.execute("SELECT body FROM entries WHERE type = 'model_trained'").fetchall()
    trained = json.loads(rows[0][0])
    assert trained["kind"] == "spans" and trained["model"] == "tickets@v1" and trained["actor"] == "lead"
    assert trained["train_size"] == 24 and "f1" in trained["heldout"] and len(trained["data_sha256"]) == 64
    assert not any(t.text[:30] in rows[0][0] for t in tickets)


def test_a_run_enqueue_prelabels_with_the_queues_trained_model(tmp_path, scrubline_home, default_policy_path):
    from redaction.queues.items import ItemBuilder

    store, _, tickets = make_store(tmp_path, queue="annotation")
    builder = ItemBuilder(load_policy(default_policy_path))
    texts = [t.text for t in tickets[30:34]]
    avoid = [list(t.placeholders) for t in tickets[30:34]]
    before = builder.predict("annotation", texts, ["en"] * 4, avoid)
    assert {model for _, _, model in before} == {general_name(default_policy_path)}

    train_queue_model(store, "annotation")
    store.close()
    after = builder.predict(
        "annotation", [*texts, "Le colis est parti de Lyon."], ["en"] * 4 + ["fr"], [*avoid, []]
    )
    assert [model for _, _, model in after[:4]] == ["annotation@v1"] * 4
    assert after[4][2] == general_name(default_policy_path)  # no French model: the general one
    allowed = set(builder.settings("annotation").labels)  # the policy's labels, not the model's
    assert all(s.label in allowed and s.score is not None for spans, _, _ in after for s in spans)
    assert all(0.0 <= confidence <= 1.0 for _, confidence, _ in after)


def general_name(policy_path) -> str:
    return get_prelabeller("spacy", load_policy(policy_path)).model
