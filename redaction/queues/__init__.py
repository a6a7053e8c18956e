"""Annotation queues: where redacted records wait for annotators, and what comes back.

Plain Python (no Prefect). `QueueStore` is the interface; `SQLiteQueueStore` the embedded
default at `$SCRUBLINE_HOME/queues/queues.sqlite3`. The pipeline calls `enqueue_rows` after each
written batch; annotators pull and acknowledge through `scrubline queue ...`; `formats` exports
batches for Label Studio, Argilla, doccano, Prodigy and Parquet and imports what comes back;
`agreement` measures annotators against each other and against gold items.
"""

from .base import (
    PLACEHOLDER_PREFIX,
    Annotation,
    GoldItem,
    ItemState,
    NewItem,
    Origin,
    QueueError,
    QueueItem,
    QueueStats,
    QueueStore,
    Span,
    TextField,
)
from .items import QUEUE_COLUMN, ItemBuilder, PlaceholderFinder, enqueue_rows, item_id_for
from .sqlite import SQLiteQueueStore, default_store_path

__all__ = [
    "PLACEHOLDER_PREFIX",
    "QUEUE_COLUMN",
    "Annotation",
    "GoldItem",
    "ItemBuilder",
    "ItemState",
    "NewItem",
    "Origin",
    "PlaceholderFinder",
    "QueueError",
    "QueueItem",
    "QueueStats",
    "QueueStore",
    "SQLiteQueueStore",
    "Span",
    "TextField",
    "default_store_path",
    "enqueue_rows",
    "item_id_for",
]
