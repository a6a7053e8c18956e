"""Process and output-folder helpers for the e2e tests that kill, stop and starve real runs."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.e2e.test_cli import SCRUBLINE


def start_run(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """`scrubline run ARGS` in a session of its own: every process it starts (pool workers, the
    forkserver, the resource tracker, a local Prefect server) stays in that session, which is
    how the tests find them after the run itself is gone."""
    return subprocess.Popen(
        [SCRUBLINE, "run", *args, "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def session_processes(sid: int) -> list[str]:
    """'pid command' of every live (not zombie) process of session `sid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) != sid or fields[0] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        except (OSError, IndexError, ValueError):
            continue
        found.append(f"{entry.name} {command}")
    return found


def wait_for_no_processes(sid: int, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := session_processes(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def wait_for_markers(out: Path, count: int, process: subprocess.Popen, timeout: float = 300) -> None:
    markers = out / "_state" / "batches"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if markers.exists() and len(list(markers.glob("*.json"))) >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"the run did not commit {count} batches (exit {process.poll()})")


def committed(out: Path) -> set[str]:
    """The batches committed in `out` (their markers)."""
    markers = out / "_state" / "batches"
    return {p.name for p in markers.glob("*.json")} if markers.exists() else set()


def committed_when_lock_released(out: Path, timeout: float = 30) -> set[str]:
    """Wait for the run writing `out` to release its lock (it died), then say what it had
    committed by then. A shared lock is what a worker's guard sees as "no run holds it"."""
    import fcntl

    fd = os.open(out / "_state" / "lock", os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return committed(out)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise AssertionError("the run never released its output lock") from None
                time.sleep(0.0005)
    finally:
        os.close(fd)


def visible_outputs_are_audited(out: Path, scrubline_home: Path) -> bool:
    """Every output a reader can see is complete and recorded in the audit log with its digest
    (nothing half-written). Its batch marker may still be pending: the next run promotes it."""
    from redaction.audit import AuditLog
    from redaction.state import file_sha256

    visible = [
        p
        for kind in ("records", "held", "quarantine")
        for p in (out / kind).glob("*")
        if p.is_file() and not p.name.startswith(".")  # hidden: pending, never read
    ]
    if not visible:
        return True
    log = AuditLog(scrubline_home / "audit" / "audit.sqlite3", readonly=True)
    try:
        return all(log.has_export(str(p), file_sha256(p)) for p in visible)
    finally:
        log.close()


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without PREFECT_API_URL (a run starts its own server)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(extra)
    return env
