"""`scrubline run` with no PREFECT_API_URL starts, or shares, a local Prefect server of its own.

Real runs only: on a machine whose every core is kept busy, two first runs at once on a brand
new PREFECT_HOME, a server that cannot start in time, and a server reused by the next run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.data.generators import generate_records
from tests.e2e.helpers import SCRUBLINE, checked, clean_env, communicate


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@contextmanager
def busy_cores(seconds: float = 900):
    """One process spinning on each core this test may use, for as long as the block runs."""
    context = multiprocessing.get_context("fork")
    spinners = [context.Process(target=_spin, args=(seconds,), daemon=True) for _ in os.sched_getaffinity(0)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join()


@pytest.fixture
def source(tmp_path) -> Path:
    records, _ = generate_records(20, seed=71)
    path = tmp_path / "tickets.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    return checked(
        subprocess.run(
            [SCRUBLINE, "run", *args, "--json", "--no-progress"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    )


def server_stopped(prefect_home: Path, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while (prefect_home / "scrubline" / "server.json").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_run_on_a_loaded_machine_starts_its_own_server_with_no_extra_settings(
    tmp_path, repo, default_policy_path
):
    prefect_home = tmp_path / "prefect-home"  # brand new: the database is created and migrated too
    env = clean_env(SCRUBLINE_HOME=str(tmp_path / "home"), PREFECT_HOME=str(prefect_home))
    env.pop("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", None)
    with busy_cores():  # how long it takes: benchmarks/startup.py --load
        result = run(
            str(repo / "samples" / "tickets.jsonl"),
            str(repo / "samples" / "tickets.csv"),
            "--policy",
            str(default_policy_path),
            "--out",
            str(tmp_path / "out"),
            env=env,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["reconciled"] and summary["records_in"] > 200
    assert "scrubline: starting a local Prefect server" in result.stderr
    assert "scrubline: local Prefect server ready at http://127.0.0.1:" in result.stderr
    assert server_stopped(prefect_home), "the local server outlived its run"


def test_two_first_runs_at_once_on_a_new_prefect_home_share_one_server(tmp_path, source, default_policy_path):
    prefect_home = tmp_path / "prefect-home"
    runs = [
        subprocess.Popen(
            [
                SCRUBLINE,
                "run",
                str(source),
                "--policy",
                str(default_policy_path),
                "--out",
                str(tmp_path / f"out{i}"),
                "--workers",
                "1",
                "--json",
                "--no-progress",
            ],
            env=clean_env(SCRUBLINE_HOME=str(tmp_path / f"home{i}"), PREFECT_HOME=str(prefect_home)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i in (1, 2)
    ]
    results = [(communicate(r, timeout=900), r.returncode) for r in runs]
    for (stdout, stderr), code in results:
        assert code == 0, stderr[-3000:]
        assert json.loads(stdout)["reconciled"]
        for problem in ("database is locked", "CommandError"):
            assert problem not in stderr
    stderrs = [stderr for (_, stderr), _ in results]
    assert sum("scrubline: starting a local Prefect server" in s for s in stderrs) == 1, stderrs
    assert sum("scrubline: using the local Prefect server at" in s for s in stderrs) == 1, stderrs
    assert server_stopped(prefect_home), "the shared server outlived both runs"


def test_a_server_that_cannot_start_in_time_is_one_line_naming_the_fixes(
    tmp_path, source, default_policy_path
):
    prefect_home = tmp_path / "prefect-home"
    env = clean_env(
        SCRUBLINE_HOME=str(tmp_path / "home"),
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1",
    )
    result = run(str(source), "--policy", str(default_policy_path), "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        f"scrubline: error: the local Prefect server did not start within 1 s (log: {prefect_home}"
        "/scrubline/server.log); on a busy machine raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, "
        "or set PREFECT_API_URL to a running server (prefect server start)"
    )
    assert all(line.startswith("scrubline: ") for line in lines), lines  # progress, then the error
    assert not (prefect_home / "scrubline" / "server.json").exists()


def test_an_idle_local_server_is_reused_by_the_next_run(tmp_path, source, default_policy_path):
    prefect_home = tmp_path / "prefect-home"
    env = clean_env(
        SCRUBLINE_HOME=str(tmp_path / "home"),
        PREFECT_HOME=str(prefect_home),
        SCRUBLINE_PREFECT_IDLE_SECONDS="120",
    )
    try:
        first = run(str(source), "--policy", str(default_policy_path), "--out", str(tmp_path / "a"), env=env)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "scrubline: starting a local Prefect server" in first.stderr
        second = run(str(source), "--policy", str(default_policy_path), "--out", str(tmp_path / "b"), env=env)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "scrubline: using the local Prefect server at" in second.stderr
        assert "starting a local Prefect server" not in second.stderr
    finally:
        record = prefect_home / "scrubline" / "server.json"
        if record.exists():  # still idling: stop it
            os.kill(json.loads(record.read_text())["pid"], signal.SIGTERM)
            assert server_stopped(prefect_home)
