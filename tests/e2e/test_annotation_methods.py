"""Issue 16 end to end, on the bundled chat samples and a real Label Studio server: the
classification queue `intent` and the preference queue `pairs` are pushed to Label Studio,
annotated through its API by three users (two careful, one careless), synced back; a model is
trained on the intents people gave, labels the rest above a threshold with spot checks that
people answer blind; a reward model learns from the pairs people ranked and ranks the other
ten (`origin: model`); the answers are aggregated (Dawid-Skene) and the final datasets exported
(Hugging Face layout, Parquet) with each label's provenance. The audit log holds every step
and verifies; no input e-mail address reaches Label Studio, the datasets or the audit log."""

from __future__ import annotations

import json
import random
import re
import secrets
import sqlite3

import httpx
import pyarrow.parquet as pq
import pytest

from redaction.queues import SQLiteQueueStore
from tests.data.chat_data import INTENTS, generate_chats, generate_preferences
from tests.e2e.helpers import scrubline

pytestmark = [pytest.mark.e2e, pytest.mark.label_studio]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ANNOTATORS = ("alice", "bob", "carol")
HUMAN = 40  # chats people label; the other 20 are left to the model
PAIRS_HUMAN = 30  # preference pairs people rank; the other 10 are left to the reward model


def ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def tasks_of(admin: httpx.Client, title: str) -> list[dict]:
    project = next(p for p in admin.get("/api/projects").json()["results"] if p["title"] == title)
    return admin.get(
        f"/api/projects/{project['id']}/export", params={"exportType": "JSON", "download_all_tasks": "true"}
    ).json()


def client(url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=url, headers={"Authorization": f"Token {token}"}, trust_env=False, timeout=60
    )


def answer(as_user: httpx.Client, task: dict, body: dict) -> None:
    made = as_user.post(f"/api/tasks/{task['id']}/annotations", json=body)
    assert made.status_code == 201, made.text[:300]


def test_classification_and_preference_queues_through_label_studio_train_autolabel_aggregate_export(
    repo, tmp_path, label_studio, prefect_api
):
    url, token = label_studio
    home, out = tmp_path / "home", tmp_path / "out"
    env = {
        "SCRUBLINE_HOME": str(home),
        "PREFECT_API_URL": prefect_api,
        "LABEL_STUDIO_API_KEY": token,
        "SCRUBLINE_ACTOR": "coordinator",
    }

    def run(*args: str):
        return ok(scrubline(*args, env=env, timeout=900))

    summary = json.loads(
        run(
            "run", str(repo / "samples" / "chat"),
            "--policy", str(repo / "policies" / "chat-annotation.yaml"),
            "--out", str(out), "--workers", "1", "--json", "--no-progress",
        ).stdout
    )  # fmt: skip
    chats, intents = generate_chats()
    pairs, better = generate_preferences()
    assert summary["records_in"] == len(chats) + len(pairs) and summary["reconciled"]
    emails = {m for r in chats + pairs for m in EMAIL.findall(json.dumps(r, ensure_ascii=False))}
    assert emails, "the samples carry e-mail addresses to redact"

    tokens = {name: secrets.token_hex(16) for name in ANNOTATORS}
    users = label_studio.add_users(
        [{"email": f"{n}@example.org", "username": n, "token": tokens[n]} for n in ANNOTATORS]
    )
    assert sorted(users) == [f"{n}@example.org" for n in ANNOTATORS]
    mapping = [x for n in ANNOTATORS for x in ("--user", f"{n}={n}")]
    admin = httpx.Client(
        base_url=url, headers={"Authorization": f"Token {token}"}, trust_env=False, timeout=60
    )
    clients = {
        n: httpx.Client(
            base_url=url, headers={"Authorization": f"Token {tokens[n]}"}, trust_env=False, timeout=60
        )
        for n in ANNOTATORS
    }
    store_path = home / "queues" / "queues.sqlite3"
    with SQLiteQueueStore(store_path) as store:
        record_of = {
            i.item_id: i.record_id for q in ("intent", "pairs") for i in store.open_items(q)
        }  # every item is open before anyone works
    rng = random.Random(1616)

    def label(name: str, truth: str) -> str:  # carol is careless: right 60% of the time
        return truth if name != "carol" or rng.random() < 0.6 else rng.choice(INTENTS)

    # --- classification: 40 chats to three people through Label Studio ------------------------
    title = "intent (e2e)"
    pushed = run(
        "queue", "push", "intent", "--label-studio", url, "--project", title, *mapping, "--n", str(HUMAN)
    )
    assert f"{HUMAN} tasks sent" in pushed.stdout
    tasks = tasks_of(admin, title)
    assert len(tasks) == HUMAN and {t["data"]["item_id"] for t in tasks} <= set(record_of)
    assert not [e for e in emails if e in json.dumps(tasks, ensure_ascii=False)], (
        "an e-mail reached Label Studio"
    )
    skipped = tasks[0]["id"]
    for task in tasks:
        truth = intents[record_of[task["data"]["item_id"]]]
        for name in ANNOTATORS:
            if name == "carol" and task["id"] == skipped:
                body = {"result": [], "was_cancelled": True}
            else:
                region = {"from_name": "label", "to_name": "dialogue", "type": "choices",
                          "value": {"choices": [label(name, truth)]}}  # fmt: skip
                body = {"result": [region]}
            answer(clients[name], task, body)
    synced = run("queue", "sync", "intent", "--label-studio", url, "--project", title, *mapping)
    assert f"{HUMAN * 3 - 1} annotations imported" in synced.stdout, synced.stdout
    assert "1 skipped task returned (nacked) for carol" in synced.stdout

    # --- a model from those answers; it labels the other 20 above a threshold ------------------
    trained = json.loads(run("queue", "train", "intent", "--json").stdout)
    assert trained["train_size"] + trained["heldout_size"] == HUMAN
    assert trained["heldout"]["accuracy"] is not None
    assert (home / "models" / "intent" / f"v{trained['version']}" / "meta.json").is_file()
    auto = json.loads(
        run("queue", "autolabel", "intent", "--threshold", "0.3", "--spot-check", "0.3", "--json").stdout
    )
    assert auto["considered"] == len(chats) - HUMAN
    assert auto["accepted"] + auto["spot_checked"] + auto["below_threshold"] == auto["considered"]
    assert auto["accepted"] >= 1 and auto["spot_checked"] >= 1
    # People answer the spot checks blind (no suggestion in the task), alice through Label Studio.
    run("queue", "push", "intent", "--label-studio", url, "--project", title, "--user", "alice=alice",
        "--n", str(auto["spot_checked"]))  # fmt: skip
    checks = [t for t in tasks_of(admin, title) if t["data"]["item_id"] in set(auto["spot_check_items"])]
    assert len(checks) == auto["spot_checked"] and all(t["total_predictions"] == 0 for t in checks)
    for task in checks:
        truth = intents[record_of[task["data"]["item_id"]]]
        region = {
            "from_name": "label",
            "to_name": "dialogue",
            "type": "choices",
            "value": {"choices": [truth]},
        }
        assert (
            clients["alice"]
            .post(f"/api/tasks/{task['id']}/annotations", json={"result": [region]})
            .is_success
        )
    run("queue", "sync", "intent", "--label-studio", url, "--project", title, "--user", "alice=alice")
    report = json.loads(run("queue", "autolabel", "intent", "--report", "--json").stdout)
    assert report["answered"] == auto["spot_checked"] and report["accuracy"] is not None

    # --- aggregate and export the final classification dataset ---------------------------------
    aggregate = json.loads(
        run("queue", "aggregate", "intent", "--method", "dawid-skene", "--format", "json").stdout
    )
    assert aggregate["kind"] == "classification" and aggregate["agreement"]
    dataset = tmp_path / "intent-dataset"
    run("queue", "dataset", "intent", "--out", str(dataset), "--format", "hf", "--method", "dawid-skene")
    import datasets

    rows = datasets.load_dataset(str(dataset), split="train", cache_dir=str(tmp_path / "hf-cache")).to_list()
    origins = {row["origin"] for row in rows}
    assert "model" in origins and origins & {"aggregated", "human"}, origins
    human = [r for r in rows if r["origin"] != "model" and r["annotators"] >= 2]
    right = sum(r["label"] == intents[record_of[r["item_id"]]] for r in human)
    assert len(human) == HUMAN and right / len(human) >= 0.95, (right, len(human))
    assert all(r["method"] for r in rows) and all(r["origin"] for r in rows)

    # --- preference pairs: three people rank 30, a reward model ranks the other 10 --------------
    title = "pairs (e2e)"
    run("queue", "push", "pairs", "--label-studio", url, "--project", title, *mapping,
        "--n", str(PAIRS_HUMAN))  # fmt: skip
    tasks = tasks_of(admin, title)
    assert len(tasks) == PAIRS_HUMAN
    for task in tasks:
        best = better[record_of[task["data"]["item_id"]]]
        for name in ANNOTATORS:
            pick = best if name != "carol" or rng.random() < 0.6 else 1 - best
            region = {"from_name": "preference", "to_name": "preference", "type": "pairwise",
                      "value": {"selected": "left" if pick == 0 else "right"}}  # fmt: skip
            assert (
                clients[name]
                .post(f"/api/tasks/{task['id']}/annotations", json={"result": [region]})
                .is_success
            )
    synced = run("queue", "sync", "pairs", "--label-studio", url, "--project", title, *mapping)
    assert f"{PAIRS_HUMAN * 3} annotations imported" in synced.stdout
    trained = json.loads(run("queue", "train", "pairs", "--json").stdout)
    assert trained["train_size"] + trained["heldout_size"] == PAIRS_HUMAN
    assert trained["heldout"]["accuracy"] is not None
    auto = json.loads(
        run("queue", "autolabel", "pairs", "--threshold", "0.5", "--spot-check", "0.2", "--json").stdout
    )
    assert auto["considered"] == len(pairs) - PAIRS_HUMAN
    # two responses: P(top is best) >= 0.5, so every pair clears 0.5
    assert auto["accepted"] + auto["spot_checked"] == auto["considered"] and auto["accepted"] >= 1
    run("queue", "aggregate", "pairs", "--method", "majority")
    parquet = tmp_path / "pairs-dataset"
    run("queue", "dataset", "pairs", "--out", str(parquet), "--format", "parquet", "--method", "majority")
    table = pq.read_table(next(parquet.rglob("*.parquet"))).to_pylist()
    assert len(table) == PAIRS_HUMAN + auto["accepted"]
    with SQLiteQueueStore(store_path) as store:
        items = {i.item_id: i for i in store.items([r["item_id"] for r in table])}
    by_origin: dict[str, list[bool]] = {}
    for row in table:
        responses = items[row["item_id"]].content["responses"]
        best = better[record_of[row["item_id"]]]
        right = row["chosen"] == responses[best] and row["rejected"] == responses[1 - best]
        by_origin.setdefault(row["origin"], []).append(right)
        assert (row["origin"], row["annotators"]) in (("aggregated", 3), ("model", 1)), row["origin"]
    assert all(by_origin["aggregated"]) and len(by_origin["aggregated"]) == PAIRS_HUMAN
    assert len(by_origin["model"]) == auto["accepted"]  # the model's own, marked as such
    for client in (admin, *clients.values()):
        client.close()

    # --- nothing personal left the data plane; every step audited; the log verifies -----------
    written = b"".join(
        p.read_bytes() for folder in (dataset, parquet) for p in folder.rglob("*") if p.is_file()
    )
    assert not [e for e in emails if e.encode() in written], "an e-mail in a dataset"
    db = sqlite3.connect(home / "audit" / "audit.sqlite3")
    kinds = {kind for (kind,) in db.execute("SELECT DISTINCT type FROM entries")}
    bodies = "".join(body for (body,) in db.execute("SELECT body FROM entries"))
    db.close()
    assert {
        "run_started", "record_transformed", "item_pushed", "annotation_synced", "item_nacked",
        "model_trained", "items_autolabelled", "labels_aggregated", "dataset_exported",
    } <= kinds, kinds  # fmt: skip
    assert not [e for e in emails if e in bodies], "an e-mail in the audit log"
    ok(scrubline("audit", "verify", env=env))
