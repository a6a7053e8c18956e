"""Answers of the non-span task kinds: their shapes, and a check that one fits its queue.

One shape per kind (`Annotation.answer`; a model's `NewItem.suggestion` has the same shape,
plus `"scores"`):

* classification: `{"labels": ["billing"]}`: labels of the queue, one unless `multi`
* rating: `{"rating": 4}`: an integer on the queue's scale
* preference: `{"ranking": [1, 0]}`: every response index once, best first
* text: `{"text": "..."}`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..routing import QueueSettings, QueueTask
from .base import QueueError, QueueItem


def responses_of(item: QueueItem) -> list[str]:
    """The responses of a preference item (empty for other kinds)."""
    return list((item.content or {}).get("responses") or [])


def messages_of(item: QueueItem) -> list[dict[str, str]]:
    """The item as a conversation: its messages, the prompt of a preference item (a text prompt
    is one user message), or the item's text as one message with the role `text`."""
    content = item.content or {}
    if item.task == QueueTask.PREFERENCE.value:
        prompt = content.get("prompt", "")
        return list(prompt) if isinstance(prompt, list) else [{"role": "user", "content": str(prompt)}]
    if isinstance(content.get("messages"), list):
        return list(content["messages"])
    return [{"role": "text", "content": item.text}]


def check_answer(settings: QueueSettings, item: QueueItem, answer: Any, where: str) -> dict[str, Any]:
    """The answer in its kind's shape, or a QueueError naming where it came from and what is
    expected (the values of the answer are never in the message: they are annotators' text)."""
    task = settings.task
    if not isinstance(answer, Mapping):
        raise QueueError(f"{where}: the answer of a {task.value} item must be an object")
    if task is QueueTask.CLASSIFICATION:
        labels = answer.get("labels")
        if not isinstance(labels, list | tuple) or not labels or not all(isinstance(x, str) for x in labels):
            raise QueueError(f"{where}: a classification answer is {{'labels': [label, ...]}}")
        unknown = [x for x in labels if x not in settings.labels]
        if unknown:
            raise QueueError(
                f"{where}: {len(unknown)} label(s) not of queue '{item.queue}' "
                f"(labels: {', '.join(settings.labels)})"
            )
        if len(labels) > 1 and not settings.multi:
            raise QueueError(
                f"{where}: {len(labels)} labels, but queue '{item.queue}' takes one (multi: false)"
            )
        return {"labels": list(dict.fromkeys(labels))}
    if task is QueueTask.RATING:
        scale = settings.rating_scale
        rating = answer.get("rating")
        if isinstance(rating, bool) or not isinstance(rating, int) or not scale.min <= rating <= scale.max:
            raise QueueError(
                f"{where}: a rating answer is {{'rating': an integer {scale.min} to {scale.max}}}"
            )
        return {"rating": rating}
    if task is QueueTask.PREFERENCE:
        ranking = answer.get("ranking")
        n = len(responses_of(item))
        if (
            not isinstance(ranking, list | tuple)
            or any(isinstance(i, bool) or not isinstance(i, int) for i in ranking)
            or sorted(ranking) != list(range(n))
        ):
            raise QueueError(
                f"{where}: a preference answer is {{'ranking': [...]}}: each of the item's {n} "
                "response indices (0 first) once, best first"
            )
        return {"ranking": list(ranking)}
    if task is QueueTask.TEXT:
        text = answer.get("text")
        if not isinstance(text, str) or not text.strip():
            raise QueueError(f"{where}: a text answer is {{'text': a non-empty text}}")
        return {"text": text}
    raise QueueError(f"{where}: a spans item takes spans, not an answer")
