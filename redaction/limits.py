"""How long and how large one record may be: the policy's `limits`, enforced at the record.

A record over a size limit is quarantined as `too_large` before detection sees it; a record
whose own work takes longer than `limits.record_seconds` is quarantined as `timeout`, and the
batch goes on. Time is counted per record (a `RecordBudget`), only while that record is being
worked on, so a record does not pay for its neighbours in a batch.

Two mechanisms bound the time, since Python cannot stop a thread from outside:

* Regular expressions a policy declares run in the `regex` module with `timeout=` the record's
  remaining time (`BoundedPatternRecognizer`), in any thread; so do the coded recognizers.
  Presidio's own pattern recognizers get the same limit, and their timeout, which Presidio
  logs and skips (failing open), is turned into the record's timeout instead.
* In a process's main thread (every pool worker, `scrubline scan`, `scrubline eval`) a record's
  detection runs under an interval timer (SIGALRM) that raises `RecordTimeoutError` in it,
  which also stops Python's `re`, whose matching loop checks for signals. Off the main thread
  (`--workers 1` runs its batches on a thread of the run process, Dask workers on threads) no
  signal can be delivered: the budget is checked between the steps of a record instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import signal
import threading
import time
from collections.abc import Iterator, Sequence

from .errors import RecordTimeoutError

_current: contextvars.ContextVar[RecordBudget | None] = contextvars.ContextVar("record_budget", default=None)


class RecordBudget:
    """The time one record may still take. Counts only the time spent inside `running()`."""

    __slots__ = ("seconds", "spent")

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.spent = 0.0

    def remaining(self) -> float:
        return self.seconds - self.spent

    @property
    def exhausted(self) -> bool:
        return self.remaining() <= 0

    def check(self) -> None:
        if self.exhausted:
            raise RecordTimeoutError(f"record took longer than {self.seconds:g} s")

    @contextlib.contextmanager
    def running(self, *, alarm: bool = True) -> Iterator[RecordBudget]:
        """Work on this record: raises RecordTimeoutError when its time runs out (by a timer
        signal where one can be delivered and `alarm` is set, else on leaving)."""
        self.check()
        token = _current.set(self)
        started = time.perf_counter()
        try:
            with _alarm(self.remaining()) if alarm else contextlib.nullcontext():
                yield self
        finally:
            self.spent += time.perf_counter() - started
            _current.reset(token)
        self.check()


def current_budget() -> RecordBudget | None:
    """The budget of the record being worked on in this thread (None outside a record)."""
    return _current.get()


def pattern_timeout(default: float | None = None) -> float | None:
    """Seconds a regular expression may run now: what is left of the current record's time."""
    budget = _current.get()
    if budget is None:
        return default
    return max(budget.remaining(), 0.001)


def can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Alarm:
    """This process's SIGALRM handler while records are worked on: raises RecordTimeoutError
    when armed, otherwise hands the signal to the handler it replaced (Prefect uses the same
    timer for task timeouts in a main thread). Installed once, not per record, so a signal
    arriving as a record ends never finds a default handler (which would end the process)."""

    def __init__(self):
        self.armed = False
        self.previous = None

    def __call__(self, signum, frame):
        if self.armed:
            self.armed = False
            raise RecordTimeoutError("record took longer than its time limit")
        if callable(self.previous):
            return self.previous(signum, frame)
        return None

    def install(self) -> None:
        if signal.getsignal(signal.SIGALRM) is not self:
            self.previous = signal.signal(signal.SIGALRM, self)


_HANDLER = _Alarm()


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise RecordTimeoutError in this (main) thread after `seconds`; elsewhere do nothing.
    A timer someone else had set is put back afterwards with what was left of it."""
    if not can_alarm():
        yield
        return
    _HANDLER.install()
    _HANDLER.armed = True
    prior_delay, prior_interval = signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    started = time.monotonic()
    try:
        yield
    finally:
        _HANDLER.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        if prior_delay:
            left = prior_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), prior_interval)


def oversize(texts: Sequence[str], max_record_chars: int, max_field_chars: int) -> str | None:
    """Why a record's texts are too large to scan (None when they fit); names sizes only."""
    longest = max((len(t) for t in texts), default=0)
    if longest > max_field_chars:
        return f"a text of {longest} characters (limits.max_field_chars: {max_field_chars})"
    total = sum(len(t) for t in texts)
    if total > max_record_chars:
        return f"{total} characters to scan (limits.max_record_chars: {max_record_chars})"
    return None


class _FailClosedOnTimeout(logging.Filter):
    """Presidio answers a regex timeout by logging a warning and skipping the pattern, so the
    record would go on without that recognizer's findings (fail open). Inside a record, the
    warning is raised instead as the record's timeout, and the record is quarantined."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], TimeoutError) and _current.get() is not None:
            raise RecordTimeoutError("a pattern took longer than the record's time limit")
        return True


_FILTER = _FailClosedOnTimeout()


def bound_presidio_patterns(seconds: float) -> None:
    """Give Presidio's own pattern recognizers the policy's limit, failing closed (see above)."""
    from presidio_analyzer import analyzer_engine, pattern_recognizer

    pattern_recognizer.REGEX_TIMEOUT_SECONDS = seconds
    analyzer_engine.REGEX_TIMEOUT_SECONDS = seconds
    logger = logging.getLogger("presidio-analyzer")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
