"""From raw records to an agreement report: the Prefect flow redacts and routes generated tickets
into the queues, two annotators pull batches in two tools' formats, their (simulated) work is
imported, and agreement is measured; the audit log has recorded every step of the run."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
import yaml

from redaction.queues import SQLiteQueueStore
from tests.data.generators import generate_records
from tests.data.queue_data import simulate_annotation
from tests.e2e.helpers import scrubline

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(tmp_path, prefect_api) -> dict[str, str]:
    return {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}


def ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_flow_to_queues_to_agreement_with_every_step_audited(tmp_path, env, repo):
    policy = yaml.safe_load((repo / "policies" / "default.yaml").read_text())
    policy["routing"]["queues"]["annotation"].update(overlap=2)
    policy["routing"]["rules"].append({"name": "hold-out", "match": {"sample": 0.15}, "queue": "filter"})
    policy_path = tmp_path / "policy.yaml"
    policy_path.write_text(yaml.safe_dump(policy))
    records, values = generate_records(60, seed=48)
    source = tmp_path / "in" / "tickets.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in records) + "not json\n")

    summary = json.loads(
        ok(
            scrubline(
                "run",
                str(source),
                "--policy",
                str(policy_path),
                "--out",
                str(tmp_path / "out"),
                "--batch-size",
                "20",
                "--json",
                "--no-progress",
                env=env,
            )
        ).stdout
    )
    queued = summary["queues"]
    assert summary["reconciled"] and summary["records_in"] == 61 and summary["quarantined"] == 1
    assert summary["filtered"] > 0 and queued.get("annotation", 0) > 10
    assert sum(queued.values()) + summary["filtered"] + summary["quarantined"] == 61

    stats = json.loads(ok(scrubline("queue", "stats", "--json", env=env)).stdout)
    assert stats["annotation"]["items"] == queued["annotation"]
    assert stats.get("privacy-review", {}).get("held", 0) == queued.get("privacy-review", 0)

    # Two annotators, overlap 2: the same items, in Argilla and doccano formats.
    pulled = {}
    for annotator, fmt, name in (("alice", "argilla", "alice.jsonl"), ("bob", "doccano", "bob.jsonl")):
        out = tmp_path / name
        ok(
            scrubline(
                "queue",
                "pull",
                "--queue",
                "annotation",
                "--annotator",
                annotator,
                "--n",
                "8",
                "--format",
                fmt,
                "--out",
                str(out),
                env=env,
            )
        )
        pulled[annotator] = out
    alice = [json.loads(line) for line in pulled["alice"].read_text().splitlines()]
    bob = [json.loads(line) for line in pulled["bob"].read_text().splitlines()]
    alice_ids = [task["id"] for task in alice]
    bob_ids = [task["item_id"] for task in bob]
    assert len(alice_ids) == 8 and sorted(alice_ids) == sorted(bob_ids)
    text = pulled["alice"].read_text() + pulled["bob"].read_text()
    assert not [v for v in values if len(v) >= 6 and v in text], "PII reached an annotation export"

    store = SQLiteQueueStore(Path(env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3")
    items = {item.item_id: item for item in store.items(alice_ids)}
    store.close()
    rng = random.Random(3)
    answers = {
        name: {item_id: simulate_annotation(items[item_id], rng) for item_id in alice_ids}
        for name in ("alice", "bob")
    }
    from redaction.queues.formats import ARGILLA_QUESTION

    for task in alice:
        spans = [{"start": s.start, "end": s.end, "label": s.label} for s in answers["alice"][task["id"]]]
        task["responses"] = {ARGILLA_QUESTION: [{"value": spans, "status": "submitted"}]}
    (tmp_path / "alice-done.jsonl").write_text("".join(json.dumps(t) + "\n" for t in alice))
    for task in bob:
        task["label"] = [[s.start, s.end, s.label] for s in answers["bob"][task["item_id"]]]
    (tmp_path / "bob-done.jsonl").write_text("".join(json.dumps(t) + "\n" for t in bob))
    ok(
        scrubline(
            "queue",
            "import",
            str(tmp_path / "alice-done.jsonl"),
            "--format",
            "argilla",
            "--annotator",
            "alice",
            env=env,
        )
    )
    ok(
        scrubline(
            "queue",
            "import",
            str(tmp_path / "bob-done.jsonl"),
            "--format",
            "doccano",
            "--annotator",
            "bob",
            env=env,
        )
    )

    report = json.loads(ok(scrubline("queue", "agreement", "annotation", "--json", env=env)).stdout)
    assert report["items"] == 8
    (pair,) = report["pairs"]
    assert {pair["a"], pair["b"]} == {"alice", "bob"} and -1 <= pair["cohen_kappa"] <= 1
    assert report["krippendorff_alpha"] is not None

    # The audit log holds every event type of the run, routing decisions included.
    database = Path(env["SCRUBLINE_HOME"]) / "audit" / "audit.sqlite3"
    types = {row[0] for row in sqlite3.connect(database).execute("SELECT DISTINCT type FROM entries")}
    assert types >= {
        "run_started",
        "record_transformed",
        "record_quarantined",
        "record_routed",
        "batch_exported",
        "run_finished",
    }
    (routed_filtered,) = (
        sqlite3.connect(database)
        .execute(
            "SELECT count(*) FROM entries WHERE type = 'record_routed' AND json_extract(body, '$.filtered')"
        )
        .fetchone()
    )
    assert routed_filtered == summary["filtered"]
    shown = json.loads(ok(scrubline("audit", "show", summary["run_id"][:12], "--json", env=env)).stdout)
    assert shown["queues"] == queued
    ok(scrubline("audit", "verify", env=env))


def test_a_reviewer_fixes_a_held_item_with_the_policy_action_then_releases_it(tmp_path, env, repo):
    policy = yaml.safe_load((repo / "policies" / "default.yaml").read_text())
    policy["routing"]["rules"] = [{"name": "review-everything", "match": {}, "queue": "privacy-review"}]
    policy_path = tmp_path / "policy.yaml"
    policy_path.write_text(yaml.safe_dump(policy))
    record = {
        "id": "T-1",
        "subject": "Access",
        "body": "The account belongs to agent codename Qwixel Zarnoth.",
    }
    source = tmp_path / "tickets.jsonl"
    source.write_text(json.dumps(record) + "\n")
    summary = json.loads(
        ok(
            scrubline(
                "run",
                str(source),
                "--policy",
                str(policy_path),
                "--out",
                str(tmp_path / "out"),
                "--json",
                "--no-progress",
                env=env,
            )
        ).stdout
    )
    assert summary["queues"] == {"privacy-review": 1}

    store_path = Path(env["SCRUBLINE_HOME"]) / "queues" / "queues.sqlite3"
    (held,) = SQLiteQueueStore(store_path).held("privacy-review", 10)
    item_id = held.item_id
    assert held.record_id == "T-1"
    assert held.state == "held" and "Qwixel Zarnoth" in held.text  # a name detection missed

    ok(scrubline("queue", "reviewers", "add", "rita", env=env))
    missing = scrubline(
        "queue",
        "fix",
        item_id,
        "--queue",
        "privacy-review",
        "--policy",
        str(policy_path),
        "--redact",
        "PERSON=Nobody Here",
        "--as",
        "rita",
        env=env,
    )
    assert missing.returncode == 1 and "none of the given texts occurs" in missing.stderr
    assert "Nobody Here" not in missing.stderr

    fixed = ok(
        scrubline(
            "queue",
            "fix",
            item_id,
            "--queue",
            "privacy-review",
            "--policy",
            str(policy_path),
            "--redact",
            "PERSON=Qwixel Zarnoth",
            "--release",
            "--as",
            "rita",
            env=env,
        )
    )
    assert "1 value(s) redacted" in fixed.stdout and "released" in fixed.stdout
    assert "Qwixel" not in fixed.stdout + fixed.stderr
    (item,) = SQLiteQueueStore(store_path).items([item_id])
    assert item.queue == "annotation" and item.state == "pending"
    assert "Qwixel" not in item.text and "Qwixel" not in json.dumps(item.record)
    assert any(
        s.label == "REDACTED:PERSON" and item.text[s.start : s.end].startswith("<PERSON_") for s in item.spans
    )
