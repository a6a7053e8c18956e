"""Which library a queue model uses by default (`learning.DEFAULT_LIBRARY`), measured.

scikit-learn (TF-IDF + logistic regression) against spaCy `textcat` / `textcat_multilabel`
(blank English pipeline, default architecture), on the same splits of generated, redacted-looking
support messages (`tests/data/intent_data.py`: Faker-based, no real data; not a public dataset):
single-label intents, multi-label intents, and 1-5 helpfulness ratings. For ratings it also
measures the two ways to learn them with scikit-learn: one class per value (what the queues
use: every prediction has a probability) against a ridge regression rounded to the scale.
Each figure is the mean over seeds of the test accuracy, macro-F1, training seconds and
prediction ms per item (one core, this machine).

    nice -n 10 python benchmarks/queue_models.py [--sizes 100 400] [--seeds 3] [--test 600]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.queues.learning import SklearnBackend, SpacyBackend, evaluate  # noqa: E402
from tests.data.intent_data import (  # noqa: E402
    INTENTS,
    intent_messages,
    multi_intent_messages,
    rated_responses,
)

TASKS = {
    "intent (single)": (intent_messages, False),
    "intent (multi)": (multi_intent_messages, True),
    "rating 1-5 (classes)": (rated_responses, False),
}


def classes_of(name: str, examples) -> list[str]:
    if name.startswith("rating"):
        return sorted({e.labels[0] for e in examples}, key=int)
    return list(INTENTS)


def run_one(backend_cls, name, make, multi, size, test_n, seed):
    train = make(size, seed)
    test = make(test_n, 10_000 + seed)
    classes = classes_of(name, train)
    backend = backend_cls(classes, multi, seed)
    started = time.perf_counter()
    backend.fit([e.text for e in train], [e.labels for e in train])
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    proba = backend.predict_proba([e.text for e in test])
    predict_ms = (time.perf_counter() - started) * 1000 / len(test)
    truth = [tuple(x for x in e.labels if x in classes) for e in test]
    figures = evaluate(classes, multi, truth, proba)
    return figures["accuracy"], figures["macro_f1"], figures.get("mae"), fit_s, predict_ms


def rating_regression(size, test_n, seed):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    train, test = rated_responses(size, seed), rated_responses(test_n, 10_000 + seed)
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    started = time.perf_counter()
    x = vec.fit_transform([e.text for e in train])
    model = Ridge(alpha=1.0).fit(x, [e.rating for e in train])
    fit_s = time.perf_counter() - started
    pred = np.clip(np.rint(model.predict(vec.transform([e.text for e in test]))), 1, 5).astype(int)
    truth = np.array([e.rating for e in test])
    return float((pred == truth).mean()), None, float(np.abs(pred - truth).mean()), fit_s, None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400], help="training set sizes")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per figure")
    parser.add_argument("--test", type=int, default=600, help="test items per seed")
    args = parser.parse_args(argv)
    import sklearn.linear_model  # noqa: F401 - imported before timing: fit seconds are fitting only
    import spacy

    spacy.blank("en")
    rows = []
    for name, (make, multi) in TASKS.items():
        for size in args.sizes:
            runs = {"sklearn": SklearnBackend, "spacy": SpacyBackend}
            for library, cls in runs.items():
                results = [run_one(cls, name, make, multi, size, args.test, s) for s in range(args.seeds)]
                rows.append((name, size, library, results))
            if name.startswith("rating"):
                results = [rating_regression(size, args.test, s) for s in range(args.seeds)]
                rows.append(("rating 1-5 (regression)", size, "sklearn ridge", results))
    print(f"generated data (tests/data/intent_data.py), {args.seeds} seeds, {args.test} test items per seed")
    header = ("task", "train", "library", "accuracy", "macro-F1", "MAE", "fit s", "predict ms/item")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))

    def mean(values):
        values = [v for v in values if v is not None]
        return statistics.fmean(values) if values else None

    def fmt(value, digits=3):
        return "-" if value is None else f"{value:.{digits}f}"

    for name, size, library, results in rows:
        acc, f1, mae, fit_s, pred = (mean(col) for col in zip(*results, strict=True))
        print(
            " | ".join((name, str(size), library, fmt(acc), fmt(f1), fmt(mae), fmt(fit_s, 2), fmt(pred, 3)))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
