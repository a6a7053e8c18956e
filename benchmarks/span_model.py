"""A spans queue's own model against the general spaCy pre-labeller, measured.

The data is generated (`tests/data/span_data.py`: Faker-based redacted support tickets with
placeholders where the PII was, labelled ORGANIZATION / PRODUCT / DATE_TIME / LOCATION by one
queue's guideline; no real data, not a public dataset). For each training size and seed, three
simulated annotators label the training tickets (each drops a span or adds a wrong one with
chance `--slip`), their spans are combined by majority (`span_model.span_answers`), and the
queue model (`span_model.SpanNerBackend`: blank English spaCy + `ner`, the same training as
`scrubline queue train`) is trained on them. Both it and the baseline, the general pre-labeller
the queues use today (`prelabel: spacy`, the default policy's English model, beam-search
entities mapped to Scrubline's labels), label the same test tickets (another seed), and each is
scored by entity-level precision, recall and F1 (exact start, end and label; micro, and per
label for the largest size). Means over seeds; training seconds on this (shared) machine.

    nice -n 10 python benchmarks/span_model.py [--sizes 50 100 200] [--seeds 2] [--test 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redaction.policy import load_policy  # noqa: E402
from redaction.queues.prelabel import get_prelabeller  # noqa: E402
from redaction.queues.span_model import SpanNerBackend, entity_scores, span_answers  # noqa: E402
from redaction.routing import QueueSettings  # noqa: E402
from tests.data.span_data import SPAN_LABELS, annotate_spans, span_tickets  # noqa: E402

POLICY = Path(__file__).resolve().parents[1] / "policies" / "default.yaml"


def people_spans(tickets, seed: int, slip: float):
    """The majority of three simulated annotators' spans, per ticket."""
    ids = [f"t{i}" for i in range(len(tickets))]
    notes = annotate_spans(tickets, ids, ("alice", "bob", "carol"), slip=slip, seed=seed)
    answers = span_answers(notes, QueueSettings(task="spans", labels=SPAN_LABELS))
    return [answers[i] for i in ids]


def run(sizes, seeds, test_n, slip):
    test = span_tickets(test_n, seed=10_000)
    truth = [t.entities for t in test]
    texts = [t.text for t in test]
    avoid = [t.placeholders for t in test]
    general = get_prelabeller("spacy", load_policy(POLICY))
    started = time.perf_counter()
    found = general.predict(texts, ["en"] * len(texts), avoid, set(SPAN_LABELS))
    baseline_s = time.perf_counter() - started
    baseline = entity_scores(SPAN_LABELS, truth, [p.spans for p in found])
    rows = {}
    for size in sizes:
        figures, seconds, epochs = [], [], []
        for seed in range(seeds):
            train = span_tickets(size, seed=seed)
            backend = SpanNerBackend(SPAN_LABELS, seed=seed)
            started = time.perf_counter()
            backend.fit([t.text for t in train], people_spans(train, seed, slip))
            seconds.append(time.perf_counter() - started)
            epochs.append(backend.epochs_run)
            predicted = [p.spans for p in backend.predict(texts, avoid)]
            figures.append(entity_scores(SPAN_LABELS, truth, predicted))
        rows[size] = (figures, statistics.mean(seconds), statistics.mean(epochs))
    return baseline, baseline_s, general.model, rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200], help="training set sizes")
    parser.add_argument("--seeds", type=int, default=2, help="seeds per size")
    parser.add_argument("--test", type=int, default=300, help="test tickets (the same for every model)")
    parser.add_argument("--slip", type=float, default=0.1, help="each annotator's error rate")
    args = parser.parse_args(argv)
    baseline, baseline_s, name, rows = run(args.sizes, args.seeds, args.test, args.slip)
    print(
        f"Generated data (tests/data/span_data.py), {args.test} test tickets, "
        f"{baseline['entities']} entities; training labels: majority of 3 annotators, slip {args.slip}; "
        f"means over {args.seeds} seed(s)"
    )
    print(f"{'model':<34} {'train':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'train s':>8} {'epochs':>6}")
    print(
        f"{'general pre-labeller ' + name:<34} {'-':>5} {baseline['precision']:>9.3f} "
        f"{baseline['recall']:>7.3f} {baseline['f1']:>6.3f} {'-':>8} {'-':>6}"
    )
    for size, (figures, seconds, epochs) in rows.items():
        mean = {k: statistics.mean(f[k] for f in figures) for k in ("precision", "recall", "f1")}
        print(
            f"{'queue model (spaCy ner)':<34} {size:>5} {mean['precision']:>9.3f} {mean['recall']:>7.3f} "
            f"{mean['f1']:>6.3f} {seconds:>8.1f} {epochs:>6.1f}"
        )
    largest = max(rows)
    print(f"\nper label F1: general pre-labeller vs queue model trained on {largest} (mean over seeds)")
    for label in SPAN_LABELS:
        ours = statistics.mean(f["per_label"][label]["f1"] for f in rows[largest][0])
        base = baseline["per_label"][label]
        print(f"  {label:<13} {base['f1']:.3f} vs {ours:.3f}  (support {base['support']})")
    ratio = statistics.mean(f["f1"] for f in rows[largest][0]) / max(baseline["f1"], 1e-9)
    print(f"F1 ratio, queue model at {largest} / general pre-labeller: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
