"""Detection on clinical notes: spaCy's findings tidied before Presidio merges them (every
policy), the HIPAA policy's clinical recognizers end to end, and the clinical tuning generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.detect import Detector, Finding, _tidy_ner_findings
from redaction.policy import Action, load_policy
from redaction.redactor import TextRedactor
from tests.data.tuning.clinical import KINDS, generate_clinical

from .helpers import make_policy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hipaa():
    return load_policy(REPO / "policies" / "hipaa-safe-harbor.yaml")


@pytest.fixture(scope="module")
def hipaa_redactor(hipaa):
    return TextRedactor(hipaa, keys={})


def redact(redactor, text: str) -> str:
    (outcome,) = redactor.redact([[text]], ["en"])
    assert not outcome.failed
    return outcome.texts[0]


def test_a_name_after_an_honorific_in_a_label_line_is_kept_as_a_name():
    text = "Dr. Toolis made aware: K 3.2"
    tidied = _tidy_ner_findings(text, [Finding(4, 10, "PERSON", 0.85, "SpacyRecognizer")])
    assert [(text[f.start : f.end]) for f in tidied] == ["Toolis"]
    # a real form label still goes
    label = "Titulaire : compte"
    assert _tidy_ner_findings(label, [Finding(0, 9, "PERSON", 0.85, "SpacyRecognizer")]) == []


@pytest.mark.parametrize("policy_file", ["default.yaml", "hipaa-safe-harbor.yaml", "gdpr-pseudonymize.yaml"])
def test_names_found_in_a_label_line_are_removed_under_every_policy(policy_file):
    policy = load_policy(REPO / "policies" / policy_file)
    detector = Detector(policy)
    for text in ["Dr. Toolis made aware: K 3.2", "Dr. Toolis: made aware"]:
        (findings,) = detector.detect([text])
        assert any(f.entity_type == "PERSON" and text[f.start : f.end] == "Toolis" for f in findings), text


def test_a_rule_finding_inside_a_spacy_span_survives_the_spacy_span_being_dropped():
    # spaCy's PERSON covers the whole label "Dr. Toolis made" and the label rule drops it; the
    # salutation recognizer's "Toolis" inside it must not have been merged away by Presidio.
    policy = make_policy(coded_recognizers=["salutation_name"])
    detector = Detector(policy)
    text = "Dr. Toolis made aware: K 3.2"
    (findings,) = detector.detect([text])
    assert "Toolis" in {text[f.start : f.end] for f in findings if f.entity_type == "PERSON"}


def test_clinical_vocabulary_drops_spacy_shorthand_only_when_the_policy_says_so(hipaa):
    text = "BP 120/80, Foley draining, MAE, INR 1.2, Zofran 4 mg given today."
    (clinical,) = Detector(hipaa).detect([text])
    assert not [f for f in clinical if f.recognizer == "SpacyRecognizer"]
    assert hipaa.detection.clinical_vocabulary
    assert not load_policy(REPO / "policies" / "default.yaml").detection.clinical_vocabulary


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        ("DR RIZZO IN TO TALK WITH PT", ["RIZZO"], ["PT", "TALK"]),
        ("spoke w/dr vasquez re plan", ["vasquez"], ["plan"]),
        ("TRANSFER FROM CALVERT HOSPITAL. Pager #54321", ["CALVERT", "54321"], ["TRANSFER", "Pager"]),
        ("ADMITTED TO HOSPITAL 9/3/97. S/P MI '92. F/U 7/24", ["9/3/97", "'92", "7/24"], ["ADMITTED", "F/U"]),
        ("Pt is 93 y/o F, lives alone in Revere", ["93", "Revere"], ["lives"]),
        ("MRN: 00123456, Medicaid # AB123456C", ["00123456", "AB123456C"], ["MRN", "Medicaid"]),
        (
            "BP 120/80 HR 88, Percocet 5/325, GCS 15, K 3.9, POD#2, NPO, PRN",
            [],
            ["120/80", "5/325", "GCS 15", "K 3.9", "POD#2", "NPO", "PRN"],
        ),
    ],
)
def test_hipaa_policy_removes_clinical_identifiers_and_keeps_shorthand(hipaa_redactor, text, gone, kept):
    out = redact(hipaa_redactor, text)
    for value in gone:
        assert value not in out, (value, out)
    for value in kept:
        assert value in out, (value, out)


@pytest.mark.parametrize(
    "text, gone, kept",
    [
        ("FAX: 617-555-0101", ["617", "0101"], ["FAX:"]),
        ("outside records (fax 617-555-0101) reviewed", ["617-555-0101"], ["(fax ", "reviewed"]),
        ("Records faxed to (508) 555-0123.", ["508", "0123"], ["faxed to"]),
        ("medicaid id 12345678", ["12345678"], ["medicaid id"]),
        ("Member no. W123456789", ["W123456789"], ["Member no."]),
        ("account# 1234567", ["1234567"], ["account#"]),
        ("fax machine down x2 days, no. 12 bed, ID following", [], ["fax machine", "x2", "no. 12", "ID"]),
    ],
)
def test_hipaa_fax_and_id_patterns_remove_the_number_and_keep_its_label(hipaa_redactor, text, gone, kept):
    out = redact(hipaa_redactor, text)
    for value in gone:
        assert value not in out, (value, out)
    for value in kept:
        assert value in out, (value, out)


@pytest.mark.parametrize(
    "text, value",
    [
        ("Pt in rm 4102, door closed.", "4102"),
        ("MOVED TO ROOM 412 OVERNIGHT.", "412"),
        ("Next dose due at 1730.", "1730"),
        ("UNIT 5 BED 12, HANDOFF AT 1900.", "1900"),
        ("ABG 7.38/40/90 on current settings.", "7.38/40/90"),
        ("MRN 1234567. pt seen.", "1234567"),
        ("Vent settings AC 500 x 14. Ratio 1:1 nursing overnight.", "1:1"),
        ("INSULIN SS PER PROTOCOL, FS 180S.", "180S"),
    ],
)
def test_spacy_dates_that_are_rooms_times_gases_or_id_digits_are_dropped(hipaa, text, value):
    (findings,) = Detector(hipaa).detect([text])
    assert not [f for f in findings if f.entity_type == "DATE_TIME" and value in text[f.start : f.end]]


@pytest.mark.parametrize(
    "text, value",
    [
        ("in 2019 had MI; since 2004.", "2019"),
        ("in 2019 had MI; since 2004.", "2004"),
        ("DOB 19450312.", "19450312"),
        ("ADMITTED TO HOSPITAL 9/3/97.", "9/3/97"),
        ("seen at 10:30 today", "10:30"),
    ],
)
def test_years_and_dates_stay_dates(hipaa, text, value):
    (findings,) = Detector(hipaa).detect([text])
    assert [f for f in findings if f.entity_type == "DATE_TIME" and text[f.start : f.end] == value]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("hob > 30 degrees, vap bundle in place.", ["hob", "vap bundle"]),
        ("UNIT 5 BED 12, HANDOFF AT 1900.", ["HANDOFF", "1900", "BED 12"]),
        ("TF Jevity @ 60 cc/hr, residuals < 50.", ["TF Jevity"]),
        ("Pt in rm 4102, door closed.", ["rm 4102"]),
        ("pt lives in lake gregory last yr. general appearance: nad", ["last yr", "appearance"]),
    ],
)
def test_hipaa_policy_keeps_ward_shorthand_spacy_took_for_names(hipaa_redactor, text, kept):
    out = redact(hipaa_redactor, text)
    for value in kept:
        assert value in out, (value, out)


def test_hipaa_policy_maps_every_safe_harbor_kind_to_a_removing_entity(hipaa):
    text = (REPO / "policies" / "hipaa-safe-harbor.yaml").read_text(encoding="utf-8")
    for number in range(1, 19):
        assert f"\n# {number:>2} " in text, number
    for entity in ["FACILITY", "LOCATION", "DATE_TIME", "AGE_OVER_89", "MEDICAL_LICENSE", "PHONE_NUMBER"]:
        assert hipaa.entities[entity].action is not Action.KEEP
    for name in ["clinical_dates", "age_over_89", "pager", "facility", "town", "clinician_name", "full_url"]:
        assert name in hipaa.coded_recognizers


def test_clinical_generator_is_deterministic_and_its_spans_exact():
    first, again = generate_clinical(40, seed=5), generate_clinical(40, seed=5)
    assert first == again
    kinds = set()
    for record in first:
        for span in record["spans"]:
            value = record["text"][span["start"] : span["end"]]
            assert value and value == value.strip()
            kinds.add(span["type"])
    assert kinds <= set(KINDS)
    assert {"NAME", "DATE", "PHONE"} <= kinds
    assert {r["style"] for r in first} == {"icu_caps", "nursing", "discharge"}
