"""Batches out to annotation tools, completed annotations back in.

Every format carries the item id (so what comes back finds its item), the item's text, the
pre-labeller's entities as pre-annotations, and the redaction placeholders as spans labelled
`REDACTED:<ENTITY>`. Exports never say which items are gold. Importers read the tool's own
export of completed work and return `Annotation`s (placeholder spans dropped).

* `label-studio`: a JSON list of tasks `{"data": {"text", "item_id", "queue"}, "predictions":
  [{"model_version", "score", "result": [region...]}]}`; each region is NER-style
  `{"id", "from_name", "to_name": "text", "type": "labels", "value": {"start", "end", "text",
  "labels": [label]}, "score"}`. Entities use the control `label`, placeholders `redacted`;
  `label_studio_config` writes the matching labeling config. Import: Label Studio's JSON
  export (`annotations[].result`, `completed_by`, cancelled ones skipped).
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
"""

from __future__ import annotations

import abc
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from ..io import atomic_write
from .base import PLACEHOLDER_PREFIX, Annotation, QueueError, QueueItem, Span

ENTITY_CONTROL = "label"
PLACEHOLDER_CONTROL = "redacted"
TEXT_OBJECT = "text"
ARGILLA_QUESTION = "entities"
ARGILLA_PLACEHOLDER_QUESTION = "redacted"
PLACEHOLDER_AGENT = "scrubline"


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


def _annotator(override: str | None, found: Any, where: str) -> str:
    if override:
        return override
    if isinstance(found, dict):
        found = found.get("email") or found.get("username") or found.get("id")
    if found is None or str(found).strip() == "":
        raise QueueError(f"{where}: no annotator in the file: pass --annotator")
    return str(found)


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


class Format(abc.ABC):
    """One annotation tool's file format."""

    name: str = ""
    suffix: str = ""

    @abc.abstractmethod
    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        """The export, as the tool's records (JSON-ready)."""

    def export(self, items: Sequence[QueueItem], path: str | os.PathLike[str], labels: Sequence[str]) -> Path:
        return _write_jsonl(Path(path), self.records(items, labels))

    @abc.abstractmethod
    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
        """Completed annotations from the tool's export."""

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


def label_studio_config(labels: Sequence[str], placeholder_labels: Sequence[str]) -> str:
    """The labeling config the tasks fit: entity labels, placeholder labels, the text."""
    entity = "\n".join(f"    <Label value={quoteattr(label)}/>" for label in labels)
    marks = "\n".join(
        f'    <Label value={quoteattr(label)} background="#9e9e9e"/>'
        for label in (placeholder_labels or [PLACEHOLDER_PREFIX + "ANY"])
    )
    return (
        "<View>\n"
        f'  <Labels name="{ENTITY_CONTROL}" toName="{TEXT_OBJECT}">\n{entity}\n  </Labels>\n'
        f'  <Labels name="{PLACEHOLDER_CONTROL}" toName="{TEXT_OBJECT}">\n{marks}\n  </Labels>\n'
        f'  <Text name="{TEXT_OBJECT}" value="${TEXT_OBJECT}"/>\n'
        "</View>\n"
    )


@register
class LabelStudio(Format):
    name = "label-studio"
    suffix = ".json"

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
        return region

    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
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

    def export(self, items: Sequence[QueueItem], path: str | os.PathLike[str], labels: Sequence[str]) -> Path:
        tasks = self.records(items, labels)
        return atomic_write(
            Path(path),
            lambda tmp: Path(tmp).write_text(
                json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8"
            ),
        )

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
        path = Path(path)
        out = []
        for number, task in enumerate(_read_json_records(path), 1):
            where = f"{path}: task {number}"
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise QueueError(f"{where}: not a Label Studio task (no 'data')")
            item_id = task["data"].get("item_id")
            if not item_id:
                raise QueueError(f"{where}: no data.item_id (was it exported by scrubline?)")
            done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
            if annotator and len(done) > 1:
                raise QueueError(f"{where}: {len(done)} annotations but one --annotator given")
            for note in done:
                spans = []
                for region in note.get("result") or []:
                    if region.get("type") != "labels" or region.get("from_name") != ENTITY_CONTROL:
                        continue
                    value = region.get("value") or {}
                    for label in value.get("labels") or []:
                        spans.append(_span(value.get("start"), value.get("end"), label, where))
                who = _annotator(annotator, note.get("completed_by"), where)
                out.append(Annotation(str(item_id), who, _entity_spans(spans)))
        return out

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(task["data"]["item_id"]) for task in _read_json_records(Path(path))]


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


@register
class Argilla(Format):
    name = "argilla"
    suffix = ".jsonl"

    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
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

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
        path = Path(path)
        out = []
        for number, record in enumerate(_read_json_records(path), 1):
            where = f"{path}: record {number}"
            if not isinstance(record, dict) or not record.get("id"):
                raise QueueError(f"{where}: not an Argilla record (no 'id')")
            responses = (record.get("responses") or {}).get(ARGILLA_QUESTION) or []
            submitted = [r for r in responses if r.get("status", "submitted") == "submitted"]
            if annotator and len(submitted) > 1:
                raise QueueError(f"{where}: {len(submitted)} responses but one --annotator given")
            for response in submitted:
                spans = [
                    _span(v.get("start"), v.get("end"), v.get("label"), where)
                    for v in response.get("value") or []
                ]
                who = _annotator(annotator, response.get("user_id"), where)
                out.append(Annotation(str(record["id"]), who, _entity_spans(spans)))
        return out

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
    suffix = ".jsonl"

    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
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

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
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
            spans = []
            for entry in record.get("label") or []:
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
            who = _annotator(annotator, record.get("annotator") or record.get("user"), where)
            out.append(Annotation(str(item_id), who, _entity_spans(spans)))
        return out

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
    suffix = ".jsonl"

    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
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

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
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
            spans = [
                _span(s.get("start"), s.get("end"), s.get("label"), where) for s in task.get("spans") or []
            ]
            who = _annotator(annotator, task.get("_annotator_id") or task.get("_session_id"), where)
            out.append(Annotation(str(item_id), who, _entity_spans(spans)))
        return out

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
        ]
    )
    completed = pa.schema([("item_id", pa.string()), ("annotator", pa.string()), ("spans", pa.list_(span))])
    return export, completed


@register
class Parquet(Format):
    name = "parquet"
    suffix = ".parquet"

    @property
    def schema(self):
        return _parquet_schemas()[0]

    @property
    def annotation_schema(self):
        return _parquet_schemas()[1]

    def records(self, items: Sequence[QueueItem], labels: Sequence[str]) -> list[dict[str, Any]]:
        allowed = set(labels)
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
            }
            for item in items
        ]

    def export(self, items: Sequence[QueueItem], path: str | os.PathLike[str], labels: Sequence[str]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self.records(items, labels), schema=self.schema)
        return atomic_write(Path(path), lambda tmp: pq.write_table(table, tmp))

    def _read(self, path: Path):
        import pyarrow.parquet as pq

        if not path.exists():
            raise QueueError(f"{path}: no such file")
        try:
            return pq.read_table(path)
        except Exception:  # noqa: BLE001 - pyarrow raises several types for a bad file
            raise QueueError(f"{path}: not a Parquet file") from None

    def parse(self, path: str | os.PathLike[str], annotator: str | None = None) -> list[Annotation]:
        path = Path(path)
        table = self._read(path)
        missing = {"item_id", "spans"} - set(table.column_names)
        if missing:
            raise QueueError(
                f"{path}: needs columns item_id, annotator, spans (missing {', '.join(sorted(missing))})"
            )
        out = []
        for number, row in enumerate(table.to_pylist(), 1):
            where = f"{path}: row {number}"
            spans = [
                _span(s.get("start"), s.get("end"), s.get("label"), where) for s in row.get("spans") or []
            ]
            who = _annotator(annotator, row.get("annotator"), where)
            out.append(Annotation(str(row["item_id"]), who, _entity_spans(spans)))
        return out

    def item_ids(self, path: str | os.PathLike[str]) -> list[str]:
        return [str(v) for v in self._read(Path(path)).column("item_id").to_pylist()]


def format_for_path(path: str | os.PathLike[str], name: str | None) -> Format:
    """The named format, or the one a `.parquet` file implies."""
    if name:
        return get_format(name)
    if str(path).endswith(".parquet"):
        return get_format("parquet")
    raise QueueError(f"{path}: say which format it is with --format ({', '.join(format_names())})")
