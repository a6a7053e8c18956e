"""A record's identity is its id (the policy's `fields.id`), not the file it came in.

Within one output folder each id has at most one row (in `records/` or `held/`) and one queue
item, whatever file it arrives in and however often:

- a record whose id the folder already holds, with the same content (a re-sent, renamed or
  copied file, the unchanged part of a grown file that is not its own earlier version), is left
  out and counted `filtered` (reason `already_emitted`), with a `record_skipped` audit event;
- with other content from another file, `fields.duplicates` decides: `keep_first` and
  `quarantine` keep the version already there (so an item annotators may have worked on is never
  changed under them) and quarantine the newcomer as `duplicate_id`; `fail` stops the run before
  any batch is read, naming both files and lines;
- a new version of the same file (same path, new content) replaces the old one, as before: its
  records are redone, the old version's outputs removed, and the queue item of an id is updated
  in place while nobody has worked on it (else kept, with a note of the newer batch);
- a file that vanished (renamed, deleted) keeps its output: its ids are not emitted again when
  they reappear under another name.

The ledger is the batch markers themselves (`OUT/_state/batches/*.json`): each lists the ids its
batch wrote, as keyed digests (`RecordIdentity`, a subkey of the audit key), with a keyed digest
of each record's content and its location. A marker's rename commits its batch
(`redaction.state`), so the ledger commits with the outputs it describes, atomically, and a
crash leaves it exactly as the batches that are committed. No id and no content is stored in the
clear. Decisions are made once, at planning, in the run's main process, over the sources in
their order: so a run that was killed and run again decides exactly as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .keys import Key, resolve_key

IDENTITY_PURPOSE = "record-identity"
CONTENT_PURPOSE = "record-identity-content"
ID_CHARS = 32  # 128-bit keyed digests: no collision in any real folder
CONTENT_CHARS = 16  # compared only between two versions of one id
ALREADY_EMITTED = "already_emitted"  # filtered: the id is already in the output with this content
ROUTING = "routing"  # filtered: left out by a routing rule


def identity_key(*, create: bool = True) -> Key:
    """The key record identities are digested with: the audit key's (a subkey of it), so an
    output folder's ledger is tied to the installation whose audit log describes it."""
    from .audit.store import AUDIT_KEY_ENV

    return resolve_key(AUDIT_KEY_ENV, create=create)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class RecordIdentity:
    """Keyed digests of record ids (their identity) and of raw record contents (their version)."""

    def __init__(self, key: Key):
        self._ids = hmac.new(key.derive(IDENTITY_PURPOSE), digestmod=hashlib.sha256)
        self._contents = hmac.new(key.derive(CONTENT_PURPOSE), digestmod=hashlib.sha256)
        self.key_id = hmac.new(key.derive(IDENTITY_PURPOSE), b"key-id", hashlib.sha256).hexdigest()[:16]

    def of(self, record_id: str) -> str:
        mac = self._ids.copy()
        mac.update(str(record_id).encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:ID_CHARS]

    def content(self, data: Any) -> str:
        mac = self._contents.copy()
        mac.update(_canonical(data).encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:CONTENT_CHARS]


def item_id(dataset: str, identity: str) -> str:
    """The queue item of a record: one per id per output folder (`dataset_id`)."""
    return hashlib.sha256(f"item\x00{dataset}\x00{identity}".encode()).hexdigest()[:32]


def dataset_id(out: str | Path, *, create: bool = True) -> str:
    """The output folder's own random id (`OUT/_state/dataset.json`), which scopes its queue
    items: two output folders never share items, and a folder made anew gets new ones."""
    from .io import atomic_write

    path = Path(out) / "_state" / "dataset.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["dataset_id"]
    except FileNotFoundError:
        if not create:
            raise InputError(f"{out}: not an output folder a run has written (no {path.name})") from None
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{path}: unreadable; it names the output folder's queue items") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"dataset_id": secrets.token_hex(16)}) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))["dataset_id"]


@dataclass(frozen=True, slots=True)
class Emitted:
    """An id the output folder holds: its content digest, and where it came from."""

    content: str
    path: str
    location: str


class IdLedger:
    """The ids an output folder holds, from its committed batch markers, and the decisions of
    a plan over new sources (in order), so the same id is emitted once."""

    def __init__(self, identity: RecordIdentity):
        self.identity = identity
        self.seen: dict[str, Emitted] = {}

    def load(self, markers: Iterable[dict[str, Any]], out: str | Path) -> IdLedger:
        """Add the ids of committed markers (dicts as stored)."""
        for marker in markers:
            ids = marker.get("identities")
            if not ids:
                continue
            if ids.get("key_id") != self.identity.key_id:
                raise InputError(
                    f"{out}: its record ledger was written with another audit key (key id "
                    f"{ids.get('key_id')}); run with the SCRUBLINE_AUDIT_KEY that wrote it, "
                    "or use another --out"
                )
            path = marker["source"]["path"]
            for rid, (content, location) in ids["records"].items():
                self.seen.setdefault(rid, Emitted(content, path, location))
        return self

    def decide(self, rid: str, content: str, path: str, location: str) -> Emitted | None:
        """None: emit this record (and remember it); else the version already there."""
        found = self.seen.get(rid)
        if found is None:
            self.seen[rid] = Emitted(content, path, location)
        return found


def marker_identities(identity: RecordIdentity, records: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The ledger part of a batch marker: {rid: [content digest, location]} with the key id."""
    return {"key_id": identity.key_id, "records": {rid: list(v) for rid, v in sorted(records.items())}}
