"""One exception family for Scrubline.

Every error is picklable (Prefect and process pools move exceptions between processes) and
keeps its inputs as attributes. Messages name a file, a record id or a key path, never a value
taken from a record.
"""

from __future__ import annotations

from enum import StrEnum


class ScrublineError(Exception):
    """Base of every error Scrubline raises on purpose."""

    #: Whether retrying the same operation may succeed (Prefect retries only transient errors).
    transient: bool = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __reduce__(self):
        return (self.__class__, (self.message,))

    def __str__(self) -> str:
        return self.message


class TransientError(ScrublineError):
    """An I/O hiccup worth retrying (a locked database, a busy file system)."""

    transient = True


class PolicyError(ScrublineError, ValueError):
    """The policy is invalid: the run stops before any record is read."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()):
        super().__init__(message)
        self.problems = tuple(problems) or (message,)

    def __reduce__(self):
        return (self.__class__, (self.message, self.problems))


class InputError(ScrublineError, ValueError):
    """An input path cannot be read as records (missing, unknown format)."""


class RedactionError(ScrublineError, RuntimeError):
    """Detection or anonymization failed for a record; the record is quarantined."""


class RecordTimeoutError(RedactionError):
    """One record took longer than the policy's `limits.record_seconds`: it is quarantined as
    `timeout` and the batch goes on."""


class SecretError(ScrublineError, KeyError):
    """A key is missing, malformed or wrong."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class AuditIntegrityError(ScrublineError):
    """The audit log does not verify."""


class ModelIntegrityError(ScrublineError):
    """A model file shipped with Scrubline does not match its manifest (changed or missing)."""


class MissingDependencyError(ScrublineError, ImportError):
    """An optional package or a spaCy model is not installed."""


class OutputError(ScrublineError, OSError):
    """The output folder cannot take the run's output (read-only, full, not permitted)."""


class RunAbandonedError(ScrublineError):
    """A worker's run no longer holds the output folder's lock (it was killed): the worker
    must not commit, since another run may be writing there now."""


class OrchestrationError(ScrublineError, RuntimeError):
    """The Prefect server cannot be started or reached: the run stops, its committed batches
    are kept, and the same command finishes it once a server answers."""


class QuarantineReason(StrEnum):
    """Why a record was set aside. Counted per reason in every run summary."""

    MALFORMED = "malformed"  # not parseable as a record (bad JSON, wrong column count)
    NOT_AN_OBJECT = "not_an_object"  # JSON that is not an object
    MISSING_ID = "missing_id"  # no usable value in the policy's id field
    UNDECODABLE = "undecodable"  # bytes that are not valid UTF-8
    UNENCODABLE = "unencodable"  # text that is not valid Unicode (a lone UTF-16 surrogate escape)
    TOO_DEEP = "too_deep"  # nested deeper than the policy's fields.max_depth
    DUPLICATE_ID = "duplicate_id"  # an id an earlier record of the same file has (fields.duplicates)
    UNREADABLE = "unreadable"  # its part of the file cannot be read (corrupt Parquet page, bad stream)
    TOO_LARGE = "too_large"  # more to scan than the policy's limits.max_record_chars / max_field_chars
    TIMEOUT = "timeout"  # its processing took longer than the policy's limits.record_seconds
    DETECTION_ERROR = "detection_error"  # the analyzer failed on one of its texts
    REDACTION_ERROR = "redaction_error"  # an operator failed on one of its findings
    PROCESSING_ERROR = "processing_error"  # any other failure while handling this record alone


def is_record_failure(exc: BaseException) -> bool:
    """Whether an exception raised while handling one record is that record's failure, to
    quarantine it and go on, rather than the environment's: a busy store, a missing key or
    model, the disk, memory. Those stop the batch (Prefect retries the transient ones), since
    quarantining every record for them would hide the real problem."""
    import sqlite3

    if isinstance(exc, RedactionError | InputError):
        return True
    if isinstance(exc, ScrublineError | OSError | MemoryError | sqlite3.Error):
        return False
    return isinstance(exc, Exception)
