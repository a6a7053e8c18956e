"""`verify` names the first entry that was modified, removed, reordered, inserted or truncated.

Each test edits a copy of a real log's SQLite file directly, as someone with file access and no
key could, and checks the kind and the entry named.
"""

from __future__ import annotations

import secrets
import shutil

import pytest

from redaction.audit import AuditLog
from redaction.audit.store import GENESIS, entry_hash
from redaction.keys import Key

from .test_audit_support import audited_run, connect, generated_input


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A closed log of two finished runs, its key, and where things are in it."""
    folder = tmp_path_factory.mktemp("tamper")
    key = Key("SCRUBLINE_AUDIT_KEY", secrets.token_bytes(32))
    path = folder / "audit" / "audit.sqlite3"
    source, _, _ = generated_input(folder / "in", n=12, seed=21)
    with AuditLog(path, key=key) as log:
        first = audited_run(log, [source], folder / "out1")
        second = audited_run(log, [source], folder / "out2")
    with connect(path) as db:
        layout = {
            "runs": [first["run_id"], second["run_id"]],
            "finished": [
                s for (s,) in db.execute("SELECT seq FROM entries WHERE type = 'run_finished' ORDER BY seq")
            ],
            "second_start": db.execute(
                "SELECT seq FROM entries WHERE type = 'run_started' AND run_id = ?", (second["run_id"],)
            ).fetchone()[0],
            "last": db.execute("SELECT max(seq) FROM entries").fetchone()[0],
            "transformed": [
                s
                for (s,) in db.execute(
                    "SELECT seq FROM entries WHERE type = 'record_transformed' ORDER BY seq"
                )
            ],
        }
    return path, key, layout


@pytest.fixture
def copy(original, tmp_path):
    path, key, layout = original
    target = tmp_path / "audit.sqlite3"
    shutil.copy(path, target)
    return target, key, layout


def verify(path, key):
    with AuditLog(path, key=key, readonly=True) as log:
        return log.verify()


def rows(db, since: int) -> list[tuple]:
    return db.execute(
        "SELECT seq, run_id, ts, type, body FROM entries WHERE seq >= ? ORDER BY seq", (since,)
    ).fetchall()


def rehash(db, since: int) -> None:
    """Recompute the chain from `since` on, as someone who knows the (public) hash would."""
    row = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (since - 1,)).fetchone()
    prev = row[0] if row else GENESIS
    for seq, run_id, ts, event_type, body in rows(db, since):
        digest = entry_hash(prev, seq, run_id, ts, event_type, body)
        db.execute("UPDATE entries SET prev_hash = ?, entry_hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


def test_untouched_copy_verifies(copy):
    path, key, layout = copy
    result = verify(path, key)
    assert result.ok and result.entries == layout["last"] and result.runs == 2 and result.signatures == 2


def test_modified_entry_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][3]
    with connect(path) as db:
        db.execute(
            'UPDATE entries SET body = replace(body, \'"language":"en"\', \'"language":"fr"\') WHERE seq = ?',
            (target,),
        )
        assert db.total_changes == 1
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "modified", target)
    assert f"entry {target}" in result.message


def test_modified_entry_with_its_own_hash_recomputed_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][2]
    with connect(path) as db:
        db.execute("UPDATE entries SET body = replace(body, 'line 3', 'line 8') WHERE seq = ?", (target,))
        assert db.total_changes == 1
        seq, run_id, ts, event_type, body, prev = db.execute(
            "SELECT seq, run_id, ts, type, body, prev_hash FROM entries WHERE seq = ?", (target,)
        ).fetchone()
        db.execute(
            "UPDATE entries SET entry_hash = ? WHERE seq = ?",
            (entry_hash(prev, seq, run_id, ts, event_type, body), target),
        )
    result = verify(path, key)
    assert (result.kind, result.seq) == ("modified", target)


def test_modified_and_rehashed_chain_fails_at_the_next_signed_digest(copy):
    path, key, layout = copy
    target = layout["transformed"][1]
    with connect(path) as db:
        db.execute("UPDATE entries SET body = replace(body, 'line 2', 'line 9') WHERE seq = ?", (target,))
        rehash(db, target)
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "bad_signature", layout["finished"][0])
    assert "changed and rehashed" in result.message


def test_forged_run_counts_fail_the_signature(copy):
    path, key, layout = copy
    target = layout["finished"][0]
    with connect(path) as db:
        db.execute(
            "UPDATE entries SET body = replace(body, '\"records_in\":16', '\"records_in\":15') WHERE seq = ?",
            (target,),
        )
        assert db.total_changes == 1
        rehash(db, target)
    result = verify(path, key)
    assert (result.kind, result.seq) == ("bad_signature", target)


def test_removed_entry_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][4]
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq = ?", (target,))
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "removed", target)
    assert f"entry {target} removed" in result.message


def test_removed_entry_with_the_rest_renumbered_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][4]
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq = ?", (target,))
        db.execute("UPDATE entries SET seq = -(seq - 1) WHERE seq > ?", (target,))
        db.execute("UPDATE entries SET seq = -seq WHERE seq < 0")
    result = verify(path, key)
    assert (result.kind, result.seq) == ("removed", target)


def test_reordered_entries_are_named(copy):
    path, key, layout = copy
    a = layout["transformed"][5]
    with connect(path) as db:
        db.execute("UPDATE entries SET seq = -1 WHERE seq = ?", (a,))
        db.execute("UPDATE entries SET seq = ? WHERE seq = ?", (a, a + 1))
        db.execute("UPDATE entries SET seq = ? WHERE seq = -1", (a + 1,))
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "reordered", a)


def test_entry_moved_back_is_named_reordered(copy):
    path, key, layout = copy
    a = layout["transformed"][1]
    moved = a + 5
    with connect(path) as db:  # entry a+5 moved to a; a..a+4 shift up by one
        db.execute("UPDATE entries SET seq = -1 WHERE seq = ?", (moved,))
        db.execute("UPDATE entries SET seq = -(seq + 1) WHERE seq >= ? AND seq < ?", (a, moved))
        db.execute("UPDATE entries SET seq = -seq WHERE seq < -1")
        db.execute("UPDATE entries SET seq = ? WHERE seq = -1", (a,))
    result = verify(path, key)
    assert (result.kind, result.seq) == ("reordered", a)


def _shift_up_from(db, seq: int) -> None:
    db.execute("UPDATE entries SET seq = -(seq + 1) WHERE seq >= ?", (seq,))
    db.execute("UPDATE entries SET seq = -seq WHERE seq < 0")


def test_inserted_forged_entry_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][3]
    with connect(path) as db:
        _shift_up_from(db, target)
        prev = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (target - 1,)).fetchone()[0]
        run_id = layout["runs"][0]
        ts, body = (
            "2030-01-01T00:00:00.000+00:00",
            '{"batch":"x","location":"line 99","reason":"malformed","record":null}',
        )
        digest = entry_hash(prev, target, run_id, ts, "record_quarantined", body)
        db.execute(
            "INSERT INTO entries VALUES (?, ?, ?, 'record_quarantined', ?, ?, ?)",
            (target, run_id, ts, body, prev, digest),
        )
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "inserted", target)
    assert f"entry {target} inserted" in result.message


def test_inserted_entry_with_made_up_hashes_is_named(copy):
    path, key, layout = copy
    target = layout["transformed"][2]
    with connect(path) as db:
        _shift_up_from(db, target)
        db.execute(
            "INSERT INTO entries VALUES (?, ?, 'now', 'record_routed', '{}', ?, ?)",
            (target, layout["runs"][0], "a" * 64, "b" * 64),
        )
    result = verify(path, key)
    assert (result.kind, result.seq) == ("inserted", target)


def test_entries_appended_without_the_key_are_named(copy):
    path, key, layout = copy
    last = layout["last"]
    with connect(path) as db:
        prev = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (last,)).fetchone()[0]
        ts, body = "2030-01-01T00:00:00.000+00:00", '{"counts":{}}'
        digest = entry_hash(prev, last + 1, "forged", ts, "run_started", body)
        db.execute(
            "INSERT INTO entries VALUES (?, 'forged', ?, 'run_started', ?, ?, ?)",
            (last + 1, ts, body, prev, digest),
        )
    result = verify(path, key)
    assert (result.kind, result.seq) == ("inserted", last + 1)


def test_truncated_last_run_is_detected(copy):
    path, key, layout = copy
    start = layout["second_start"]
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq >= ?", (start,))
    result = verify(path, key)
    assert (result.ok, result.kind, result.seq) == (False, "truncated", start)
    assert f"entry {start} truncated" in result.message


def test_truncated_last_entries_are_detected(copy):
    path, key, layout = copy
    last = layout["last"]
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq > ?", (last - 3,))
    result = verify(path, key)
    assert (result.kind, result.seq) == ("truncated", last - 2)


def test_truncation_with_the_checkpoint_removed_is_detected(copy):
    path, key, layout = copy
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq >= ?", (layout["second_start"],))
        db.execute("DELETE FROM checkpoint")
    result = verify(path, key)
    assert not result.ok and result.kind == "bad_signature"
    assert "checkpoint" in result.message


def test_forged_checkpoint_is_detected(copy):
    path, key, layout = copy
    start = layout["second_start"]
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq >= ?", (start,))
        head = db.execute("SELECT entry_hash FROM entries WHERE seq = ?", (start - 1,)).fetchone()[0]
        db.execute("UPDATE checkpoint SET seq = ?, entry_hash = ?", (start - 1, head))
    result = verify(path, key)
    assert (result.kind, result.seq) == ("bad_signature", start - 1)
    assert "checkpoint" in result.message


def test_whole_log_rehashed_fails_on_signatures(copy):
    path, key, layout = copy
    with connect(path) as db:
        db.execute("DELETE FROM entries WHERE seq = 3")
        db.execute("UPDATE entries SET seq = -(seq - 1) WHERE seq > 3")
        db.execute("UPDATE entries SET seq = -seq WHERE seq < 0")
        rehash(db, 3)
    result = verify(path, key)
    assert result.kind == "bad_signature" and result.seq == layout["finished"][0] - 1
