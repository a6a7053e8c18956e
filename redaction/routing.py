"""Routing: which annotation queue each redacted record goes to (policy section `routing`).

Rules are tried in order; the first whose every condition holds decides, and a record no rule
takes goes to `default_queue`. So every record lands in exactly one queue, or is filtered out
by a rule whose queue is `filter`, and `Router.counts` reconciles with the records routed.

Conditions of a rule (`match`), all optional, all must hold:

* `review_below`: a redaction scored in the band [entity threshold, review_below), i.e. found,
  but with little margin. One number for every entity or a mapping per entity. Findings the
  policy keeps (`action: keep`) are not redactions and never count.
* `entities`: a redaction of one of these entity types, whatever its score.
* `fields`: field values, by dotted path in the redacted row (`_language`, `channel`,
  `meta.source`); each names one value or a list of accepted values, compared as text.
* `source`: a glob (or list of globs) matched against the input file's path.
* `has_field`: the record's shape: a field (dotted path, or a list of paths, all needed) is
  present and not empty (`has_field: messages` sends chat records to a chat queue,
  `has_field: [prompt, responses]` preference records).
* `sample`: keep this share of records, decided by a hash of the rule's name and the record
  id, so a re-run decides the same (renaming the rule draws a new sample).

Per-queue settings (`queues`) say how the queue serves items; `redaction/queues/` reads them.
Each queue has a task kind (`task`): `spans` (label entity spans, the default), `classification`
(pick one label, or several with `multi`), `rating` (a number on `scale`), `preference` (rank
two or more responses to one prompt) or `text` (write or correct a response); `instructions`
are shown to annotators. Non-span kinds read their record's shape from `messages_field`,
`prompt_field` and `responses_field` (see `redaction/queues/items.py`).
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:  # policy.py imports this module
    from .anonymize import Redaction
    from .policy import Policy

FILTER = "filter"  # the action of a rule that drops the record from annotation
DEFAULT_RULE = "default"  # RouteDecision.rule when no rule matched
FILTERED = "filtered"  # the key of filtered records in Router.counts
QUEUE_NAME = r"^[a-z][a-z0-9_\-]*$"
RULE_NAME = r"^[A-Za-z][A-Za-z0-9_\-]*$"

DEFAULT_LABELS = ("PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME")


class QueueOrder(StrEnum):
    FIFO = "fifo"  # first enqueued, first served
    UNCERTAINTY = "uncertainty"  # least confident pre-annotation first (active learning)
    RANDOM = "random"  # a stable shuffle (by item id): the baseline active learning is measured against
    DIVERSITY = "diversity"  # items unlike those already labelled first (non-span kinds; `queue train`)


class QueueTask(StrEnum):
    SPANS = "spans"  # label character ranges (entities) of the text
    CLASSIFICATION = "classification"  # one label of `labels` (several with `multi`)
    RATING = "rating"  # an integer on `scale`
    PREFERENCE = "preference"  # rank the responses to one prompt, best first
    TEXT = "text"  # write or correct a response


class ModelKind(StrEnum):
    AUTO = "auto"  # the one measured best for the queue's kind
    SKLEARN = "sklearn"
    SPACY = "spacy"


class PrelabelKind(StrEnum):
    SPACY = "spacy"  # spaCy entities on the redacted text, the policy's model per language
    NONE = "none"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RatingScale(_Model):
    """The integers a rating may take, both ends included."""

    min: int = 1
    max: int = 5

    @model_validator(mode="after")
    def _ordered(self) -> RatingScale:
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max}) must be above min ({self.min})")
        if self.max - self.min > 100:
            raise ValueError("a scale holds at most 101 values")
        return self


class AutoAccept(_Model):
    """Model answers at or above `threshold` confidence are accepted without a person; a
    `spot_check` share of those still goes to people, to measure how often they are right."""

    threshold: float = Field(gt=0.0, le=1.0)
    spot_check: float = Field(default=0.1, ge=0.0, lt=1.0)
    seed: int = Field(default=0, description="Seed of the spot-check draw (recorded in the audit log)")


class QueueModel(_Model):
    """How `scrubline queue train` trains the queue's model."""

    kind: ModelKind = ModelKind.AUTO
    min_annotations: int = Field(default=20, ge=2, description="Annotated items needed before training")
    holdout: float = Field(
        default=0.2, gt=0.0, lt=1.0, description="Share of labelled items held out to measure the model"
    )
    seed: int = Field(default=0, description="Seed of the held-out split and of training")


class QueueSettings(_Model):
    """How one queue serves its items."""

    hold: bool = Field(
        default=False, description="Items wait, held back from annotators, until released (review)"
    )
    release_to: str | None = Field(
        default=None, description="Queue released items move to; they stay in this queue when omitted"
    )
    overlap: int = Field(default=1, ge=1, le=20, description="Distinct annotators each item goes to")
    gold_rate: float = Field(
        default=0.0, ge=0.0, lt=1.0, description="Share of served items that are gold items"
    )
    order: QueueOrder = QueueOrder.FIFO
    prelabel: PrelabelKind = PrelabelKind.NONE
    beam_width: int = Field(
        default=4,
        ge=1,
        le=64,
        description=(
            "spaCy pre-labeller: analyses kept by beam search; wider finds more candidates with "
            "smoother confidences and costs more (per record, one core: 1: 2.1 ms, 4: 3.3 ms, "
            "8: 4.8 ms, 16: 8.1 ms; detection and redaction take about 7 ms)"
        ),
    )
    lease_seconds: int = Field(default=3600, gt=0, description="A pulled item returns to pending after")
    labels: tuple[str, ...] = Field(
        default=DEFAULT_LABELS, min_length=1, description="Labels annotators choose from"
    )
    task: QueueTask = Field(default=QueueTask.SPANS, description="What annotators do with each item")
    multi: bool = Field(default=False, description="classification: several labels per item allowed")
    scale: RatingScale | None = Field(default=None, description="rating: the integers allowed (1 to 5)")
    instructions: str = Field(default="", max_length=4000, description="Shown to annotators")
    prompt_field: str = Field(default="prompt", min_length=1, description="preference: the prompt")
    responses_field: str = Field(
        default="responses", min_length=1, description="preference: the list of responses"
    )
    messages_field: str = Field(default="messages", min_length=1, description="chat: role/content messages")
    auto_accept: AutoAccept | None = None
    model: QueueModel | None = None

    @property
    def rating_scale(self) -> RatingScale:
        return self.scale or RatingScale()

    @model_validator(mode="after")
    def _uncertainty_needs_confidence(self) -> QueueSettings:
        spans = self.task is QueueTask.SPANS
        if self.order is QueueOrder.UNCERTAINTY and spans and self.prelabel is PrelabelKind.NONE:
            raise ValueError(
                "order 'uncertainty' needs a pre-labeller (prelabel: spacy) for confidences, or a "
                "non-span task whose model `scrubline queue train` trains"
            )
        return self

    @model_validator(mode="after")
    def _fits_the_task(self) -> QueueSettings:
        task = self.task
        given = self.model_fields_set
        if task is QueueTask.CLASSIFICATION and "labels" not in given:
            raise ValueError("task 'classification' needs its labels (labels: [...])")
        # (compared with the default, not `given`: a store reloads every field from JSON)
        if self.labels != DEFAULT_LABELS and task not in (QueueTask.SPANS, QueueTask.CLASSIFICATION):
            raise ValueError(f"labels apply to spans and classification queues, not task '{task}'")
        if len(set(self.labels)) != len(self.labels):
            raise ValueError("labels must be unique")
        if self.multi and task is not QueueTask.CLASSIFICATION:
            raise ValueError(f"multi applies to classification queues, not task '{task}'")
        if self.scale is not None and task is not QueueTask.RATING:
            raise ValueError(f"scale applies to rating queues, not task '{task}'")
        if self.prelabel is not PrelabelKind.NONE and task is not QueueTask.SPANS:
            raise ValueError(
                f"prelabel '{self.prelabel}' pre-labels entity spans; task '{task}' takes its "
                "suggestions from the model `scrubline queue train` trains"
            )
        if self.order is QueueOrder.DIVERSITY and task is QueueTask.SPANS:
            raise ValueError(
                "order 'diversity' applies to classification, rating, preference and text queues"
            )
        if task is QueueTask.TEXT and (self.auto_accept is not None or self.model is not None):
            raise ValueError("task 'text' has no model: auto_accept and model do not apply")
        if task is QueueTask.PREFERENCE and self.model is not None and self.model.kind is ModelKind.SPACY:
            raise ValueError(
                "task 'preference' learns a scikit-learn reward model: model.kind auto or sklearn"
            )
        return self


class RuleMatch(_Model):
    """Conditions of a rule; all given ones must hold. No condition: every record matches."""

    review_below: float | dict[str, float] | None = None
    entities: tuple[str, ...] | None = None
    fields: dict[str, str | tuple[str, ...]] | None = None
    source: str | tuple[str, ...] | None = None
    sample: float | None = Field(default=None, gt=0.0, le=1.0)
    has_field: str | tuple[str, ...] | None = None

    @field_validator("review_below")
    @classmethod
    def _scores(cls, value: float | dict[str, float] | None):
        values = value.values() if isinstance(value, dict) else [] if value is None else [value]
        for score in values:
            if not 0.0 < score <= 1.0:
                raise ValueError(f"review_below must be in (0, 1], got {score}")
        return value


class RoutingRule(_Model):
    name: str = Field(pattern=RULE_NAME)
    match: RuleMatch = RuleMatch()
    queue: str = Field(description=f"A declared queue, or '{FILTER}' to leave the record out")


class RoutingPolicy(_Model):
    """The `routing` section of a policy."""

    default_queue: str = "annotation"
    queues: dict[str, QueueSettings] = Field(default_factory=lambda: {"annotation": QueueSettings()})
    rules: tuple[RoutingRule, ...] = ()

    @field_validator("queues")
    @classmethod
    def _queue_names(cls, value: dict[str, QueueSettings]) -> dict[str, QueueSettings]:
        import re

        bad = [name for name in value if not re.match(QUEUE_NAME, name) or name == FILTER]
        if bad:
            raise ValueError(
                f"queue name(s) {', '.join(bad)} not allowed (lower case, digits, '-', '_'; "
                f"'{FILTER}' is reserved)"
            )
        if not value:
            raise ValueError("declare at least one queue")
        return value

    @model_validator(mode="after")
    def _names_resolve(self) -> RoutingPolicy:
        declared = ", ".join(self.queues)
        if self.default_queue not in self.queues:
            raise ValueError(f"default_queue '{self.default_queue}' is not a declared queue ({declared})")
        for name, queue in self.queues.items():
            if queue.release_to is not None:
                if queue.release_to not in self.queues:
                    raise ValueError(
                        f"queue '{name}' releases to '{queue.release_to}', not a declared queue ({declared})"
                    )
                if queue.release_to == name or self.queues[queue.release_to].hold:
                    raise ValueError(f"queue '{name}' must release to a queue that does not hold items")
        names = [rule.name for rule in self.rules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique: {', '.join(dupes)}")
        for index, rule in enumerate(self.rules):
            if rule.queue != FILTER and rule.queue not in self.queues:
                raise ValueError(
                    f"rules[{index}] '{rule.name}' sends to '{rule.queue}', not a declared queue "
                    f"({declared}) nor '{FILTER}'"
                )
        return self

    def problems_with(self, entities: Mapping[str, Any]) -> list[str]:
        """What does not fit the policy's entity rules (names, thresholds)."""
        problems = []
        for index, rule in enumerate(self.rules):
            where = f"rules[{index}] '{rule.name}'"
            match = rule.match
            named = list(match.entities or ())
            if isinstance(match.review_below, dict):
                named += list(match.review_below)
            unknown = sorted({e for e in named if e not in entities})
            if unknown:
                problems.append(f"{where}: {', '.join(unknown)} has no rule in entities")
            if isinstance(match.review_below, dict):
                for entity, below in match.review_below.items():
                    rule_of = entities.get(entity)
                    if rule_of is not None and below <= rule_of.threshold:
                        problems.append(
                            f"{where}: review_below for {entity} ({below}) must be above its "
                            f"threshold ({rule_of.threshold})"
                        )
        return problems


@dataclass(frozen=True, slots=True)
class RouteDecision:
    queue: str | None  # None: filtered out by a rule
    rule: str  # the rule's name, or "default"


def sample_fraction(salt: str, record_id: str) -> float:
    """A stable number in [0, 1) for a record: the same on every run and machine."""
    digest = hashlib.sha256(f"{salt}\x00{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _lookup(row: dict[str, Any], dotted: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class Router:
    """Decides the queue of each redacted record. Build once per process; counts its decisions."""

    def __init__(self, routing: RoutingPolicy, policy: Policy):
        self.routing = routing
        self.policy = policy
        self.id_field = policy.fields.id
        self.thresholds = {name: rule.threshold for name, rule in policy.entities.items()}
        self.counts: Counter[str] = Counter()  # queue name (or "filtered") -> records

    def route(
        self, row: dict[str, Any], redactions: Iterable[tuple[str, Redaction]], source_path: str
    ) -> RouteDecision:
        found = [redaction for _, redaction in redactions]
        decision = RouteDecision(self.routing.default_queue, DEFAULT_RULE)
        for rule in self.routing.rules:
            if self._matches(rule, row, found, source_path):
                decision = RouteDecision(None if rule.queue == FILTER else rule.queue, rule.name)
                break
        self.counts[decision.queue or FILTERED] += 1
        return decision

    def _matches(self, rule: RoutingRule, row: dict[str, Any], found: list[Redaction], source: str) -> bool:
        match = rule.match
        if match.review_below is not None and not any(self._in_review_band(match, r) for r in found):
            return False
        if match.entities is not None and not any(r.entity_type in match.entities for r in found):
            return False
        if match.fields is not None:
            for path, wanted in match.fields.items():
                accepted = (wanted,) if isinstance(wanted, str) else wanted
                value = _lookup(row, path)
                if value is None or str(value) not in accepted:
                    return False
        if match.source is not None:
            globs = (match.source,) if isinstance(match.source, str) else match.source
            if not any(fnmatch.fnmatch(source, pattern) for pattern in globs):
                return False
        if match.has_field is not None:
            paths = (match.has_field,) if isinstance(match.has_field, str) else match.has_field
            if any(_lookup(row, path) in (None, "", [], {}) for path in paths):
                return False
        if match.sample is not None:
            record_id = str(row.get(self.id_field, ""))
            if sample_fraction(rule.name, record_id) >= match.sample:
                return False
        return True

    def _in_review_band(self, match: RuleMatch, redaction: Redaction) -> bool:
        entity = redaction.entity_type
        if redaction.action == "keep" or entity not in self.thresholds:
            return False
        below = match.review_below
        limit = below.get(entity) if isinstance(below, dict) else below
        return limit is not None and self.thresholds[entity] <= redaction.score < limit
