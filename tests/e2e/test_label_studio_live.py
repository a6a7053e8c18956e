"""A spans queue through a real Label Studio server: `scrubline queue push` leases items to three
annotators and sends them to a project it creates; three Label Studio users annotate through
Label Studio's API (one skips a task); `scrubline queue sync` brings the work back: annotations
stored for the right annotators, the skipped item nacked and pushed to someone else without a
second task, every step in the audit log, which verifies, and the API token nowhere."""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
from pathlib import Path

import httpx
import pytest

from redaction.queues import Span, SQLiteQueueStore
from redaction.queues.base import AssignmentState
from redaction.queues.formats import ENTITY_CONTROL, PLACEHOLDER_CONTROL, TEXT_OBJECT
from redaction.routing import QueueSettings
from tests.data.queue_data import plain_items, simulate_annotation
from tests.e2e.helpers import scrubline

pytestmark = [pytest.mark.e2e, pytest.mark.label_studio]

QUEUE = "annotation"
PROJECT = "Scrubline annotation (test)"


def ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _region(text: str, span: Span, control: str, index: int) -> dict:
    region = {
        "id": f"{control[0]}{index}",
        "from_name": control,
        "to_name": TEXT_OBJECT,
        "type": "labels",
        "value": {
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "labels": [span.label],
        },
    }
    if control == PLACEHOLDER_CONTROL:
        region["readonly"] = True
    return region


def _store_with_items(home: Path, n: int) -> Path:
    """A real queue store with a spans queue of n items, pre-labelled (predictions)."""
    path = home / "queues" / "queues.sqlite3"
    path.parent.mkdir(parents=True)
    items = plain_items(n, QUEUE)
    for item in items:
        word = item.text.index("invoice")
        item.predictions = [Span(word, word + len("invoice"), "ORGANIZATION", 0.62)]
        item.confidence, item.model = 0.62, "test-prelabeller@1"
    with SQLiteQueueStore(path) as store:
        store.configure({QUEUE: QueueSettings(overlap=1)}, ["REDACTED:PERSON"])
        assert store.enqueue(items) == n
    return path


def test_push_annotate_as_three_users_skip_one_and_sync_back(tmp_path, label_studio):
    url, token = label_studio
    home = tmp_path / "home"
    store_path = _store_with_items(home, 9)
    env = {"SCRUBLINE_HOME": str(home), "LABEL_STUDIO_API_KEY": token, "SCRUBLINE_ACTOR": "coordinator"}
    outputs: list[str] = []

    def run(*args: str, **kwargs):
        result = scrubline(*args, env=kwargs.pop("env", env), **kwargs)
        outputs.extend((result.stdout, result.stderr))
        return result

    # Three Label Studio accounts: one whose user name is the annotator's, one whose email's
    # local part is, one mapped with --user.
    tokens = {name: secrets.token_hex(16) for name in ("alice", "bob", "carol")}
    users = label_studio.add_users(
        [
            {"email": "a.smith@example.org", "username": "alice", "token": tokens["alice"]},
            {"email": "bob@example.org", "token": tokens["bob"]},
            {"email": "c.jones@example.org", "token": tokens["carol"]},
        ]
    )
    assert len(users) == 3
    mapping = [
        "--user",
        "alice=alice",
        "--user",
        "bob@example.org=bob",
        "--user",
        "c.jones@example.org=carol",
    ]
    common = ["--label-studio", url, "--project", PROJECT]

    pushed = ok(run("queue", "push", QUEUE, *common, *mapping, "--n", "2"))
    assert "created" in pushed.stdout and "6 tasks sent, 0 already in the project" in pushed.stdout
    for name in ("alice", "bob", "carol"):
        assert f"2 items leased to {name}" in pushed.stdout

    with SQLiteQueueStore(store_path) as store:
        items = {item.item_id: item for item in store.items([i.item_id for i in plain_items(9, QUEUE)])}
        given = store.assignments(list(items))
    holder = {item_id: next(iter(who)) for item_id, who in given.items()}
    assert sorted(holder.values()) == ["alice", "alice", "bob", "bob", "carol", "carol"]

    # The project holds the queue's label config and one task per item, pre-annotated.
    admin = httpx.Client(
        base_url=url, headers={"Authorization": f"Token {token}"}, trust_env=False, timeout=60
    )
    project = next(p for p in admin.get("/api/projects").json()["results"] if p["title"] == PROJECT)
    assert f'name="{ENTITY_CONTROL}"' in project["label_config"] and "ORGANIZATION" in project["label_config"]
    tasks = admin.get(
        f"/api/projects/{project['id']}/export", params={"exportType": "JSON", "download_all_tasks": "true"}
    ).json()
    task_of = {task["data"]["item_id"]: task for task in tasks}
    assert sorted(task_of) == sorted(holder)
    assert all(task["total_predictions"] == 1 for task in tasks)

    # Each Label Studio user annotates the tasks leased to their annotator; bob skips one.
    rng = random.Random(16)
    expected: dict[tuple[str, str], tuple[Span, ...]] = {}
    skipped = sorted(i for i, name in holder.items() if name == "bob")[0]
    for item_id, name in sorted(holder.items()):
        item = items[item_id]
        as_user = httpx.Client(
            base_url=url, headers={"Authorization": f"Token {tokens[name]}"}, trust_env=False, timeout=60
        )
        if item_id == skipped:
            body = {"result": [], "was_cancelled": True}
        else:
            spans = simulate_annotation(item, rng) or [Span(0, 6, "ORGANIZATION")]
            expected[(item_id, name)] = tuple(spans)
            result = [_region(item.text, s, ENTITY_CONTROL, i) for i, s in enumerate(spans)]
            result += [_region(item.text, s, PLACEHOLDER_CONTROL, i) for i, s in enumerate(item.spans)]
            body = {"result": result, "lead_time": 4.2}
        answer = as_user.post(f"/api/tasks/{task_of[item_id]['id']}/annotations", json=body)
        assert answer.status_code == 201, answer.text[:300]
        as_user.close()

    synced = ok(run("queue", "sync", QUEUE, *common, "--user", "c.jones@example.org=carol"))
    assert "5 annotations imported" in synced.stdout and "5 new" in synced.stdout
    assert "1 skipped task returned (nacked) for bob" in synced.stdout
    with SQLiteQueueStore(store_path) as store:
        stored = {(a.item_id, a.annotator): a.spans for a in store.annotations(QUEUE)}
        states = store.assignments(list(holder))
    assert stored == {
        key: tuple(sorted(v, key=lambda s: (s.start, s.end, s.label))) for key, v in expected.items()
    }
    assert states[skipped] == {"bob": AssignmentState.NACKED}
    assert all(states[i] == {holder[i]: AssignmentState.DONE} for i in holder if i != skipped)

    # Syncing again changes nothing; the skipped item goes to carol without a second task.
    again = ok(run("queue", "sync", QUEUE, *common, "--user", "c.jones@example.org=carol"))
    assert "5 identical" in again.stdout and "nacked" not in again.stdout
    more = ok(run("queue", "push", QUEUE, *common, "--user", "c.jones@example.org=carol", "--n", "10"))
    # carol gets the item bob skipped (in the project already) and the three never pushed.
    assert "4 items leased to carol" in more.stdout
    assert "3 tasks sent, 1 already in the project (not sent again)" in more.stdout
    tasks = admin.get(
        f"/api/projects/{project['id']}/export", params={"exportType": "JSON", "download_all_tasks": "true"}
    ).json()
    ids = [task["data"]["item_id"] for task in tasks]
    assert len(ids) == len(set(ids)) == 9, "an item was sent twice"
    admin.close()

    # Every step is audited, and the log verifies.
    audit_db = sqlite3.connect(home / "audit" / "audit.sqlite3")
    rows = audit_db.execute(
        "SELECT type, body FROM entries WHERE type IN ('item_pushed', 'annotation_synced', 'item_nacked')"
    ).fetchall()
    audit_db.close()
    bodies = [(kind, json.loads(body)) for kind, body in rows]
    pushes = [b for k, b in bodies if k == "item_pushed"]
    assert len(pushes) == 6 + 4 and all(b["project"] == PROJECT and b["server"] == url for b in pushes)
    assert {b["item"] for b in pushes if not b["sent"]} == {skipped}
    synced_events = [b for k, b in bodies if k == "annotation_synced"]
    assert sorted((b["item"], b["annotator"]) for b in synced_events if b["status"] == "new") == sorted(
        expected
    )
    assert [(b["item"], b["annotator"]) for k, b in bodies if k == "item_nacked"] == [(skipped, "bob")]
    texts = [items[i].text for i in items]
    assert not [t for t in texts if any(t in json.dumps(b) for _, b in bodies)], "text in the audit log"
    verified = ok(run("audit", "verify"))
    assert verified.returncode == 0

    # The token is in no output, no log line, no audit entry, no store.
    secrets_ = [token, *tokens.values()]
    files = [home / "audit" / "audit.sqlite3", store_path, label_studio.log]
    for secret in secrets_:
        assert not [o for o in outputs if secret in o], "a token was printed"
        assert not [f for f in files if secret.encode() in f.read_bytes()], "a token was written"


def test_missing_token_unreachable_server_and_refused_token_are_one_line(tmp_path, label_studio):
    url, token = label_studio
    home = tmp_path / "home"
    _store_with_items(home, 2)
    base = {"SCRUBLINE_HOME": str(home)}
    args = ["--label-studio", url, "--project", "errors"]
    wrong = secrets.token_hex(20)
    cases = [
        ({**base, "LABEL_STUDIO_API_KEY": ""}, args, "no Label Studio API token: set LABEL_STUDIO_API_KEY"),
        (
            {**base, "LABEL_STUDIO_API_KEY": wrong},
            args,
            "refused the API token in LABEL_STUDIO_API_KEY (HTTP 401)",
        ),
        (
            {**base, "LS_TOKEN": token},
            ["--label-studio", "http://127.0.0.1:9", "--project", "errors", "--token-env", "LS_TOKEN"],
            "cannot reach Label Studio at http://127.0.0.1:9",
        ),
    ]
    for env, options, message in cases:
        for command in ("push", "sync"):
            result = scrubline("queue", command, QUEUE, *options, "--as", "alice", env=env)
            assert result.returncode == 1, result.stderr
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and message in lines[0], result.stderr
            assert token not in result.stdout + result.stderr and wrong not in result.stdout + result.stderr
    # Nothing was leased by the refused pushes.
    with SQLiteQueueStore(home / "queues" / "queues.sqlite3") as store:
        assert store.stats()[QUEUE].leased == 0


def test_a_push_that_fails_part_way_returns_the_leases_of_the_items_not_sent(
    tmp_path, label_studio, monkeypatch
):
    """The server stops answering imports after the first chunk (the fault is injected in the
    client: the first chunk is a real import, the second raises as a dropped connection would).
    The items whose tasks arrived keep their leases; the others are offered again at once, to the
    same annotator too, with an `item_push_failed` event each; pushing again sends only those."""
    from redaction.audit import AuditLog
    from redaction.queues import label_studio as ls
    from redaction.queues.review import QueueAudit

    url, token = label_studio
    home = tmp_path / "home"
    monkeypatch.setenv("SCRUBLINE_HOME", str(home))
    path = _store_with_items(home, 5)
    monkeypatch.setattr(ls, "IMPORT_CHUNK", 2)

    class FailsAfterOneChunk(ls.LabelStudioClient):
        chunks = 0

        def _request(self, method, path, what, **kwargs):
            if path.endswith("/import"):
                type(self).chunks += 1
                if self.chunks > 1:
                    raise ls.LabelStudioError(f"cannot reach Label Studio at {self.url} (ReadError)")
            return super()._request(method, path, what, **kwargs)

    title = "fails part way"
    with FailsAfterOneChunk(url, token) as client, SQLiteQueueStore(path) as store:
        audit = QueueAudit("coordinator")
        with pytest.raises(ls.LabelStudioError) as failed:
            ls.push(client, store, audit, QUEUE, title, ["alice"], 5)
        assert "(ReadError); 3 leases of items not sent returned: push again" in str(failed.value)
        arrived = set(ls.task_item_ids(client.tasks(int(client.project(title)["id"]))))
        assert len(arrived) == 2
        assert store.stats()[QUEUE].leased == 2
        with AuditLog() as log:
            failed_ids = {
                json.loads(body)["item"]
                for (body,) in log.connection.execute(
                    "SELECT body FROM entries WHERE type = 'item_push_failed'"
                )
            }
            assert log.verify().ok
        assert len(failed_ids) == 3
        # Pushing again (the server is back) sends the three, to alice again; nothing twice.
        with ls.LabelStudioClient(url, token) as again:
            report = ls.push(again, store, audit, QUEUE, title, ["alice"], 5)
            assert len(report.sent) == 3 and len(ls.task_item_ids(again.tasks(report.project_id))) == 5
        assert store.stats()[QUEUE].leased == 5
        audit.close()
