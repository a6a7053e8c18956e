"""The audit log: every run, record transformation, quarantine, routing decision and export,
hash-chained, signed with the audit key, and free of personal data.

Writing (the pipeline)::

    log = AuditLog()                                  # $SCRUBLINE_HOME/audit/audit.sqlite3
    log.run_started(run_id, policy=policy, parameters=..., inputs=[s.describe() for s in sources])
    events = batch_events(log.record_key(), batch, result, exports, routes)   # in the worker
    log.append_batch(run_id, batch.key, events)       # one transaction per batch
    digest = log.run_finished(run_id, counters.to_dict())

Reading (compliance): `verify()`, `queries`, `reports`, `export`, `processing`.

Evidence that survives the machine: `evidence` (head statements appended to the anchor file
`SCRUBLINE_AUDIT_ANCHOR` and copied to each run's summary.json; `verify(anchor=..., against=...)`
names a wiped, rolled-back, rewritten or replaced log) and `signing` (an Ed25519 signing key,
`SCRUBLINE_AUDIT_SIGNING_KEY[_FILE]`, so a verifier needs only the public key:
`verify(public_key=...)`).
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
from .evidence import ANCHOR_ENV
from .signing import SIGNING_KEY_ENV, PublicKey
from .store import AUDIT_KEY_ENV, AuditLog, default_audit_path, record_run_failure
from .verification import VerifyResult

__all__ = [
    "ANCHOR_ENV",
    "AUDIT_KEY_ENV",
    "SIGNING_KEY_ENV",
    "PublicKey",
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
