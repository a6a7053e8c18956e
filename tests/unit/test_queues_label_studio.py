"""The parts of the live Label Studio client that need no server: the task <-> item mapping,
users in an export, default crediting, the label config per queue, and the token kept out."""

from __future__ import annotations

import pytest

from redaction.queues import SQLiteQueueStore
from redaction.queues.formats import label_studio_config
from redaction.queues.label_studio import (
    LabelStudioError,
    client_from_env,
    default_user_mapping,
    label_config,
    task_item_ids,
    user_keys,
    with_users,
)
from redaction.routing import QueueSettings
from tests.data.queue_data import plain_items

USERS = {
    1: {"id": 1, "email": "admin@example.org", "username": ""},
    2: {"id": 2, "email": "a.smith@example.org", "username": "alice"},
    3: {"id": 3, "email": "bob@example.org", "username": ""},
    4: {"id": 4, "email": "c.jones@example.org", "username": ""},
}


def _task(task_id, item_id, *authors):
    notes = [{"id": 10 * task_id + n, "completed_by": who, "result": []} for n, who in enumerate(authors)]
    return {
        "id": task_id,
        "data": {"text": "t", "item_id": item_id, "queue": "annotation"},
        "annotations": notes,
    }


def test_tasks_map_to_items_by_data_item_id_and_others_are_left_alone():
    tasks = [_task(7, "i1"), _task(8, "i2"), {"id": 9, "data": {"text": "not ours"}}, _task(10, "i1")]
    assert task_item_ids(tasks) == {"i1": 7, "i2": 8}


def test_completed_by_becomes_the_users_email_username_and_id():
    tasks = with_users([_task(1, "i1", 2, 99)], USERS)
    first, unknown = tasks[0]["annotations"]
    assert first["completed_by"] == {"id": 2, "email": "a.smith@example.org", "username": "alice"}
    assert unknown["completed_by"] == 99  # a user the server does not list: left as it was
    assert user_keys(USERS[2]) == ("a.smith@example.org", "alice", "2")


def test_default_crediting_by_user_name_or_email_local_part_only_for_annotators_of_the_items(tmp_path):
    with SQLiteQueueStore(tmp_path / "q.sqlite3") as store:
        store.configure({"annotation": QueueSettings()}, ["REDACTED:PERSON"])
        store.enqueue(plain_items(3))
        for name in ("alice", "bob", "carol"):
            store.pull("annotation", name, 1)
        tasks = [_task(1, "i0000000", 2), _task(2, "i0000001", 3), _task(3, "i0000002", 4, 1)]
        mapping = default_user_mapping(store, tasks, USERS, {})
        # alice by user name, bob by the email's local part; c.jones and admin name nobody.
        assert mapping == {"a.smith@example.org": "alice", "bob@example.org": "bob"}
        # an explicit --user entry for a user (by any of its names) wins over the default
        assert default_user_mapping(store, tasks, USERS, {"3": "carol"}) == {"a.smith@example.org": "alice"}


def test_the_project_label_config_is_the_queues_spans_config():
    settings = QueueSettings(labels=("PERSON", "ORGANIZATION"))
    marks = ["REDACTED:PERSON"]
    assert label_config(settings, settings.labels, marks) == label_studio_config(settings.labels, marks)


def test_no_token_is_one_clear_error_naming_the_variable(monkeypatch):
    monkeypatch.delenv("MY_LS_TOKEN", raising=False)
    with pytest.raises(LabelStudioError, match="set MY_LS_TOKEN"):
        client_from_env("http://127.0.0.1:8080", "MY_LS_TOKEN")


def test_an_unreachable_server_error_names_the_server_not_the_token(monkeypatch):
    monkeypatch.setenv("MY_LS_TOKEN", "s3cr3t-token-value")
    with client_from_env("http://127.0.0.1:9", "MY_LS_TOKEN", timeout=5) as client:
        with pytest.raises(LabelStudioError) as caught:
            client.whoami()
    assert "cannot reach Label Studio at http://127.0.0.1:9" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
