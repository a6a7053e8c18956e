"""How far annotators agree with each other, and with gold items.

The unit of agreement is a token. An item's text is cut into tokens (runs of word characters,
and each other non-space character alone); tokens inside a redaction placeholder are left out
(nobody annotates them). Each annotator gives each token a label: the label of their span that
overlaps it, or `O` when none does. So span annotations become one nominal judgement per token,
and partial overlaps count partly, token by token.

* Cohen's kappa (scikit-learn `cohen_kappa_score`) per pair of annotators, over the tokens of
  the regular items both annotated.
* Krippendorff's alpha, nominal (`krippendorff.alpha`) per queue, over every token of the
  regular items two or more annotators did; a missing judgement is missing, not `O`.
* Fleiss' kappa (statsmodels `fleiss_kappa`) per queue when it applies: it needs the same number
  of raters per unit, so it is computed over the items done by the most common number (>= 2)
  of annotators, and says how many items that was.
* Gold: each annotator's token accuracy against the known answers, and exact-span precision,
  recall and F1 (a span counts when start, end and label all match).

A kappa or alpha is None when it is undefined (fewer than two labels seen, nothing shared).
Gold items are left out of the agreement figures: they measure annotators, not the data.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError
from .base import Annotation, QueueError, QueueStore, Span

OUTSIDE = "O"
TOKEN = re.compile(r"\w+|[^\w\s]")

# module -> the package that provides it
_NEEDS = {
    "sklearn": "scikit-learn",
    "krippendorff": "krippendorff",
    "statsmodels": "statsmodels",
    "matplotlib": "matplotlib",
}


def _require(module: str):
    """Import an optional statistics or plotting package, or say which one to install."""
    import importlib

    package = _NEEDS[module.split(".")[0]]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(f"queue agreement needs {package} (pip install {package})") from None


def tokens(text: str, placeholders: Sequence[Span] = ()) -> list[tuple[int, int]]:
    """Character ranges of the text's tokens, placeholders left out."""
    out = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        if any(start < p.end and p.start < end for p in placeholders):
            continue
        out.append((start, end))
    return out


def token_labels(units: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[str]:
    """Each token's label: the first span (by start) overlapping it, else O."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    labels = []
    for start, end in units:
        label = OUTSIDE
        for span in ordered:
            if span.start >= end:
                break
            if span.end > start:
                label = span.label
                break
        labels.append(label)
    return labels


def _defined(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    if not a or len(set(a) | set(b)) < 2:
        return None
    metrics = _require("sklearn.metrics")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _defined(metrics.cohen_kappa_score(a, b))


def krippendorff_alpha(matrix: Sequence[Sequence[str | None]]) -> float | None:
    """Nominal alpha of a raters x units matrix (None: missing)."""
    import numpy as np

    codes: dict[str, int] = {}
    rows = [[np.nan if v is None else codes.setdefault(v, len(codes)) for v in row] for row in matrix]
    if len(codes) < 2 or not rows or not rows[0]:
        return None
    krippendorff = _require("krippendorff")
    data = np.array(rows, dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _defined(
            krippendorff.alpha(
                reliability_data=data[:, pairable],
                level_of_measurement="nominal",
                value_domain=list(range(len(codes))),
            )
        )


def fleiss(units: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa over units that each have the same number of judgements."""
    if not units or len({len(u) for u in units}) != 1 or len(units[0]) < 2:
        return None
    labels = sorted({label for unit in units for label in unit})
    if len(labels) < 2:
        return None
    import numpy as np

    _require("statsmodels")
    from statsmodels.stats.inter_rater import fleiss_kappa

    table = np.array([[unit.count(label) for label in labels] for unit in units])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _defined(fleiss_kappa(table, method="fleiss"))


@dataclass
class PairAgreement:
    a: str
    b: str
    items: int
    units: int
    kappa: float | None


@dataclass
class GoldScore:
    annotator: str
    items: int
    token_accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass
class AgreementReport:
    queue: str
    items: int  # regular items with two or more annotations
    units: int  # tokens of those items
    annotators: list[str]
    pairs: list[PairAgreement]
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    fleiss_items: int
    fleiss_raters: int
    gold: list[GoldScore] = field(default_factory=list)

    def mean_kappa(self, annotator: str) -> float | None:
        values = [p.kappa for p in self.pairs if annotator in (p.a, p.b) and p.kappa is not None]
        return sum(values) / len(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "queue": self.queue,
            "unit": "token",
            "items": self.items,
            "units": self.units,
            "krippendorff_alpha": r(self.krippendorff_alpha),
            "fleiss_kappa": r(self.fleiss_kappa),
            "fleiss_items": self.fleiss_items,
            "fleiss_raters": self.fleiss_raters,
            "pairs": [
                {"a": p.a, "b": p.b, "items": p.items, "units": p.units, "cohen_kappa": r(p.kappa)}
                for p in self.pairs
            ],
            "annotators": {
                name: {
                    "mean_cohen_kappa": r(self.mean_kappa(name)),
                    **next(
                        (
                            {
                                "gold_items": g.items,
                                "gold_token_accuracy": r(g.token_accuracy),
                                "gold_precision": r(g.precision),
                                "gold_recall": r(g.recall),
                                "gold_f1": r(g.f1),
                            }
                            for g in self.gold
                            if g.annotator == name
                        ),
                        {},
                    ),
                }
                for name in self.annotators
            },
        }

    def format_text(self) -> str:
        def f(value: float | None) -> str:
            return "-" if value is None else f"{value:.3f}"

        lines = [
            f"Agreement in queue {self.queue} (unit: token; {self.items} items with 2+ annotators, "
            f"{self.units} tokens)",
            f"  Krippendorff's alpha (nominal)  {f(self.krippendorff_alpha)}",
            f"  Fleiss' kappa                   {f(self.fleiss_kappa)}"
            + (
                f"  ({self.fleiss_items} items with {self.fleiss_raters} annotators)"
                if self.fleiss_items
                else ""
            ),
            "  Cohen's kappa per pair:",
        ]
        for p in self.pairs:
            lines.append(f"    {p.a} / {p.b}: {f(p.kappa)}  ({p.items} items, {p.units} tokens)")
        if not self.pairs:
            lines.append("    (no two annotators share an item)")
        lines.append("  Per annotator: mean kappa with the others; gold token accuracy, span F1")
        gold = {g.annotator: g for g in self.gold}
        for name in self.annotators:
            g = gold.get(name)
            tail = (
                f"gold {g.items} items, accuracy {f(g.token_accuracy)}, F1 {f(g.f1)}"
                if g
                else "no gold items"
            )
            lines.append(f"    {name}: kappa {f(self.mean_kappa(name))}; {tail}")
        return "\n".join(lines)


def agreement(
    queue: str,
    annotations: Iterable[Annotation],
    texts: Mapping[str, str],
    placeholders: Mapping[str, Sequence[Span]],
    gold: Mapping[str, Sequence[Span]] | None = None,
) -> AgreementReport:
    """Agreement figures for one queue's annotations. `texts` and `placeholders` by item id;
    `gold` maps gold item ids to their answers."""
    gold = gold or {}
    by_item: dict[str, dict[str, tuple[Span, ...]]] = defaultdict(dict)
    for note in annotations:
        if note.item_id in texts:
            by_item[note.item_id][note.annotator] = note.spans
    annotators = sorted({name for notes in by_item.values() for name in notes})
    units_of = {item: tokens(texts[item], placeholders.get(item, ())) for item in by_item}
    labels_of = {
        item: {name: token_labels(units_of[item], spans) for name, spans in notes.items()}
        for item, notes in by_item.items()
    }
    regular = [item for item in by_item if item not in gold]

    pairs = []
    for a, b in combinations(annotators, 2):
        shared = [item for item in regular if a in labels_of[item] and b in labels_of[item]]
        left = [label for item in shared for label in labels_of[item][a]]
        right = [label for item in shared for label in labels_of[item][b]]
        if shared:
            pairs.append(PairAgreement(a, b, len(shared), len(left), cohen_kappa(left, right)))

    multi = [item for item in regular if len(labels_of[item]) >= 2]
    matrix: list[list[str | None]] = [[] for _ in annotators]
    for item in multi:
        for row, name in zip(matrix, annotators, strict=True):
            judged = labels_of[item].get(name)
            row.extend(judged if judged is not None else [None] * len(units_of[item]))
    alpha = krippendorff_alpha(matrix) if multi else None

    raters = Counter(len(labels_of[item]) for item in multi)
    fleiss_raters = max(raters, key=lambda k: (raters[k], k)) if raters else 0
    fleiss_set = [item for item in multi if len(labels_of[item]) == fleiss_raters]
    fleiss_units = [
        [labels_of[item][name][i] for name in sorted(labels_of[item])]
        for item in fleiss_set
        for i in range(len(units_of[item]))
    ]
    kappa = fleiss(fleiss_units)

    scores = []
    for name in annotators:
        done = [item for item in by_item if item in gold and name in by_item[item]]
        if not done:
            continue
        right = total = matched = predicted = expected = 0
        for item in done:
            truth = token_labels(units_of[item], gold[item])
            given = labels_of[item][name]
            right += sum(x == y for x, y in zip(truth, given, strict=True))
            total += len(truth)
            theirs = {(s.start, s.end, s.label) for s in by_item[item][name]}
            known = {(s.start, s.end, s.label) for s in gold[item]}
            matched += len(theirs & known)
            predicted += len(theirs)
            expected += len(known)
        precision = matched / predicted if predicted else None
        recall = matched / expected if expected else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall > 0
            else (0.0 if precision is not None and recall is not None else None)
        )
        scores.append(GoldScore(name, len(done), right / total if total else None, precision, recall, f1))

    return AgreementReport(
        queue=queue,
        items=len(multi),
        units=sum(len(units_of[item]) for item in multi),
        annotators=annotators,
        pairs=pairs,
        krippendorff_alpha=alpha,
        fleiss_kappa=kappa,
        fleiss_items=len(fleiss_set) if kappa is not None else 0,
        fleiss_raters=fleiss_raters if kappa is not None else 0,
        gold=scores,
    )


def queue_agreement(store: QueueStore, queue: str) -> AgreementReport:
    """The agreement report of a queue, from what the store holds."""
    if queue not in store.settings():
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(store.settings()) or 'none yet'})")
    notes = store.annotations(queue)
    items = {item.item_id: item for item in store.items([n.item_id for n in notes])}
    return agreement(
        queue,
        notes,
        {item_id: item.text for item_id, item in items.items()},
        {item_id: item.spans for item_id, item in items.items()},
        store.gold_answers(queue),
    )


def plot_agreement(report: AgreementReport, path: str | Path) -> Path:
    """Per annotator: mean Cohen's kappa with the others and gold accuracy (bars), and the
    pairwise kappa matrix. PNG or SVG by suffix; `.html` embeds the SVG in a standalone page."""
    import io

    matplotlib = _require("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg", ".html"):
        raise QueueError(f"{path}: the plot is written as .png, .svg or .html")
    names = report.annotators or ["(none)"]
    fig, (bars, grid) = plt.subplots(1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    x = np.arange(len(names))
    kappas = [report.mean_kappa(n) for n in names]
    gold = {g.annotator: g.token_accuracy for g in report.gold}
    accuracy = [gold.get(n) for n in names]
    bars.bar(x - 0.2, [k if k is not None else 0 for k in kappas], 0.4, label="mean Cohen's kappa")
    bars.bar(x + 0.2, [a if a is not None else 0 for a in accuracy], 0.4, label="gold token accuracy")
    bars.set_xticks(x, names, rotation=30, ha="right")
    bars.set_ylim(min(0.0, *[k for k in kappas if k is not None], 0.0) - 0.05, 1.05)
    bars.axhline(0, color="black", linewidth=0.5)
    bars.legend(loc="lower right", fontsize=8)
    alpha = "-" if report.krippendorff_alpha is None else f"{report.krippendorff_alpha:.3f}"
    bars.set_title(f"Queue {report.queue}: agreement per annotator (alpha {alpha})")
    matrix = np.full((len(names), len(names)), np.nan)
    for p in report.pairs:
        if p.a in names and p.b in names and p.kappa is not None:
            i, j = names.index(p.a), names.index(p.b)
            matrix[i, j] = matrix[j, i] = p.kappa
    image = grid.imshow(matrix, vmin=-1, vmax=1, cmap="RdYlGn")
    grid.set_xticks(range(len(names)), names, rotation=30, ha="right")
    grid.set_yticks(range(len(names)), names)
    for i in range(len(names)):
        for j in range(len(names)):
            if not np.isnan(matrix[i, j]):
                grid.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=8)
    grid.set_title("Cohen's kappa per pair")
    fig.colorbar(image, ax=grid, fraction=0.046)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg") :]
        path.write_text(
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>Agreement: {report.queue}</title></head><body>{svg}</body></html>\n",
            encoding="utf-8",
        )
    else:
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
