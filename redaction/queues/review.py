"""What people do with queue items, audited: disclosures (pulls), reviews (fix, release), and
the work that comes back (ack, nack, import, gold).

Every action appends one event per item to the installation's audit log, on the same hash chain
as the runs, in one transaction: who (`actor_name`), which queue, which item and record (the
record id keyed under the audit key), and what (a format and file digest, entity types and
counts, an annotator's name), never content. An action that cannot be audited does not happen:
a pull's export file becomes visible only after its events are in the log, and a release's
output likewise.

**Held means held.** A record routed to a queue that holds its items (privacy review) is
written to `OUT/held/` (owner-only), not to `OUT/records/`, which annotation pipelines read.
`release_items` writes each released record, with the reviewer's corrections, to
`OUT/records/<batch>.released-<id>.parquet` (same columns and types as the batch's other
records) by the batch commit protocol: a pending file, the audit events naming its digest, then
the rename; only then do the items become pending in their release queue. A release that
crashes part way is finished by releasing again: rows already in a released file of the batch
are not written twice.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..audit.events import (
    ACCESS_REFUSED,
    ITEM_FIXED,
    ITEM_PULLED,
    ITEM_RELEASED,
    REVIEWER_ADDED,
    REVIEWER_REMOVED,
    ItemRef,
    actor_name,
    canonical,
    item_events,
)
from ..io import file_sha256
from ..policy import Policy
from .base import QueueError, QueueItem, QueueStore
from .items import QUEUE_COLUMN


def item_ref(item: QueueItem, **details: Any) -> ItemRef:
    return ItemRef(
        item.item_id, item.record_id or None, item.queue, item.gold, tuple(sorted(details.items()))
    )


class QueueAudit:
    """Appends queue actions to the audit log as one actor. Opens the log on first use (creating
    it and its key like a run would); a log that cannot be opened stops the action."""

    def __init__(self, actor: str | None = None, log=None):
        self.actor = actor_name(actor)
        self._log = log

    @property
    def log(self):
        if self._log is None:
            from ..audit import AuditLog

            self._log = AuditLog()
        return self._log

    def record(self, event_type: str, refs: Sequence[ItemRef], **common: Any) -> str | None:
        """Append one event per item in one transaction; returns the action id (None: nothing)."""
        if not refs:
            return None
        entries = item_events(self.log.record_key(), event_type, self.actor, list(refs), common)
        return self.log.append_review(entries)

    def record_many(self, batches: Iterable[tuple[str, Sequence[ItemRef], dict[str, Any]]]) -> str | None:
        """Several kinds of event of one action, in one transaction."""
        entries: list[tuple[str, str]] = []
        for event_type, refs, common in batches:
            if refs:
                entries += item_events(self.log.record_key(), event_type, self.actor, list(refs), common)
        return self.log.append_review(entries) if entries else None

    def close(self) -> None:
        if self._log is not None:
            self._log.close()


# --- the reviewer role -------------------------------------------------------------------------
#
# Held items are records nobody has cleared yet: reading them (`pull --held`), fixing and
# releasing them is for the people named as reviewers in the queue store. The first reviewer
# may be added by anyone who can write the store (its owner: the file is 0600); from then on only
# a reviewer adds or removes one, and the last one cannot be removed. Every change, and every
# refusal, is an audit event naming the actor, the action and the queue, never an item's content.
# Names are who the actor says they are (`--as`, $SCRUBLINE_ACTOR, the OS user): the role keeps
# a mistaken or careless pull from happening and leaves a trace, it is no authentication.

ROLE = "reviewer"


def require_reviewer(store: QueueStore, audit: QueueAudit, action: str, queue: str | None = None) -> None:
    """Go on if the acting person holds the reviewer role; else audit the refusal and raise."""
    reviewers = store.reviewers()
    if audit.actor in reviewers:
        return
    body = {"actor": audit.actor, "action": action, "queue": queue, "role": ROLE}
    audit.log.append_review([(ACCESS_REFUSED, canonical(body))])
    where = f" of {queue}" if queue else ""
    how = (
        "a reviewer adds you with: scrubline queue reviewers add NAME --as REVIEWER"
        if reviewers
        else "no reviewer yet: add one with: scrubline queue reviewers add NAME"
    )
    raise QueueError(f"{audit.actor} may not {action}{where}: it needs the reviewer role ({how})")


def change_reviewer(store: QueueStore, audit: QueueAudit, name: str, *, add: bool) -> bool:
    """Add or remove a reviewer, audited; False when nothing changed (already one / not one)."""
    name = name.strip()
    if not name:
        raise QueueError("a reviewer needs a name")
    reviewers = store.reviewers()
    if reviewers:  # the first reviewer may be added by the store's owner; then only reviewers
        require_reviewer(store, audit, "add reviewers" if add else "remove reviewers")
    if not add and reviewers == [name]:
        raise QueueError(f"{name} is the last reviewer: add another before removing them")
    changed = store.add_reviewer(name, audit.actor) if add else store.remove_reviewer(name)
    if changed:
        body = {"actor": audit.actor, "reviewer": name, "role": ROLE}
        audit.log.append_review([(REVIEWER_ADDED if add else REVIEWER_REMOVED, canonical(body))])
    return changed


def _hidden_temp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.pending")


def export_audited(fmt, items: Sequence[QueueItem], path: str | os.PathLike[str], labels, audit: QueueAudit,
                   *, annotator: str | None, held: bool, settings=None) -> Path:  # fmt: skip
    """Write an export for a person and record the disclosure: the file is written under a
    hidden name, its digest audited per item, then renamed into place."""
    final = Path(path)
    temp = _hidden_temp(final)
    try:
        fmt.export(items, temp, labels, settings)  # settings: the queue's, for non-span kinds
        digest = file_sha256(temp)
        audit.record(
            ITEM_PULLED,
            [item_ref(item) for item in items],
            format=fmt.name,
            file=str(final.resolve()),
            sha256=digest,
            annotator=annotator,
            lease=not held,
        )
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return final


# --- release ---------------------------------------------------------------------------------


@dataclass
class ReleaseReport:
    released: int = 0  # items now pending in the target queue
    written: dict[str, int] = field(default_factory=dict)  # released file -> rows written
    target: str = ""
    legacy: int = 0  # items enqueued before held records stayed out of records/ (already there)


def _overlay(typed: Any, fixed: Any) -> Any:
    """The typed value read from Parquet, with each string replaced by the reviewer's version
    (the queue keeps the record as JSON, which loses dates, decimals and integer widths)."""
    if isinstance(typed, dict):
        fixed = fixed if isinstance(fixed, dict) else {}
        return {key: _overlay(value, fixed.get(key)) for key, value in typed.items()}
    if isinstance(typed, list):
        fixed = fixed if isinstance(fixed, list) else []
        return [_overlay(value, fixed[i] if i < len(fixed) else None) for i, value in enumerate(typed)]
    if isinstance(typed, str) and isinstance(fixed, str):
        return fixed
    return typed


def _released_ids(paths: Iterable[Path], id_field: str) -> set[str]:
    import pyarrow.parquet as pq

    found: set[str] = set()
    for path in paths:
        found.update(str(v) for v in pq.read_table(path, columns=[id_field]).column(id_field).to_pylist())
    return found


def release_items(
    store: QueueStore,
    queue: str,
    item_ids: Sequence[str] | None,
    audit: QueueAudit,
    *,
    to: str | None = None,
) -> ReleaseReport:
    """Release held items (these, or all of the queue's): write their records to the output
    annotators read, audited, then make them pending in `to` (default: the queue's
    release_to, else the queue itself)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..io import atomic_write
    from ..state import RELEASED, OutputState

    settings = store.settings()
    if queue not in settings:
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(settings) or 'none yet'})")
    target = to or settings[queue].release_to or queue
    if target not in settings:
        raise QueueError(f"cannot release into '{target}': no such queue ({', '.join(settings)})")
    if settings[target].hold and target != queue:
        raise QueueError(f"cannot release into '{target}': it holds its items too")
    if item_ids is None:
        items = store.held(queue, 1_000_000_000)
    else:
        items = [i for i in store.items(item_ids) if i.queue == queue and i.state == "held"]
        missing = sorted(set(item_ids) - {i.item_id for i in items})
        if missing:
            shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
            raise QueueError(f"{queue}: no held item {shown}")
    report = ReleaseReport(target=target)
    if not items:
        return report
    by_output: dict[str, list[QueueItem]] = defaultdict(list)
    for item in items:
        by_output[item.output].append(item)
    events: list[tuple[str, list[ItemRef], dict[str, Any]]] = []
    renames: list[tuple[Path, Path]] = []
    try:
        for output, group in sorted(by_output.items()):
            if not output:  # enqueued by an older version, which wrote held rows to records/
                report.legacy += len(group)
                events.append((ITEM_RELEASED, [item_ref(i) for i in group], {"to": target, "output": None}))
                continue
            held_path = Path(output)
            if not held_path.is_file():
                raise QueueError(
                    f"{held_path}: the held output of {len(group)} item(s) is gone (the output "
                    "folder was removed or the batch redone); run the input again"
                )
            state = OutputState(held_path.parent.parent)
            batch_key = held_path.name[: -len(".parquet")]
            id_field = group[0].id_field or "id"
            already = _released_ids(state.released_files(batch_key), id_field)
            table = pq.read_table(held_path)
            typed = {}
            for row in table.to_pylist():
                typed.setdefault(str(row[id_field]), row)
            rows = []
            for item in group:
                if item.record_id in already:
                    continue  # a release that stopped part way wrote it
                base = typed.get(item.record_id)
                if base is None:
                    raise QueueError(f"{held_path}: no row for item {item.item_id} (the batch was redone)")
                row = _overlay(base, item.record)
                row[QUEUE_COLUMN] = target
                rows.append(row)
            path = None
            if rows:
                rid = hashlib.sha256("\0".join(sorted(i.item_id for i in group)).encode()).hexdigest()[:12]
                path = state.out / "records" / f"{batch_key}{RELEASED}{rid}.parquet"
                pending = path.with_name(f".{path.name}.pending")
                released = pa.Table.from_pylist(rows, schema=table.schema)
                atomic_write(pending, lambda tmp, t=released: pq.write_table(t, tmp, compression="zstd"))
                renames.append((pending, path))
                report.written[str(path)] = len(rows)
            common = {"to": target, "output": None}
            if path is not None:
                common["output"] = {"path": str(path.resolve()), "sha256": file_sha256(pending)}
            events.append((ITEM_RELEASED, [item_ref(i) for i in group], common))
        audit.record_many(events)
    except BaseException:
        for pending, _ in renames:
            pending.unlink(missing_ok=True)
        raise
    for pending, final in renames:
        os.replace(pending, final)
    report.released = store.release(queue, [i.item_id for i in items], target)
    return report


# --- fix -------------------------------------------------------------------------------------


@dataclass
class FixReport:
    redacted: Counter[str] = field(default_factory=Counter)  # entity type -> values redacted
    release: ReleaseReport | None = None


def fix_item(
    store: QueueStore,
    policy: Policy,
    queue: str,
    item_id: str,
    wanted: Sequence[tuple[str, str]],
    audit: QueueAudit,
    *,
    release: bool = False,
) -> FixReport:
    """A reviewer redacts what detection missed in a held item, with the policy's own action for
    each entity (the same pseudonyms), then optionally releases it. The reviewer's texts are
    never logged or audited: the audit holds the entity types and counts."""
    from ..anonymize import Anonymizer
    from ..detect import Finding
    from .items import builder_for

    for entity, _ in wanted:
        if entity not in policy.entities:
            raise QueueError(
                f"--redact: '{entity}' is not an entity of the policy ({', '.join(policy.entities)})"
            )
    found = store.items([item_id])
    if not found or found[0].queue != queue or found[0].state != "held":
        raise QueueError(f"{queue}: no held item {item_id}")
    item = found[0]
    anonymizer = Anonymizer(policy)
    report = FixReport()

    def fix(value):
        if isinstance(value, dict):
            return {k: v if k == policy.fields.id else fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        if not isinstance(value, str):
            return value
        findings = []
        for entity, text in wanted:
            start = value.find(text)
            while start >= 0:
                findings.append(Finding(start, start + len(text), entity, 1.0, "reviewer"))
                start = value.find(text, start + len(text))
        if not findings:
            return value
        new_value, applied = anonymizer.anonymize(value, findings)
        report.redacted.update(r.entity_type for r in applied)
        return new_value

    row = fix(dict(item.record))
    if not report.redacted:
        raise QueueError(f"{item_id}: none of the given texts occurs in the item")
    row[QUEUE_COLUMN] = item.queue
    (revised,) = builder_for(policy).build(
        [row], id_field=policy.fields.id, source_id=item.source_id, batch_key=item.batch_key
    )
    revised.item_id = item.item_id  # the same item, however its id was made
    revised.output = item.output
    audit.record(ITEM_FIXED, [item_ref(item, entities=dict(sorted(report.redacted.items())))])
    store.revise(revised)
    if release:
        report.release = release_items(store, queue, [item_id], audit)
    return report
