"""Crowd annotations with a known truth, for the aggregation tests (`redaction/queues/aggregate.py`).

Each item gets a true label, and simulated annotators answer it: a careful annotator gives the
true label with probability `accuracy`, else another label at random; a *systematic* annotator
gives the next label in `labels` (a consistent confusion Dawid-Skene can learn) with probability
`accuracy`, else any label. Texts are Faker sentences with words of the item's class mixed in,
so a text classifier can learn the classes (what cleanlab needs). No real personal data: the
texts hold Faker's lorem words and the class words below. The same seed gives the same output.
"""

from __future__ import annotations

import random

from faker import Faker

INTENTS = ("billing", "shipping", "account")
CLASS_WORDS = {
    "billing": ("invoice", "charge", "refund", "payment", "card", "receipt", "overcharged"),
    "shipping": ("parcel", "delivery", "courier", "tracking", "shipment", "arrived", "package"),
    "account": ("password", "login", "username", "profile", "locked", "reset", "settings"),
}


def crowd_votes(
    n_items: int,
    annotators: dict[str, tuple[str, float]],
    *,
    labels: tuple[str, ...] = INTENTS,
    seed: int = 0,
) -> tuple[dict[str, str], list[tuple[str, str, dict]]]:
    """(truth by item id, votes as (item id, annotator, {"labels": [label]})).
    `annotators` maps a name to (`careful` | `systematic`, accuracy)."""
    rng = random.Random(seed)
    truth = {f"item-{k:04d}": rng.choice(labels) for k in range(n_items)}
    votes = []
    for item, true in truth.items():
        for name, (style, accuracy) in annotators.items():
            if style == "systematic":
                shifted = labels[(labels.index(true) + 1) % len(labels)]
                label = shifted if rng.random() < accuracy else rng.choice(labels)
            else:
                label = true if rng.random() < accuracy else rng.choice([x for x in labels if x != true])
            votes.append((item, name, {"labels": [label]}))
    return truth, votes


def intent_texts(truth: dict[str, str], *, seed: int = 0) -> dict[str, str]:
    """A short support message per item, its class words mixed with Faker's lorem sentence."""
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    texts = {}
    for item, label in truth.items():
        words = rng.sample(CLASS_WORDS[label], 3)
        texts[item] = f"{fake.sentence(nb_words=6)} My {words[0]} and {words[1]}: {words[2]}?"
    return texts
