"""Evidence of the audit log kept outside its database: the anchor file and the run summaries.

The log's own checks (chain, signed run digests, checkpoint) cannot tell an older copy of the
database from the current one, nor a wiped log from a new one: both are valid logs. Evidence
kept elsewhere can. After each commit that ends something (a run finished or failed, a queue
action), the writer appends a *head statement* to the anchor file, the path in
`SCRUBLINE_AUDIT_ANCHOR`, which belongs on other storage than `$SCRUBLINE_HOME` (another
machine, a mount only appends reach, object storage with retention); a run's own statement is
also copied to `OUT/summary.json` (`audit_anchor`, beside the older `audit_digest`).

A head statement is one line of canonical JSON: `v`, `log` (the log's id), `event`
(`run_finished`, `run_failed`, `queue_action`), `run_id`, `seq` and `hash` (the head entry the
commit left), `ts` (that entry's), `key_id` (the audit key's public id), `digest` (a finished
run's signed digest), `public_key` (when the installation signs with Ed25519), then `mac` (HMAC
under the audit key) and `ed25519` over all of the above. It holds ids, digests and counts of
nothing: no personal data.

The statement is written after the commit, so the anchor is a lower bound: the log may be ahead
of it (a crash between the commit and the write, a run still going), never behind it. That is
why it can live in a side file while the checkpoint cannot (see store.py).

What a verifier can check:

* **With the database** (`scrubline audit verify --anchor FILE --against OUT...`): each
  statement's entry is in the log with the same hash, and each run it names finished there with
  the same digest. Else: `wiped` (the log is empty or missing), `rolled_back` (the log ends
  before the entry: an older copy, or a tail cut with the checkpoint re-signed), `rewritten`
  (another entry or digest at that place: changed and re-signed with the audit key), `replaced`
  (another log). Every run the log lacks or disagrees with is named.
* **Without the database** (`--evidence-only`): each statement's signature (Ed25519 with the
  public key alone; the HMAC with the audit key), that no two statements disagree (two hashes
  for one entry, two digests for one run: the log was rewritten between them), that each
  summary's run is in the anchor, and the head the evidence vouches for.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import ScrublineError
from ..keys import Key
from .events import ANCHOR_PURPOSE, RUN_FINISHED, canonical
from .signing import PublicKey, SigningKey

ANCHOR_ENV = "SCRUBLINE_AUDIT_ANCHOR"
STATEMENT_VERSION = 1
RUN_FAILED_EVENT = "run_failed"
QUEUE_ACTION_EVENT = "queue_action"
EVIDENCE_KINDS = ("wiped", "rolled_back", "rewritten", "replaced", "bad_evidence")
_SIGNATURES = ("mac", "ed25519")


# --- head statements ---------------------------------------------------------------------------


def _unsigned(statement: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in statement.items() if k not in _SIGNATURES}).encode("utf-8")


def statement_mac(key: Key, statement: dict[str, Any]) -> str:
    return hmac.new(key.derive(ANCHOR_PURPOSE), _unsigned(statement), hashlib.sha256).hexdigest()


def head_statement(
    key: Key,
    signing: SigningKey | None,
    *,
    log_id: str | None,
    event: str,
    run_id: str,
    seq: int,
    head_hash: str,
    ts: str,
    digest: str | None = None,
) -> dict[str, Any]:
    """The signed statement that the log `log_id` held entry `seq` with hash `head_hash`."""
    statement: dict[str, Any] = {
        "v": STATEMENT_VERSION,
        "log": log_id,
        "event": event,
        "run_id": run_id,
        "seq": seq,
        "hash": head_hash,
        "ts": ts,
        "key_id": key.key_id,
    }
    if digest is not None:
        statement["digest"] = digest
    if signing is not None:
        statement["public_key"] = signing.public_key.hex
    statement["mac"] = statement_mac(key, statement)
    if signing is not None:
        statement["ed25519"] = signing.sign(ANCHOR_PURPOSE, _unsigned(statement))
    return statement


def _claim(statement: dict[str, Any]) -> str:
    seq, run_id = statement.get("seq"), statement.get("run_id")
    event = statement.get("event")
    if event == RUN_FINISHED:
        return f"run {run_id} finished at entry {seq}"
    if event == RUN_FAILED_EVENT:
        return f"run {run_id} failed at entry {seq}"
    return f"queue action {run_id} ended at entry {seq}"


# --- where evidence comes from -----------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a head statement, or (a summary written before statements) a
    run id and its signed digest."""

    source: str  # "anchor FILE line N" or "OUT/summary.json"
    statement: dict[str, Any] | None
    run_id: str | None = None
    digest: str | None = None
    from_anchor: bool = False

    @property
    def seq(self) -> int | None:
        return self.statement.get("seq") if self.statement else None


@dataclass(frozen=True)
class Problem:
    kind: str  # one of EVIDENCE_KINDS
    source: str
    run_id: str | None
    seq: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def anchor_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The anchor file: `explicit`, else `$SCRUBLINE_AUDIT_ANCHOR`, else none."""
    value = explicit if explicit is not None else os.environ.get(ANCHOR_ENV)
    return Path(value).expanduser() if value else None


class AnchorFile:
    """The append-only file of head statements, one JSON line each."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def ensure_writable(self) -> None:
        """Create the file (0600) if missing; fail now, before a run, if it cannot be appended to."""
        if not self.path.parent.is_dir():
            raise ScrublineError(f"{self.path}: the audit anchor's folder does not exist ({ANCHOR_ENV})")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ScrublineError(
                f"{self.path}: cannot append to the audit anchor ({exc.strerror or exc})"
            ) from None
        os.close(fd)

    def append(self, statement: dict[str, Any]) -> None:
        line = (canonical(statement) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # writers of several processes: whole lines
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> tuple[list[Evidence], list[Problem]]:
        """Every statement, and a problem for each line that is not one. A last line without
        its newline is a write a crash cut short: skipped, not a problem."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise ScrublineError(f"{self.path}: audit anchor not found") from None
        except OSError as exc:
            raise ScrublineError(
                f"{self.path}: cannot read the audit anchor ({exc.strerror or exc})"
            ) from None
        lines = data.split(b"\n")
        lines.pop()  # after the last newline: b"", or a line a crash cut short
        evidence: list[Evidence] = []
        problems: list[Problem] = []
        for number, raw in enumerate(lines, start=1):
            source = f"anchor {self.path} line {number}"
            try:
                statement = json.loads(raw)
                if not isinstance(statement, dict) or not isinstance(statement.get("seq"), int):
                    raise ValueError
            except ValueError:
                problems.append(
                    Problem("bad_evidence", source, None, None, f"{source}: not a head statement")
                )
                continue
            evidence.append(
                Evidence(source, statement, statement.get("run_id"), statement.get("digest"), True)
            )
        return evidence, problems


def read_summary(out: str | os.PathLike[str]) -> Evidence | None:
    """A run's evidence from its output folder's summary.json (or that file); None for a run
    that was not audited."""
    path = Path(out)
    if path.is_dir():
        path = path / "summary.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScrublineError(f"{path}: no run summary here (give a run's output folder)") from None
    except (OSError, ValueError) as exc:
        raise ScrublineError(f"{path}: not a readable run summary ({type(exc).__name__})") from None
    if not isinstance(data, dict) or "run_id" not in data:
        raise ScrublineError(f"{path}: not a run summary (no run_id)")
    statement = data.get("audit_anchor")
    if not isinstance(statement, dict):
        statement = None
    if statement is None and not data.get("audit_digest"):
        return None
    return Evidence(str(path), statement, data["run_id"], data.get("audit_digest"))


def gather(
    anchor: str | os.PathLike[str] | None, against: Iterable[str | os.PathLike[str]]
) -> tuple[list[Evidence], list[Problem], list[str]]:
    """The evidence of an anchor file and output folders; problems with unreadable lines; the
    summaries of runs that were not audited (nothing to check)."""
    evidence: list[Evidence] = []
    problems: list[Problem] = []
    unaudited: list[str] = []
    if anchor is not None:
        found, bad = AnchorFile(anchor).read()
        evidence += found
        problems += bad
    for out in against:
        item = read_summary(out)
        if item is None:
            unaudited.append(str(out))
        else:
            evidence.append(item)
    return evidence, problems, unaudited


def anchor_public_key(evidence: Sequence[Evidence]) -> PublicKey | None:
    """The public key the anchor's statements carry (the first that names one)."""
    for item in evidence:
        found = PublicKey.from_record(item.statement.get("public_key")) if item.from_anchor else None
        if found is not None:
            return found
    return None


# --- checks ------------------------------------------------------------------------------------


@dataclass
class EvidenceReport:
    problems: list[Problem]
    checked: int = 0  # pieces of evidence compared
    anchored: int = 0  # of which anchor statements (the rest: run summaries)
    ed25519: int = 0  # statements whose Ed25519 signature verified
    hmac: int = 0  # statements whose HMAC verified
    unsigned: int = 0  # statements nothing here could authenticate
    head: tuple[int, str] | None = None  # the furthest entry the evidence vouches for
    runs: int = 0  # finished runs the evidence names


def _signature_problem(
    item: Evidence, key: Key | None, public_key: PublicKey | None, report: EvidenceReport
) -> Problem | None:
    statement = item.statement
    assert statement is not None
    checked = False
    if public_key is not None and "public_key" in statement and "ed25519" not in statement:
        return Problem(
            "bad_evidence",
            item.source,
            statement.get("run_id"),
            statement.get("seq"),
            f"{item.source}: its Ed25519 signature was removed",
        )
    if public_key is not None and "ed25519" in statement:
        if statement.get("public_key") != public_key.hex or not public_key.verify(
            ANCHOR_PURPOSE, _unsigned(statement), statement.get("ed25519")
        ):
            return Problem(
                "bad_evidence",
                item.source,
                statement.get("run_id"),
                statement.get("seq"),
                f"{item.source}: its Ed25519 signature does not verify under public key "
                f"{public_key.key_id}: forged, altered, or signed by another key",
            )
        report.ed25519 += 1
        checked = True
    if key is not None and statement.get("key_id") == key.key_id:
        if not hmac.compare_digest(str(statement.get("mac")), statement_mac(key, statement)):
            return Problem(
                "bad_evidence",
                item.source,
                statement.get("run_id"),
                statement.get("seq"),
                f"{item.source}: its HMAC does not verify under the audit key: forged or altered",
            )
        report.hmac += 1
        checked = True
    elif key is not None and not checked:
        return Problem(
            "bad_evidence",
            item.source,
            statement.get("run_id"),
            statement.get("seq"),
            f"{item.source}: written with another audit key (key id {statement.get('key_id')}, "
            f"this one is {key.key_id})",
        )
    if not checked:
        report.unsigned += 1
    return None


def _note_head(report: EvidenceReport, statement: dict[str, Any]) -> None:
    seq = statement["seq"]
    if report.head is None or seq > report.head[0]:
        report.head = (seq, str(statement.get("hash")))


def check_against_log(
    db,
    evidence: Sequence[Evidence],
    *,
    log_id: str | None,
    key: Key | None,
    public_key: PublicKey | None,
    missing: Path | None = None,
) -> EvidenceReport:
    """Compare every piece of evidence with the log (`db`; None with `missing`, the path of a
    log that is gone). A read transaction must be open (one snapshot with the chain walk)."""
    report = EvidenceReport([])
    last = 0
    if db is not None:
        (last,) = db.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()
    gone = f"the log {missing} is missing" if missing is not None else "the log is empty"
    runs: set[str] = set()

    def problem(kind: str, item: Evidence, seq: int | None, message: str) -> None:
        report.problems.append(Problem(kind, item.source, item.run_id, seq, f"{item.source}: {message}"))

    for item in evidence:
        report.checked += 1
        report.anchored += item.from_anchor
        statement = item.statement
        if statement is None:  # an older summary: its run id and signed digest only
            runs.add(str(item.run_id))
            _check_run(db, item, None, last, gone, problem)
            continue
        bad = _signature_problem(item, key, public_key, report)
        if bad is not None:
            report.problems.append(bad)
            continue
        seq = statement["seq"]
        _note_head(report, statement)
        if statement.get("event") == RUN_FINISHED:
            runs.add(str(statement.get("run_id")))
        claim = _claim(statement)
        if log_id is not None and statement.get("log") not in (None, log_id):
            problem(
                "replaced",
                item,
                seq,
                f"{claim} of log {statement.get('log')}, but this is log {log_id}: the log was replaced",
            )
            continue
        if last == 0 and seq > 0:
            problem("wiped", item, seq, f"{claim}, but {gone}: it was wiped")
            continue
        if seq > last:
            problem(
                "rolled_back",
                item,
                seq,
                f"{claim}, but the log ends at entry {last}: it was rolled back to an older copy "
                "or cut short",
            )
            continue
        row = db.execute("SELECT run_id, type, entry_hash FROM entries WHERE seq = ?", (seq,)).fetchone()
        if seq > 0 and (row is None or row[2] != statement.get("hash")):
            problem(
                "rewritten",
                item,
                seq,
                f"{claim}, but entry {seq} of the log is another one: the log was rewritten "
                "(changed, rehashed and re-signed)",
            )
            continue
        if statement.get("event") == RUN_FINISHED:
            if row is None or row[0] != statement.get("run_id") or row[1] != RUN_FINISHED:
                problem("bad_evidence", item, seq, f"{claim}, but the statement does not match its entry")
                continue
            _check_run(db, item, statement.get("digest"), last, gone, problem)
    report.runs = len(runs)
    return report


def _check_run(db, item: Evidence, digest: str | None, last: int, gone: str, problem) -> None:
    """The run finished in the log with the digest the evidence holds."""
    digest = digest or item.digest
    row = None
    if db is not None:
        row = db.execute(
            "SELECT seq, json_extract(body, '$.signature') FROM entries WHERE type = ? AND run_id = ?",
            (RUN_FINISHED, item.run_id),
        ).fetchone()
    if row is None:
        if last == 0:
            problem("wiped", item, None, f"run {item.run_id} finished, but {gone}: it was wiped")
        else:
            problem(
                "rolled_back",
                item,
                None,
                f"run {item.run_id} finished, but the log (entries 1..{last}) lacks it: rolled back to "
                "an older copy, or replaced",
            )
    elif digest is not None and row[1] != digest:
        problem(
            "rewritten",
            item,
            row[0],
            f"run {item.run_id}'s signed digest differs from the log's (entry {row[0]}): the run was "
            "rewritten and re-signed",
        )


def check_alone(
    evidence: Sequence[Evidence], *, key: Key | None, public_key: PublicKey | None
) -> EvidenceReport:
    """What evidence proves without the database: signatures, agreement, summaries anchored."""
    report = EvidenceReport([])
    hashes: dict[tuple[Any, int], tuple[str, str]] = {}  # (log, seq) -> (hash, source)
    digests: dict[str, tuple[str, str]] = {}  # run -> (digest, source)
    anchored_runs: set[str] = set()
    runs: set[str] = set()
    for item in evidence:
        report.checked += 1
        report.anchored += item.from_anchor
        statement = item.statement
        if statement is not None:
            bad = _signature_problem(item, key, public_key, report)
            if bad is not None:
                report.problems.append(bad)
                continue
            _note_head(report, statement)
            seen = hashes.setdefault(
                (statement.get("log"), statement["seq"]), (statement.get("hash"), item.source)
            )
            if seen[0] != statement.get("hash"):
                report.problems.append(
                    Problem(
                        "rewritten",
                        item.source,
                        item.run_id,
                        statement["seq"],
                        f"{item.source}: entry {statement['seq']} has another hash than in {seen[1]}: "
                        "the log was rewritten between them",
                    )
                )
                continue
        if (statement is None or statement.get("event") == RUN_FINISHED) and item.run_id:
            runs.add(item.run_id)
            digest = (statement or {}).get("digest") or item.digest
            if item.from_anchor:
                anchored_runs.add(item.run_id)
            if digest:
                seen_digest = digests.setdefault(item.run_id, (digest, item.source))
                if seen_digest[0] != digest:
                    report.problems.append(
                        Problem(
                            "rewritten",
                            item.source,
                            item.run_id,
                            None,
                            f"{item.source}: run {item.run_id} has another signed digest than in "
                            f"{seen_digest[1]}: the run was rewritten",
                        )
                    )
    anchored_seqs = [item.seq for item in evidence if item.from_anchor and item.seq is not None]
    first = min(anchored_seqs, default=None)
    for item in evidence:  # a summary's run finished while the anchor was kept: it must be there
        if (
            first is None
            or item.from_anchor
            or item.seq is None
            or item.seq < first
            or item.run_id in anchored_runs
        ):
            continue
        behind = item.seq > max(anchored_seqs)
        report.problems.append(
            Problem(
                "rolled_back" if behind else "bad_evidence",
                item.source,
                item.run_id,
                item.seq,
                f"{item.source}: run {item.run_id} finished at entry {item.seq}, but the anchor "
                + (
                    f"ends at entry {max(anchored_seqs)}: the anchor lost its last lines"
                    if behind
                    else "lacks it: the anchor lost lines, or that run could not append to it"
                ),
            )
        )
    report.runs = len(runs)
    return report
