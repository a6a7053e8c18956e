"""The audit log: every run, record transformation, quarantine, routing decision and export,
hash-chained, signed with the audit key, and free of personal data.

Writing (the pipeline)::

    log = AuditLog()                                  # $SCRUBLINE_HOME/audit/audit.sqlite3
    log.run_started(run_id, policy=policy, parameters=..., inputs=[s.describe() for s in sources])
    events = batch_events(log.record_key(), batch, result, exports, routes)   # in the worker
    log.append_batch(run_id, batch.key, events)       # one transaction per batch
    digest = log.run_finished(run_id, counters.to_dict())

Reading (compliance): `verify()`, `queries`, `reports`, `export`, `processing`.
Plain Python: nothing here imports Prefect.
"""

from .events import (
    EVENT_TYPES,
    BatchEvents,
    ExportRecord,
    batch_events,
    canonical,
    record_hmac,
)
from .store import AUDIT_KEY_ENV, AuditLog, default_audit_path, record_run_failure
from .verification import VerifyResult

__all__ = [
    "AUDIT_KEY_ENV",
    "EVENT_TYPES",
    "AuditLog",
    "BatchEvents",
    "ExportRecord",
    "VerifyResult",
    "batch_events",
    "canonical",
    "default_audit_path",
    "record_hmac",
    "record_run_failure",
]
