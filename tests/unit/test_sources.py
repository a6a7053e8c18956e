"""The independent labelled sources (tests/data/sources/): deterministic, offsets exact by
construction, French where they say so, many countries, and usable by a real evaluation."""

from __future__ import annotations

import functools
import re

import pytest

from redaction.evaluate import (
    evaluate_policy,
    evaluate_records,
    evaluate_vanilla_presidio,
    field_texts,
)
from redaction.policy import load_policy
from tests.data.sources import FRENCH, KNOWN_TYPES, SOURCES, generate
from tests.data.sources._world import LOCALES

WRITTEN_HERE = [name for name, info in SOURCES.items() if name != "presidio_evaluator"]
TEXT_SOURCES = [name for name, info in SOURCES.items() if info.kind != "records"]


@functools.cache
def records_of(name: str, n: int = 40, seed: int = 3) -> tuple[dict, ...]:
    return tuple(generate(name, n, seed))


def _check_text_record(record: dict) -> None:
    text = record["text"]
    assert set(record) >= {"id", "text", "spans", "language"}
    spans = sorted(record["spans"], key=lambda s: s["start"])
    for span in spans:
        assert span["type"] in KNOWN_TYPES, span["type"]
        value = text[span["start"] : span["end"]]
        assert value and value == value.strip(), (record["id"], value)
        for start, end in span.get("may_keep", ()):
            assert span["start"] <= start < end <= span["end"]
            assert re.fullmatch(r"\d{2}|\d{4}", text[start:end]), text[start:end]
    for first, second in zip(spans, spans[1:], strict=False):
        assert first["end"] <= second["start"], (record["id"], first, second)


@pytest.mark.parametrize("name", WRITTEN_HERE)
def test_source_is_deterministic_for_a_seed(name):
    first = generate(name, 25, 3)
    assert first == generate(name, 25, 3)
    assert first != generate(name, 25, 4)


@pytest.mark.parametrize("name", [n for n in TEXT_SOURCES if n != "presidio_evaluator"])
def test_spans_are_exact_do_not_overlap_and_have_known_types(name):
    records = records_of(name)
    assert len(records) == 40 and len({r["id"] for r in records}) == 40
    for record in records:
        _check_text_record(record)
    if SOURCES[name].kind == "negatives":
        assert all(not r["spans"] for r in records)
    else:
        assert sum(len(r["spans"]) for r in records) >= 40


def test_structured_spans_point_into_their_value():
    for record in records_of("structured"):
        for span in record["spans"]:
            value = record["record"]
            for key in span["path"]:
                value = value[key]
            assert isinstance(value, str) and 0 <= span["start"] < span["end"] <= len(value)
            assert span["type"] in KNOWN_TYPES
    leaves = field_texts(list(records_of("structured")))
    assert sum(len(leaf["spans"]) for leaf in leaves) == sum(
        len(r["spans"]) for r in records_of("structured")
    )
    for leaf in leaves:
        _check_text_record(leaf)


def test_presidio_evaluator_source_is_the_package_generator_mapped_to_our_types():
    first, again = generate("presidio_evaluator", 30, 5), generate("presidio_evaluator", 30, 5)
    assert first == again
    for record in first:
        _check_text_record(record)
        assert "\\n" not in record["text"] and "nan" not in re.findall(r"\w+", record["text"])
    types = {span["type"] for record in first for span in record["spans"]}
    assert "PERSON" in types and not types & {"GPE", "DOMAIN_NAME", "ZIP_CODE"}


@pytest.mark.parametrize("name", FRENCH)
def test_french_sources_are_french(name):
    from py3langid.langid import _load_identifier

    identifier = _load_identifier(langs=["en", "fr"])
    records = records_of(name)
    assert all(r["language"] == "fr" for r in records)
    french = sum(identifier.classify(r["text"])[0] == "fr" for r in records)
    assert french >= 0.9 * len(records)


@pytest.mark.parametrize("name", ["world_names", "world_addresses", "chat", "forms"])
def test_world_sources_draw_from_at_least_twenty_locales(name):
    assert len({r["locale"] for r in records_of(name, 200, 1)}) >= 20


def test_world_phone_numbers_are_valid_for_some_region():
    import phonenumbers

    values = [
        r["text"][s["start"] : s["end"]]
        for r in records_of("world_names", 200, 1) + records_of("world_addresses", 200, 1)
        for s in r["spans"]
        if s["type"] == "PHONE_NUMBER"
    ]
    region_of = {loc.code: loc.region for loc in LOCALES}
    regions = set()
    for record in records_of("world_names", 200, 1):
        for span in record["spans"]:
            if span["type"] == "PHONE_NUMBER":
                region = region_of[record["locale"]]
                number = phonenumbers.parse(record["text"][span["start"] : span["end"]], region)
                assert phonenumbers.is_valid_number(number)
                regions.add(region)
    assert len(values) >= 40 and len(regions) >= 10


def test_source_names_that_do_not_exist_are_listed():
    with pytest.raises(KeyError, match="sources: presidio_evaluator, world_names"):
        generate("wikipedia", 1, 1)


def test_small_real_evaluation_gives_shares_between_zero_and_one(
    scrubline_home, no_network, default_policy_path
):
    policy = load_policy(default_policy_path)
    records = list(records_of("clinical_icu", 4, 9)) + list(records_of("fr_world", 2, 9))
    models = {lang: spec.model for lang, spec in policy.languages.items()}
    for result in (
        evaluate_policy(records, policy),
        evaluate_vanilla_presidio(records, models=models, default_language=policy.primary_language),
    ):
        assert result.records == 6 and set(result.languages) == {"en", "fr"}
        assert 0.0 <= result.words_kept_share <= 1.0
        for entity_type in result.per_type:
            assert 0.0 <= result.fully_removed_share(entity_type) <= 1.0
            assert result.fully_removed_share(entity_type) + result.partly_removed_share(entity_type) <= 1.0
    structured = [r for r in records_of("structured", 8, 9) if r["language"] == "en"][:3]
    evaluation = evaluate_records(structured, policy)
    assert evaluation.values == sum(len(r["spans"]) for r in structured)
    assert 0 <= evaluation.readable <= evaluation.values and evaluation.quarantined == 0
    assert 0.0 <= evaluation.result.pii_coverage().fully_removed_share <= 1.0


def test_sources_do_not_depend_on_the_string_hash_seed():
    # the sources that draw towns and addresses from Faker (its it_IT towns come from a set)
    import json
    import subprocess
    import sys

    from tests.conftest import REPO

    script = (
        "import hashlib, json; from tests.data.sources import generate; "
        "print(json.dumps({n: hashlib.sha256(json.dumps(generate(n, 12, 2), sort_keys=True).encode())"
        ".hexdigest() for n in ('world_addresses', 'structured', 'forms', 'fr_world')}))"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {"PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
