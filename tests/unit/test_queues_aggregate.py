"""Crowd quality control: aggregation against a generator's truth, agreement against hand
computations, cleanlab on planted errors, the final dataset through the CLI on a real store."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from redaction.queues import Annotation, GoldItem, NewItem, SQLiteQueueStore
from redaction.queues.aggregate import (
    aggregate,
    annotator_scores,
    flag_label_errors,
    kind_agreement,
    order_agreement,
)
from redaction.routing import QueueSettings
from tests.data.crowd_data import INTENTS, crowd_votes, intent_texts

# Three careful annotators of decreasing skill and one who systematically confuses each intent
# with the next one (billing -> shipping -> account -> billing).
CROWD = {
    "ann": ("careful", 0.8),
    "bob": ("careful", 0.65),
    "cyd": ("careful", 0.6),
    "zed": ("systematic", 0.9),
}


def accuracy(results, truth) -> float:
    return sum(results[i].answer["labels"][0] == truth[i] for i in truth) / len(truth)


def test_dawid_skene_recovers_the_truth_better_than_majority_vote_with_one_bad_annotator():
    truth, votes = crowd_votes(200, CROWD, seed=7)
    majority = accuracy(aggregate("classification", votes, "majority", labels=INTENTS), truth)
    dawid_skene = accuracy(aggregate("classification", votes, "dawid-skene", labels=INTENTS), truth)
    # Measured with seed 7: majority 0.69, Dawid-Skene 0.93, MACE 0.81 (it reads zed's confusion through).
    assert majority < 0.75
    assert dawid_skene > 0.9
    assert dawid_skene - majority > 0.15


def test_mace_also_beats_majority_vote():
    truth, votes = crowd_votes(80, CROWD, seed=3)
    majority = accuracy(aggregate("classification", votes, "majority", labels=INTENTS), truth)
    mace = accuracy(aggregate("classification", votes, "mace", labels=INTENTS), truth)
    assert mace > majority


def test_item_provenance_counts_votes_and_agreement():
    votes = [
        ("a", "ann", {"labels": ["billing"]}),
        ("a", "bob", {"labels": ["billing"]}),
        ("a", "cyd", {"labels": ["shipping"]}),
        ("b", "ann", {"labels": ["account"]}),
        ("c", "model@1", {"labels": ["billing"]}),
        ("d", "model@1", {"labels": ["billing"]}),
        ("d", "bob", {"labels": ["shipping"]}),
    ]
    origins = {("c", "model@1"): "model", ("d", "model@1"): "model"}
    out = aggregate("classification", votes, labels=INTENTS, origins=origins)
    assert out["a"].answer == {"labels": ["billing"]}
    assert out["a"].votes == {"billing": 2, "shipping": 1}
    assert out["a"].agreement == pytest.approx(2 / 3)
    assert (out["a"].origin, out["a"].annotators) == ("aggregated", 3)
    assert (out["b"].origin, out["b"].agreement) == ("human", None)
    assert out["c"].origin == "model"
    # A person's spot check outvotes the model's answer: the model does not vote beside people.
    assert (out["d"].origin, out["d"].answer) == ("human", {"labels": ["shipping"]})


def test_multi_label_rating_preference_spans_and_text():
    multi = aggregate(
        "classification",
        [
            ("x", "ann", {"labels": ["billing", "account"]}),
            ("x", "bob", {"labels": ["billing"]}),
            ("x", "cyd", {"labels": ["billing", "account"]}),
            ("x", "dee", {"rating": 3}),
        ],
        labels=INTENTS,
        multi=True,
    )
    assert multi["x"].answer == {"labels": ["billing", "account"]}
    # Jaccard with the final set: 1, 1/2, 1. An answer of another shape is left out.
    assert multi["x"].agreement == pytest.approx(2.5 / 3)

    rating = aggregate(
        "rating", [("x", "ann", {"rating": 2}), ("x", "bob", {"rating": 4}), ("x", "cyd", {"rating": 5})]
    )
    assert rating["x"].answer == {"rating": 4}  # no mode: the one nearest the median (4)

    pref = aggregate(
        "preference",
        [
            ("x", "ann", {"ranking": [2, 0, 1]}),
            ("x", "bob", {"ranking": [2, 1, 0]}),
            ("x", "cyd", {"ranking": [0, 2, 1]}),
        ],
    )
    # Chosen: 2 (two votes); the rest by Borda count: 0 has 2+0+1... = 1+0+2 = 3, 1 has 0+1+0 = 1.
    assert pref["x"].answer == {"ranking": [2, 0, 1]}

    span = lambda s, e, label="PERSON": {"start": s, "end": e, "label": label}  # noqa: E731
    spans = aggregate(
        "spans",
        [
            ("x", "ann", {"spans": [span(0, 4), span(10, 14, "LOCATION")]}),
            ("x", "bob", {"spans": [span(0, 4)]}),
            ("x", "cyd", {"spans": [span(0, 5), span(10, 14, "LOCATION")]}),
        ],
    )
    assert spans["x"].answer == {"spans": [span(0, 4), span(10, 14, "LOCATION")]}

    text = aggregate(
        "text",
        [
            ("x", "ann", {"text": "Thanks, your refund is on its way."}),
            ("x", "bob", {"text": "Thanks, your refund is on the way."}),
            ("x", "cyd", {"text": "No."}),
        ],
        "dawid-skene",
    )
    assert text["x"].answer == {"text": "Thanks, your refund is on its way."}
    assert text["x"].method == "medoid"


def test_classification_kappa_alpha_and_fleiss_match_the_hand_computation():
    # ann: x x y y; bob: x y y y.
    votes = [(f"u{i}", "ann", {"labels": [v]}) for i, v in enumerate("xxyy")]
    votes += [(f"u{i}", "bob", {"labels": [v]}) for i, v in enumerate("xyyy")]
    report = kind_agreement("classification", votes)
    # Cohen: po = 3/4, pe = .5 * .25 + .5 * .75 = .5, kappa = (.75 - .5) / .5.
    assert report.pairs[0]["value"] == pytest.approx(0.5)
    # Krippendorff (nominal): n = 8, n_x = 3, n_y = 5, two disagreeing pairs:
    # alpha = 1 - (n - 1) * 2 / (2 * n_x * n_y) = 1 - 14 / 30.
    assert report.figures["krippendorff_alpha_nominal"] == pytest.approx(16 / 30)
    # Fleiss: P-bar = 3/4, Pe = (3/8)^2 + (5/8)^2 = 34/64.
    assert report.figures["fleiss_kappa"] == pytest.approx((0.75 - 34 / 64) / (1 - 34 / 64))


def test_rating_ordinal_alpha_and_weighted_kappa_match_the_hand_computation():
    votes = [(f"u{i}", "ann", {"rating": v}) for i, v in enumerate((1, 2, 3))]
    votes += [(f"u{i}", "bob", {"rating": v}) for i, v in enumerate((1, 2, 2))]
    report = kind_agreement("rating", votes, scale=range(1, 6))
    # Ordinal: n_1 = 2, n_2 = 3, n_3 = 1; delta(2,3) = ((3 + 1) / 2)^2 = 4, so Do = 2 * 4;
    # De = 2 * (2*3*(5/2)^2 + 2*1*(6 - 3/2)^2 + 3*1*4) = 180; alpha = 1 - 5 * 8 / 180.
    assert report.figures["krippendorff_alpha_ordinal"] == pytest.approx(1 - 40 / 180)
    # Quadratic kappa: sum w*O = 1, sum w*E = 9/3, kappa = 1 - 1/3.
    assert report.pairs[0]["value"] == pytest.approx(2 / 3)


def test_preference_pairwise_agreement_and_span_f1():
    assert order_agreement([0, 1, 2], [1, 0, 2]) == pytest.approx(2 / 3)
    report = kind_agreement(
        "preference", [("p", "ann", {"ranking": [0, 1, 2]}), ("p", "bob", {"ranking": [1, 0, 2]})]
    )
    assert report.figures["pairwise_agreement"] == pytest.approx(2 / 3)
    span = lambda s, e: {"start": s, "end": e, "label": "PERSON"}  # noqa: E731
    spans = kind_agreement(
        "spans", [("t", "ann", {"spans": [span(0, 4), span(6, 9)]}), ("t", "bob", {"spans": [span(0, 4)]})]
    )
    # One of two and one of one match: F1 = 2 * 1 / (2 + 1).
    assert spans.figures["mean_pairwise_span_f1"] == pytest.approx(2 / 3)


def test_annotator_accuracy_on_gold_and_on_the_aggregate():
    votes = [
        ("g1", "ann", {"labels": ["billing"]}),
        ("g2", "ann", {"labels": ["account"]}),
        ("g1", "bob", {"labels": ["shipping"]}),
        ("a", "ann", {"labels": ["billing"]}),
        ("a", "bob", {"labels": ["billing"]}),
        ("a", "cyd", {"labels": ["account"]}),
    ]
    gold = {"g1": {"labels": ["billing"]}, "g2": {"labels": ["shipping"]}}
    regular = [v for v in votes if v[0] not in gold]
    scores = annotator_scores("classification", votes, aggregate("classification", regular), gold)
    assert (scores["ann"].gold_items, scores["ann"].gold_accuracy) == (2, 0.5)
    assert (scores["bob"].gold_items, scores["bob"].gold_accuracy) == (1, 0.0)
    assert (scores["cyd"].gold_items, scores["cyd"].gold_accuracy) == (0, None)
    assert scores["ann"].agreement_accuracy == 1.0 and scores["cyd"].agreement_accuracy == 0.0


def test_cleanlab_flags_planted_label_errors():
    truth, _ = crowd_votes(150, {}, seed=11)
    texts = intent_texts(truth, seed=11)
    planted = sorted(truth)[::15]  # ten items whose label is wrong
    labels = dict(truth)
    for item in planted:
        labels[item] = INTENTS[(INTENTS.index(truth[item]) + 1) % 3]
    issues = flag_label_errors(texts, labels)
    found = set(issues.items) & set(planted)
    assert issues.checked == 150
    assert len(found) >= 8, (len(found), len(issues.items))
    assert len(issues.items) <= 20  # few false alarms


# --- a real store, through the CLI ---------------------------------------------------------------


@pytest.fixture
def store(tmp_path, scrubline_home):
    """An intent queue of generated support messages: 30 items answered by three annotators
    (one of them systematic), two gold items, and one item nobody answered yet."""
    path = tmp_path / "queues.sqlite3"
    store = SQLiteQueueStore(path)
    store.configure({"intent": QueueSettings(overlap=3, labels=INTENTS, task="classification")})
    truth, votes = crowd_votes(31, {k: CROWD[k] for k in ("ann", "bob", "zed")}, seed=5)
    texts = intent_texts(truth, seed=5)
    store.enqueue(
        NewItem(
            item_id=item,
            queue="intent",
            text=texts[item],
            record={"id": item, "body": texts[item]},
            record_id=item,
            task="classification",
            content={"messages": [{"role": "user", "content": texts[item]}]},
        )
        for item in truth
    )
    last = sorted(truth)[-1]
    store.save_annotations(
        Annotation(item, who, answer=answer) for item, who, answer in votes if item != last
    )
    store.add_gold(
        "intent",
        [
            GoldItem(
                "Where is my parcel? The courier tracking says arrived.", (), answer={"labels": ["shipping"]}
            ),
            GoldItem("I was overcharged on my invoice, please refund.", (), answer={"labels": ["billing"]}),
        ],
    )
    golds = sorted(store.gold_kind_answers("intent"))
    store.save_annotations(
        [
            Annotation(golds[0], "ann", answer=store.gold_kind_answers("intent")[golds[0]]),
            Annotation(golds[1], "ann", answer=store.gold_kind_answers("intent")[golds[1]]),
            Annotation(golds[0], "zed", answer={"labels": ["account"]}),
        ]
    )
    store.close()
    return path, truth


def scrubline(capsys, *args) -> str:
    from flows.cli import main

    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_store_keeps_answers_origins_and_gold_answers(store):
    path, truth = store
    with SQLiteQueueStore(path) as s:
        notes = s.annotations("intent")
        assert {n.origin for n in notes} == {"human"}
        assert all(n.answer and n.answer["labels"][0] in INTENTS for n in notes)
        assert sorted(a["labels"][0] for a in s.gold_kind_answers("intent").values()) == [
            "billing",
            "shipping",
        ]
        assert s.gold_answers("intent") == {}  # no span gold here
        item = s.items([sorted(truth)[0]])[0]
        assert item.task == "classification" and item.content["messages"][0]["role"] == "user"


def test_queue_aggregate_prints_the_summary_and_is_audited(store, capsys):
    from redaction.audit import AuditLog

    path, _ = store
    out = json.loads(
        scrubline(
            capsys,
            "queue",
            "--store",
            str(path),
            "aggregate",
            "intent",
            "--method",
            "dawid-skene",
            "--format",
            "json",
        )
    )
    assert out["kind"] == "classification" and out["method"] == "dawid-skene"
    assert (out["items"], out["unannotated"], out["gold_items"]) == (30, 1, 2)
    assert out["origins"] == {"aggregated": 30}
    assert out["annotators"]["ann"]["gold_items"] == 2 and out["annotators"]["ann"]["gold_accuracy"] == 1.0
    assert out["annotators"]["zed"]["gold_accuracy"] == 0.0
    assert out["agreement"]["krippendorff_alpha_nominal"] is not None
    text = scrubline(capsys, "queue", "--store", str(path), "aggregate", "intent")
    assert "Aggregated labels of queue intent: classification, method majority" in text
    with AuditLog() as log:
        rows = log._db.execute("SELECT body FROM entries WHERE type = 'labels_aggregated'").fetchall()
        assert len(rows) == 2
        bodies = [json.loads(body) for (body,) in rows]
        assert sorted(b["method"] for b in bodies) == ["dawid-skene", "majority"]
        assert all(b["items"] == 30 and b["origins"] == {"aggregated": 30} for b in bodies)
        assert log.verify().ok


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "hf"])
def test_dataset_export_round_trip_with_provenance(store, capsys, tmp_path, fmt, no_network):
    from redaction.audit import AuditLog
    from redaction.io import file_sha256

    path, truth = store
    out = tmp_path / f"final-{fmt}"
    said = scrubline(
        capsys, "queue", "--store", str(path), "dataset", "intent", "--out", str(out), "--format", fmt,
        "--method", "dawid-skene",
    )  # fmt: skip
    assert f"30 rows of queue intent (classification, dawid-skene) written to {out}" in said
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out / "data.parquet").to_pylist()
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]
    else:
        import datasets

        cache = str(tmp_path / "hf-cache")
        loaded = datasets.load_dataset(str(out), split="train", cache_dir=cache)
        rows = loaded.to_list()
        assert datasets.load_dataset(str(out), cache_dir=cache)["train"].num_rows == 30
    assert len(rows) == 30
    row = rows[0]
    assert set(row) >= {
        "item_id",
        "text",
        "label",
        "origin",
        "annotators",
        "votes",
        "agreement",
        "method",
        "flagged",
    }
    assert all(
        r["origin"] == "aggregated" and r["annotators"] == 3 and r["method"] == "dawid-skene" for r in rows
    )
    assert all(sum(json.loads(r["votes"]).values()) == 3 for r in rows)
    assert "record" not in row and "record_id" not in row
    right = sum(r["label"] == truth[r["item_id"]] for r in rows)
    assert right >= 24  # Dawid-Skene reads zed's confusion through (measured: 29 of 30)
    card = (out / "README.md").read_text()
    assert "redacted" in card and "dawid-skene" in card and "krippendorff_alpha_nominal" in card
    assert "| annotator 3 |" in card and not re.search(r"\b(ann|bob|zed)\b", card)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".final-{fmt}")]  # no temp left
    if fmt == "hf":  # the data file's name carries its digest (see the next test)
        (data,) = (out / "data").glob("train-00000-of-00001-*.parquet")
        assert data.name == f"train-00000-of-00001-{file_sha256(data)[:16]}.parquet"
        assert f"path: data/{data.name}" in card
    else:
        data = out / {"parquet": "data.parquet", "jsonl": "data.jsonl"}[fmt]
    with AuditLog() as log:
        (body,) = [
            json.loads(b)
            for (b,) in log._db.execute("SELECT body FROM entries WHERE type = 'dataset_exported'")
        ]
        assert body["rows"] == 30 and body["format"] == fmt
        assert {f["path"]: f["sha256"] for f in body["files"]}[str(data.relative_to(out))] == file_sha256(
            data
        )
        assert "text" not in body and all(t not in json.dumps(body) for t in list(truth)[:3])
        assert log.verify().ok


def test_a_new_hf_export_in_a_folder_of_the_same_name_does_not_load_the_old_rows_from_the_cache(
    store, tmp_path, no_network
):
    """`datasets` names its cache after the folder's name and the card's config, not the data:
    with one fixed file name, the second export loaded the first one's rows (seen in an e2e test
    whose home cache held an earlier run's `intent-dataset`)."""
    import datasets

    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.dataset import write_dataset

    path, _ = store
    with SQLiteQueueStore(path) as s:
        report, items = queue_aggregate(s, "intent")
    first, second = tmp_path / "a" / "final", tmp_path / "b" / "final"
    write_dataset(report, items, first, "hf")
    fewer = dataclasses.replace(report, results=dict(list(report.results.items())[:10]))
    write_dataset(fewer, items, second, "hf")
    cache = str(tmp_path / "hf-cache")
    assert datasets.load_dataset(str(first), split="train", cache_dir=cache).num_rows == 30
    assert datasets.load_dataset(str(second), split="train", cache_dir=cache).num_rows == 10


def test_dataset_export_leaves_nothing_when_the_audit_fails(store, tmp_path):
    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.dataset import write_dataset

    path, _ = store
    with SQLiteQueueStore(path) as s:
        report, items = queue_aggregate(s, "intent")

    def fail(files):
        raise RuntimeError("audit log unavailable")

    with pytest.raises(RuntimeError):
        write_dataset(report, items, tmp_path / "final", "hf", before_publish=fail)
    assert list(tmp_path.glob("*final*")) == []


def test_agreement_command_measures_a_classification_queue(store, capsys):
    path, _ = store
    out = json.loads(scrubline(capsys, "queue", "--store", str(path), "agreement", "intent", "--json"))
    assert out["kind"] == "classification" and out["items"] == 30
    assert {"krippendorff_alpha_nominal", "fleiss_kappa", "mean_cohen_kappa"} <= set(out)


def test_preference_queue_exports_prompt_chosen_rejected_and_model_origin(tmp_path, scrubline_home, capsys):
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(21)
    path = tmp_path / "queues.sqlite3"
    with SQLiteQueueStore(path) as store:
        store.configure({"pairs": QueueSettings(overlap=3, task="preference")})
        items = {}
        for k in range(4):
            prompt = fake.sentence(nb_words=8)
            responses = [fake.sentence(nb_words=10), fake.sentence(nb_words=10)]
            items[f"pair-{k}"] = {"prompt": prompt, "responses": responses}
        store.enqueue(
            NewItem(
                item_id=item,
                queue="pairs",
                text=content["prompt"] + "\n\n" + "\n\n".join(content["responses"]),
                record={"id": item, **content},
                record_id=item,
                task="preference",
                content=content,
            )
            for item, content in items.items()
        )
        rankings = {  # pair-3 only has a model's auto-accepted answer
            "pair-0": {"ann": [1, 0], "bob": [1, 0], "cyd": [0, 1]},
            "pair-1": {"ann": [0, 1], "bob": [0, 1], "cyd": [0, 1]},
            "pair-2": {"ann": [1, 0], "bob": [0, 1], "cyd": [1, 0]},
        }
        store.save_annotations(
            Annotation(item, who, answer={"ranking": r})
            for item, notes in rankings.items()
            for who, r in notes.items()
        )
        store.save_annotations([Annotation("pair-3", "model@1", answer={"ranking": [0, 1]}, origin="model")])
    out = tmp_path / "pairs"
    scrubline(
        capsys, "queue", "--store", str(path), "dataset", "pairs", "--out", str(out), "--format", "jsonl"
    )
    rows = {r["item_id"]: r for r in map(json.loads, (out / "data.jsonl").read_text().splitlines())}
    assert rows["pair-0"]["ranking"] == [1, 0] and rows["pair-0"]["chosen"] == items["pair-0"]["responses"][1]
    assert rows["pair-0"]["rejected"] == items["pair-0"]["responses"][0]
    assert rows["pair-0"]["prompt"] == items["pair-0"]["prompt"]
    assert json.loads(rows["pair-0"]["votes"]) == {"0": 1, "1": 2}
    assert rows["pair-0"]["agreement"] == pytest.approx(2 / 3)
    assert rows["pair-1"]["agreement"] == 1.0 and rows["pair-1"]["origin"] == "aggregated"
    assert (rows["pair-3"]["origin"], rows["pair-3"]["annotators"]) == ("model", 1)
    # Pairwise agreement over the 9 annotator pairs of three items: pair-0 and pair-2 one of
    # three pairs agree, pair-1 all three: 5 / 9. Chosen response, nominal alpha: computed too.
    agreement = json.loads(scrubline(capsys, "queue", "--store", str(path), "agreement", "pairs", "--json"))
    assert agreement["pairwise_agreement"] == pytest.approx(5 / 9, abs=1e-4)
    assert agreement["items"] == 3  # the model-only item is not an agreement unit


def test_gold_add_takes_answers_for_a_classification_queue(tmp_path, scrubline_home, capsys, repo):
    from redaction.audit import AuditLog

    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {"text": "My parcel never arrived, the courier lost it.", "answer": {"labels": ["shipping"]}}
        )
        + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "queues.sqlite3"
    policy = repo / "policies" / "chat-annotation.yaml"
    said = scrubline(
        capsys,
        "queue",
        "--store",
        str(path),
        "gold",
        "add",
        str(gold),
        "--queue",
        "intent",
        "--policy",
        str(policy),
    )
    assert said.startswith("1 gold items added to intent")
    with SQLiteQueueStore(path) as store:
        assert list(store.gold_kind_answers("intent").values()) == [{"labels": ["shipping"]}]
    with AuditLog() as log:
        assert log.verify().ok


def test_spans_and_rating_queues_aggregate_from_a_store(tmp_path, scrubline_home):
    import pyarrow.parquet as pq

    from redaction.queues import Span
    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.dataset import write_dataset

    path = tmp_path / "queues.sqlite3"
    text = "Ann Lee wrote from Lyon on Monday."
    with SQLiteQueueStore(path) as store:
        store.configure(
            {
                "annotation": QueueSettings(overlap=2),
                "helpfulness": QueueSettings(overlap=3, task="rating", scale={"min": 1, "max": 5}),
            }
        )
        store.enqueue(
            [
                NewItem("s1", "annotation", text, {"id": "s1", "body": text}, "s1"),
                NewItem("r1", "helpfulness", "answer one", {"id": "r1"}, "r1", task="rating"),
                NewItem("r2", "helpfulness", "answer two", {"id": "r2"}, "r2", task="rating"),
            ]
        )
        person, city = Span(0, 7, "PERSON"), Span(19, 23, "LOCATION")
        store.save_annotations(
            [
                Annotation("s1", "ann", (person, city)),
                Annotation("s1", "bob", (person,)),
                *(Annotation("r1", w, answer={"rating": r}) for w, r in (("ann", 4), ("bob", 4), ("cyd", 5))),
                *(Annotation("r2", w, answer={"rating": r}) for w, r in (("ann", 2), ("bob", 1), ("cyd", 2))),
            ]
        )
        store.add_gold("annotation", [GoldItem(text, (person, city))])
        (gold_id,) = store.gold_answers("annotation")
        store.save_annotations([Annotation(gold_id, "bob", (person,))])
        spans, items = queue_aggregate(store, "annotation")
        ratings, _ = queue_aggregate(store, "helpfulness", "dawid-skene")
    # Two annotators: a span one of two marked is a tie between its label and O; majority
    # breaks ties towards O, so only the span both marked is kept.
    assert spans.kind == "spans" and spans.results["s1"].answer == {"spans": [person.to_dict()]}
    assert spans.agreement.figures["mean_pairwise_span_f1"] == pytest.approx(2 / 3)
    assert spans.annotators["bob"].gold_accuracy == pytest.approx(2 / 3)  # F1 of 1 of 2 spans
    assert {i: r.answer for i, r in ratings.results.items()} == {"r1": {"rating": 4}, "r2": {"rating": 2}}
    assert ratings.agreement.figures["krippendorff_alpha_ordinal"] is not None
    written = write_dataset(spans, items, tmp_path / "spans", "parquet")
    (row,) = pq.read_table(tmp_path / "spans" / "data.parquet").to_pylist()
    assert row["spans"] == [{"start": 0, "end": 7, "label": "PERSON"}] and written["rows"] == 1
    assert row["votes"] == json.dumps({"0-7:PERSON": 2, "19-23:LOCATION": 1}, sort_keys=True)


def test_cleanlab_flags_multi_label_errors_too():
    truth, _ = crowd_votes(120, {}, seed=13)
    texts = intent_texts(truth, seed=13)
    labels = {item: [label] for item, label in truth.items()}
    planted = sorted(truth)[::12]
    for item in planted:
        labels[item] = [INTENTS[(INTENTS.index(truth[item]) + 1) % 3]]
    issues = flag_label_errors(texts, labels, multi=True)
    assert issues.checked == 120
    found = set(issues.items) & set(planted)
    # Measured with seed 13: 7 of the 10 planted errors flagged, and nothing else (label by
    # label, an error is one missing and one extra label, each judged on its own).
    assert len(found) >= 6 and len(found) / len(issues.items) >= 0.8, (issues.items, planted)


def test_dataset_refuses_a_folder_that_is_not_an_export(store, tmp_path):
    from redaction.queues import QueueError
    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.dataset import write_dataset

    path, _ = store
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    with SQLiteQueueStore(path) as s:
        report, items = queue_aggregate(s, "intent", check_labels=False)
    with pytest.raises(QueueError, match="exists and is not a dataset export"):
        write_dataset(report, items, taken, "jsonl")
    assert (taken / "notes.txt").read_text() == "mine"
    write_dataset(report, items, tmp_path / "again", "jsonl")
    write_dataset(report, items, tmp_path / "again", "parquet")  # an earlier export is replaced
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == [
        "README.md",
        "data.parquet",
        "scrubline-dataset.json",
    ]


def test_dawid_skene_and_mace_return_what_perfect_annotators_agree_on():
    from redaction.queues.aggregate import categorical

    votes = [(f"t{i}", w, label) for i, label in enumerate("abcabca") for w in ("ann", "bob", "cyd")]
    for method in ("dawid-skene", "mace"):
        result = categorical(votes, method)
        assert result.labels == {f"t{i}": label for i, label in enumerate("abcabca")}
        assert min(result.confidence.values()) > 0.99
