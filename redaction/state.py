"""What an output folder already holds, so runs resume, skip unchanged inputs, and never duplicate.

Layout under `OUT/`:

- `records/<source>-<batch>.parquet`, `held/<source>-<batch>.parquet` (restricted: routed to a
  queue that holds its items for privacy review), `quarantine/<source>-<batch>.jsonl`: the
  outputs. `records/<source>-<batch>.released-<id>.parquet`: held rows a reviewer released
  (`redaction.review`); a batch committed anew drops them with its other outputs.
- `_state/batches/<source>-<batch>.json`: the batch's commit marker (policy hash, batch size,
  counters, output files with their sha256, and `identities`: the ids it wrote as keyed
  digests, the folder's id ledger, see `redaction.identity`). A batch is done when its marker
  is there, matches the run's policy and batch size, and its files exist.
- `_state/dataset.json`: the folder's random id, which names its queue items.
- `_state/sources/<source>.json`: a source all of whose batches are done (the landing-zone
  ledger: a file whose content hash and policy match is skipped without being read).

Commit protocol for one batch (run in the worker that redacted it):

1. write every output to a hidden pending file (`.NAME.pending`, ignored by globbing and by
   Arrow datasets) and the marker to `.NAME.json.pending`;
2. append the batch's audit events (one transaction) naming the final paths and digests;
3. promote: rename the outputs into place, then the marker (its rename is the commit point).

A crash before 2 leaves only pending files: `recover` deletes them and the batch is redone. A
crash after 2 leaves pending files the audit log already describes: `recover` promotes them, so
no output is ever visible without its audit events, and no audit event describes an output that
never appears.

One run at a time writes to `OUT` (`OutputLock`). A worker checks before 2 and again before the
marker's rename that its run still holds that lock (`LockHolder.check`): a worker orphaned by a
killed run stops there instead of committing beside the next run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .io import BatchRef, Source, atomic_write, file_sha256

logger = logging.getLogger(__name__)

PENDING = ".pending"
KINDS = {"records": ".parquet", "held": ".parquet", "quarantine": ".jsonl"}
RELEASED = ".released-"  # records/<batch>.released-<id>.parquet: held rows a reviewer released


def _holds(final: Path, sha256: str) -> bool:
    """The output is there, pending or already renamed into place, with this content."""
    for path in (pending_path(final), final):
        if path.exists():
            return file_sha256(path) == sha256
    return False


def pending_path(final: Path) -> Path:
    return final.with_name(f".{final.name}{PENDING}")


def final_path(pending: Path) -> Path:
    assert pending.name.startswith(".") and pending.name.endswith(PENDING)
    return pending.with_name(pending.name[1 : -len(PENDING)])


@dataclass
class OutputFile:
    """One output of a batch: where it goes, its digest and row count (never its content)."""

    kind: str  # "records" | "quarantine"
    path: str  # final path
    sha256: str
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "sha256": self.sha256, "rows": self.rows}


@dataclass
class BatchMarker:
    batch_key: str
    source: dict[str, Any]
    index: int
    batch_size: int
    policy_hash: str
    run_id: str
    counters: dict[str, Any]
    seconds: float
    files: list[OutputFile] = field(default_factory=list)
    finished_at: str = ""
    identities: dict[str, Any] | None = None  # the ids written (keyed digests), redaction.identity

    def to_dict(self) -> dict[str, Any]:
        data = {
            "batch_key": self.batch_key,
            "source": self.source,
            "index": self.index,
            "batch_size": self.batch_size,
            "policy_hash": self.policy_hash,
            "run_id": self.run_id,
            "counters": self.counters,
            "seconds": round(self.seconds, 4),
            "files": [f.to_dict() for f in self.files],
            "finished_at": self.finished_at,
        }
        if self.identities is not None:
            data["identities"] = self.identities
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchMarker:
        return cls(
            batch_key=data["batch_key"],
            source=data["source"],
            index=data["index"],
            batch_size=data["batch_size"],
            policy_hash=data["policy_hash"],
            run_id=data["run_id"],
            counters=data["counters"],
            seconds=data["seconds"],
            files=[OutputFile(**f) for f in data["files"]],
            finished_at=data.get("finished_at", ""),
            identities=data.get("identities"),
        )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        logger.warning("%s: unreadable state marker ignored (the batch will be redone)", path)
        return None


class OutputState:
    """The `_state/` folder of one output location."""

    def __init__(self, out: str | os.PathLike[str]):
        self.out = Path(out)
        self.batches = self.out / "_state" / "batches"
        self.sources = self.out / "_state" / "sources"

    # --- batches ------------------------------------------------------------------------------

    def marker_path(self, batch_key: str) -> Path:
        return self.batches / f"{batch_key}.json"

    def output_path(self, kind: str, batch_key: str) -> Path:
        return self.out / kind / f"{batch_key}{KINDS[kind]}"

    def done_batch(self, ref: BatchRef, policy_hash: str) -> BatchMarker | None:
        """The marker of this batch if a run with this policy and batch size completed it."""
        data = _read_json(self.marker_path(ref.key))
        if data is None:
            return None
        marker = BatchMarker.from_dict(data)
        if marker.policy_hash != policy_hash or marker.batch_size != ref.size:
            return None
        if not all(Path(f.path).exists() for f in marker.files):
            return None
        return marker

    def commit_batch(
        self,
        marker: BatchMarker,
        writers: dict[str, Callable[[str], None]],
        rows: dict[str, int],
        audit: Callable[[list[OutputFile]], None] | None = None,
        after_outputs: Callable[[BatchMarker], None] | None = None,
        guard: Callable[[], None] | None = None,
    ) -> BatchMarker:
        """Write a batch's outputs and marker by the commit protocol (see the module docstring).

        `writers[kind](path)` writes that output to `path`; kinds absent from `writers` have no
        output in this batch (an older file of that name is removed). `audit(files)` appends
        the batch's audit events and must raise if it cannot. `after_outputs(marker)` runs once
        the outputs are in place and before the marker is (enqueueing them for annotation): a
        crash in between redoes the batch, so it must be idempotent. `guard()` raises when the
        run may no longer commit (`LockHolder.check`); it is asked before the audit events and
        before the marker's rename.
        """
        pending: list[tuple[Path, Path]] = []
        try:
            for kind, write in writers.items():
                final = self.output_path(kind, marker.batch_key)
                temp = pending_path(final)
                atomic_write(temp, write)
                pending.append((temp, final))
                marker.files.append(OutputFile(kind, str(final), file_sha256(temp), rows[kind]))
            marker.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
            marker_final = self.marker_path(marker.batch_key)
            marker_temp = pending_path(marker_final)
            _write_json(marker_temp, marker.to_dict())
            pending.append((marker_temp, marker_final))
        except BaseException:
            for temp, _ in pending:
                temp.unlink(missing_ok=True)
            raise
        try:
            if guard is not None:
                guard()
            if audit is not None:
                audit(marker.files)
        except BaseException:
            for temp, _ in pending:
                temp.unlink(missing_ok=True)
            raise
        # From here the audit log describes the batch: if the guard stops it now, the pending
        # files stay for the next run's `recover` to promote.
        self._promote(marker, pending, after_outputs, guard)
        return marker

    def _promote(
        self,
        marker: BatchMarker,
        pending: list[tuple[Path, Path]],
        after_outputs: Callable[[BatchMarker], None] | None = None,
        guard: Callable[[], None] | None = None,
    ) -> None:
        written = {f.kind for f in marker.files}
        for kind in KINDS:
            if kind not in written:  # this batch has no such output now: drop an older one
                self.output_path(kind, marker.batch_key).unlink(missing_ok=True)
        for released in self.released_files(marker.batch_key):  # releases of an older version
            released.unlink(missing_ok=True)
        *outputs, (marker_temp, marker_final) = pending
        for temp, final in outputs:
            if temp.exists() or not final.exists():  # recovery: it may already be in place
                os.replace(temp, final)
        if after_outputs is not None:
            after_outputs(marker)
        if guard is not None:
            guard()
        os.replace(marker_temp, marker_final)  # the marker is last: its rename commits the batch

    def recover(
        self,
        exported: Callable[[str, str], bool] | None,
        after_outputs: Callable[[BatchMarker], None] | None = None,
    ) -> tuple[int, int]:
        """Finish or undo batches a crash interrupted; returns (promoted, discarded).

        `exported(path, sha256)` says whether the audit log recorded that output; without an
        audit log nothing pending was committed, so everything pending is discarded. Promoted
        batches go through `after_outputs` as in `commit_batch`.
        """
        promoted = discarded = 0
        for marker_temp in sorted(self.batches.glob(f".*.json{PENDING}")) if self.batches.exists() else []:
            data = _read_json(marker_temp)
            marker = BatchMarker.from_dict(data) if data else None
            complete = (
                marker is not None
                and bool(marker.files)
                and all(
                    exported is not None and exported(f.path, f.sha256) and _holds(Path(f.path), f.sha256)
                    for f in marker.files
                )
            )
            if complete:
                pairs = [(pending_path(Path(f.path)), Path(f.path)) for f in marker.files]
                self._promote(marker, [*pairs, (marker_temp, final_path(marker_temp))], after_outputs)
                promoted += 1
            else:
                marker_temp.unlink(missing_ok=True)
                discarded += 1
        for kind in KINDS:  # outputs left pending without a marker were never committed
            folder = self.out / kind
            if folder.exists():
                for temp in folder.glob(f".*{PENDING}"):
                    temp.unlink(missing_ok=True)
        if promoted or discarded:
            logger.warning(
                "%s: recovered an interrupted run: %d batch(es) completed, %d discarded to be redone",
                self.out,
                promoted,
                discarded,
            )
        return promoted, discarded

    def released_files(self, batch_key: str) -> list[Path]:
        folder = self.out / "records"
        return sorted(folder.glob(f"{batch_key}{RELEASED}*.parquet")) if folder.exists() else []

    # --- sources (the landing-zone ledger) -----------------------------------------------------

    def source_marker_path(self, source: Source) -> Path:
        return self.sources / f"{source.source_id}.json"

    def done_source(self, source: Source, policy_hash: str, batch_size: int) -> dict[str, Any] | None:
        """The ledger entry of a source completed with this policy and batch size, if any."""
        data = _read_json(self.source_marker_path(source))
        if data is None or data["policy_hash"] != policy_hash or data["batch_size"] != batch_size:
            return None
        for index in range(data["batches"]):
            marker = _read_json(self.marker_path(f"{source.source_id}-{index:06d}"))
            if marker is None or not all(Path(f["path"]).exists() for f in marker["files"]):
                return None
        return data

    def complete_source(
        self, source: Source, policy_hash: str, batch_size: int, batches: int, run_id: str
    ) -> int:
        """Record a source as done; remove what older runs left that would duplicate its records.

        That is batches beyond its last (an earlier run with a smaller batch size) and the
        outputs of earlier versions of the same file (its content changed). Returns the number
        of files removed.
        """
        removed = self._remove_outputs(source.source_id, keep_below=batches)
        for path in self.sources.glob("*.json") if self.sources.exists() else []:
            other = _read_json(path)
            if other and other["source"]["path"] == source.path and path.stem != source.source_id:
                removed += self._remove_outputs(path.stem, keep_below=0)
                path.unlink(missing_ok=True)
        _write_json(
            self.source_marker_path(source),
            {
                "source": source.describe(),
                "source_id": source.source_id,
                "policy_hash": policy_hash,
                "batch_size": batch_size,
                "batches": batches,
                "run_id": run_id,
                "completed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        return removed

    def _remove_outputs(self, source_id: str, keep_below: int) -> int:
        removed = 0
        folders = [(self.out / kind, suffix) for kind, suffix in KINDS.items()]
        for folder, suffix in [*folders, (self.batches, ".json")]:
            if not folder.exists():
                continue
            for path in folder.glob(f"{source_id}-*{suffix}"):
                try:
                    index = int(path.name[len(source_id) + 1 :].split(".")[0])
                except ValueError:
                    continue
                if index >= keep_below:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def committed_markers(self) -> Iterator[dict[str, Any]]:
        """Every committed batch marker whose outputs are all there, as stored."""
        if not self.batches.exists():
            return
        for path in sorted(self.batches.glob("*.json")):
            data = _read_json(path)
            if data is not None and all(Path(f["path"]).exists() for f in data["files"]):
                yield data

    def batch_markers(self, source: Source) -> list[BatchMarker]:
        if not self.batches.exists():
            return []
        return [
            BatchMarker.from_dict(data)
            for path in sorted(self.batches.glob(f"{source.source_id}-*.json"))
            if (data := _read_json(path)) is not None
        ]


class OutputLock:
    """One run at a time per output location: an exclusive `flock` on `OUT/_state/lock`.

    The kernel drops the lock when the process dies (even by kill -9), so a crashed run never
    blocks the next one. The lock file names its holder (process id and a random token), so the
    run's workers can check that their run still holds it (`holder()`).
    """

    def __init__(self, out: str | os.PathLike[str]):
        self.path = Path(out) / "_state" / "lock"
        self._fd: int | None = None
        self._token = ""

    def __enter__(self) -> OutputLock:
        import fcntl
        import secrets

        from .errors import InputError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").split()
            os.close(fd)
            raise InputError(
                f"{self.path.parent.parent}: another run is writing to this output folder "
                f"(process {holder[0] if holder else 'unknown'}); wait for it or choose another --out"
            ) from None
        self._token = secrets.token_hex(8)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self._token}".encode("ascii"), 0)
        self._fd = fd
        return self

    def holder(self) -> LockHolder:
        assert self._fd is not None, "use OutputLock as a context manager"
        return LockHolder(str(self.path), self._token)

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass(frozen=True)
class LockHolder:
    """The run holding an output folder's lock, as its workers know it (picklable)."""

    path: str
    token: str

    def holds(self) -> bool:
        """Whether the lock is held, and by this run (the file names its token)."""
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # held exclusively: by whom is in the file
            else:
                return False  # nobody holds it: the run is gone
            return os.pread(fd, 64, 0).decode("ascii", "replace").split()[1:2] == [self.token]
        finally:
            os.close(fd)  # also drops the shared lock, if it was taken

    def check(self) -> None:
        """Raise RunAbandonedError unless this run still holds the lock."""
        if not self.holds():
            from .errors import RunAbandonedError

            raise RunAbandonedError(
                f"{Path(self.path).parent.parent}: the run this worker works for no longer holds "
                "the output folder's lock; its batch is not committed (the next run redoes it)"
            )
