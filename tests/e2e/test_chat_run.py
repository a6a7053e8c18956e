"""The second demo end to end: `scrubline run samples/chat/ --policy policies/chat-annotation.yaml`
with a real Prefect server; chats land in the classification queue and preference records in
the preference queue, redacted message by message with roles kept; then `queue pull` and
`queue import` through Label Studio's files for both kinds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from redaction.queues import SQLiteQueueStore
from tests.data.chat_data import generate_chats, generate_preferences, write_chat_samples
from tests.e2e.helpers import checked, scrubline

pytestmark = pytest.mark.e2e

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def queue(home: Path, *args: str) -> subprocess.CompletedProcess:
    result = checked(
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "queue", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "SCRUBLINE_HOME": str(home)},
            timeout=300,
        )
    )
    assert result.returncode == 0, result.stderr
    return result


def test_the_bundled_chat_samples_are_what_the_generator_writes(repo, tmp_path):
    written = write_chat_samples(tmp_path)
    for path in written:
        assert path.read_bytes() == (repo / "samples" / "chat" / path.name).read_bytes()


def test_chat_demo_run_fills_a_classification_and_a_preference_queue(repo, tmp_path, prefect_api):
    from label_studio_sdk.label_interface import LabelInterface

    home, out = tmp_path / "home", tmp_path / "out"
    env = {"SCRUBLINE_HOME": str(home), "PREFECT_API_URL": prefect_api}
    result = scrubline(
        "run", str(repo / "samples" / "chat"), "--policy", str(repo / "policies" / "chat-annotation.yaml"),
        "--out", str(out), "--workers", "1", "--json", "--no-progress", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    chats, intents = generate_chats()
    pairs, _ = generate_preferences()
    assert summary["records_in"] == len(chats) + len(pairs) and summary["reconciled"] is True
    assert summary["queues"] == {"intent": len(chats), "pairs": len(pairs)}

    # No email of the input anywhere in the output or on the console.
    raw = json.dumps(chats + pairs)
    emails = set(EMAIL.findall(raw))
    rows = ds.dataset(out / "records", format="parquet").to_table().to_pylist()
    written = json.dumps(rows)
    assert emails and not [e for e in emails if e in written + result.stdout + result.stderr]

    store = SQLiteQueueStore(home / "queues" / "queues.sqlite3")
    by_record = {r["id"]: r for r in chats + pairs}
    intent = store.pull("intent", "checker", 100)
    assert len(intent) == len(chats)
    for item in intent:
        original = by_record[item.record_id]["messages"]
        assert item.task == "classification" and not item.predictions
        assert [m["role"] for m in item.content["messages"]] == [m["role"] for m in original]
        assert item.text.splitlines()[0].startswith(original[0]["role"] + ": ")
    assert any("<EMAIL_ADDRESS>" in m["content"] for item in intent for m in item.content["messages"])
    preference = store.pull("pairs", "checker", 100)
    assert len(preference) == len(pairs)
    for item in preference:
        assert item.task == "preference" and len(item.content["responses"]) == 2
        assert isinstance(item.content["prompt"], str if "prompt" in by_record[item.record_id] else list)
    store.nack("checker", [i.item_id for i in intent + preference])
    store.close()

    # Pull both kinds for Label Studio: the config is the kind's, the tasks fit it.
    for name, control in (("intent", "Choices"), ("pairs", "Pairwise")):
        batch = tmp_path / f"{name}.json"
        pull = ("pull", "--queue", name, "--annotator", "alice", "--n", "5", "--format", "label-studio")
        queue(home, *pull, "--out", str(batch))
        interface = LabelInterface(Path(str(batch) + ".label_config.xml").read_text())
        assert any(c.tag == control for c in interface.controls)
        tasks = json.loads(batch.read_text())
        assert len(tasks) == 5 and all(interface.validate_task({"data": t["data"]}) for t in tasks)
        # alice answers every task; Label Studio's JSON export comes back
        for number, task in enumerate(tasks, 1):
            if name == "intent":
                region = {
                    "from_name": "label",
                    "to_name": "dialogue",
                    "type": "choices",
                    "value": {"choices": ["billing"]},
                }
            else:
                region = {
                    "from_name": "preference",
                    "to_name": "preference",
                    "type": "pairwise",
                    "value": {"selected": "right"},
                }
            task.update(id=number, annotations=[{"id": number, "completed_by": 1, "result": [region]}])
        done = tmp_path / f"{name}-done.json"
        done.write_text(json.dumps(tasks))
        imported = queue(home, "import", str(done), "--format", "label-studio")
        assert "5 annotations imported" in imported.stdout and "credited to alice" in imported.stdout
    store = SQLiteQueueStore(home / "queues" / "queues.sqlite3")
    assert {json.dumps(a.answer) for a in store.annotations("intent")} == {'{"labels": ["billing"]}'}
    assert {json.dumps(a.answer) for a in store.annotations("pairs")} == {'{"ranking": [1, 0]}'}
    store.close()
    # A kind the format lacks: one line, exit 1, nothing leased.
    refused = checked(
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "queue", "pull", "--queue", "pairs", "--annotator", "bob",
             "--n", "5", "--format", "doccano", "--out", str(tmp_path / "x.jsonl")],
            capture_output=True, text=True, env={**os.environ, "SCRUBLINE_HOME": str(home)}, timeout=300,
        )
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1] == (
        "scrubline: error: format 'doccano' has no preference task "
        "(preference exports to: argilla, label-studio, parquet, prodigy)"
    )
    assert "bob" not in queue(home, "stats", "--json").stdout
    audit = scrubline("audit", "verify", env=env)
    assert audit.returncode == 0, audit.stderr
