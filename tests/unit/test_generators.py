from __future__ import annotations

import csv
import ipaddress
import json
import random
import re
from collections import Counter
from datetime import datetime

import pytest

from tests.data.generators import (
    _PHRASE_GROUPS,
    _TEMPLATE_GROUPS,
    BAD_LINES,
    DIRECT_IDENTIFIERS,
    ENTITY_TYPES,
    LANGUAGE_TYPES,
    LANGUAGES,
    MAX_PII_PER_TEXT,
    PARTS,
    PHRASES,
    STYLES,
    TEMPLATES,
    _Context,
    _Fake,
    _Text,
    _typo,
    _Writer,
    generate_labelled,
    generate_records,
    pii_slot_count,
    split_of,
    template_ids,
    write_labelled,
    write_samples,
)


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return generate_labelled(600, seed=2)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def nir_valid(value: str) -> bool:
    digits = value.replace(" ", "")
    return len(digits) == 15 and digits.isdigit() and 97 - int(digits[:13]) % 97 == int(digits[13:])


FR_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
FR_PHONE = re.compile(
    r"0\d( \d\d){4}|0\d{9}|0\d(\.\d\d){4}|0\d(-\d\d){4}"  # national
    r"|\+33 \d( \d\d){4}|\+33 \(0\)\d( \d\d){4}|\+33\d{9}|0033 \d( \d\d){4}"  # international
)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d.%m.%Y")


def looks_like(entity_type: str, value: str, language: str) -> bool:
    """A loose shape check per type: enough to catch an offset pointing at the wrong text."""
    digits = re.sub(r"\D", "", value)
    if entity_type == "EMAIL_ADDRESS":
        return re.fullmatch(r"[^@\s]+@[\w.-]+\.[a-z]{2,}", value, re.IGNORECASE) is not None
    if entity_type == "PHONE_NUMBER":
        if language == "fr":
            return FR_PHONE.fullmatch(value) is not None
        return 10 <= len(digits) <= 13 and re.fullmatch(r"[+\d() .-]+", value) is not None
    if entity_type == "CREDIT_CARD":
        return 15 <= len(digits) <= 16 and luhn_valid(digits)
    if entity_type == "IBAN_CODE":
        return iban_valid(value) and (language == "en" or value.upper().startswith("FR"))
    if entity_type == "IP_ADDRESS":
        ipaddress.ip_address(value)
        return True
    if entity_type == "US_SSN":
        match = re.fullmatch(r"(\d{3})([- ])(\d{2})\2(\d{4})", value)
        return (
            bool(match)
            and match[1] not in {"000", "666"}
            and match[1][0] != "9"
            and (match[3] != "00" and match[4] != "0000")
        )
    if entity_type == "US_DRIVER_LICENSE":
        return re.fullmatch(r"[A-Z0-9-]{8,15}", value, re.IGNORECASE) is not None and len(digits) >= 6
    if entity_type == "FR_NIR":
        return nir_valid(value) and re.fullmatch(r"[12]( ?\d\d){3}( ?\d{3}){2} ?\d\d", value) is not None
    if entity_type == "FR_SIREN":
        return (
            len(digits) == 9
            and luhn_valid(digits)
            and re.fullmatch(r"\d{3} ?\d{3} ?\d{3}", value) is not None
        )
    if entity_type == "FR_SIRET":
        return (
            len(digits) == 14 and luhn_valid(digits) and re.fullmatch(r"(\d{3} ?){3}\d{5}", value) is not None
        )
    if entity_type == "DATE_TIME":
        return any(_parses(value.title(), fmt) for fmt in (*DATE_FORMATS, "%d/%m/%y", "%d-%m-%Y")) or (
            re.fullmatch(rf"(1er|\d{{1,2}}) ({FR_MONTHS}) \d{{4}}", value, re.IGNORECASE) is not None
        )
    if entity_type == "URL":
        return (
            re.fullmatch(r"(https?://)?(www\.)?[\w.-]+\.[a-z]{2,}(/\S*)?", value, re.IGNORECASE) is not None
        )
    if entity_type == "STREET_ADDRESS":
        return re.search(r"\d", value) is not None and re.search(r"[^\W\d_]{2}", value) is not None
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
            assert span["type"] in LANGUAGE_TYPES[record["language"]], (record["id"], span)
            assert value and value == value.strip(), (record["id"], span)
            assert looks_like(span["type"], value, record["language"]), (record["id"], span["type"], value)


def test_spans_are_ordered_and_do_not_overlap(labelled):
    for record in labelled:
        ends = [0] + [s["end"] for s in record["spans"]][:-1]
        assert all(s["start"] >= end for s, end in zip(record["spans"], ends, strict=True))


def test_every_record_carries_values_and_every_style_language_and_type_occurs(labelled):
    assert all(1 <= len(r["spans"]) <= MAX_PII_PER_TEXT for r in labelled)
    assert {r["style"] for r in labelled} == set(STYLES)
    assert {s["type"] for r in labelled for s in r["spans"]} == set(ENTITY_TYPES)
    assert [r["id"] for r in labelled[:2]] == ["L-000001", "L-000002"]
    for record in labelled:
        language, style, _ = record["template"].split(".")
        assert (language, style) == (record["language"], record["style"])
        assert re.fullmatch(r"(en|fr)\.[a-z]+\.\d\d", record["template"])


def test_about_thirty_percent_of_records_are_french(labelled):
    share = sum(r["language"] == "fr" for r in labelled) / len(labelled)
    assert 0.22 < share < 0.38
    assert {r["language"] for r in generate_labelled(30, seed=1, language="fr")} == {"fr"}
    assert {r["language"] for r in generate_labelled(30, seed=1, language="en")} == {"en"}


def test_every_template_inserts_one_to_six_values_of_its_language():
    specials = {"FIRST_NAME", "DETAIL", "Detail", "FILLER", "ADDRESS_BLOCK", "ADDRESS_LINES"}
    for template_id, template in TEMPLATES.items():
        language = template_id.split(".")[0]
        assert 1 <= pii_slot_count(template) <= MAX_PII_PER_TEXT, template_id
        for name, _ in re.findall(r"\{(\w+)(?::(\w+))?\}", template):
            assert name in specials or name in LANGUAGE_TYPES[language], (template_id, name)
    for phrase_id, phrase in PHRASES.items():
        assert pii_slot_count(phrase) == 1 and f"{{{phrase_id.split('.')[2]}}}" in phrase, phrase_id


def test_every_template_renders_with_exact_spans():
    writer = _Writer(_Fake(3))
    for template_id, template in TEMPLATES.items():
        language, style, _ = template_id.split(".")
        out = _Text()
        writer.render(template, _Context(language, style, split_of(template_id)), out)
        assert 1 <= len(out.spans) <= MAX_PII_PER_TEXT, template_id
        for span in out.spans:
            assert looks_like(span["type"], out.text[span["start"] : span["end"]], language), template_id


def test_split_is_by_template_id_stable_and_about_one_third_heldout():
    # pinned: a change to split_of would move templates between the parts
    pinned = ("en.chat.01", "en.chat.02", "fr.csv.04", "fr.phrase.FR_NIR.01")
    assert [split_of(t) for t in pinned] == ["heldout", "tuning", "tuning", "tuning"]
    heldout = template_ids(part="heldout")
    assert 0.2 < len(heldout) / len(TEMPLATES) < 0.45
    assert set(heldout) | set(template_ids(part="tuning")) == set(TEMPLATES)
    for (language, style), ids in _TEMPLATE_GROUPS.items():
        assert {split_of(t) for t in ids} == set(PARTS), (language, style)
    for (language, entity_type, part), ids in _PHRASE_GROUPS.items():
        assert ids, (language, entity_type, part)
        assert part is None or {split_of(p) for p in ids} == {part}


def test_a_part_uses_only_its_templates_and_its_phrases():
    records = generate_labelled(150, seed=4, part="heldout")
    assert {split_of(r["template"]) for r in records} == {"heldout"}
    assert {r["style"] for r in records} == set(STYLES) and {r["language"] for r in records} == set(LANGUAGES)
    assert {split_of(r["template"]) for r in generate_labelled(60, seed=4, part="tuning")} == {"tuning"}
    # a DETAIL slot of a held-out record only ever says a held-out phrase
    writer = _Writer(_Fake(5))
    for language in LANGUAGES:
        patterns = {
            p: re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(PHRASES[p])), re.DOTALL)
            for p in PHRASES
            if p.startswith(language)
        }
        for _ in range(60):
            out = _Text()
            writer.render("{DETAIL}", _Context(language, "chat", "heldout"), out)
            matching = {p for p, pattern in patterns.items() if pattern.fullmatch(out.text)}
            assert matching and any(split_of(p) == "heldout" for p in matching), out.text
    with pytest.raises(ValueError, match="part must be one of"):
        generate_labelled(1, part="test")


def test_casing_noise_keeps_spans_exact(labelled):
    casings = Counter(r["casing"] for r in labelled)
    assert set(casings) == {"as-written", "lower", "upper", "names-lower"}
    assert casings["as-written"] / len(labelled) > 0.8
    chat = [r for r in labelled if r["style"] == "chat"]
    assert sum(r["casing"] != "as-written" for r in chat) / len(chat) > 0.2
    for record in labelled:
        text = record["text"]
        if record["casing"] == "lower":
            assert text == text.lower()
        elif record["casing"] == "upper":
            assert text == text.upper()
        elif record["casing"] == "names-lower":
            for span in record["spans"]:
                if span["type"] == "PERSON":
                    value = text[span["start"] : span["end"]]
                    assert value == value.lower()


def one_slip(before: str, after: str) -> bool:
    """Two adjacent letters swapped, or one letter dropped or doubled."""
    if len(before) == len(after):
        i = next(i for i in range(len(before)) if before[i] != after[i])
        return before[:i] + before[i + 1] + before[i] + before[i + 2 :] == after
    longer, shorter = (before, after) if len(before) > len(after) else (after, before)
    return len(longer) - len(shorter) == 1 and any(
        longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))
    )


def test_a_typo_is_one_slip_in_one_word_of_four_letters_or_more():
    rng = random.Random(0)
    sentence = "I am not sure whether the payment went through."
    for _ in range(50):
        changed = _typo(rng, sentence)
        diffs = [(a, b) for a, b in zip(sentence.split(" "), changed.split(" "), strict=True) if a != b]
        assert len(diffs) <= 1  # swapping two equal letters changes nothing
        for before, after in diffs:
            assert len(before.rstrip(".")) >= 4 and one_slip(before, after), (before, after)
    assert _typo(rng, "ok, no") == "ok, no"


def test_about_one_filler_sentence_in_seven_carries_a_typo_and_no_value():
    writer = _Writer(_Fake(1))
    slipped = 0
    for _ in range(200):
        out = _Text()
        writer.render("{FILLER}", _Context("en", "email", None), out)
        slipped += out.text not in out.fillers
        assert out.spans == []
    assert 10 < slipped < 60


def test_address_blocks_put_a_name_line_above_a_multi_line_address(labelled):
    blocks = 0
    for record in labelled:
        spans = record["spans"]
        for before, after in zip(spans, spans[1:], strict=False):
            if (
                before["type"] == "PERSON"
                and after["type"] == "STREET_ADDRESS"
                and record["text"][before["end"] : after["start"]] == "\n"
            ):
                blocks += 1
                assert "\n" in record["text"][after["start"] : after["end"]]
    assert blocks > 20
    multi_line = {
        r["language"]
        for r in labelled
        for s in r["spans"]
        if s["type"] == "STREET_ADDRESS" and "\n" in r["text"][s["start"] : s["end"]]
    }
    assert multi_line == {"en", "fr"}


def test_formats_cover_us_uk_and_french_phones_and_addresses(labelled):
    values = {
        (r["language"], s["type"], r["text"][s["start"] : s["end"]]) for r in labelled for s in r["spans"]
    }
    en_phones = [v for lang, t, v in values if lang == "en" and t == "PHONE_NUMBER"]
    assert any("555" in v for v in en_phones) and any(v.startswith(("+44", "0")) for v in en_phones)
    assert any(v.startswith(("+33", "0033")) for v in en_phones)
    fr_phones = [v for lang, t, v in values if lang == "fr" and t == "PHONE_NUMBER"]
    assert any(re.fullmatch(r"0\d( \d\d){4}", v) for v in fr_phones)
    assert any(v.startswith("+33 ") for v in fr_phones) and any("." in v for v in fr_phones)
    fr_streets = [v for lang, t, v in values if lang == "fr" and t == "STREET_ADDRESS"]
    assert any(
        re.search(r"\b(rue|avenue|boulevard|allée|impasse|place|chemin)\b", v, re.I) for v in fr_streets
    )
    assert any(re.search(r"\b\d{5} \w", v) for v in fr_streets)
    uk = [v for lang, t, v in values if lang == "en" and t == "STREET_ADDRESS"]
    assert any(re.search(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b", v) for v in uk)  # a UK postcode


def test_generated_tickets_have_the_pipeline_shape_and_list_their_values():
    records, values = generate_records(60, seed=3)
    assert [r["id"] for r in records[:3]] == ["T-000001", "T-000002", "T-000003"]
    for record in records:
        assert set(record) == {"id", "subject", "body", "customer", "created_at", "priority", "channel"}
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


def test_tickets_can_be_partly_french_on_request():
    records, values = generate_records(60, seed=3, french=0.4)
    languages = Counter(r["language"] for r in records)
    assert set(languages) == {"en", "fr"} and 10 < languages["fr"] < 40
    everything = json.dumps(records, ensure_ascii=False)
    assert all(json.dumps(v, ensure_ascii=False)[1:-1] in everything for v in values)
    french_names = {r["customer"]["name"] for r in records if r["language"] == "fr"}
    assert french_names <= set(values)


def test_record_values_can_include_every_type_on_request():
    _, direct = generate_records(80, seed=4)
    _, everything = generate_records(80, seed=4, types=None)
    assert set(direct) < set(everything)
    assert DIRECT_IDENTIFIERS == tuple(t for t in ENTITY_TYPES if t in DIRECT_IDENTIFIERS)


def test_labelled_records_round_trip_through_jsonl(tmp_path, labelled):
    path = write_labelled(tmp_path / "sub" / "labelled.jsonl", labelled[:5])
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == labelled[:5]


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
    assert list(rows[0]) == ["id", "subject", "body", "customer_name", "customer_email", "priority"]
    assert not {row["id"] for row in rows} & {record["id"] for record in good}
