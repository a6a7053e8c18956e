"""Chat-style records for the second demo and the task-kind tests: support chats with PII in the
messages, and preference records (a prompt and responses of different quality). Faker-made, no
real personal data.

* A chat is `{"id": "C-0001", "channel": "chat", "messages": [{"role", "content"}, ...]}`;
  its intent (billing, shipping, account, technical, other) is what the customer writes about,
  never a field of the record: `generate_chats` returns it beside the records, for tests and
  benchmarks to score a classifier against.
* A preference record is `{"id": "P-0001", "prompt": "...", "responses": ["...", "..."]}` (a
  quarter of them with the chat so far in `messages` instead of a `prompt`: one file's column
  holds one type): one response answers the question with the
  steps to take, the other is vague or off topic; `generate_preferences` returns which one is
  better. The better one is first or second at random.

`write_chat_samples(folder)` writes `chats.jsonl` and `preferences.jsonl` (the bundled
`samples/chat/`: `python -m tests.data.chat_data samples/chat`).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

from faker import Faker

# fixed, not relative to today: the bundled samples must be the same whatever day they are rebuilt
_DATES_FROM, _DATES_TO = date(2026, 10, 2), date(2026, 12, 1)

INTENTS = ("billing", "shipping", "account", "technical", "other")
SYSTEM = "You are a support agent for Northwind Outfitters. Be brief and polite."

# What a customer writes, per intent; {name}, {email}, {phone}, {order}, {card}, {address},
# {city} and {date} are filled from Faker.
_OPENERS: dict[str, tuple[str, ...]] = {
    "billing": (
        "Hi, this is {name}. I was charged twice for order {order}, can you refund one of them?",
        "My card ending {card} shows a charge I don't recognise from {date}. My email is {email}.",
        "Hello, I need a copy of the invoice for order {order}, please send it to {email}.",
        "Why did my subscription price go up? Account holder is {name}, phone {phone}.",
    ),
    "shipping": (
        "Where is my parcel? Order {order} was supposed to arrive on {date}.",
        "Hi, I'm {name}. Please change the delivery address to {address}.",
        "The courier left my package at the wrong house in {city}. Order {order}.",
        "Can you ship order {order} faster? I need it before {date}. Call me on {phone}.",
    ),
    "account": (
        "I can't log in anymore, my username is the email {email}.",
        "Please delete my account, my name is {name} and I live at {address}.",
        "Hi, how do I change the phone number on my profile from {phone}?",
        "Someone changed my password. I'm {name}, email {email}, please lock the account.",
    ),
    "technical": (
        "The app crashes every time I open my order history. I'm on the latest version.",
        "Hi, {name} here. The checkout page shows error 502 when I pay for order {order}.",
        "Your website won't load on my phone since {date}, it just spins.",
        "The size filter doesn't work, I get no results at all. Email {email} if you need logs.",
    ),
    "other": (
        "Do you have a store in {city}? I'd like to try the boots on.",
        "Hi, I'm {name}. Just wanted to say the jacket is great, thanks!",
        "Are you hiring for the warehouse in {city}? My number is {phone}.",
        "Do you sponsor local running clubs? Contact me at {email}.",
    ),
}
_AGENT: dict[str, tuple[str, ...]] = {
    "billing": (
        "I'm sorry about that. I've opened a refund request for the duplicate charge.",
        "Thanks, I can see the payment. The invoice is on its way.",
    ),
    "shipping": (
        "Let me check with the courier. Your parcel is at the local depot.",
        "Done, the delivery address is updated for this order.",
    ),
    "account": (
        "I've sent a reset link. It is valid for one hour.",
        "Your account is locked for now; we will call you to confirm your identity.",
    ),
    "technical": (
        "Thanks for reporting it. Could you tell me which browser you use?",
        "Our team is looking into the error. Clearing the app cache may help meanwhile.",
    ),
    "other": (
        "Thank you for getting in touch! I'll pass this on.",
        "Great to hear. Anything else I can help with?",
    ),
}
_FOLLOW_UPS = (
    "Thanks. You can also reach me at {phone}.",
    "OK. My name is {name} by the way.",
    "Alright, please keep me posted at {email}.",
    "Thank you!",
)

# Preference prompts, each with a helpful answer and a poor one.
_QUESTIONS = (
    (
        "Hi, I'm {name}. How do I return the shoes from order {order}?",
        "Sorry the shoes didn't work out. Print the return label from Orders > {order} > Return, "
        "pack the shoes in their box and drop it at any post office within 30 days. The refund "
        "reaches your card 3 to 5 days after we receive them.",
        "Returns are possible. Check the website.",
    ),
    (
        "My package for {address} hasn't arrived. What should I do?",
        "I'm sorry it's late. I've asked the courier to trace it; you'll get an update by email "
        "within 24 hours. If it is not found in 3 days we send a replacement free of charge.",
        "Packages are sometimes late. Please wait.",
    ),
    (
        "I was charged twice on my card ending {card}. Can you fix it?",
        "Thanks for flagging it. I can see two charges of the same amount; the second one is a "
        "pre-authorisation that your bank releases within 5 working days. If it stays, reply here "
        "and we refund it straight away.",
        "We don't handle bank problems, contact your bank.",
    ),
    (
        "How can I change the email on my account from {email}?",
        "Go to Profile > Settings > Email, enter the new address and confirm it with the link we "
        "send there. Your order history stays as it is.",
        "I think there is a setting somewhere, not sure.",
    ),
    (
        "The app logs me out every few minutes. Any idea why?",
        "That usually comes from an old session token. Log out, update the app from the store, "
        "and log in again; if it keeps happening, send us your phone model and we will look.",
        "Have you tried turning it off and on? Lol.",
    ),
)


def _values(fake: Faker, rng: random.Random) -> dict[str, str]:
    return {
        "name": fake.name(),
        "email": fake.free_email(),
        "phone": fake.phone_number(),
        "order": f"NW-{rng.randint(100000, 999999)}",
        "card": f"{rng.randint(1000, 9999)}",
        "address": fake.address().replace("\n", ", "),
        "city": fake.city(),
        "date": fake.date_between(_DATES_FROM, _DATES_TO).strftime("%B %d"),
    }


def _fill(template: str, fake: Faker, rng: random.Random, values: dict[str, str] | None = None) -> str:
    return template.format(**(values or _values(fake, rng)))


def generate_chats(n: int = 60, seed: int = 16) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """n support chats and, by record id, the intent each was written for (not in the record)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    intents: dict[str, str] = {}
    for number in range(1, n + 1):
        intent = INTENTS[(number - 1) % len(INTENTS)] if number <= len(INTENTS) else rng.choice(INTENTS)
        messages = []
        if rng.random() < 0.3:
            messages.append({"role": "system", "content": SYSTEM})
        messages.append({"role": "user", "content": _fill(rng.choice(_OPENERS[intent]), fake, rng)})
        messages.append({"role": "assistant", "content": rng.choice(_AGENT[intent])})
        if rng.random() < 0.6:
            messages.append({"role": "user", "content": _fill(rng.choice(_FOLLOW_UPS), fake, rng)})
        record_id = f"C-{number:04d}"
        records.append({"id": record_id, "channel": "chat", "messages": messages})
        intents[record_id] = intent
    return records, intents


def generate_preferences(n: int = 40, seed: int = 61) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """n preference records and, by record id, the index of the better response."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    better: dict[str, int] = {}
    for number in range(1, n + 1):
        question, good, poor = rng.choice(_QUESTIONS)
        values = _values(fake, rng)  # the answer speaks of the same order as the question
        prompt = _fill(question, fake, rng, values)
        good = _fill(good, fake, rng, values)
        first_is_good = rng.random() < 0.5
        responses = [good, poor] if first_is_good else [poor, good]
        record_id = f"P-{number:04d}"
        record: dict[str, Any] = {"id": record_id}
        if number % 4 == 0:  # the prompt as a conversation: the chat so far, in `messages`
            record["messages"] = [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": prompt},
            ]
        else:
            record["prompt"] = prompt
        record["responses"] = responses
        records.append(record)
        better[record_id] = 0 if first_is_good else 1
    return records, better


# Harder preference pairs (`generate_preference_pairs`): a right answer may be short, and a
# poor one long, so neither the order nor the length of the responses tells which is better.
_SHORT_GOOD = (
    "Orders > {order} > Return prints the label; post the box within 30 days, refund in 3-5 days.",
    "I've asked the courier to trace it; if it's not found in 3 days we send a replacement free.",
    "The second charge is a pre-authorisation your bank releases in 5 days; we refund it if not.",
    "Profile > Settings > Email: enter the new address and confirm it with the link we send.",
    "Update the app and log in again; that clears the old session token that logs you out.",
)
_RAMBLING = (
    "Thank you so much for reaching out to Northwind Outfitters today! We truly value every one "
    "of our customers and we are always happy to hear from you. Our team works hard every day to "
    "make your experience as pleasant as possible, so please don't hesitate to contact us again.",
    "Great question, and thanks for your patience while we look at this. Many customers ask us "
    "similar things, and we always try our very best to help everyone as quickly as we can. We "
    "appreciate your loyalty and hope you have a wonderful rest of your day with us.",
)


def generate_preference_pairs(n: int = 200, seed: int = 62) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """n preference records (two responses each) and, by record id, the index of the better one.

    Harder than `generate_preferences`: the right answer is the long one or a short one, and the
    poor one is vague, a polite non-answer, or a good answer to another question (on topic for
    that one, so only the prompt tells it is wrong). Faker-made; no real personal data."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    better: dict[str, int] = {}
    for number in range(1, n + 1):
        topic = rng.randrange(len(_QUESTIONS))
        question, long_good, vague = _QUESTIONS[topic]
        values = _values(fake, rng)
        prompt = _fill(question, fake, rng, values)
        good = _fill(long_good if rng.random() < 0.5 else _SHORT_GOOD[topic], fake, rng, values)
        kind = rng.random()
        if kind < 0.35:
            poor = vague
        elif kind < 0.7:
            other = rng.choice([t for t in range(len(_QUESTIONS)) if t != topic])
            poor = _fill(_QUESTIONS[other][1], fake, rng, _values(fake, rng))
        else:
            poor = rng.choice(_RAMBLING)
        first_is_good = rng.random() < 0.5
        record_id = f"Q-{number:04d}"
        record: dict[str, Any] = {"id": record_id, "prompt": prompt}
        record["responses"] = [good, poor] if first_is_good else [poor, good]
        records.append(record)
        better[record_id] = 0 if first_is_good else 1
    return records, better


def write_chat_samples(folder: Path, chats: int = 60, preferences: int = 40) -> list[Path]:
    """Write `chats.jsonl` and `preferences.jsonl` into folder; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, (records, _) in (
        ("chats.jsonl", generate_chats(chats)),
        ("preferences.jsonl", generate_preferences(preferences)),
    ):
        path = folder / name
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":
    for written in write_chat_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/chat")):
        print(written)
