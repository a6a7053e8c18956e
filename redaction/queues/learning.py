"""Model-assisted labels: a queue's own model, trained from its imported annotations.

For classification queues (one label, or several with `multi: true`) and rating queues (a
rating is learned as one class per value of the scale: an ordinal class, not a regression, so
every prediction has a probability that `order: uncertainty` and `auto_accept` can use;
`benchmarks/queue_models.py` measures classes against regression, and the two libraries), and
preference queues (a Bradley-Terry reward model over prompt and response, `preference.py`:
it ranks an item's responses, with the chance that the top one is best as its confidence).
Text queues are not learned (a model that writes responses is out of scope): `queue train`
on one says so and which kinds are.

* **Training data.** Each labelled item's text (`item.text`, already redacted) and its answer,
  several annotators' answers per item combined by an aggregator (`majority_vote` until crowd
  aggregation lands: any callable `(annotations, settings) -> {item_id: answer}`). Only people's
  answers count (`origin: human` or `aggregated`): a model never learns from its own labels.
* **Measured.** A held-out share of the labelled items (`model.holdout`, seeded) is kept out of
  training; accuracy, macro-F1 and per-class figures are computed on it, and the saved model is
  the one measured (it is not refitted on the held-out items afterwards).
* **Versioned.** `$SCRUBLINE_HOME/models/<queue>/v<N>/` holds `meta.json` (version, kind,
  library and version, labels, sizes, sha256 of the training data, held-out figures, created
  at, and the sha256 of every file) and the model's files: for scikit-learn a JSON vocabulary and
  `.npy` arrays (no pickle), for spaCy its own `to_disk` folder. Owner-only permissions; loading
  refuses a version whose files are missing, changed, extra, or writable by others.
* **No raw values.** A model holds words and n-grams of the redacted texts (the vocabulary)
  and the ids of the items it was trained and measured on, nothing the queue store does not
  already hold; the placeholders stand where the PII was.

Spans queues train a spaCy entity recognizer instead (`span_model.py`: same versions on disk,
entity-level held-out figures; its entities replace the general pre-labels).

`suggest` writes the model's predictions on the open items (pulls carry them as
pre-annotations) and orders the queue (`uncertainty`: least confident first; `diversity`: a
diverse batch among the uncertain ones, see `diversity_priorities`). `autolabel` accepts labels
above the queue's `auto_accept.threshold`, sends a seeded share to people as blind spot checks,
and `spot_check_report` measures the accepted labels' accuracy from those checks.
"""

from __future__ import annotations

import abc
import hashlib
import json
import math
import os
import random
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from ..home import scrubline_home
from ..io import file_sha256
from ..routing import QueueModel, QueueOrder, QueueSettings, QueueTask
from .base import Origin, QueueError, QueueStore, SpotCheck

META_FORMAT = 1
LIBRARIES = ("sklearn", "spacy")
# `auto` picks this library. benchmarks/queue_models.py, same splits, 3 seeds, 600 test items,
# 100 / 400 training items: test accuracy scikit-learn vs spaCy textcat, single-label intents
# 0.685 / 0.839 vs 0.716 / 0.836, multi-label (all labels right) 0.639 / 0.942 vs 0.494 / 0.948,
# ratings 0.547 / 0.722 vs 0.472 / 0.711; scikit-learn trains 10-70x and predicts 10-20x faster
# (0.9 s vs 63 s to train 400 single-label items on a shared 2-core machine). Ratings as classes
# beat a rounded ridge regression at 400 items (accuracy 0.722 vs 0.616, MAE 0.300 vs 0.396).
DEFAULT_LIBRARY = "sklearn"
# Preference queues: a Bradley-Terry reward model (`preference.py`). Text queues are not learned:
# a model that writes responses is out of scope.
LEARNED_KINDS = (QueueTask.CLASSIFICATION, QueueTask.RATING, QueueTask.PREFERENCE)

Aggregator = Callable[[Sequence[Any], QueueSettings], dict[str, dict[str, Any]]]


class ModelError(QueueError):
    """A queue model cannot be trained, saved or loaded as asked."""


# --- answers and labels ----------------------------------------------------------------------


def answer_labels(settings: QueueSettings, answer: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """The classes an answer stands for (a rating is one class, its value as text); None for an
    answer of another shape or outside the queue's labels or scale."""
    if not isinstance(answer, Mapping):
        return None
    if settings.task is QueueTask.PREFERENCE:  # a ranking is one class: the whole order
        ranking = answer.get("ranking")
        if (
            not isinstance(ranking, list | tuple)
            or any(isinstance(i, bool) or not isinstance(i, int) for i in ranking)
            or len(ranking) < 2
            or sorted(ranking) != list(range(len(ranking)))
        ):
            return None
        return tuple(str(i) for i in ranking)
    if settings.task is QueueTask.RATING:
        value = answer.get("rating")
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            return None
        if not settings.rating_scale.min <= int(value) <= settings.rating_scale.max:
            return None
        return (str(int(value)),)
    labels = answer.get("labels")
    if not isinstance(labels, list | tuple) or not labels:
        return None
    if any(label not in settings.labels for label in labels):
        return None
    if not settings.multi and len(set(labels)) != 1:
        return None
    return tuple(sorted(set(labels)))


def labels_answer(settings: QueueSettings, labels: Sequence[str]) -> dict[str, Any]:
    if settings.task is QueueTask.PREFERENCE:
        return {"ranking": [int(i) for i in labels]}
    if settings.task is QueueTask.RATING:
        return {"rating": int(labels[0])}
    return {"labels": list(labels)}


def majority_vote(annotations: Sequence[Any], settings: QueueSettings) -> dict[str, dict[str, Any]]:
    """Item id -> the answer most annotators gave. Single label and rating: the most frequent
    class, an item whose top classes tie is left out (no clear answer to learn from); several
    labels: each label more than half the annotators chose (an item with none is left out)."""
    votes: dict[str, list[tuple[str, ...]]] = {}
    for note in annotations:
        if note.origin == Origin.MODEL:
            continue
        labels = answer_labels(settings, note.answer)
        if labels is not None:
            votes.setdefault(note.item_id, []).append(labels)
    out: dict[str, dict[str, Any]] = {}
    for item_id, given in votes.items():
        if settings.task is QueueTask.CLASSIFICATION and settings.multi:
            counts = Counter(label for labels in given for label in labels)
            chosen = sorted(label for label, n in counts.items() if n * 2 > len(given))
            if chosen:
                out[item_id] = labels_answer(settings, chosen)
            continue
        ranked = Counter(given).most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        out[item_id] = labels_answer(settings, ranked[0][0])
    return out


@dataclass
class LabelledSet:
    item_ids: list[str]
    texts: list[str]
    targets: list[tuple[str, ...]]

    def sha256(self) -> str:
        """A digest of exactly what was learned from (ids, texts, labels), for the audit log."""
        rows = sorted(zip(self.item_ids, self.texts, self.targets, strict=True))
        blob = json.dumps([[i, t, list(y)] for i, t, y in rows], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def subset(self, index: Sequence[int]) -> LabelledSet:
        return LabelledSet(
            [self.item_ids[i] for i in index],
            [self.texts[i] for i in index],
            [self.targets[i] for i in index],
        )


def queue_settings(store: QueueStore, queue: str) -> QueueSettings:
    settings = store.settings()
    if queue not in settings:
        raise ModelError(f"no queue named '{queue}' (queues: {', '.join(settings) or 'none yet'})")
    found = settings[queue]
    if found.task is QueueTask.TEXT:
        kinds = ", ".join(k.value for k in (*LEARNED_KINDS, QueueTask.SPANS))
        raise ModelError(
            f"queue '{queue}' is a text queue: text queues are not learned (no model writes"
            f" responses); a queue model learns {kinds} queues"
        )
    if found.task is QueueTask.SPANS:  # train_queue_model hands spans queues to span_model first
        kinds = ", ".join(k.value for k in LEARNED_KINDS)
        raise ModelError(
            f"queue '{queue}' is a spans queue: its model (scrubline queue train {queue}) pre-labels"
            f" the items for people to correct; automatic labels are for {kinds} queues"
        )
    if found.task not in LEARNED_KINDS:
        kinds = ", ".join(k.value for k in LEARNED_KINDS)
        raise ModelError(
            f"queue '{queue}' is a {found.task.value} queue: a queue model learns {kinds} queues"
        )
    return found


def labelled_set(store: QueueStore, queue: str, aggregator: Aggregator = majority_vote) -> LabelledSet:
    settings = queue_settings(store, queue)
    answers = aggregator(store.annotations(queue), settings)
    items = {item.item_id: item for item in store.items(sorted(answers))}
    ids, texts, targets = [], [], []
    for item_id in sorted(answers):
        labels = answer_labels(settings, answers[item_id])
        if item_id in items and labels is not None:
            ids.append(item_id)
            texts.append(items[item_id].text)
            targets.append(labels)
    return LabelledSet(ids, texts, targets)


# --- the libraries -------------------------------------------------------------------------------


class Backend(abc.ABC):
    """One library's text classifier: `predict_proba` gives one column per class, in `classes`
    order (single label: a distribution; multi: each label's own probability)."""

    library: str = ""

    def __init__(self, classes: Sequence[str], multi: bool, seed: int = 0):
        self.classes = list(classes)
        self.multi = multi
        self.seed = seed

    @property
    def library_version(self) -> str:
        return package_version({"sklearn": "scikit-learn", "spacy": "spacy"}[self.library])

    @abc.abstractmethod
    def fit(self, texts: Sequence[str], targets: Sequence[tuple[str, ...]]) -> Backend: ...

    @abc.abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...

    @abc.abstractmethod
    def save(self, folder: Path) -> None: ...

    @classmethod
    @abc.abstractmethod
    def load(cls, folder: Path, classes: Sequence[str], multi: bool) -> Backend: ...


def _indicator(targets: Sequence[tuple[str, ...]], classes: Sequence[str]) -> np.ndarray:
    index = {c: j for j, c in enumerate(classes)}
    out = np.zeros((len(targets), len(classes)), dtype=np.float64)
    for i, labels in enumerate(targets):
        for label in labels:
            out[i, index[label]] = 1.0
    return out


class SklearnBackend(Backend):
    """TF-IDF of words and word pairs, then logistic regression: multinomial for one label,
    one binary model per label for several. Saved as a JSON vocabulary and `.npy` arrays, so
    loading runs no pickle."""

    library = "sklearn"
    C = 10.0  # little data, many features: a weak penalty (benchmarks/queue_models.py)

    def _vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float64)

    def fit(self, texts, targets):
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = self._vectorizer()
        x = self.vectorizer.fit_transform(texts)
        y = _indicator(targets, self.classes)
        if self.multi:
            coef = np.zeros((len(self.classes), x.shape[1]))
            intercept = np.zeros(len(self.classes))
            for j in range(len(self.classes)):
                column = y[:, j]
                if column.min() == column.max():  # every item has the label, or none: its prior
                    p = (column.sum() + 0.5) / (len(column) + 1.0)
                    intercept[j] = math.log(p / (1 - p))
                    continue
                model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed).fit(x, column)
                coef[j], intercept[j] = model.coef_[0], model.intercept_[0]
        else:
            labels = np.array([self.classes.index(t[0]) for t in targets])
            model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed).fit(x, labels)
            if len(model.classes_) != len(self.classes):
                raise ModelError("training data must hold every class of the model")
            coef, intercept = model.coef_, model.intercept_
        self.coef, self.intercept = (
            np.asarray(coef, dtype=np.float64),
            np.asarray(intercept, dtype=np.float64),
        )
        return self

    def predict_proba(self, texts):
        if not len(texts):
            return np.zeros((0, len(self.classes)))
        z = np.asarray(self.vectorizer.transform(texts) @ self.coef.T) + self.intercept
        if self.multi:
            return 1.0 / (1.0 + np.exp(-z))
        if self.coef.shape[0] == 1:  # two classes: one logit, as scikit-learn keeps it
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, folder: Path) -> None:
        vocabulary = {term: int(j) for term, j in self.vectorizer.vocabulary_.items()}
        (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False, sort_keys=True))
        np.save(folder / "idf.npy", self.vectorizer.idf_, allow_pickle=False)
        np.save(folder / "coef.npy", self.coef, allow_pickle=False)
        np.save(folder / "intercept.npy", self.intercept, allow_pickle=False)

    @classmethod
    def load(cls, folder, classes, multi):
        backend = cls(classes, multi)
        vectorizer = backend._vectorizer()
        vectorizer.vocabulary_ = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        vectorizer.idf_ = np.load(folder / "idf.npy", allow_pickle=False)
        backend.vectorizer = vectorizer
        backend.coef = np.load(folder / "coef.npy", allow_pickle=False)
        backend.intercept = np.load(folder / "intercept.npy", allow_pickle=False)
        if backend.coef.shape[1] != len(vectorizer.vocabulary_) or backend.coef.shape[0] not in (
            1 if len(classes) == 2 and not multi else len(classes),
            len(classes),
        ):
            raise ModelError(f"{folder}: model arrays do not match its vocabulary and labels")
        return backend


class SpacyBackend(Backend):
    """spaCy's `textcat` (one label) or `textcat_multilabel` (several) in a blank English
    pipeline (its tokenizer; no vectors, nothing downloaded), default architecture (a
    bag-of-words and a CNN ensemble), trained on CPU."""

    library = "spacy"
    epochs = 12

    def fit(self, texts, targets):
        import spacy
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        fix_random_seed(self.seed)
        nlp = spacy.blank("en")
        textcat = nlp.add_pipe("textcat_multilabel" if self.multi else "textcat")
        for label in self.classes:
            textcat.add_label(label)
        examples = [
            Example.from_dict(nlp.make_doc(text), {"cats": {c: float(c in labels) for c in self.classes}})
            for text, labels in zip(texts, targets, strict=True)
        ]
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(self.seed)
        for _ in range(self.epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=16):
                nlp.update(batch, sgd=optimizer, drop=0.2, losses={})
        self.nlp = nlp
        return self

    def predict_proba(self, texts):
        out = np.zeros((len(texts), len(self.classes)))
        for i, doc in enumerate(self.nlp.pipe(texts, batch_size=64)):
            out[i] = [doc.cats.get(c, 0.0) for c in self.classes]
        return out

    def save(self, folder: Path) -> None:
        self.nlp.to_disk(folder / "spacy")

    @classmethod
    def load(cls, folder, classes, multi):
        import spacy

        backend = cls(classes, multi)
        backend.nlp = spacy.load(folder / "spacy")
        name = "textcat_multilabel" if multi else "textcat"
        if not backend.nlp.has_pipe(name) or sorted(backend.nlp.get_pipe(name).labels) != sorted(classes):
            raise ModelError(f"{folder}: the spaCy pipeline has no {name} with the model's labels")
        return backend


BACKENDS: dict[str, type[Backend]] = {"sklearn": SklearnBackend, "spacy": SpacyBackend}


def backend_for(library: str, classes: Sequence[str], multi: bool, seed: int = 0) -> Backend:
    name = DEFAULT_LIBRARY if library == "auto" else library
    if name not in BACKENDS:
        raise ModelError(f"no model library '{library}' (libraries: auto, {', '.join(BACKENDS)})")
    return BACKENDS[name](classes, multi, seed)


# --- predictions and figures ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prediction:
    suggestion: dict[str, Any]  # answer-shaped: {"labels": [...]} or {"rating": n}
    scores: dict[str, float]  # class -> probability
    confidence: float  # single label / rating: the top probability; multi: the least sure label

    def to_suggestion(self) -> dict[str, Any]:
        """What items carry: the answer plus its scores."""
        return {**self.suggestion, "scores": self.scores}


def predictions_from(
    settings: QueueSettings, classes: Sequence[str], proba: np.ndarray, multi: bool
) -> list[Prediction]:
    out = []
    for row in proba:
        scores = {c: round(float(p), 6) for c, p in zip(classes, row, strict=True)}
        if multi:
            chosen = [c for c, p in zip(classes, row, strict=True) if p >= 0.5] or [
                classes[int(row.argmax())]
            ]
            confidence = float(np.min(np.maximum(row, 1 - row)))
        else:
            chosen = [classes[int(row.argmax())]]
            confidence = float(row.max())
        out.append(Prediction(labels_answer(settings, chosen), scores, round(confidence, 6)))
    return out


def wilson_interval(correct: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound for small n and for 0 or n correct)."""
    if n == 0:
        return (0.0, 1.0)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def evaluate(
    classes: Sequence[str], multi: bool, truth: Sequence[tuple[str, ...]], proba: np.ndarray
) -> dict[str, Any]:
    """Accuracy (multi: every label right), macro-F1 and per-class precision/recall/F1/support."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    y_true = _indicator(truth, classes).astype(int)
    if multi:
        y_pred = (proba >= 0.5).astype(int)
        empty = y_pred.sum(axis=1) == 0
        y_pred[empty, proba[empty].argmax(axis=1)] = 1
    else:
        y_pred = np.zeros_like(y_true)
        y_pred[np.arange(len(proba)), proba.argmax(axis=1)] = 1
    accuracy = float((y_true == y_pred).all(axis=1).mean()) if len(truth) else 0.0
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    macro = float(f1_score(y_true, y_pred, average="macro", zero_division=0))
    figures: dict[str, Any] = {
        "accuracy": round(accuracy, 4),
        "macro_f1": round(macro, 4),
        "accuracy_ci95": [round(x, 4) for x in wilson_interval(round(accuracy * len(truth)), len(truth))],
        "per_class": {
            c: {
                "precision": round(float(p[j]), 4),
                "recall": round(float(r[j]), 4),
                "f1": round(float(f[j]), 4),
                "support": int(support[j]),
            }
            for j, c in enumerate(classes)
        },  # fmt: skip
    }
    if not multi and all(c.lstrip("-").isdigit() for c in classes):  # ratings: how far off, too
        values = np.array([int(c) for c in classes])
        truth_v = np.array([int(t[0]) for t in truth])
        figures["mae"] = round(float(np.abs(values[proba.argmax(axis=1)] - truth_v).mean()), 4)
    return figures


# --- versions on disk ----------------------------------------------------------------------------


def models_root(home: Path | None = None) -> Path:
    return (home or scrubline_home()) / "models"


def queue_models_dir(queue: str, home: Path | None = None) -> Path:
    return models_root(home) / queue


def model_versions(queue: str, home: Path | None = None) -> list[int]:
    folder = queue_models_dir(queue, home)
    if not folder.is_dir():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir() if p.name[:1] == "v" and p.name[1:].isdigit())


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _owner_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def _check_private(path: Path) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise ModelError(f"{path}: a model file is a symbolic link (expected a regular file)")
    if info.st_mode & 0o077 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise ModelError(f"{path}: a model file must be owned by you and private (mode 0600, folders 0700)")


@dataclass
class TrainedModel:
    queue: str
    version: int
    settings: QueueSettings
    backend: Backend
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def name(self) -> str:
        return f"{self.queue}@v{self.version}"

    @property
    def classes(self) -> list[str]:
        return self.backend.classes

    @property
    def multi(self) -> bool:
        return self.backend.multi

    def predict_items(self, items: Sequence[Any]) -> list[Prediction]:
        """Predictions on queue items (a preference model reads their responses, see
        `preference.PreferenceModel`)."""
        return self.predict([item.text for item in items])

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        return predictions_from(
            self.settings, self.classes, self.backend.predict_proba(list(texts)), self.multi
        )


def _save(model: TrainedModel, meta: dict[str, Any], split: dict[str, list[str]], home: Path | None) -> Path:
    root = queue_models_dir(model.queue, home)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    models_root(home).chmod(0o700)
    root.chmod(0o700)
    pending = root / f".pending-{os.getpid()}-{time.monotonic_ns()}"
    pending.mkdir(mode=0o700)
    try:
        model.backend.save(pending)
        (pending / "split.json").write_text(json.dumps(split, indent=1))
        files = {str(p.relative_to(pending)): file_sha256(p) for p in _files_under(pending)}
        (pending / "meta.json").write_text(json.dumps({**meta, "files": files}, indent=2, sort_keys=True))
        _owner_only(pending)
        while True:  # claim the next free version number (another train may have taken it)
            final = root / f"v{model.version}"
            try:
                pending.rename(final)  # fails when the folder exists and is not empty
                break
            except OSError:
                if not final.exists():
                    raise
                model.version += 1
                meta_path = pending / "meta.json"
                data = json.loads(meta_path.read_text())
                data.update(version=model.version, name=model.name)
                meta_path.write_text(json.dumps(data, indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(pending, ignore_errors=True)
        raise
    model.path = final
    model.meta = json.loads((final / "meta.json").read_text())
    return final


def load_model(
    queue: str, version: int | None = None, *, settings: QueueSettings, home: Path | None = None
) -> TrainedModel:
    """A saved version (default: the latest), after checking its files: present, unchanged
    (sha256 in meta.json), nothing extra, private to you."""
    versions = model_versions(queue, home)
    if not versions:
        raise ModelError(f"queue '{queue}' has no model yet: train one with scrubline queue train {queue}")
    version = versions[-1] if version is None else version
    folder = queue_models_dir(queue, home) / f"v{version}"
    if version not in versions:
        raise ModelError(f"{folder}: no such model version (versions: {', '.join(map(str, versions))})")
    meta_path = folder / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: cannot read the model's meta.json ({type(exc).__name__})") from None
    for key in ("format", "queue", "version", "kind", "library", "labels", "multi", "files"):
        if key not in meta:
            raise ModelError(
                f"{meta_path}: no '{key}' (expected a meta.json written by scrubline queue train)"
            )
    if meta["library"] not in BACKENDS:
        raise ModelError(f"{meta_path}: library '{meta['library']}' is not one of {', '.join(BACKENDS)}")
    if meta["format"] != META_FORMAT or meta["queue"] != queue or meta["version"] != version:
        raise ModelError(f"{meta_path}: format, queue or version does not match v{version} of '{queue}'")
    if meta["kind"] != settings.task.value:
        raise ModelError(
            f"{meta_path}: a {meta['kind']} model, but queue '{queue}' is now {settings.task.value}"
        )
    _check_private(folder)
    listed = dict(meta["files"])
    for path in _files_under(folder):
        name = str(path.relative_to(folder))
        _check_private(path)
        if name == "meta.json":
            continue
        if name not in listed:
            raise ModelError(f"{path}: a file meta.json does not list (the model folder was changed)")
        if file_sha256(path) != listed.pop(name):
            raise ModelError(f"{path}: sha256 differs from meta.json (the model file was changed)")
    if listed:
        raise ModelError(f"{folder}: missing model file(s) {', '.join(sorted(listed))}")
    if meta["kind"] == QueueTask.PREFERENCE.value:
        from .preference import load_preference_model

        return load_preference_model(queue, version, settings, meta, folder)
    if meta["kind"] == QueueTask.SPANS.value:
        from .span_model import SpanNerBackend as backend_class
    else:
        backend_class = BACKENDS[meta["library"]]
    backend = backend_class.load(folder, meta["labels"], bool(meta["multi"]))
    return TrainedModel(queue, version, settings, backend, meta, folder)


# --- training --------------------------------------------------------------------------------


def split_holdout(data: LabelledSet, share: float, seed: int, multi: bool) -> tuple[list[int], list[int]]:
    """Train and held-out positions: stratified by class where every class has two items."""
    from sklearn.model_selection import train_test_split

    n = len(data.item_ids)
    heldout_n = max(1, round(n * share))
    counts = Counter(t[0] for t in data.targets)
    stratify = None
    if not multi and min(counts.values()) >= 2 and heldout_n >= len(counts) and n - heldout_n >= len(counts):
        stratify = [t[0] for t in data.targets]
    train, heldout = train_test_split(
        list(range(n)), test_size=heldout_n, random_state=seed, stratify=stratify
    )
    return sorted(train), sorted(heldout)


@dataclass
class TrainReport:
    model: TrainedModel
    train_size: int
    heldout_size: int
    metrics: dict[str, Any]
    data_sha256: str


def require_enough(queue: str, have: int, learning: QueueModel, what: str = "labelled") -> None:
    """Refuse to train on fewer answered items than the policy's `model.min_annotations`."""
    need = learning.min_annotations
    if have < need:
        raise ModelError(
            f"queue '{queue}' has {have} {what} item(s); training needs {need}"
            " (model.min_annotations in the policy)"
        )


def save_version(
    model: TrainedModel,
    train: Any,
    heldout: Any,
    data_sha256: str,
    metrics: dict[str, Any],
    seconds: float,
    seed: int,
    home: Path | None,
    **details: Any,
) -> TrainReport:
    """Write a trained version: meta.json holds what every kind records (queue, version, kind,
    library, sizes, the training data's digest, held-out figures, seed, time) and the kind's own
    `details` (labels, features, ...); `train`/`heldout` are the splits (their `item_ids`)."""
    backend = model.backend
    meta = {
        "format": META_FORMAT,
        "queue": model.queue,
        "version": model.version,
        "name": model.name,
        "kind": model.settings.task.value,
        "multi": False,
        "library": backend.library,
        "library_version": backend.library_version,
        "labels": [],
        "contents": "vocabulary and weights learned from the queue's redacted texts; item ids; no raw values",
        **details,
        "train_size": len(train.item_ids),
        "heldout_size": len(heldout.item_ids),
        "data_sha256": data_sha256,
        "heldout": metrics,
        "train_seconds": round(seconds, 3),
        "seed": seed,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _save(model, meta, {"train": train.item_ids, "heldout": heldout.item_ids}, home)
    return TrainReport(model, len(train.item_ids), len(heldout.item_ids), metrics, data_sha256)


def train_queue_model(
    store: QueueStore,
    queue: str,
    *,
    library: str | None = None,
    aggregator: Aggregator = majority_vote,
    home: Path | None = None,
) -> TrainReport:
    """Train the queue's next model version from its people's answers, measure it on a held-out
    share, save it. Raises ModelError when there is too little to learn from. A spans queue
    trains its entity recognizer (span_model.py)."""
    found = store.settings().get(queue)
    if found is not None and found.task is QueueTask.SPANS:
        from .span_model import train_span_model

        return train_span_model(store, queue, found, library=library, home=home)
    settings = queue_settings(store, queue)
    if settings.task is QueueTask.PREFERENCE:
        from .preference import train_preference_model

        return train_preference_model(
            store, queue, settings, library=library, aggregator=aggregator, home=home
        )
    data = labelled_set(store, queue, aggregator)
    learning = settings.model or QueueModel()
    require_enough(queue, len(data.item_ids), learning)
    multi = settings.task is QueueTask.CLASSIFICATION and settings.multi
    train_at, heldout_at = split_holdout(data, learning.holdout, learning.seed, multi)
    train, heldout = data.subset(train_at), data.subset(heldout_at)
    seen = sorted({label for labels in train.targets for label in labels})
    if multi:
        classes = list(settings.labels)
    else:
        if len(seen) < 2:
            raise ModelError(
                f"queue '{queue}': the training items carry one class only ({seen[0]}); need two"
            )
        classes = sorted(seen, key=int) if settings.task is QueueTask.RATING else [
            c for c in settings.labels if c in seen
        ]  # fmt: skip
    backend = backend_for(library or learning.kind.value, classes, multi, learning.seed)
    started = time.perf_counter()
    backend.fit(train.texts, train.targets)
    seconds = time.perf_counter() - started
    # A held-out item of a class the training split never saw stays in: it counts as wrong.
    known = set(classes)
    truth = [tuple(label for label in t if label in known) for t in heldout.targets]
    metrics = evaluate(classes, multi, truth, backend.predict_proba(heldout.texts))
    version = (model_versions(queue, home) or [0])[-1] + 1
    model = TrainedModel(queue, version, settings, backend)
    return save_version(
        model, train, heldout, data.sha256(), metrics, seconds, learning.seed, home,
        multi=multi,
        rating_as="classes" if settings.task is QueueTask.RATING else None,
        labels=classes,
    )  # fmt: skip


# --- serving: suggestions and order ------------------------------------------------------------


def diversity_priorities(
    item_ids: Sequence[str],
    texts: Sequence[str],
    confidences: Sequence[float],
    *,
    batch: int = 20,
    pool: int = 5,
) -> dict[str, float]:
    """Serve order for `order: diversity`: the first `batch` items are chosen among the
    `pool * batch` least confident ones by an uncertainty-weighted farthest-first traversal over
    TF-IDF vectors (each next item maximises its uncertainty times its cosine distance to the
    items already chosen), so one batch does not spend people on near-duplicates of one confusing
    message; everything after the batch is served least confident first.

    Priorities: the batch in (1, 1.5], in pick order; the rest 1 - confidence (in [0, 1])."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = {i: 1.0 - c for i, c in zip(item_ids, confidences, strict=True)}
    if not item_ids:
        return out
    uncertainty = 1.0 - np.asarray(confidences, dtype=np.float64)
    candidates = list(np.argsort(-uncertainty, kind="stable")[: max(batch, pool * batch)])
    try:
        x = TfidfVectorizer(sublinear_tf=True).fit_transform([texts[i] for i in candidates])
    except ValueError:  # no words at all: uncertainty alone
        return out
    distance = np.ones(len(candidates))
    chosen: list[int] = []
    weights = uncertainty[candidates] + 1e-6
    for _ in range(min(batch, len(candidates))):
        score = weights * distance
        score[chosen] = -1.0
        pick = int(np.argmax(score))
        chosen.append(pick)
        similarity = np.asarray((x @ x[pick].T).todense()).ravel()
        distance = np.minimum(distance, 1.0 - similarity)
    for rank, pick in enumerate(chosen):
        out[item_ids[candidates[pick]]] = 1.5 - 0.5 * rank / max(1, len(chosen))
    return out


def suggest(store: QueueStore, queue: str, model: TrainedModel, *, batch: int = 20) -> int:
    """Write the model's predictions on the queue's open items (pre-annotations for pulls) and
    order the queue for its `order` setting. Returns how many items got a suggestion. A spans
    model's entities become the items' pre-labels (`predictions`, span_model.py)."""
    if model.settings.task is QueueTask.SPANS:
        from .span_model import suggest_spans

        return suggest_spans(store, queue, model)
    items = store.open_items(queue)
    if not items:
        return 0
    predictions = model.predict_items(items)
    pairs = list(zip(items, predictions, strict=True))
    changed = store.set_suggestions(
        queue, {item.item_id: (p.to_suggestion(), p.confidence, model.name) for item, p in pairs}
    )
    order = model.settings.order
    pending = [
        (item, p) for item, p in zip(items, predictions, strict=True) if item.state in ("pending", "held")
    ]
    if order is QueueOrder.DIVERSITY and pending:
        store.set_priorities(
            queue,
            diversity_priorities(
                [i.item_id for i, _ in pending],
                [i.text for i, _ in pending],
                [p.confidence for _, p in pending],
                batch=batch,
            ),
        )
    return changed


# --- automatic labels with spot checks -----------------------------------------------------------


@dataclass
class AutolabelReport:
    queue: str
    model: str
    threshold: float
    spot_check: float
    seed: int
    considered: int = 0  # pending items nobody has touched
    below: int = 0  # confidence under the threshold: left to people
    accepted: list[str] = field(default_factory=list)
    spot_checked: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "model": self.model,
            "threshold": self.threshold,
            "spot_check": self.spot_check,
            "seed": self.seed,
            "considered": self.considered,
            "below_threshold": self.below,
            "accepted": len(self.accepted),
            "spot_checked": len(self.spot_checked),
            "accepted_items": sorted(self.accepted),
            "spot_check_items": sorted(self.spot_checked),
        }


def autolabel(
    store: QueueStore,
    queue: str,
    model: TrainedModel,
    *,
    threshold: float | None = None,
    spot_check: float | None = None,
    seed: int | None = None,
    before_write: Callable[[AutolabelReport], None] | None = None,
) -> AutolabelReport:
    """Accept the model's answer, without a person, on pending items nobody has leased or
    answered whose confidence is at least the threshold; of those, a share `spot_check` (at
    least one when the share is above 0; drawn by a seeded shuffle of the item ids) goes to
    people instead, served first and without the suggestion, and is recorded as a spot check.
    Settings come from the queue's `auto_accept` unless given. `before_write` sees the planned
    report before the store changes (the CLI audits there: no unaudited auto label); an item
    someone leases in between stays with people and is left out of `accepted`."""
    rule = model.settings.auto_accept
    if rule is None and threshold is None:
        raise ModelError(
            f"queue '{queue}' has no auto_accept setting (auto_accept: {{threshold, spot_check}})"
        )
    threshold = threshold if threshold is not None else rule.threshold
    spot_check = spot_check if spot_check is not None else (rule.spot_check if rule else 0.1)
    seed = seed if seed is not None else (rule.seed if rule else 0)
    if not 0 < threshold <= 1 or not 0 <= spot_check < 1:
        raise ModelError("auto-accept: threshold must be in (0, 1] and spot_check in [0, 1)")
    report = AutolabelReport(queue, model.name, threshold, spot_check, seed)
    # Only items nobody holds a lease on, finished or refused, and not already a spot check.
    checked = {c.item_id for c in store.spot_checks(queue)}
    candidates = [i for i in store.open_items(queue) if i.state == "pending" and not i.gold]
    touched = set(store.assignments([i.item_id for i in candidates]))
    items = [i for i in candidates if i.item_id not in checked and i.item_id not in touched]
    report.considered = len(items)
    predictions = model.predict_items(items)
    sure = sorted(
        ((item, p) for item, p in zip(items, predictions, strict=True) if p.confidence >= threshold),
        key=lambda pair: pair[0].item_id,
    )
    report.below = len(items) - len(sure)
    k = math.ceil(spot_check * len(sure)) if spot_check > 0 else 0
    rng = random.Random(f"{seed}\x00{queue}\x00{model.name}")
    drawn = set(rng.sample(range(len(sure)), k)) if k else set()
    draw = f"seed={seed} model={model.name}"
    checks = [
        SpotCheck(item.item_id, queue, model.name, p.suggestion, p.confidence, draw)
        for j, (item, p) in enumerate(sure)
        if j in drawn
    ]
    report.spot_checked = [c.item_id for c in checks]
    accepted = {item.item_id: p.suggestion for j, (item, p) in enumerate(sure) if j not in drawn}
    report.accepted = sorted(accepted)
    if before_write is not None:
        before_write(report)
    store.add_spot_checks(checks)
    report.accepted = store.auto_accept(queue, accepted, model.name)
    return report


@dataclass
class SpotCheckReport:
    queue: str
    checked: int  # spot checks drawn
    answered: int  # of those, answered by people (an aggregated answer exists)
    correct: int  # the model's answer equals the people's
    models: dict[str, dict[str, int]] = field(default_factory=dict)  # per model: answered / correct

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.answered)

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "queue": self.queue,
            "spot_checks": self.checked,
            "answered": self.answered,
            "correct": self.correct,
            "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
            "ci95": [round(low, 4), round(high, 4)],
            "models": self.models,
        }

    def format_text(self) -> str:
        if not self.answered:
            return (
                f"{self.queue}: {self.checked} spot check(s), none answered by people yet: "
                "no measured accuracy of auto-accepted labels"
            )
        low, high = self.interval
        return (
            f"{self.queue}: auto-accepted labels measured on {self.answered} of {self.checked} spot checks: "
            f"accuracy {self.accuracy:.1%} ({self.correct}/{self.answered};"
            f" 95% CI {low:.1%}-{high:.1%}, Wilson)"
        )


def spot_check_report(
    store: QueueStore, queue: str, aggregator: Aggregator = majority_vote
) -> SpotCheckReport:
    """How often the model's answer on a spot-checked item matches the people's (aggregated)
    answer: the measured accuracy of the labels it accepts alone at that confidence."""
    settings = queue_settings(store, queue)
    checks = store.spot_checks(queue)
    people = aggregator([a for a in store.annotations(queue) if a.origin != Origin.MODEL], settings)
    report = SpotCheckReport(queue, len(checks), 0, 0)
    for check in checks:
        if check.item_id not in people:
            continue
        right = answer_labels(settings, people[check.item_id]) == answer_labels(settings, check.answer)
        report.answered += 1
        report.correct += int(right)
        per = report.models.setdefault(check.model, {"answered": 0, "correct": 0})
        per["answered"] += 1
        per["correct"] += int(right)
    return report


def auto_label_records(store: QueueStore, queue: str) -> list[dict[str, Any]]:
    """The queue's auto-accepted labels, each marked `origin: model` with the model's name,
    for an export (the item's redacted text, its answer, no raw value)."""
    notes = [a for a in store.annotations(queue) if a.origin == Origin.MODEL]
    items = {i.item_id: i for i in store.items([a.item_id for a in notes])}
    return [
        {
            "item_id": a.item_id,
            "queue": queue,
            "text": items[a.item_id].text,
            "answer": a.answer,
            "origin": a.origin,
            "auto": True,
            "model": items[a.item_id].model,
        }
        for a in notes
        if a.item_id in items
    ]


class AutoLabelExport:
    """JSONL of auto-accepted labels, one line per item: `item_id`, `queue`, `text` (redacted),
    `answer`, `origin: model`, `auto: true`, `model` (name@version). Shaped like a format for
    `review.export_audited`, which audits the disclosure."""

    name = "autolabel-jsonl"

    def __init__(self, records: Sequence[dict[str, Any]]):
        self.records = {r["item_id"]: r for r in records}

    def export(self, items, path, labels, settings=None) -> Path:
        path = Path(path)
        with path.open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(
                    json.dumps(self.records[item.item_id], ensure_ascii=False, sort_keys=True) + "\n"
                )
        path.chmod(0o600)
        return path
