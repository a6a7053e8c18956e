"""Queue models: real scikit-learn and spaCy training on generated messages, a real SQLite store,
the real CLI and audit log. Small data, so each test takes seconds."""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest

from redaction.queues import Annotation, SQLiteQueueStore
from redaction.queues.learning import (
    ModelError,
    autolabel,
    diversity_priorities,
    labelled_set,
    load_model,
    majority_vote,
    model_versions,
    queue_models_dir,
    spot_check_report,
    suggest,
    train_queue_model,
    wilson_interval,
)
from redaction.routing import QueueSettings
from tests.data.intent_data import (
    INTENTS,
    annotate,
    intent_messages,
    multi_intent_messages,
    queue_items,
    rated_responses,
)

INTENT = QueueSettings(
    task="classification",
    labels=INTENTS,
    order="uncertainty",
    auto_accept={"threshold": 0.5, "spot_check": 0.25, "seed": 7},
    model={"min_annotations": 20},
)


def make_store(tmp_path, examples, settings=INTENT, queue="intent", labelled=60, slip=0.1):
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({queue: settings})
    items = queue_items(examples, queue)
    store.enqueue(items)
    ids = [i.item_id for i in items]
    store.save_annotations(annotate(examples[:labelled], ids[:labelled], slip=slip))
    return store, ids


@pytest.fixture
def intents(tmp_path, scrubline_home):
    examples = intent_messages(120, seed=3, ambiguous=0.2, noise=0.0)
    store, ids = make_store(tmp_path, examples)
    yield store, ids, examples
    store.close()


def test_training_writes_a_private_version_with_its_meta(intents, scrubline_home):
    store, ids, _ = intents
    report = train_queue_model(store, "intent")
    folder = scrubline_home / "models" / "intent" / "v1"
    assert report.model.path == folder and report.model.name == "intent@v1"
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["version"] == 1 and meta["kind"] == "classification" and meta["library"] == "sklearn"
    assert meta["library_version"] == __import__("sklearn").__version__
    assert meta["labels"] == [c for c in INTENTS if c in meta["labels"]] and len(meta["labels"]) >= 4
    assert meta["train_size"] + meta["heldout_size"] == 60 and meta["heldout_size"] == 12
    assert len(meta["data_sha256"]) == 64 and meta["data_sha256"] == labelled_set(store, "intent").sha256()
    assert 0 <= meta["heldout"]["accuracy"] <= 1 and "macro_f1" in meta["heldout"] and meta["created_at"]
    assert set(meta["files"]) == {"vocabulary.json", "idf.npy", "coef.npy", "intercept.npy", "split.json"}
    for path in [folder, *folder.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    # The vocabulary is words of the redacted texts: the placeholders, never a value behind one.
    vocabulary = json.loads((folder / "vocabulary.json").read_text())
    assert "person" in vocabulary and "email_address" in vocabulary
    assert train_queue_model(store, "intent").model.version == 2
    assert model_versions("intent") == [1, 2]


def test_heldout_figures_are_measured_on_items_not_trained_on(intents):
    store, _, _ = intents
    report = train_queue_model(store, "intent")
    split = json.loads((report.model.path / "split.json").read_text())
    data = labelled_set(store, "intent")
    assert not set(split["train"]) & set(split["heldout"])
    assert sorted(split["train"] + split["heldout"]) == sorted(data.item_ids)
    # The saved model, on exactly the held-out items, gives the figures in meta.json.
    model = load_model("intent", settings=store.settings()["intent"])
    truth = dict(zip(data.item_ids, data.targets, strict=True))
    texts = {i.item_id: i.text for i in store.items(split["heldout"])}
    predicted = model.predict([texts[i] for i in split["heldout"]])
    right = sum(
        tuple(p.suggestion["labels"]) == truth[i] for p, i in zip(predicted, split["heldout"], strict=True)
    )
    assert model.meta["heldout"]["accuracy"] == round(right / len(split["heldout"]), 4)


def test_loading_refuses_a_changed_an_extra_or_a_shared_file(intents):
    store, _, _ = intents
    settings = store.settings()["intent"]
    folder = train_queue_model(store, "intent").model.path
    coef = folder / "coef.npy"
    saved = coef.read_bytes()
    np.save(coef, np.zeros((5, 3)), allow_pickle=False)
    with pytest.raises(ModelError, match=r"coef\.npy: sha256 differs from meta\.json"):
        load_model("intent", settings=settings)
    coef.write_bytes(saved)
    load_model("intent", settings=settings)
    extra = folder / "extra.pkl"
    extra.write_bytes(b"x")
    extra.chmod(0o600)
    with pytest.raises(ModelError, match=r"extra\.pkl: a file meta\.json does not list"):
        load_model("intent", settings=settings)
    extra.unlink()
    coef.chmod(0o644)
    with pytest.raises(ModelError, match=r"coef\.npy: a model file must be owned by you and private"):
        load_model("intent", settings=settings)
    coef.chmod(0o600)
    with pytest.raises(ModelError, match=r"no such model version \(versions: 1\)"):
        load_model("intent", 4, settings=settings)


def test_too_few_annotations_is_one_clear_error(tmp_path, scrubline_home):
    store, _ = make_store(tmp_path, intent_messages(30, seed=1), labelled=10)
    with pytest.raises(ModelError, match=r"queue 'intent' has 10 labelled item\(s\); training needs 20"):
        train_queue_model(store, "intent")
    assert not queue_models_dir("intent").exists()


def test_majority_vote_leaves_ties_out_and_never_counts_model_labels():
    settings = QueueSettings(task="classification", labels=("a", "b", "c"))
    votes = [
        Annotation("x", "p1", (), {"labels": ["a"]}),
        Annotation("x", "p2", (), {"labels": ["a"]}),
        Annotation("x", "p3", (), {"labels": ["b"]}),
        Annotation("y", "p1", (), {"labels": ["a"]}),
        Annotation("y", "p2", (), {"labels": ["b"]}),
        Annotation("z", "model", (), {"labels": ["c"]}, origin="model"),
        Annotation("w", "p1", (), {"labels": ["nope"]}),
    ]
    assert majority_vote(votes, settings) == {"x": {"labels": ["a"]}}


def test_a_swapped_aggregator_decides_what_is_learned(intents):
    store, _, _ = intents

    def first_answer(annotations, settings):
        out = {}
        for note in annotations:
            out.setdefault(note.item_id, note.answer)
        return out

    assert train_queue_model(store, "intent", aggregator=first_answer).model.meta["data_sha256"] == (
        labelled_set(store, "intent", first_answer).sha256()
    )


def test_spacy_textcat_trains_saves_and_loads(intents):
    store, _, _ = intents
    report = train_queue_model(store, "intent", library="spacy")
    meta = report.model.meta
    assert meta["library"] == "spacy" and meta["library_version"] == __import__("spacy").__version__
    assert any(name.startswith("spacy/") for name in meta["files"])
    model = load_model("intent", settings=store.settings()["intent"])
    (prediction,) = model.predict(["I was charged twice for my router, please refund the invoice"])
    assert set(prediction.scores) == set(meta["labels"]) and prediction.suggestion["labels"][0] in INTENTS
    assert math.isclose(sum(prediction.scores.values()), 1.0, abs_tol=1e-3)


def test_multi_label_and_rating_queues_learn_their_answer_shapes(tmp_path, scrubline_home):
    multi = QueueSettings(task="classification", labels=INTENTS, multi=True, model={"min_annotations": 20})
    store, _ = make_store(
        tmp_path / "m", multi_intent_messages(90, seed=2), multi, queue="multi", labelled=70
    )
    report = train_queue_model(store, "multi")
    assert report.model.meta["multi"] is True and report.model.classes == list(INTENTS)
    (p,) = report.model.predict(["The parcel never arrived and I was charged twice for it."])
    assert set(p.suggestion) == {"labels"} and set(p.suggestion["labels"]) <= set(INTENTS)
    assert p.confidence == round(min(max(s, 1 - s) for s in p.scores.values()), 6)

    rating = QueueSettings(task="rating", scale={"min": 1, "max": 5}, model={"min_annotations": 20})
    store, _ = make_store(tmp_path / "r", rated_responses(90, seed=2), rating, queue="helpful", labelled=70)
    report = train_queue_model(store, "helpful")
    assert report.model.meta["rating_as"] == "classes" and "mae" in report.metrics
    (p,) = report.model.predict(["I have issued a full refund to your card. Happy to help."])
    assert isinstance(p.suggestion["rating"], int) and 1 <= p.suggestion["rating"] <= 5
    assert p.confidence == round(max(p.scores.values()), 6)


def test_suggestions_go_on_open_items_and_uncertainty_changes_the_serve_order(intents):
    store, ids, _ = intents
    open_ids = ids[60:]
    before = [i.item_id for i in store.pull("intent", "dora", 5)]
    assert before == open_ids[:5]  # no confidences yet: enqueue order
    store.nack("dora", before)
    model = train_queue_model(store, "intent").model
    assert suggest(store, "intent", model) == 60
    items = {i.item_id: i for i in store.items(open_ids)}
    assert all(
        i.suggestion and set(i.suggestion) == {"labels", "scores"} and i.model == "intent@v1"
        for i in items.values()
    )
    served = store.pull("intent", "erin", 60)
    confidences = [i.confidence for i in served]
    assert confidences == sorted(confidences)  # least confident first
    assert [i.item_id for i in served[:5]] != before


def test_diversity_batch_skips_near_duplicates_of_the_most_uncertain_message():
    texts = ["my parcel never arrived and the invoice is wrong"] * 6 + [
        "the app crashes on login",
        "please reset my password",
        "do you have a store in town",
    ]
    ids = [f"t{i}" for i in range(len(texts))]
    confidences = [0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.5, 0.55, 0.6]
    priorities = diversity_priorities(ids, texts, confidences, batch=4, pool=3)
    batch = sorted(ids, key=lambda i: -priorities[i])[:4]
    assert batch[0] == "t0"  # the most uncertain first
    assert len({texts[ids.index(i)] for i in batch}) == 4  # then the unlike ones, not its copies
    # Plain uncertainty would have served four copies of one message.
    assert len({texts[i] for i in np.argsort(confidences)[:4]}) == 1


def test_diversity_order_is_applied_by_suggest(tmp_path, scrubline_home):
    settings = QueueSettings.model_validate({**INTENT.model_dump(), "order": "diversity"})
    store, ids = make_store(tmp_path, intent_messages(100, seed=5), settings)
    model = train_queue_model(store, "intent").model
    suggest(store, "intent", model, batch=10)
    served = store.pull("intent", "erin", 10)
    assert all(1.0 < i.priority <= 1.5 for i in served)
    assert len({i.text for i in served}) == 10


def test_autolabel_accepts_above_threshold_and_sends_the_spot_check_share_to_people(intents):
    store, ids, examples = intents
    model = train_queue_model(store, "intent").model
    suggest(store, "intent", model)
    leased = store.pull("intent", "dora", 2)  # leased items stay with people
    report = autolabel(store, "intent", model)
    open_ids = set(ids[60:]) - {i.item_id for i in leased}
    assert report.considered == len(open_ids) == 58
    sure = len(report.accepted) + len(report.spot_checked)
    assert sure + report.below == report.considered and sure > 0
    assert len(report.spot_checked) == math.ceil(0.25 * sure)
    confident = {
        i.item_id: p
        for i, p in zip(
            store.items(sorted(open_ids)),
            model.predict([i.text for i in store.items(sorted(open_ids))]),
            strict=True,
        )
    }
    assert all(confident[i].confidence >= 0.5 for i in report.accepted + report.spot_checked)
    assert all(
        p.confidence < 0.5 for i, p in confident.items() if i not in report.accepted + report.spot_checked
    )
    # Accepted: done, with an origin-model annotation of the model's answer.
    notes = {a.item_id: a for a in store.annotations("intent") if a.origin == "model"}
    assert sorted(notes) == sorted(report.accepted)
    assert all(notes[i].answer == confident[i].suggestion and notes[i].annotator == "model" for i in notes)
    assert {i.state for i in store.items(report.accepted)} == {"done"}
    # Spot checks: pending, recorded, served first and blind (no suggestion).
    checks = store.spot_checks("intent")
    assert sorted(c.item_id for c in checks) == sorted(report.spot_checked)
    assert all(c.draw == "seed=7 model=intent@v1" for c in checks)
    served = store.pull("intent", "erin", len(checks))
    assert sorted(i.item_id for i in served) == sorted(report.spot_checked)
    assert all(i.suggestion is None for i in served)
    # A second run finds nothing new to accept.
    assert autolabel(store, "intent", model).accepted == []


def test_spot_check_report_measures_the_accepted_labels_accuracy(intents):
    store, ids, examples = intents
    model = train_queue_model(store, "intent").model
    report = autolabel(store, "intent", model, spot_check=0.5)
    assert spot_check_report(store, "intent").answered == 0
    truth = {i: e for i, e in zip(ids, examples, strict=True)}
    checked = report.spot_checked
    store.save_annotations(annotate([truth[i] for i in checked], checked, annotators=("dora",), slip=0.0))
    measured = spot_check_report(store, "intent")
    right = sum(c.answer["labels"] == list(truth[c.item_id].labels) for c in store.spot_checks("intent"))
    assert measured.checked == measured.answered == len(checked)
    assert measured.correct == right and measured.accuracy == right / len(checked)
    assert measured.interval == wilson_interval(right, len(checked))
    low, high = measured.interval
    assert low <= measured.accuracy <= high


def test_wilson_interval_is_sound_at_the_edges():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and 0.69 < low < 0.73
    low, high = wilson_interval(45, 50)
    assert 0.78 < low < 0.79 and 0.95 < high < 0.96


def test_train_and_autolabel_through_the_cli_are_audited_and_marked_in_the_export(
    tmp_path, scrubline_home, capsys
):
    from flows.cli import main
    from redaction.audit import AuditLog

    examples = intent_messages(100, seed=4, noise=0.0)
    store, ids = make_store(tmp_path, examples)
    path = str(store.path)
    store.close()
    assert main(["queue", "--store", path, "train", "intent", "--as", "lead"]) == 0
    out = capsys.readouterr().out
    assert "trained intent@v1 (sklearn" in out and "held out 12" in out and "accuracy" in out
    assert "suggestions set on 40 open item(s)" in out and "billing" in out
    export = tmp_path / "auto.jsonl"
    assert (
        main(["queue", "--store", path, "autolabel", "intent", "--export", str(export), "--as", "lead"]) == 0
    )
    out = capsys.readouterr().out
    assert "labelled without a person" in out and "spot checks" in out
    lines = [json.loads(x) for x in export.read_text().splitlines()]
    assert lines and all(
        x["origin"] == "model" and x["auto"] is True and x["model"] == "intent@v1" for x in lines
    )
    assert main(["queue", "--store", path, "autolabel", "intent", "--report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answered"] == 0

    with AuditLog(readonly=True) as log:
        assert log.verify().ok
        audit_path = log.path
    with sqlite3.connect(audit_path) as db:
        wanted = "type IN ('model_trained', 'items_autolabelled', 'item_pulled')"
        rows = db.execute(f"SELECT type, body FROM entries WHERE {wanted} ORDER BY rowid").fetchall()
    kinds = [t for t, _ in rows]
    assert kinds[0] == "model_trained" and kinds[1] == "items_autolabelled" and "item_pulled" in kinds
    trained = json.loads(rows[0][1])
    assert trained["actor"] == "lead" and trained["model"] == "intent@v1" and trained["train_size"] == 48
    assert len(trained["data_sha256"]) == 64 and "accuracy" in trained["heldout"]
    labelled = json.loads(rows[1][1])
    assert labelled["accepted"] == len(labelled["accepted_items"]) == len(lines)
    assert labelled["spot_checked"] == len(labelled["spot_check_items"]) > 0 and labelled["seed"] == 7
    # No text of any item in the log: only ids, counts and figures.
    everything = " ".join(body for _, body in rows)
    assert not any(e.text[:40] in everything for e in examples)
    assert not any(word in everything for word in ("charged twice", "parcel", "password"))


def test_the_spot_check_draw_is_seeded(tmp_path, scrubline_home, monkeypatch):
    examples = intent_messages(100, seed=6, noise=0.0)
    drawn = []
    for run, seed in (("a", 7), ("b", 7), ("c", 8)):
        monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / run / "home"))
        store, _ = make_store(tmp_path / run, examples)
        model = train_queue_model(store, "intent").model
        drawn.append(autolabel(store, "intent", model, spot_check=0.3, seed=seed))
        store.close()
    assert drawn[0].spot_checked == drawn[1].spot_checked and drawn[0].accepted == drawn[1].accepted
    assert sorted(drawn[0].spot_checked + drawn[0].accepted) == sorted(
        drawn[2].spot_checked + drawn[2].accepted
    )
    assert drawn[0].spot_checked != drawn[2].spot_checked  # another seed, another draw
