"""Helpers of the e2e tests: running `scrubline` commands (none may show a person a traceback),
and the processes and output folders of runs that are killed, stopped and starved.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SCRUBLINE = str(Path(sys.executable).parent / "scrubline")
TRACEBACK = "Traceback (most recent call last)"


def assert_no_traceback(*outputs: str | bytes | None, command: object = "scrubline") -> None:
    """No `scrubline` command shows a traceback, whatever it is given or whatever happens to it:
    an error is one line (the fault suite checks every command it runs with this)."""
    for output in outputs:
        text = output.decode(errors="replace") if isinstance(output, bytes) else output or ""
        assert TRACEBACK not in text, f"{command} printed a traceback:\n{text[-4000:]}"


def scrubline(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
    allow_traceback: bool = False,
) -> subprocess.CompletedProcess:
    """`scrubline ARGS` (environment: this process's, updated with `env`), its output captured
    and checked for tracebacks; `allow_traceback` only for a test that expects a crash."""
    result = subprocess.run(
        [SCRUBLINE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=timeout,
    )
    if not allow_traceback:
        assert_no_traceback(result.stdout, result.stderr, command=f"scrubline {' '.join(args[:2])}")
    return result


def checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """A finished command's output, checked for tracebacks (for tests that run the CLI their own
    way, e.g. `python -m flows.cli`)."""
    assert_no_traceback(result.stdout, result.stderr, command=result.args)
    return result


def communicate(process: subprocess.Popen, timeout: float | None = None) -> tuple[str, str]:
    """`process.communicate()` of a `scrubline` started with `start_run`, checked for tracebacks."""
    stdout, stderr = process.communicate(timeout=timeout)
    assert_no_traceback(stdout, stderr, command=process.args)
    return stdout, stderr


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


def run_in_terminal(*args: str, env: dict[str, str], timeout: float = 600, columns: int = 120):
    """`scrubline ARGS` with its stderr on a pseudo-terminal, as a person sees it (progress bar
    and all); returns (exit status, stdout, everything written to the terminal)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [SCRUBLINE, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        stdout, _ = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
        reader.join(timeout=30)
        os.close(master)
    terminal = b"".join(chunks).decode(errors="replace")
    assert_no_traceback(stdout, terminal, command=process.args)
    return process.returncode, stdout.decode(), terminal


def screen_lines(terminal: str) -> list[str]:
    """The lines a terminal shows for `terminal` output: a carriage return goes back to the
    start of the line and what follows overwrites it (how a progress bar redraws itself);
    escape sequences (colours, cursor moves within the line) are dropped."""
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal).replace("\r\n", "\n")
    lines = []
    for raw in text.split("\n"):
        line: list[str] = []
        column = 0
        for char in raw:
            if char == "\r":
                column = 0
                continue
            if column < len(line):
                line[column] = char
            else:
                line.append(char)
            column += 1
        lines.append("".join(line).rstrip())
    return [line for line in lines if line]
