"""From redacted rows to queue items: text, placeholder spans, pre-annotations, priority.

`enqueue_rows` is what the pipeline calls after writing a batch. The pipeline names items by
the record's identity in its output folder (`redaction.identity.item_id`: the output folder's
id and a keyed digest of the record id, never the file), so a record re-sent, renamed, or
redone because its file grew is the same item: the store adds nothing, and updates an item
nobody has worked on yet when its content changed (`SQLiteQueueStore.upsert`). Without an
`item_key`, ids are sha256(source id, record id).

Placeholders are found in the redacted text from the policy's rules: for each entity, the
text its action writes (`<EMAIL_ADDRESS>`, `<PERSON_3>` for pseudonyms, `<PERSON:1a2b...>` for
keyed hashes, `<ENC:PERSON:...>` for encryption, runs of the masking character for masks). A
span is labelled `REDACTED:<ENTITY>`; when several entities write the same text (a shared custom
placeholder, one masking character) it is `REDACTED:ANY`. `redact` leaves nothing to mark.

Non-span task kinds (`QueueSettings.task`) carry the kind's view of the redacted record in
`NewItem.content`, and a plain rendering of it in `text` (what span-era code and agreement read):

* chat records (`messages_field`, default `messages`: a list of `{"role", "content"}`; each
  message's content was redacted as its own text, roles kept): `{"messages": [...]}`, rendered
  as one `role: content` line per message;
* preference queues: `{"prompt": str | messages, "responses": [str, ...]}` from `prompt_field`
  (or, when the record has none, its messages) and `responses_field` (two or more strings, or
  messages whose `content` is the response), rendered under `[prompt]`, `[response 1]`, ...;
* any other record in a classification, rating or text queue: `{"text": ...}`, the record's
  annotatable text as for spans.

Non-span items get no span pre-labels (their suggestions come from `scrubline queue train`).
A spans queue with a model `scrubline queue train` trained is pre-labelled by that model's
latest version (span_model.py), not the general pre-labeller, for items in its language.

Surrogates (realistic fakes) match no pattern: the pipeline writes where they stand, per field,
in the `_surrogates` column (offsets and entity types, never a value), and those spans are
marked `REDACTED:<ENTITY>` like placeholders.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..fields import Decision, FieldPlan, display_path
from ..policy import Action, Policy
from ..routing import PrelabelKind, QueueSettings, QueueTask
from .base import PLACEHOLDER_PREFIX, GoldItem, NewItem, QueueError, QueueStore, Span, TextField
from .prelabel import get_prelabeller
from .span_model import latest_span_model

logger = logging.getLogger(__name__)

QUEUE_COLUMN = "_queue"  # written by the pipeline: the routing decision (null: filtered)
# Written by the pipeline when the policy uses surrogates: JSON [[field path, start, end, entity]]
# with offsets in the redacted value of that field.
SURROGATES_COLUMN = "_surrogates"
FIELD_SEPARATOR = "\n\n"
ANY = "ANY"


def item_id_for(source_id: str, record_id: str) -> str:
    return hashlib.sha256(f"item\x00{source_id}\x00{record_id}".encode()).hexdigest()[:32]


class PlaceholderFinder:
    """Finds the text the policy's actions wrote in place of PII."""

    def __init__(self, policy: Policy):
        by_pattern: dict[str, set[str]] = {}
        self.surrogate_labels = sorted(
            PLACEHOLDER_PREFIX + entity
            for entity, rule in policy.entities.items()
            if rule.action is Action.SURROGATE
        )
        for entity, rule in policy.entities.items():
            pattern = self._pattern(entity, rule)
            if pattern is not None:
                by_pattern.setdefault(pattern, set()).add(entity)
        # Longest patterns first, so a specific form wins over a shorter one at the same place.
        ordered = sorted(by_pattern.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        self.labels: list[str] = []
        parts = []
        for index, (pattern, entities) in enumerate(ordered):
            parts.append(f"(?P<p{index}>{pattern})")
            entity = next(iter(entities)) if len(entities) == 1 else ANY
            self.labels.append(PLACEHOLDER_PREFIX + entity)
        self.regex = re.compile("|".join(parts)) if parts else None

    @staticmethod
    def _pattern(entity: str, rule) -> str | None:
        action = rule.action
        if action is Action.REPLACE:
            return re.escape((rule.placeholder or "<{entity}>").replace("{entity}", entity))
        if action is Action.PSEUDONYMIZE:
            template = (rule.placeholder or "<{entity}_{n}>").replace("{entity}", entity)
            return r"\d+".join(re.escape(piece) for piece in template.split("{n}"))
        if action is Action.HASH:
            return re.escape(f"<{entity}:") + f"[0-9a-f]{{{rule.digest_chars or 16}}}>"
        if action is Action.ENCRYPT:
            return re.escape(f"<ENC:{entity}:") + r"[A-Za-z0-9_\-]+>"
        if action is Action.MASK:
            return re.escape(rule.masking_char or "*") + "{2,}"
        return None  # redact leaves nothing; keep changes nothing; surrogates are marked by offset

    @property
    def all_labels(self) -> list[str]:
        return sorted(set(self.labels) | set(self.surrogate_labels))

    def find(self, text: str) -> list[Span]:
        if self.regex is None or not text:
            return []
        spans = []
        for match in self.regex.finditer(text):
            group = match.lastgroup
            assert group is not None
            spans.append(Span(match.start(), match.end(), self.labels[int(group[1:])]))
        return spans


def surrogate_marks(slots: Sequence[Any], redactions: Sequence[Sequence[Any]]) -> str:
    """The `_surrogates` value of a row: where each surrogate stands in its field's new text.

    `slots` are the record's text slots (`fields.split_record`), `redactions` the Redactions
    applied to each. Numeric slots are removed on any finding, so they carry no mark."""
    from ..fields import display_path

    marks = [
        [display_path(slot.path), r.new_start, r.new_end, r.entity_type]
        for slot, applied in zip(slots, redactions, strict=True)
        if not slot.numeric
        for r in applied
        if r.action == Action.SURROGATE.value and r.new_start is not None
    ]
    return json.dumps(marks, separators=(",", ":"))


def _surrogate_spans(row: Mapping[str, Any], fields: Sequence[TextField]) -> list[Span]:
    raw = row.get(SURROGATES_COLUMN)
    if not raw:
        return []
    try:
        marks = json.loads(raw)
    except (TypeError, ValueError):
        raise QueueError(f"column '{SURROGATES_COLUMN}' is not valid JSON") from None
    where = {field.path: field for field in fields}
    spans = []
    for path, start, end, entity in marks:
        field = where.get(path)
        if field is None or not 0 <= start <= end <= field.end - field.start:
            continue  # the field is not shown (kept as it is), or changed since
        spans.append(Span(field.start + start, field.start + end, PLACEHOLDER_PREFIX + entity))
    return spans


def field_header(path: str) -> str:
    """The line shown above a field's value when an item has several fields."""
    return f"[{path}]\n"


def compose_text(row: Mapping[str, Any], plan: FieldPlan, id_field: str) -> tuple[str, list[TextField]]:
    """The row's annotatable text: every non-empty string value the policy does not keep as it
    is (the scanned ones), in field order, joined by a blank line; internal columns (`_...`)
    and the id are left out. With more than one field, each value is shown under its name
    (`[subject]`), so annotators see where one field ends and the next begins; `fields` gives
    the span of each value (the names are not part of any field)."""
    values: list[tuple[str, str]] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*path, str(key)))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, (*path, index))
        elif isinstance(value, str) and value.strip():
            if plan.decide(path) is Decision.KEEP:
                return
            values.append((display_path(path), value))

    for key, value in row.items():
        if key == id_field or key.startswith("_"):
            continue
        walk(value, (key,))
    pieces: list[str] = []
    fields: list[TextField] = []
    offset = 0
    named = len(values) > 1
    for path, value in values:
        if pieces:
            pieces.append(FIELD_SEPARATOR)
            offset += len(FIELD_SEPARATOR)
        if named:
            header = field_header(path)
            pieces.append(header)
            offset += len(header)
        pieces.append(value)
        fields.append(TextField(path, offset, offset + len(value)))
        offset += len(value)
    return "".join(pieces), fields


def _message(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise QueueError(f"{where}: a message must be an object with 'role' and 'content'")
    role, content = value.get("role"), value.get("content")
    if not isinstance(role, str) or (content is not None and not isinstance(content, str)):
        raise QueueError(f"{where}: a message needs a text 'role' and a text 'content'")
    return {"role": role, "content": content or ""}


def _messages(value: Any, where: str) -> list[dict[str, str]] | None:
    """The messages of a chat value (a list of role/content objects), or None when it is not one."""
    if not isinstance(value, list) or not value or not all(isinstance(m, Mapping) for m in value):
        return None
    return [_message(m, f"{where}[{i}]") for i, m in enumerate(value)]


class _Rendering:
    """A plain text built piece by piece, with where each record field's value sits in it."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.fields: list[TextField] = []
        self.offset = 0

    def add(self, text: str, path: str | None = None) -> None:
        if path is not None:
            self.fields.append(TextField(path, self.offset, self.offset + len(text)))
        self.pieces.append(text)
        self.offset += len(text)

    def chat(self, messages: Sequence[Mapping[str, str]], path: str) -> None:
        for index, message in enumerate(messages):
            if index:
                self.add("\n")
            self.add(f"{message['role']}: ")
            self.add(message["content"], f"{path}[{index}].content")

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def task_content(
    row: Mapping[str, Any], settings: QueueSettings, plan: FieldPlan, id_field: str, where: str
) -> tuple[dict[str, Any], str, list[TextField]]:
    """(content, text, fields) of a redacted row in a non-span queue (see the module docstring)."""
    out = _Rendering()
    messages = _messages(row.get(settings.messages_field), f"{where}: {settings.messages_field}")
    if settings.task is QueueTask.PREFERENCE:
        prompt_value = row.get(settings.prompt_field)
        prompt: str | list[dict[str, str]]
        if isinstance(prompt_value, str):
            prompt = prompt_value
            out.add(field_header(settings.prompt_field))
            out.add(prompt, settings.prompt_field)
        else:
            chat = _messages(prompt_value, f"{where}: {settings.prompt_field}")
            path = settings.prompt_field if chat is not None else settings.messages_field
            chat = chat if chat is not None else messages
            if chat is None:
                raise QueueError(
                    f"{where}: a preference item needs '{settings.prompt_field}' (text or messages) "
                    f"or '{settings.messages_field}' (messages)"
                )
            prompt = chat
            out.add(field_header(settings.prompt_field))
            out.chat(chat, path)
        raw = row.get(settings.responses_field)
        if not isinstance(raw, list) or len(raw) < 2:
            raise QueueError(f"{where}: a preference item needs '{settings.responses_field}': two or more")
        responses = []
        for index, response in enumerate(raw):
            path = f"{settings.responses_field}[{index}]"
            if isinstance(response, Mapping):
                response, path = _message(response, f"{where}: {path}")["content"], f"{path}.content"
            if not isinstance(response, str):
                raise QueueError(f"{where}: {path}: a response must be text (or a message)")
            responses.append(response)
            out.add(FIELD_SEPARATOR + field_header(f"response {index + 1}"))
            out.add(response, path)
        return {"prompt": prompt, "responses": responses}, out.text, out.fields
    if messages is not None:
        out.chat(messages, settings.messages_field)
        return {"messages": messages}, out.text, out.fields
    text, fields = compose_text(row, plan, id_field)
    return {"text": text}, text, fields


class ItemBuilder:
    """Builds queue items for one policy. Build once per process (the pre-labeller loads once)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.plan = FieldPlan(policy.fields)
        self.placeholders = PlaceholderFinder(policy)
        self.queues = policy.routing.queues

    def settings(self, queue: str) -> QueueSettings:
        settings = self.queues.get(queue)
        if settings is None:
            raise QueueError(
                f"policy '{self.policy.name}' declares no queue '{queue}' (queues: {', '.join(self.queues)})"
            )
        return settings

    def build(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        id_field: str,
        source_id: str,
        batch_key: str,
        item_key: Callable[[str], str] | None = None,
    ) -> list[NewItem]:
        items: list[NewItem] = []
        languages: list[str] = []
        for row in rows:
            queue = row.get(QUEUE_COLUMN)
            if queue is None:  # filtered by a routing rule
                continue
            settings = self.settings(queue)
            record_id = str(row[id_field])
            content: dict[str, Any] = {}
            if settings.task is QueueTask.SPANS:
                text, fields = compose_text(row, self.plan, id_field)
            else:
                where = f"record {record_id} (queue '{queue}', task {settings.task.value})"
                content, text, fields = task_content(row, settings, self.plan, id_field, where)
            items.append(
                NewItem(
                    item_id=item_key(record_id) if item_key else item_id_for(source_id, record_id),
                    queue=queue,
                    text=text,
                    record=dict(row),
                    record_id=record_id,
                    fields=fields,
                    spans=sorted(
                        self.placeholders.find(text) + _surrogate_spans(row, fields),
                        key=lambda s: (s.start, s.end),
                    ),
                    source_id=source_id,
                    batch_key=batch_key,
                    task=settings.task.value,
                    content=content,
                )
            )
            languages.append(str(row.get("_language") or self.policy.primary_language))
        self.prelabel(items, languages)
        return items

    def predict(
        self, queue: str, texts: Sequence[str], languages: Sequence[str], avoid: Sequence[Sequence[Span]]
    ) -> list[tuple[list[Span], float | None, str | None]]:
        """(predictions, confidence, model) per text, from the queue's pre-labeller (confidence
        None when the queue has none): the spans model `scrubline queue train` trained for this
        queue when there is one (its latest version, checked as `load_model` checks it), else
        the general one named by `prelabel`."""
        settings = self.settings(queue)
        if settings.prelabel is PrelabelKind.NONE or not texts:
            return [([], None, None) for _ in texts]
        out: list[tuple[list[Span], float | None, str | None]] = [([], None, None) for _ in texts]
        rest = list(range(len(texts)))
        # The queue's own trained model (scrubline queue train), where it has one, for the
        # items in its language; the general pre-labeller for the others.
        trained = latest_span_model(queue, settings)
        if trained is not None:
            language = trained.meta.get("language", "en")
            mine = [i for i in rest if languages[i] == language]
            rest = [i for i in rest if languages[i] != language]
            found = trained.backend.predict([texts[i] for i in mine], [avoid[i] for i in mine])
            allowed = set(settings.labels)
            for i, result in zip(mine, found, strict=True):
                spans = [s for s in result.spans if s.label in allowed]
                out[i] = (spans, result.confidence, trained.name)
        if not rest:
            return out
        options = {"beam_width": settings.beam_width} if settings.prelabel is PrelabelKind.SPACY else {}
        labeller = get_prelabeller(settings.prelabel.value, self.policy, **options)
        found = labeller.predict(
            [texts[i] for i in rest],
            [languages[i] for i in rest],
            [avoid[i] for i in rest],
            set(settings.labels),
        )
        for i, result in zip(rest, found, strict=True):
            out[i] = (result.spans, result.confidence, labeller.model)
        return out

    def prelabel(self, items: Sequence[NewItem], languages: Sequence[str]) -> None:
        by_queue: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            by_queue.setdefault(item.queue, []).append(index)
        for queue, indexes in by_queue.items():
            found = self.predict(
                queue,
                [items[i].text for i in indexes],
                [languages[i] for i in indexes],
                [items[i].spans for i in indexes],
            )
            for index, (predictions, confidence, model) in zip(indexes, found, strict=True):
                items[index].predictions = predictions
                items[index].confidence = confidence
                items[index].model = model

    def gold(self, queue: str, records: Iterable[Mapping[str, Any]], source: str) -> list[GoldItem]:
        """Gold items from labelled records {"text", "spans": [{start, end, label|type}],
        "language"?} (the `scrubline eval` format), with placeholders and pre-annotations like the
        queue's other items. Their ids derive from the text and look like any item id: a record's
        own "id" is not used, so nothing in an export tells a gold item apart.

        A queue of another kind takes a record shaped like the queue's own records (`text`, a
        chat's `messages`, or a preference's prompt and responses, under the queue's field
        names) and its known `answer` in the kind's shape ({"labels": [...]}, {"rating": 4},
        {"ranking": [1, 0]}, {"text": ...}): the item is built as a regular one of the queue
        (content, text, placeholders), so annotators see it exactly like the others, and the
        answer is checked against the kind."""
        settings = self.settings(queue)
        if settings.task is not QueueTask.SPANS:
            return self._kind_gold(queue, settings, records, source)
        texts: list[str] = []
        answers: list[tuple[Span, ...]] = []
        languages: list[str] = []
        for number, record in enumerate(records, 1):
            where = f"{source}: record {number}"
            try:
                text = record["text"]
                spans = tuple(Span.from_dict(s) for s in record.get("spans", ()))
            except (KeyError, TypeError, ValueError):
                raise QueueError(f"{where}: needs 'text' and 'spans' [{{start, end, label}}]") from None
            if not isinstance(text, str) or not text:
                raise QueueError(f"{where}: 'text' must be a non-empty string")
            if record.get("answer") is not None:
                raise QueueError(
                    f"{where}: queue '{queue}' is a spans queue: its gold takes 'spans', not an 'answer'"
                )
            for span in spans:
                if not 0 <= span.start < span.end <= len(text):
                    raise QueueError(f"{where}: span {span.start}-{span.end} is outside the text")
            texts.append(text)
            answers.append(spans)
            languages.append(str(record.get("language") or self.policy.primary_language))
        placeholders = [self.placeholders.find(text) for text in texts]
        found = self.predict(queue, texts, languages, placeholders)
        return [
            GoldItem(text, spans, None, tuple(marks), tuple(predictions), confidence, model)
            for text, spans, marks, (predictions, confidence, model) in zip(
                texts, answers, placeholders, found, strict=True
            )
        ]

    def _kind_gold(
        self, queue: str, settings: QueueSettings, records: Iterable[Mapping[str, Any]], source: str
    ) -> list[GoldItem]:
        from .kinds import check_answer

        out = []
        for number, record in enumerate(records, 1):
            where = f"{source}: record {number}"
            if not isinstance(record, Mapping):
                raise QueueError(f"{where}: a gold record must be an object")
            answer = record.get("answer")
            if not isinstance(answer, Mapping):
                raise QueueError(
                    f"{where}: queue '{queue}' is a {settings.task.value} queue: a gold record needs its"
                    " 'answer' (an object such as {\"labels\": [...]})"
                )
            # The record as the queue's own would be: its id, the answer and eval keys left out.
            row = {k: v for k, v in record.items() if k not in ("answer", "spans", "language", "id")}
            content, text, fields = task_content(row, settings, self.plan, "id", where)
            if not text.strip():
                raise QueueError(f"{where}: the gold record has no text to show")
            probe = NewItem("", queue, text, {}, "", task=settings.task.value, content=content)
            checked = check_answer(settings, probe, answer, where)  # type: ignore[arg-type]
            marks = sorted(self.placeholders.find(text), key=lambda s: (s.start, s.end))
            out.append(
                GoldItem(
                    text,
                    (),
                    None,
                    tuple(marks),
                    answer=checked,
                    content=content,
                    fields=tuple(fields),
                )
            )
        return out


_BUILDERS: dict[str, ItemBuilder] = {}


def builder_for(policy: Policy) -> ItemBuilder:
    key = policy.content_hash()
    if key not in _BUILDERS:
        _BUILDERS[key] = ItemBuilder(policy)
    return _BUILDERS[key]


def enqueue_rows(
    store: QueueStore,
    rows: list[dict],
    *,
    id_field: str,
    source_id: str,
    batch_key: str,
    policy: Policy,
    output: str = "",
    item_key: Callable[[str], str] | None = None,
) -> int:
    """Enqueue the redacted rows of one written batch; returns how many items were new.

    `output` is the file the rows were read from (a held item's record is released from there);
    `item_key(record_id)` names each item (see the module docstring).

    Each row carries its routing decision in the `_queue` column (null or absent: filtered, not
    enqueued). Idempotent: an item id the store holds is left as it is. The store is told the
    policy's queue settings first, so `scrubline queue ...` needs no policy.
    """
    if not rows:
        return 0
    missing = [str(row.get(id_field)) for row in rows if QUEUE_COLUMN not in row]
    if missing:
        raise QueueError(
            f"batch {batch_key}: {len(missing)} row(s) have no '{QUEUE_COLUMN}' column (route them first)"
        )
    builder = builder_for(policy)
    store.configure(policy.routing.queues, builder.placeholders.all_labels)
    items = builder.build(
        rows, id_field=id_field, source_id=source_id, batch_key=batch_key, item_key=item_key
    )
    for item in items:
        item.output = output
        item.id_field = id_field
    upsert = getattr(store, "upsert", None)
    if upsert is None:
        return store.enqueue(items)
    counts = upsert(items)
    if counts["kept"]:
        logger.warning(
            "batch %s: %d queue item(s) already worked on keep their earlier version "
            "(a newer one arrived; noted on the item as superseded_by)",
            batch_key,
            counts["kept"],
        )
    return counts["new"]


def read_gold_file(path: str | Path) -> list[dict[str, Any]]:
    """Labelled JSONL records for `gold add` (the `scrubline eval` format is accepted)."""
    path = Path(path)
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise QueueError(f"{path}: no such file") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise QueueError(f"{path}: line {number}: not valid JSON") from None
        if not isinstance(record, dict):
            raise QueueError(f"{path}: line {number}: not a JSON object")
        records.append(record)
    return records
