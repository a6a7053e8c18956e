"""A run's processes live and die with it; a stopped, starved or orphaned run leaves no half batch.

Real runs only: the `scrubline` command with real worker pools and real local Prefect servers,
real signals (kill -9 of the run process alone, SIGTERM), a really vanished input, a really
killed server, and real read-only and full file systems (tmpfs mounts, skipped where this
machine does not permit mounting).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.data.generators import generate_records
from tests.e2e.helpers import (
    clean_env,
    committed,
    committed_when_lock_released,
    communicate,
    scrubline,
    session_processes,
    start_run,
    visible_outputs_are_audited,
    wait_for_markers,
    wait_for_no_processes,
)

RECORDS = 300
COMMON = ["--batch-size", "10", "--workers", "2"]


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One PREFECT_HOME for the local servers this module's runs start (migrated once)."""
    return tmp_path_factory.mktemp("lifetime-prefect-home")


@pytest.fixture
def records_file(tmp_path) -> Path:
    records, _ = generate_records(RECORDS, seed=61)
    path = tmp_path / "in" / "tickets.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def resume(source: Path, out: Path, policy: Path, env: dict[str, str]) -> dict:
    result = scrubline(
        "run", str(source), "--policy", str(policy), "--out", str(out), *COMMON, "--json", "--no-progress",
        env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["reconciled"]
    assert summary["records_in"] + 10 * summary["plan"]["batches_reused"] == RECORDS
    assert not list(out.rglob(".*.pending")), "no pending file may survive a completed run"
    return summary


def test_kill_9_of_the_run_ends_every_process_it_started_and_nothing_commits_after(
    tmp_path, records_file, default_policy_path, prefect_home, prefect_api
):
    out = tmp_path / "out"
    env = clean_env(SCRUBLINE_HOME=str(tmp_path / "home"), PREFECT_HOME=str(prefect_home))
    run = start_run(
        str(records_file), "--policy", str(default_policy_path), "--out", str(out), *COMMON, env=env
    )
    wait_for_markers(out, 3, run)
    started = session_processes(run.pid)
    assert any("prefect_setup serve" in p for p in started), started  # its local Prefect server
    assert sum("forkserver" in p for p in started) >= 3, started  # the forkserver and 2 workers

    os.kill(run.pid, signal.SIGKILL)  # the run process alone, as the OOM killer would
    at_death = committed_when_lock_released(out)  # the kernel drops the lock when the run is gone
    communicate(run)
    left = wait_for_no_processes(run.pid, timeout=15)
    assert not left, f"processes of the killed run still alive: {left}"
    late = committed(out) - at_death
    assert not late, f"batches committed after the killed run released its lock: {sorted(late)}"
    assert visible_outputs_are_audited(out, tmp_path / "home")
    assert not (prefect_home / "scrubline" / "server.json").exists(), "the local server did not stop"

    kept = len(committed(out))
    summary = resume(records_file, out, default_policy_path, {**env, "PREFECT_API_URL": prefect_api})
    assert summary["plan"]["batches_reused"] >= kept


def test_sigterm_stops_a_run_with_status_143_in_one_line_and_the_next_run_finishes_it(
    tmp_path, records_file, default_policy_path, prefect_api
):
    out = tmp_path / "out"
    env = {**os.environ, "SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    run = start_run(
        str(records_file), "--policy", str(default_policy_path), "--out", str(out), *COMMON, env=env
    )
    wait_for_markers(out, 3, run)
    run.send_signal(signal.SIGTERM)  # how soon it exits: benchmarks/startup.py --sigterm
    _, stderr = communicate(run, timeout=120)
    assert run.returncode == 143
    assert stderr.strip().splitlines()[-1] == (
        "scrubline: stopped by SIGTERM; the batches committed so far are kept: run the same command "
        "again to finish"
    )
    assert not wait_for_no_processes(run.pid, timeout=10)
    assert visible_outputs_are_audited(out, tmp_path / "home")

    kept = len(committed(out))
    summary = resume(records_file, out, default_policy_path, env)
    assert summary["plan"]["batches_reused"] >= kept


def test_an_input_that_vanishes_mid_run_stops_it_in_one_line_and_the_next_run_resumes(
    tmp_path, records_file, default_policy_path, prefect_api
):
    out = tmp_path / "out"
    env = {**os.environ, "SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    run = start_run(
        str(records_file.parent), "--policy", str(default_policy_path), "--out", str(out), *COMMON, env=env
    )
    wait_for_markers(out, 3, run)
    away = records_file.rename(tmp_path / "away.jsonl")
    _, stderr = communicate(run, timeout=300)
    assert run.returncode == 1
    assert stderr.strip().splitlines()[-1] == (
        f"scrubline: error: {records_file}: input file vanished during the run; restore it (or leave "
        "it out) and run the same command again: committed batches are kept"
    )
    assert visible_outputs_are_audited(out, tmp_path / "home")

    away.rename(records_file)
    kept = len(committed(out))
    summary = resume(records_file.parent, out, default_policy_path, env)
    assert summary["plan"]["batches_reused"] >= kept


def test_a_local_server_that_dies_mid_run_stops_it_in_one_line_and_the_next_run_resumes(
    tmp_path, records_file, default_policy_path, prefect_home
):
    out = tmp_path / "out"
    env = clean_env(SCRUBLINE_HOME=str(tmp_path / "home"), PREFECT_HOME=str(prefect_home))
    run = start_run(
        str(records_file), "--policy", str(default_policy_path), "--out", str(out), *COMMON, env=env
    )
    wait_for_markers(out, 3, run)
    server = json.loads((prefect_home / "scrubline" / "server.json").read_text())["pid"]
    os.kill(server, signal.SIGKILL)
    _, stderr = communicate(run, timeout=120)
    assert run.returncode == 1
    assert stderr.strip().splitlines()[-1] == (
        f"scrubline: error: the local Prefect server stopped during the run (log: {prefect_home}"
        "/scrubline/server.log); the batches committed so far are kept: run the same command again "
        "to finish"
    )
    assert not wait_for_no_processes(run.pid, timeout=15)
    assert visible_outputs_are_audited(out, tmp_path / "home")

    kept = len(committed(out))
    summary = resume(records_file, out, default_policy_path, env)  # starts a new local server
    assert summary["plan"]["batches_reused"] >= kept


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs of this test's own: mount(options) mounts (or remounts) it."""
    point = tmp_path / "mnt"
    point.mkdir()
    mounted = []

    def mount(options: str) -> Path:
        command = ["mount", "-o", f"remount,{options}", str(point)] if mounted else None
        command = command or ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode and not mounted:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        assert result.returncode == 0, result.stderr
        mounted.append(options)
        return point

    yield mount
    if mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def test_a_read_only_output_folder_is_one_line_before_any_server_starts(
    tmp_path, records_file, default_policy_path, tmpfs
):
    point = tmpfs("size=1m")
    (point / "out").mkdir()
    tmpfs("ro")
    prefect_home = tmp_path / "prefect-home"
    env = clean_env(SCRUBLINE_HOME=str(tmp_path / "home"), PREFECT_HOME=str(prefect_home))
    result = scrubline(
        "run", str(records_file), "--policy", str(default_policy_path), "--out", str(point / "out"), env=env
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"scrubline: error: {point / 'out'}: the output folder cannot be written (read-only file "
        "system); choose another --out"
    )
    assert not prefect_home.exists(), "no Prefect server may start for a run that cannot write"
    assert not (tmp_path / "home").exists()


def test_a_full_output_disk_stops_the_run_in_one_line_and_it_finishes_once_there_is_room(
    tmp_path, records_file, default_policy_path, tmpfs, prefect_api
):
    point = tmpfs("size=160k")  # room for the start-up checks, not for 30 batches
    out = point / "out"
    env = {**os.environ, "SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    result = scrubline(
        "run", str(records_file), "--policy", str(default_policy_path), "--out", str(out), *COMMON,
        "--no-progress", env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"scrubline: error: {out}") and "no space left on device" in last, last
    assert last.endswith("run the same command again: committed batches are kept"), last
    assert visible_outputs_are_audited(out, tmp_path / "home")

    tmpfs("size=16m")
    kept = len(committed(out))
    summary = resume(records_file, out, default_policy_path, env)
    assert summary["plan"]["batches_reused"] >= kept
