from __future__ import annotations

import pytest

from redaction.recognizers import get, registered
from redaction.recognizers.payment_card import luhn_valid


def found(name: str, text: str) -> list[str]:
    recognizer = get(name)()
    return [text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities)]


def test_registry_is_explicit_and_named():
    assert set(registered()) == {
        "street_address",
        "payment_card",
        "driver_licence",
        "salutation_name",
        "fr_nir",
        "fr_siren",
        "fr_siret",
        "name_lexicon",
        "postal_code",
        # clinical notes (tests/unit/test_recognizers_clinical.py)
        "clinical_dates",
        "age_over_89",
        "pager",
        "facility",
        "town",
        "clinician_name",
        "medical_record_number",
        "account_number",
        "health_plan_number",
        "licence_number",
        "device_serial",
        "vehicle_id",
        "full_url",
        "world_phone",
        # French clinical notes (tests/unit/test_recognizers_fr_clinical.py)
        "fr_clinician_name",
        "fr_internal_phone",
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He lives at 1234 Maple Grove Ave, Suite 5, Boston.", "1234 Maple Grove Ave, Suite 5, Boston"),
        ("Flat 12, 5 Chamberlain Mall, London", "Flat 12, 5 Chamberlain Mall, London"),
        ("ship to 55 W 5th St", "55 W 5th St"),
        ("742 Evergreen TERRACE apt 3b", "742 Evergreen TERRACE apt 3b"),
        ("PO Box 1234", "PO Box 1234"),
    ],
)
def test_street_addresses_are_found(text, expected):
    assert expected in found("street_address", text)


@pytest.mark.parametrize("text", ["I ran 5 miles at 3 pm on the way", "about 20 people park here"])
def test_ordinary_phrases_with_numbers_are_not_addresses(text):
    assert found("street_address", text) == []


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1111", "2221-0000-0000-0009", "378282246310005", "5555555555554444"]
)
def test_luhn_valid_cards_from_every_network_are_found(number):
    assert found("payment_card", f"card {number} on file") == [number]


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "2800 0000 0000 0006", "1111 1111 1111 1117"])
def test_checksum_invalid_or_unknown_issuer_numbers_do_not_match(number):
    assert found("payment_card", f"card {number} on file") == []


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dear Ada Pryce,\nthanks for writing", ["Ada Pryce"]),
        ("Thanks,\nMarcus O'Neill", ["Marcus O'Neill"]),
        ("Best regards,\n  Jean-Luc McDonald\nAcme Inc", ["Jean-Luc McDonald"]),
        ("Pt: Jonas Weber, 54y, follow-up", ["Jonas Weber"]),
        ("hey Maria, any news?", ["Maria"]),
        ("Mr. Smith called twice", ["Smith"]),
        ("Name: Li Wei\nPhone: none", ["Li Wei"]),
    ],
)
def test_names_after_greetings_honorifics_labels_and_sign_offs(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text", ["Hi team, the build is green", "Regards,\nSupport", "Hello there", "Dear Customer,"]
)
def test_greetings_to_groups_or_roles_are_not_names(text):
    assert found("salutation_name", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BEFORE: MR JUSTICE OKONKWO-BELL", ["OKONKWO-BELL"]),
        ("Lady Justice Nakamura refused the application.", ["Nakamura"]),
        ("Mrs Justice McGowan refused", ["McGowan"]),
        ("HHJ Wiśniewska made the order", ["Wiśniewska"]),
        ("Lord Hoffmann agreed.", ["Hoffmann"]),
        ("1. Castellanos J: This is an appeal", ["Castellanos"]),
        ("as was said per Oyelaran LJ, the test", ["Oyelaran"]),
        ("Smith J held that the claim failed", ["Smith"]),
        ("R v Adeyemi\n[2021] EWCA Crim 12", ["Adeyemi"]),
    ],
)
def test_judges_and_crown_defendants_in_judgments_are_names(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See Appendix J, then Part J.",
        "The Lord Chancellor said so.",
        "Judge Advocate General",
        "R v the Secretary of State",
        "Vitamin J, Schedule J",
    ],
)
def test_judicial_words_without_a_name_are_not_names(text):
    assert found("salutation_name", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[10:32] tnakagawa: pushed the fix", ["tnakagawa"]),
        ("[09:01:22] ines.q: ok", ["ines.q"]),
        ("7:38 PM - Oluwaseun Bakare: see you there", ["Oluwaseun Bakare"]),
        ("<Kenji> brb", ["Kenji"]),
    ],
)
def test_chat_speakers_after_a_timestamp_or_in_angle_brackets_are_names(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12:30 meeting: room 4",
        "[10:32] system: build ok",
        "[10:43] agent: can i get your number",
        "<br> tag",
        "10:30: start",
        "at 10:30 - Status: ok",
    ],
)
def test_timestamps_and_tags_without_a_speaker_are_not_names(text):
    assert found("salutation_name", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("DL# 12345678", "12345678"),
        ("ssn on file | dl 58322370 | check pending", "58322370"),
        ("my driver's license is A123-4567-8901.", "A123-4567-8901"),
        ("license number D1234567", "D1234567"),
    ],
)
def test_labelled_driver_licence_numbers_are_found_without_their_label(text, expected):
    assert found("driver_licence", text) == [expected]


@pytest.mark.parametrize("text", ["licence no. 123", "the license agreement", "DL is down"])
def test_short_or_missing_licence_numbers_do_not_match(text):
    assert found("driver_licence", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"Jason Taylor","Flat 19A"', ["Jason Taylor"]),
        ("the account is in the name of philip r. morris lol", ["philip r. morris"]),
        ("[10:43] kayla: +1 312 555 0189", ["kayla"]),
        ("Josephine A. Davies (billing)", ["Josephine A. Davies"]),
        ("DUPONT Jean a appelé", ["DUPONT Jean"]),
        ("Élodie AUGER;premium", ["Élodie AUGER"]),
        ("Next of kin June Turner, by phone", ["June Turner"]),
        ("Medication review for Randall Haynes. Denies chest pain", ["Randall Haynes"]),
        ("you are chatting with carol. great", ["carol"]),
    ],
)
def test_lexicon_names_in_any_casing_with_their_surnames(text, expected):
    assert found("name_lexicon", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will you call me back?",
        "We moved it to June 5",
        "I can help my son",
        "IBAN FR76 3000 6000",
        "Mél : a@b.fr",
    ],
)
def test_words_that_are_also_names_are_not_names_alone(text):
    assert found("name_lexicon", text) == []


@pytest.mark.parametrize(
    "text",
    [
        "CASE DISCUSSED W/ TEAM; FLOOR OVERNIGHT IF STABLE.",
        "PT TO FLOOR OVERNIGHT. MAE, ASA HELD, AMBULATES W/ WALKER.",
        "npo, prn pain. floor overnight, brady to 50s, peg clamped.",
        "moved to the floor overnight, stable. Family aware, Plan discussed.",
    ],
)
def test_ward_words_that_are_first_names_are_no_names_in_a_caseless_note(text):
    assert found("name_lexicon", text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mae Ross called re: dispo. NPO, PRN, IV.", ["Mae Ross"]),
        ("DEAR MAE, THANK YOU FOR THE CARDS.", ["MAE"]),
        ("Floor Jansen sings tonight", ["Floor Jansen"]),
        ("mae ross called me back", ["mae ross"]),
    ],
)
def test_those_words_stay_names_in_title_case_after_a_cue_or_outside_a_note(text, expected):
    assert found("name_lexicon", text) == expected
