from __future__ import annotations

import hashlib
import hmac
import sqlite3

import pytest

from redaction.anonymize import Anonymizer, PseudonymStore, decrypt_text, keyed_digest, policy_keys
from redaction.detect import Finding
from redaction.errors import SecretError
from redaction.keys import Key

from .helpers import make_policy

TEXT = "Call Jane Doe at 212-555-0143."
PERSON = Finding(5, 13, "PERSON", 0.85, "spacy")
PHONE = Finding(17, 29, "PHONE_NUMBER", 0.75, "phone")


def anonymizer(action: str, **options) -> Anonymizer:
    rule = {"threshold": 0.3, "action": action, **options}
    return Anonymizer(make_policy(entities={"PERSON": rule, "PHONE_NUMBER": rule}))


def test_replace_puts_a_typed_placeholder(scrubline_home):
    out, applied = anonymizer("replace").anonymize(TEXT, [PERSON, PHONE])
    assert out == "Call <PERSON> at <PHONE_NUMBER>."
    assert [(r.start, r.end, r.entity_type, r.action) for r in applied] == [
        (5, 13, "PERSON", "replace"),
        (17, 29, "PHONE_NUMBER", "replace"),
    ]


def test_replace_with_a_custom_placeholder(scrubline_home):
    out, _ = anonymizer("replace", placeholder="[{entity} removed]").anonymize(TEXT, [PERSON])
    assert out == "Call [PERSON removed] at 212-555-0143."


def test_redact_removes_the_text(scrubline_home):
    out, _ = anonymizer("redact").anonymize(TEXT, [PERSON, PHONE])
    assert out == "Call  at ."


def test_mask_overwrites_characters_per_options(scrubline_home):
    out, _ = anonymizer("mask").anonymize(TEXT, [PHONE])
    assert out == "Call Jane Doe at ************."
    out, _ = anonymizer("mask", masking_char="#", chars_to_mask=8, from_end=False).anonymize(TEXT, [PHONE])
    assert out == "Call Jane Doe at ########0143."


def test_hash_is_a_keyed_hmac_not_a_plain_digest(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_HASH_KEY", "11" * 32)
    out, _ = anonymizer("hash", digest_chars=64).anonymize(TEXT, [PERSON])
    digest = out[len("Call <PERSON:") :].split(">")[0]
    key = Key("SCRUBLINE_HASH_KEY", bytes.fromhex("11" * 32)).derive("hash")
    assert digest == keyed_digest(key, "PERSON", "Jane Doe")
    assert digest == hmac.new(key, b"PERSON\x00jane doe", hashlib.sha256).hexdigest()
    assert digest != hashlib.sha256(b"Jane Doe").hexdigest()
    monkeypatch.setenv("SCRUBLINE_HASH_KEY", "22" * 32)
    other, _ = anonymizer("hash", digest_chars=64).anonymize(TEXT, [PERSON])
    assert other != out


def test_pseudonyms_are_consistent_across_records_case_and_spacing(scrubline_home):
    anon = anonymizer("pseudonymize")
    a, _ = anon.anonymize(
        "Jane Doe met John Roe.", [Finding(0, 8, "PERSON", 0.9, "s"), Finding(13, 21, "PERSON", 0.9, "s")]
    )
    b, _ = anon.anonymize("JANE  DOE called.", [Finding(0, 9, "PERSON", 0.9, "s")])
    assert a == "<PERSON_1> met <PERSON_2>."
    assert b == "<PERSON_1> called."


def test_pseudonyms_survive_a_new_run_with_the_same_key(scrubline_home):
    first, _ = anonymizer("pseudonymize").anonymize(
        "Ann Lee and Bo Kim", [Finding(0, 7, "PERSON", 0.9, "s"), Finding(12, 18, "PERSON", 0.9, "s")]
    )
    # a new Anonymizer and a new store connection: what a second run gets
    second, _ = anonymizer("pseudonymize").anonymize("Bo Kim", [Finding(0, 6, "PERSON", 0.9, "s")])
    assert first == "<PERSON_1> and <PERSON_2>"
    assert second == "<PERSON_2>"


def test_a_different_key_gives_an_unlinkable_numbering(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "aa" * 32)
    anonymizer("pseudonymize").anonymize("Ann Lee", [Finding(0, 7, "PERSON", 0.9, "s")])
    anonymizer("pseudonymize").anonymize("Bo Kim", [Finding(0, 6, "PERSON", 0.9, "s")])
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "bb" * 32)
    out, _ = anonymizer("pseudonymize").anonymize("Bo Kim", [Finding(0, 6, "PERSON", 0.9, "s")])
    assert out == "<PERSON_1>"


def test_pseudonym_store_holds_keyed_digests_never_values(scrubline_home):
    anonymizer("pseudonymize").anonymize(TEXT, [PERSON])
    store = PseudonymStore()
    rows = sqlite3.connect(store.path).execute("SELECT key_id, entity, digest, n FROM pseudonyms").fetchall()
    assert len(rows) == 1
    dump = repr(rows) + store.path.read_bytes().decode("latin-1")
    assert "Jane" not in dump and "jane" not in dump
    assert hashlib.sha256(b"Jane Doe").hexdigest() not in dump
    assert hashlib.sha256(b"jane doe").hexdigest() not in dump


def test_encrypt_is_reversible_with_the_key_and_only_with_it(scrubline_home, monkeypatch):
    policy = make_policy(entities={"PERSON": {"action": "encrypt"}})
    out, applied = Anonymizer(policy).anonymize(TEXT, [PERSON])
    assert "Jane" not in out and out.startswith("Call <ENC:PERSON:")
    assert applied[0].action == "encrypt"
    key = policy_keys(policy, create=False)["encrypt"]
    assert decrypt_text(out, key) == TEXT
    monkeypatch.setenv("SCRUBLINE_ENCRYPTION_KEY", "cd" * 32)
    wrong = policy_keys(policy, create=False)["encrypt"]
    with pytest.raises(SecretError) as info:
        decrypt_text(out, wrong)
    assert "wrong key" in str(info.value)


def test_keep_leaves_the_text_and_reports_the_finding(scrubline_home):
    out, applied = anonymizer("keep").anonymize(TEXT, [PERSON])
    assert out == TEXT
    assert applied[0].action == "keep"


def test_overlapping_findings_become_one_redaction(scrubline_home):
    anon = anonymizer("replace")
    out, applied = anon.anonymize(TEXT, [PERSON, Finding(10, 13, "PHONE_NUMBER", 0.3, "x")])
    assert out == "Call <PERSON> at 212-555-0143."
    assert len(applied) == 1
