"""French clinical notes: names after a title, role or `née`, hospital extensions and cued phones,
and the French clinical vocabulary that is never a name.

Every name and number here is made up.
"""

from __future__ import annotations

import pytest

from redaction.detect import Detector
from redaction.policy import load_policy
from redaction.recognizers import get
from redaction.recognizers.clinical_vocab_fr import is_french_clinical_word

POLICY = "policies/default.yaml"


def found(name: str, text: str, language: str = "fr") -> list[str]:
    recognizer = get(name)(supported_language=language)
    return [text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Vu par Dr MARTIN, poursuite du TTT.", ["MARTIN"]),
        ("Vu par le Dr Lemaire à 18h.", ["Lemaire"]),
        ("Appel de la fille Mme DUBOIS à 14h.", ["DUBOIS"]),
        ("Famille prévenue : fils M. Paul GIRARD, joignable.", ["Paul GIRARD"]),
        ("Mme FAURE née LEROY, 39 ans.", ["FAURE", "LEROY"]),
        ("Mme Roux épouse Vidal, fille de la patiente.", ["Roux", "Vidal"]),
        ("Contacter l'IADE Céline au poste.", ["Céline"]),
        ("CDS Anne PETIT informée.", ["Anne PETIT"]),
        ("Externe Alain Wauthier a fait le GDS.", ["Alain Wauthier"]),
        ("INTERNE DE GARDE DR LENAERTS PRÉVENU POUR HYPOTENSION.", ["LENAERTS"]),
        ("MME BOUCHET NÉE GILLET, 86 ANS.", ["BOUCHET", "GILLET"]),
        ("IDE DE NUIT CLAIRE MOREL, RELÈVE FAITE.", ["CLAIRE MOREL"]),
        ("Pr de la Tour passé en visite.", ["de la Tour"]),
    ],
)
def test_name_after_a_french_title_or_role_is_found_in_any_case(text, expected):
    assert found("fr_clinician_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dr prévenu à 3h, passage prévu.",  # a note word after the title
        "IDE de nuit : RAS.",
        "Relève IDE 7h, AS à 14h.",
        "Tu as Noradrénaline 0,3 µg/kg/min.",  # "as" is a verb in lower case
        "Interne appelé(e) pour désaturation, Dr aware.",
        "Mme a bien dormi, RAS.",
        "Transfert en Cardiologie, Pr visite demain.",
        "née le 12/03/1950 à domicile.",
    ],
)
def test_french_clinical_words_after_a_cue_are_not_names(text):
    assert found("fr_clinician_name", text) == []


def test_french_clinician_recognizer_is_silent_on_english_text():
    assert found("fr_clinician_name", "Seen by Dr MARTIN today.", language="en") == []
    assert found("fr_internal_phone", "bip 4521", language="en") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Avis cardio demandé, Dr LEBRUN bip 4358.", ["4358"]),
        ("Contacter l'IADE au poste 7561 avant le bloc.", ["7561"]),
        ("CDS informée, DECT 49 75.", ["49 75"]),
        ("RÉANIMATEUR DE GARDE : DECT 6670.", ["6670"]),
        ("Appel de Pneumologie, rappeler sur le 6904.", ["6904"]),
        ("Médecin traitant, tél. 06 12 34 56 78.", ["06 12 34 56 78"]),
        ("Fils joignable au 01.45.67.89.12, à prévenir.", ["01.45.67.89.12"]),
        ("N° de la fille : 0470 12 34 56", ["0470 12 34 56"]),
        ("Épouse, tél. (514) 555-1234.", ["(514) 555-1234"]),
        ("Sœur, tél. +41 79 123 45 67.", ["+41 79 123 45 67"]),
    ],
)
def test_extension_after_a_cue_and_cued_national_number_are_found(text, expected):
    assert found("fr_internal_phone", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bip 12345678 dans le dossier.",  # too long for an extension, no phone word
        "Poste de soins 2, lit 4.",
        "Noradrénaline 1500 µg/h, PAS 120 mmHg.",
        "Héparine IVSE 1000 UI/h, poste 500 mg.",
        "Diurèse 1200 mL, bilan +1500 mL.",
        "Tél. 12 34.",  # too short for a national number
        "Hb 8,8 g/dL, K+ 3,7 mmol/L, CRP 130 mg/L.",
    ],
)
def test_numbers_that_are_not_hospital_phones_are_not_found(text):
    assert found("fr_internal_phone", text) == []


@pytest.mark.parametrize(
    "word", ["IDE", "TTT", "RAS", "Noradrénaline", "NORADRENALINE", "Réa", "EVA", "SpO2"]
)
def test_french_clinical_shorthand_is_in_the_vocabulary(word):
    assert is_french_clinical_word(word)


@pytest.fixture(scope="module")
def detector():
    return Detector(load_policy(POLICY))


def test_default_policy_keeps_french_clinical_words_and_removes_the_names(detector):
    text = (
        "Relève IDE 7h. Patient algique, EVA à 6. Réa polyvalente : Noradrénaline 0,3 µg/kg/min. "
        "Pr Dupont passé en visite, avis favorable, bip 4521. Escarre talon droit stade 2. "
        "Mme ROUX née VIDAL, 39 ans."
    )
    (findings,) = detector.detect([text], ["fr"])
    removed = [text[f.start : f.end] for f in findings if f.entity_type != "DATE_TIME"]
    assert "Dupont" in removed and "4521" in removed and "ROUX" in removed and "VIDAL" in removed
    for word in ("IDE", "EVA", "Réa", "Noradrénaline", "avis", "talon", "ans"):
        assert not any(word in value for value in removed), word
