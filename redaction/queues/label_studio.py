"""A live Label Studio server: push leased items to a project, sync completed annotations back.

A small client over Label Studio's REST API with httpx (already a runtime dependency through
Prefect): the endpoints used are few and stable. label-studio-sdk 2.1.2 (the `dev` extra) also
talks to the pinned server, 1.23.2 (measured: projects, users, whoami), but it is a test-only
dependency and takes about 5 s to import on a busy machine against none for httpx.

The project is found by its title and created or updated with the queue's label config
(`formats`); tasks are the `label-studio` format's task JSON, so
a pushed task and an exported file hold the same data and pre-annotations (as predictions). The
Label Studio task id <-> item id mapping lives in each task's `data.item_id` (and `data.queue`):
whatever Label Studio returns finds its item, and a task already in the project is not sent twice.

Sync reads every task of the project with its annotations and goes through the same path as
`scrubline queue import` (`formats.import_annotations`: credit, `save_annotations`, which marks
the annotator's share done, and a nack for each skipped (cancelled) annotation), from the same
"JSON" export shape, written to a private temporary file. Each annotation's `completed_by` is
given as the Label Studio user's id, email and username, so `--user` may name any of them.

Crediting (`sync`): a `--user LSUSER=ANNOTATOR` mapping; else the Label Studio user name when it
is the name of an annotator the item was given to; else the item's only leaseholder (as for
`queue import`); else a one-line error naming the user and the fix.

The API token never appears in a message: errors name the server, the status and what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..audit.events import ANNOTATION_SYNCED, ITEM_NACKED, ITEM_PUSH_FAILED, ITEM_PUSHED, canonical
from ..routing import QueueSettings
from .base import QueueError, QueueItem, QueueStore
from .formats import ImportReport, LabelStudio, import_annotations, label_studio_config_for
from .review import QueueAudit, item_ref

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
PAGE_SIZE = 100
IMPORT_CHUNK = 200


class LabelStudioError(QueueError):
    """The Label Studio server cannot be reached, refuses the token, or refuses a request."""


def label_config(settings: QueueSettings, labels: Sequence[str], placeholder_labels: Sequence[str]) -> str:
    """The project's label config for the queue's task kind (a preference queue: `<Pairwise>`,
    two responses per item)."""
    if settings.task.value == "spans":
        settings = settings.model_copy(update={"labels": tuple(labels)})
    return label_studio_config_for(settings, placeholder_labels)


class LabelStudioClient:
    """The few Label Studio API calls Scrubline needs, authenticated by a (legacy) API token."""

    def __init__(self, url: str, token: str, *, timeout: float = 60.0, token_name: str = TOKEN_ENV):
        import httpx

        if not token:
            raise LabelStudioError(f"no Label Studio API token: set {token_name}")
        self.url = url.rstrip("/")
        self.token_name = token_name
        # trust_env=False: no proxy from the environment gets the token.
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            timeout=timeout,
            trust_env=False,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LabelStudioClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise LabelStudioError(
                f"cannot reach Label Studio at {self.url} ({type(exc).__name__}): is the server running?"
            ) from None
        status = response.status_code
        if status in (401, 403):
            raise LabelStudioError(
                f"Label Studio at {self.url} refused the API token in {self.token_name} "
                f"(HTTP {status}) while trying to {what}: give an account's legacy API token"
            )
        if status >= 400:
            raise LabelStudioError(
                f"Label Studio at {self.url} refused to {what}: HTTP {status}{_detail(response)}"
            )
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise LabelStudioError(
                f"{self.url} answered {what} with something that is not JSON: is it a Label Studio server?"
            ) from None

    # --- reads ---------------------------------------------------------------------------------

    def whoami(self) -> dict[str, Any]:
        return self._request("GET", "/api/current-user/whoami", "read the current user")

    def users(self) -> dict[int, dict[str, Any]]:
        return {int(u["id"]): u for u in self._pages("/api/users", "list users")}

    def projects(self) -> list[dict[str, Any]]:
        return self._pages("/api/projects", "list projects")

    def _pages(self, path: str, what: str) -> list[dict[str, Any]]:
        """Every row of a list endpoint: a plain list, or page after page while there is a next."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            found = self._request("GET", path, what, params={"page": page, "page_size": PAGE_SIZE})
            if not isinstance(found, dict):
                return list(found or [])
            out += found.get("results", [])
            if not found.get("next"):
                return out
            page += 1

    def project(self, title: str) -> dict[str, Any] | None:
        same = [p for p in self.projects() if p.get("title") == title]
        if len(same) > 1:
            raise LabelStudioError(
                f"Label Studio at {self.url} has {len(same)} projects titled '{title}' "
                f"(ids {', '.join(str(p['id']) for p in same)}): rename all but one"
            )
        return same[0] if same else None

    def tasks(self, project_id: int) -> list[dict[str, Any]]:
        """Every task of the project with its annotations (the project's "JSON" export)."""
        found = self._request(
            "GET",
            f"/api/projects/{project_id}/export",
            "export the project's tasks",
            params={"exportType": "JSON", "download_all_tasks": "true"},
        )
        if not isinstance(found, list):
            raise LabelStudioError(f"Label Studio at {self.url}: project {project_id}'s export is not a list")
        return found

    # --- writes --------------------------------------------------------------------------------

    def ensure_project(self, title: str, config: str, description: str = "") -> tuple[dict[str, Any], str]:
        """The project titled `title`, created or given this label config: (project, what was
        done: "created", "updated" or "unchanged")."""
        found = self.project(title)
        if found is None:
            body = {"title": title, "label_config": config, "description": description}
            return self._request("POST", "/api/projects", f"create project '{title}'", json=body), "created"
        if found.get("label_config", "").strip() == config.strip():
            return found, "unchanged"
        updated = self._request(
            "PATCH",
            f"/api/projects/{found['id']}",
            f"update the label config of project '{title}'",
            json={"label_config": config},
        )
        return updated, "updated"

    def import_tasks(self, project_id: int, tasks: Sequence[dict[str, Any]]) -> int:
        done = 0
        for start in range(0, len(tasks), IMPORT_CHUNK):
            chunk = list(tasks[start : start + IMPORT_CHUNK])
            found = self._request("POST", f"/api/projects/{project_id}/import", "import tasks", json=chunk)
            done += int((found or {}).get("task_count", len(chunk)))
        return done


def _detail(response) -> str:
    """A short reason from Label Studio's error body (validation messages name config tags and
    fields; a task's data is never quoted back by the endpoints used)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    detail = body.get("validation_errors") or body.get("detail") or body.get("label_config")
    if not detail:
        return ""
    text = json.dumps(detail, ensure_ascii=False) if not isinstance(detail, str) else detail
    text = " ".join(text.split())
    return ": " + (text[:300] + "..." if len(text) > 300 else text)


def client_from_env(url: str, token_env: str = TOKEN_ENV, *, timeout: float = 60.0) -> LabelStudioClient:
    """A client with the token from the environment variable `token_env` (never an argument)."""
    token = os.environ.get(token_env, "").strip()
    if not token:
        raise LabelStudioError(f"no Label Studio API token: set {token_env} (the token is never an argument)")
    return LabelStudioClient(url, token, timeout=timeout, token_name=token_env)


# --- push --------------------------------------------------------------------------------------


def task_item_ids(tasks: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """item id -> Label Studio task id, from the tasks' `data.item_id` (tasks without one are
    not Scrubline's and are left alone)."""
    out: dict[str, int] = {}
    for task in tasks:
        item_id = (task.get("data") or {}).get("item_id")
        if item_id and "id" in task:
            out.setdefault(str(item_id), int(task["id"]))
    return out


@dataclass
class PushReport:
    """What a push did: the project, the items leased now per annotator, and which of them were
    sent as tasks or were in the project already (ids only)."""

    project: str
    project_id: int
    project_action: str  # created | updated | unchanged
    leased: dict[str, list[str]] = field(default_factory=dict)  # annotator -> item ids leased now
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    def summary(self, url: str) -> list[str]:
        lines = [f"project '{self.project}' (id {self.project_id}) at {url}: {self.project_action}"]
        for name, ids in sorted(self.leased.items()):
            lines.append(f"{_count(len(ids), 'item')} leased to {name}")
        lines.append(
            f"{_count(len(self.sent), 'task')} sent, {len(self.already)} already in the project"
            " (not sent again)"
        )
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def push(
    client: LabelStudioClient,
    store: QueueStore,
    audit: QueueAudit,
    queue: str,
    project_title: str,
    annotators: Sequence[str],
    n: int,
    lease_seconds: int | None = None,
) -> PushReport:
    """Lease up to n items of the queue to each annotator and send those not yet in the project
    (created, or given the queue's label config) as tasks with their pre-annotations.

    The server is asked first (project, tasks already there), so an unreachable server or a
    refused token leases nothing; each item's disclosure is audited (`item_pushed`: annotator,
    server, project, whether it was sent now, the digest of the tasks sent) before the tasks leave.
    """
    settings = store.settings()
    if queue not in settings:
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(settings) or 'none yet'})")
    queue_settings = settings[queue]
    labels = list(queue_settings.labels)
    config = label_config(queue_settings, labels, store.placeholder_labels())
    project, action = client.ensure_project(
        project_title, config, f"Scrubline queue '{queue}': redacted records for annotation."
    )
    project_id = int(project["id"])
    existing = task_item_ids(client.tasks(project_id))
    report = PushReport(project_title, project_id, action)
    leased: dict[str, QueueItem] = {}
    for name in dict.fromkeys(annotators):
        items = store.pull(queue, name, n, lease_seconds)
        report.leased[name] = [item.item_id for item in items]
        for item in items:
            leased.setdefault(item.item_id, item)
    fresh = [item for item_id, item in leased.items() if item_id not in existing]
    report.sent = [item.item_id for item in fresh]
    report.already = [item_id for item_id in leased if item_id in existing]
    tasks = LabelStudio().records(fresh, labels, queue_settings)
    digest = hashlib.sha256(canonical(tasks).encode("utf-8")).hexdigest()
    common = {"format": LabelStudio.name, "server": client.url, "project": project_title}
    events = []
    for name, ids in report.leased.items():
        for sent in (True, False):
            refs = [item_ref(leased[i]) for i in ids if (i not in existing) is sent]
            details = {**common, "annotator": name, "sent": sent, "lease": True}
            if sent:
                details["sha256"] = digest
            events.append((ITEM_PUSHED, refs, details))
    audit.record_many(events)
    if tasks:
        try:
            client.import_tasks(project_id, tasks)
            now = task_item_ids(client.tasks(project_id))
        except LabelStudioError as exc:
            returned = _return_unsent(client, store, audit, project_id, report, leased, common)
            raise LabelStudioError(f"{exc}; {returned}") from None
        missing = [i for i in report.sent if i not in now]
        if missing:
            returned = _return_unsent(client, store, audit, project_id, report, leased, common, now)
            raise LabelStudioError(
                f"Label Studio at {client.url}: {_count(len(missing), 'task')} sent to project "
                f"'{project_title}' are not in it after the import; {returned}"
            )
    return report


def _return_unsent(
    client: LabelStudioClient,
    store: QueueStore,
    audit: QueueAudit,
    project_id: int,
    report: PushReport,
    leased: Mapping[str, QueueItem],
    common: Mapping[str, Any],
    present: Mapping[str, int] | None = None,
) -> str:
    """After a failed import: return the leases of the items whose tasks are not in the project
    (asked again, unless `present` is given), so they are offered at once rather than after the
    lease time, and audit it. Items whose tasks did arrive keep their leases (sync imports their
    annotations). Says what was done, for the error message."""
    if present is None:
        try:
            present = task_item_ids(client.tasks(project_id))
        except LabelStudioError:
            return "the server cannot say which tasks arrived, so the leases stay until they expire"
    unsent = {i for i in report.sent if i not in present}
    events = []
    for name, ids in report.leased.items():
        back = store.return_leases(name, [i for i in ids if i in unsent])
        if back:
            refs = [item_ref(leased[i]) for i in back]
            events.append((ITEM_PUSH_FAILED, refs, {**common, "annotator": name, "lease": "returned"}))
    audit.record_many(events)
    report.sent = [i for i in report.sent if i not in unsent]
    return f"{_count(len(unsent), 'lease')} of items not sent returned: push again"


# --- sync --------------------------------------------------------------------------------------


def _user_object(user: Mapping[str, Any] | None, raw: Any) -> Any:
    if user is None:
        return raw
    return {k: user.get(k) for k in ("id", "email", "username") if user.get(k) not in (None, "")}


def with_users(
    tasks: Sequence[dict[str, Any]], users: Mapping[int, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The tasks with each annotation's `completed_by` as the user's id, email and username."""
    out = []
    for task in tasks:
        notes = []
        for note in task.get("annotations") or []:
            who = note.get("completed_by")
            uid = who.get("id") if isinstance(who, dict) else who
            try:
                user = users.get(int(uid)) if uid is not None else None
            except (TypeError, ValueError):
                user = None
            notes.append({**note, "completed_by": _user_object(user, who)})
        out.append({**task, "annotations": notes})
    return out


def user_keys(user: Mapping[str, Any]) -> tuple[str, ...]:
    """The names `--user` may give a Label Studio user: email, user name, id."""
    values = (user.get("email"), user.get("username"), user.get("id"))
    return tuple(dict.fromkeys(str(v).strip() for v in values if v not in (None, "")))


def default_user_mapping(
    store: QueueStore,
    tasks: Sequence[Mapping[str, Any]],
    users: Mapping[int, Mapping[str, Any]],
    explicit: Mapping[str, str],
) -> dict[str, str]:
    """Label Studio email -> annotator, for each user who annotated these tasks, has no
    `--user` entry, and whose user name, email or email's local part is the name of an annotator
    the synced items were given to."""
    given = store.assignments(list(task_item_ids(tasks)))
    names = {name for holders in given.values() for name in holders}
    ids = set()
    for task in tasks:
        for note in task.get("annotations") or []:
            who = note.get("completed_by")
            ids.add(who.get("id") if isinstance(who, dict) else who)
    out: dict[str, str] = {}
    for uid in ids:
        try:
            user = users.get(int(uid))
        except (TypeError, ValueError):
            continue
        if not user or any(key in explicit for key in user_keys(user)):
            continue
        email = str(user.get("email") or "")
        for name in (user.get("username"), email, email.partition("@")[0]):
            if name and name in names:
                out[user_keys(user)[0]] = str(name)
                break
    return out


def check_users(client: LabelStudioClient, mapping: Mapping[str, str]) -> None:
    """Every LSUSER of a `--user LSUSER=ANNOTATOR` mapping is an account of the server."""
    known = {key for user in client.users().values() for key in user_keys(user)}
    missing = [key for key in mapping if key not in known]
    if missing:
        raise LabelStudioError(
            f"Label Studio at {client.url} has no user {', '.join(missing)}: --user takes a Label Studio"
            " email, user name or id"
        )


def sync_annotations(
    client: LabelStudioClient,
    store: QueueStore,
    queue: str,
    project_title: str,
    users: Mapping[str, str] | None = None,
) -> tuple[ImportReport, int]:
    """Import the project's completed annotations of this queue's items (see the module
    docstring). Returns the import report and the project's id."""
    project = client.project(project_title)
    if project is None:
        raise LabelStudioError(
            f"Label Studio at {client.url} has no project titled '{project_title}': push to it first"
        )
    ls_users = client.users()
    tasks = [
        t
        for t in client.tasks(project["id"])
        if (t.get("data") or {}).get("item_id") and (t.get("data") or {}).get("queue", queue) == queue
    ]
    explicit = dict(users or {})
    mapping = {**default_user_mapping(store, tasks, ls_users, explicit), **explicit}
    export = with_users(tasks, ls_users)
    # `import_annotations` reads an export file: a private one, removed at once.
    with tempfile.TemporaryDirectory(prefix="scrubline-ls-sync-") as folder:
        path = Path(folder) / f"project-{project['id']}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(export, handle, ensure_ascii=False)
        try:
            report = import_annotations(store, "label-studio", path, users=mapping)
        except QueueError as exc:
            raise QueueError(str(exc).replace(str(path), f"{client.url} project '{project_title}'")) from None
    where = f"{client.url} project '{project_title}'"
    report.path = where
    report.warnings = [w.replace(str(path), where) for w in report.warnings]
    return report, int(project["id"])


def sync(
    client: LabelStudioClient,
    store: QueueStore,
    audit: QueueAudit,
    queue: str,
    project_title: str,
    users: Mapping[str, str] | None = None,
) -> ImportReport:
    """`sync_annotations`, audited like `queue import`: `annotation_synced` per stored annotation
    (new, replaced or unchanged) and `item_nacked` per skipped task, naming the annotator, the
    server and the project, never content."""
    if queue not in store.settings():
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(store.settings()) or 'none yet'})")
    report, project_id = sync_annotations(client, store, queue, project_title, users)
    common = {"format": LabelStudio.name, "server": client.url, "project": project_title}
    events = []
    for name, done in sorted(report.annotators.items()):
        items = {item.item_id: item for item in store.items(done.saved + done.nacked)}
        for status in ("new", "replaced", "unchanged"):
            refs = [item_ref(items[i], status=status) for i in getattr(done, status) if i in items]
            events.append((ANNOTATION_SYNCED, refs, {**common, "annotator": name}))
        refs = [item_ref(items[i]) for i in done.nacked if i in items]
        events.append((ITEM_NACKED, refs, {**common, "annotator": name, "via": "label-studio-sync"}))
    audit.record_many(events)
    return report


__all__ = [
    "TOKEN_ENV",
    "LabelStudioClient",
    "LabelStudioError",
    "PushReport",
    "client_from_env",
    "label_config",
    "push",
    "sync",
    "sync_annotations",
    "task_item_ids",
    "with_users",
]
