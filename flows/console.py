"""What `scrubline run` shows on its terminal: whole lines a person reads, never glued to the
progress bar.

Prefect logs a line per task state (`Finished in state Completed()` for every batch), the start
of every flow run and more at INFO. During a run the console shows, by default, Scrubline's own
lines (log calls with `extra=CONSOLE`: the flow run, the plan), warnings and errors; everything
still reaches Prefect's API, where the UI shows it. `--verbose`, or PREFECT_LOGGING_LEVEL set,
shows Prefect's lines as well.

With a progress bar, the run's standard error (file descriptor 2, inherited by the worker
processes and anything else that writes to it: Python's logging, libraries printing notices)
is a pipe; a thread writes each whole line from it with `tqdm.write`, which lifts the bar,
writes the line and draws the bar again below it. The bar itself is drawn on the terminal
(`progress_stream`).
"""

from __future__ import annotations

import logging
import os
import select
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# `extra=` of a log call that is one of Scrubline's own console lines during a run.
CONSOLE = {"scrubline_console": True}

_PREFIX = "scrubline: "
_STATE_LINE = "Finished in state "


def verbose_by_environment() -> bool:
    """Whether the user asked Prefect for a logging level of their own (the console shows it)."""
    return bool(os.environ.get("PREFECT_LOGGING_LEVEL"))


class _RunFilter(logging.Filter):
    def __init__(self, verbose: bool):
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose:
            return True
        if str(record.msg).startswith(_STATE_LINE):  # a failure is stated in the CLI's own line
            return False
        return record.levelno >= logging.WARNING or getattr(record, "scrubline_console", False)


class _RunFormatter(logging.Formatter):
    """`scrubline: message` for Scrubline's own lines; for the rest, the level and the logger,
    or the flow or task run, a line comes from."""

    def __init__(self):
        super().__init__("%(levelname)s %(source)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "scrubline_console", False):
            return _PREFIX + record.getMessage()
        source = record.name
        if record.name == "prefect.task_runs" and getattr(record, "task_run_name", None):
            source = f"task run {record.task_run_name!r}"
        elif record.name == "prefect.flow_runs" and getattr(record, "flow_run_name", None):
            source = f"flow run {record.flow_run_name!r}"
        record.source = source
        return super().format(record)


def _is_console(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and getattr(handler, "stream", None) in (
        sys.stderr,
        sys.stdout,
    )


class _Relay:
    """Standard error redirected into a pipe whose lines are written above the progress bar."""

    def __init__(self):
        sys.stderr.flush()
        self.terminal: TextIO = open(  # noqa: SIM115 - closed in stop()
            os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding or "utf-8", errors="replace"
        )
        self._read, write = os.pipe()
        os.dup2(write, 2)
        os.close(write)
        self._stopping = threading.Event()
        self._drained = threading.Event()
        self._pending = b""
        self._thread = threading.Thread(target=self._run, name="console-relay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._read], [], [], 0.05)
            if not ready:
                if self._stopping.is_set():
                    break
                continue
            try:
                data = os.read(self._read, 65536)
            except OSError:
                break
            if not data:
                break
            *lines, self._pending = (self._pending + data).split(b"\n")
            for line in lines:
                self._write(line.decode(errors="replace"))
        if self._pending:
            self._write(self._pending.decode(errors="replace"))
            self._pending = b""
        self._drained.set()

    def _write(self, line: str) -> None:
        from tqdm import tqdm

        try:
            tqdm.write(line.rstrip("\r"), file=self.terminal)
        except (OSError, ValueError):  # the terminal is gone: nothing to show it on
            pass

    def stop(self) -> None:
        """Standard error is the terminal again, once every line written so far is shown."""
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.terminal.fileno(), 2)
        self._stopping.set()
        self._drained.wait(timeout=5)
        # The read end stays open: a process that inherited the pipe (the worker pool's
        # forkserver, until this process exits) may still write to it without an error.


_relay: _Relay | None = None
_lock = threading.Lock()


def progress_stream() -> TextIO:
    """Where a progress bar is drawn: the terminal, also while standard error is relayed."""
    relay = _relay
    return relay.terminal if relay is not None else sys.stderr


def stop_relay() -> None:
    """Give standard error back to the terminal now (idempotent); for a process about to exit
    with a last message."""
    global _relay
    with _lock:
        relay, _relay = _relay, None
    if relay is not None:
        relay.stop()


@contextmanager
def run_console(verbose: bool = False, progress: bool = False) -> Iterator[None]:
    """The console of one run, as the module docstring says: the root logger's console
    handlers (their filters kept, e.g. the CLI's traceback filter) give way to one with the run's
    filter and format; with `progress`, standard error is relayed above the progress bar."""
    global _relay
    root = logging.getLogger()
    replaced = [h for h in root.handlers if _is_console(h)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RunFormatter())
    for old in replaced:
        for extra in old.filters:
            if extra not in handler.filters:
                handler.addFilter(extra)
        root.removeHandler(old)
    handler.addFilter(_RunFilter(verbose))
    root.addHandler(handler)
    if progress:
        with _lock:
            _relay = _Relay()
    try:
        yield
    finally:
        stop_relay()
        root.removeHandler(handler)
        for old in replaced:
            root.addHandler(old)
