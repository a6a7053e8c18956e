"""What a queue store holds and the interface every backend implements.

An item is one redacted record offered for annotation. Its `text` is the record's annotatable
text fields joined by a blank line (`fields` maps each back to its path), `spans` mark the
redaction placeholders in that text (label `REDACTED:<ENTITY>`) so annotators see what was
removed, and `predictions` are the pre-labeller's entities with their confidence.

Queues of other task kinds (`QueueSettings.task`: classification, rating, preference, text)
carry the kind's structured view in `content` (`{"messages": [{"role", "content"}, ...]}` for a
chat, `{"prompt": str | messages, "responses": [str, ...]}` for a preference) while `text` keeps
a plain rendering of it, and a model's answer in `suggestion`. Their annotations carry an
`answer` in the kind's shape (see `Annotation`) instead of spans.

Item states: `held` (waiting for a reviewer's release), `pending` (has a free annotator slot),
`leased` (every slot is taken by a live lease or a finished annotation), `done` (`overlap`
distinct annotators acknowledged it). Gold items (known answers, for quality control) sit in
their own state, `gold`, are never done, and are served to every annotator once.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ScrublineError
from ..routing import QueueSettings

PLACEHOLDER_PREFIX = "REDACTED:"


class QueueError(ScrublineError, ValueError):
    """A queue operation cannot be done as asked (unknown queue, bad file, bad format)."""


class ItemState:
    HELD = "held"
    PENDING = "pending"
    LEASED = "leased"
    DONE = "done"
    GOLD = "gold"


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character range of an item's text; `score` for predictions only."""

    start: int
    end: int
    label: str
    score: float | None = None

    @property
    def is_placeholder(self) -> bool:
        return self.label.startswith(PLACEHOLDER_PREFIX)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if self.score is not None:
            out["score"] = round(self.score, 6)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        label = data.get("label", data.get("type"))
        score = data.get("score")
        return cls(int(data["start"]), int(data["end"]), str(label), None if score is None else float(score))


def spans_to_json(spans: Iterable[Span]) -> str:
    return json.dumps([s.to_dict() for s in spans], separators=(",", ":"))


def spans_from_json(text: str | None) -> list[Span]:
    return [Span.from_dict(d) for d in json.loads(text or "[]")]


@dataclass(frozen=True, slots=True)
class TextField:
    """Where one record field sits in the item's text."""

    path: str
    start: int
    end: int


@dataclass(slots=True)
class NewItem:
    """An item to enqueue."""

    item_id: str
    queue: str
    text: str
    record: dict[str, Any]
    record_id: str
    fields: list[TextField] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)  # placeholders
    predictions: list[Span] = field(default_factory=list)
    confidence: float | None = None  # least confident prediction; 1.0 when none; None: no pre-labeller
    model: str | None = None  # the pre-labeller that made the predictions
    source_id: str = ""
    batch_key: str = ""
    output: str = ""  # the output file the record was read from (held/: released from there)
    id_field: str = ""  # the record's id column in that file
    task: str = "spans"  # the queue's task kind (`QueueTask`) when the item was built
    content: dict[str, Any] = field(default_factory=dict)  # the kind's structured view; {} for spans
    # A model's answer for non-span kinds: answer-shaped (see `Annotation`), plus
    # `"scores": {label: p}` where the model gives them; `confidence` and `model` say how sure and who.
    suggestion: dict[str, Any] | None = None


@dataclass(slots=True)
class QueueItem(NewItem):
    """An item as a store returns it."""

    state: str = ItemState.PENDING
    seq: int = 0
    priority: float = 0.0
    gold: bool = False  # internal: exports never reveal it
    # A newer version of the record arrived after the item was worked on: that version's batch
    # (the item kept its text, so no annotation applies to other text; see `upsert`).
    superseded_by: str = ""


@dataclass(frozen=True, slots=True)
class GoldItem:
    """A text with known answers, mixed into pulls to measure annotators."""

    text: str
    answers: tuple[Span, ...]
    gold_id: str | None = None  # derived from the text when omitted
    # Shown like any item's, so a gold item does not stand out in a batch.
    spans: tuple[Span, ...] = ()
    predictions: tuple[Span, ...] = ()
    confidence: float | None = None
    model: str | None = None
    # The known answer of a non-span kind ({"labels": [...]}, {"rating": 4}, ...); None: spans.
    answer: dict[str, Any] | None = None
    # A non-span kind's view, as a regular item of the queue has it (`NewItem.content`: messages,
    # or prompt and responses; {} for spans, and {"text": text} is assumed for the others), and
    # where its fields sit in `text`: annotators see a gold item exactly like the others.
    content: dict[str, Any] = field(default_factory=dict)
    fields: tuple[TextField, ...] = ()


class Origin:
    """Who made an annotation."""

    HUMAN = "human"
    MODEL = "model"  # a model's answer accepted without a person (auto-accept)
    AGGREGATED = "aggregated"  # combined from several annotators' answers


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotator's completed work on one item: spans (placeholders excluded) for a spans
    queue, an `answer` for the other kinds, one shape per kind:

    * classification: `{"labels": ["billing"]}` (one label unless the queue is `multi`)
    * rating: `{"rating": 4}` (an integer on the queue's scale)
    * preference: `{"ranking": [1, 0, 2]}` (indices into `responses`, best first)
    * text: `{"text": "..."}`
    """

    item_id: str
    annotator: str
    spans: tuple[Span, ...] = ()
    answer: dict[str, Any] | None = None
    origin: str = Origin.HUMAN


@dataclass(frozen=True, slots=True)
class SpotCheck:
    """An item the model would have labelled on its own, sent to people anyway: their answers
    measure the accuracy of the labels accepted without a person."""

    item_id: str
    queue: str
    model: str  # name@version
    answer: dict[str, Any]  # what the model would have accepted
    confidence: float
    draw: str  # the auto-label run that drew it (seed and model)


class AssignmentState:
    """Where one annotator stands with one item."""

    LEASED = "leased"
    EXPIRED = "expired"  # the lease ran out before the work came back
    DONE = "done"
    NACKED = "nacked"


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What `save_annotations` did with each annotation, as (item id, annotator) pairs: stored
    for the first time, replacing an earlier one with other spans, or identical to the one
    stored (left as it was); and the item ids the store does not hold."""

    new: tuple[tuple[str, str], ...] = ()
    replaced: tuple[tuple[str, str], ...] = ()
    unchanged: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def saved(self) -> int:
        return len(self.new) + len(self.replaced) + len(self.unchanged)


@dataclass
class QueueStats:
    queue: str
    items: int = 0  # regular items, every state
    pending: int = 0
    held: int = 0
    leased: int = 0  # live leases (an item with overlap k can have up to k)
    done: int = 0
    gold: int = 0
    annotations: int = 0
    annotators: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> leased/done/nacked

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "items": self.items,
            "pending": self.pending,
            "held": self.held,
            "leased": self.leased,
            "done": self.done,
            "gold": self.gold,
            "annotations": self.annotations,
            "annotators": self.annotators,
        }


class QueueStore(abc.ABC):
    """Durable annotation queues. SQLite is the embedded default; a server backend
    (PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` for claims) implements the same methods."""

    @abc.abstractmethod
    def configure(self, queues: Mapping[str, QueueSettings], placeholder_labels: Sequence[str] = ()) -> None:
        """Record (or update) the settings of these queues, and the placeholder labels the
        policy can write (exports declare them); pulls and exports read them."""

    @abc.abstractmethod
    def reviewers(self) -> list[str]:
        """Names holding the reviewer role (read, fix and release held items), sorted."""

    @abc.abstractmethod
    def add_reviewer(self, name: str, added_by: str) -> bool:
        """Give `name` the reviewer role; False when they already hold it."""

    @abc.abstractmethod
    def remove_reviewer(self, name: str) -> bool:
        """Take the reviewer role from `name`; False when they did not hold it."""

    @abc.abstractmethod
    def placeholder_labels(self) -> list[str]:
        """Every placeholder label configured so far, sorted."""

    @abc.abstractmethod
    def settings(self) -> dict[str, QueueSettings]:
        """Every configured queue's settings, by name."""

    @abc.abstractmethod
    def enqueue(self, items: Iterable[NewItem]) -> int:
        """Add items; an item id already present is a newer version of its record (the SQLite
        store updates it while nobody has worked on it). Returns how many were new."""

    @abc.abstractmethod
    def pull(self, queue: str, annotator: str, n: int, lease_seconds: int | None = None) -> list[QueueItem]:
        """Lease up to n items to an annotator: never one this annotator holds, finished or
        refused, never more annotators per item than the queue's overlap; gold items mixed in
        at the queue's gold rate."""

    @abc.abstractmethod
    def ack(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        """Mark this annotator's leases done. Returns the ids acknowledged."""

    @abc.abstractmethod
    def nack(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        """Give leases back; the item is not offered to this annotator again. Returns the ids."""

    @abc.abstractmethod
    def return_leases(self, annotator: str, item_ids: Sequence[str]) -> list[str]:
        """Give live leases back unused (the items never reached the annotator: a push that
        failed), as if they had expired: the items are offered again, to this annotator too.
        Returns the ids."""

    @abc.abstractmethod
    def revise(self, item: NewItem) -> bool:
        """Replace a held item's content with a reviewer's corrected version (same item id and
        queue); False when the item is not held. The item stays held until released."""

    @abc.abstractmethod
    def release(self, queue: str, item_ids: Sequence[str] | None = None, to: str | None = None) -> int:
        """Held items (all, or these) become pending, in `to`, the queue's release_to, or itself."""

    @abc.abstractmethod
    def held(self, queue: str, n: int) -> list[QueueItem]:
        """Held items, oldest first, for a reviewer to read (no lease taken)."""

    @abc.abstractmethod
    def items(self, item_ids: Sequence[str]) -> list[QueueItem]:
        """These items, in the order given (unknown ids are left out)."""

    @abc.abstractmethod
    def stats(self) -> dict[str, QueueStats]:
        """Counts per queue."""

    @abc.abstractmethod
    def add_gold(self, queue: str, golds: Iterable[GoldItem]) -> int:
        """Add gold items to a queue. Returns how many were new."""

    @abc.abstractmethod
    def gold_answers(self, queue: str) -> dict[str, tuple[Span, ...]]:
        """Gold item id -> known answer spans."""

    @abc.abstractmethod
    def save_annotations(self, annotations: Iterable[Annotation]) -> SaveResult:
        """Store completed annotations (one per item and annotator, the last one wins) and mark
        the annotator's share of the item done. An annotation with the spans already stored
        (placeholders left out, order ignored) is counted unchanged and not written again."""

    @abc.abstractmethod
    def assignments(self, item_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Item id -> annotator -> `AssignmentState` of everyone who was ever given these items
        (an item nobody was given, or the store does not hold, is left out)."""

    @abc.abstractmethod
    def annotations(self, queue: str) -> list[Annotation]:
        """Every stored annotation of the queue's items, gold ones included."""

    def gold_kind_answers(self, queue: str) -> dict[str, dict[str, Any]]:
        """Gold item id -> known answer of a non-span kind (gold items with spans left out)."""
        return {}

    # --- model-assisted labels (redaction/queues/learning.py) --------------------------------------

    @abc.abstractmethod
    def open_items(self, queue: str) -> list[QueueItem]:
        """The queue's items nobody has finished (pending, held, leased) and its gold items, in
        serve order: what a model suggests answers for."""

    @abc.abstractmethod
    def set_suggestions(
        self, queue: str, suggestions: Mapping[str, tuple[dict[str, Any] | None, float | None, str | None]]
    ) -> int:
        """Set (suggestion, confidence, model) on these items of the queue that nobody has
        finished (pending, held, leased, gold) and re-prioritise the waiting ones for the queue's
        order (`uncertainty`: least confident first). Spot checks keep none (a blind check).
        Returns how many were set."""

    @abc.abstractmethod
    def set_predictions(
        self, queue: str, predictions: Mapping[str, tuple[Sequence[Span], float | None, str | None]]
    ) -> int:
        """Set (predictions, confidence, model) on these items of a spans queue that nobody has
        finished (the entities pulls and exports carry as pre-annotations); items still waiting
        are re-prioritised. Returns how many items were updated."""

    @abc.abstractmethod
    def set_priorities(self, queue: str, priorities: Mapping[str, float]) -> int:
        """Serve order of pending or held items: higher first (ties in enqueue order)."""

    @abc.abstractmethod
    def auto_accept(self, queue: str, answers: Mapping[str, dict[str, Any]], model: str) -> list[str]:
        """Record the model's answer as an `origin: model` annotation (annotator `model`) on
        these pending items nobody has leased or answered, and mark them done. Returns the ids."""

    @abc.abstractmethod
    def add_spot_checks(self, checks: Iterable[SpotCheck]) -> int:
        """Note items sent to people although the model could have labelled them: they are
        served first and without the suggestion (a blind check). Returns how many were new."""

    @abc.abstractmethod
    def spot_checks(self, queue: str) -> list[SpotCheck]:
        """Every spot check of the queue."""

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release connections."""

    def __enter__(self) -> QueueStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
