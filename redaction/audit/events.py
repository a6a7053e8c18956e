"""Audit events: what is recorded about a run, its records and its outputs, never a raw value.

Record ids are stored as keyed HMACs (so `scrubline audit record ID` can find a record's history
from its id, while the log alone reveals nothing); each record's input and output are stored as
keyed digests of their canonical JSON, which proves which content went in and came out without
holding it; each redaction as its value path, offsets, entity type, score and action. A plain
sha256 would not do: record ids, names and phone numbers are few enough to be found by hashing
guesses, which a key prevents.

`batch_events` runs in the worker processes, where the raw data is; what it returns holds only
digests and offsets and is cheap to pickle back to the writer.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import importlib.metadata
import json
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..io import file_sha256
from ..keys import Key

RUN_STARTED = "run_started"
RECORD_TRANSFORMED = "record_transformed"
RECORD_QUARANTINED = "record_quarantined"
RECORD_ROUTED = "record_routed"
# A record left out because its id is already in the output folder with the same content.
RECORD_SKIPPED = "record_skipped"
BATCH_EXPORTED = "batch_exported"
RUN_FINISHED = "run_finished"
RUN_FAILED = "run_failed"
# What people do with queue items after a run: disclosures (a pull hands records to a person)
# and reviews. Each names the actor, the queue and the item's keyed record id, never content.
ITEM_PULLED = "item_pulled"
ITEM_ACKED = "item_acked"
ITEM_NACKED = "item_nacked"
ITEM_FIXED = "item_fixed"
ITEM_RELEASED = "item_released"
ANNOTATION_IMPORTED = "annotation_imported"
GOLD_ADDED = "gold_added"
# The reviewer role (who may read, fix and release held items), and refusals for want of it.
REVIEWER_ADDED = "reviewer_added"
REVIEWER_REMOVED = "reviewer_removed"
ACCESS_REFUSED = "access_refused"
# A live Label Studio server: items sent to a project (a disclosure, like a pull), and its
# completed annotations brought back (`scrubline queue push` / `queue sync`).
ITEM_PUSHED = "item_pushed"
ANNOTATION_SYNCED = "annotation_synced"
# A push whose tasks did not reach the project (the server failed part way): the items' leases
# are returned so that they are offered again at once, not after the lease time.
ITEM_PUSH_FAILED = "item_push_failed"
# Crowd quality control (issue 16): a queue's labels aggregated, its final dataset exported
# (counts, methods, agreement figures and file digests; never text).
LABELS_AGGREGATED = "labels_aggregated"
DATASET_EXPORTED = "dataset_exported"
# A queue's model (redaction/queues/learning.py): a version trained (its figures, the sha256 of
# its training data), and labels it gave without a person (counts and item ids, never text).
MODEL_TRAINED = "model_trained"
ITEMS_AUTOLABELLED = "items_autolabelled"
RUN_EVENTS = (
    RUN_STARTED,
    RECORD_TRANSFORMED,
    RECORD_QUARANTINED,
    RECORD_ROUTED,
    RECORD_SKIPPED,
    BATCH_EXPORTED,
    RUN_FINISHED,
    RUN_FAILED,
)
ITEM_EVENTS = (
    ITEM_PULLED,
    ITEM_ACKED,
    ITEM_NACKED,
    ITEM_FIXED,
    ITEM_RELEASED,
    ANNOTATION_IMPORTED,
    ITEM_PUSHED,
    ITEM_PUSH_FAILED,
    ANNOTATION_SYNCED,
)
REVIEW_EVENTS = (
    *ITEM_EVENTS,
    GOLD_ADDED,
    REVIEWER_ADDED,
    REVIEWER_REMOVED,
    ACCESS_REFUSED,
    LABELS_AGGREGATED,
    DATASET_EXPORTED,
    MODEL_TRAINED,
    ITEMS_AUTOLABELLED,
)
EVENT_TYPES = (*RUN_EVENTS, *REVIEW_EVENTS)
RECORD_EVENTS = (RECORD_TRANSFORMED, RECORD_QUARANTINED, RECORD_ROUTED, RECORD_SKIPPED, *ITEM_EVENTS)
EXPORT_KINDS = ("records", "held", "quarantine")

# Distinct subkeys of the audit key, one per use (Key.derive).
RECORD_ID_PURPOSE = "audit-record-id"
RECORD_DIGEST_PURPOSE = "audit-record-digest"
RUN_DIGEST_PURPOSE = "audit-run-digest"
CHECKPOINT_PURPOSE = "audit-checkpoint"
ANCHOR_PURPOSE = "audit-anchor"  # head statements (anchor file, summary.json)

RECORD_ID_CHARS = 32


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces (what is hashed and stored)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class RecordHasher:
    """Keyed digests of record ids and contents under the audit key's subkeys."""

    def __init__(self, key: Key):
        self._ids = hmac.new(key.derive(RECORD_ID_PURPOSE), digestmod=hashlib.sha256)
        self._contents = hmac.new(key.derive(RECORD_DIGEST_PURPOSE), digestmod=hashlib.sha256)

    def record_id(self, record_id: str) -> str:
        mac = self._ids.copy()
        mac.update(str(record_id).encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:RECORD_ID_CHARS]

    def content(self, data: Any) -> str:
        mac = self._contents.copy()
        mac.update(canonical(data).encode("utf-8", "surrogatepass"))
        return mac.hexdigest()


def record_hmac(key: Key, record_id: str) -> str:
    """How a record id is stored in the log (and looked up by `scrubline audit record`)."""
    return RecordHasher(key).record_id(record_id)


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One output file written for a batch: the file's sha256, never its content."""

    kind: str  # "records" | "quarantine"
    path: str
    sha256: str
    rows: int

    def __post_init__(self) -> None:
        if self.kind not in EXPORT_KINDS:
            raise ValueError(f"export kind must be one of {', '.join(EXPORT_KINDS)}, got {self.kind!r}")

    @classmethod
    def from_file(cls, kind: str, path: str | Path, rows: int) -> ExportRecord:
        """Describe a file just written (hashes it)."""
        return cls(kind, normalize_path(path), file_sha256(path), rows)


def normalize_path(path: str | Path) -> str:
    return str(Path(path).resolve())


@dataclass(slots=True)
class BatchEvents:
    """The audit events of one batch, bodies already canonical JSON. Holds no raw value."""

    batch_key: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (event type, canonical body)

    def __len__(self) -> int:
        return len(self.entries)


def _redaction_body(path: str, redaction: Any) -> dict[str, Any]:
    return {
        "field": path,
        "start": redaction.start,
        "end": redaction.end,
        "entity_type": redaction.entity_type,
        "score": round(float(redaction.score), 3),
        "action": redaction.action,
    }


def batch_events(
    key: Key,
    batch: Any,
    result: Any,
    exports: list[ExportRecord],
    routes: dict[str, tuple[str | None, bool]] | None = None,
) -> BatchEvents:
    """The events of one redacted batch: one per record transformed, quarantined and routed,
    one per output file.

    `batch` is a `redaction.io.Batch`, `result` the `BatchResult` of redacting it (rows in the
    order of `result.redacted`); `routes` maps a record id to (queue, held): queue None when a
    routing rule filtered it out, held when the queue holds its items for review.
    Runs where the raw data is (worker processes).
    """
    hasher = RecordHasher(key)
    batch_key = batch.key
    # By location, not id: ids may repeat within a file, a location cannot.
    raw_by_location = {record.location: record.data for record in batch.records}
    entries: list[tuple[str, str]] = []
    id_macs: dict[str, str] = {}

    def mac(record_id: str) -> str:
        found = id_macs.get(record_id)
        if found is None:
            found = id_macs[record_id] = hasher.record_id(record_id)
        return found

    if len(result.rows) != len(result.redacted):
        raise ValueError(
            f"batch {batch_key}: {len(result.rows)} rows for {len(result.redacted)} redacted records"
        )
    for done, row in zip(result.redacted, result.rows, strict=True):
        raw = raw_by_location.get(done.location)
        body = {
            "batch": batch_key,
            "record": mac(done.record_id),
            "location": done.location,
            "language": done.language,
            "input": hasher.content(raw) if raw is not None else None,
            "output": hasher.content(row),
            "redactions": [_redaction_body(path, redaction) for path, redaction in done.redactions],
        }
        entries.append((RECORD_TRANSFORMED, canonical(body)))
    for reject in result.rejects:
        body = {
            "batch": batch_key,
            "record": mac(reject.record_id) if reject.record_id is not None else None,
            "location": reject.location,
            "reason": getattr(reject.reason, "value", str(reject.reason)),
        }
        entries.append((RECORD_QUARANTINED, canonical(body)))
    for location, record_id in getattr(batch, "skipped", ()):
        body = {
            "batch": batch_key,
            "record": mac(record_id),
            "location": location,
            "reason": "already_emitted",
        }
        entries.append((RECORD_SKIPPED, canonical(body)))
    for record_id, (queue, held) in (routes or {}).items():
        body = {
            "batch": batch_key,
            "record": mac(record_id),
            "queue": queue,
            "filtered": queue is None,
            "held": held,
        }
        entries.append((RECORD_ROUTED, canonical(body)))
    for export in exports:
        body = {
            "batch": batch_key,
            "kind": export.kind,
            "path": normalize_path(export.path),
            "sha256": export.sha256,
            "rows": export.rows,
        }
        entries.append((BATCH_EXPORTED, canonical(body)))
    return BatchEvents(batch_key, entries)


# --- run_started -------------------------------------------------------------------------------


def policy_snapshot(policy: Any) -> dict[str, Any]:
    """The policy's rules as the audit keeps them: enough for a report without the YAML.

    Word lists (allow and deny lists) are counted, not copied: a deny list may name people.
    """
    entities = {}
    for name, rule in sorted(policy.entities.items()):
        dumped = rule.model_dump(mode="json")
        options = {k: v for k, v in dumped.items() if k not in {"threshold", "action"} and v is not None}
        entities[name] = {"threshold": rule.threshold, "action": rule.action.value, "options": options}
    return {
        "name": policy.name,
        "version": policy.version,
        "sha256": policy.content_hash(),
        "schema_version": policy.schema_version,
        "description": policy.description,
        "purpose": policy.purpose,
        "languages": {code: model.model for code, model in policy.languages.items()},
        "entities": entities,
        "recognizers": [
            {"name": spec.name, "entity": spec.entity, "patterns": len(spec.patterns)}
            for spec in policy.recognizers
        ],
        "coded_recognizers": list(policy.coded_recognizers),
        "deny_lists": [{"entity": deny.entity, "words": len(deny.words)} for deny in policy.deny_lists],
        "allow_list_words": len(policy.allow_list),
        "fields": policy.fields.model_dump(mode="json"),
        "detection": policy.detection.model_dump(mode="json"),
    }


@lru_cache(maxsize=1)
def code_version() -> dict[str, str | None]:
    """The installed Scrubline version and, for a source checkout, its git commit.

    The commit is read from the .git folder's files (no git process, no network).
    """
    try:
        version = importlib.metadata.version("scrubline")
    except importlib.metadata.PackageNotFoundError:
        version = None
    return {"scrubline": version, "git_commit": _git_commit(Path(__file__).resolve().parents[2])}


def _git_commit(root: Path) -> str | None:
    try:
        git = root / ".git"
        if git.is_file():  # a worktree: "gitdir: <path>"
            text = git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git = (root / text.split(":", 1)[1].strip()).resolve()
        if not git.is_dir():
            return None
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head or None
        ref = head.split(":", 1)[1].strip()
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
        for base in (git, common):
            if (base / ref).is_file():
                return (base / ref).read_text(encoding="utf-8").strip() or None
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return parts[0]
    except OSError:
        return None
    return None


def who_and_where() -> tuple[str | None, str | None]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = None
    try:
        host = socket.gethostname()
    except OSError:
        host = None
    return user, host


# --- disclosures and reviews ---------------------------------------------------------------


def actor_name(given: str | None = None) -> str:
    """Who is acting: `--as NAME`, else $SCRUBLINE_ACTOR, else the OS user; recorded as given."""
    import os

    for value in (given, os.environ.get("SCRUBLINE_ACTOR")):
        if value and value.strip():
            return value.strip()
    user, _ = who_and_where()
    return user or "unknown"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A queue item an action touched: ids only (the record id is keyed before it is stored)."""

    item_id: str
    record_id: str | None
    queue: str
    gold: bool = False
    details: tuple[tuple[str, Any], ...] = ()  # per-item facts (counts, names of entity types)


def item_events(
    key: Key, event_type: str, actor: str, items: list[ItemRef], common: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    """One event per item: who, which queue, which item and record (keyed), and `common` facts
    of the action (a format, a file digest, an annotator's name), never content."""
    if event_type not in ITEM_EVENTS:
        raise ValueError(f"not an item event: {event_type}")
    hasher = RecordHasher(key)
    entries = []
    for item in items:
        body: dict[str, Any] = {
            "actor": actor,
            "item": item.item_id,
            "queue": item.queue,
            "record": hasher.record_id(item.record_id) if item.record_id and not item.gold else None,
            "gold": item.gold,
            **(common or {}),
            **dict(item.details),
        }
        entries.append((event_type, canonical(body)))
    return entries


def failure_body(stage: str, exc: BaseException, **context: Any) -> dict[str, Any]:
    """Why a run stopped, for `run_failed`: the error's kind and, for Scrubline's own errors
    (whose messages name files, key paths and counts, never record content), its message.
    Any other exception's message may quote data, so only its type is kept."""
    from ..errors import PolicyError, ScrublineError

    body: dict[str, Any] = {"stage": stage, "error": type(exc).__name__, "reason": None, **context}
    if isinstance(exc, PolicyError):
        body["reason"] = "invalid policy"
        body["problems"] = list(exc.problems)
    elif isinstance(exc, ScrublineError):
        body["reason"] = exc.message
    elif isinstance(exc, KeyboardInterrupt):
        body["reason"] = "interrupted"
    else:
        body["reason"] = "unexpected error (its message is not recorded: it may quote record content)"
    user, host = who_and_where()
    body.update(user=user, host=host, code=code_version())
    return body
