"""Crowd quality control: several annotators' answers per item become one label, with how far
they agree, how good each annotator is, and which labels look wrong.

Plain Python and plain data: every function takes votes as (item id, annotator, answer) triples,
answers shaped as `Annotation.answer` is per kind (`{"labels": [...]}`, `{"rating": 4}`,
`{"ranking": [1, 0]}`, `{"text": ...}`; spans as `{"spans": [{start, end, label}, ...]}`), so
it is tested without a store; `queue_aggregate` reads one queue from a store.

Aggregation, per kind (`method`: `majority`, `dawid-skene` or `mace`):

* classification: one categorical vote per item; with `multi`, one yes/no vote per item and
  label (binary relevance), each label aggregated on its own.
* rating: the scale points as categories (Dawid-Skene learns each annotator's confusions, so
  a harsh or lenient rater is read through); majority takes the most common rating, a tie going
  to the tied rating nearest the median.
* preference: the chosen response (`ranking[0]`) is the categorical vote; the final ranking is
  the chosen one first, then the others by Borda count over the annotators' rankings.
* spans: every (start, end) range any annotator marked is a candidate; each annotator of the
  item votes its label there, or `O` when they did not mark exactly that range. Candidates whose
  winner is a label become the item's spans (overlapping ones: the more certain is kept).
* text: no vote can merge free text. The answer kept is the medoid, the one most like the
  others (mean `difflib` similarity); every method does this, and an item whose answers are
  not alike (agreement below `review_below`) is flagged for a person to review.

Dawid-Skene and MACE are implemented here with numpy (`dawid_skene`, `mace`): crowd-kit, which
has both, needs `transformers`, and with `transformers` installed Presidio imports it in every
process (seconds of start-up per worker, and a "PyTorch was not found" line on every run).
Majority vote has deterministic ties (`labels` order, then the name). Model answers (`origin:
model`, auto-accepted) vote only where no person answered the item; the row's `origin` says
which: `model`, `human` (one person) or `aggregated` (two or more).

Agreement per kind: Krippendorff's alpha (nominal for classes, ordinal for ratings), Fleiss'
kappa (items with the most common number of annotators) and Cohen's kappa per pair (quadratic
weights for ratings) for classes and ratings; for spans the token-level figures of
`agreement.py` and exact-span F1 between pairs; for preferences the share of response pairs two
annotators order alike; for text the mean similarity of two annotators' texts. Gold items are
left out of agreement and aggregation and used to score annotators.

Possible label errors (`flag_label_errors`): cleanlab's `find_label_issues` over out-of-sample
probabilities from a TF-IDF + logistic regression classifier cross-validated on the items'
(redacted) texts, for classification and rating queues.
"""

from __future__ import annotations

import difflib
import math
import statistics
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..errors import MissingDependencyError
from .agreement import cohen_kappa, fleiss, krippendorff_alpha
from .base import QueueError, QueueStore, Span

KINDS = ("classification", "rating", "preference", "spans", "text")
METHODS = ("majority", "dawid-skene", "mace")
OUTSIDE = "O"
YES, NO = "1", "0"
REVIEW_BELOW = 0.5  # item agreement under this flags the item for review

Vote = tuple[str, str, Mapping[str, Any]]  # (item id, annotator, answer)


# --- categorical aggregation ---------------------------------------------------------------------


@dataclass
class Categorical:
    """The winner of each task and its probability (vote share for majority, posterior else)."""

    labels: dict[str, str]
    confidence: dict[str, float]


def _majority(votes: Sequence[tuple[str, str, str]], order: Sequence[str] = ()) -> Categorical:
    counts: dict[str, Counter] = defaultdict(Counter)
    for task, _, label in votes:
        counts[task][label] += 1
    rank = {label: i for i, label in enumerate(order)}
    labels, confidence = {}, {}
    for task, counter in counts.items():
        top = max(counter.values())
        tied = sorted(
            (label for label, n in counter.items() if n == top), key=lambda x: (rank.get(x, 1e9), x)
        )
        labels[task] = tied[0]
        confidence[task] = top / sum(counter.values())
    return Categorical(labels, confidence)


def categorical(
    votes: Sequence[tuple[str, str, str]], method: str, *, order: Sequence[str] = (), seed: int = 0
) -> Categorical:
    """Aggregate (task, worker, label) votes by `method`. `order` breaks majority ties."""
    if method not in METHODS:
        raise QueueError(f"unknown aggregation method '{method}' (methods: {', '.join(METHODS)})")
    if not votes or method == "majority":
        return _majority(votes, order)
    encoded = _encode(votes)
    if len(encoded.classes) < 2:  # nothing to learn
        return _majority(votes, order)
    if method == "dawid-skene":
        posterior = dawid_skene(encoded)
    else:
        posterior = mace(encoded, seed=seed)
    return _decode(encoded, posterior, order)


@dataclass
class _Encoded:
    tasks: list[str]
    workers: list[str]
    classes: list[str]
    task: Any  # numpy int arrays, one entry per vote
    worker: Any
    label: Any


def _encode(votes: Sequence[tuple[str, str, str]]) -> _Encoded:
    import numpy as np

    tasks = sorted({t for t, _, _ in votes})
    workers = sorted({w for _, w, _ in votes})
    classes = sorted({c for _, _, c in votes})
    ti = {t: i for i, t in enumerate(tasks)}
    wi = {w: i for i, w in enumerate(workers)}
    ci = {c: i for i, c in enumerate(classes)}
    return _Encoded(
        tasks,
        workers,
        classes,
        np.array([ti[t] for t, _, _ in votes]),
        np.array([wi[w] for _, w, _ in votes]),
        np.array([ci[c] for _, _, c in votes]),
    )


def _decode(encoded: _Encoded, posterior: Any, order: Sequence[str]) -> Categorical:
    rank = {label: i for i, label in enumerate(order)}
    labels, confidence = {}, {}
    for i, task in enumerate(encoded.tasks):
        row = posterior[i]
        top = row.max()
        # ties (to 1e-9) as majority breaks them: `order`, then the label's name
        tied = [c for k, c in enumerate(encoded.classes) if row[k] >= top - 1e-9]
        labels[task] = min(tied, key=lambda x: (rank.get(x, 1e9), x))
        confidence[task] = float(top)
    return Categorical(labels, confidence)


def _vote_shares(e: _Encoded):
    import numpy as np

    shares = np.zeros((len(e.tasks), len(e.classes)))
    np.add.at(shares, (e.task, e.label), 1.0)
    return shares / shares.sum(axis=1, keepdims=True)


def dawid_skene(e: _Encoded, *, iterations: int = 100, tol: float = 1e-6, smoothing: float = 0.01):
    """Dawid & Skene (1979), by expectation-maximisation: each annotator has a confusion matrix
    (true class -> the label they give), the classes a prior; starting from the vote shares,
    alternately re-estimate them and each task's posterior over the true class. Returns the
    tasks x classes posterior."""
    import numpy as np

    n_tasks, n_workers, n_classes = len(e.tasks), len(e.workers), len(e.classes)
    posterior = _vote_shares(e)
    for _ in range(iterations):
        prior = posterior.mean(axis=0)
        # confusion[w, true, given]: expected counts of worker w giving `given` when `true`
        confusion = np.full((n_workers, n_classes, n_classes), smoothing)
        np.add.at(confusion, (e.worker, slice(None), e.label), posterior[e.task])
        confusion /= confusion.sum(axis=2, keepdims=True)
        log_post = np.tile(np.log(np.clip(prior, 1e-12, None)), (n_tasks, 1))
        np.add.at(log_post, e.task, np.log(confusion[e.worker, :, e.label]))
        log_post -= log_post.max(axis=1, keepdims=True)
        updated = np.exp(log_post)
        updated /= updated.sum(axis=1, keepdims=True)
        change = np.abs(updated - posterior).max()
        posterior = updated
        if change < tol:
            break
    return posterior


def mace(e: _Encoded, *, restarts: int = 5, iterations: int = 50, smoothing: float = 0.01, seed: int = 0):
    """MACE (Hovy et al. 2013, "Learning Whom to Trust with MACE"), its EM form: an annotator
    either knows the answer (with probability theta, their competence) or spams, drawing a
    label from their own strategy xi; the true class has a uniform prior. The best of
    `restarts` random starts (seeded) by log-likelihood. Returns the tasks x classes posterior."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_tasks, n_workers, n_classes = len(e.tasks), len(e.workers), len(e.classes)
    best, best_ll = None, -np.inf
    for _ in range(restarts):
        theta = rng.uniform(0.5, 0.9, n_workers)
        xi = rng.dirichlet(np.ones(n_classes), n_workers)
        for _ in range(iterations):
            # P(label | true k) per vote: theta [label == k] + (1 - theta) xi[label]
            spam = ((1 - theta[e.worker]) * xi[e.worker, e.label])[:, None]
            knows = theta[e.worker][:, None] * (np.arange(n_classes)[None, :] == e.label[:, None])
            likelihood = knows + spam  # votes x classes
            log_post = np.zeros((n_tasks, n_classes))
            np.add.at(log_post, e.task, np.log(likelihood))
            top = log_post.max(axis=1, keepdims=True)
            posterior = np.exp(log_post - top)
            norm = posterior.sum(axis=1, keepdims=True)
            ll = float((np.log(norm) + top).sum())
            posterior /= norm
            # expected share of each vote given knowingly
            known = (posterior[e.task] * knows / likelihood).sum(axis=1)
            counts = np.bincount(e.worker, minlength=n_workers)
            theta = (np.bincount(e.worker, weights=known, minlength=n_workers) + smoothing) / (
                counts + 2 * smoothing
            )
            xi = np.full((n_workers, n_classes), smoothing)
            np.add.at(xi, (e.worker, e.label), 1 - known)
            xi /= xi.sum(axis=1, keepdims=True)
        if ll > best_ll:
            best, best_ll = posterior, ll
    return best


# --- per kind ------------------------------------------------------------------------------------


@dataclass
class ItemResult:
    """One item's final answer and where it came from."""

    item_id: str
    answer: dict[str, Any] | None
    annotators: int
    votes: dict[str, int]  # option -> how many annotators gave it (labels, ratings, chosen, spans)
    agreement: float | None  # how far the item's annotators agree with the final answer; None: one
    origin: str  # human | model | aggregated
    method: str
    confidence: float | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def _labels_of(answer: Mapping[str, Any]) -> list[str]:
    labels = answer.get("labels")
    if labels is None and "label" in answer:
        labels = [answer["label"]]
    return [str(x) for x in labels or ()]


def _spans_of(answer: Mapping[str, Any]) -> set[tuple[int, int, str]]:
    out = set()
    for s in answer.get("spans") or ():
        span = s if isinstance(s, Span) else Span.from_dict(s)
        if not span.is_placeholder:
            out.add((span.start, span.end, span.label))
    return out


def similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def order_agreement(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Share of the response pairs both rankings hold that they order the same way."""
    pos_a = {x: i for i, x in enumerate(a)}
    pos_b = {x: i for i, x in enumerate(b)}
    shared = [x for x in pos_a if x in pos_b]
    pairs = list(combinations(shared, 2))
    if not pairs:
        return None
    same = sum((pos_a[x] < pos_a[y]) == (pos_b[x] < pos_b[y]) for x, y in pairs)
    return same / len(pairs)


def span_f1(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    matched = len(a & b)
    return 2 * matched / (len(a) + len(b))


def jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def answer_score(kind: str, given: Mapping[str, Any], truth: Mapping[str, Any]) -> float:
    """How right `given` is against `truth`, in [0, 1]: exact class (set, for multi-label),
    exact rating, same chosen response, exact-span F1, text similarity."""
    if kind == "classification":
        return float(set(_labels_of(given)) == set(_labels_of(truth)))
    if kind == "rating":
        return float(given.get("rating") == truth.get("rating"))
    if kind == "preference":
        a, b = list(given.get("ranking") or ()), list(truth.get("ranking") or ())
        return float(bool(a) and bool(b) and a[0] == b[0])
    if kind == "spans":
        return span_f1(_spans_of(given), _spans_of(truth))
    if kind == "text":
        return similarity(str(given.get("text") or ""), str(truth.get("text") or ""))
    raise QueueError(f"unknown task kind '{kind}' (kinds: {', '.join(KINDS)})")


def _item_agreement(
    kind: str, answers: Sequence[Mapping[str, Any]], final: Mapping[str, Any]
) -> float | None:
    if len(answers) < 2:
        return None
    if kind == "classification":
        values = [jaccard(set(_labels_of(a)), set(_labels_of(final))) for a in answers]
    elif kind == "preference":
        values = [
            v for a in answers if (v := order_agreement(a.get("ranking") or (), final["ranking"])) is not None
        ]
    elif kind == "text":
        chosen = str(final.get("text") or "")
        others = [str(a.get("text") or "") for a in answers]
        others.remove(chosen) if chosen in others else None
        values = [similarity(chosen, other) for other in others]
    else:
        values = [answer_score(kind, a, final) for a in answers]
    return sum(values) / len(values) if values else None


def usable(kind: str, answer: Mapping[str, Any] | None) -> bool:
    """Whether an answer has the kind's shape (others are left out of every figure)."""
    if not isinstance(answer, Mapping):
        return False
    if kind == "classification":
        return bool(_labels_of(answer))
    if kind == "rating":
        return isinstance(answer.get("rating"), int | float) and not isinstance(answer.get("rating"), bool)
    if kind == "preference":
        ranking = answer.get("ranking")
        return isinstance(ranking, list | tuple) and len(ranking) > 0
    if kind == "text":
        return isinstance(answer.get("text"), str)
    return isinstance(answer.get("spans"), list | tuple)


def _split(votes: Iterable[Vote], origins: Mapping[tuple[str, str], str]) -> tuple[dict, dict]:
    """Item -> annotator -> answer, people's answers only where an item has any; item -> origin."""
    by_item: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for item, annotator, answer in votes:
        if answer is not None:
            by_item[item][annotator] = answer
    kept, origin = {}, {}
    for item, answers in by_item.items():
        people = {a: x for a, x in answers.items() if origins.get((item, a), "human") != "model"}
        if people:
            kept[item] = people
            origin[item] = "aggregated" if len(people) > 1 else "human"
        else:
            kept[item] = answers
            origin[item] = "model"
    return kept, origin


def aggregate(
    kind: str,
    votes: Iterable[Vote],
    method: str = "majority",
    *,
    labels: Sequence[str] = (),
    multi: bool = False,
    origins: Mapping[tuple[str, str], str] | None = None,
    review_below: float = REVIEW_BELOW,
    seed: int = 0,
) -> dict[str, ItemResult]:
    """The final answer of every voted item. `labels` orders classes (majority ties);
    `origins` maps (item, annotator) to `model` for auto-accepted answers."""
    if kind not in KINDS:
        raise QueueError(f"unknown task kind '{kind}' (kinds: {', '.join(KINDS)})")
    if method not in METHODS:
        raise QueueError(f"unknown aggregation method '{method}' (methods: {', '.join(METHODS)})")
    by_item, origin = _split([v for v in votes if usable(kind, v[2])], origins or {})
    finals: dict[str, dict[str, Any]] = {}
    confidence: dict[str, float | None] = {}
    counts: dict[str, dict[str, int]] = {}

    if kind == "classification" and not multi:
        flat = [
            (item, who, (_labels_of(a) or [""])[0])
            for item, notes in by_item.items()
            for who, a in notes.items()
        ]
        result = categorical(flat, method, order=labels, seed=seed)
        for item in by_item:
            finals[item] = {"labels": [result.labels[item]]}
            confidence[item] = result.confidence.get(item)
    elif kind == "classification":
        universe = list(
            dict.fromkeys(
                [*labels, *sorted({x for n in by_item.values() for a in n.values() for x in _labels_of(a)})]
            )
        )
        chosen: dict[str, list[str]] = {item: [] for item in by_item}
        certainty: dict[str, float] = {item: 1.0 for item in by_item}
        for label in universe:
            flat = [
                (item, who, YES if label in _labels_of(a) else NO)
                for item, notes in by_item.items()
                for who, a in notes.items()
            ]
            result = categorical(flat, method, order=(NO, YES), seed=seed)
            for item in by_item:
                if result.labels[item] == YES:
                    chosen[item].append(label)
                certainty[item] = min(certainty[item], result.confidence.get(item, 1.0))
        for item in by_item:
            finals[item] = {"labels": chosen[item]}
            confidence[item] = certainty[item]
    elif kind == "rating":
        flat = [
            (item, who, str(int(a["rating"]))) for item, notes in by_item.items() for who, a in notes.items()
        ]
        if method == "majority":
            for item, notes in by_item.items():
                values = [int(a["rating"]) for a in notes.values()]
                counter = Counter(values)
                top = max(counter.values())
                median = statistics.median(values)
                best = min((v for v, n in counter.items() if n == top), key=lambda v: (abs(v - median), v))
                finals[item] = {"rating": best}
                confidence[item] = top / len(values)
        else:
            result = categorical(flat, method, seed=seed)
            for item in by_item:
                finals[item] = {"rating": int(result.labels[item])}
                confidence[item] = result.confidence.get(item)
    elif kind == "preference":
        flat = [
            (item, who, str(int(a["ranking"][0])))
            for item, notes in by_item.items()
            for who, a in notes.items()
            if a.get("ranking")
        ]
        result = categorical(flat, method, seed=seed)
        for item, notes in by_item.items():
            borda: Counter = Counter()
            for a in notes.values():
                ranking = list(a.get("ranking") or ())
                for position, response in enumerate(ranking):
                    borda[int(response)] += len(ranking) - 1 - position
            best = int(result.labels[item])
            rest = sorted((r for r in borda if r != best), key=lambda r: (-borda[r], r))
            finals[item] = {"ranking": [best, *rest]}
            confidence[item] = result.confidence.get(item)
    elif kind == "spans":
        flat = []
        for item, notes in by_item.items():
            ranges = sorted({(s, e) for a in notes.values() for s, e, _ in _spans_of(a)})
            for who, a in notes.items():
                mine = {(s, e): label for s, e, label in _spans_of(a)}
                flat += [(f"{item}\x00{s}\x00{e}", who, mine.get((s, e), OUTSIDE)) for s, e in ranges]
        result = categorical(flat, method, order=(OUTSIDE,), seed=seed)
        kept: dict[str, list[tuple[float, int, int, str]]] = defaultdict(list)
        for task, label in result.labels.items():
            item, s, e = task.split("\x00")
            if label != OUTSIDE:
                kept[item].append((result.confidence.get(task, 1.0), int(s), int(e), label))
        for item in by_item:
            spans: list[tuple[int, int, str]] = []
            lowest = 1.0
            for conf, s, e, label in sorted(kept[item], key=lambda x: (-x[0], x[1], x[2])):
                if all(e <= s2 or e2 <= s for s2, e2, _ in spans):
                    spans.append((s, e, label))
                    lowest = min(lowest, conf)
            finals[item] = {"spans": [{"start": s, "end": e, "label": lb} for s, e, lb in sorted(spans)]}
            confidence[item] = lowest
    else:  # text: the medoid
        for item, notes in by_item.items():
            texts = [str(a.get("text") or "") for _, a in sorted(notes.items())]
            if len(texts) == 1:
                best, score = texts[0], None
            else:
                means = [
                    sum(similarity(t, o) for j, o in enumerate(texts) if j != i) / (len(texts) - 1)
                    for i, t in enumerate(texts)
                ]
                top = max(range(len(texts)), key=lambda i: (means[i], -i))
                best, score = texts[top], means[top]
            finals[item] = {"text": best}
            confidence[item] = score

    out = {}
    for item, notes in by_item.items():
        answers = list(notes.values())
        counts[item] = _vote_counts(kind, answers)
        agreement = _item_agreement(kind, answers, finals[item])
        flags = []
        if agreement is not None and agreement < review_below:
            flags.append("low_agreement")
        if kind == "text" and len(answers) == 1 and origin[item] == "model":
            flags.append("unreviewed_model_text")
        out[item] = ItemResult(
            item_id=item,
            answer=finals[item],
            annotators=len(answers),
            votes=counts[item],
            agreement=agreement,
            origin=origin[item],
            method="medoid" if kind == "text" else method,
            confidence=confidence.get(item),
            flags=flags,
        )
    return out


def _vote_counts(kind: str, answers: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counter: Counter = Counter()
    for a in answers:
        if kind == "classification":
            counter.update(_labels_of(a))
        elif kind == "rating":
            counter[str(a.get("rating"))] += 1
        elif kind == "preference":
            if a.get("ranking"):
                counter[str(a["ranking"][0])] += 1
        elif kind == "spans":
            counter.update(f"{s}-{e}:{label}" for s, e, label in _spans_of(a))
        else:
            counter["distinct answers"] = len({str(x.get("text") or "") for x in answers})
    return {str(k): int(v) for k, v in sorted(counter.items())}


# --- agreement per kind --------------------------------------------------------------------------


def ordinal_alpha(matrix: Sequence[Sequence[float | None]], domain: Sequence[int]) -> float | None:
    """Ordinal Krippendorff's alpha of a raters x units matrix of ratings (None: missing)."""
    import numpy as np

    try:
        import krippendorff
    except ImportError:
        raise MissingDependencyError(
            "queue agreement needs krippendorff (pip install krippendorff)"
        ) from None
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix], dtype=float)
    if data.size == 0:
        return None
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = set(data[~np.isnan(data)].tolist())
    if not pairable.any() or len(values) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            reliability_data=data[:, pairable],
            level_of_measurement="ordinal",
            value_domain=sorted(set(domain) | values),
        )
    return None if value is None or math.isnan(value) else float(value)


def weighted_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights (ratings)."""
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = cohen_kappa_score(a, b, weights="quadratic")
    return None if math.isnan(value) else float(value)


@dataclass
class KindAgreement:
    """Agreement of one queue's annotators (regular items with two or more of them)."""

    kind: str
    items: int
    units: int
    figures: dict[str, float | None]  # name -> value (alpha, kappa, pairwise agreement, F1...)
    pairs: list[dict[str, Any]]  # per annotator pair: a, b, items, value
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def r(v):
            return None if v is None else round(v, 4)

        return {
            "kind": self.kind,
            "items": self.items,
            "units": self.units,
            **{k: r(v) for k, v in self.figures.items()},
            "pairs": [{**p, "value": r(p["value"])} for p in self.pairs],
            "notes": self.notes,
        }


def _units(
    kind: str, by_item: Mapping[str, Mapping[str, Mapping[str, Any]]], labels: Sequence[str], multi: bool
):
    """Unit id -> annotator -> value, for the categorical and rating kinds."""
    units: dict[str, dict[str, Any]] = {}
    if kind == "classification" and multi:
        universe = list(
            dict.fromkeys(
                [*labels, *sorted({x for n in by_item.values() for a in n.values() for x in _labels_of(a)})]
            )
        )
        for item, notes in by_item.items():
            for label in universe:
                units[f"{item}\x00{label}"] = {
                    who: YES if label in _labels_of(a) else NO for who, a in notes.items()
                }
    elif kind == "classification":
        for item, notes in by_item.items():
            units[item] = {who: (_labels_of(a) or [""])[0] for who, a in notes.items()}
    elif kind == "rating":
        for item, notes in by_item.items():
            units[item] = {who: int(a["rating"]) for who, a in notes.items()}
    elif kind == "preference":
        for item, notes in by_item.items():
            units[item] = {who: str(a["ranking"][0]) for who, a in notes.items() if a.get("ranking")}
    return units


def kind_agreement(
    kind: str,
    votes: Iterable[Vote],
    *,
    labels: Sequence[str] = (),
    multi: bool = False,
    scale: Sequence[int] = (),
) -> KindAgreement:
    """Agreement figures for one kind's votes (gold items already left out)."""
    by_item: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for item, who, answer in votes:
        if usable(kind, answer):
            by_item[item][who] = answer
    shared = {item: notes for item, notes in by_item.items() if len(notes) >= 2}
    annotators = sorted({who for notes in shared.values() for who in notes})
    figures: dict[str, float | None] = {}
    pairs: list[dict[str, Any]] = []
    notes_out: list[str] = []

    def pair_values(score) -> None:
        for a, b in combinations(annotators, 2):
            both = [item for item, notes in shared.items() if a in notes and b in notes]
            if both:
                values = [v for item in both if (v := score(shared[item][a], shared[item][b])) is not None]
                pairs.append(
                    {
                        "a": a,
                        "b": b,
                        "items": len(both),
                        "value": sum(values) / len(values) if values else None,
                    }
                )

    if kind in ("classification", "rating", "preference"):
        units = _units(kind, shared, labels, multi)
        units = {u: v for u, v in units.items() if len(v) >= 2}
        matrix = [[units[u].get(who) for u in units] for who in annotators]
        if kind == "rating":
            figures["krippendorff_alpha_ordinal"] = ordinal_alpha(matrix, scale) if units else None
        else:
            figures["krippendorff_alpha_nominal"] = (
                krippendorff_alpha([[None if v is None else str(v) for v in row] for row in matrix])
                if units
                else None
            )
        raters = Counter(len(v) for v in units.values())
        common = max(raters, key=lambda k: (raters[k], k)) if raters else 0
        same = [[str(v[w]) for w in sorted(v)] for v in units.values() if len(v) == common]
        figures["fleiss_kappa"] = fleiss(same)
        if figures["fleiss_kappa"] is not None:
            notes_out.append(f"Fleiss' kappa over {len(same)} units with {common} annotators each")
        for a, b in combinations(annotators, 2):
            both = [u for u, v in units.items() if a in v and b in v]
            if not both:
                continue
            left, right = [units[u][a] for u in both], [units[u][b] for u in both]
            value = (
                weighted_kappa(left, right)
                if kind == "rating"
                else cohen_kappa([str(x) for x in left], [str(x) for x in right])
            )
            pairs.append({"a": a, "b": b, "items": len(both), "value": value})
        kappas = [p["value"] for p in pairs if p["value"] is not None]
        figures["mean_cohen_kappa" + ("_quadratic" if kind == "rating" else "")] = (
            sum(kappas) / len(kappas) if kappas else None
        )
        if kind == "preference":
            ordered = []
            for notes in shared.values():
                for x, y in combinations(notes.values(), 2):
                    v = order_agreement(x.get("ranking") or (), y.get("ranking") or ())
                    if v is not None:
                        ordered.append(v)
            figures["pairwise_agreement"] = sum(ordered) / len(ordered) if ordered else None
            pairs.clear()
            pair_values(lambda x, y: order_agreement(x.get("ranking") or (), y.get("ranking") or ()))
            notes_out.append(
                "alpha, Fleiss' kappa: over the chosen response; pairs: pairwise order agreement"
            )
        unit_count = len(units)
    elif kind == "spans":
        values = [
            span_f1(_spans_of(x), _spans_of(y))
            for n in shared.values()
            for x, y in combinations(n.values(), 2)
        ]
        figures["mean_pairwise_span_f1"] = sum(values) / len(values) if values else None
        pair_values(lambda x, y: span_f1(_spans_of(x), _spans_of(y)))
        unit_count = sum(
            len({(s, e) for a in n.values() for s, e, _ in _spans_of(a)}) for n in shared.values()
        )
        notes_out.append("token-level kappa and alpha: scrubline queue agreement")
    else:
        values = [
            similarity(str(x.get("text") or ""), str(y.get("text") or ""))
            for n in shared.values()
            for x, y in combinations(n.values(), 2)
        ]
        figures["mean_pairwise_similarity"] = sum(values) / len(values) if values else None
        pair_values(lambda x, y: similarity(str(x.get("text") or ""), str(y.get("text") or "")))
        unit_count = len(shared)
    return KindAgreement(kind, len(shared), unit_count, figures, pairs, notes_out)


# --- annotators ----------------------------------------------------------------------------------


@dataclass
class AnnotatorScore:
    annotator: str
    gold_items: int = 0
    gold_accuracy: float | None = None  # mean `answer_score` against gold answers
    agreed_items: int = 0
    agreement_accuracy: float | None = None  # mean `answer_score` against the aggregate
    items: int = 0


def annotator_scores(
    kind: str,
    votes: Iterable[Vote],
    results: Mapping[str, ItemResult],
    gold: Mapping[str, Mapping[str, Any]],
) -> dict[str, AnnotatorScore]:
    """Each annotator's accuracy on gold items, and on regular items against the aggregate
    (items two or more people answered: one person's answer always agrees with itself)."""
    on_gold: dict[str, list[float]] = defaultdict(list)
    on_agg: dict[str, list[float]] = defaultdict(list)
    items: Counter = Counter()
    for item, who, answer in votes:
        if not usable(kind, answer):
            continue
        items[who] += 1
        if item in gold:
            on_gold[who].append(answer_score(kind, answer, gold[item]))
        elif item in results and results[item].annotators >= 2 and results[item].answer is not None:
            on_agg[who].append(answer_score(kind, answer, results[item].answer))
    out = {}
    for who in sorted(items):
        g, a = on_gold.get(who, []), on_agg.get(who, [])
        out[who] = AnnotatorScore(
            who,
            len(g),
            sum(g) / len(g) if g else None,
            len(a),
            sum(a) / len(a) if a else None,
            items[who],
        )
    return out


# --- label errors --------------------------------------------------------------------------------


@dataclass
class LabelIssues:
    items: list[str]  # flagged item ids, most likely wrong first
    checked: int
    note: str = ""


def _require(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"flagging label errors needs {package} (pip install {package})"
        ) from None


def flag_label_errors(
    texts: Mapping[str, str],
    labels: Mapping[str, str | Sequence[str]],
    *,
    multi: bool = False,
    folds: int = 5,
    seed: int = 0,
) -> LabelIssues:
    """Items whose label a classifier trained on the other items' texts finds unlikely:
    cleanlab `find_label_issues` over out-of-sample probabilities (TF-IDF + logistic
    regression, `folds`-fold cross-validation). Too few items per label: nothing is flagged,
    and the note says why."""
    import numpy as np

    ids = [i for i in labels if i in texts]
    if multi:
        classes = sorted({x for i in ids for x in labels[i]})
    else:
        classes = sorted({str(labels[i]) for i in ids})
    if len(classes) < 2:
        return LabelIssues([], 0, "fewer than two labels: nothing to compare")
    _require("sklearn", "scikit-learn")
    filtering = _require("cleanlab.filter", "cleanlab")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    corpus = [texts[i] for i in ids]
    index = {c: k for k, c in enumerate(classes)}
    if not multi:
        y = np.array([index[str(labels[i])] for i in ids])
        smallest = int(np.bincount(y, minlength=len(classes)).min())
        k = min(folds, smallest)
        if k < 2:
            return LabelIssues(
                [], 0, f"a label has fewer than 2 items ({smallest}): cross-validation needs 2"
            )
        model = make_pipeline(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1),
            LogisticRegression(max_iter=1000, C=10.0),
        )
        probs = cross_val_predict(
            model, corpus, y, cv=StratifiedKFold(k, shuffle=True, random_state=seed), method="predict_proba"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ranked = filtering.find_label_issues(
                labels=y, pred_probs=probs, return_indices_ranked_by="self_confidence"
            )
    else:
        from sklearn.multiclass import OneVsRestClassifier

        y = np.array([[int(c in labels[i]) for c in classes] for i in ids])
        if int(y.sum(axis=0).min()) < 2 or int((1 - y).sum(axis=0).min()) < 2:
            return LabelIssues([], 0, "a label is on (or off) fewer than 2 items: cross-validation needs 2")
        model = make_pipeline(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
            OneVsRestClassifier(LogisticRegression(max_iter=1000, C=10.0)),
        )
        k = min(folds, len(ids))
        probs = cross_val_predict(
            model, corpus, y, cv=KFold(k, shuffle=True, random_state=seed), method="predict_proba"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ranked = filtering.find_label_issues(
                labels=[[index[c] for c in labels[i]] for i in ids],
                pred_probs=probs,
                multi_label=True,
                return_indices_ranked_by="self_confidence",
            )
    return LabelIssues([ids[int(j)] for j in ranked], len(ids))


# --- a queue -------------------------------------------------------------------------------------


@dataclass
class AggregateReport:
    queue: str
    kind: str
    method: str
    multi: bool
    results: dict[str, ItemResult]
    agreement: KindAgreement
    annotators: dict[str, AnnotatorScore]
    issues: LabelIssues
    gold_items: int = 0
    unannotated: int = 0  # regular items nobody answered (left out of the dataset)

    @property
    def flagged(self) -> list[str]:
        return [item for item, r in self.results.items() if r.flagged]

    def origins(self) -> dict[str, int]:
        return dict(sorted(Counter(r.origin for r in self.results.values()).items()))

    def to_dict(self) -> dict[str, Any]:
        def r(v):
            return None if v is None else round(v, 4)

        return {
            "queue": self.queue,
            "kind": self.kind,
            "multi": self.multi,
            "method": self.method,
            "items": len(self.results),
            "unannotated": self.unannotated,
            "gold_items": self.gold_items,
            "origins": self.origins(),
            "agreement": self.agreement.to_dict(),
            "annotators": {
                name: {
                    "items": s.items,
                    "gold_items": s.gold_items,
                    "gold_accuracy": r(s.gold_accuracy),
                    "agreed_items": s.agreed_items,
                    "agreement_accuracy": r(s.agreement_accuracy),
                }
                for name, s in self.annotators.items()
            },
            "label_issues": {
                "checked": self.issues.checked,
                "flagged": len(self.issues.items),
                "note": self.issues.note,
            },
            "flagged": {
                "items": len(self.flagged),
                "by_reason": dict(
                    sorted(Counter(f for res in self.results.values() for f in res.flags).items())
                ),
            },
        }

    def format_text(self) -> str:
        def f(v):
            return "-" if v is None else f"{v:.3f}"

        d = self.to_dict()
        kind = self.kind + (" (multi-label)" if self.multi else "")
        lines = [
            f"Aggregated labels of queue {self.queue}: {kind}, method {self.method}",
            f"  items {len(self.results)} (origin: "
            + (", ".join(f"{k} {v}" for k, v in self.origins().items()) or "none")
            + f"); not yet annotated {self.unannotated}; gold items {self.gold_items}",
            f"  agreement over {self.agreement.items} items with 2+ annotators"
            f" ({self.agreement.units} units):",
        ]
        for name, value in self.agreement.figures.items():
            lines.append(f"    {name:32} {f(value)}")
        for note in self.agreement.notes:
            lines.append(f"    ({note})")
        lines.append("  annotators: accuracy on gold items; agreement with the aggregate")
        for name, s in self.annotators.items():
            lines.append(
                f"    {name}: gold {f(s.gold_accuracy)} ({s.gold_items} items); "
                f"aggregate {f(s.agreement_accuracy)} ({s.agreed_items} items)"
            )
        reasons = d["flagged"]["by_reason"]
        lines.append(
            f"  flagged {len(self.flagged)} items"
            + (" (" + ", ".join(f"{k} {v}" for k, v in reasons.items()) + ")" if reasons else "")
        )
        if self.issues.note:
            lines.append(f"    label errors: {self.issues.note}")
        return "\n".join(lines)


def queue_kind(settings: Any, items: Iterable[Any]) -> str:
    """The queue's task kind: its settings' `task`, else what its items say (spans)."""
    task = getattr(settings, "task", None)
    if task is not None:
        return str(getattr(task, "value", task))
    kinds = Counter(getattr(item, "task", "spans") for item in items if not getattr(item, "gold", False))
    return kinds.most_common(1)[0][0] if kinds else "spans"


def queue_aggregate(
    store: QueueStore,
    queue: str,
    method: str = "majority",
    *,
    review_below: float = REVIEW_BELOW,
    seed: int = 0,
    check_labels: bool = True,
) -> tuple[AggregateReport, dict[str, Any]]:
    """Aggregate one queue from what the store holds. Returns the report and the annotated
    regular items by id (what the dataset export writes)."""
    settings = store.settings()
    if queue not in settings:
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(settings) or 'none yet'})")
    config = settings[queue]
    notes = store.annotations(queue)
    items = {item.item_id: item for item in store.items(sorted({n.item_id for n in notes}))}
    kind = queue_kind(config, items.values())
    multi = bool(getattr(config, "multi", False))
    if kind == "spans":
        gold = {
            item: {"spans": [s.to_dict() for s in spans]} for item, spans in store.gold_answers(queue).items()
        }
    else:
        gold = store.gold_kind_answers(queue)
    votes: list[Vote] = []
    for note in notes:
        if note.item_id not in items:
            continue
        if kind == "spans":
            answer = {"spans": [s.to_dict() for s in note.spans if not s.is_placeholder]}
        else:
            answer = note.answer
        if answer is not None:
            votes.append((note.item_id, note.annotator, answer))
    if kind == "classification" and not multi:
        multi = any(len(_labels_of(a)) > 1 for _, _, a in votes)
    regular = [v for v in votes if not items[v[0]].gold]
    origins = {(n.item_id, n.annotator): n.origin for n in notes}
    labels = tuple(getattr(config, "labels", ()))
    results = aggregate(
        kind,
        regular,
        method,
        labels=labels,
        multi=multi,
        origins=origins,
        review_below=review_below,
        seed=seed,
    )
    scale_settings = getattr(config, "scale", None)
    scale = (
        list(range(scale_settings.min, scale_settings.max + 1))
        if scale_settings is not None
        else sorted({int(a["rating"]) for _, _, a in regular})
        if kind == "rating"
        else []
    )
    people = [v for v in regular if origins.get((v[0], v[1]), "human") != "model"]
    agreement = kind_agreement(kind, people, labels=labels, multi=multi, scale=scale)
    scores = annotator_scores(
        kind, [v for v in votes if origins.get((v[0], v[1]), "human") != "model"], results, gold
    )
    if kind in ("classification", "rating") and check_labels:
        final = {
            item: (r.answer["labels"] if multi else r.answer["labels"][0])
            if kind == "classification"
            else str(r.answer["rating"])
            for item, r in results.items()
        }
        if kind == "classification" and not multi:
            final = {item: label for item, label in final.items() if label}
        issues = flag_label_errors(
            {i: items[i].text for i in results}, final, multi=multi and kind == "classification", seed=seed
        )
        for item in issues.items:
            results[item].flags.append("label_issue")
    else:
        issues = LabelIssues(
            [],
            0,
            "not checked"
            if check_labels is False
            else f"not checked for {kind} (cleanlab: classes, ratings)",
        )
    stats = store.stats().get(queue)
    unannotated = (stats.items if stats else 0) - len(results)
    report = AggregateReport(
        queue,
        kind,
        method,
        multi,
        dict(sorted(results.items())),
        agreement,
        scores,
        issues,
        gold_items=sum(1 for item in items.values() if item.gold),
        unannotated=max(unannotated, 0),
    )
    return report, {i: items[i] for i in report.results}
