"""kill -9 of `scrubline run` again and again, at random moments, then the same output as a run
never interrupted: no record lost, none twice, no queue item twice, no process left behind.

Real runs only: the `scrubline` command with a real pool of 2 worker processes, killed alone with
SIGKILL (as the OOM killer would) at moments drawn from a seeded random generator, over three
input files; one real Prefect server (the session's) serves every run, so no run pays for
starting one.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.data.generators import generate_records
from tests.e2e.helpers import (
    committed,
    communicate,
    scrubline,
    start_run,
    wait_for_no_processes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KILLS = 10
SEED = 20261201
FILES = {"tickets.jsonl": 60, "notes.jsonl": 50, "mail.jsonl": 40}
RECORDS = sum(FILES.values())
COMMON = ["--batch-size", "3", "--workers", "2"]  # 52 batches (a broken line too): many moments


def write_inputs(folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, (name, n) in enumerate(FILES.items()):
        records, _ = generate_records(n, seed=300 + i)
        with (folder / name).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps({**record, "id": f"{name}:{record['id']}"}) + "\n")
            if name == "notes.jsonl":
                handle.write('{"broken": \n')  # one quarantined line, in the middle of the input


def outputs(out: Path) -> dict[str, list]:
    """Everything a run leaves for its readers: rows cleared and held (by id), quarantined lines."""
    rows = {}
    for kind in ("records", "held"):
        found = []
        for path in sorted((out / kind).glob("*.parquet")):
            found.extend(pq.read_table(path).to_pylist())
        rows[kind] = sorted(found, key=lambda row: row["id"])
    rows["quarantine"] = sorted(
        json.dumps(json.loads(line), sort_keys=True)
        for path in (out / "quarantine").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    )
    return rows


def queue_items(home: Path) -> list[tuple]:
    """The queue items a run enqueued, without what differs by when and where it ran (an item's
    id includes its output folder's own random id, so two folders never share items)."""
    db = sqlite3.connect(home / "queues" / "queues.sqlite3")
    try:
        return db.execute(
            "SELECT record_id, queue, state, text, record, fields, spans, predictions "
            "FROM items ORDER BY record_id, queue"
        ).fetchall()
    finally:
        db.close()


# Every key a default-policy run uses, as hex (the record identity and audit chain use the audit key).
KEYS = {
    name: hashlib.sha256(name.encode()).hexdigest()
    for name in (
        "SCRUBLINE_AUDIT_KEY",
        "SCRUBLINE_PSEUDONYM_KEY",
        "SCRUBLINE_HASH_KEY",
        "SCRUBLINE_ENCRYPTION_KEY",
    )
}


def same_installation(reference: Path, home: Path) -> None:
    """`home` starts with the reference's pseudonym numbers: outputs can then be compared byte
    for byte (a pseudonym's number is the order its value was first seen, which two worker
    processes make differ from run to run). Keys come from KEYS, the same for both homes;
    queues and audit log start empty."""
    home.mkdir(parents=True, mode=0o700)
    source = sqlite3.connect(reference / "pseudonyms.sqlite3")
    target = sqlite3.connect(home / "pseudonyms.sqlite3")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    os.chmod(home / "pseudonyms.sqlite3", 0o600)


def run_to_the_end(folder: Path, out: Path, policy: Path, env: dict[str, str]) -> dict:
    result = scrubline(
        "run", str(folder), "--policy", str(policy), "--out", str(out), *COMMON, "--json", "--no-progress",
        env=env, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def kill_at_a_random_moment(run, out: Path, rng: random.Random) -> str:
    """Wait for a moment drawn from `rng`: a few seconds into the run's start-up, or just after
    one to three more batches commit; then kill -9 the run process alone."""
    if rng.random() < 0.4:
        moment = f"start-up +{rng.uniform(0.2, 5.0):.1f} s"
        deadline = time.monotonic() + float(moment.split("+")[1].split()[0])
        while time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
    else:
        more, pause = rng.randint(1, 3), rng.uniform(0.0, 0.5)
        moment = f"{more} more batch(es) +{pause:.2f} s"
        target = len(committed(out)) + more
        deadline = time.monotonic() + 600
        while len(committed(out)) < target and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(pause)
    assert run.poll() is None, f"the run ended before the kill at '{moment}': the input is too small"
    os.kill(run.pid, signal.SIGKILL)
    return moment


def test_ten_kill_9_at_random_moments_then_the_output_of_an_uninterrupted_run(
    tmp_path, default_policy_path, prefect_api
):
    folder = tmp_path / "in"
    write_inputs(folder)
    reference_home, home = tmp_path / "reference-home", tmp_path / "home"
    # The same fixed keys for both homes, never a variable an earlier test left in os.environ.
    base = {k: v for k, v in os.environ.items() if not (k.startswith("SCRUBLINE_") and "KEY" in k)}
    base.update(KEYS)
    base["PREFECT_API_URL"] = prefect_api
    reference = run_to_the_end(
        folder, tmp_path / "reference", default_policy_path, {**base, "SCRUBLINE_HOME": str(reference_home)}
    )
    assert reference["records_in"] == RECORDS + 1 and reference["reconciled"]

    same_installation(reference_home, home)
    env = {**base, "SCRUBLINE_HOME": str(home)}
    out = tmp_path / "out"
    rng = random.Random(SEED)
    moments = []
    for _ in range(KILLS):
        run = start_run(
            str(folder), "--policy", str(default_policy_path), "--out", str(out), *COMMON, env=env
        )
        moments.append(kill_at_a_random_moment(run, out, rng))
        communicate(run, timeout=60)
        assert run.returncode == -signal.SIGKILL
        left = wait_for_no_processes(run.pid, timeout=30)
        assert not left, f"processes of the run killed at '{moments[-1]}' still alive: {left}"
        assert not (out / "summary.json").exists()
    assert len(committed(out)) < 52, f"every batch was done before the last kill ({moments})"

    final = run_to_the_end(folder, out, default_policy_path, env)
    assert final["reconciled"]
    assert final["plan"]["batches_reused"] > 0
    assert outputs(out) == outputs(tmp_path / "reference")
    assert not list(out.rglob(".*.pending")), "no pending file may survive a completed run"
    items = queue_items(home)
    assert items == queue_items(reference_home)
    assert len(items) == len({item[0] for item in items}), "a record queued twice"
    expected = outputs(tmp_path / "reference")  # the counts of the uninterrupted run, by id
    assert len(expected["records"]) == reference["redacted"] and len(expected["held"]) == reference["held"]
    assert len(expected["quarantine"]) == reference["quarantined"] == 1
    assert sum(reference["queues"].values()) == len(items)

    verify = scrubline("audit", "verify", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
