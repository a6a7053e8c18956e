"""Names after form labels and honorifics and before possessives, from any country."""

from __future__ import annotations

import pytest

from redaction.detect import Detector
from redaction.policy import load_policy

from .test_recognizers import found

POLICIES = ("default.yaml", "gdpr-pseudonymize.yaml", "hipaa-safe-harbor.yaml")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Name: Khasbulat Shishani", ["Khasbulat Shishani"]),
        ("Directed By:    Tempeste Descoteaux", ["Tempeste Descoteaux"]),
        ("Customer Name: Ana Pérez", ["Ana Pérez"]),
        ("Contact: Tereza Čerkez", ["Tereza Čerkez"]),
        ("Nom : Hudobivnik Maho", ["Hudobivnik Maho"]),
        ("Vorname: Jürgen", ["Jürgen"]),
        ("Written by: ÉLODIE DUPRÉ", ["ÉLODIE DUPRÉ"]),
        ("Herr Müller ruft an", ["Müller"]),
        ("Dear Łukasz,", ["Łukasz"]),
        ("Hafþór's kid is here.", ["Hafþór"]),
        ("I met Smith's brother.", ["Smith"]),
    ],
)
def test_names_after_labels_honorifics_and_before_possessives(text, expected):
    assert found("salutation_name", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "That's home for me",
        "What's number one?",
        "Monday's appointment moved",
        "It's car time",
        "Status: Open",
        "Subject: Refund",
    ],
)
def test_contractions_days_and_labels_of_non_names_are_not_names(text):
    assert found("salutation_name", text) == []


@pytest.mark.parametrize("policy_file", POLICIES)
def test_possessive_names_are_removed_under_every_policy(repo, policy_file):
    detector = Detector(load_policy(repo / "policies" / policy_file))
    texts = ["I met Smith's brother.", "Hafþór's kid is here.", "Directed By:    Tempeste Descoteaux"]
    names = ["Smith", "Hafþór", "Tempeste Descoteaux"]
    for text, name, findings in zip(texts, names, detector.detect(texts, ["en"] * 3), strict=True):
        start = text.index(name)
        assert any(
            f.entity_type == "PERSON" and f.start <= start and start + len(name) <= f.end for f in findings
        ), (policy_file, text)


def test_a_user_agent_is_not_a_name():
    assert found("salutation_name", "User agent: Mozilla/5.0") == []
