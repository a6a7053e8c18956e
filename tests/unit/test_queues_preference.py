"""Preference queues learn a reward model; gold items of every kind look like the queue's own.

Real scikit-learn training on generated preference pairs (tests/data/chat_data.py), a real SQLite
store, real files, the real CLI and audit log, the tools' SDKs where the exports are checked."""

from __future__ import annotations

import json
import math
import random
import sqlite3

import numpy as np
import pytest

from redaction.queues import Annotation, GoldItem, NewItem, QueueError, SQLiteQueueStore
from redaction.queues.formats import get_format, label_studio_config_for
from redaction.queues.items import ItemBuilder, task_content
from redaction.queues.learning import (
    ModelError,
    autolabel,
    load_model,
    spot_check_report,
    suggest,
    train_queue_model,
)
from redaction.queues.preference import PreferenceModel, prompt_text, ranked_set
from redaction.routing import QueueSettings
from tests.data.chat_data import generate_preference_pairs
from tests.unit.test_queues_kinds import CHAT_POLICY, argilla_client, assert_pairwise

PAIRS = QueueSettings(
    task="preference",
    order="uncertainty",
    auto_accept={"threshold": 0.8, "spot_check": 0.25, "seed": 3},
    model={"min_annotations": 20},
)


def preference_items(records, queue="pairs", settings=PAIRS) -> list[NewItem]:
    """Queue items built the way the pipeline builds a preference record's."""
    items = []
    for record in records:
        content, text, fields = task_content(record, settings, None, "id", record["id"])
        items.append(
            NewItem(
                item_id=record["id"].lower(),
                queue=queue,
                text=text,
                record=record,
                record_id=record["id"],
                fields=fields,
                task="preference",
                content=content,
            )
        )
    return items


def rank(records, better, annotators=("alice", "bob", "carol"), slip=0.1, seed=0) -> list[Annotation]:
    """Each simulated person prefers the better response, or with chance `slip` the other."""
    rng = random.Random(seed)
    notes = []
    for record in records:
        best = better[record["id"]]
        for who in annotators:
            top = best if rng.random() >= slip else 1 - best
            notes.append(Annotation(record["id"].lower(), who, answer={"ranking": [top, 1 - top]}))
    return notes


@pytest.fixture
def pairs(tmp_path, scrubline_home):
    records, better = generate_preference_pairs(100, seed=5)
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({"pairs": PAIRS})
    store.enqueue(preference_items(records))
    store.save_annotations(rank(records[:60], better))
    yield store, records, better
    store.close()


def test_preference_queue_trains_a_private_versioned_reward_model(pairs, scrubline_home):
    store, _, _ = pairs
    report = train_queue_model(store, "pairs")
    folder = scrubline_home / "models" / "pairs" / "v1"
    assert isinstance(report.model, PreferenceModel) and report.model.path == folder
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["kind"] == "preference" and meta["library"] == "sklearn" and meta["version"] == 1
    assert meta["train_size"] + meta["heldout_size"] == 60 and meta["heldout_size"] == 12
    assert meta["train_pairs"] == 48 and meta["data_sha256"] == ranked_set(store, "pairs", PAIRS).sha256()
    assert set(meta["files"]) == {"vocabulary.json", "idf.npy", "coef.npy", "split.json"}
    for path in [folder, *folder.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    figures = meta["heldout"]
    assert figures["pairs"] == 12 and figures["accuracy"] == figures["pairwise_accuracy"]
    # Better than both baselines measured on the same held-out pairs.
    assert figures["accuracy"] > max(figures["baselines"].values())
    assert train_queue_model(store, "pairs").model.version == 2


def test_heldout_pairwise_accuracy_is_measured_on_items_not_trained_on(pairs):
    store, _, better = pairs
    report = train_queue_model(store, "pairs")
    split = json.loads((report.model.path / "split.json").read_text())
    assert not set(split["train"]) & set(split["heldout"])
    model = load_model("pairs", settings=store.settings()["pairs"])
    truth = {item.item_id: item for item in store.items(split["heldout"])}
    people = ranked_set(store, "pairs", PAIRS)
    ranking = dict(zip(people.item_ids, people.rankings, strict=True))
    predicted = model.predict_items([truth[i] for i in split["heldout"]])
    right = sum(
        p.suggestion["ranking"] == ranking[i] for p, i in zip(predicted, split["heldout"], strict=True)
    )
    assert model.meta["heldout"]["pairwise_accuracy"] == round(right / len(split["heldout"]), 4)


def test_only_peoples_rankings_are_learned(pairs):
    store, records, _ = pairs
    before = ranked_set(store, "pairs", PAIRS).sha256()
    store.save_annotations(
        [
            Annotation(r["id"].lower(), "model", answer={"ranking": [0, 1]}, origin="model")
            for r in records[60:]
        ]
    )
    assert ranked_set(store, "pairs", PAIRS).sha256() == before


def test_loading_a_changed_preference_model_is_refused(pairs):
    store, _, _ = pairs
    folder = train_queue_model(store, "pairs").model.path
    coef = folder / "coef.npy"
    saved = coef.read_bytes()
    np.save(coef, np.zeros(3), allow_pickle=False)
    with pytest.raises(ModelError, match=r"coef\.npy: sha256 differs from meta\.json"):
        load_model("pairs", settings=PAIRS)
    coef.write_bytes(saved)
    assert isinstance(load_model("pairs", settings=PAIRS), PreferenceModel)
    extra = folder / "weights.pkl"
    extra.write_bytes(b"x")
    extra.chmod(0o600)
    with pytest.raises(ModelError, match=r"weights\.pkl: a file meta\.json does not list"):
        load_model("pairs", settings=PAIRS)
    extra.unlink()
    coef.chmod(0o640)
    with pytest.raises(ModelError, match=r"must be owned by you and private"):
        load_model("pairs", settings=PAIRS)
    coef.chmod(0o600)
    with pytest.raises(ModelError, match=r"a preference model, but queue 'pairs' is now classification"):
        load_model("pairs", settings=QueueSettings(task="classification", labels=("a", "b")))


def test_suggested_rankings_order_the_queue_and_go_out_as_pre_annotations(pairs, tmp_path):
    import argilla as rg
    from label_studio_sdk.label_interface import LabelInterface

    from redaction.queues.formats import argilla_settings_for

    store, records, _ = pairs
    model = train_queue_model(store, "pairs").model
    assert suggest(store, "pairs", model) == 40
    items = store.open_items("pairs")
    for item in items:
        found = item.suggestion
        assert sorted(found["ranking"]) == [0, 1] and set(found["scores"]) == {"0", "1"}
        assert math.isclose(sum(found["scores"].values()), 1.0, abs_tol=1e-5)
        assert item.confidence == found["scores"][str(found["ranking"][0])] >= 0.5
        assert item.model == "pairs@v1"
    # order: uncertainty: the least sure ranking is served first.
    served = store.pull("pairs", "dora", 5)
    assert [i.confidence for i in served] == sorted(i.confidence for i in items)[:5]

    tasks = get_format("label-studio").records(served, [], PAIRS)
    interface = LabelInterface(label_studio_config_for(PAIRS, []))
    for item, task in zip(served, tasks, strict=True):
        (prediction,) = task["predictions"]
        assert prediction["model_version"] == "pairs@v1" and prediction["score"] == round(item.confidence, 6)
        assert_pairwise(interface, prediction["result"])
        side = prediction["result"][0]["value"]["selected"]
        assert side == ("left" if item.suggestion["ranking"][0] == 0 else "right")
    path = get_format("argilla").export(served, tmp_path / "pairs.jsonl", [], PAIRS)
    client = argilla_client()
    dataset = rg.Dataset(name="pairs", settings=argilla_settings_for(PAIRS, [], client=client), client=client)
    for item, line in zip(served, path.read_text().splitlines(), strict=True):
        data = json.loads(line)
        assert data["suggestions"]["ranking"]["value"] == [
            f"response_{i}" for i in item.suggestion["ranking"]
        ]
        assert data["suggestions"]["ranking"]["agent"] == "pairs@v1"
        assert len(rg.Record.from_dict(data, dataset=dataset).api_model().suggestions) == 1


def test_autolabel_accepts_confident_rankings_and_spot_checks_measure_them(pairs):
    store, records, better = pairs
    model = train_queue_model(store, "pairs").model
    report = autolabel(store, "pairs", model)
    assert report.considered == 40
    sure = len(report.accepted) + len(report.spot_checked)
    assert sure > 0 and sure + report.below == 40 and len(report.spot_checked) == math.ceil(0.25 * sure)
    notes = {a.item_id: a for a in store.annotations("pairs") if a.origin == "model"}
    assert sorted(notes) == sorted(report.accepted)
    predicted = dict(zip(report.accepted, model.predict_items(store.items(report.accepted)), strict=True))
    assert all(notes[i].answer == predicted[i].suggestion for i in notes)
    assert all(predicted[i].confidence >= 0.8 for i in notes)
    # People answer the spot checks with the true preference: the report measures the model.
    by_id = {r["id"].lower(): r for r in records}
    checked = [by_id[i] for i in report.spot_checked]
    store.save_annotations(rank(checked, better, annotators=("erin",), slip=0.0))
    measured = spot_check_report(store, "pairs")
    right = sum(c.answer["ranking"][0] == better[by_id[c.item_id]["id"]] for c in store.spot_checks("pairs"))
    assert measured.answered == len(checked) and measured.correct == right


def test_train_through_the_cli_reports_pairwise_accuracy_and_is_audited(pairs, capsys):
    from flows.cli import main
    from redaction.audit import AuditLog

    store, records, _ = pairs
    path = str(store.path)
    assert main(["queue", "--store", path, "train", "pairs", "--as", "lead"]) == 0
    out = capsys.readouterr().out
    assert "trained pairs@v1 (sklearn" in out and "held out 12 (12 pairs): pairwise accuracy" in out
    assert "always first" in out and "longer response" in out and "suggestions set on 40" in out
    with AuditLog(readonly=True) as log:
        assert log.verify().ok
        audit_path = log.path
    with sqlite3.connect(audit_path) as db:
        (body,) = db.execute("SELECT body FROM entries WHERE type = 'model_trained'").fetchone()
    trained = json.loads(body)
    assert trained["kind"] == "preference" and "pairwise_accuracy" in trained["heldout"]
    assert not any(r["prompt"][:30] in body for r in records)


def test_train_on_a_text_queue_is_one_clear_line(tmp_path, scrubline_home, capsys):
    from flows.cli import main

    path = tmp_path / "queues.sqlite3"
    with SQLiteQueueStore(path) as store:
        store.configure({"rewrite": QueueSettings(task="text")})
    assert main(["queue", "--store", str(path), "train", "rewrite"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "scrubline: error: queue 'rewrite' is a text queue: text queues are not learned (no model"
        " writes responses); a queue model learns classification, rating, preference, spans queues"
    )


# --- gold items of non-span kinds ---------------------------------------------------------------


@pytest.fixture
def chat_builder():
    from redaction.policy import load_policy

    return ItemBuilder(load_policy(CHAT_POLICY))


def gold_world(tmp_path, builder):
    """A classification and a preference queue, each with regular items and gold items built
    by `gold add`'s builder, and a gold rate so pulls serve them."""
    intent = builder.settings("intent").model_copy(update={"gold_rate": 0.5, "overlap": 1})
    prefs = builder.settings("pairs").model_copy(update={"gold_rate": 0.5, "overlap": 1})
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({"intent": intent, "pairs": prefs})
    chats = [
        {"id": f"c{i}", "messages": [{"role": "user", "content": f"My order {i} is late, where is it?"}]}
        for i in range(4)
    ]
    regular = []
    for row in chats:
        content, text, fields = task_content(row, intent, builder.plan, "id", row["id"])
        regular.append(
            NewItem(row["id"], "intent", text, row, row["id"], fields, task="classification", content=content)
        )
    records, _ = generate_preference_pairs(4, seed=9)
    regular += preference_items(records, settings=prefs)
    store.enqueue(regular)
    chat_gold = builder.gold(
        "intent",
        [
            {
                "messages": [{"role": "user", "content": "The courier lost my parcel."}],
                "answer": {"labels": ["shipping"]},
            }
        ],
        "gold.jsonl",
    )
    pair_gold = builder.gold(
        "pairs",
        [
            {
                "prompt": "How do I reset my password?",
                "responses": ["Use Profile > Security > Reset and follow the email.", "No idea."],
                "answer": {"ranking": [0, 1]},
            }
        ],
        "gold.jsonl",
    )
    assert store.add_gold("intent", chat_gold) == 1 and store.add_gold("pairs", pair_gold) == 1
    return store, intent, prefs


@pytest.mark.parametrize("fmt", ["label-studio", "argilla", "parquet", "prodigy"])
def test_gold_items_of_other_kinds_look_like_regular_items_in_exports(tmp_path, chat_builder, fmt):
    store, intent, prefs = gold_world(tmp_path, chat_builder)
    for queue, settings in (("intent", intent), ("pairs", prefs)):
        served = store.pull(queue, "ann", 4)
        gold = [i for i in served if i.gold]
        assert len(gold) == 1 and len(served) == 4, queue
        assert gold[0].task == settings.task.value and gold[0].content
        records = get_format(fmt).records(served, settings.labels, settings)
        shape = {json.dumps(sorted(_keys(r))) for r in records}
        assert len(shape) == 1, (fmt, queue, shape)  # the gold record has the same keys
        (seen,) = [r for r, i in zip(records, served, strict=True) if i.gold]
        other = json.dumps(next(r for r, i in zip(records, served, strict=True) if not i.gold))
        shown = json.dumps(seen)
        if queue == "intent":  # the answer's label shows no more than in a regular record (options)
            assert "The courier lost my parcel." in shown
            assert shown.count('"shipping"') == other.count('"shipping"')
        else:
            assert "How do I reset my password?" in shown and "Use Profile > Security" in shown
            # No pre-annotation (no model yet, as for the regular items), so no answer shown.
            assert "ranking" not in shown and not seen.get("predictions") and not seen.get("suggestions")
        if fmt == "parquet":
            assert seen["task"] == settings.task.value


def _keys(record, prefix=""):
    """Every key path of a record (values left out), lists by their first element."""
    out = set()
    for key, value in record.items():
        if key.startswith("_"):  # Prodigy's hashes: per record, same keys
            out.add(prefix + key)
            continue
        out.add(prefix + key)
        if isinstance(value, dict):
            out |= _keys(value, f"{prefix}{key}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out |= _keys(value[0], f"{prefix}{key}[].")
    return {
        k
        for k in out
        if not k.startswith("fields.response_") or k in ("fields.response_0", "fields.response_1")
    }


def test_gold_answers_of_other_kinds_are_scored_as_their_kind(tmp_path, chat_builder):
    from redaction.queues.aggregate import queue_aggregate

    store, _, _ = gold_world(tmp_path, chat_builder)
    (intent_gold,) = store.gold_kind_answers("intent")
    (pair_gold,) = store.gold_kind_answers("pairs")
    assert store.gold_kind_answers("pairs")[pair_gold] == {"ranking": [0, 1]}
    store.save_annotations(
        [
            Annotation(intent_gold, "ann", answer={"labels": ["shipping"]}),
            Annotation(intent_gold, "bob", answer={"labels": ["billing"]}),
            Annotation(pair_gold, "ann", answer={"ranking": [0, 1]}),
            Annotation(pair_gold, "bob", answer={"ranking": [1, 0]}),
        ]
    )
    for queue in ("intent", "pairs"):
        report, _ = queue_aggregate(store, queue, check_labels=False)
        assert report.gold_items == 1 and not report.results  # gold is not aggregated as data
        assert report.annotators["ann"].gold_accuracy == 1.0 and report.annotators["bob"].gold_accuracy == 0.0


def test_gold_of_another_kind_needs_an_answer_that_fits_the_queue(chat_builder, tmp_path):
    with pytest.raises(QueueError, match=r"gold\.jsonl: record 1: queue 'intent' is a classification queue"):
        chat_builder.gold("intent", [{"text": "Where is my parcel?"}], "gold.jsonl")
    with pytest.raises(QueueError, match=r"record 1: .*each of the item's 2 response indices"):
        chat_builder.gold(
            "pairs",
            [{"prompt": "Hi?", "responses": ["a", "b"], "answer": {"ranking": [0, 1, 2]}}],
            "gold.jsonl",
        )
    with pytest.raises(QueueError, match=r"label\(s\) not of queue 'intent'"):
        chat_builder.gold("intent", [{"text": "Hello", "answer": {"labels": ["nope"]}}], "gold.jsonl")
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    store.configure({"pairs": QueueSettings(task="preference")})
    with pytest.raises(QueueError, match="a preference gold item needs its prompt and responses"):
        store.add_gold("pairs", [GoldItem("Which is better?", (), answer={"ranking": [0, 1]})])
    store.close()


def test_prompt_text_of_a_chat_prompt_is_its_messages():
    chat = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}]
    (item,) = preference_items([{"id": "X-1", "messages": chat, "responses": ["Hello!", "Go away."]}])
    assert prompt_text(item) == "Be brief.\nHi?"


def test_three_responses_are_ranked_and_go_to_label_studio_as_a_ranker(tmp_path, scrubline_home):
    from label_studio_sdk.label_interface import LabelInterface

    records, better = generate_preference_pairs(50, seed=8)
    truth = {}
    for record in records:  # a third, always worst response
        record["responses"].append("No idea, sorry.")
        best = better[record["id"]]
        truth[record["id"].lower()] = [best, 1 - best, 2]
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({"pairs": PAIRS})
    store.enqueue(preference_items(records))
    store.save_annotations(
        Annotation(r["id"].lower(), who, answer={"ranking": truth[r["id"].lower()]})
        for r in records[:35]
        for who in ("alice", "bob")
    )
    report = train_queue_model(store, "pairs")
    assert report.model.meta["train_pairs"] == 3 * report.train_size and report.metrics["pairs"] == 21
    suggest(store, "pairs", report.model)
    served = store.pull("pairs", "dora", 5)
    assert all(sorted(i.suggestion["ranking"]) == [0, 1, 2] for i in served)
    assert all(math.isclose(sum(i.suggestion["scores"].values()), 1.0, abs_tol=1e-5) for i in served)
    interface = LabelInterface(label_studio_config_for(PAIRS, [], responses=3))
    for item, task in zip(served, get_format("label-studio").records(served, [], PAIRS), strict=True):
        (prediction,) = task["predictions"]
        assert interface.validate_prediction(prediction, return_errors=True) == []
        ranked = prediction["result"][0]["value"]["ranker"]["ranking"]
        assert ranked == [str(i) for i in item.suggestion["ranking"]]
    store.close()


def test_autolabel_through_the_cli_marks_the_auto_rankings(pairs, tmp_path, capsys):
    from flows.cli import main

    store, _, _ = pairs
    path = str(store.path)
    assert main(["queue", "--store", path, "train", "pairs", "--no-suggest"]) == 0
    capsys.readouterr()
    export = tmp_path / "auto.jsonl"
    assert main(["queue", "--store", path, "autolabel", "pairs", "--export", str(export), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    lines = [json.loads(x) for x in export.read_text().splitlines()]
    assert len(lines) == done["accepted"] > 0 and done["spot_checked"] > 0
    assert all(
        x["origin"] == "model" and x["auto"] and sorted(x["answer"]["ranking"]) == [0, 1] for x in lines
    )


def test_a_preference_queue_refuses_spacy(pairs):
    store, _, _ = pairs
    with pytest.raises(ModelError, match=r"queue 'pairs' is a preference queue: its model is scikit-learn's"):
        train_queue_model(store, "pairs", library="spacy")
    with pytest.raises(ValueError, match="task 'preference' learns a scikit-learn reward model"):
        QueueSettings(task="preference", model={"kind": "spacy"})


def test_gold_add_builds_a_preference_gold_item_from_the_policy(tmp_path, scrubline_home, capsys, repo):
    from flows.cli import main

    gold = tmp_path / "gold.jsonl"
    record = {
        "prompt": "How do I reset my password?",
        "responses": ["Use Profile > Security > Reset.", "No idea."],
        "answer": {"ranking": [0, 1]},
    }
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    path = tmp_path / "queues.sqlite3"
    policy = str(repo / "policies" / "chat-annotation.yaml")
    args = ["queue", "--store", str(path), "gold", "add", str(gold), "--queue", "pairs", "--policy", policy]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("1 gold items added to pairs")
    with SQLiteQueueStore(path) as store:
        ((gold_id, answer),) = store.gold_kind_answers("pairs").items()
        (item,) = store.items([gold_id])
    assert answer == {"ranking": [0, 1]} and item.gold and item.task == "preference"
    assert item.content == {"prompt": record["prompt"], "responses": record["responses"]}
    assert item.text.startswith("[prompt]\nHow do I reset my password?\n\n[response 1]\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"prompt": "Hi?", "responses": ["a", "b"]}) + "\n", encoding="utf-8")
    assert main([*args[:5], str(bad), *args[6:]]) == 1
    assert "bad.jsonl: record 1: queue 'pairs' is a preference queue" in capsys.readouterr().err


def test_gold_answers_come_back_from_label_studio_and_are_scored_as_their_kind(tmp_path, chat_builder):
    """The whole round: gold items pulled with regular ones, answered in Label Studio's own
    export format, imported (each answer checked against the gold item's kind and content),
    and each annotator scored on the gold item as that kind."""
    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.formats import import_annotations
    from tests.unit.test_queues_kinds import label_studio_result

    store, intent, prefs = gold_world(tmp_path, chat_builder)
    answers = {
        "intent": ({"labels": ["shipping"]}, {"labels": ["other"]}),
        "pairs": ({"ranking": [0, 1]},) * 2,
    }
    for queue, settings in (("intent", intent), ("pairs", prefs)):
        for who, answer in zip(("ann", "bob"), answers[queue], strict=True):
            served = store.pull(queue, who, 4)
            tasks = get_format("label-studio").records(served, settings.labels, settings)
            for number, task in enumerate(tasks, 1):
                result = label_studio_result(settings.task.value, settings, answer)
                task.update(id=number, annotations=[{"id": number, "completed_by": 1, "result": result}])
            done = tmp_path / f"{queue}-{who}.json"
            done.write_text(json.dumps(tasks))
            assert any(i.gold for i in served)
            assert import_annotations(store, "label-studio", done, annotator=who).saved == len(served)
        report, _ = queue_aggregate(store, queue, check_labels=False)
        assert report.gold_items == 1
        assert report.annotators["ann"].gold_accuracy == 1.0
        assert report.annotators["bob"].gold_accuracy == (0.0 if queue == "intent" else 1.0)


def test_diversity_order_works_for_a_preference_queue(tmp_path, scrubline_home):
    settings = QueueSettings.model_validate({**PAIRS.model_dump(mode="json"), "order": "diversity"})
    records, better = generate_preference_pairs(80, seed=4)
    store = SQLiteQueueStore(tmp_path / "queues.sqlite3")
    store.configure({"pairs": settings})
    store.enqueue(preference_items(records, settings=settings))
    store.save_annotations(rank(records[:40], better))
    model = train_queue_model(store, "pairs").model
    assert suggest(store, "pairs", model, batch=5) == 40
    waiting = {i.item_id: i for i in store.open_items("pairs")}
    batch = sorted(waiting.values(), key=lambda i: -i.priority)[:5]
    assert all(1.0 < i.priority <= 1.5 for i in batch)  # the diverse batch is served first
    served = store.pull("pairs", "dora", 5)
    assert {i.item_id for i in served} == {i.item_id for i in batch}
    store.close()
