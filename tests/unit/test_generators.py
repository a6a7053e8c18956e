from __future__ import annotations

import csv
import ipaddress
import json
import re
from datetime import datetime

import pytest

from tests.data.generators import (
    _TEMPLATES,
    BAD_LINES,
    DIRECT_IDENTIFIERS,
    ENTITY_TYPES,
    MAX_PII_PER_TEXT,
    STYLES,
    generate_labelled,
    generate_records,
    pii_slot_count,
    write_samples,
)


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return generate_labelled(400, seed=2)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def looks_like(entity_type: str, value: str) -> bool:
    """A loose shape check per type: enough to catch an offset pointing at the wrong text."""
    digits = re.sub(r"\D", "", value)
    if entity_type == "EMAIL_ADDRESS":
        return re.fullmatch(r"[^@\s]+@[\w.-]+\.[a-z]{2,}", value) is not None
    if entity_type == "PHONE_NUMBER":
        return 10 <= len(digits) <= 12 and re.fullmatch(r"[+\d() .-]+", value) is not None
    if entity_type == "CREDIT_CARD":
        return 15 <= len(digits) <= 16 and luhn_valid(digits)
    if entity_type == "IBAN_CODE":
        return iban_valid(value)
    if entity_type == "IP_ADDRESS":
        ipaddress.ip_address(value)
        return True
    if entity_type == "US_SSN":
        match = re.fullmatch(r"(\d{3})([- ])(\d{2})\2(\d{4})", value)
        return bool(match) and match[1] not in {"000", "666"} and match[1][0] != "9" and (
            match[3] != "00" and match[4] != "0000"
        )
    if entity_type == "US_DRIVER_LICENSE":
        return re.fullmatch(r"[A-Z0-9-]{8,15}", value) is not None and len(digits) >= 6
    if entity_type == "DATE_TIME":
        return any(
            _parses(value, fmt)
            for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%b %d, %Y")
        )
    if entity_type == "URL":
        return re.fullmatch(r"(https?://)?(www\.)?[\w.-]+\.[a-z]{2,}(/\S*)?", value) is not None
    if entity_type == "STREET_ADDRESS":
        return re.search(r"\d", value) is not None and re.search(r"[A-Za-z]{2}", value) is not None
    # PERSON, LOCATION: words starting with a letter
    return value[:1].isalpha() and value == value.strip()


def _parses(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def test_same_seed_gives_the_same_records_and_another_seed_does_not():
    assert generate_labelled(40, seed=5) == generate_labelled(40, seed=5)
    assert generate_labelled(40, seed=5) != generate_labelled(40, seed=6)
    assert generate_records(15, seed=5) == generate_records(15, seed=5)


def test_spans_point_at_a_value_of_their_type(labelled):
    for record in labelled:
        text = record["text"]
        for span in record["spans"]:
            value = text[span["start"] : span["end"]]
            assert span["type"] in ENTITY_TYPES
            assert value and value == value.strip(), (record["id"], span)
            assert looks_like(span["type"], value), (record["id"], span["type"], value)


def test_spans_are_ordered_and_do_not_overlap(labelled):
    for record in labelled:
        ends = [0] + [s["end"] for s in record["spans"]][:-1]
        assert all(s["start"] >= end for s, end in zip(record["spans"], ends, strict=True))


def test_every_record_carries_one_to_four_values_and_all_styles_and_types_occur(labelled):
    assert all(1 <= len(r["spans"]) <= MAX_PII_PER_TEXT for r in labelled)
    assert {r["style"] for r in labelled} == set(STYLES)
    assert {s["type"] for r in labelled for s in r["spans"]} == set(ENTITY_TYPES)
    assert [r["id"] for r in labelled[:2]] == ["L-000001", "L-000002"]


def test_every_template_inserts_one_to_four_values():
    for style, templates in _TEMPLATES.items():
        for template in templates:
            assert 1 <= pii_slot_count(template) <= MAX_PII_PER_TEXT, (style, template)


def test_texts_hold_plenty_of_ordinary_words(labelled):
    words = sum(len(re.findall(r"\w+", r["text"])) for r in labelled)
    pii_words = sum(
        len(re.findall(r"\w+", r["text"][s["start"] : s["end"]])) for r in labelled for s in r["spans"]
    )
    assert words - pii_words > 2 * pii_words


def test_generated_tickets_have_the_pipeline_shape_and_list_their_values():
    records, values = generate_records(60, seed=3)
    assert [r["id"] for r in records[:3]] == ["T-000001", "T-000002", "T-000003"]
    for record in records:
        assert set(record) == {
            "id", "subject", "body", "customer", "created_at", "priority", "channel"
        }
        assert set(record["customer"]) == {"name", "email", "notes"}
        assert record["priority"] in {"low", "normal", "high"}
        assert record["channel"] in {"email", "chat", "phone"}
        assert datetime.fromisoformat(record["created_at"]).tzinfo is not None
    assert len(values) == len(set(values))
    everything = json.dumps(records, ensure_ascii=False)
    for value in values:
        assert json.dumps(value, ensure_ascii=False)[1:-1] in everything
    names = {r["customer"]["name"] for r in records}
    assert names <= set(values)


def test_record_values_can_include_every_type_on_request():
    _, direct = generate_records(80, seed=4)
    _, everything = generate_records(80, seed=4, types=None)
    assert set(direct) < set(everything)
    assert DIRECT_IDENTIFIERS == tuple(t for t in ENTITY_TYPES if t in DIRECT_IDENTIFIERS)


def test_write_samples_appends_three_bad_lines_after_the_good_records(tmp_path):
    jsonl, table = write_samples(tmp_path / "samples", n=20, seed=7)
    lines = jsonl.read_bytes().splitlines(keepends=True)
    assert len(lines) == 23
    good = [json.loads(line) for line in lines[:20]]
    assert all("id" in record for record in good)
    assert tuple(lines[20:]) == BAD_LINES
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[20])
    assert "id" not in json.loads(lines[21])
    with pytest.raises(UnicodeDecodeError):
        lines[22].decode("utf-8")

    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50
    assert list(rows[0]) == [
        "id", "subject", "body", "customer_name", "customer_email", "priority"
    ]
    assert not {row["id"] for row in rows} & {record["id"] for record in good}
