"""Fake customer messages with known labels, for the queue models (`redaction/queues/learning.py`)
and `benchmarks/active_learning.py`.

Messages look like redacted support chats: names, emails and phone numbers already replaced by
placeholders (`<PERSON>`, `<EMAIL_ADDRESS>`), products, amounts and order numbers from Faker.
Nothing comes from a real person.

Each message is built from one intent's phrases (the label) plus filler shared by every intent,
so a model has to learn which words matter. A share `ambiguous` of messages also borrows a
phrase from another intent, and a share `noise` carries a wrong label (annotators err), so no
model reaches 100% and the learning curve has room to climb. The same seed gives the same data.

* `intent_messages(n, seed)`: single-label classification (INTENTS).
* `multi_intent_messages(n, seed)`: one to three intents per message (multi-label).
* `rated_responses(n, seed)`: an agent's reply with a 1-5 helpfulness rating, from how many
  helpful and unhelpful phrases it holds (rating kind).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

INTENTS = ("billing", "shipping", "account", "technical", "other")

_PHRASES: dict[str, tuple[str, ...]] = {
    "billing": (
        "I was charged twice for {product}",
        "my invoice shows {amount} but I expected less",
        "can I get a refund for order {order}",
        "the payment of {amount} failed on my card",
        "why did my subscription price go up",
        "please cancel the charge from {date}",
        "I need a receipt for {amount}",
        "my credit card was billed without my consent",
        "how do I change the billing address on my invoice",
        "the discount code was not applied to my bill",
    ),
    "shipping": (
        "my parcel with {product} has not arrived",
        "tracking for order {order} has not moved since {date}",
        "the courier left the box at the wrong door",
        "can you ship {product} to a different address",
        "delivery was promised for {date} and nothing came",
        "the package arrived damaged",
        "how long does express delivery take",
        "I received someone else's {product} in the box",
        "which carrier delivers to my area",
        "the shipment is stuck at customs",
    ),
    "account": (
        "I cannot log in to my account",
        "please reset my password, the email goes to <EMAIL_ADDRESS>",
        "how do I delete my profile",
        "my username was changed without me",
        "I want to merge two accounts",
        "update the phone number on my account to <PHONE_NUMBER>",
        "the two-factor code never reaches me",
        "my account was locked after three tries",
        "change the name on the account to <PERSON>",
        "I did not sign up but I get your newsletters",
    ),
    "technical": (
        "the app crashes when I open {product}",
        "I get error {code} when I sync",
        "the website is very slow since the update",
        "{product} does not connect to wifi",
        "the firmware update failed at {percent} percent",
        "the screen goes black after a few minutes",
        "the export button does nothing in the browser",
        "bluetooth pairing with {product} keeps dropping",
        "the battery drains in two hours",
        "I see a blank page after the login screen",
    ),
    "other": (
        "do you have a store in <LOCATION>",
        "I want to give feedback about your staff",
        "are you hiring in <LOCATION>",
        "what are your opening hours on holidays",
        "can I partner with your company",
        "I loved the service from <PERSON> last week",
        "is {product} available in another colour",
        "do you offer student discounts",
        "who do I contact for press questions",
        "I have a question about your privacy policy",
    ),
}

_OPENERS = ("Hi,", "Hello,", "Good morning,", "Hey there,", "Dear support,", "", "", "Hi team,")
_FILLERS = (
    "I have been a customer for years.",
    "This is the second time I write.",
    "Thanks in advance.",
    "Please help as soon as possible.",
    "My name is <PERSON>.",
    "You can reach me at <PHONE_NUMBER>.",
    "I hope you can sort this out.",
    "It is quite urgent for me.",
    "",
    "",
)
_CLOSERS = ("Regards, <PERSON>", "Thanks!", "Cheers", "", "Best, <PERSON>", "")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: tuple[str, ...]  # the true labels (with label noise: what an annotator gave)
    rating: int | None = None


def _fill(phrase: str, fake: Faker, rng: random.Random) -> str:
    return phrase.format(
        product=fake.word() + " " + rng.choice(("speaker", "router", "watch", "lamp", "kettle", "phone")),
        amount=f"${rng.randint(5, 900)}.{rng.randint(0, 99):02d}",
        order=f"#{rng.randint(100000, 999999)}",
        date=fake.date_between(date(2026, 1, 1), date(2026, 12, 1)).isoformat(),
        code=f"E{rng.randint(100, 999)}",
        percent=rng.randint(1, 99),
    )


def _message(parts: list[str], rng: random.Random) -> str:
    filler = [rng.choice(_FILLERS) for _ in range(rng.randint(0, 2))]
    body = [rng.choice(_OPENERS), *(p[0].upper() + p[1:] + "." for p in parts), *filler, rng.choice(_CLOSERS)]
    return " ".join(x for x in body if x)


def intent_messages(n: int, seed: int = 0, *, ambiguous: float = 0.25, noise: float = 0.05) -> list[Example]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out = []
    for _ in range(n):
        intent = rng.choice(INTENTS)
        parts = [_fill(rng.choice(_PHRASES[intent]), fake, rng)]
        if rng.random() < ambiguous:  # a side remark about something else
            other = rng.choice([x for x in INTENTS if x != intent])
            parts.insert(rng.randint(0, 1), _fill(rng.choice(_PHRASES[other]), fake, rng))
        label = rng.choice(INTENTS) if rng.random() < noise else intent
        out.append(Example(_message(parts, rng), (label,)))
    return out


def multi_intent_messages(n: int, seed: int = 0, *, noise: float = 0.03) -> list[Example]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out = []
    for _ in range(n):
        k = rng.choices((1, 2, 3), weights=(5, 4, 1))[0]
        intents = rng.sample(INTENTS, k)
        parts = [_fill(rng.choice(_PHRASES[i]), fake, rng) for i in intents]
        labels = set(intents)
        if rng.random() < noise:
            labels ^= {rng.choice(INTENTS)}
        out.append(Example(_message(parts, rng), tuple(sorted(labels or intents))))
    return out


_HELPFUL = (
    "I have issued a full refund to your card",
    "here is the tracking link for your parcel",
    "I reset your password and sent a link to <EMAIL_ADDRESS>",
    "please restart the device while holding the power button for ten seconds",
    "I have escalated this to our engineers and will call you at <PHONE_NUMBER>",
    "your replacement ships today with express delivery",
    "the fix is in version 2.4, which you can install from the settings menu",
)
_UNHELPFUL = (
    "please read our help pages",
    "we cannot do anything about that",
    "have you tried turning it off and on",
    "this is not our department",
    "please wait and see",
    "contact the manufacturer",
)
_POLITE = ("Sorry for the trouble.", "Thank you for your patience, <PERSON>.", "Happy to help.")


def rated_responses(n: int, seed: int = 0, *, noise: float = 0.1) -> list[Example]:
    """Agent replies rated 1 (useless) to 5 (solves it): the rating follows the helpful minus
    unhelpful phrases, politeness adds half a point, and `noise` of ratings move by one."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        helpful = rng.randint(0, 3)
        unhelpful = rng.randint(0, 2)
        polite = rng.random() < 0.5
        parts = rng.sample(_HELPFUL, helpful) + rng.sample(_UNHELPFUL, unhelpful)
        rng.shuffle(parts)
        score = 2 + helpful - unhelpful + (0.5 if polite else 0.0)
        rating = max(1, min(5, round(score)))
        if rng.random() < noise:
            rating = max(1, min(5, rating + rng.choice((-1, 1))))
        text = " ".join(
            [*(p[0].upper() + p[1:] + "." for p in parts), *([rng.choice(_POLITE)] if polite else [])]
        )
        out.append(Example(text or "Noted.", (str(rating),), rating))
    return out


def queue_items(examples, queue: str, prefix: str = "m") -> list:
    """Queue items (classification or rating kind) holding the examples' texts."""
    from redaction.queues import NewItem

    return [
        NewItem(
            item_id=f"{prefix}{i:06d}",
            queue=queue,
            text=example.text,
            record={"id": f"{prefix.upper()}-{i}", "text": example.text},
            record_id=f"{prefix.upper()}-{i}",
            task="rating" if example.rating is not None else "classification",
        )
        for i, example in enumerate(examples)
    ]


def annotate(examples, item_ids, annotators=("alice", "bob", "carol"), slip: float = 0.1, seed: int = 0):
    """Annotations of these items by several simulated people, each giving the example's label,
    or with chance `slip` another one (so majority vote has work to do)."""
    from redaction.queues import Annotation

    rng = random.Random(seed)
    notes = []
    for example, item_id in zip(examples, item_ids, strict=True):
        for person in annotators:
            if example.rating is not None:
                value = example.rating
                if rng.random() < slip:
                    value = max(1, min(5, value + rng.choice((-1, 1))))
                answer = {"rating": value}
            else:
                labels = list(example.labels)
                if rng.random() < slip:
                    labels = [rng.choice(INTENTS)]
                answer = {"labels": labels}
            notes.append(Annotation(item_id, person, (), answer))
    return notes
