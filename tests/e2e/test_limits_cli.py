"""Per-record limits and catastrophic patterns, through the real `scrubline` command and Prefect;
and the per-user state folder seen from two working folders."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import POLICIES
from tests.e2e.test_cli import SCRUBLINE, scrubline

pytestmark = pytest.mark.e2e

# Backtracks exponentially on '#aaa...a!' yet passes the load-time probes: bounded at run time.
EVADING = r"(?<=#)(a|aa)+$"


def _policy(tmp_path: Path, regex: str, **limits) -> Path:
    data = yaml.safe_load((POLICIES / "default.yaml").read_text())
    data["entities"]["TICKET"] = {"threshold": 0.5, "action": "replace"}
    data["recognizers"] = [
        {"name": "ticket", "entity": "TICKET", "patterns": [{"name": "t", "regex": regex, "score": 0.9}]}
    ]
    if limits:
        data["limits"] = limits
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _input(tmp_path: Path) -> Path:
    lines = [
        {"id": "ok-1", "text": "Call Jane Doe on 212-555-0143"},
        {"id": "stuck", "text": "#" + "a" * 60 + "!"},  # the hostile record: 60 characters
        {"id": "huge", "text": "word " * 2000},
        {"id": "ok-2", "text": "Write to jane.doe@example.com"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_a_catastrophic_pattern_is_refused_by_validate_and_run_in_one_line(tmp_path):
    policy = _policy(tmp_path, r"(a|aa)+$")
    expected = (
        f"scrubline: error: {policy}: recognizers[0].patterns[0].regex: pattern backtracks catastrophically"
    )
    checked = scrubline("policy", "validate", str(policy), env={"SCRUBLINE_HOME": str(tmp_path / "home")})
    assert checked.returncode == 1 and checked.stdout == ""
    assert len(checked.stderr.strip().splitlines()) == 1 and checked.stderr.startswith(expected)
    out = tmp_path / "out"
    run = scrubline(
        "run", str(_input(tmp_path)), "--policy", str(policy), "--out", str(out),
        env={"SCRUBLINE_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1 and run.stderr.startswith(expected)
    assert not out.exists()  # refused before any record is read


def test_a_run_quarantines_a_stalling_and_an_oversized_record_and_goes_on(tmp_path, prefect_api):
    policy = _policy(tmp_path, EVADING, record_seconds=3, max_record_chars=5000)
    out = tmp_path / "out"
    env = {"SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    result = scrubline(
        "run", str(_input(tmp_path)), "--policy", str(policy), "--out", str(out),
        "--workers", "2", "--batch-size", "2", "--json", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["quarantined_by_reason"] == {"timeout": 1, "too_large": 1}
    assert summary["records_in"] == 4
    assert summary["records_in"] == (
        summary["redacted"] + summary["held"] + summary["filtered"] + summary["quarantined"]
    )
    assert summary["reconciled"] is True
    found = {}
    for path in (out / "quarantine").glob("*.jsonl"):
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            found[entry["location"]] = entry["reason"]
    assert found == {"line 2": "timeout", "line 3": "too_large"}
    # The log says where and why, never what: no record text on the console.
    assert "in.jsonl line 2: record quarantined (timeout)" in result.stderr
    assert "aaaaaaaaaa" not in result.stderr and "word word" not in result.stderr


def _without_home(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([SCRUBLINE, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_state_is_per_user_from_any_folder_and_a_legacy_home_gets_a_note(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("SCRUBLINE_HOME")
    scrubline = _without_home
    store = tmp_path / "data" / "scrubline" / "queues" / "queues.sqlite3"
    for folder in ("a", "b", "legacy/.scrubline"):
        (tmp_path / folder).mkdir(parents=True)
    added = scrubline("queue", "reviewers", "add", "rita", env=env, cwd=tmp_path / "a")
    assert added.returncode == 0, added.stderr
    listed = scrubline("queue", "reviewers", "list", env=env, cwd=tmp_path / "b")
    assert (
        listed.returncode == 0
        and f"queue store {store}" in listed.stdout
        and "reviewers: rita" in listed.stdout
    )
    assert not (tmp_path / "a" / ".scrubline").exists() and not (tmp_path / "b" / ".scrubline").exists()

    old = scrubline("queue", "stats", env=env, cwd=tmp_path / "legacy")
    assert old.returncode == 1  # the legacy home has no queues: said in one line, after the note
    note, error = old.stderr.strip().splitlines()
    assert note.startswith(f"scrubline: note: using {tmp_path / 'legacy' / '.scrubline'} (a per-folder home")
    assert error.startswith(f"scrubline: error: {tmp_path / 'legacy' / '.scrubline' / 'queues'}")
