"""What `scrubline run` shows a person on a terminal: whole lines around the progress bar, no
per-task state lines unless asked for, and batch task runs named after the input they read.

Real runs only: the `scrubline` command with its standard error on a real pseudo-terminal (so
it draws its progress bar), against the session's real Prefect server, read back through
Prefect's client.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.data.generators import generate_records
from tests.e2e.helpers import run_in_terminal, screen_lines

pytestmark = pytest.mark.e2e

BAR = re.compile(r"batches: +\d+%\|[^|]*\| *\d+/\d+ \[[^\]]*\]")
FILES = ("tickets.jsonl", "notes.jsonl", "mail.jsonl")


def write_inputs(folder: Path, records_per_file: int) -> None:
    folder.mkdir(parents=True)
    for i, name in enumerate(FILES):
        records, _ = generate_records(records_per_file, seed=90 + i)
        for record in records:
            record["id"] = f"{name}-{record['id']}"
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def assert_whole_lines(terminal: str) -> list[str]:
    """The progress bar was drawn, and no line a person sees holds a piece of it beside other
    text (a log line glued onto the bar, or the bar onto a log line)."""
    assert "batch/s]" in terminal or "s/batch]" in terminal, "no progress bar was drawn"
    lines = screen_lines(terminal)
    glued = [line for line in lines if ("batches:" in line or "%|" in line) and not BAR.fullmatch(line)]
    assert not glued, f"lines with log text and the progress bar together: {glued}"
    assert "Traceback (most recent call last)" not in terminal
    return lines


def task_run_names(prefect_api: str, run_id: str, expected: int, timeout: float = 120) -> list[str]:
    """The names of the flow run's batch task runs, as Prefect's API holds them (recorded from
    the run's events, so they may arrive a moment after the run ends)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    flow_run_id = f"{run_id[:8]}-{run_id[8:12]}-{run_id[12:16]}-{run_id[16:20]}-{run_id[20:]}"

    async def read() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            return sorted(r.name for r in runs if r.name.startswith("redact-batch"))

    deadline = time.monotonic() + timeout
    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        while len(names := asyncio.run(read())) < expected and time.monotonic() < deadline:
            time.sleep(1)
    return names


def test_a_run_shows_whole_lines_without_task_states_and_names_batches_by_their_input(
    tmp_path, default_policy_path, prefect_api
):
    folder = tmp_path / "in"
    write_inputs(folder, 12)
    env = {**os.environ, "SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    env.pop("PREFECT_LOGGING_LEVEL", None)
    code, stdout, terminal = run_in_terminal(
        "run", str(folder), "--policy", str(default_policy_path), "--out", str(tmp_path / "out"),
        "--batch-size", "4", "--workers", "2", "--json", env=env,
    )  # fmt: skip
    assert code == 0, terminal[-3000:]
    summary = json.loads(stdout)
    assert summary["records_in"] == 36 and summary["reconciled"]

    lines = assert_whole_lines(terminal)
    assert not [line for line in lines if "Finished in state" in line]
    assert not [line for line in lines if line.startswith("INFO ")], "Prefect's INFO lines are for --verbose"
    assert any(re.fullmatch(r"scrubline: Prefect flow run '[a-z]+-[a-z]+'", line) for line in lines), lines
    assert (
        "scrubline: 3 input file(s): 0 unchanged and skipped; 9 batch(es) to redact, 0 kept from "
        "interrupted run(s)"
    ) in lines

    names = task_run_names(prefect_api, summary["run_id"], expected=9)
    assert names == sorted(f"redact-batch[{name}#{i}]" for name in FILES for i in (1, 2, 3))


def test_verbose_shows_prefects_lines_too_each_whole_above_the_progress_bar(
    tmp_path, default_policy_path, prefect_api
):
    folder = tmp_path / "in"
    write_inputs(folder, 4)
    env = {**os.environ, "SCRUBLINE_HOME": str(tmp_path / "home"), "PREFECT_API_URL": prefect_api}
    code, stdout, terminal = run_in_terminal(
        "run", str(folder), "--policy", str(default_policy_path), "--out", str(tmp_path / "out"),
        "--batch-size", "2", "--workers", "1", "--json", "--verbose", env=env,
    )  # fmt: skip
    assert code == 0, terminal[-3000:]
    assert json.loads(stdout)["records_in"] == 12

    lines = assert_whole_lines(terminal)
    states = [line for line in lines if line.startswith("INFO task run 'redact-batch[")]
    assert len(states) == 6 and all(line.endswith("]': Finished in state Completed()") for line in states)
    assert "INFO task run 'redact-batch[notes.jsonl#2]': Finished in state Completed()" in states
