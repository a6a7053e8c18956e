"""A preference (reward) model for `task: preference` queues, trained from people's rankings.

A Bradley-Terry scorer: each response to a prompt gets a score `s = w . phi(prompt, response)`,
and the chance that response a is preferred to b is `sigmoid(s_a - s_b)`. `w` is a scikit-learn
logistic regression without intercept, fitted on the feature differences of every ordered pair a
ranking implies (best over each lower one), each pair also given reversed so the model is
symmetric. `phi` is, over one TF-IDF vocabulary of words and word pairs of the redacted prompts
and responses:

* the response's TF-IDF (which wording people prefer),
* the response's TF-IDF restricted to the prompt's terms (does it speak of what was asked),
* the cosine of prompt and response, and the log of the response's length in words.

The prompt features are what tell a fluent answer to another question from a right one.
`benchmarks/preference_model.py`, generated pairs (not a public dataset), 400 test items, 3 seeds,
held-out pairwise accuracy at 50 / 100 / 200 ranked items: 0.923 / 0.927 / 0.963 with them,
0.895 / 0.898 / 0.903 without; always first 0.516, longer response 0.444.

A prediction ranks an item's responses by score, best first; its confidence is the chance that
the top response is the best one (the Plackett-Luce softmax of the scores; for two responses
`sigmoid(s_top - s_other)`), so `order: uncertainty`, `diversity` and `auto_accept` work as
for the classification queues. Training data, the held-out split, versions, files and the
refusal to load a changed version are those of `learning.py` (`meta.json` of kind
`preference`, a JSON vocabulary and `.npy` arrays, no pickle, owner-only). Held out: the share
of implied pairs ordered right (`pairwise_accuracy`, also `accuracy`), with the same figure for
the two baselines on the same items.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from ..routing import QueueModel, QueueSettings
from .base import QueueItem, QueueStore
from .kinds import responses_of
from .learning import (
    Aggregator,
    ModelError,
    Prediction,
    TrainedModel,
    TrainReport,
    majority_vote,
    model_versions,
    require_enough,
    save_version,
    wilson_interval,
)

PREFERENCE_LIBRARIES = ("auto", "sklearn")


def prompt_text(item: QueueItem) -> str:
    """The item's prompt as one text (a conversation: its messages' contents, one per line)."""
    prompt = (item.content or {}).get("prompt", "")
    if isinstance(prompt, list):
        return "\n".join(str(m.get("content", "")) for m in prompt if isinstance(m, Mapping))
    return str(prompt)


def ranking_of(answer: Mapping[str, Any] | None, width: int) -> list[int] | None:
    """The ranking of an answer when it ranks exactly `width` responses, else None."""
    ranking = (answer or {}).get("ranking") if isinstance(answer, Mapping) else None
    if not isinstance(ranking, list | tuple) or any(
        isinstance(i, bool) or not isinstance(i, int) for i in ranking
    ):
        return None
    return list(ranking) if sorted(ranking) == list(range(width)) and width >= 2 else None


def ranked_pairs(ranking: Sequence[int]) -> list[tuple[int, int]]:
    """(better, worse) for every pair a ranking implies."""
    return [(ranking[i], ranking[j]) for i in range(len(ranking)) for j in range(i + 1, len(ranking))]


@dataclass
class RankedSet:
    """What a preference model learns from: per item, its prompt, responses and ranking."""

    item_ids: list[str]
    prompts: list[str]
    responses: list[list[str]]
    rankings: list[list[int]]

    def sha256(self) -> str:
        import hashlib

        rows = sorted(zip(self.item_ids, self.prompts, self.responses, self.rankings, strict=True))
        blob = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def subset(self, index: Sequence[int]) -> RankedSet:
        return RankedSet(
            [self.item_ids[i] for i in index],
            [self.prompts[i] for i in index],
            [self.responses[i] for i in index],
            [self.rankings[i] for i in index],
        )


def ranked_set(
    store: QueueStore, queue: str, settings: QueueSettings, aggregator: Aggregator = majority_vote
) -> RankedSet:
    """The queue's items people ranked (`origin` human or aggregated: the aggregator leaves
    model answers out), with the aggregated ranking of each."""
    from .base import Origin

    people = [a for a in store.annotations(queue) if a.origin != Origin.MODEL]
    answers = aggregator(people, settings)
    out = RankedSet([], [], [], [])
    for item in store.items(sorted(answers)):
        responses = responses_of(item)
        ranking = ranking_of(answers[item.item_id], len(responses))
        if ranking is None:
            continue
        out.item_ids.append(item.item_id)
        out.prompts.append(prompt_text(item))
        out.responses.append(responses)
        out.rankings.append(ranking)
    return out


class PreferenceBackend:
    """The Bradley-Terry scorer over TF-IDF features (see the module docstring)."""

    library = "sklearn"
    C = 10.0

    def __init__(self, seed: int = 0, use_prompt: bool = True):
        self.seed = seed
        self.use_prompt = use_prompt
        self.classes: list[str] = []  # a ranking, not classes
        self.multi = False

    @property
    def library_version(self) -> str:
        return package_version("scikit-learn")

    @staticmethod
    def _vectorizer():
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float64)

    def features(self, prompt: str, responses: Sequence[str]):
        """phi(prompt, response) for each response: one sparse row per response."""
        from scipy import sparse

        x = self.vectorizer.transform(list(responses))
        words = np.array([[math.log1p(len(r.split()))] for r in responses])
        if not self.use_prompt:
            return sparse.hstack([x, sparse.csr_matrix(words)], format="csr")
        p = self.vectorizer.transform([prompt])
        asked = x @ sparse.diags((p.toarray().ravel() > 0).astype(np.float64))
        cosine = np.asarray(x @ p.T.toarray()).reshape(-1, 1)
        return sparse.hstack([x, asked, sparse.csr_matrix(cosine), sparse.csr_matrix(words)], format="csr")

    def fit(self, prompts: Sequence[str], responses: Sequence[Sequence[str]], rankings) -> PreferenceBackend:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = self._vectorizer()
        self.vectorizer.fit([*prompts, *(r for rs in responses for r in rs)])
        rows = []
        for prompt, options, ranking in zip(prompts, responses, rankings, strict=True):
            phi = self.features(prompt, options)
            rows.extend(phi[better] - phi[worse] for better, worse in ranked_pairs(ranking))
        if not rows:
            raise ModelError("no ranked pairs to learn from")
        x = sparse.vstack(rows, format="csr")
        x = sparse.vstack([x, -x], format="csr")
        y = np.r_[np.ones(len(rows)), np.zeros(len(rows))]
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=5000, random_state=self.seed)
        self.coef = np.asarray(model.fit(x, y).coef_[0], dtype=np.float64)
        return self

    def scores(self, prompt: str, responses: Sequence[str]) -> np.ndarray:
        return np.asarray(self.features(prompt, responses) @ self.coef).ravel()

    def save(self, folder: Path) -> None:
        vocabulary = {term: int(j) for term, j in self.vectorizer.vocabulary_.items()}
        (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False, sort_keys=True))
        np.save(folder / "idf.npy", self.vectorizer.idf_, allow_pickle=False)
        np.save(folder / "coef.npy", self.coef, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, use_prompt: bool) -> PreferenceBackend:
        backend = cls(use_prompt=use_prompt)
        vectorizer = cls._vectorizer()
        vectorizer.vocabulary_ = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        vectorizer.idf_ = np.load(folder / "idf.npy", allow_pickle=False)
        backend.vectorizer = vectorizer
        backend.coef = np.load(folder / "coef.npy", allow_pickle=False)
        width = len(vectorizer.vocabulary_) * (2 if use_prompt else 1) + (2 if use_prompt else 1)
        if (
            backend.coef.ndim != 1
            or backend.coef.shape[0] != width
            or vectorizer.idf_.shape[0] != len(vectorizer.vocabulary_)
        ):
            raise ModelError(f"{folder}: model arrays do not match its vocabulary")
        return backend


def rank_prediction(scores: np.ndarray) -> Prediction:
    """Responses best first by score; confidence P(top is best) by the softmax of the scores."""
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    z = np.exp(scores - scores.max())
    best = z / z.sum()
    return Prediction(
        {"ranking": order},
        {str(i): round(float(p), 6) for i, p in enumerate(best)},
        round(float(best[order[0]]), 6),
    )


class PreferenceModel(TrainedModel):
    """A saved preference model version: `predict_items` ranks each item's responses."""

    def predict_items(self, items: Sequence[QueueItem]) -> list[Prediction]:
        return [self.rank(prompt_text(item), responses_of(item)) for item in items]

    def rank(self, prompt: str, responses: Sequence[str]) -> Prediction:
        return rank_prediction(self.backend.scores(prompt, responses))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        raise ModelError(f"{self.name} ranks an item's responses: use predict_items")


def pairwise_figures(
    truth: Sequence[Sequence[int]], scored: Sequence[np.ndarray], lengths: Sequence[Sequence[int]]
) -> dict[str, Any]:
    """Held-out figures: pairs ordered right (ties count as wrong), top response right, the
    whole ranking right; and the pairwise accuracy of the always-first and longer-response
    baselines on the same items."""

    def pair_accuracy(score_of) -> tuple[int, int]:
        right = total = 0
        for ranking, s in zip(truth, score_of, strict=True):
            for better, worse in ranked_pairs(ranking):
                total += 1
                right += int(s[better] > s[worse])
        return right, total

    right, total = pair_accuracy(scored)
    first = pair_accuracy([-np.arange(len(r), dtype=float) for r in truth])
    longer = pair_accuracy([np.asarray(n, dtype=float) for n in lengths])
    top = sum(int(np.argmax(s)) == r[0] for r, s in zip(truth, scored, strict=True))
    exact = sum(
        [int(i) for i in np.argsort(-s, kind="stable")] == list(r) for r, s in zip(truth, scored, strict=True)
    )
    n = len(truth)
    accuracy = right / total if total else 0.0
    return {
        "accuracy": round(accuracy, 4),
        "pairwise_accuracy": round(accuracy, 4),
        "pairs": total,
        "accuracy_ci95": [round(x, 4) for x in wilson_interval(right, total)],
        "top_accuracy": round(top / n, 4) if n else 0.0,
        "ranking_accuracy": round(exact / n, 4) if n else 0.0,
        "baselines": {
            "always_first": round(first[0] / first[1], 4) if first[1] else 0.0,
            "longer_response": round(longer[0] / longer[1], 4) if longer[1] else 0.0,
        },
    }


def evaluate_backend(backend: PreferenceBackend, data: RankedSet) -> dict[str, Any]:
    scored = [backend.scores(p, rs) for p, rs in zip(data.prompts, data.responses, strict=True)]
    lengths = [[len(r.split()) for r in rs] for rs in data.responses]
    return pairwise_figures(data.rankings, scored, lengths)


def split_items(n: int, share: float, seed: int) -> tuple[list[int], list[int]]:
    """Train and held-out positions, by item (an item's pairs never straddle the split)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    heldout_n = min(n - 1, max(1, round(n * share)))
    return sorted(order[heldout_n:]), sorted(order[:heldout_n])


def train_preference_model(
    store: QueueStore,
    queue: str,
    settings: QueueSettings,
    *,
    library: str | None = None,
    aggregator: Aggregator = majority_vote,
    home: Path | None = None,
) -> TrainReport:
    """Train the preference queue's next model version from people's rankings, measure it on a
    held-out share of the items, save it (see `learning.train_queue_model`)."""
    learning = settings.model or QueueModel()
    name = library or learning.kind.value
    if name not in PREFERENCE_LIBRARIES:
        raise ModelError(
            f"queue '{queue}' is a preference queue: its model is scikit-learn's (--library auto or"
            f" sklearn, not '{name}')"
        )
    data = ranked_set(store, queue, settings, aggregator)
    require_enough(queue, len(data.item_ids), learning, "ranked")
    train_at, heldout_at = split_items(len(data.item_ids), learning.holdout, learning.seed)
    train, heldout = data.subset(train_at), data.subset(heldout_at)
    backend = PreferenceBackend(learning.seed)
    started = time.perf_counter()
    backend.fit(train.prompts, train.responses, train.rankings)
    seconds = time.perf_counter() - started
    metrics = evaluate_backend(backend, heldout)
    version = (model_versions(queue, home) or [0])[-1] + 1
    model = PreferenceModel(queue, version, settings, backend)
    return save_version(
        model, train, heldout, data.sha256(), metrics, seconds, learning.seed, home,
        rating_as=None,
        model_type="bradley-terry logistic regression",
        features={"response_tfidf": True, "prompt_terms": backend.use_prompt, "length": True},
        train_pairs=sum(len(ranked_pairs(r)) for r in train.rankings),
    )  # fmt: skip


def load_preference_model(
    queue: str, version: int, settings: QueueSettings, meta: Mapping[str, Any], folder: Path
) -> PreferenceModel:
    """The backend of a checked version folder (`learning.load_model` checks the files first)."""
    use_prompt = bool((meta.get("features") or {}).get("prompt_terms", True))
    backend = PreferenceBackend(int(meta.get("seed", 0)), use_prompt)
    loaded = PreferenceBackend.load(folder, use_prompt)
    backend.vectorizer, backend.coef = loaded.vectorizer, loaded.coef
    return PreferenceModel(queue, version, settings, backend, dict(meta), folder)
