"""Audit evidence that survives its own machine: what the log alone could not catch.

A wiped log, an older copy of the database, and a log edited, rehashed and re-signed by someone
who read the audit key file beside it each verify as a valid log on their own. Each test here
does one of those to a real log, as someone with file access would, and checks that the anchor
file, the run summaries or a pinned Ed25519 public key name it. Then the pieces: keys beside the
log, backward compatibility, statements checked without the database, resumed runs.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
from pathlib import Path

import pytest

from redaction.audit import AuditLog
from redaction.audit.events import RUN_FINISHED, canonical
from redaction.audit.evidence import AnchorFile, gather, head_statement
from redaction.audit.queries import run_details
from redaction.audit.signing import generate_signing_key
from redaction.audit.store import GENESIS, checkpoint_mac, entry_hash, run_signature
from redaction.audit.verification import verify_evidence
from redaction.errors import ScrublineError, SecretError
from redaction.keys import Key
from tests.conftest import POLICIES

from .test_audit_support import audited_run, connect, generated_input, write_summary

# --- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A SCRUBLINE_HOME whose audit key is the embedded default: a key file beside the log."""
    home = tmp_path / "home"
    monkeypatch.setenv("SCRUBLINE_HOME", str(home))
    for name in ("SCRUBLINE_AUDIT_KEY", "SCRUBLINE_AUDIT_KEY_FILE", "SCRUBLINE_AUDIT_ANCHOR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SCRUBLINE_AUDIT_SIGNING_KEY", "SCRUBLINE_AUDIT_SIGNING_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """Other storage: where the anchor and the signing key live, out of SCRUBLINE_HOME."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return generated_input(tmp_path_factory.mktemp("evidence-in"), n=12, seed=61)[0]


def two_runs(log: AuditLog, source: Path, tmp_path: Path) -> list[dict]:
    runs = []
    for i in range(2):
        run = audited_run(log, [source], tmp_path / f"out{i}")
        write_summary(log, run, tmp_path / f"out{i}")
        runs.append(run)
    return runs


def verify(path: Path, **options):
    with AuditLog(path, readonly=True) as log:
        return log.verify(**options)


def home_key(home: Path) -> Key:
    """What someone who can read SCRUBLINE_HOME reads: the audit key file."""
    return Key("SCRUBLINE_AUDIT_KEY", bytes.fromhex((home / "keys" / "SCRUBLINE_AUDIT_KEY").read_text()))


def rewrite_and_resign(db, key: Key, since: int, *, strip_ed25519: bool = False) -> None:
    """Recompute the chain from `since` on and re-sign every later run digest and the checkpoint
    with the audit key, as someone who read it can."""
    row = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (since - 1,)).fetchone()
    prev = row[0] if row else GENESIS
    rows = db.execute(
        "SELECT seq, run_id, ts, type, body FROM entries WHERE seq >= ? ORDER BY seq", (since,)
    ).fetchall()
    for seq, run_id, ts, event_type, body in rows:
        if event_type == RUN_FINISHED:
            data = json.loads(body)
            data.pop("signature")
            if strip_ed25519:
                data.pop("ed25519", None)
            data["signed_head"] = {"seq": seq - 1, "hash": prev}
            body = canonical({**data, "signature": run_signature(key, run_id, data)})
        digest = entry_hash(prev, seq, run_id, ts, event_type, body)
        db.execute(
            "UPDATE entries SET body = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?",
            (body, prev, digest, seq),
        )
        prev = digest
    last = rows[-1][0]
    db.execute(
        "UPDATE checkpoint SET seq = ?, entry_hash = ?, mac = ?",
        (last, prev, checkpoint_mac(key, last, prev)),
    )
    if strip_ed25519:
        db.execute("UPDATE checkpoint SET ed25519 = NULL")


def edit_a_record(db) -> int:
    seq = db.execute("SELECT min(seq) FROM entries WHERE type = 'record_transformed'").fetchone()[0]
    db.execute(
        'UPDATE entries SET body = replace(body, \'"language":"en"\', \'"language":"fr"\') WHERE seq = ?',
        (seq,),
    )
    assert db.total_changes == 1
    return seq


# --- 1. a wiped log ----------------------------------------------------------------------------


def test_wiped_log_is_detected_by_the_log_itself(home, source, tmp_path):
    with AuditLog() as log:
        two_runs(log, source, tmp_path)
        path = log.path
    with connect(path) as db:
        db.execute("DELETE FROM entries")
        db.execute("DELETE FROM checkpoint")
    result = verify(path)
    assert (result.ok, result.kind) == (False, "wiped")
    assert "entries and signed checkpoint were deleted" in result.message


def test_wiped_log_is_named_by_the_anchor_even_with_a_forged_empty_checkpoint(
    home, source, tmp_path, elsewhere, monkeypatch
):
    monkeypatch.setenv("SCRUBLINE_AUDIT_ANCHOR", str(elsewhere / "anchor.jsonl"))
    with AuditLog() as log:
        runs = two_runs(log, source, tmp_path)
        path = log.path
    key = home_key(home)
    with connect(path) as db:  # a wipe by someone with the key: an empty log, validly signed
        db.execute("DELETE FROM entries")
        db.execute(
            "UPDATE checkpoint SET seq = 0, entry_hash = ?, mac = ?",
            (GENESIS, checkpoint_mac(key, 0, GENESIS)),
        )
    assert verify(path, anchor=None).ok  # the log alone cannot tell
    result = verify(path)
    assert (result.ok, result.kind) == (False, "wiped")
    assert all(run["run_id"] in result.message for run in runs)
    assert {p["kind"] for p in result.problems} == {"wiped"}
    against = verify(path, anchor=None, against=[tmp_path / "out0", tmp_path / "out1"])
    assert against.kind == "wiped" and all(run["run_id"] in against.message for run in runs)


def test_deleted_log_file_is_a_wipe_when_evidence_remains(home, source, tmp_path, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        runs = two_runs(log, source, tmp_path)
        path = log.path
    path.unlink()
    evidence, problems, _ = gather(anchor, [tmp_path / "out1"])
    result = verify_evidence(evidence, key=home_key(home), public_key=None, pinned_by=None, missing_log=path)
    assert (result.ok, result.kind) == (False, "wiped")
    assert f"the log {path} is missing" in result.message and runs[1]["run_id"] in result.message


# --- 2. an older copy of the database ------------------------------------------------------------


def test_rollback_to_an_older_copy_is_named_by_the_anchor_and_the_summaries(
    home, source, tmp_path, elsewhere
):
    anchor = elsewhere / "anchor.jsonl"
    log = AuditLog(anchor=anchor)
    first = audited_run(log, [source], tmp_path / "out0")
    write_summary(log, first, tmp_path / "out0")
    log.close()
    saved = tmp_path / "saved.sqlite3"
    shutil.copy(log.path, saved)  # an old copy, taken between two runs (the WAL was checkpointed)
    with AuditLog(anchor=anchor) as log:
        second = audited_run(log, [source], tmp_path / "out1")
        write_summary(log, second, tmp_path / "out1")
        queue_action = log.append_review(
            [("gold_added", canonical({"actor": "ann", "queue": "q", "items": 1}))]
        )
    for suffix in ("-wal", "-shm"):
        Path(f"{log.path}{suffix}").unlink(missing_ok=True)
    shutil.copy(saved, log.path)

    alone = verify(log.path, anchor=None)
    assert alone.ok and alone.runs == 1  # a valid log, just an older one
    result = verify(log.path, anchor=anchor)
    assert (result.ok, result.kind) == (False, "rolled_back")
    assert second["run_id"] in result.message and queue_action in result.message
    assert first["run_id"] not in result.message
    assert "rolled back to an older copy" in result.message

    summaries = verify(log.path, anchor=None, against=[tmp_path / "out0", tmp_path / "out1"])
    assert (summaries.ok, summaries.kind) == (False, "rolled_back")
    assert [p["run_id"] for p in summaries.problems] == [second["run_id"]]


def test_summary_written_before_statements_still_catches_a_rollback(home, source, tmp_path):
    with AuditLog() as log:
        first, second = two_runs(log, source, tmp_path)
        path = log.path
    old_style = tmp_path / "out1" / "summary.json"  # only run_id and audit_digest, as before
    data = json.loads(old_style.read_text())
    data.pop("audit_anchor")
    old_style.write_text(json.dumps(data))
    assert verify(path, against=[tmp_path / "out1"]).ok
    with connect(path) as db:  # the second run's entries and the checkpoint rolled back
        start = db.execute(
            "SELECT seq FROM entries WHERE type = 'run_started' AND run_id = ?", (second["run_id"],)
        ).fetchone()[0]
        db.execute("DELETE FROM entries WHERE seq >= ?", (start,))
        head = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (start - 1,)).fetchone()[0]
        db.execute(
            "UPDATE checkpoint SET seq = ?, entry_hash = ?, mac = ?",
            (start - 1, head, checkpoint_mac(home_key(home), start - 1, head)),
        )
    result = verify(path, against=[tmp_path / "out1"])
    assert (result.kind, result.problems[0]["run_id"]) == ("rolled_back", second["run_id"])


# --- 3. edited, rehashed and re-signed with the key file beside the log ----------------------------


def test_edit_rehash_resign_with_the_home_key_file_is_caught_by_the_anchor(home, source, tmp_path, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        first, second = two_runs(log, source, tmp_path)
        path = log.path
    with connect(path) as db:
        rewrite_and_resign(db, home_key(home), edit_a_record(db))
    assert verify(path, anchor=None).ok  # the HMACs prove nothing against whoever read the key
    result = verify(path, anchor=anchor)
    assert (result.ok, result.kind) == (False, "rewritten")
    assert first["run_id"] in result.message and second["run_id"] in result.message
    assert "rewritten" in result.message
    summaries = verify(path, anchor=None, against=[tmp_path / "out0"])
    assert summaries.kind == "rewritten" and first["run_id"] in summaries.message


@pytest.fixture
def signing(elsewhere, monkeypatch):
    """An Ed25519 signing key outside SCRUBLINE_HOME, as the installation configures it."""
    private, public, key = generate_signing_key(elsewhere / "audit-signing.pem")
    monkeypatch.setenv("SCRUBLINE_AUDIT_SIGNING_KEY_FILE", str(private))
    return public, key


@pytest.mark.parametrize("strip", [False, True], ids=["re-signed", "ed25519-stripped"])
def test_edit_rehash_resign_is_caught_by_the_pinned_public_key(home, source, tmp_path, signing, strip):
    public_file, public = signing
    with AuditLog() as log:
        two_runs(log, source, tmp_path)
        path = log.path
    assert verify(path, public_key=public, pinned_by="test").ok
    with connect(path) as db:
        rewrite_and_resign(db, home_key(home), edit_a_record(db), strip_ed25519=strip)
        if strip:  # and the log's record of the public key, so nothing says it was signed
            db.execute("DELETE FROM meta WHERE name LIKE 'ed25519%'")
    # Unpinned, the log's own record of its public key catches a naive re-signing, not a stripped one.
    assert verify(path).ok is strip
    result = verify(path, public_key=public, pinned_by="test")
    assert (result.ok, result.kind) == (False, "bad_signature")
    assert ("holds no Ed25519 signature" if strip else "Ed25519 signature of run") in result.message


def test_public_key_recorded_in_the_anchor_pins_it(home, source, tmp_path, signing, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        two_runs(log, source, tmp_path)
        path = log.path
    with connect(path) as db:
        rewrite_and_resign(db, home_key(home), edit_a_record(db), strip_ed25519=True)
        db.execute("DELETE FROM meta WHERE name LIKE 'ed25519%'")
    result = verify(path, anchor=anchor)
    assert (result.ok, result.kind) == (False, "bad_signature")
    assert f"pinned by the anchor {anchor}" in result.message


def test_a_pinned_public_key_verifies_without_the_audit_key(home, source, tmp_path, signing, monkeypatch):
    _, public = signing
    with AuditLog() as log:
        runs = two_runs(log, source, tmp_path)
        path = log.path
    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "somewhere-else"))  # no audit key here
    with AuditLog(path, readonly=True) as log:
        with pytest.raises(SecretError):
            log.verify()
        result = log.verify(public_key=public, pinned_by="pinned by --public-key")
        assert result.ok and not result.hmac_checked, result.message
        assert result.ed25519_signatures == 3  # two run digests and the checkpoint
        assert "HMAC signatures not checked" in result.message
        against = log.verify(public_key=public, pinned_by="x", against=[tmp_path / "out0", tmp_path / "out1"])
        assert against.ok and against.evidence == len(runs), against.message


def test_a_log_signed_with_ed25519_refuses_writers_without_its_signing_key(home, source, tmp_path, signing):
    with AuditLog() as log:
        path = log.path
    with pytest.raises(SecretError, match="set SCRUBLINE_AUDIT_SIGNING_KEY"):
        AuditLog(path, signing_key=None)
    other = Key("SCRUBLINE_AUDIT_SIGNING_KEY", secrets.token_bytes(32))
    with pytest.raises(SecretError, match="wrong signing key"):
        AuditLog(path, signing_key=other)


def test_signing_key_adopted_by_an_existing_log_signs_from_then_on(
    home, source, tmp_path, elsewhere, monkeypatch
):
    with AuditLog() as log:
        audited_run(log, [source], tmp_path / "out0")
        path = log.path
    private, _, public = generate_signing_key(elsewhere / "late.pem")
    assert verify(path, public_key=public, pinned_by="x").kind == "bad_signature"  # not signed yet
    monkeypatch.setenv("SCRUBLINE_AUDIT_SIGNING_KEY_FILE", str(private))
    with AuditLog(path) as log:
        assert verify(path, public_key=public, pinned_by="x").ok  # the head is signed on adoption
        audited_run(log, [source], tmp_path / "out1")
    result = verify(path, public_key=public, pinned_by="x")
    # The first run's digest predates the key (HMAC only); the second's and the checkpoint are signed.
    assert result.ok and result.signatures == 2 and result.ed25519_signatures == 2, result.message


# --- the evidence without the database ---------------------------------------------------------


def test_evidence_alone_is_checked_with_the_public_key_only(home, source, tmp_path, signing, elsewhere):
    _, public = signing
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        first, second = two_runs(log, source, tmp_path)
    evidence, problems, _ = gather(anchor, [tmp_path / "out0", tmp_path / "out1"])
    result = verify_evidence(evidence, key=None, public_key=public, pinned_by="pinned", problems=problems)
    assert result.ok, result.message
    assert result.ed25519_signatures == 4 and "2 finished run(s)" in result.message
    assert result.head_seq == max(e.seq for e in evidence)

    lines = anchor.read_text().splitlines()
    forged = json.loads(lines[0])
    forged["digest"] = "0" * 64  # a different digest for the first run
    anchor.write_text("\n".join([json.dumps(forged), *lines[1:]]) + "\n")
    evidence, problems, _ = gather(anchor, [tmp_path / "out0"])
    result = verify_evidence(evidence, key=None, public_key=public, pinned_by="pinned", problems=problems)
    assert (result.ok, result.kind) == (False, "bad_evidence") and "line 1" in result.message


def test_evidence_alone_names_a_summary_the_anchor_lost_but_not_one_older_than_it(
    home, source, tmp_path, elsewhere
):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=None) as log:  # before the installation kept an anchor
        before = audited_run(log, [source], tmp_path / "out0")
        write_summary(log, before, tmp_path / "out0")
    with AuditLog(anchor=anchor) as log:
        runs = two_runs(log, source, tmp_path / "later")
    anchor.write_text(anchor.read_text().splitlines()[0] + "\n")  # its last line lost
    outs = [tmp_path / "out0", tmp_path / "later" / "out0", tmp_path / "later" / "out1"]
    evidence, problems, _ = gather(anchor, outs)
    result = verify_evidence(evidence, key=home_key(home), public_key=None, pinned_by=None, problems=problems)
    assert (result.ok, result.kind) == (False, "rolled_back")
    assert [p["run_id"] for p in result.problems] == [runs[1]["run_id"]]
    assert "the anchor lost its last lines" in result.message


def test_two_histories_in_the_evidence_are_named(home, source, tmp_path, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        first, _ = two_runs(log, source, tmp_path)
    statement = json.loads(anchor.read_text().splitlines()[0])
    key = home_key(home)

    other = head_statement(
        key,
        None,
        log_id=statement["log"],
        event="run_finished",
        run_id=first["run_id"],
        seq=statement["seq"],
        head_hash="f" * 64,
        ts=statement["ts"],
        digest=statement["digest"],
    )
    AnchorFile(anchor).append(other)
    evidence, problems, _ = gather(anchor, [])
    result = verify_evidence(evidence, key=key, public_key=None, pinned_by=None, problems=problems)
    assert (result.ok, result.kind) == (False, "rewritten")
    assert f"entry {statement['seq']} has another hash" in result.message


def test_anchor_is_a_lower_bound_and_a_torn_last_line_is_no_alarm(home, source, tmp_path, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        two_runs(log, source, tmp_path)
        audited_run(log, [source], tmp_path / "out2", finish=False)  # a run still going: not anchored
        path = log.path
    with anchor.open("a") as handle:
        handle.write('{"v":1,"seq":')  # a crash in the middle of a write
    result = verify(path, anchor=anchor)
    assert result.ok, result.message
    assert "agrees (2 anchor statement(s)): 2 finished run(s)" in result.message


def test_failed_runs_and_queue_actions_are_anchored_too(home, tmp_path, elsewhere):
    anchor = elsewhere / "anchor.jsonl"
    with AuditLog(anchor=anchor) as log:
        log.record_failure("r-failed", "start", ValueError("secret value"))
        action = log.append_review([("gold_added", canonical({"actor": "ann", "queue": "q", "items": 1}))])
    lines = [json.loads(line) for line in anchor.read_text().splitlines()]
    assert [(s["event"], s["run_id"], s["seq"]) for s in lines] == [
        ("run_failed", "r-failed", 1),
        ("queue_action", action, 2),
    ]
    assert "secret value" not in anchor.read_text()
    assert set(lines[0]) == {"v", "log", "event", "run_id", "seq", "hash", "ts", "key_id", "mac"}
    assert (anchor.stat().st_mode & 0o777) == 0o600


def test_anchor_that_cannot_be_written_stops_the_writer_before_anything(home, tmp_path):
    with pytest.raises(ScrublineError, match="audit anchor's folder does not exist"):
        AuditLog(anchor=tmp_path / "no-such-folder" / "anchor.jsonl")


# --- keys beside the log -----------------------------------------------------------------------


def _key_warnings(caplog) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if "beside the audit log in SCRUBLINE_HOME" in r.getMessage()
    ]


def test_audit_key_file_beside_the_log_warns_once(home, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        AuditLog().close()
    with AuditLog(readonly=True) as reader:
        reader.verify()
    (warning,) = _key_warnings(caplog)
    assert str(home.resolve() / "keys" / "SCRUBLINE_AUDIT_KEY") in warning
    assert "\n" not in warning and "who can change the log can re-sign it" in warning


def test_audit_key_kept_elsewhere_does_not_warn(home, elsewhere, monkeypatch, caplog):
    key_file = elsewhere / "audit.key"
    key_file.write_text(secrets.token_bytes(32).hex())
    key_file.chmod(0o600)
    monkeypatch.setenv("SCRUBLINE_AUDIT_KEY_FILE", str(key_file))
    caplog.set_level(logging.WARNING)
    with AuditLog() as log:
        assert log.key.source == str(key_file.resolve())
        assert log.verify().ok
    assert _key_warnings(caplog) == []
    assert not (home / "keys" / "SCRUBLINE_AUDIT_KEY").exists()


def test_signing_key_file_inside_home_warns(home, monkeypatch, caplog):
    inside = home / "keys"
    inside.mkdir(parents=True)
    private, _, _ = generate_signing_key(inside / "signing.pem")
    monkeypatch.setenv("SCRUBLINE_AUDIT_SIGNING_KEY_FILE", str(private))
    caplog.set_level(logging.WARNING)
    AuditLog().close()
    assert any("SCRUBLINE_AUDIT_SIGNING_KEY" in w for w in _key_warnings(caplog))


# --- logs written before -----------------------------------------------------------------------


def test_a_log_in_the_earlier_format_verifies_and_takes_new_entries(home, source, tmp_path, elsewhere):
    with AuditLog() as log:
        audited_run(log, [source], tmp_path / "out0")
        path = log.path
    with connect(path) as db:  # as the earlier code wrote it: no log id, no Ed25519 column
        db.execute("DELETE FROM meta WHERE name = 'log_id'")
        db.execute("ALTER TABLE checkpoint DROP COLUMN ed25519")
        finished = json.loads(
            db.execute("SELECT body FROM entries WHERE type = 'run_finished'").fetchone()[0]
        )
    assert "ed25519" not in finished
    assert verify(path).ok
    with AuditLog(anchor=elsewhere / "anchor.jsonl") as log:  # migrated on open, then appended to
        audited_run(log, [source], tmp_path / "out1")
    result = verify(path, anchor=elsewhere / "anchor.jsonl")
    assert result.ok and result.runs == 2, result.message


def test_old_empty_log_without_a_checkpoint_is_still_empty_not_wiped(home, tmp_path):
    with AuditLog() as log:
        path = log.path
    with connect(path) as db:
        db.execute("DELETE FROM meta WHERE name = 'log_id'")
        db.execute("DELETE FROM checkpoint")
    result = verify(path)
    assert result.ok and result.message.startswith("OK: 0 entries")


# --- 4. resumed runs -------------------------------------------------------------------------


def test_resumed_run_matches_the_log(home, source, tmp_path):
    with AuditLog() as log:
        interrupted = audited_run(log, [source], tmp_path / "out", finish=False, stop_after=1, batch_size=5)
        resumed = audited_run(
            log,
            [source],
            tmp_path / "out",
            resumes=[interrupted["run_id"]],
            skip=set(interrupted["batches"]),
            batch_size=5,
        )
        details = run_details(log, resumed["run_id"])
        assert details["counts"]["records_in"] == 11  # 16 lines, 5 kept from the interrupted run
        assert details["matches_log"] is True and details["reconciled"] is True
        assert (details["logged"]["own"], details["logged"]["resumed"]) == (11, 5)
        stored = json.loads(
            log.connection.execute(
                "SELECT body FROM entries WHERE type = 'run_finished' AND run_id = ?", (resumed["run_id"],)
            ).fetchone()[0]
        )
        assert stored["matches_log"] is True and stored["logged"]["covered"] == 16
        assert log.verify().ok


def test_resumed_run_through_the_pipeline_matches_the_log(home, tmp_path, elsewhere, monkeypatch):
    from redaction.pipeline import run_pipeline

    monkeypatch.setenv("SCRUBLINE_AUDIT_ANCHOR", str(elsewhere / "anchor.jsonl"))
    source, _, _ = generated_input(tmp_path / "in", n=24, seed=62)
    out = tmp_path / "out"

    class Stop(Exception):
        pass

    def stop(_records: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        run_pipeline(
            [source], POLICIES / "default.yaml", out, batch_size=10, workers=1, progress=stop, queues=False
        )
    summary = run_pipeline([source], POLICIES / "default.yaml", out, batch_size=10, workers=1, queues=False)
    assert summary.plan["batches_reused"] >= 1 and summary.plan["resumes"]
    with AuditLog(readonly=True) as log:
        details = run_details(log, summary.run_id)
        assert details["matches_log"] is True, details["logged"]
        assert details["logged"]["resumed"] == 10 * summary.plan["batches_reused"]
        written = json.loads((out / "summary.json").read_text())
        assert written["audit_anchor"]["run_id"] == summary.run_id
        assert written["audit_anchor"]["digest"] == written["audit_digest"]
        result = log.verify(against=[out])
        assert result.ok, result.message


def test_key_file_named_by_name_file_must_exist_and_be_owner_only(home, elsewhere, monkeypatch):
    from redaction.keys import resolve_key

    missing = elsewhere / "missing.key"
    monkeypatch.setenv("SCRUBLINE_AUDIT_KEY_FILE", str(missing))
    with pytest.raises(SecretError, match="SCRUBLINE_AUDIT_KEY_FILE: key file .* not found"):
        resolve_key("SCRUBLINE_AUDIT_KEY")
    assert not missing.exists() and not (home / "keys").exists()  # never created, no fallback
    missing.write_text(secrets.token_bytes(32).hex())
    missing.chmod(0o644)
    with pytest.raises(SecretError, match="mode 0600"):
        resolve_key("SCRUBLINE_AUDIT_KEY")
