"""A classification and a preference queue against a real Label Studio: the projects take the
per-kind label configs (the chat as a dialogue, Choices, Pairwise), the tasks their data and
the model's suggestions as predictions; answers made through Label Studio's API sync back as
`Annotation.answer`."""

from __future__ import annotations

import httpx
import pytest

from redaction.policy import load_policy
from redaction.queues import SQLiteQueueStore, enqueue_rows, item_id_for
from redaction.queues.label_studio import LabelStudioClient, push, sync
from redaction.queues.review import QueueAudit
from tests.data.chat_data import generate_chats, generate_preferences
from tests.unit.test_queues_kinds import CHAT_POLICY, redact

pytestmark = [pytest.mark.e2e, pytest.mark.label_studio]


def test_classification_and_preference_queues_go_to_label_studio_and_back(
    tmp_path, label_studio, monkeypatch
):
    url, token = label_studio
    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "home"))
    policy = load_policy(CHAT_POLICY)
    chats, intents = generate_chats(4, seed=3)
    pairs, better = generate_preferences(4, seed=4)
    store = SQLiteQueueStore()
    ids = []
    for records, name in ((chats, "chats"), (pairs, "pairs")):
        rows, _, source = redact(policy, tmp_path / name, records)
        enqueue_rows(store, rows, id_field="id", source_id=source.source_id, batch_key=name, policy=policy)
        if name == "chats":
            ids = [item_id_for(source.source_id, r["id"]) for r in records]
    # A model's answer on every chat, as `queue train` will set it.
    assert (
        store.set_suggestions("intent", {i: ({"labels": ["other"]}, 0.61, "test-model@1") for i in ids}) == 4
    )

    client = LabelStudioClient(url, token)
    audit = QueueAudit("coordinator")
    admin = httpx.Client(
        base_url=url, headers={"Authorization": f"Token {token}"}, trust_env=False, timeout=60
    )
    expected = {}
    for queue, control in (("intent", "<Choices"), ("pairs", "<Pairwise")):
        title = f"kinds-{queue}"
        report = push(client, store, audit, queue, title, ["alice"], 10)
        assert len(report.sent) == (len(chats) if queue == "intent" else len(pairs))
        project = next(p for p in admin.get("/api/projects").json()["results"] if p["title"] == title)
        assert (
            control in project["label_config"]
            and 'nameKey="role" textKey="content"' in project["label_config"]
        )
        tasks = admin.get(
            f"/api/projects/{project['id']}/export",
            params={"exportType": "JSON", "download_all_tasks": "true"},
        ).json()
        assert len(tasks) == len(report.sent)
        items = {item.item_id: item for item in store.items([t["data"]["item_id"] for t in tasks])}
        for task in tasks:
            item = items[task["data"]["item_id"]]
            if queue == "intent":
                assert task["total_predictions"] == 1  # the suggestion
                answer = {"labels": [intents[item.record_id]]}
                region = {"from_name": "label", "to_name": "dialogue", "type": "choices",
                          "value": {"choices": answer["labels"]}}  # fmt: skip
            else:
                best = better[item.record_id]
                answer = {"ranking": [best, 1 - best]}
                region = {"from_name": "preference", "to_name": "preference", "type": "pairwise",
                          "value": {"selected": "left" if best == 0 else "right"}}  # fmt: skip
            made = admin.post(f"/api/tasks/{task['id']}/annotations", json={"result": [region]})
            assert made.status_code == 201, made.text[:300]
            expected[(item.item_id, "alice")] = answer
        synced = sync(client, store, audit, queue, title)
        assert synced.saved == len(tasks)
    admin.close()
    stored = {(a.item_id, a.annotator): a.answer for q in ("intent", "pairs") for a in store.annotations(q)}
    assert stored == expected
    audit.close()
    store.close()
