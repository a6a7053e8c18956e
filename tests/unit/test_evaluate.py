from __future__ import annotations

import pytest

from redaction.evaluate import (
    EvaluationResult,
    Miss,
    evaluate_policy,
    evaluate_removals,
    evaluate_vanilla_presidio,
    format_table,
)

from .helpers import make_policy

#        0         1         2         3         4
#        0123456789012345678901234567890123456789012
TEXT = "Call Ann Lee on (212) 555-0199 today, thanks"
PERSON = {"start": 5, "end": 12, "type": "PERSON"}  # Ann Lee
PHONE = {"start": 16, "end": 30, "type": "PHONE_NUMBER"}  # (212) 555-0199
# non-PII words: Call, on, today, thanks


def record(spans=(PERSON, PHONE), text=TEXT, record_id="r1") -> dict:
    return {"id": record_id, "text": text, "spans": list(spans)}


def test_span_is_fully_removed_when_every_letter_and_digit_is_inside_removals():
    # the parentheses, space and dash of the phone number may stay; two removals may share it
    result = evaluate_removals([record()], [[(5, 12), (17, 20), (22, 30)]])
    assert result.coverage("PERSON").fully_removed == 1
    assert result.coverage("PHONE_NUMBER").fully_removed == 1
    assert result.misses == []


def test_span_is_partly_removed_when_some_characters_survive():
    result = evaluate_removals([record()], [[(5, 8), (16, 21)]])  # "Ann", "(212)"
    for entity_type in ("PERSON", "PHONE_NUMBER"):
        counts = result.coverage(entity_type)
        assert (counts.spans, counts.fully_removed, counts.partly_removed) == (1, 0, 1)
    assert result.misses[0] == Miss("r1", 5, 12, "PERSON", partly=True)


def test_span_no_removal_touches_is_missed():
    result = evaluate_removals([record()], [[(16, 30)]])
    person = result.coverage("PERSON")
    assert (person.fully_removed, person.partly_removed, person.missed) == (0, 0, 1)
    assert result.misses == [Miss("r1", 5, 12, "PERSON", partly=False)]
    assert result.fully_removed_share("PHONE_NUMBER") == 1.0
    assert result.fully_removed_share("US_SSN") is None


def test_non_pii_words_are_kept_unless_a_removal_overlaps_them():
    untouched = evaluate_removals([record()], [[]])
    assert (untouched.words_total, untouched.words_kept) == (4, 4)
    # one character of "today" and all of "Call" removed; a removal past the end is clipped
    result = evaluate_removals([record()], [[(0, 4), (33, 34), (40, 99)]])
    assert (result.words_total, result.words_kept) == (4, 1)
    assert result.words_kept_share == 0.25


def test_words_touching_a_gold_span_are_not_counted_as_non_pii():
    text = "id=AB12 ok"
    result = evaluate_removals([record([{"start": 5, "end": 7, "type": "X"}], text)], [[]])
    assert (result.words_total, result.words_kept) == (2, 2)  # "id" and "ok", not "AB12"


def test_counts_add_up_over_records():
    records = [record(record_id="a"), record(record_id="b")]
    result = evaluate_removals(records, [[(5, 12)], []])
    assert result.records == 2
    assert result.coverage("PERSON").spans == 2
    assert result.fully_removed_share("PERSON") == 0.5
    assert result.words_total == 8


def test_removals_must_be_given_for_every_record():
    with pytest.raises(ValueError, match="2 records but 1"):
        evaluate_removals([record(), record()], [[]])


def test_table_lists_each_system_and_marks_direct_identifiers():
    ours = evaluate_removals([record()], [[(5, 12), (16, 30)]])
    theirs = evaluate_removals([record()], [[(5, 8), (0, 4)]])
    table = format_table({"policy": ours, "vanilla": theirs})
    lines = table.splitlines()
    assert "policy" in lines[0] and "vanilla" in lines[0]
    person = next(line for line in lines if "PERSON" in line)
    assert person.startswith("* PERSON")
    assert person.split()[2:] == ["1", "|", "100.0%", "0.0%", "|", "0.0%", "100.0%"]
    words = next(line for line in lines if line.startswith("non-PII words kept"))
    assert "100.0%" in words and "75.0%" in words


def test_table_shows_types_that_are_not_direct_identifiers_unmarked():
    result = evaluate_removals(
        [record([{"start": 31, "end": 36, "type": "DATE_TIME"}])], [[]]
    )
    (line,) = [line for line in format_table({"x": result}).splitlines() if "DATE_TIME" in line]
    assert line.startswith("  DATE_TIME")


@pytest.fixture(scope="module")
def small_set() -> list[dict]:
    text = "Please write to ann.lee@example.com or ask Sarah Connor at the desk."
    return [
        {
            "id": "e1",
            "text": text,
            "spans": [
                {"start": 16, "end": 35, "type": "EMAIL_ADDRESS"},
                {"start": 43, "end": 55, "type": "PERSON"},
            ],
        }
    ]


def test_policy_evaluation_counts_kept_findings_as_not_removed(small_set, scrubline_home):
    policy = make_policy(
        entities={
            "PERSON": {"threshold": 0.4, "action": "keep"},
            "EMAIL_ADDRESS": {"threshold": 0.4, "action": "pseudonymize"},
        }
    )
    result = evaluate_policy(small_set, policy, batch_size=4)
    assert isinstance(result, EvaluationResult)
    assert result.fully_removed_share("EMAIL_ADDRESS") == 1.0
    assert result.fully_removed_share("PERSON") == 0.0
    assert result.failed_records == 0
    # random keys and a temporary pseudonym store: nothing is written to SCRUBLINE_HOME
    assert not (scrubline_home / "keys").exists()
    assert not (scrubline_home / "pseudonyms.sqlite3").exists()


def test_vanilla_presidio_removes_what_its_analyzer_finds(small_set, no_network):
    result = evaluate_vanilla_presidio(small_set)
    assert result.fully_removed_share("EMAIL_ADDRESS") == 1.0
    assert result.records == 1
