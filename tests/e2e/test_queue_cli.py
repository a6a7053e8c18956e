"""`scrubline queue ...` end to end: generated tickets redacted and routed by the real pipeline
stage, enqueued, pulled by two annotators in two tool formats, annotated (simulated), imported,
and measured; held items released after review. Every command runs as a real subprocess."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys

import pytest
import yaml

from redaction.policy import load_policy
from redaction.queues import SQLiteQueueStore, enqueue_rows
from tests.data.queue_data import redact_generated, simulate_annotation
from tests.e2e.helpers import checked

pytestmark = pytest.mark.e2e


def scrubline(home, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCRUBLINE_HOME": str(home)}
    result = checked(
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "queue", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def setup(tmp_path_factory, repo):
    """A policy with overlap 2 and gold items at 25%, and a store filled from a real run."""
    home = tmp_path_factory.mktemp("home")
    work = tmp_path_factory.mktemp("work")
    data = yaml.safe_load((repo / "policies" / "default.yaml").read_text())
    data["routing"]["queues"]["annotation"].update(overlap=2, gold_rate=0.25)
    policy_path = work / "policy.yaml"
    policy_path.write_text(yaml.safe_dump(data))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRUBLINE_HOME", str(home))
        policy = load_policy(policy_path)
        source, batches, router = redact_generated(policy, work / "data", n=40, seed=2)
        store = SQLiteQueueStore()
        for key, rows, _ in batches:
            enqueue_rows(store, rows, id_field="id", source_id=source.source_id, batch_key=key, policy=policy)
        store.close()
    gold = work / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {
                    "text": text,
                    "spans": [
                        {"start": text.index(city), "end": text.index(city) + len(city), "type": "LOCATION"}
                    ],
                }
            )
            + "\n"
            for text, city in [
                ("The parcel left Chicago on time.", "Chicago"),
                ("Our office in Denver is closed today.", "Denver"),
                ("We will ship it from Boston tomorrow.", "Boston"),
                ("Please call the Seattle team back.", "Seattle"),
            ]
        )
    )
    return home, work, policy_path, router


def test_queue_workflow_from_pull_to_agreement(setup):
    home, work, policy_path, router = setup
    listing = scrubline(home, "list", "--json")
    queues = json.loads(listing.stdout)
    assert queues["annotation"]["overlap"] == 2 and queues["privacy-review"]["hold"] is True
    assert (
        queues["annotation"]["items"] + queues["privacy-review"]["items"] == 40 == sum(router.counts.values())
    )

    added = scrubline(
        home, "gold", "add", str(work / "gold.jsonl"), "--queue", "annotation", "--policy", str(policy_path)
    )
    assert "4 gold items added to annotation" in added.stdout

    # Two annotators, two tools; overlap 2: both get the same regular items, one gold in four.
    scrubline(
        home,
        "pull",
        "--queue",
        "annotation",
        "--annotator",
        "alice",
        "--n",
        "12",
        "--format",
        "label-studio",
        "--out",
        str(work / "alice.json"),
    )
    scrubline(
        home,
        "pull",
        "--queue",
        "annotation",
        "--annotator",
        "bob",
        "--n",
        "12",
        "--format",
        "prodigy",
        "--out",
        str(work / "bob.jsonl"),
    )
    alice_tasks = json.loads((work / "alice.json").read_text())
    bob_tasks = [json.loads(line) for line in (work / "bob.jsonl").read_text().splitlines()]
    assert len(alice_tasks) == len(bob_tasks) == 12
    assert (work / "alice.json.label_config.xml").read_text().startswith("<View>")
    stats = json.loads(scrubline(home, "stats", "--json").stdout)["annotation"]
    assert stats["leased"] == 24 and stats["gold"] == 4
    assert stats["annotators"]["alice"]["leased"] == 12

    # Simulated annotators complete their batches in each tool's export format.
    rng = random.Random(1)
    store = SQLiteQueueStore(home / "queues" / "queues.sqlite3")
    items = {item.item_id: item for item in store.items([t["data"]["item_id"] for t in alice_tasks])}
    items.update({item.item_id: item for item in store.items([t["meta"]["item_id"] for t in bob_tasks])})
    gold = store.gold_answers("annotation")

    def answer(item_id: str):
        return list(gold[item_id]) if item_id in gold else simulate_annotation(items[item_id], rng)

    for number, task in enumerate(alice_tasks, 1):
        spans = answer(task["data"]["item_id"])
        task["id"] = number
        task["annotations"] = [
            {
                "id": number,
                "completed_by": 1,
                "result": [
                    {
                        "id": f"r{i}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": s.start, "end": s.end, "labels": [s.label]},
                    }
                    for i, s in enumerate(spans)
                ],
            }
        ]
    (work / "alice-done.json").write_text(json.dumps(alice_tasks))
    for task in bob_tasks:
        task["spans"] = [
            {"start": s.start, "end": s.end, "label": s.label} for s in answer(task["meta"]["item_id"])
        ]
        task["answer"] = "accept"
    (work / "bob-done.jsonl").write_text("".join(json.dumps(t) + "\n" for t in bob_tasks))

    imported = scrubline(
        home, "import", str(work / "alice-done.json"), "--format", "label-studio", "--annotator", "alice"
    )
    assert "12 annotations imported" in imported.stdout
    scrubline(home, "import", str(work / "bob-done.jsonl"), "--format", "prodigy", "--annotator", "bob")
    stats = json.loads(scrubline(home, "stats", "--json").stdout)["annotation"]
    assert stats["leased"] == 0 and stats["done"] == 9 and stats["annotations"] == 24

    plot = work / "agreement.png"
    report = json.loads(scrubline(home, "agreement", "annotation", "--json", "--plot", str(plot)).stdout)
    assert report["unit"] == "token" and report["items"] == 9
    assert report["pairs"][0]["a"] == "alice" and report["pairs"][0]["b"] == "bob"
    assert -1 <= report["pairs"][0]["cohen_kappa"] <= 1
    assert report["krippendorff_alpha"] is not None and report["fleiss_raters"] == 2
    assert (
        report["annotators"]["alice"]["gold_items"] == 3 and report["annotators"]["alice"]["gold_f1"] == 1.0
    )
    assert plot.read_bytes()[:4] == b"\x89PNG"
    text = scrubline(home, "agreement", "annotation").stdout
    assert "Cohen's kappa per pair" in text and "alice / bob" in text


def test_held_items_need_the_reviewer_role_and_a_refusal_is_audited(setup, repo):
    home, work, _, _ = setup
    held = SQLiteQueueStore(home / "queues" / "queues.sqlite3").held("privacy-review", 100)
    assert held
    out = work / "refused.parquet"
    pull = ["pull", "--queue", "privacy-review", "--held", "--format", "parquet", "--out", str(out)]
    fix = [
        "fix",
        held[0].item_id,
        "--queue",
        "privacy-review",
        "--policy",
        str(repo / "policies" / "default.yaml"),
    ]
    attempts = {
        "pull held items": [*pull, "--as", "mallory"],
        "release held items": ["release", "--queue", "privacy-review", "--all", "--as", "mallory"],
        "fix held items": [*fix, "--redact", "PERSON=Someone", "--as", "mallory"],
    }
    for action, args in attempts.items():
        result = scrubline(home, *args, check=False)
        # (the audit log's own warnings about its key in this test home aside)
        lines = [line for line in result.stderr.splitlines() if not line.startswith("WARNING redaction.")]
        assert result.returncode == 1 and len(lines) == 1, result.stderr
        assert lines[0].startswith(
            f"scrubline: error: mallory may not {action} of privacy-review: it needs the reviewer role ("
        )
    assert not out.exists()
    assert SQLiteQueueStore(home / "queues" / "queues.sqlite3").held("privacy-review", 100) == held

    # The first reviewer is added by the store's owner; then only a reviewer adds or removes one.
    assert (
        "rita now holds the reviewer role"
        in scrubline(home, "reviewers", "add", "rita", "--as", "rita").stdout
    )
    grab = scrubline(home, "reviewers", "add", "mallory", "--as", "mallory", check=False)
    assert grab.returncode == 1 and "mallory may not add reviewers: it needs the reviewer role" in grab.stderr
    last = scrubline(home, "reviewers", "remove", "rita", "--as", "rita", check=False)
    assert last.returncode == 1 and "rita is the last reviewer" in last.stderr
    assert "reviewers: rita" in scrubline(home, "reviewers", "list").stdout

    # Every refusal is in the audit log: who, what, which queue; no item, no content.
    db = sqlite3.connect(home / "audit" / "audit.sqlite3")
    refused = [
        json.loads(body) for (body,) in db.execute("SELECT body FROM entries WHERE type = 'access_refused'")
    ]
    assert {(r["actor"], r["action"], r["queue"]) for r in refused} >= {
        ("mallory", "pull held items", "privacy-review"),
        ("mallory", "release held items", "privacy-review"),
        ("mallory", "fix held items", "privacy-review"),
        ("mallory", "add reviewers", None),
    }
    bodies = " ".join(body for (body,) in db.execute("SELECT body FROM entries"))
    assert all(item.text not in bodies for item in held)
    added = [json.loads(b) for (b,) in db.execute("SELECT body FROM entries WHERE type = 'reviewer_added'")]
    assert {"actor": "rita", "reviewer": "rita", "role": "reviewer"} in [
        {k: a[k] for k in ("actor", "reviewer", "role")} for a in added
    ]
    db.close()
    verify = subprocess.run(
        [sys.executable, "-m", "flows.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env={**os.environ, "SCRUBLINE_HOME": str(home)},
        timeout=300,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_held_items_are_reviewed_then_released(setup):
    home, work, _, router = setup
    held = router.counts["privacy-review"]
    assert held > 0
    out = work / "review.parquet"
    scrubline(home, "reviewers", "add", "rita", "--as", "rita")  # the first, or rita already is one
    reviewed = scrubline(
        home,
        "pull",
        "--queue",
        "privacy-review",
        "--held",
        "--n",
        "100",
        "--format",
        "parquet",
        "--out",
        str(out),
        "--as",
        "rita",
    )
    assert f"{held} held items (no lease)" in reviewed.stdout
    ids = SQLiteQueueStore(home / "queues" / "queues.sqlite3").held("privacy-review", 100)
    released = scrubline(home, "release", "--queue", "privacy-review", ids[0].item_id, "--as", "rita")
    assert "1 items released from privacy-review to annotation" in released.stdout
    rest = scrubline(home, "release", "--queue", "privacy-review", "--all", "--as", "rita")
    assert f"{held - 1} items released" in rest.stdout
    assert json.loads(scrubline(home, "stats", "--json").stdout)["privacy-review"]["held"] == 0


def test_ack_and_nack_take_an_exported_batch(setup):
    home, work, _, _ = setup
    batch = work / "carol.jsonl"
    scrubline(
        home,
        "pull",
        "--queue",
        "annotation",
        "--annotator",
        "carol",
        "--n",
        "3",
        "--format",
        "doccano",
        "--out",
        str(batch),
    )
    first = json.loads(batch.read_text().splitlines()[0])["item_id"]
    nacked = scrubline(home, "nack", "--annotator", "carol", first)
    assert "1 of 1 items returned for carol" in nacked.stdout
    acked = scrubline(home, "ack", "--annotator", "carol", "--batch", str(batch), "--format", "doccano")
    assert "2 of 3 items acknowledged for carol" in acked.stdout
    assert "1 were not leased to carol" in acked.stderr


def test_label_studio_import_credits_mapped_users_and_returns_skips(tmp_path, capsys, monkeypatch):
    """Overlap 2: alice and bob pulled the same items; in Label Studio user 1 annotated both,
    user 2 one and skipped the other. `--user` says who is who, and the audit log records it."""
    from flows.cli import main
    from redaction.audit import AuditLog
    from redaction.audit.queries import record_history

    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "home"))
    from redaction.queues.formats import get_format
    from redaction.routing import QueueSettings
    from tests.data.queue_data import plain_items

    store_path = tmp_path / "queues.sqlite3"
    store = SQLiteQueueStore(store_path)
    store.configure({"annotation": QueueSettings(overlap=2)}, ["REDACTED:PERSON"])
    store.enqueue(plain_items(2))
    items = store.pull("annotation", "alice", 2)
    store.pull("annotation", "bob", 2)
    tasks = get_format("label-studio").records(items, ["ORGANIZATION"])
    for number, (item, task) in enumerate(zip(items, tasks, strict=True), 1):
        start = item.text.index("invoice")
        region = {
            "id": f"r{number}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": start + 7, "text": "invoice", "labels": ["ORGANIZATION"]},
        }
        task["id"] = number
        task["annotations"] = [
            {"id": 10 * number + 1, "completed_by": 1, "result": [region], "was_cancelled": False},
            {"id": 10 * number + 2, "completed_by": 2, "result": [] if number == 2 else [region],
             "was_cancelled": number == 2},
        ]  # fmt: skip
    export = tmp_path / "project-1.json"
    export.write_text(json.dumps(tasks))

    args = ["queue", "--store", str(store_path), "import", str(export), "--format", "label-studio"]
    assert main([*args, "--user", "1=alice", "--user", "2=bob", "--as", "lead"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"3 annotations imported from {export} (label-studio JSON): 3 new, 0 replaced earlier ones,"
        " 0 identical",
        "2 annotations credited to alice",
        "1 annotation credited to bob",
        "1 skipped task returned (nacked) for bob",
    ]
    assert err == ""
    stats = SQLiteQueueStore(store_path).stats()["annotation"]
    assert stats.annotators["alice"]["done"] == 2 and stats.annotators["bob"] == {
        "leased": 0,
        "done": 1,
        "nacked": 1,
    }
    with AuditLog(readonly=True) as log:
        first = [(e["type"], e["annotator"], e.get("status")) for e in record_history(log, "T-0")["events"]]
        second = [(e["type"], e["annotator"], e.get("via")) for e in record_history(log, "T-1")["events"]]
        assert all(e["actor"] == "lead" for e in record_history(log, "T-1")["events"])
        assert log.verify().ok
    assert sorted(first) == [("annotation_imported", "alice", "new"), ("annotation_imported", "bob", "new")]
    assert sorted(second) == [("annotation_imported", "alice", None), ("item_nacked", "bob", "import")]
    # Without the mapping the item is ambiguous: one line, exit 1, nothing changed.
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("scrubline: error: ")
    assert f"Label Studio user 1: item {items[0].item_id} is held by alice (done), bob (done)" in err
    assert "map the user with --user 1=NAME" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pull", "--queue", "nope", "--annotator", "a", "--format", "doccano", "--out", "x.jsonl"],
            "no queue named 'nope'",
        ),
        (
            ["pull", "--queue", "annotation", "--format", "doccano", "--out", "x.jsonl"],
            "--annotator is required",
        ),
        (["import", "missing.jsonl", "--format", "prodigy"], "missing.jsonl: no such file"),
        (["import", "missing.jsonl"], "say which format it is with --format"),
        (["release", "--queue", "privacy-review"], "name the items to release, or --all"),
        (["agreement", "nope"], "no queue named 'nope'"),
    ],
)
def test_errors_are_one_line_and_exit_1(setup, args, message):
    home, _, _, _ = setup
    result = scrubline(home, *args, check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("scrubline: error: ")
    assert message in result.stderr


def test_queue_commands_do_not_start_an_empty_home_elsewhere(tmp_path):
    home = tmp_path / "elsewhere"
    for args in (["stats"], ["list"], ["release", "--queue", "privacy-review", "--all"]):
        result = scrubline(home, *args, check=False)
        assert result.returncode == 1 and "no queue store here: set SCRUBLINE_HOME" in result.stderr
        assert result.stderr.count("\n") == 1
    assert not home.exists()


def test_stats_say_where_the_state_lives(setup):
    home, _, _, _ = setup
    assert f"queue store {home / 'queues' / 'queues.sqlite3'}" in scrubline(home, "stats").stdout
