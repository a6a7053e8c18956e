"""Active learning: labels needed to reach a target accuracy, by serve order.

A simulated queue: a pool of unlabelled messages, a seed set of random labels, then rounds in
which people label the next `--step` items the order serves and the queue's model is retrained
(scikit-learn TF-IDF + logistic regression, `learning.SklearnBackend`, the queue default).
Orders: `random` (the baseline), `uncertainty` (least confident first, `order: uncertainty`) and
`diversity` (`learning.diversity_priorities`, `order: diversity`). Accuracy is measured after
every round on a separate test set nobody labels or ranks. The target is a share (`--target`,
default 95%) of the accuracy of the same model trained on the whole labelled pool, measured in
the same run; "labels to reach it" is the first labelled count whose test accuracy is at or
above it (past the budget: not reached, counted as the budget in the mean and marked >).

Data: GENERATED, not a public dataset. No labelled text-classification dataset installable
from the package index (pip, nothing fetched at run time) was found for this task, so the
messages come from `tests/data/intent_data.py` (Faker-based support messages with five
intents, a share that mention a second intent, and label noise; no real data).

    nice -n 10 python benchmarks/active_learning.py [--seeds 5] [--pool 1500] [--budget 400]

Writes the learning curves to benchmarks/results/active_learning.png and .html.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from redaction.queues.learning import SklearnBackend, diversity_priorities  # noqa: E402
from tests.data.intent_data import intent_messages  # noqa: E402

ORDERS = ("random", "uncertainty", "diversity")


def fit(texts, labels, seed):
    classes = sorted(set(labels))
    return SklearnBackend(classes, False, seed).fit(texts, [(y,) for y in labels])


def accuracy(model, texts, labels) -> float:
    predicted = np.array(model.classes)[model.predict_proba(texts).argmax(axis=1)]
    return float((predicted == np.array(labels)).mean())


def simulate(order: str, pool, test, start: list[int], step: int, budget: int, seed: int):
    """(labelled counts, test accuracies) of one order on one seed."""
    texts = [e.text for e in pool]
    labels = [e.labels[0] for e in pool]
    test_texts, test_labels = [e.text for e in test], [e.labels[0] for e in test]
    labelled = list(start)
    rng = random.Random(f"{seed}-{order}")
    counts, scores = [], []
    while True:
        model = fit([texts[i] for i in labelled], [labels[i] for i in labelled], seed)
        counts.append(len(labelled))
        scores.append(accuracy(model, test_texts, test_labels))
        if len(labelled) >= budget:
            return counts, scores
        taken = set(labelled)
        rest = [i for i in range(len(pool)) if i not in taken]
        n = min(step, budget - len(labelled))
        if order == "random":
            chosen = rng.sample(rest, n)
        else:
            confidence = model.predict_proba([texts[i] for i in rest]).max(axis=1)
            if order == "uncertainty":
                chosen = [rest[j] for j in np.argsort(confidence, kind="stable")[:n]]
            else:
                ids = [str(i) for i in rest]
                priority = diversity_priorities(ids, [texts[i] for i in rest], list(confidence), batch=n)
                chosen = [int(i) for i in sorted(ids, key=lambda i: -priority[i])[:n]]
        labelled += chosen


def first_reaching(counts, scores, target) -> int | None:
    for count, score in zip(counts, scores, strict=True):
        if score >= target:
            return count
    return None


def plot(curves, targets, out: Path, budget: int) -> tuple[Path, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    colours = {"random": "#888888", "uncertainty": "#d62728", "diversity": "#1f77b4"}
    target = statistics.fmean(targets)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    html = go.Figure()
    for order, runs in curves.items():
        counts = runs[0][0]
        matrix = np.array([s for _, s in runs])
        mean, low, high = matrix.mean(axis=0), matrix.min(axis=0), matrix.max(axis=0)
        ax.plot(counts, mean, label=f"{order} (mean of {len(runs)} seeds)", color=colours[order], lw=2)
        ax.fill_between(counts, low, high, color=colours[order], alpha=0.15)
        html.add_trace(go.Scatter(x=counts, y=mean, name=order, line={"color": colours[order]}))
        html.add_trace(
            go.Scatter(
                x=[*counts, *counts[::-1]],
                y=[*high, *low[::-1]],
                fill="toself",
                line={"width": 0},
                fillcolor=colours[order],
                opacity=0.15,
                name=f"{order} min-max",
                showlegend=False,
            )
        )
    ax.axhline(target, ls="--", color="black", lw=1, label=f"target {target:.3f}")
    ax.set_xlabel("labels (items annotated)")
    ax.set_ylabel("test accuracy")
    ax.set_xlim(0, budget)
    ax.set_title("Active learning on generated intents (scikit-learn queue model)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    png = out / "active_learning.png"
    fig.savefig(png)
    plt.close(fig)
    html.add_hline(y=target, line_dash="dash", annotation_text="target")
    html.update_layout(
        title="Active learning on generated intents (band: min-max over seeds)",
        xaxis_title="labels (items annotated)",
        yaxis_title="test accuracy",
    )
    page = out / "active_learning.html"
    html.write_html(page, include_plotlyjs=True, full_html=True)
    return png, page


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="independent runs (data, seed set, draws)")
    parser.add_argument("--pool", type=int, default=1500, help="unlabelled items in the simulated queue")
    parser.add_argument("--test", type=int, default=800, help="test items (never labelled or ranked)")
    parser.add_argument("--start", type=int, default=10, help="random labels before the first model")
    parser.add_argument("--step", type=int, default=10, help="labels per round (a pulled batch)")
    parser.add_argument("--budget", type=int, default=400, help="labels at most")
    parser.add_argument("--target", type=float, default=0.95, help="share of the full-pool accuracy to reach")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results", help="folder for plots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    curves: dict[str, list] = {order: [] for order in ORDERS}
    reached: dict[str, list[int | None]] = {order: [] for order in ORDERS}
    targets, full = [], []
    for seed in range(args.seeds):
        pool = intent_messages(args.pool, seed=100 + seed)
        test = intent_messages(args.test, seed=10_000 + seed)
        whole = fit([e.text for e in pool], [e.labels[0] for e in pool], seed)
        full.append(accuracy(whole, [e.text for e in test], [e.labels[0] for e in test]))
        targets.append(args.target * full[-1])
        rng = random.Random(seed)
        while True:  # a seed set with at least two classes, the same for every order
            start = rng.sample(range(args.pool), args.start)
            if len({pool[i].labels[0] for i in start}) > 1:
                break
        for order in ORDERS:
            counts, scores = simulate(order, pool, test, start, args.step, args.budget, seed)
            curves[order].append((counts, scores))
            reached[order].append(first_reaching(counts, scores, targets[-1]))
    print(
        "active learning on GENERATED data (tests/data/intent_data.py: Faker-based intents, 5 classes;"
        " no public dataset installable from the index was found), scikit-learn queue model"
    )
    print(
        f"{args.seeds} seeds, pool {args.pool}, test {args.test}, {args.start} random labels then"
        f" {args.step} per round, budget {args.budget}"
    )
    print(
        f"full-pool accuracy {statistics.fmean(full):.3f} (per seed {', '.join(f'{x:.3f}' for x in full)});"
        f" target {args.target:.0%} of it: {statistics.fmean(targets):.3f}"
    )
    print()
    header = ("order", "labels to target (mean)", "per seed", "ratio vs random", "accuracy at budget")

    def mean_labels(values):
        return statistics.fmean(args.budget if v is None else v for v in values)

    base = mean_labels(reached["random"])
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for order in ORDERS:
        values = reached[order]
        per_seed = ", ".join(f">{args.budget}" if v is None else str(v) for v in values)
        missed = sum(v is None for v in values)
        mean = mean_labels(values)
        final = statistics.fmean(s[-1] for _, s in curves[order])
        print(
            " | ".join(
                (
                    order,
                    f"{'>=' if missed else ''}{mean:.0f}",
                    per_seed,
                    f"{mean / base:.2f}",
                    f"{final:.3f}",
                )
            )
        )
    png, page = plot(curves, targets, args.out, args.budget)
    print()
    print(f"learning curves: {png} and {page} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
