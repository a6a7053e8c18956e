"""French identifiers: NIR, SIREN and SIRET recognizers, and Presidio's IBAN recognizer on French text.

Every number is generated here with python-stdnum's check-digit functions; none is a real one.
"""

from __future__ import annotations

import pytest
from stdnum import iban, luhn
from stdnum.fr import nir, siren, siret

from redaction.detect import Detector, Finding, resolve_overlaps
from redaction.policy import policy_from_dict
from redaction.recognizers import get


@pytest.fixture(scope="module", autouse=True)
def french_recognizers_registered():
    # Imported when these tests run rather than at collection, so test_recognizers.py still sees
    # only the built-in names until _load_builtin lists these modules.
    import redaction.recognizers.fr_nir  # noqa: F401
    import redaction.recognizers.fr_siren  # noqa: F401


def nir_number(body: str) -> str:
    return body + nir.calc_check_digits(body)


def siren_number(stem: str) -> str:
    return stem + luhn.calc_check_digit(stem)


def siret_number(siren_digits: str, establishment: str) -> str:
    return siren_digits + establishment + luhn.calc_check_digit(siren_digits + establishment)


def french_iban(bank: str, branch: str, account: str) -> str:
    rib_key = f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"
    bban = bank + branch + account + rib_key
    return "FR" + iban.calc_check_digits("FR00" + bban) + bban


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    return [text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities)]


def scores(name: str, text: str) -> list[float]:
    recognizer = get(name)()
    return [r.score for r in recognizer.analyze(text, recognizer.supported_entities)]


NIRS = [nir_number("1841275116004"), nir_number("2930613055123"), nir_number("7650199352012")]
SIREN = siren_number("12345678")
SIRET = siret_number(SIREN, "0007")
IBAN = french_iban("12345", "06789", "00012345678")


def nir_forms(number: str) -> list[str]:
    body, key = number[:13], number[13:]
    return [
        number,
        nir.format(number),
        f"{body} {key}",
        f"{body} - {key}",
        nir.format(number, "\u00a0"),
        nir.format(number)[:-3] + key,  # grouped, key written against the serial
    ]


NIR_SENTENCES = [
    "Mon numéro de sécurité sociale est le {}, merci de mettre à jour mon dossier.",
    "Carte Vitale : {}.",
    "NIR {} (assuré principal)",
]


@pytest.mark.parametrize("number", NIRS)
@pytest.mark.parametrize("sentence", NIR_SENTENCES)
def test_valid_nir_is_found_in_every_written_form(number, sentence):
    for form in nir_forms(number):
        text = sentence.format(form)
        assert found("fr_nir", text) == [form], text


def test_checksum_valid_nir_scores_as_certain():
    assert scores("fr_nir", f"sécu {nir.format(NIRS[0])}") == [1.0]


def test_corsican_nir_key_is_computed_with_2a_as_19_and_2b_as_18():
    for department, stand_in in (("2A", "19"), ("2B", "18")):
        body = f"17203{department}004112"
        key = f"{97 - int(body[:5] + stand_in + body[7:]) % 97:02d}"
        number = body + key
        assert found("fr_nir", f"NIR : {nir.format(number)}") == [nir.format(number)]
        assert found("fr_nir", f"NIR : {number.lower()}") == [number.lower()]
    # The key of a 2A number does not fit the same digits born in 2B.
    corsica_a = nir_number("17203" + "2A" + "004112")
    assert found("fr_nir", corsica_a.replace("2A", "2B")) == []


@pytest.mark.parametrize("number", NIRS)
def test_nir_with_a_wrong_key_is_not_found(number):
    for form in nir_forms(wrong_check_digit(number)):
        assert found("fr_nir", f"Mon numéro de sécurité sociale est le {form}.") == [], form


@pytest.mark.parametrize(
    "text",
    [
        f"commande 9{NIRS[0]}",  # inside a longer run of digits
        f"commande {NIRS[0]}7",
        f"référence X{NIRS[0]}",
        nir_number("5" + NIRS[0][1:13]),  # the first digit is 1-4, 7 or 8
        nir_number("0" + NIRS[0][1:13]),
    ],
)
def test_digit_runs_that_are_not_a_nir_are_not_found(text):
    assert found("fr_nir", text) == []


@pytest.mark.parametrize(
    "form",
    [SIREN, siren.format(SIREN), siren.format(SIREN, "."), siren.format(SIREN, "\u00a0")],
)
def test_valid_siren_is_found_compact_or_grouped(form):
    text = f"La société est immatriculée au RCS de Lyon sous le numéro {form}."
    assert found("fr_siren", text) == [form]


@pytest.mark.parametrize("vat", [siren.to_tva(SIREN), siren.to_tva(siren.format(SIREN))])
def test_siren_inside_a_spaced_vat_number_is_found(vat):
    key, number = vat[:2], vat[2:].strip()
    assert found("fr_siren", f"N° TVA intracommunautaire : FR {key} {number}") == [number]
    assert found("fr_siren", f"TVA FR{key} {number}") == [number]


def test_tail_of_a_grouped_amount_is_not_a_siren():
    assert found("fr_siren", f"chiffre d'affaires : 1 {siren.format(SIREN)} euros") == []


@pytest.mark.parametrize(
    "form",
    [
        SIRET,
        siret.format(SIRET),
        f"{siren.format(SIREN)} {SIRET[9:12]} {SIRET[12:]}",
        siret.format(SIRET, "."),
    ],
)
def test_valid_siret_is_found_compact_or_grouped(form):
    text = f"SIRET de l'établissement : {form}, code APE 6201Z."
    assert found("fr_siret", text) == [form]


def test_luhn_valid_company_numbers_keep_a_low_score_that_context_must_raise():
    siren_score, siret_score = scores("fr_siren", SIREN)[0], scores("fr_siret", SIRET)[0]
    assert siren_score < siret_score < 0.5


@pytest.mark.parametrize(
    "name, number",
    [
        ("fr_siren", wrong_check_digit(SIREN)),
        ("fr_siren", siren.format(wrong_check_digit(SIREN))),
        ("fr_siret", wrong_check_digit(SIRET)),
        ("fr_siret", siret.format(wrong_check_digit(SIRET))),
    ],
)
def test_luhn_invalid_company_numbers_are_not_found(name, number):
    assert found(name, f"SIREN / SIRET : {number}") == []


@pytest.mark.parametrize("form", [SIRET, siret.format(SIRET), siret.format(SIRET, ".")])
def test_siren_recognizer_is_silent_on_the_siren_inside_a_valid_siret(form):
    text = f"Société Exemple, SIRET {form}"
    assert found("fr_siren", text) == []
    assert found("fr_siret", text) == [form]


def test_siren_before_an_invalid_establishment_number_is_still_reported():
    invalid_siret = siret.format(wrong_check_digit(SIRET))
    assert found("fr_siren", f"SIRET {invalid_siret}") == [siren.format(SIREN)]


def test_siret_wins_when_a_siren_finding_overlaps_it():
    siren_score = get("fr_siren").PATTERNS[0].score
    siret_score = get("fr_siret").PATTERNS[0].score
    merged = resolve_overlaps(
        [
            Finding(0, 9, "FR_SIREN", siren_score, "fr_siren"),
            Finding(0, 14, "FR_SIRET", siret_score, "fr_siret"),
        ]
    )
    assert [(f.entity_type, f.start, f.end) for f in merged] == [("FR_SIRET", 0, 14)]


# --- through the Detector, with a French policy -------------------------------------------------


FRENCH_POLICY = {
    "schema_version": 1,
    "name": "unit-fr",
    "version": "1",
    "languages": {"fr": {"model": "fr_core_news_sm"}},
    "entities": {
        entity: {"threshold": 0.5, "action": "replace"}
        for entity in ("FR_NIR", "FR_SIREN", "FR_SIRET", "IBAN_CODE")
    },
    "coded_recognizers": ["fr_nir", "fr_siren", "fr_siret"],
}


@pytest.fixture(scope="module")
def detector(french_recognizers_registered):
    return Detector(policy_from_dict(FRENCH_POLICY, "unit-fr-policy"))


def redacted(detector: Detector, text: str) -> list[tuple[str, str]]:
    (findings,) = detector.detect([text], ["fr"])
    return [(f.entity_type, text[f.start : f.end]) for f in resolve_overlaps(findings)]


def test_detector_finds_french_identifiers_in_a_letter(detector):
    nir_text, siret_text = nir.format(NIRS[1]), siret.format(SIRET)
    iban_text = iban.format(IBAN)
    text = (
        f"Madame, mon numéro de sécurité sociale est le {nir_text}. Notre société (SIRET : "
        f"{siret_text}) vous réglera par virement, IBAN : {iban_text}. Cordialement."
    )
    assert redacted(detector, text) == [
        ("FR_NIR", nir_text),
        ("FR_SIRET", siret_text),
        ("IBAN_CODE", iban_text),
    ]


@pytest.mark.parametrize(
    "template, form",
    [
        ("IBAN : {}", iban.format(IBAN)),
        ("Mon RIB : {}, merci de virer le loyer avant le 5.", IBAN),
        ("Veuillez verser la somme sur le compte {}.", iban.format(IBAN)),
        ("Coordonnées bancaires (IBAN) :{};", IBAN),
    ],
)
def test_presidio_iban_recognizer_finds_french_ibans_spaced_or_compact(detector, template, form):
    assert redacted(detector, template.format(form)) == [("IBAN_CODE", form)]


def test_siren_needs_a_context_word_to_pass_a_half_threshold(detector):
    with_context = f"SIREN : {siren.format(SIREN)}"
    without = f"Le dossier {SIREN} est clos."
    assert redacted(detector, with_context) == [("FR_SIREN", siren.format(SIREN))]
    assert redacted(detector, without) == []


def test_detector_reports_a_siret_once_as_siret(detector):
    text = f"Entreprise inscrite au registre, SIRET {SIRET}."
    (findings,) = detector.detect([text], ["fr"])
    assert [(f.entity_type, text[f.start : f.end]) for f in findings] == [("FR_SIRET", SIRET)]


def test_detector_drops_checksum_invalid_french_numbers(detector):
    text = (
        f"Numéro de sécurité sociale {nir.format(wrong_check_digit(NIRS[0]))}, SIREN "
        f"{siren.format(wrong_check_digit(SIREN))}, SIRET {wrong_check_digit(SIRET)}, IBAN "
        f"{wrong_check_digit(IBAN)}."
    )
    assert redacted(detector, text) == []
