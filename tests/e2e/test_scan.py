"""`scrubline scan` is a dry run of `scrubline run`: the same redaction path (detection, name
propagation, the policy's actions with the installation's keys and pseudonyms), and not one file
under SCRUBLINE_HOME created or changed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.e2e.helpers import scrubline

pytestmark = pytest.mark.e2e

# A name that recurs alone (only name propagation catches the second "Hartwell"), a hashed
# identifier, encrypted contact details.
TEXT = (
    "Dr. Amelia Hartwell saw the patient on Monday. Please ask Hartwell to call back on "
    "+44 20 7946 0958 or write to amelia.hartwell@example.org from 203.0.113.42."
)
ENCRYPTED = re.compile(r"<ENC:[A-Z_]+:[A-Za-z0-9_\-]+>")
HASHED = re.compile(r"<([A-Z_]+):[0-9a-f]{16}>")


def snapshot(home: Path) -> dict[str, tuple]:
    """Every file and folder under home: size, content digest, mtime and mode."""
    if not home.exists():
        return {}
    found = {}
    for path in sorted(home.rglob("*")):
        info = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[str(path.relative_to(home))] = (info.st_size if path.is_file() else 0, digest,
                                               info.st_mtime_ns, info.st_mode)  # fmt: skip
    return found


def scan(policy: Path, env: dict[str, str]) -> dict:
    result = scrubline("scan", TEXT, "--policy", str(policy), "--language", "en", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def comparable(text: str, *, hashes: bool) -> str:
    """Encryption tokens differ on every call (a fresh nonce); hashes differ under another key."""
    text = ENCRYPTED.sub("<ENC>", text)
    return HASHED.sub(r"<\1:hash>", text) if not hashes else text


@pytest.fixture(scope="module")
def run_once(tmp_path_factory, prefect_api, repo):
    tmp = tmp_path_factory.mktemp("scan")
    home = tmp / "home"
    env = {"SCRUBLINE_HOME": str(home), "PREFECT_API_URL": prefect_api}
    policy = repo / "policies" / "gdpr-pseudonymize.yaml"
    before = scan(policy, env)  # on a home that does not exist yet
    assert not home.exists()
    source = tmp / "in.jsonl"
    source.write_text(json.dumps({"id": "s1", "text": TEXT, "language": "en"}) + "\n")
    result = scrubline(
        "run", str(source), "--policy", str(policy), "--out", str(tmp / "out"), "--json", "--no-progress",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    (row,) = ds.dataset(tmp / "out" / "records", format="parquet").to_table().to_pylist()
    return env, home, policy, before, row["text"]


def test_scan_on_a_new_installation_creates_nothing_and_marks_new_pseudonyms(run_once):
    _, _, _, before, _ = run_once
    # Amelia Hartwell (the e-mail's owner is encrypted); the lone "Hartwell" is a partial mention
    # of her full name in the same record, so it gets her number, not a new one.
    assert before["new_pseudonyms"] == 1
    assert re.findall(r"<PERSON_\d+>", before["redacted"]) == ["<PERSON_1>", "<PERSON_1>"]
    keys = {"SCRUBLINE_HASH_KEY", "SCRUBLINE_PSEUDONYM_KEY", "SCRUBLINE_ENCRYPTION_KEY"}
    assert set(before["temporary_keys"]) == {k for k in keys if not os.environ.get(k)}


def test_scan_and_run_agree_on_the_same_text(run_once):
    env, _, policy, before, written = run_once
    assert "Hartwell" not in written and "7946" not in written and "example.org" not in written
    # Both mentions are pseudonymized (name propagation is on in this policy).
    assert len(re.findall(r"<PERSON_\d+>", written)) == 2
    # Before the run, with throwaway keys: the same redactions and pseudonym numbers.
    assert comparable(before["redacted"], hashes=False) == comparable(written, hashes=False)
    # After it, with the installation's keys and stored pseudonyms: the same text exactly
    # (encryption aside, whose nonce is fresh on every call).
    after = scan(policy, env)
    assert comparable(after["redacted"], hashes=True) == comparable(written, hashes=True)
    assert after["new_pseudonyms"] == 0 and after["temporary_keys"] == []
    assert [(f["start"], f["end"], f["entity_type"]) for f in after["findings"]] == [
        (f["start"], f["end"], f["entity_type"]) for f in before["findings"]
    ]


def test_scan_leaves_every_file_under_scrubline_home_unchanged(run_once):
    env, home, policy, _, _ = run_once
    state = snapshot(home)
    assert "pseudonyms.sqlite3" in state and any(name.startswith("keys/") for name in state)
    scan(policy, env)
    assert snapshot(home) == state
    # Also while a writer holds the store open with changes still in its write-ahead log.
    writer = sqlite3.connect(home / "pseudonyms.sqlite3", isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("INSERT INTO pseudonyms (key_id, entity, digest, n) VALUES ('k', 'PERSON', 'd', 1)")
    try:
        state = snapshot(home)
        assert (home / "pseudonyms.sqlite3-wal").stat().st_size > 0
        result = scan(policy, env)
        assert result["new_pseudonyms"] == 0
        assert snapshot(home) == state
    finally:
        writer.execute("DELETE FROM pseudonyms WHERE key_id = 'k'")
        writer.close()
