"""The audit store and its events: what is written, by whom, and that no personal data is."""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import secrets
import stat
import subprocess
import sys

import pytest

from redaction.audit import AuditLog, record_hmac
from redaction.audit.events import RUN_EVENTS, RUN_FAILED, RecordHasher, canonical
from redaction.errors import ScrublineError, SecretError
from redaction.keys import Key
from redaction.policy import load_policy
from tests.conftest import REPO

from .test_audit_support import audited_run, connect, generated_input


@pytest.fixture
def audit_key(monkeypatch) -> Key:
    material = secrets.token_bytes(32)
    monkeypatch.setenv("SCRUBLINE_AUDIT_KEY", material.hex())
    return Key("SCRUBLINE_AUDIT_KEY", material)


@pytest.fixture
def run_log(tmp_path, scrubline_home, audit_key):
    """A log holding one finished run over generated records with every kind of bad line."""
    source, records, values = generated_input(tmp_path / "in", n=24, seed=5)
    log = AuditLog()
    run = audited_run(log, [source], tmp_path / "out")
    yield log, run, records, values
    log.close()


def types_in(log: AuditLog) -> list[str]:
    return [t for (t,) in log.connection.execute("SELECT type FROM entries ORDER BY seq")]


def test_every_event_type_is_written_by_a_real_run(run_log):
    log, run, records, _ = run_log
    types = types_in(log)
    # A run that stops adds run_failed; record_skipped needs an id already in the output folder
    # (tests/unit/test_identity.py, tests/e2e/test_identity.py).
    assert set(types) == set(RUN_EVENTS) - {RUN_FAILED, "record_skipped"}
    assert types[0] == "run_started" and types[-1] == "run_finished"
    assert types.count("record_transformed") == len(records)
    assert types.count("record_quarantined") == 4
    finished = json.loads(
        log.connection.execute("SELECT body FROM entries WHERE type = 'run_finished'").fetchone()[0]
    )
    assert finished["reconciled"] is True and finished["matches_log"] is True
    assert finished["signature"] == run["digest"]
    assert finished["counts"]["quarantined_by_reason"] == {
        "malformed": 1,
        "missing_id": 1,
        "not_an_object": 1,
        "undecodable": 1,
    }


def test_run_started_records_policy_code_inputs_and_operator(run_log):
    log, run, _, _ = run_log
    body = json.loads(log.connection.execute("SELECT body FROM entries WHERE seq = 1").fetchone()[0])
    assert body["policy"]["name"] == "default"
    assert len(body["policy"]["sha256"]) == 64
    assert body["policy"]["entities"]["PERSON"]["action"] == "pseudonymize"
    assert body["policy"]["purpose"]
    assert body["code"]["scrubline"]
    assert body["inputs"][0]["sha256"] and body["inputs"][0]["size"] > 0
    assert body["user"] and body["host"]
    assert body["parameters"]["batch_size"] == 10
    assert body["flow_run_id"] is None and body["resumes"] is None


def test_transformed_events_hold_offsets_and_keyed_digests_only(run_log, audit_key):
    log, run, records, _ = run_log
    by_record = {}
    for (body,) in log.connection.execute("SELECT body FROM entries WHERE type = 'record_transformed'"):
        data = json.loads(body)
        by_record[data["record"]] = data
    hasher = RecordHasher(audit_key)
    first = records[0]
    event = by_record[record_hmac(audit_key, first["id"])]
    assert event["input"] == hasher.content(first)
    assert event["location"] == "line 1"
    assert event["redactions"], "a generated ticket always has PII"
    for redaction in event["redactions"]:
        assert set(redaction) == {"field", "start", "end", "entity_type", "score", "action"}
        assert redaction["start"] < redaction["end"]
        assert redaction["score"] == round(redaction["score"], 3)
    assert len(event["record"]) == 32


def test_audit_files_hold_no_generated_pii_nor_its_sha256(run_log, scrubline_home):
    log, run, records, values = run_log
    folder = scrubline_home / "audit"
    names = sorted(p.name for p in folder.iterdir())
    assert "audit.sqlite3-wal" in names  # the log is open: its WAL is read too
    data = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
    secrets_ = [v for v in values if len(v) >= 5] + [r["id"] for r in records]
    assert len(secrets_) > 50
    leaked = [v for v in secrets_ if v.encode("utf-8") in data]
    assert leaked == []
    hashed = [v for v in secrets_ if hashlib.sha256(v.encode("utf-8")).hexdigest().encode() in data]
    assert hashed == []
    for record in records:  # nor the plain sha256 of a whole record
        assert hashlib.sha256(canonical(record).encode()).hexdigest().encode() not in data


def test_batch_events_pickle_without_raw_values(run_log):
    _, run, records, values = run_log
    blob = pickle.dumps(run["events"])
    assert pickle.loads(blob)[0].entries == run["events"][0].entries
    assert not [v for v in values if len(v) >= 5 and v.encode() in blob]
    assert not [r["id"] for r in records if r["id"].encode() in blob]


def test_store_is_owner_only(run_log, scrubline_home):
    folder = scrubline_home / "audit"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_untouched_log_verifies_across_runs(run_log, tmp_path):
    log, _, _, _ = run_log
    source, _, _ = generated_input(tmp_path / "in2", n=8, seed=9, bad=False)
    audited_run(log, [source], tmp_path / "out2", routes=False)
    result = log.verify()
    assert result.ok, result.message
    assert result.runs == 2 and result.signatures == 2
    assert result.message.startswith(f"OK: {result.entries} entries, 2 runs, all signatures valid")


def test_has_export_answers_for_recorded_files_only(run_log, tmp_path):
    log, run, _, _ = run_log
    exports = [
        json.loads(body)
        for (body,) in log.connection.execute("SELECT body FROM entries WHERE type = 'batch_exported'")
    ]
    assert {e["kind"] for e in exports} == {"records", "quarantine"}
    for export in exports:
        assert log.has_export(export["path"], export["sha256"])
        assert hashlib.sha256(open(export["path"], "rb").read()).hexdigest() == export["sha256"]
    assert not log.has_export(exports[0]["path"], "0" * 64)
    relative = os.path.relpath(exports[0]["path"])
    assert log.has_export(relative, exports[0]["sha256"])


def test_appending_needs_an_open_run(run_log):
    log, run, _, _ = run_log
    events = run["events"][0]
    with pytest.raises(ScrublineError, match="already finished"):
        log.append_batch(run["run_id"], events.batch_key, events)
    with pytest.raises(ScrublineError, match="never started"):
        log.append_batch("no-such-run", events.batch_key, events)
    with pytest.raises(ScrublineError, match="already started"):
        log.run_started(run["run_id"], policy=_policy(), parameters={}, inputs=[])
    with pytest.raises(ScrublineError, match="already finished"):
        log.run_finished(run["run_id"], {"records_in": 0})


def test_interrupted_run_verifies_and_has_no_digest(tmp_path, scrubline_home, audit_key):
    source, _, _ = generated_input(tmp_path / "in", n=12, seed=3, bad=False)
    with AuditLog() as log:
        audited_run(log, [source], tmp_path / "out", finish=False)
        result = log.verify()
        assert result.ok, result.message
        assert result.runs == 1 and result.signatures == 0


def test_wrong_key_fails_verification_with_a_clear_message(run_log):
    log, _, _, _ = run_log
    other = Key("SCRUBLINE_AUDIT_KEY", secrets.token_bytes(32))
    with AuditLog(log.path, key=other, readonly=True) as wrong:
        result = wrong.verify()
    assert not result.ok
    assert result.kind == "bad_signature"
    assert "wrong audit key" in result.message and "signatures do not match" in result.message


def test_wrong_key_cannot_append(run_log):
    log, _, _, _ = run_log
    other = Key("SCRUBLINE_AUDIT_KEY", secrets.token_bytes(32))
    with pytest.raises(SecretError, match="wrong audit key"):
        AuditLog(log.path, key=other)


def test_missing_key_is_a_clear_error_for_readers(run_log, monkeypatch):
    log, _, _, _ = run_log
    monkeypatch.delenv("SCRUBLINE_AUDIT_KEY")
    with AuditLog(log.path, readonly=True) as reader:
        with pytest.raises(SecretError, match="SCRUBLINE_AUDIT_KEY"):
            reader.verify()


def test_missing_log_is_not_created_by_readers(tmp_path):
    with pytest.raises(ScrublineError, match="no audit log"):
        AuditLog(tmp_path / "nothing.sqlite3", readonly=True)
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_embedded_default_key_is_created_0600_and_logged(scrubline_home, monkeypatch, caplog):
    monkeypatch.delenv("SCRUBLINE_AUDIT_KEY", raising=False)
    with caplog.at_level(logging.WARNING):
        with AuditLog() as log:
            key_file = scrubline_home / "keys" / "SCRUBLINE_AUDIT_KEY"
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            assert log.key.key_id == log.stored_key_id()
    assert "created key file" in caplog.text and "SCRUBLINE_AUDIT_KEY" in caplog.text


# --- concurrency and crashes -------------------------------------------------------------------


def _append_many(path: str, key: Key, run_id: str, events, rounds: int, barrier) -> None:
    log = AuditLog(path, key=key)
    barrier.wait()
    for _ in range(rounds):
        for batch in events:
            log.append_batch(run_id, batch.batch_key, batch)
    log.close()


def test_two_processes_appending_at_once_keep_one_valid_chain(run_log, tmp_path, audit_key):
    log, run, _, _ = run_log
    events = run["events"]
    runs = []
    for name in ("a", "b"):
        run_id = f"concurrent-{name}"
        log.run_started(run_id, policy=_policy(), parameters={}, inputs=[])
        runs.append(run_id)
    before = log.connection.execute("SELECT count(*) FROM entries").fetchone()[0]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    rounds = 6
    workers = [
        context.Process(target=_append_many, args=(str(log.path), audit_key, run_id, events, rounds, barrier))
        for run_id in runs
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    for run_id in runs:
        log.run_finished(run_id, {"records_in": 0})
    per_round = sum(len(batch) for batch in events)
    seqs = [s for (s,) in log.connection.execute("SELECT seq FROM entries ORDER BY seq")]
    assert len(seqs) == before + 2 * rounds * per_round + 2
    assert seqs == list(range(1, len(seqs) + 1))
    # the two processes' batches interleave, each batch contiguous
    owners = [
        r
        for (r,) in log.connection.execute("SELECT run_id FROM entries WHERE seq > ? ORDER BY seq", (before,))
    ]
    switches = sum(1 for a, b in zip(owners, owners[1:], strict=False) if a != b)
    assert switches >= 2
    result = log.verify()
    assert result.ok, result.message


def _policy():
    from .test_audit_support import default_policy

    return default_policy()


_CRASH = """
import os, pickle, sys
from redaction.audit import store
from redaction.audit.store import AuditLog
from redaction.keys import Key

path, run_id, key_hex, events_file = sys.argv[1:5]
events = pickle.load(open(events_file, "rb"))
log = AuditLog(path, key=Key("SCRUBLINE_AUDIT_KEY", bytes.fromhex(key_hex)))
def crash(*args, **kwargs):
    os._exit(9)  # the process dies inside the transaction, after the entries were inserted
store.checkpoint_mac = crash
log.append_batch(run_id, events.batch_key, events)
"""


def test_a_crash_inside_a_batch_leaves_no_partial_batch(run_log, tmp_path, audit_key, repo):
    log, run, _, _ = run_log
    log.run_started("crashing", policy=_policy(), parameters={}, inputs=[])
    before = log.connection.execute("SELECT count(*) FROM entries").fetchone()[0]
    events_file = tmp_path / "events.pickle"
    events_file.write_bytes(pickle.dumps(run["events"][0]))
    result = subprocess.run(
        [sys.executable, "-c", _CRASH, str(log.path), "crashing", audit_key.material.hex(), str(events_file)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 9, result.stderr
    assert log.connection.execute("SELECT count(*) FROM entries").fetchone()[0] == before
    with connect(log.path) as db:  # a fresh reader sees the same
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == before
    assert log.verify().ok
    log.append_batch("crashing", run["events"][0].batch_key, run["events"][0])
    assert log.verify().ok


# --- queue actions and failed runs -------------------------------------------------------------


def test_queue_actions_are_chained_with_actor_and_keyed_record_ids_only(run_log, audit_key, monkeypatch):
    from redaction.audit.events import ITEM_FIXED, ITEM_PULLED, ItemRef, actor_name, item_events
    from redaction.audit.queries import record_history

    log, _, records, values = run_log
    refs = [
        ItemRef("item-1", records[0]["id"], "privacy-review"),
        ItemRef("gold-1", "gold-1", "q", gold=True),
    ]
    entries = item_events(audit_key, ITEM_PULLED, "rita", refs, {"format": "parquet", "sha256": "0" * 64})
    entries += item_events(
        audit_key, ITEM_FIXED, "rita", [ItemRef("item-1", records[0]["id"], "privacy-review",
                                                details=(("entities", {"PERSON": 2}),))]
    )  # fmt: skip
    action = log.append_review(entries)
    assert action.startswith("queue-")
    rows = log.connection.execute(
        "SELECT run_id, type, body FROM entries WHERE run_id = ?", (action,)
    ).fetchall()
    bodies = [json.loads(body) for _, _, body in rows]
    assert [t for _, t, _ in rows] == ["item_pulled", "item_pulled", "item_fixed"]
    assert bodies[0]["record"] == record_hmac(audit_key, records[0]["id"]) and bodies[0]["actor"] == "rita"
    assert bodies[1]["record"] is None and bodies[1]["gold"] is True  # gold items have no record
    assert bodies[2]["entities"] == {"PERSON": 2}
    assert records[0]["id"] not in json.dumps(bodies)
    assert log.verify().ok  # same chain, checkpoint moved along
    history = record_history(log, records[0]["id"])
    assert [e["type"] for e in history["events"]][-2:] == ["item_pulled", "item_fixed"]
    assert history["events"][-1]["actor"] == "rita" and history["events"][-1]["action_id"] == action
    with pytest.raises(ScrublineError, match="not queue events: run_started"):
        log.append_review([("run_started", "{}")])
    monkeypatch.setenv("SCRUBLINE_ACTOR", "reviewer-7")
    assert actor_name() == "reviewer-7" and actor_name("Ana María") == "Ana María"
    monkeypatch.delenv("SCRUBLINE_ACTOR")
    assert actor_name() == getpass.getuser()


def test_a_failed_run_is_recorded_with_its_reason_and_no_content(run_log, tmp_path):
    from redaction.audit import record_run_failure
    from redaction.audit.queries import list_runs, run_details
    from redaction.errors import InputError, PolicyError

    log, _, _, _ = run_log
    log.run_started(
        "r-crash", policy=load_policy(REPO / "policies" / "default.yaml"), parameters={}, inputs=[]
    )
    secret = "surrogate.victim@example.com"
    crash = UnicodeEncodeError("utf-8", f"raw_record: {secret}", 0, 1, "surrogates not allowed")
    record_run_failure("r-crash", "flow", crash, log=log)
    record_run_failure("r-crash", "start", crash, log=log)  # the same error seen again is not doubled
    record_run_failure("r-bad", "start", PolicyError("bad", ("p.yaml: entities.X: unknown",)), log=log)
    record_run_failure("r-missing", "start", InputError("in/: no such file or folder"), log=log)
    dump = "\n".join(body for (body,) in log.connection.execute("SELECT body FROM entries"))
    assert secret not in dump and "raw_record" not in dump
    runs = {r["run_id"]: r for r in list_runs(log)}
    assert (
        runs["r-crash"]["status"] == "failed" and runs["r-crash"]["failure"]["error"] == "UnicodeEncodeError"
    )
    assert runs["r-bad"]["failure"]["problems"] == ["p.yaml: entities.X: unknown"]
    assert runs["r-missing"]["failure"]["reason"] == "in/: no such file or folder"
    assert run_details(log, "r-crash")["status"] == "failed"
    count = log.connection.execute("SELECT count(*) FROM entries WHERE type = 'run_failed'").fetchone()[0]
    assert count == 3
    assert log.verify().ok
