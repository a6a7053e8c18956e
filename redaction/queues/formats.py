"""Batches out to annotation tools, completed annotations back in.

Every format carries the item id (so what comes back finds its item), the item's text, the
pre-labeller's entities as pre-annotations, and the redaction placeholders as spans labelled
`REDACTED:<ENTITY>`. Exports never say which items are gold. Readers take the tool's own
export of completed work apart into `ToolAnnotation`s (the tool's user, the item, the spans,
skipped or not; placeholder spans set aside); `import_annotations` credits each to a Scrubline
annotator, stores it and returns skipped items to the queue, and says what it did in an
`ImportReport`.

* `label-studio`: a JSON list of tasks `{"data": {"text", "item_id", "queue"}, "predictions":
  [{"model_version", "score", "result": [region...]}]}`; each region is NER-style
  `{"id", "from_name", "to_name": "text", "type": "labels", "value": {"start", "end", "text",
  "labels": [label]}, "score"}`. Entities use the control `label`, placeholders `redacted`;
  `label_studio_config` writes the matching labeling config. Import: the project's "JSON"
  export (tasks with `annotations[]`: `result`, `completed_by` as a user id or `{"email"}`,
  `was_cancelled` for a skipped task) or its "JSON-MIN" export (one flat record per annotation:
  the task's data keys, one key per control with its regions' values, `annotator`), told apart
  by their shape. JSON-MIN has no skipped tasks, so importing one says so.

  Placeholders are context, not labels, and use what Label Studio itself offers for that:
  - Each is a pre-annotated region with `"readonly": true`, the editor's own lock on a region
    (`ReadOnlyRegionMixin`): shown in grey and listed with a lock, it cannot be moved,
    relabelled or deleted, and it stays locked when the prediction is copied into an annotation.
  - The `redacted` control stays in the config (the editor drops a region whose control the
    config lacks and colours it by its label; the SDK's `LabelInterface` checks predictions
    against both) but sits in a `<View style="display: none">`: no button in the palette.
  - Label Studio binds a key to every `<Label>` without a `hotkey`, in config order, from
    "1234567890qwetasdfgzxcvbyiopjklnm" (the editor's `Hotkey.makeComb`); no attribute unbinds
    one. So the entity labels carry those keys explicitly, in that order: they have 1, 2, 3...
    however many placeholder labels follow. The hidden placeholder labels still get the keys
    after them; one pressed and applied to a word gives a `redacted` region that is not one of
    the item's placeholders, which the import drops (as every placeholder region) with a warning.
  The other ways were worse: placeholder labels in the entity control would be in the palette;
  no placeholder regions would leave the redactions unmarked; a per-region TextArea would show
  on every region the annotator makes; a labelling Taxonomy (the one kind of option the editor
  gives no keys) is a dropdown annotators could still pick a placeholder from.
* `argilla`: JSONL of records in `argilla.Record.to_dict()` form: `{"id", "fields": {"text"},
  "metadata": {"queue"}, "suggestions": {"entities": {"value": [{start, end, label}], "score",
  "agent"}, "redacted": {...}}}`; load with `rg.Record.from_dict` into a dataset built with
  `argilla_settings`. Import: the same form with `responses` (submitted ones).
* `doccano`: JSONL for sequence labelling, `{"text", "label": [[start, end, label], ...]}` with
  `item_id` and `queue` as extra columns (doccano keeps them as metadata). Import: doccano's
  JSONL export (`label` as triples or `entities` as `start_offset`/`end_offset` objects).
* `prodigy`: JSONL `{"text", "spans": [{start, end, label}], "meta": {"item_id", "queue"},
  "_input_hash", "_task_hash"}`. Hashes as Prodigy makes them, signed 32-bit MurmurHash3
  (`murmurhash.mrmr.hash`, spaCy's own dependency) of the JSON of the input keys, then of the
  input hash and the task keys; the input is the text and the item id (two records with the
  same text stay two tasks). Stable across runs; Prodigy keeps hashes a task already has.
  Import: `prodigy db-out` JSONL (answer `accept` only).
* `parquet`: one row per item: item_id, queue, text, spans, predictions (list of structs),
  confidence, model. Import: rows of item_id, annotator, spans.

Task kinds other than spans (`QueueSettings.task`; answers as in `redaction/queues/kinds.py`)
go to the tools that have them; a model's `suggestion` goes out as the tool's pre-annotation:

* `label-studio` (every kind): `label_studio_config_for(settings, placeholder_labels)` writes the
  config. The conversation (a chat's messages, a preference prompt; any other item is one
  message with the role `text`) is a `<Paragraphs nameKey="role" textKey="content">` in dialogue
  layout; classification a `<Choices name="label">` (single or multiple), rating a `<Rating>`
  (a scale from 1 to at most 10, else `<Choices>` over the scale), text a `<TextArea>`,
  preference a `<Pairwise>` over two `<Text>` responses or, for more, a `<Ranker>` over a
  `<List>`; the instructions are a `<Header>`. Import reads each control's result back.
* `argilla` (every kind): `argilla_settings_for` builds the dataset settings: a `ChatField`
  (`messages`, or `prompt` and `response_0`... text fields), and a `LabelQuestion` or
  `MultiLabelQuestion` (`label`), `RatingQuestion` (`rating`; a scale outside 0-10 as a label
  question), `RankingQuestion` (`ranking`, values `response_0`...) or `TextQuestion` (`answer`).
* `doccano` (spans, classification): text classification JSONL, `label` a list of label names.
* `prodigy` (spans, classification, rating, preference): the `choice` interface, `options` with
  `accept` (pre-selected from the suggestion; `config.choice_style` single or multiple); a
  preference item is its prompt with the responses as options (two responses: the accepted one
  is preferred to the other; Prodigy's choice cannot rank more).
* `parquet` (every kind): the columns above plus `task`, `content` and `suggestion` (JSON text);
  import: an `answer` column (JSON text) beside `spans`.

A kind a format does not have is refused with the formats that have it.

Crediting (`import_annotations`): `annotator=` credits everything to one name; else a
`users=` mapping from the tool's user (id or email) to a name; else, for a tool whose users are
its own accounts (Label Studio), the one annotator the item was given to (a live or expired
lease, or finished work when the same file comes back); else the user the file names. An item
given to several annotators needs the mapping: the error says which item and who holds it.
"""

from __future__ import annotations

import abc
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from ..io import atomic_write
from ..routing import QueueSettings, QueueTask
from .base import (
    PLACEHOLDER_PREFIX,
    Annotation,
    AssignmentState,
    QueueError,
    QueueItem,
    QueueStore,
    Span,
)
from .kinds import check_answer, messages_of, responses_of

ENTITY_CONTROL = "label"
PLACEHOLDER_CONTROL = "redacted"
TEXT_OBJECT = "text"
ARGILLA_QUESTION = "entities"
ARGILLA_PLACEHOLDER_QUESTION = "redacted"
PLACEHOLDER_AGENT = "scrubline"
# Non-span kinds: the names of their controls (Label Studio) and questions (Argilla).
CHOICE_CONTROL = ENTITY_CONTROL  # "label"
RATING_CONTROL = "rating"
PAIRWISE_CONTROL = "preference"
RANKING_CONTROL = "ranking"
TEXT_CONTROL = "answer"
DIALOGUE_OBJECT = "dialogue"  # the conversation (Label Studio object, data key `messages`)
PROMPT_OBJECT = "prompt"
RESPONSES_OBJECT = "responses"
SPANS = QueueTask.SPANS.value


@dataclass(frozen=True, slots=True)
class ToolAnnotation:
    """One annotation as the tool's export has it, before it is credited to anyone."""

    item_id: str
    users: tuple[str, ...]  # the tool's names for who made it (id, email), as text; () if none
    spans: tuple[Span, ...]  # entity spans, placeholders left out
    where: str  # file and record, for messages
    skipped: bool = False  # the annotator skipped the task: nothing to store, the lease goes back
    placeholders: tuple[Span, ...] = ()  # placeholder-labelled regions it carried (dropped)
    answer: dict[str, Any] | None = None  # non-span kinds: the answer as the tool gave it

    @property
    def user(self) -> str | None:
        return self.users[0] if self.users else None


@dataclass(frozen=True)
class ToolExport:
    """What a tool's file holds: its annotations, which of the tool's exports it is (Label
    Studio: "JSON" or "JSON-MIN"; empty for tools with one), and lines to show the person
    importing it."""

    annotations: list[ToolAnnotation]
    kind: str = ""
    notes: tuple[str, ...] = ()


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

    return atomic_write(path, write)


def _read_json_records(path: Path) -> list[Any]:
    """A JSON list, or JSON lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueueError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise QueueError(f"{path}: not UTF-8 text") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise QueueError(f"{path}: not valid JSON (line {exc.lineno})") from None
        return list(data)
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise QueueError(f"{path}: line {number}: not valid JSON") from None
    return records


def _user_keys(found: Any) -> tuple[str, ...]:
    """The names a file gives a user (a value, or an object with email/username/id), as text."""
    values = (
        [found.get("email"), found.get("username"), found.get("id")] if isinstance(found, dict) else [found]
    )
    keys = (str(v).strip() for v in values if v is not None and not isinstance(v, dict | list | bool))
    return tuple(dict.fromkeys(k for k in keys if k))


def _annotator(override: str | None, users: Sequence[str], where: str) -> str:
    if override:
        return override
    if not users:
        raise QueueError(f"{where}: no annotator in the file: pass --annotator")
    return users[0]


def _span(start: Any, end: Any, label: Any, where: str) -> Span:
    try:
        span = Span(int(start), int(end), str(label))
    except (TypeError, ValueError):
        raise QueueError(f"{where}: a span needs integer start and end and a label") from None
    if span.start < 0 or span.end <= span.start:
        raise QueueError(f"{where}: span {span.start}-{span.end} is empty or negative")
    return span


def _entity_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    return tuple(sorted((s for s in spans if not s.is_placeholder), key=lambda s: (s.start, s.end, s.label)))


def _kind(items: Sequence[QueueItem], settings: QueueSettings | None) -> str:
    """The task kind of an export: the queue's, else its items' (spans when there are none)."""
    if settings is not None:
        return settings.task.value
    kinds = {item.task or SPANS for item in items}
    if len(kinds) > 1:
        raise QueueError(f"an export holds one task kind; these items have {', '.join(sorted(kinds))}")
    return kinds.pop() if kinds else SPANS


def _need_settings(fmt: Format, kind: str, settings: QueueSettings | None) -> QueueSettings:
    if kind not in fmt.kinds:
        having = [f.name for f in _FORMATS.values() if kind in f.kinds]
        raise QueueError(
            f"format '{fmt.name}' has no {kind} task ({kind} exports to: {', '.join(sorted(having))})"
        )
    if settings is None or settings.task.value != kind:
        raise QueueError(f"a {kind} export needs its queue's settings")
    return settings


def require_kind(fmt: Format, settings: QueueSettings) -> None:
    """Refuse, before anything is leased, a queue whose task kind the format does not have."""
    if settings.task is not QueueTask.SPANS:
        _need_settings(fmt, settings.task.value, settings)


def preference_width(items: Sequence[QueueItem]) -> int:
    """The most responses any of these preference items has (2 when none has more)."""
    return max([2, *(len(responses_of(item)) for item in items)])


def _labels_of(suggestion: Mapping[str, Any] | None) -> list[str]:
    return [str(x) for x in (suggestion or {}).get("labels") or []]


class Format(abc.ABC):
    """One annotation tool's file format."""

    name: str = ""
    suffix: str = ""
    tool: str = ""  # the tool's name, for messages
    kinds: tuple[str, ...] = (SPANS,)  # the task kinds the tool has
    #: The tool names users by its own accounts (ids that mean nothing to Scrubline): an
    #: annotation no `annotator=` or `users=` entry credits goes to the item's leaseholder.
    credits_leaseholder: bool = False

    def records(
        self, items: Sequence[QueueItem], labels: Sequence[str], settings: QueueSettings | None = None
    ) -> list[dict[str, Any]]:
        """The export, as the tool's records (JSON-ready). Non-span kinds need the queue's
        `settings` (labels, scale, instructions) and a kind the tool has (`kinds`)."""
        kind = _kind(items, settings)
        if kind == SPANS:
            return self._span_records(items, labels)
        return self._kind_records(items, _need_settings(self, kind, settings))

    def _span_records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        """A spans export: the items' text, placeholders and the pre-labels of `labels` (each
        tool's; Parquet, which holds every kind in one shape, overrides `records` instead)."""
        raise NotImplementedError(f"{self.name}: no spans export")

    def _kind_records(self, items: Sequence[QueueItem], settings: QueueSettings) -> list[dict[str, Any]]:
        """An export of another kind the tool has (`kinds`; `records` checked it)."""
        raise NotImplementedError(f"{self.name}: no {settings.task.value} export")

    def export(
        self,
        items: Sequence[QueueItem],
        path: str | os.PathLike[str],
        labels: Sequence[str],
        settings: QueueSettings | None = None,
    ) -> Path:
        return _write_jsonl(Path(path), self.records(items, labels, settings))

    @abc.abstractmethod
    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        """Every annotation in the tool's export of completed work, skipped ones included."""

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
        """The completed annotations, credited to `annotator` or to the user the file names
        (no store involved; `import_annotations` credits them to Scrubline annotators)."""
        done = [note for note in self.read(path).annotations if not note.skipped]
        if annotator:
            per_item: dict[str, list[ToolAnnotation]] = defaultdict(list)
            for note in done:
                per_item[note.item_id].append(note)
            for notes in per_item.values():
                if len(notes) > 1:
                    raise QueueError(f"{notes[0].where}: {len(notes)} annotations but one --annotator given")
        return [
            Annotation(n.item_id, _annotator(annotator, n.users, n.where), n.spans, n.answer) for n in done
        ]

    @abc.abstractmethod
    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        """The item ids of an exported batch (for ack and nack)."""


_FORMATS: dict[str, Format] = {}


def register(cls: type[Format]) -> type[Format]:
    _FORMATS[cls.name] = cls()
    return cls


def format_names() -> list[str]:
    return sorted(_FORMATS)


def get_format(name: str) -> Format:
    found = _FORMATS.get(name)
    if found is None:
        raise QueueError(f"no format named '{name}' (formats: {', '.join(format_names())})")
    return found


# --- Label Studio ------------------------------------------------------------------------------

# The keys Label Studio hands out to labels without a `hotkey`, in its order (the editor's
# `Hotkey.makeComb`): the entity labels get these explicitly, so they keep them whatever else
# the config holds.
LABEL_STUDIO_HOTKEYS = "1234567890qwetasdfgzxcvbyiopjklnm"
PLACEHOLDER_COLOR = "#9e9e9e"
LABEL_STUDIO_EXPORTS = 'export the project as "JSON" or "JSON-MIN"'


def label_studio_config(labels: Sequence[str], placeholder_labels: Sequence[str]) -> str:
    """The labeling config the tasks fit: the entity labels (the palette, with fixed hotkeys),
    the text, and the placeholder labels in a hidden view (see the module docstring)."""
    keys = list(LABEL_STUDIO_HOTKEYS[: len(labels)]) + [""] * max(0, len(labels) - len(LABEL_STUDIO_HOTKEYS))
    entity = "\n".join(
        f"    <Label value={quoteattr(label)}" + (f' hotkey="{key}"' if key else "") + "/>"
        for label, key in zip(labels, keys, strict=True)
    )
    marks = "\n".join(
        f'      <Label value={quoteattr(label)} background="{PLACEHOLDER_COLOR}"/>'
        for label in (placeholder_labels or [PLACEHOLDER_PREFIX + "ANY"])
    )
    return (
        "<View>\n"
        f'  <Labels name="{ENTITY_CONTROL}" toName="{TEXT_OBJECT}">\n{entity}\n  </Labels>\n'
        f'  <Text name="{TEXT_OBJECT}" value="${TEXT_OBJECT}"/>\n'
        "  <!-- Redaction placeholders: shown as read-only regions, never a label to apply -->\n"
        '  <View style="display: none">\n'
        f'    <Labels name="{PLACEHOLDER_CONTROL}" toName="{TEXT_OBJECT}">\n{marks}\n    </Labels>\n'
        "  </View>\n"
        "</View>\n"
    )


def _rating_as_stars(settings: QueueSettings) -> bool:
    """A scale Label Studio's `<Rating>` shows (1 to at most 10 stars); else `<Choices>`."""
    scale = settings.rating_scale
    return scale.min == 1 and scale.max <= 10


def label_studio_config_for(
    settings: QueueSettings, placeholder_labels: Sequence[str], responses: int = 2
) -> str:
    """The labeling config of a queue's tasks, per task kind (see the module docstring).
    `responses`: for preference queues, the most responses an item has (two: `<Pairwise>`)."""
    task = settings.task
    if task is QueueTask.SPANS:
        return label_studio_config(settings.labels, placeholder_labels)
    lines = ["<View>"]
    if settings.instructions:
        lines.append(f'  <Header value={quoteattr(settings.instructions)} style="white-space: pre-wrap"/>')

    def dialogue(name: str) -> str:
        return (
            f'  <Paragraphs name="{name}" value="${name if name == PROMPT_OBJECT else "messages"}"'
            ' layout="dialogue" nameKey="role" textKey="content"/>'
        )

    if task is QueueTask.PREFERENCE:
        lines.append(dialogue(PROMPT_OBJECT))
        if responses <= 2:
            lines += [
                '  <Text name="response_0" value="$response_0"/>',
                '  <Text name="response_1" value="$response_1"/>',
                f'  <Pairwise name="{PAIRWISE_CONTROL}" toName="response_0,response_1"/>',
            ]
        else:
            lines += [
                f'  <List name="{RESPONSES_OBJECT}" value="${RESPONSES_OBJECT}" title="Responses"/>',
                f'  <Ranker name="{RANKING_CONTROL}" toName="{RESPONSES_OBJECT}"/>',
            ]
    else:
        lines.append(dialogue(DIALOGUE_OBJECT))
        if task is QueueTask.CLASSIFICATION:
            style = "multiple" if settings.multi else "single-radio"
            lines.append(f'  <Choices name="{CHOICE_CONTROL}" toName="{DIALOGUE_OBJECT}" choice="{style}">')
            lines += [f"    <Choice value={quoteattr(label)}/>" for label in settings.labels]
            lines.append("  </Choices>")
        elif task is QueueTask.RATING:
            scale = settings.rating_scale
            if _rating_as_stars(settings):
                lines.append(
                    f'  <Rating name="{RATING_CONTROL}" toName="{DIALOGUE_OBJECT}" maxRating="{scale.max}"/>'
                )
            else:
                lines.append(
                    f'  <Choices name="{RATING_CONTROL}" toName="{DIALOGUE_OBJECT}" choice="single-radio">'
                )
                lines += [f'    <Choice value="{v}"/>' for v in range(scale.min, scale.max + 1)]
                lines.append("  </Choices>")
        elif task is QueueTask.TEXT:
            lines.append(
                f'  <TextArea name="{TEXT_CONTROL}" toName="{DIALOGUE_OBJECT}" rows="6" editable="true"'
                ' maxSubmissions="1"/>'
            )
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _label_studio_suggestion(item: QueueItem, settings: QueueSettings, width: int) -> list[dict[str, Any]]:
    """A model's suggestion as Label Studio result regions (none when the item has none)."""
    found = item.suggestion or {}
    task = settings.task
    region: dict[str, Any] | None = None
    if task is QueueTask.CLASSIFICATION and _labels_of(found):
        value = {"choices": _labels_of(found)}
        region = {"from_name": CHOICE_CONTROL, "to_name": DIALOGUE_OBJECT, "type": "choices", "value": value}
    elif task is QueueTask.RATING and isinstance(found.get("rating"), int):
        rating = found["rating"]
        if _rating_as_stars(settings):
            value = {"rating": rating}
            region = {
                "from_name": RATING_CONTROL,
                "to_name": DIALOGUE_OBJECT,
                "type": "rating",
                "value": value,
            }
        else:
            value = {"choices": [str(rating)]}
            region = {
                "from_name": RATING_CONTROL,
                "to_name": DIALOGUE_OBJECT,
                "type": "choices",
                "value": value,
            }
    elif task is QueueTask.PREFERENCE and found.get("ranking"):
        ranking = list(found["ranking"])
        if width <= 2:
            selected = "left" if ranking[0] == 0 else "right"
            region = {
                "from_name": PAIRWISE_CONTROL,
                "to_name": PAIRWISE_CONTROL,
                "type": "pairwise",
                "value": {"selected": selected},
            }
        else:
            region = {
                "from_name": RANKING_CONTROL,
                "to_name": RESPONSES_OBJECT,
                "type": "ranker",
                "value": {"ranker": {RANKING_CONTROL: [str(i) for i in ranking]}},
            }
    elif task is QueueTask.TEXT and isinstance(found.get("text"), str):
        value = {"text": [found["text"]]}
        region = {"from_name": TEXT_CONTROL, "to_name": DIALOGUE_OBJECT, "type": "textarea", "value": value}
    if region is None:
        return []
    region["id"] = "s0"
    return [region]


def _label_studio_answer(result: Any, where: str) -> dict[str, Any] | None:
    """The answer a non-span annotation's result gives (None when it has no such region)."""
    if not isinstance(result, list):
        raise QueueError(f"{where}: the result is not a list of regions")
    for region in result:
        if not isinstance(region, dict):
            continue
        kind, control, value = region.get("type"), region.get("from_name"), region.get("value") or {}
        try:
            if kind == "choices" and control == CHOICE_CONTROL:
                return {"labels": [str(x) for x in value["choices"]]}
            if kind == "choices" and control == RATING_CONTROL:
                return {"rating": int(value["choices"][0])}
            if kind == "rating":
                return {"rating": int(value["rating"])}
            if kind == "pairwise":
                return {"ranking": [0, 1] if value["selected"] == "left" else [1, 0]}
            if kind == "ranker":
                ranks = value["ranker"]
                order = ranks.get(RANKING_CONTROL) or next(iter(ranks.values()))
                return {"ranking": [int(x) for x in order]}
            if kind == "textarea":
                text = value["text"]
                return {"text": "\n".join(text) if isinstance(text, list) else str(text)}
        except (KeyError, TypeError, ValueError, IndexError, StopIteration, AttributeError):
            raise QueueError(f"{where}: a '{kind}' result Scrubline cannot read") from None
    return None


def _label_studio_min_answer(record: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    """The answer of a JSON-MIN record of a non-span task: one key per control, its value."""
    if (value := record.get(RATING_CONTROL)) is not None:
        rating = value.get("rating") if isinstance(value, dict) else value
        return {"rating": int(rating)}
    if (value := record.get(PAIRWISE_CONTROL)) is not None:
        selected = value.get("selected") if isinstance(value, dict) else value
        return {"ranking": [0, 1] if selected == "left" else [1, 0]}
    if (value := record.get(RANKING_CONTROL)) is not None:
        ranks = value.get("ranker", value) if isinstance(value, dict) else {RANKING_CONTROL: value}
        order = ranks.get(RANKING_CONTROL) if isinstance(ranks, dict) else ranks
        return {"ranking": [int(x) for x in order or []]}
    if (value := record.get(TEXT_CONTROL)) is not None:
        return {"text": "\n".join(value) if isinstance(value, list) else str(value)}
    value = record.get(CHOICE_CONTROL)
    if isinstance(value, str):
        return {"labels": [value]}
    if isinstance(value, dict) and isinstance(value.get("choices"), list):
        return {"labels": [str(x) for x in value["choices"]]}
    if isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        return {"labels": value}
    return None


def _label_studio_records(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The records of a Label Studio export and which export it is: "JSON" (tasks with `data`
    and `annotations`) or "JSON-MIN" (one flat record per annotation)."""
    refused = QueueError(f"{path}: not a Label Studio JSON or JSON-MIN export: {LABEL_STUDIO_EXPORTS}")
    if not path.is_file():
        raise QueueError(f"{path}: no such file")
    try:
        records = _read_json_records(path)
    except QueueError:  # not JSON at all: CSV, TSV, CONLL...
        raise refused from None
    kinds = set()
    for record in records:
        if not isinstance(record, dict):
            raise refused
        if isinstance(record.get("data"), dict):
            kinds.add("JSON")
        elif "annotator" in record and "annotation_id" in record:
            kinds.add("JSON-MIN")
        else:
            raise refused
    if len(kinds) > 1:
        raise refused
    return (kinds.pop() if kinds else "JSON"), records


def _label_studio_regions(result: Any, where: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """(entity spans, placeholder spans) of an annotation's NER regions; other regions (relations,
    other controls) are left out."""
    if not isinstance(result, list):
        raise QueueError(f"{where}: the result is not a list of regions")
    entities: list[Span] = []
    marks: list[Span] = []
    for region in result:
        if not isinstance(region, dict) or region.get("type") != "labels":
            continue
        control = region.get("from_name")
        value = region.get("value") or {}
        for label in value.get("labels") or []:
            span = _span(value.get("start"), value.get("end"), label, where)
            if control == PLACEHOLDER_CONTROL or span.is_placeholder:
                marks.append(span)
            elif control == ENTITY_CONTROL:
                entities.append(span)
    return _entity_spans(entities), tuple(marks)


@register
class LabelStudio(Format):
    """Tasks out with `predictions`; in, the project's "JSON" or "JSON-MIN" export."""

    name = "label-studio"
    suffix = ".json"
    tool = "Label Studio"
    credits_leaseholder = True  # `completed_by` is Label Studio's own user id

    @staticmethod
    def _region(item: QueueItem, span: Span, control: str, index: int) -> dict[str, Any]:
        region: dict[str, Any] = {
            "id": f"{control[0]}{index}",
            "from_name": control,
            "to_name": TEXT_OBJECT,
            "type": "labels",
            "value": {
                "start": span.start,
                "end": span.end,
                "text": item.text[span.start : span.end],
                "labels": [span.label],
            },
        }
        if span.score is not None:
            region["score"] = round(span.score, 6)
        if control == PLACEHOLDER_CONTROL:
            region["readonly"] = True  # the editor locks it: no move, relabel or delete
        return region

    kinds = tuple(kind.value for kind in QueueTask)

    @staticmethod
    def _kind_task(item: QueueItem, settings: QueueSettings, width: int) -> dict[str, Any]:
        data: dict[str, Any] = {TEXT_OBJECT: item.text, "item_id": item.item_id, "queue": item.queue}
        if settings.task is QueueTask.PREFERENCE:
            responses = responses_of(item)
            data[PROMPT_OBJECT] = messages_of(item)
            if width <= 2:  # the two <Text> objects of a pairwise config
                data["response_0"], data["response_1"] = responses[0], responses[1]
            data[RESPONSES_OBJECT] = [
                {"id": str(i), "title": f"Response {i + 1}", "body": r} for i, r in enumerate(responses)
            ]
        else:
            data["messages"] = messages_of(item)
        task: dict[str, Any] = {"data": data}
        result = _label_studio_suggestion(item, settings, width)
        if result:
            prediction: dict[str, Any] = {"model_version": item.model or PLACEHOLDER_AGENT, "result": result}
            if item.confidence is not None:
                prediction["score"] = round(item.confidence, 6)
            task["predictions"] = [prediction]
        return task

    def _kind_records(self, items: Sequence[QueueItem], settings: QueueSettings) -> list[dict[str, Any]]:
        width = preference_width(items) if settings.task is QueueTask.PREFERENCE else 2
        return [self._kind_task(item, settings, width) for item in items]

    def _span_records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        allowed = set(labels)
        tasks = []
        for item in items:
            result = [
                self._region(item, span, ENTITY_CONTROL, i)
                for i, span in enumerate(item.predictions)
                if span.label in allowed
            ] + [self._region(item, span, PLACEHOLDER_CONTROL, i) for i, span in enumerate(item.spans)]
            task: dict[str, Any] = {
                "data": {TEXT_OBJECT: item.text, "item_id": item.item_id, "queue": item.queue}
            }
            if result:
                prediction: dict[str, Any] = {
                    "model_version": item.model or PLACEHOLDER_AGENT,
                    "result": result,
                }
                if item.confidence is not None:
                    prediction["score"] = round(item.confidence, 6)
                task["predictions"] = [prediction]
            tasks.append(task)
        return tasks

    def export(
        self,
        items: Sequence[QueueItem],
        path: str | os.PathLike[str],
        labels: Sequence[str],
        settings: QueueSettings | None = None,
    ) -> Path:
        tasks = self.records(items, labels, settings)
        return atomic_write(
            Path(path),
            lambda tmp: Path(tmp).write_text(
                json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8"
            ),
        )

    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        path = Path(path)
        kind, records = _label_studio_records(path)
        if kind == "JSON-MIN":
            return ToolExport(
                [note for n, r in enumerate(records, 1) for note in self._min_record(path, n, r)],
                kind,
                (f'{path}: JSON-MIN leaves skipped tasks out: the "JSON" export returns them to the queue',),
            )
        return ToolExport([note for n, t in enumerate(records, 1) for note in self._task(path, n, t)], kind)

    @staticmethod
    def _task(path: Path, number: int, task: dict[str, Any]) -> list[ToolAnnotation]:
        where = f"{path}: task {number}"
        item_id = task["data"].get("item_id")
        if not item_id:
            raise QueueError(f"{where}: no data.item_id (was it exported by scrubline?)")
        notes = task.get("annotations", task.get("completions")) or []
        if not isinstance(notes, list):
            raise QueueError(f"{where}: 'annotations' is not a list")
        out = []
        for index, note in enumerate(notes, 1):
            if not isinstance(note, dict):
                raise QueueError(f"{where}: annotation {index} is not an object")
            at = f"{where}, annotation {note.get('id', index)}"
            spans, marks = _label_studio_regions(note.get("result") or [], at)
            out.append(
                ToolAnnotation(
                    item_id=str(item_id),
                    users=_user_keys(note.get("completed_by")),
                    spans=spans,
                    where=at,
                    skipped=bool(note.get("was_cancelled") or note.get("skipped")),
                    placeholders=marks,
                    answer=_label_studio_answer(note.get("result") or [], at),
                )
            )
        return out

    @staticmethod
    def _min_record(path: Path, number: int, record: dict[str, Any]) -> list[ToolAnnotation]:
        if record.get("annotation_id") is None and record.get("annotator") is None:
            return []  # a task nobody annotated
        where = f"{path}: record {number}"
        item_id = record.get("item_id")
        if not item_id:
            raise QueueError(f"{where}: no item_id (was it exported by scrubline?)")
        try:
            answer = _label_studio_min_answer(record, where)
        except (TypeError, ValueError, AttributeError):
            raise QueueError(f"{where}: an answer Scrubline cannot read") from None
        if answer is not None:
            return [
                ToolAnnotation(str(item_id), _user_keys(record.get("annotator")), (), where, answer=answer)
            ]
        # JSON-MIN keeps one key per control, each a list of its regions' values.
        result = []
        for control in (ENTITY_CONTROL, PLACEHOLDER_CONTROL):
            values = record.get(control) or []
            if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
                raise QueueError(f"{where}: '{control}' is not a list of regions")
            result += [{"from_name": control, "type": "labels", "value": v} for v in values]
        spans, marks = _label_studio_regions(result, where)
        return [ToolAnnotation(str(item_id), _user_keys(record.get("annotator")), spans, where, False, marks)]

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        path = Path(path)
        kind, records = _label_studio_records(path)
        found = (r.get("item_id") if kind == "JSON-MIN" else r["data"].get("item_id") for r in records)
        return list(dict.fromkeys(str(i) for i in found if i))


# --- Argilla -----------------------------------------------------------------------------------


def argilla_settings(labels: Sequence[str], placeholder_labels: Sequence[str], client=None):
    """The `argilla.Settings` of a dataset the exported records fit (needs `argilla`)."""
    try:
        import argilla as rg
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            "the Argilla settings need the argilla package (pip install argilla)"
        ) from None
    marks = list(placeholder_labels) or [PLACEHOLDER_PREFIX + "ANY"]
    return rg.Settings(
        fields=[rg.TextField(name=TEXT_OBJECT, client=client)],
        questions=[
            rg.SpanQuestion(
                name=ARGILLA_QUESTION,
                field=TEXT_OBJECT,
                labels=list(labels),
                allow_overlapping=False,
                client=client,
            ),
            rg.SpanQuestion(
                name=ARGILLA_PLACEHOLDER_QUESTION,
                field=TEXT_OBJECT,
                labels=marks,
                required=False,
                client=client,
            ),
        ],
        metadata=[rg.TermsMetadataProperty(name="queue", client=client)],
    )


def _argilla_rating_values(settings: QueueSettings) -> list[int] | None:
    """The values of an Argilla RatingQuestion for the scale (it takes 0 to 10), else None."""
    scale = settings.rating_scale
    return list(range(scale.min, scale.max + 1)) if 0 <= scale.min and scale.max <= 10 else None


def argilla_settings_for(
    settings: QueueSettings, placeholder_labels: Sequence[str], client=None, responses: int = 2
):
    """The `argilla.Settings` of a queue's dataset, per task kind (see the module docstring);
    `responses`: for preference queues, the most responses an item has."""
    task = settings.task
    if task is QueueTask.SPANS:
        return argilla_settings(settings.labels, placeholder_labels, client=client)
    try:
        import argilla as rg
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            "the Argilla settings need the argilla package (pip install argilla)"
        ) from None
    guidelines = settings.instructions or None
    if task is QueueTask.PREFERENCE:
        fields = [rg.ChatField(name=PROMPT_OBJECT, _client=client)] + [
            rg.TextField(name=f"response_{i}", title=f"Response {i + 1}", required=i < 2, client=client)
            for i in range(max(2, responses))
        ]
        values = {f"response_{i}": f"Response {i + 1}" for i in range(max(2, responses))}
        questions = [rg.RankingQuestion(name=RANKING_CONTROL, values=values, client=client)]
    else:
        fields = [rg.ChatField(name="messages", _client=client)]
        if task is QueueTask.CLASSIFICATION:
            kind = rg.MultiLabelQuestion if settings.multi else rg.LabelQuestion
            questions = [kind(name=CHOICE_CONTROL, labels=list(settings.labels), client=client)]
        elif task is QueueTask.RATING:
            stars = _argilla_rating_values(settings)
            if stars is not None:
                questions = [rg.RatingQuestion(name=RATING_CONTROL, values=stars, client=client)]
            else:
                scale = settings.rating_scale
                values = [str(v) for v in range(scale.min, scale.max + 1)]
                questions = [rg.LabelQuestion(name=RATING_CONTROL, labels=values, client=client)]
        else:
            questions = [rg.TextQuestion(name=TEXT_CONTROL, client=client)]
    return rg.Settings(
        guidelines=guidelines,
        fields=fields,
        questions=questions,
        metadata=[rg.TermsMetadataProperty(name="queue", client=client)],
    )


def _argilla_suggestion(item: QueueItem, settings: QueueSettings) -> dict[str, Any]:
    found = item.suggestion or {}
    agent = item.model or PLACEHOLDER_AGENT
    score = None if item.confidence is None else round(item.confidence, 6)
    task = settings.task
    if task is QueueTask.CLASSIFICATION and _labels_of(found):
        labels = _labels_of(found)
        if settings.multi:
            scores = found.get("scores") or {}
            per = [round(float(scores.get(x, score if score is not None else 1.0)), 6) for x in labels]
            return {CHOICE_CONTROL: {"value": labels, "score": per, "agent": agent}}
        return {CHOICE_CONTROL: {"value": labels[0], "score": score, "agent": agent}}
    if task is QueueTask.RATING and isinstance(found.get("rating"), int):
        value: Any = found["rating"] if _argilla_rating_values(settings) else str(found["rating"])
        return {RATING_CONTROL: {"value": value, "score": score, "agent": agent}}
    if task is QueueTask.PREFERENCE and found.get("ranking"):
        value = [f"response_{i}" for i in found["ranking"]]
        return {RANKING_CONTROL: {"value": value, "score": None, "agent": agent}}
    if task is QueueTask.TEXT and isinstance(found.get("text"), str):
        return {TEXT_CONTROL: {"value": found["text"], "score": score, "agent": agent}}
    return {}


def _argilla_answer(question: str, value: Any, where: str) -> dict[str, Any]:
    try:
        if question == CHOICE_CONTROL:
            return {"labels": [str(x) for x in value] if isinstance(value, list) else [str(value)]}
        if question == RATING_CONTROL:
            return {"rating": int(value)}
        if question == RANKING_CONTROL:
            order = [v.get("value") if isinstance(v, dict) else v for v in value]
            return {"ranking": [int(str(x).removeprefix("response_")) for x in order]}
        return {"text": str(value)}
    except (TypeError, ValueError, AttributeError):
        raise QueueError(f"{where}: a '{question}' response Scrubline cannot read") from None


@register
class Argilla(Format):
    name = "argilla"
    tool = "Argilla"
    suffix = ".jsonl"
    kinds = tuple(kind.value for kind in QueueTask)

    def _kind_record(self, item: QueueItem, settings: QueueSettings) -> dict[str, Any]:
        if settings.task is QueueTask.PREFERENCE:
            fields: dict[str, Any] = {PROMPT_OBJECT: messages_of(item)}
            fields.update({f"response_{i}": r for i, r in enumerate(responses_of(item))})
        else:
            fields = {"messages": messages_of(item)}
        return {
            "id": item.item_id,
            "fields": fields,
            "metadata": {"queue": item.queue},
            "suggestions": _argilla_suggestion(item, settings),
            "responses": {},
            "vectors": {},
            "status": "pending",
        }

    def _kind_records(self, items: Sequence[QueueItem], settings: QueueSettings) -> list[dict[str, Any]]:
        return [self._kind_record(item, settings) for item in items]

    def _span_records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        allowed = set(labels)
        out = []
        for item in items:
            suggestions: dict[str, Any] = {}
            entities = [s for s in item.predictions if s.label in allowed]
            if entities:
                suggestions[ARGILLA_QUESTION] = {
                    "value": [{"start": s.start, "end": s.end, "label": s.label} for s in entities],
                    "score": [round(s.score if s.score is not None else 1.0, 6) for s in entities],
                    "agent": item.model or PLACEHOLDER_AGENT,
                }
            if item.spans:
                suggestions[ARGILLA_PLACEHOLDER_QUESTION] = {
                    "value": [{"start": s.start, "end": s.end, "label": s.label} for s in item.spans],
                    "score": None,
                    "agent": PLACEHOLDER_AGENT,
                }
            out.append(
                {
                    "id": item.item_id,
                    "fields": {TEXT_OBJECT: item.text},
                    "metadata": {"queue": item.queue},
                    "suggestions": suggestions,
                    "responses": {},
                    "vectors": {},
                    "status": "pending",
                }
            )
        return out

    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        path = Path(path)
        out = []
        for number, record in enumerate(_read_json_records(path), 1):
            where = f"{path}: record {number}"
            if not isinstance(record, dict) or not record.get("id"):
                raise QueueError(f"{where}: not an Argilla record (no 'id')")
            answered = record.get("responses") or {}
            for question in (CHOICE_CONTROL, RATING_CONTROL, RANKING_CONTROL, TEXT_CONTROL):
                if question not in answered:
                    continue
                for response in answered[question] or []:
                    if response.get("status", "submitted") != "submitted":
                        continue
                    answer = _argilla_answer(question, response.get("value"), where)
                    who = _user_keys(response.get("user_id"))
                    out.append(ToolAnnotation(str(record["id"]), who, (), where, answer=answer))
            responses = answered.get(ARGILLA_QUESTION) or []
            for response in responses:
                if response.get("status", "submitted") != "submitted":
                    continue  # a draft, or discarded: not work to take in
                spans = [
                    _span(v.get("start"), v.get("end"), v.get("label"), where)
                    for v in response.get("value") or []
                ]
                out.append(
                    ToolAnnotation(
                        str(record["id"]), _user_keys(response.get("user_id")), _entity_spans(spans), where
                    )
                )
        return ToolExport(out)

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(record["id"]) for record in _read_json_records(Path(path))]


def _shown_spans(item: QueueItem, allowed: set[str]) -> list[Span]:
    """Pre-annotations with a label the queue uses, and the placeholders, in text order."""
    shown = [s for s in item.predictions if s.label in allowed] + list(item.spans)
    return sorted(shown, key=lambda s: (s.start, s.end))


# --- doccano -----------------------------------------------------------------------------------


@register
class Doccano(Format):
    name = "doccano"
    tool = "doccano"
    suffix = ".jsonl"
    kinds = (SPANS, QueueTask.CLASSIFICATION.value)

    def _kind_records(self, items: Sequence[QueueItem], settings: QueueSettings) -> list[dict[str, Any]]:
        # doccano's text classification import: `label` a list of label names.
        return [
            {
                "text": item.text,
                "label": _labels_of(item.suggestion),
                "item_id": item.item_id,
                "queue": item.queue,
            }
            for item in items
        ]

    def _span_records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        allowed = set(labels)
        out = []
        for item in items:
            spans = _shown_spans(item, allowed)
            out.append(
                {
                    "text": item.text,
                    "label": [[s.start, s.end, s.label] for s in spans],
                    "item_id": item.item_id,
                    "queue": item.queue,
                }
            )
        return out

    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        path = Path(path)
        out = []
        for number, record in enumerate(_read_json_records(path), 1):
            where = f"{path}: line {number}"
            if not isinstance(record, dict):
                raise QueueError(f"{where}: not a JSON object")
            meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
            item_id = record.get("item_id") or meta.get("item_id")
            if not item_id:
                raise QueueError(f"{where}: no item_id (was it exported by scrubline?)")
            entries = record.get("label") or []
            if isinstance(entries, list) and entries and all(isinstance(x, str) for x in entries):
                # text classification: label names
                who = _user_keys(record.get("annotator") or record.get("user"))
                out.append(ToolAnnotation(str(item_id), who, (), where, answer={"labels": list(entries)}))
                continue
            spans = []
            for entry in entries:
                if isinstance(entry, list | tuple) and len(entry) == 3:
                    spans.append(_span(entry[0], entry[1], entry[2], where))
                elif isinstance(entry, dict):
                    spans.append(
                        _span(entry.get("start_offset"), entry.get("end_offset"), entry.get("label"), where)
                    )
                else:
                    raise QueueError(f"{where}: a label must be [start, end, label]")
            for entry in record.get("entities") or []:
                spans.append(
                    _span(entry.get("start_offset"), entry.get("end_offset"), entry.get("label"), where)
                )
            who = _user_keys(record.get("annotator") or record.get("user"))
            out.append(ToolAnnotation(str(item_id), who, _entity_spans(spans), where))
        return ToolExport(out)

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(record["item_id"]) for record in _read_json_records(Path(path))]


# --- Prodigy -----------------------------------------------------------------------------------

PRODIGY_INPUT_KEYS = ("text", "image", "html", "input")
PRODIGY_TASK_KEYS = ("spans", "label", "options", "arcs")


def prodigy_hash(value: str) -> int:
    """Signed 32-bit MurmurHash3 (x86_32, seed 0), the hash Prodigy's task hashes use."""
    from murmurhash import mrmr

    return int(mrmr.hash(value))


def prodigy_hashes(task: dict[str, Any]) -> tuple[int, int]:
    """(_input_hash, _task_hash): the input keys (plus the item id), then the input hash and the
    task keys, each as sorted-key JSON."""
    inputs = {key: task[key] for key in PRODIGY_INPUT_KEYS if key in task}
    inputs["item_id"] = task.get("meta", {}).get("item_id")
    input_hash = prodigy_hash(json.dumps(inputs, sort_keys=True, ensure_ascii=False))
    questions = {key: task[key] for key in PRODIGY_TASK_KEYS if key in task}
    task_hash = prodigy_hash(str(input_hash) + json.dumps(questions, sort_keys=True, ensure_ascii=False))
    return input_hash, task_hash


@register
class Prodigy(Format):
    name = "prodigy"
    tool = "Prodigy"
    suffix = ".jsonl"
    kinds = (SPANS, QueueTask.CLASSIFICATION.value, QueueTask.RATING.value, QueueTask.PREFERENCE.value)

    @staticmethod
    def _choice_task(item: QueueItem, settings: QueueSettings) -> dict[str, Any]:
        found = item.suggestion or {}
        task = settings.task
        meta = {"item_id": item.item_id, "queue": item.queue, "task": task.value}
        style = "single"
        if task is QueueTask.CLASSIFICATION:
            text = item.text
            options = [{"id": label, "text": label} for label in settings.labels]
            accept: list[Any] = _labels_of(found)
            style = "multiple" if settings.multi else "single"
        elif task is QueueTask.RATING:
            text = item.text
            scale = settings.rating_scale
            options = [{"id": v, "text": str(v)} for v in range(scale.min, scale.max + 1)]
            accept = [found["rating"]] if isinstance(found.get("rating"), int) else []
        else:
            responses = responses_of(item)
            if len(responses) != 2:
                raise QueueError(
                    f"item {item.item_id}: Prodigy's choice takes the better of two responses; this item "
                    f"has {len(responses)} (export it to label-studio, argilla or parquet)"
                )
            prompt = messages_of(item)
            text = "\n".join(f"{m['role']}: {m['content']}" for m in prompt)
            options = [{"id": i, "text": r} for i, r in enumerate(responses)]
            accept = [found["ranking"][0]] if found.get("ranking") else []
        out: dict[str, Any] = {"text": text, "options": options, "accept": accept}
        out["config"] = {"choice_style": style}
        out["meta"] = meta
        out["_input_hash"], out["_task_hash"] = prodigy_hashes(out)
        return out

    def _kind_records(self, items: Sequence[QueueItem], settings: QueueSettings) -> list[dict[str, Any]]:
        return [self._choice_task(item, settings) for item in items]

    def _span_records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        allowed = set(labels)
        out = []
        for item in items:
            spans = _shown_spans(item, allowed)
            task: dict[str, Any] = {
                "text": item.text,
                "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in spans],
                "meta": {"item_id": item.item_id, "queue": item.queue},
            }
            task["_input_hash"], task["_task_hash"] = prodigy_hashes(task)
            out.append(task)
        return out

    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        path = Path(path)
        out = []
        for number, task in enumerate(_read_json_records(path), 1):
            where = f"{path}: line {number}"
            if not isinstance(task, dict):
                raise QueueError(f"{where}: not a JSON object")
            item_id = (task.get("meta") or {}).get("item_id")
            if not item_id:
                raise QueueError(f"{where}: no meta.item_id (was it exported by scrubline?)")
            if task.get("answer", "accept") != "accept":
                continue  # rejected or ignored: no annotation
            kind = (task.get("meta") or {}).get("task") or SPANS
            if kind != SPANS:
                who = _user_keys(task.get("_annotator_id") or task.get("_session_id"))
                answer = self._choice_answer(kind, task.get("accept"), len(task.get("options") or []), where)
                out.append(ToolAnnotation(str(item_id), who, (), where, answer=answer))
                continue
            spans = [
                _span(s.get("start"), s.get("end"), s.get("label"), where) for s in task.get("spans") or []
            ]
            who = _user_keys(task.get("_annotator_id") or task.get("_session_id"))
            out.append(ToolAnnotation(str(item_id), who, _entity_spans(spans), where))
        return ToolExport(out)

    @staticmethod
    def _choice_answer(kind: str, accept: Any, options: int, where: str) -> dict[str, Any]:
        if not isinstance(accept, list):
            raise QueueError(f"{where}: 'accept' is not a list of option ids")
        try:
            if kind == QueueTask.CLASSIFICATION.value:
                return {"labels": [str(x) for x in accept]}
            if kind == QueueTask.RATING.value:
                (rating,) = accept
                return {"rating": int(rating)}
            if kind == QueueTask.PREFERENCE.value:
                (chosen,) = accept
                chosen = int(chosen)
                return {"ranking": [chosen, *(i for i in range(options) if i != chosen)]}
        except (TypeError, ValueError):
            raise QueueError(f"{where}: a {kind} task accepts exactly one option") from None
        raise QueueError(f"{where}: meta.task '{kind}' is not a task kind Prodigy exports have")

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(task["meta"]["item_id"]) for task in _read_json_records(Path(path))]


# --- Parquet -----------------------------------------------------------------------------------


def _parquet_schemas():
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())])
    scored = pa.struct(
        [("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("score", pa.float64())]
    )
    export = pa.schema(
        [
            ("item_id", pa.string()),
            ("queue", pa.string()),
            ("text", pa.string()),
            ("spans", pa.list_(span)),
            ("predictions", pa.list_(scored)),
            ("confidence", pa.float64()),
            ("model", pa.string()),
            ("task", pa.string()),
            ("content", pa.string()),  # JSON: the kind's view (messages; prompt and responses)
            ("suggestion", pa.string()),  # JSON: a model's answer, or null
        ]
    )
    completed = pa.schema(
        [
            ("item_id", pa.string()),
            ("annotator", pa.string()),
            ("spans", pa.list_(span)),
            ("answer", pa.string()),  # JSON: the answer of a non-span item
        ]
    )
    return export, completed


@register
class Parquet(Format):
    name = "parquet"
    suffix = ".parquet"
    kinds = tuple(kind.value for kind in QueueTask)

    @property
    def schema(self):
        return _parquet_schemas()[0]

    @property
    def annotation_schema(self):
        return _parquet_schemas()[1]

    def records(
        self, items: Sequence[QueueItem], labels: Sequence[str], settings: QueueSettings | None = None
    ) -> list[dict[str, Any]]:
        kind = _kind(items, settings)
        allowed = set(labels) if kind == SPANS else set()
        return [
            {
                "item_id": item.item_id,
                "queue": item.queue,
                "text": item.text,
                "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in item.spans],
                "predictions": [
                    {"start": s.start, "end": s.end, "label": s.label, "score": s.score}
                    for s in item.predictions
                    if s.label in allowed
                ],
                "confidence": item.confidence,
                "model": item.model,
                "task": item.task or SPANS,
                "content": json.dumps(item.content or {}, ensure_ascii=False),
                "suggestion": None
                if item.suggestion is None
                else json.dumps(item.suggestion, ensure_ascii=False),
            }
            for item in items
        ]

    def export(
        self,
        items: Sequence[QueueItem],
        path: str | os.PathLike[str],
        labels: Sequence[str],
        settings: QueueSettings | None = None,
    ) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self.records(items, labels, settings), schema=self.schema)
        return atomic_write(Path(path), lambda tmp: pq.write_table(table, tmp))

    def _read(self, path: Path):
        import pyarrow.parquet as pq

        if not path.exists():
            raise QueueError(f"{path}: no such file")
        try:
            return pq.read_table(path)
        except Exception:  # noqa: BLE001 - pyarrow raises several types for a bad file
            raise QueueError(f"{path}: not a Parquet file") from None

    def read(self, path: str | os.PathLike[str]) -> ToolExport:
        path = Path(path)
        table = self._read(path)
        columns = set(table.column_names)
        if "item_id" not in columns or not columns & {"spans", "answer"}:
            raise QueueError(
                f"{path}: needs columns item_id, annotator, and spans (or answer, JSON text, for "
                "non-span tasks)"
            )
        out = []
        for number, row in enumerate(table.to_pylist(), 1):
            where = f"{path}: row {number}"
            spans = [
                _span(s.get("start"), s.get("end"), s.get("label"), where) for s in row.get("spans") or []
            ]
            answer = row.get("answer")
            if answer is not None:
                try:
                    answer = json.loads(answer) if isinstance(answer, str) else dict(answer)
                except (TypeError, ValueError):
                    raise QueueError(f"{path}: row {number}: 'answer' is not a JSON object") from None
            out.append(
                ToolAnnotation(
                    str(row["item_id"]),
                    _user_keys(row.get("annotator")),
                    _entity_spans(spans),
                    where,
                    answer=answer,
                )
            )
        return ToolExport(out)

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(v) for v in self._read(Path(path)).column("item_id").to_pylist()]


def format_for_path(path: str | os.PathLike[str], name: str | None) -> Format:
    """The named format, or the one a `.parquet` file implies."""
    if name:
        return get_format(name)
    if str(path).endswith(".parquet"):
        return get_format("parquet")
    raise QueueError(f"{path}: say which format it is with --format ({', '.join(format_names())})")


# --- Import: credit, store, return skipped items -------------------------------------------------


def user_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`TOOL_USER=NAME` pairs (the tool's user id or email, a Scrubline annotator) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs:
        user, sep, name = (part.strip() for part in pair.partition("="))
        if not sep or not user or not name:
            raise QueueError(
                "--user: expected TOOL_USER=NAME, e.g. --user 3=alice or --user ann@example.org=alice"
            )
        if out.get(user, name) != name:
            raise QueueError(f"--user: user {user} is mapped twice ({out[user]}, {name})")
        out[user] = name
    return out


@dataclass
class AnnotatorImport:
    """Item ids, for one annotator: annotations stored new, replacing one with other spans,
    identical to the one stored; skipped items returned to the queue (nacked)."""

    new: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    nacked: list[str] = field(default_factory=list)

    @property
    def saved(self) -> list[str]:
        return self.new + self.replaced + self.unchanged


@dataclass
class ImportReport:
    """What an import did, per annotator (item ids and names only, never text); every count
    shown is summed from `annotators`."""

    path: str
    format: str
    kind: str = ""
    annotators: dict[str, AnnotatorImport] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # item ids this store does not hold
    warnings: list[str] = field(default_factory=list)

    def _total(self, what: str) -> int:
        return sum(len(getattr(a, what)) for a in self.annotators.values())

    @property
    def saved(self) -> int:
        return self._total("saved")

    @property
    def new(self) -> int:
        return self._total("new")

    @property
    def replaced(self) -> int:
        return self._total("replaced")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    @property
    def nacked(self) -> int:
        return self._total("nacked")

    def of(self, annotator: str) -> AnnotatorImport:
        return self.annotators.setdefault(annotator, AnnotatorImport())

    def summary(self) -> list[str]:
        """The lines to print: what was stored, for whom, and what went back to the queue."""
        what = f"{self.format} {self.kind}" if self.kind else self.format
        lines = [
            f"{_count(self.saved, 'annotation')} imported from {self.path} ({what}): {self.new} new, "
            f"{self.replaced} replaced earlier ones, {self.unchanged} identical"
        ]
        for name, done in sorted(self.annotators.items()):
            if done.saved:
                lines.append(f"{_count(len(done.saved), 'annotation')} credited to {name}")
        for name, done in sorted(self.annotators.items()):
            if done.nacked:
                lines.append(f"{_count(len(done.nacked), 'skipped task')} returned (nacked) for {name}")
        return lines

    def notices(self) -> list[str]:
        """The lines for stderr: items the store does not hold, and every warning."""
        out = list(self.warnings)
        if self.unknown:
            out.append(f"{len(self.unknown)} name items this store does not hold (skipped)")
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


_GIVEN = (AssignmentState.LEASED, AssignmentState.EXPIRED, AssignmentState.DONE)


def import_annotations(
    store: QueueStore,
    fmt: Format | str,
    path: str | os.PathLike[str],
    *,
    annotator: str | None = None,
    users: Mapping[str, str] | None = None,
) -> ImportReport:
    """Read a tool's export, credit every annotation to a Scrubline annotator (see the module
    docstring), store the completed ones and nack the skipped ones for whoever they are
    credited to. Nothing is stored when any annotation cannot be credited: the error lists them."""
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    users = dict(users or {})
    export = fmt.read(path)
    report = ImportReport(str(path), fmt.name, export.kind, warnings=list(export.notes))
    ids = list(dict.fromkeys(note.item_id for note in export.annotations))
    items = {item.item_id: item for item in store.items(ids)}
    report.unknown = [i for i in ids if i not in items]
    given = store.assignments(list(items))
    known = [note for note in export.annotations if note.item_id in items]
    credited = _credit(fmt, path, known, given, annotator, users, report)

    for note, name in credited:
        marks = {(s.start, s.end) for s in items[note.item_id].spans}
        stray = [s for s in note.placeholders if (s.start, s.end) not in marks]
        if stray and not note.skipped:
            report.warnings.append(
                f"item {note.item_id} ({name}): {_count(len(stray), 'placeholder label')} on text that "
                "is not a redaction placeholder, left out"
            )
    settings = store.settings()
    answers: dict[int, dict[str, Any] | None] = {}
    for index, (note, _) in enumerate(credited):
        if note.skipped:
            continue
        item = items[note.item_id]
        queue = settings.get(item.queue)
        if (item.task or SPANS) == SPANS or queue is None:
            answers[index] = None
            continue
        if note.answer is None:
            raise QueueError(
                f"{note.where}: item {note.item_id} is a {item.task} item, but the annotation has no answer"
            )
        answers[index] = check_answer(queue, item, note.answer, f"{note.where} (item {note.item_id})")
    result = store.save_annotations(
        Annotation(note.item_id, name, note.spans, answers[index])
        for index, (note, name) in enumerate(credited)
        if not note.skipped
    )
    for outcome in ("new", "replaced", "unchanged"):
        for item_id, name in getattr(result, outcome):
            getattr(report.of(name), outcome).append(item_id)
    report.unknown += [i for i in result.unknown if i not in report.unknown]
    _return_skipped(store, [(n, name) for n, name in credited if n.skipped], given, report)
    return report


def _credit(
    fmt: Format,
    path: str | os.PathLike[str],
    notes: Sequence[ToolAnnotation],
    given: Mapping[str, Mapping[str, str]],
    annotator: str | None,
    users: Mapping[str, str],
    report: ImportReport,
) -> list[tuple[ToolAnnotation, str]]:
    """Each annotation with the Scrubline annotator it is credited to; a QueueError listing the
    ones that cannot be credited, or that would be two annotations of one item by one person."""
    tool = fmt.tool or fmt.name
    if annotator and users:
        report.warnings.append(f"--user ignored: --annotator credits every annotation to {annotator}")
    credited: list[tuple[ToolAnnotation, str]] = []
    problems: list[str] = []
    unmapped: dict[str, list[str]] = {}  # tool user -> what makes each of their items ambiguous
    mapped: set[str] = set()
    for note in notes:
        holders = given.get(note.item_id, {})
        key = next((k for k in note.users if k in users), None)
        if annotator:
            credited.append((note, annotator))
        elif key is not None:
            mapped.add(key)
            if users[key] not in holders:
                report.warnings.append(
                    f"item {note.item_id}: --user {key}={users[key]}, but {users[key]} holds no lease on it"
                    " (credited anyway)"
                )
            credited.append((note, users[key]))
        elif fmt.credits_leaseholder:
            candidates = sorted(a for a, state in holders.items() if state in _GIVEN)
            if len(candidates) == 1:
                credited.append((note, candidates[0]))
                continue
            held = ", ".join(f"{a} ({holders[a]})" for a in candidates) or "nobody (no lease)"
            unmapped.setdefault(note.user or "N", []).append(f"item {note.item_id} is held by {held}")
        elif note.users:
            credited.append((note, note.users[0]))
        else:
            problems.append(f"{note.where}: no annotator in the file: pass --annotator")
    for user, why in unmapped.items():
        more = f" (and {_count(len(why) - 1, 'more item')})" if len(why) > 1 else ""
        problems.append(f"{tool} user {user}: {why[0]}{more}: map the user with --user {user}=NAME")
    if not annotator:
        report.warnings += [
            f"--user {key}={name}: {tool} user {key} has nothing in {path}"
            for key, name in users.items()
            if key not in mapped
        ]

    per_credit: dict[tuple[str, str], list[ToolAnnotation]] = defaultdict(list)
    for note, name in credited:
        per_credit[(note.item_id, name)].append(note)
    for (item_id, name), same in per_credit.items():
        if len(same) > 1:
            whose = ", ".join(dict.fromkeys(n.user or "(none)" for n in same))
            hint = (
                "one --annotator for an item several people annotated"
                if annotator
                else "map each user to their own annotator with --user N=NAME"
            )
            problems.append(
                f"item {item_id}: {len(same)} annotations credited to {name} ({tool} users {whose}): {hint}"
            )
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise QueueError(f"{path}: nothing imported: {'; '.join(problems[:3])}{more}")
    return credited


def _return_skipped(
    store: QueueStore,
    skipped: Sequence[tuple[ToolAnnotation, str]],
    given: Mapping[str, Mapping[str, str]],
    report: ImportReport,
) -> None:
    """Nack each skipped item for the annotator it is credited to, so it goes to someone else."""
    for note, name in skipped:
        if store.nack(name, [note.item_id]):
            report.of(name).nacked.append(note.item_id)
            continue
        state = given.get(note.item_id, {}).get(name)
        if state == AssignmentState.NACKED:
            continue  # returned by an earlier import of the same file
        why = "had finished it: left done" if state == AssignmentState.DONE else "holds no lease on it"
        report.warnings.append(f"item {note.item_id}: {name} skipped it, but {why}")
