"""Fake redacted support tickets with labelled entity spans, for the spans queue model
(`redaction/queues/span_model.py`) and `benchmarks/span_model.py`.

A ticket looks like what a spans queue holds after redaction: a subject and a body joined by a
blank line, the PII already replaced by placeholders (`<PERSON_1>`, `<EMAIL_ADDRESS_2>`; each
marked as a `REDACTED:<ENTITY>` span, as the item builder does), and the words that stayed for
annotators to label. Company names, cities, products and dates come from Faker and small word
lists; nothing comes from a real person.

The labels follow one queue's guideline, which is not spaCy's general one:

* ORGANIZATION: a company named in the ticket (a carrier, a vendor, the customer's employer);
  a team of ours ("Customer Success", "Tier 2 Support") is not an entity.
* PRODUCT: a product or plan name ("Nimbus Pro", "Orbit X2").
* DATE_TIME: a calendar date or a clock time ("12 March 2026", "14:30"); a vague time ("this
  morning", "last week") is not one.
* LOCATION: a warehouse or store city ("our Lyon warehouse").

So a general pre-labeller proposes the teams and vague times (the complaint in issue 16) and
misses the products, and a model trained on the queue's own annotations can do better.

* `span_tickets(n, seed, sentences)`: n `SpanTicket`s (text, placeholders, entities), the same
  for a seed; `sentences` picks the sentence templates (default: all of `SENTENCES`).
* `span_queue_items(tickets, queue)`: queue items holding them (placeholders as `spans`).
* `annotate_spans(tickets, item_ids, annotators, slip)`: people's annotations, each annotator
  dropping a span or adding a wrong one with chance `slip`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from redaction.queues import Annotation, NewItem, Span
from redaction.queues.base import PLACEHOLDER_PREFIX

SPAN_LABELS = ("ORGANIZATION", "PRODUCT", "DATE_TIME", "LOCATION")

_TEAMS = (
    "Customer Success",
    "Tier 2 Support",
    "Billing Team",
    "Returns Desk",
    "Account Management",
    "Technical Support",
    "Quality Assurance",
)
_VAGUE = ("this morning", "yesterday evening", "last week", "tonight", "earlier today", "next month")
_PRODUCT_HEADS = ("Nimbus", "Orbit", "Falcon", "Vertex", "Lumen", "Quanta", "Atlas", "Zephyr", "Pulse")
_PRODUCT_TAILS = ("Pro", "X2", "Mini", "Max", "Plus", "3000", "Air", "Home", "Business")

# {slot} names: entities (org, product, date, city), distractors (team, vague), placeholders.
_SUBJECTS = (
    "{product} not working",
    "Order from {org}",
    "Question about {product}",
    "Delivery to {city}",
    "Invoice dated {date}",
    "Follow-up for {person}",
    "Refund request",
    "Escalation to {team}",
)
SENTENCES = (
    "My {product} stopped charging {vague} and {team} has not answered.",
    "The parcel was handed to {org} on {date} but never reached {person}.",
    "Please ask {team} to call {person} about the {product} upgrade.",
    "I ordered a {product} through {org} and was billed twice on {date}.",
    "Our {city} warehouse shipped the {product} {vague}.",
    "{person} wrote from {email} {vague} to cancel the {product} plan.",
    "The technician from {org} will come on {date} at {time}.",
    "Could {team} confirm the return label for {person}?",
    "We moved the pickup from {city} to {city} for {org}.",
    "The {product} firmware update failed at {time} on {date}.",
    "I spoke to {team} {vague} and they promised a refund by {date}.",
    "{person} works for {org} and needs the {product} licence renewed.",
    "Send the replacement {product} to the {city} store, please.",
    "Nobody from {team} replied to my email {vague}.",
    "Thanks, the issue with {org} is solved.",
    "Since {date} the {product} shows error 42 every {vague}.",
    "{team} said {org} would collect it between {time} and {time}.",
    "Is the {product} sold in {city}, or only online?",
    "My manager at {org} asked {team} for an invoice for {person}.",
    "the {product} i got on {date} is broken, can someone from {team} help",
    "Courier {org} left a note at {time} saying the {city} depot is closed.",
    "We switched from {product} to {product} {vague} and lost our data.",
    "Please reply to {email}, not to the {team} address.",
)


@dataclass(frozen=True)
class SpanTicket:
    text: str
    placeholders: tuple[Span, ...]  # REDACTED:<ENTITY> spans, as items carry them
    entities: tuple[Span, ...]  # the guideline's entities (the answer people give)


def _product(rng: random.Random) -> str:
    name = f"{rng.choice(_PRODUCT_HEADS)} {rng.choice(_PRODUCT_TAILS)}"
    return name.lower() if rng.random() < 0.15 else name  # customers do not always capitalise


def _date(fake: Faker, rng: random.Random) -> str:
    day = fake.date_between(start_date=date(2024, 12, 1), end_date=date(2027, 12, 1))
    style = rng.randrange(3)
    if style == 0:
        return f"{day.day} {day.strftime('%B %Y')}"
    if style == 1:
        return day.isoformat()
    return f"{day.strftime('%B')} {day.day}"


def _fill(template: str, fake: Faker, rng: random.Random, counters: dict[str, int], start: int):
    """The template's text from `start` on, with its placeholder and entity spans."""
    out: list[str] = []
    at = start
    placeholders: list[Span] = []
    entities: list[Span] = []
    rest = template
    while "{" in rest:
        before, _, tail = rest.partition("{")
        slot, _, rest = tail.partition("}")
        out.append(before)
        at += len(before)
        label = None
        if slot in ("person", "email"):
            entity = "PERSON" if slot == "person" else "EMAIL_ADDRESS"
            counters[entity] = counters.get(entity, 0) + 1
            value = f"<{entity}_{counters[entity]}>"
            placeholders.append(Span(at, at + len(value), PLACEHOLDER_PREFIX + entity))
        elif slot == "org":
            value, label = fake.company(), "ORGANIZATION"
        elif slot == "product":
            value, label = _product(rng), "PRODUCT"
        elif slot == "date":
            value, label = _date(fake, rng), "DATE_TIME"
        elif slot == "time":
            value, label = f"{rng.randrange(8, 19)}:{rng.choice(('00', '15', '30', '45'))}", "DATE_TIME"
        elif slot == "city":
            value, label = fake.city(), "LOCATION"
        elif slot == "team":
            value = rng.choice(_TEAMS)
        elif slot == "vague":
            value = rng.choice(_VAGUE)
        else:
            raise ValueError(f"unknown slot {slot}")
        if label is not None:
            entities.append(Span(at, at + len(value), label))
        out.append(value)
        at += len(value)
    out.append(rest)
    return "".join(out), placeholders, entities


def span_tickets(n: int, seed: int = 0, sentences: tuple[str, ...] | None = None) -> list[SpanTicket]:
    """n tickets: a subject line, a blank line, two to four sentences (from `sentences`, by
    default every template; the benchmark splits `SENTENCES` to test on unseen ones)."""
    sentences = sentences or SENTENCES
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    tickets = []
    for _ in range(n):
        counters: dict[str, int] = {}
        subject, placeholders, entities = _fill(rng.choice(_SUBJECTS), fake, rng, counters, 0)
        text = subject + "\n\n"
        for k in range(rng.randint(2, 4)):
            if k:
                text += " "
            piece, more_p, more_e = _fill(rng.choice(sentences), fake, rng, counters, len(text))
            text += piece
            placeholders += more_p
            entities += more_e
        tickets.append(SpanTicket(text, tuple(placeholders), tuple(entities)))
    return tickets


def span_queue_items(tickets, queue: str, prefix: str = "s", record_extra=None) -> list[NewItem]:
    """Spans-queue items holding the tickets (no pre-labels: the tests and benchmark set them)."""
    return [
        NewItem(
            item_id=f"{prefix}{i:06d}",
            queue=queue,
            text=ticket.text,
            record={
                "id": f"{prefix.upper()}-{i}",
                "text": ticket.text,
                "_language": "en",
                **(record_extra or {}),
            },
            record_id=f"{prefix.upper()}-{i}",
            spans=list(ticket.placeholders),
        )
        for i, ticket in enumerate(tickets)
    ]


def annotate_spans(
    tickets, item_ids, annotators=("alice",), slip: float = 0.0, seed: int = 0, origin: str = "human"
) -> list[Annotation]:
    """Each annotator's spans for each item: the ticket's entities, each dropped with chance
    `slip`, and with chance `slip` one wrong span (a word outside every entity, labelled
    ORGANIZATION) added, so a majority of several annotators has work to do."""
    rng = random.Random(seed)
    notes = []
    for ticket, item_id in zip(tickets, item_ids, strict=True):
        for person in annotators:
            spans = [s for s in ticket.entities if rng.random() >= slip]
            if rng.random() < slip:
                words = [
                    (a, a + len(w))
                    for a, w in _words(ticket.text)
                    if not any(
                        a < s.end and s.start < a + len(w) for s in (*ticket.entities, *ticket.placeholders)
                    )
                ]
                if words:
                    a, b = rng.choice(words)
                    spans.append(Span(a, b, "ORGANIZATION"))
            notes.append(
                Annotation(item_id, person, tuple(sorted(spans, key=lambda s: s.start)), origin=origin)
            )
    return notes


def _words(text: str):
    import re

    for match in re.finditer(r"[A-Za-z]{4,}", text):
        yield match.start(), match.group()
