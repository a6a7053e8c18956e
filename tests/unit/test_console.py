"""flows/console.py: what a run's console lets through, and how it writes it."""

from __future__ import annotations

import logging
import os
import sys

from flows.console import CONSOLE, _RunFormatter, progress_stream, run_console


def _record(name: str, level: int, msg: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, msg, (), None)
    record.__dict__.update(extra)
    return record


def _shown(verbose: bool, record: logging.LogRecord) -> str | None:
    root = logging.getLogger()
    with run_console(verbose=verbose):
        (handler,) = [h for h in root.handlers if isinstance(h.formatter, _RunFormatter)]
        if not handler.filter(record):  # its filters, objects or plain callables alike
            return None
        return handler.format(record)


def test_task_states_and_prefects_info_lines_are_for_verbose_only():
    done = _record("prefect.task_runs", logging.INFO, "Finished in state Completed()", task_run_name="t")
    started = _record("prefect.flow_runs", logging.INFO, "Beginning flow run 'x'", flow_run_name="x")
    assert _shown(False, done) is None and _shown(False, started) is None
    assert _shown(True, done) == "INFO task run 't': Finished in state Completed()"
    assert _shown(True, started) == "INFO flow run 'x': Beginning flow run 'x'"


def test_own_lines_warnings_and_errors_are_shown():
    own = _record("prefect.task_runs", logging.INFO, "3 input file(s)", task_run_name="plan", **CONSOLE)
    warning = _record("redaction.keys", logging.WARNING, "created key file")
    failed = _record("prefect.task_runs", logging.ERROR, "Finished in state Failed('x')", task_run_name="t")
    assert _shown(False, own) == "scrubline: 3 input file(s)"
    assert _shown(False, warning) == "WARNING redaction.keys: created key file"
    assert _shown(False, failed) is None  # the CLI states a failure in its own last line


def test_the_console_handlers_and_their_filters_come_back_after_the_run():
    root = logging.getLogger()
    mine = logging.StreamHandler(sys.stderr)
    keep = logging.Filter("kept")
    mine.addFilter(keep)
    root.addHandler(mine)
    try:
        with run_console():
            assert mine not in root.handlers
            assert any(keep in h.filters for h in root.handlers)
        assert mine in root.handlers
    finally:
        root.removeHandler(mine)


def test_with_progress_standard_error_is_relayed_and_given_back(capfd):
    before = os.fstat(2)
    with run_console(progress=True):
        assert os.fstat(2).st_ino != before.st_ino  # a pipe, read by the relay
        assert progress_stream() is not sys.stderr
        os.write(2, b"from a worker\npartial")
    assert os.fstat(2).st_ino == before.st_ino
    assert progress_stream() is sys.stderr
    assert capfd.readouterr().err == "from a worker\npartial\n"
