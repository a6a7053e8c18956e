from __future__ import annotations

import pytest

from redaction.detect import Detector, Finding, propagate_names
from redaction.names import first_names, truecase, world_first_names

from .helpers import make_policy


def test_lexicon_comes_from_gender_guesser_without_common_words():
    names = first_names()
    assert {"maria", "thomas", "camille", "rhys"} <= names
    assert {"aisha", "priya"} <= names | world_first_names()
    assert not {"will", "may", "grace", "the", "mark"} & names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hey its maria garcia, my order never came", "hey its Maria Garcia, my order never came"),
        ("JOHN SMITH CALLED ABOUT HIS ORDER 12345", "John Smith called about his order 12345"),
        ("thanks thomas for the quick reply", "thanks Thomas for the quick reply"),
        ("Nothing to change for Anna here.", "Nothing to change for Anna here."),
        ("i will may be late", "i will may be late"),
    ],
)
def test_truecase_capitalizes_names_and_keeps_length(text, expected):
    out = truecase(text)
    assert out == expected
    assert len(out) == len(text)


def test_propagation_finds_a_name_again_in_any_case_across_fields():
    texts = ["Call from Maria Garcia today.", "MARIA said the order is late; garcia family account."]
    found = [[Finding(10, 22, "PERSON", 0.85, "spacy")], []]
    out = propagate_names(texts, found)
    assert out[0] == found[0]
    assert [texts[1][f.start : f.end] for f in out[1]] == ["MARIA", "garcia"]
    assert all(f.recognizer == "name_propagation" for f in out[1])


def test_propagation_ignores_stop_words_and_short_parts():
    texts = ["Jo de la Cruz wrote", "de la part de jo"]
    found = [[Finding(0, 13, "PERSON", 0.85, "spacy")], []]
    assert [texts[1][f.start : f.end] for f in propagate_names(texts, found)[1]] == []


@pytest.fixture(scope="module")
def detector():
    return Detector(make_policy())


@pytest.mark.parametrize(
    "text, name",
    [
        ("hey its maria garcia, my order never came", "maria garcia"),
        ("JOHN SMITH CALLED ABOUT HIS ORDER", "JOHN SMITH"),
    ],
)
def test_caseless_names_are_found_through_truecasing(detector, text, name):
    (findings,) = detector.detect([text])
    covered = {i for f in findings if f.entity_type == "PERSON" for i in range(f.start, f.end)}
    start = text.index(name)
    assert all(i in covered for i in range(start, start + len(name)) if text[i].isalpha())


def test_truecasing_can_be_turned_off(detector):
    plain = Detector(make_policy(detection={"truecase": False}))
    text = "hey its maria garcia, my order never came"
    (found,) = plain.detect([text])
    assert not any(f.entity_type == "PERSON" for f in found)


def test_phone_regions_come_from_the_policy():
    text = "Appelez-moi au 06 12 34 56 78 demain"
    us_only = Detector(make_policy(detection={"phone_regions": ["US"]}))
    with_fr = Detector(make_policy(detection={"phone_regions": ["US", "FR"]}))
    assert not any(f.entity_type == "PHONE_NUMBER" for f in us_only.detect([text])[0])
    assert any(text[f.start : f.end] == "06 12 34 56 78" for f in with_fr.detect([text])[0])


def test_unknown_phone_region_is_a_policy_error():
    from redaction.errors import PolicyError

    with pytest.raises(PolicyError, match=r"detection.phone_regions: unknown phone region\(s\) XX"):
        make_policy(detection={"phone_regions": ["US", "XX"]})


def test_names_common_elsewhere_are_capitalized_only_after_a_cue():
    assert truecase("hi aisha, the parcel is late") == "hi Aisha, the parcel is late"
    assert truecase("my son can help with the parcel") == "my son can help with the parcel"
