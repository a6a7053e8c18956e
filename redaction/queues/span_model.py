"""The spans queue's own model: a spaCy entity recognizer trained from the queue's annotations.

A spans queue (`task: spans`) is pre-labelled by spaCy's general NER at enqueue (`prelabel:
spacy`, prelabel.py), whose labels are not the queue's guideline. `scrubline queue train QUEUE`
on a spans queue trains this model instead of a text classifier (learning.py dispatches here),
and its entities replace the general pre-labels on the queue's open items.

* **Training data.** Each annotated item's text (redacted) and its people's spans (`origin:
  human` or `aggregated`, never a model's): an item with an aggregated annotation takes that one;
  otherwise a span (start, end, label) is kept when more than half of the item's annotators
  marked it (one annotator: theirs). Placeholder spans, labels outside the queue's `labels`, and
  spans that overlap a placeholder are left out (a placeholder is never taught as an entity);
  of overlapping spans the longer is kept (NER spans do not overlap). An item whose answer has
  no span still counts: it teaches that the text has none.
* **Model.** `spacy.blank(language)` (the items' most frequent `_language`, else `en`) and a
  default `ner` (its own hash-embedding CNN; no vectors, nothing downloaded), seeded, trained on
  CPU (about 16 minibatches per epoch, dropout 0.2) for at most `EPOCHS` epochs, stopping early once an
  epoch's loss is below 0.1% of the first epoch's (the training spans are fitted) or has not
  improved on the best by 2% for `PATIENCE` epochs. No held-out item decides when to stop.
* **Predictions and confidence.** As the general pre-labeller does (prelabel.py): spaCy's beam
  search (`beam_parse`, width `BEAM_WIDTH`) gives each candidate entity its marginal probability
  over the beam; entities with probability >= 0.5 are proposed best-first without overlaps, cut
  back outside placeholders, each with its probability as `score`; the text's confidence, for
  `order: uncertainty`, is the least certain decision (min of max(p, 1 - p) over candidates with
  p >= 0.05). The beam, not `doc.ents`, because the greedy parse has no probabilities.
* **Measured.** On a seeded held-out share (`model.holdout`): entity-level precision, recall
  and F1 (an entity counts when its start, end and label are all right), micro over every label
  and per label with its support. `benchmarks/span_model.py`, generated tickets (not real
  data), 2 seeds, 300 test tickets per set, micro F1 trained on 50 / 100 / 200 tickets vs the
  general pre-labeller on the same tickets: sentence templates seen in training 0.989 / 0.990 /
  0.990 vs 0.304; templates never seen 0.844 / 0.868 / 0.797 vs 0.338 (PRODUCT, which spaCy's
  general model hardly proposes, 0.980 vs 0.027). 32-53 s to train on a shared 2-core machine.
* **At enqueue.** `latest_span_model` gives the item builder (items.py) the queue's latest
  version, so items a run enqueues after `queue train` get its entities too (those in the
  model's language; the others the general pre-labeller's).
* **Versioned** like the other queue models (learning.py: `models/<queue>/vN/`, meta.json with
  kind `spans`, sha256 of every file, owner-only, loading refuses a changed folder); the spaCy
  pipeline is saved with its own `to_disk`.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from ..routing import QueueModel, QueueSettings, QueueTask
from .base import Origin, QueueStore, Span
from .prelabel import Prelabel, beam_marginals, choose, overlaps

EPOCHS = 20  # at most; about 0.4 s per epoch per 25 items on one shared core
PATIENCE = 5  # epochs without a 2% better loss before stopping
CONVERGED = 0.001  # stop once an epoch's loss is below this share of the first epoch's
BEAM_WIDTH = 4
BEAM_DENSITY = 0.0001
MIN_PROBABILITY = 0.5
FLOOR = 0.05


def _model_error(message: str) -> Exception:
    from .learning import ModelError

    return ModelError(message)


# --- training data -------------------------------------------------------------------------------


def _clean(spans: Sequence[Span], placeholders: Sequence[Span], labels: set[str]) -> tuple[Span, ...]:
    """The spans a model may learn: queue labels, off every placeholder, without overlaps."""
    kept: list[Span] = []
    candidates = [
        Span(s.start, s.end, s.label)
        for s in spans
        if s.label in labels and s.end > s.start and not overlaps(s, placeholders)
    ]
    for span in sorted(candidates, key=lambda s: (-(s.end - s.start), s.start, s.label)):
        if not overlaps(span, kept):
            kept.append(span)
    return tuple(sorted(kept, key=lambda s: (s.start, s.end)))


def span_answers(annotations: Sequence[Any], settings: QueueSettings) -> dict[str, tuple[Span, ...]]:
    """Item id -> the spans its people agree on (see the module docstring); placeholders and
    overlaps are removed later, against the item's text (`span_labelled_set`)."""
    human: dict[str, list[tuple[Span, ...]]] = {}
    aggregated: dict[str, tuple[Span, ...]] = {}
    for note in annotations:
        if note.origin == Origin.AGGREGATED:
            aggregated[note.item_id] = tuple(note.spans)
        elif note.origin == Origin.HUMAN:
            human.setdefault(note.item_id, []).append(tuple(note.spans))
    out: dict[str, tuple[Span, ...]] = {}
    for item_id, given in human.items():
        counts: Counter[tuple[int, int, str]] = Counter()
        for spans in given:
            counts.update({(s.start, s.end, s.label) for s in spans})
        out[item_id] = tuple(
            Span(a, b, label) for (a, b, label), n in sorted(counts.items()) if n * 2 > len(given)
        )
    out.update(aggregated)
    return out


class SpanLabelledSet:
    """What a spans model learns from: item ids, texts, placeholders, entities."""

    def __init__(self, item_ids, texts, placeholders, targets, languages):
        self.item_ids: list[str] = list(item_ids)
        self.texts: list[str] = list(texts)
        self.placeholders: list[tuple[Span, ...]] = list(placeholders)
        self.targets: list[tuple[Span, ...]] = list(targets)
        self.languages: list[str] = list(languages)

    def sha256(self) -> str:
        """A digest of exactly what was learned from (ids, texts, spans), for the audit log."""
        rows = sorted(
            [i, t, [[s.start, s.end, s.label] for s in y]]
            for i, t, y in zip(self.item_ids, self.texts, self.targets, strict=True)
        )
        blob = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def subset(self, index: Sequence[int]) -> SpanLabelledSet:
        return SpanLabelledSet(
            *([values[i] for i in index] for values in (
                self.item_ids, self.texts, self.placeholders, self.targets, self.languages
            ))
        )  # fmt: skip


def span_labelled_set(store: QueueStore, queue: str, settings: QueueSettings) -> SpanLabelledSet:
    answers = span_answers(store.annotations(queue), settings)
    items = {item.item_id: item for item in store.items(sorted(answers))}
    labels = set(settings.labels)
    rows = []
    for item_id in sorted(answers):
        item = items.get(item_id)
        if item is None or item.gold:
            continue
        placeholders = tuple(item.spans)  # placeholders (and surrogates): never an entity
        spans = tuple(s for s in _clean(answers[item_id], placeholders, labels) if s.end <= len(item.text))
        language = str(item.record.get("_language") or "en") if isinstance(item.record, Mapping) else "en"
        rows.append((item_id, item.text, placeholders, spans, language))
    if not rows:
        return SpanLabelledSet([], [], [], [], [])
    return SpanLabelledSet(*(list(column) for column in zip(*rows, strict=True)))


# --- the model -----------------------------------------------------------------------------------


def batch_size(n: int) -> int:
    """Minibatch size for n training items: about 16 updates per epoch, 2 to 16 items each.
    Small queues need the updates (measured on 24 generated tickets, 8 epochs: held-out F1
    0.49 with batches of 2, 0.29 of 4, 0.00 of 8); large ones train faster in bigger batches."""
    return max(2, min(16, n // 16))


class SpanNerBackend:
    """A blank spaCy pipeline with a trained `ner`; `classes` are its labels."""

    library = "spacy"
    multi = False

    def __init__(self, classes: Sequence[str], multi: bool = False, seed: int = 0, language: str = "en"):
        self.classes = list(classes)
        self.seed = seed
        self.language = language
        self.epochs_run = 0

    @property
    def library_version(self) -> str:
        return package_version("spacy")

    def fit(self, texts: Sequence[str], targets: Sequence[tuple[Span, ...]]) -> SpanNerBackend:
        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(self.seed)
        nlp = spacy.blank(self.language)
        ner = nlp.add_pipe("ner")
        for label in self.classes:
            ner.add_label(label)
        examples = []
        with warnings.catch_warnings():
            # W030: an annotated span that does not fall on token boundaries is left as
            # "unknown" for those tokens (the right thing), with a warning per item.
            warnings.filterwarnings("ignore", message=r".*\[W030\]")
            for text, spans in zip(texts, targets, strict=True):
                doc = nlp.make_doc(text)
                entities = [(s.start, s.end, s.label) for s in spans]
                examples.append(Example.from_dict(doc, {"entities": entities}))
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(self.seed)
        first, best, stale = None, float("inf"), 0
        for epoch in range(EPOCHS):
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=batch_size(len(examples))):
                nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
            self.epochs_run = epoch + 1
            loss = float(losses.get("ner", 0.0))
            first = loss if first is None else first
            if loss <= CONVERGED * first:
                break  # the training spans are fitted
            if loss < best * 0.98:
                best, stale = loss, 0
            else:
                stale += 1
                if stale >= PATIENCE:
                    break
        self.nlp = nlp
        return self

    def predict(self, texts: Sequence[str], avoid: Sequence[Sequence[Span]]) -> list[Prelabel]:
        ner = self.nlp.get_pipe("ner")
        labels = set(self.classes)
        out: list[Prelabel] = []
        for first in range(0, len(texts), 32):  # beam states of a whole batch at once are large
            docs = [self.nlp.make_doc(t) for t in texts[first : first + 32]]
            found = beam_marginals(ner, docs, BEAM_WIDTH, BEAM_DENSITY)
            for doc, marginals, placeholders in zip(docs, found, avoid[first : first + 32], strict=True):
                out.append(choose(doc, marginals, placeholders, labels, FLOOR, MIN_PROBABILITY))
        return out

    def save(self, folder: Path) -> None:
        self.nlp.to_disk(folder / "spacy")

    @classmethod
    def load(cls, folder: Path, classes: Sequence[str], multi: bool = False) -> SpanNerBackend:
        import spacy

        nlp = spacy.load(folder / "spacy")
        if nlp.pipe_names != ["ner"] or sorted(nlp.get_pipe("ner").labels) != sorted(classes):
            raise _model_error(f"{folder}: the spaCy pipeline is not one `ner` with the model's labels")
        backend = cls(classes, language=nlp.lang)
        backend.nlp = nlp
        return backend


# --- figures -------------------------------------------------------------------------------------


def entity_scores(
    labels: Sequence[str], truth: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]
) -> dict[str, Any]:
    """Entity-level precision, recall, F1 (exact start, end and label), micro and per label."""

    def keys(spans) -> set[tuple[int, int, str]]:
        return {(s.start, s.end, s.label) for s in spans}

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, guess in zip(truth, predicted, strict=True):
        g, p = keys(gold), keys(guess)
        for key in g & p:
            tp[key[2]] += 1
        for key in p - g:
            fp[key[2]] += 1
        for key in g - p:
            fn[key[2]] += 1

    def prf(t: int, f_p: int, f_n: int) -> dict[str, float]:
        precision = t / (t + f_p) if t + f_p else 0.0
        recall = t / (t + f_n) if t + f_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    micro = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {
        **micro,
        "micro": micro,
        "entities": sum(tp.values()) + sum(fn.values()),
        "predicted": sum(tp.values()) + sum(fp.values()),
        "per_label": {
            label: {**prf(tp[label], fp[label], fn[label]), "support": tp[label] + fn[label]}
            for label in labels
        },
    }


# --- training and serving ------------------------------------------------------------------------


def split_items(n: int, share: float, seed: int) -> tuple[list[int], list[int]]:
    """Train and held-out positions: a seeded shuffle, the held-out share at least one item."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    heldout_n = max(1, round(n * share))
    return sorted(order[heldout_n:]), sorted(order[:heldout_n])


def train_span_model(store: QueueStore, queue: str, settings: QueueSettings, *, library=None, home=None):
    """Train the spans queue's next model version (see the module docstring); a TrainReport."""
    from .learning import TrainedModel, model_versions, require_enough, save_version

    learning = settings.model or QueueModel()
    name = library or learning.kind.value
    if name not in ("auto", "spacy"):
        raise _model_error(
            f"queue '{queue}' is a spans queue: its model library is spacy (or auto), not {name}"
        )
    data = span_labelled_set(store, queue, settings)
    require_enough(queue, len(data.item_ids), learning)
    train_at, heldout_at = split_items(len(data.item_ids), learning.holdout, learning.seed)
    train, heldout = data.subset(train_at), data.subset(heldout_at)
    seen = {s.label for spans in train.targets for s in spans}
    classes = [label for label in settings.labels if label in seen]
    if not classes:
        raise _model_error(f"queue '{queue}': the training items hold no span of the queue's labels")
    language = Counter(data.languages).most_common(1)[0][0]
    backend = SpanNerBackend(classes, seed=learning.seed, language=language)
    started = time.perf_counter()
    try:
        backend.fit(train.texts, train.targets)
    except (OSError, ImportError) as exc:  # spacy.blank of a language spaCy does not have
        raise _model_error(
            f"queue '{queue}': cannot build a spaCy '{language}' pipeline ({type(exc).__name__})"
        ) from None
    seconds = time.perf_counter() - started
    predicted = backend.predict(heldout.texts, heldout.placeholders)
    metrics = entity_scores(classes, heldout.targets, [p.spans for p in predicted])
    version = (model_versions(queue, home) or [0])[-1] + 1
    model = TrainedModel(queue, version, settings, backend)  # type: ignore[arg-type]
    return save_version(
        model, train, heldout, data.sha256(), metrics, seconds, learning.seed, home,
        language=language,
        labels=classes,
        epochs=backend.epochs_run,
        confidence=f"beam search marginals (width {BEAM_WIDTH}); spans with p >= {MIN_PROBABILITY}",
        contents="spaCy weights learned from the queue's redacted texts; item ids; no raw values",
    )  # fmt: skip


_LOADED: dict[tuple[str, str, int], Any] = {}


def latest_span_model(queue: str, settings: QueueSettings, home: Path | None = None):
    """The queue's latest trained spans model (loaded and checked once per process and
    version), or None when it has none. Raises ModelError for a version that fails its checks:
    a changed model is refused, never silently replaced by the general pre-labeller."""
    from .learning import load_model, model_versions, models_root

    if settings.task is not QueueTask.SPANS:
        return None
    versions = model_versions(queue, home)
    if not versions:
        return None
    key = (str(models_root(home)), queue, versions[-1])
    if key not in _LOADED:
        _LOADED[key] = load_model(queue, versions[-1], settings=settings, home=home)
    return _LOADED[key]


def suggest_spans(store: QueueStore, queue: str, model) -> int:
    """The model's entities as the open items' pre-labels (with scores) and confidences."""
    items = store.open_items(queue)
    if not items:
        return 0
    found = model.backend.predict([item.text for item in items], [item.spans for item in items])
    return store.set_predictions(
        queue,
        {item.item_id: (p.spans, p.confidence, model.name) for item, p in zip(items, found, strict=True)},
    )
