"""`scrubline audit verify --anchor/--against/--public-key/--evidence-only`, `audit keygen`, and
`audit show` on a resumed run, through the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redaction.audit import AuditLog
from tests.e2e.helpers import checked
from tests.unit.test_audit_support import audited_run, generated_input, write_summary

pytestmark = pytest.mark.e2e


def scrubline(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return checked(
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "audit", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    )


@pytest.fixture
def installation(tmp_path, monkeypatch):
    """A SCRUBLINE_HOME, an audit key in the environment, an anchor on 'other storage', and the
    environment the CLI gets (the same, without the anchor variable: tests pass --anchor)."""
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    elsewhere.mkdir()
    key_hex = secrets.token_bytes(32).hex()
    for name in (
        "SCRUBLINE_AUDIT_SIGNING_KEY",
        "SCRUBLINE_AUDIT_SIGNING_KEY_FILE",
        "SCRUBLINE_AUDIT_KEY_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCRUBLINE_HOME", str(home))
    monkeypatch.setenv("SCRUBLINE_AUDIT_KEY", key_hex)
    monkeypatch.setenv("SCRUBLINE_AUDIT_ANCHOR", str(elsewhere / "anchor.jsonl"))
    env = {k: v for k, v in os.environ.items() if k != "SCRUBLINE_AUDIT_ANCHOR"}
    source = generated_input(tmp_path / "in", n=12, seed=71)[0]
    return {
        "env": env,
        "home": home,
        "elsewhere": elsewhere,
        "anchor": elsewhere / "anchor.jsonl",
        "source": source,
    }


def finished_run(log: AuditLog, installation, out: Path) -> dict:
    run = audited_run(log, [installation["source"]], out)
    write_summary(log, run, out)
    return run


def test_verify_against_the_summaries_and_anchor_names_a_rolled_back_log(installation, tmp_path):
    with AuditLog() as log:
        first = finished_run(log, installation, tmp_path / "out0")
        path = log.path
    saved = tmp_path / "saved.sqlite3"
    shutil.copy(path, saved)
    with AuditLog() as log:
        second = finished_run(log, installation, tmp_path / "out1")
    env, outs = installation["env"], [str(tmp_path / "out0"), str(tmp_path / "out1")]
    ok = scrubline(env, "verify", "--anchor", str(installation["anchor"]), "--against", *outs)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: ") and "2 anchor statement(s), 2 run summary(ies)" in ok.stdout

    shutil.copy(saved, path)  # the older copy back in place
    assert scrubline(env, "verify").returncode == 0  # the log alone is valid
    result = scrubline(env, "verify", "--anchor", str(installation["anchor"]), "--against", *outs)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("scrubline: error: the audit log does not verify: 2 problem(s) with the evidence")
    assert second["run_id"] in line and first["run_id"] not in line and "rolled back" in line
    data = json.loads(
        scrubline(env, "verify", "--anchor", str(installation["anchor"]), "--against", *outs, "--json").stdout
    )
    assert (data["ok"], data["kind"]) == (False, "rolled_back")
    assert {p["run_id"] for p in data["problems"]} == {second["run_id"]}
    assert {Path(p["source"].split(" line ")[0].removeprefix("anchor ")).name for p in data["problems"]} == {
        "anchor.jsonl",
        "summary.json",
    }


def test_deleted_log_with_evidence_left_is_a_wipe(installation, tmp_path):
    with AuditLog() as log:
        run = finished_run(log, installation, tmp_path / "out0")
        path = log.path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    result = scrubline(installation["env"], "verify", "--anchor", str(installation["anchor"]))
    assert result.returncode == 1
    assert (
        "wiped" in result.stderr
        and f"the log {path} is missing" in result.stderr
        and run["run_id"] in result.stderr
    )
    bare = scrubline(installation["env"], "verify")
    assert bare.returncode == 1 and "no audit log here" in bare.stderr


def test_keygen_then_verify_with_the_public_key_alone(installation, tmp_path, monkeypatch):
    env = installation["env"]
    made = scrubline(env, "keygen", "--out", str(installation["elsewhere"] / "signing.pem"), "--json")
    assert made.returncode == 0, made.stderr
    keys = json.loads(made.stdout)
    assert (Path(keys["private_key"]).stat().st_mode & 0o777) == 0o600
    again = scrubline(env, "keygen", "--out", keys["private_key"])
    assert again.returncode == 1 and "never overwritten" in again.stderr

    monkeypatch.setenv("SCRUBLINE_AUDIT_SIGNING_KEY_FILE", keys["private_key"])
    with AuditLog() as log:
        finished_run(log, installation, tmp_path / "out0")
        finished_run(log, installation, tmp_path / "out1")
        path = log.path
    verifier = {k: v for k, v in env.items() if not k.startswith("SCRUBLINE_AUDIT")}
    verifier["SCRUBLINE_HOME"] = str(tmp_path / "auditor-home")  # no key of any kind here
    result = scrubline(
        verifier,
        "verify",
        "--log",
        str(path),
        "--public-key",
        keys["public_key"],
        "--against",
        str(tmp_path / "out1"),
    )
    assert result.returncode == 0, result.stderr
    assert "Ed25519 signatures valid (HMAC signatures not checked: no audit key)" in result.stdout
    assert f"signed by public key {keys['public_key_id']} (pinned by --public-key" in result.stdout

    alone = scrubline(
        verifier,
        "verify",
        "--evidence-only",
        "--anchor",
        str(installation["anchor"]),
        "--against",
        str(tmp_path / "out0"),
        str(tmp_path / "out1"),
        "--public-key",
        keys["public_key"],
    )
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.startswith(
        "OK (evidence only, no log): 2 anchor statement(s), 2 run summary(ies) agree"
    )
    assert "4 Ed25519-signed" in alone.stdout

    other = scrubline(verifier, "keygen", "--out", str(tmp_path / "other.pem"))
    assert other.returncode == 0
    wrong = scrubline(verifier, "verify", "--log", str(path), "--public-key", str(tmp_path / "other.pem.pub"))
    assert wrong.returncode == 1 and "than the pinned one" in wrong.stderr


def test_show_says_a_resumed_run_matches_its_log(installation, tmp_path):
    with AuditLog() as log:
        interrupted = audited_run(
            log, [installation["source"]], tmp_path / "out", finish=False, stop_after=1, batch_size=5
        )
        resumed = audited_run(
            log,
            [installation["source"]],
            tmp_path / "out",
            resumes=[interrupted["run_id"]],
            skip=set(interrupted["batches"]),
            batch_size=5,
        )
    result = scrubline(installation["env"], "show", resumed["run_id"])
    assert result.returncode == 0, result.stderr
    assert (
        "matches the log's events: yes (11 records its own; 5 more in batches kept from the runs it resumes)"
        in result.stdout
    )
    assert f"resumes      {interrupted['run_id']}" in result.stdout


def test_key_file_beside_the_log_warns_once_on_stderr(installation, tmp_path, monkeypatch):
    env = {k: v for k, v in installation["env"].items() if k != "SCRUBLINE_AUDIT_KEY"}
    monkeypatch.delenv("SCRUBLINE_AUDIT_KEY")  # this process writes with the home key file too
    with AuditLog() as log:
        finished_run(log, installation, tmp_path / "out0")
    result = scrubline(env, "verify", "--against", str(tmp_path / "out0"))
    assert result.returncode == 0, result.stderr
    (warning,) = result.stderr.strip().splitlines()
    assert warning.startswith("WARNING ") and "SCRUBLINE_AUDIT_KEY is the file" in warning
    assert "beside the audit log in SCRUBLINE_HOME" in warning
