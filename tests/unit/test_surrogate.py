"""The `surrogate` action: realistic, consistent fakes; partial person mentions linked in a record.

Real Faker, real Presidio (its anonymizer engine, and its analyzer with the spaCy models where
text is detected), real keys and files. Values come from Faker or are written for the test.
"""

from __future__ import annotations

import json
import re

import phonenumbers
import pytest
from faker import Faker
from stdnum import iban, luhn

from redaction.anonymize import Anonymizer, link_names
from redaction.detect import Finding
from redaction.keys import Key
from redaction.policy import PolicyError, load_policy, policy_from_dict
from redaction.surrogates import RESERVED_DOMAINS, NamePart, SurrogateMaker

from .helpers import BASE, make_policy

KEY = Key("SCRUBLINE_PSEUDONYM_KEY", bytes(range(32)))
OTHER_KEY = Key("SCRUBLINE_PSEUDONYM_KEY", bytes(range(1, 33)))


def maker(key: Key = KEY) -> SurrogateMaker:
    return SurrogateMaker(key, ("US", "GB", "FR"))


def surrogate_policy(**entities):
    rules = {
        e: {"threshold": 0.3, "action": "surrogate"} for e in ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS")
    }
    rules.update(entities)
    return make_policy(entities=rules)


def person(text: str, name: str, nth: int = 0) -> Finding:
    start = [m.start() for m in re.finditer(re.escape(name), text)][nth]
    return Finding(start, start + len(name), "PERSON", 0.9, "test")


# --- determinism and keys ------------------------------------------------------------------


def test_same_value_gets_the_same_surrogate_across_records_and_runs(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "ab" * 32)
    fake = Faker("en_US")
    fake.seed_instance(11)
    name = fake.name()
    first, _ = Anonymizer(surrogate_policy()).anonymize(f"Hi {name}!", [person(f"Hi {name}!", name)])
    # A new Anonymizer in a new process reads the same key: what a second run gets.
    again, _ = Anonymizer(surrogate_policy()).anonymize(
        f"{name.upper()} called", [person(f"{name.upper()} called", name.upper())]
    )
    assert first != f"Hi {name}!" and name not in first
    assert first[3:-1].upper() == again[: -len(" called")]


def test_different_keys_give_different_surrogates():
    fake = Faker("en_US")
    fake.seed_instance(3)
    values = [
        ("PERSON", fake.name()),
        ("EMAIL_ADDRESS", fake.email()),
        ("STREET_ADDRESS", fake.street_address()),
    ]
    values.append(("PHONE_NUMBER", "(415) 555-0172"))
    a, b = maker(KEY), maker(OTHER_KEY)
    assert [a.surrogate(t, v) for t, v in values] == [maker(KEY).surrogate(t, v) for t, v in values]
    assert all(a.surrogate(t, v) != b.surrogate(t, v) for t, v in values)
    assert a.shift_days != b.shift_days or a.shift_hours != b.shift_hours


def test_surrogate_policy_needs_the_pseudonym_key_and_stores_nothing(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "cd" * 32)
    out, applied = Anonymizer(surrogate_policy()).anonymize(
        "Call 020 7946 0958", [Finding(5, 18, "PHONE_NUMBER", 0.9, "test")]
    )
    assert out != "Call 020 7946 0958" and [r.action for r in applied] == ["surrogate"]
    assert not (scrubline_home / "pseudonyms.sqlite3").exists()


# --- shape and locale ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, region",
    [
        ("(415) 555-0172", "US"),
        ("+1 212-555-0143", "US"),
        ("020 7946 0958", "GB"),
        ("+44 7911 123456", "GB"),
        ("06 12 34 56 78", "FR"),
        ("+33 1 42 68 53 00", "FR"),
        ("01.45.22.33.44", "FR"),
    ],
)
def test_phone_surrogate_is_a_valid_number_of_the_same_region_type_and_format(value, region):
    fake = maker().surrogate("PHONE_NUMBER", value, "fr" if region == "FR" else "en")
    original = phonenumbers.parse(value, region)
    parsed = phonenumbers.parse(fake, region)
    assert phonenumbers.is_valid_number(parsed), fake
    assert phonenumbers.region_code_for_number(parsed) == phonenumbers.region_code_for_number(original)
    assert phonenumbers.number_type(parsed) == phonenumbers.number_type(original)
    assert parsed.national_number != original.national_number
    assert (
        parsed.national_number
        != phonenumbers.example_number_for_type(region, phonenumbers.number_type(original)).national_number
    )
    assert re.sub(r"\d", "9", fake) == re.sub(r"\d", "9", value)  # separators and length kept


def test_phone_surrogates_use_fiction_ranges_where_phonenumbers_accepts_them():
    assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", maker().surrogate("PHONE_NUMBER", "(415) 867-5309"))
    assert maker().surrogate("PHONE_NUMBER", "020 3946 1234").startswith("020 7946 0")
    assert maker().surrogate("PHONE_NUMBER", "01 42 68 53 00", "fr")[:5] in {
        "01 99",
        "02 61",
        "03 53",
        "04 65",
        "05 36",
    }


def test_iban_surrogate_validates_and_keeps_country_and_layout():
    for value in (
        "FR76 3000 6000 0112 3456 7890 189",
        "GB82WEST12345698765432",
        "DE89 3704 0044 0532 0130 00",
    ):
        fake = maker().surrogate("IBAN_CODE", value)
        assert iban.is_valid(fake), fake
        assert fake[:2] == value[:2] and fake != value
        assert re.sub(r"\w", "x", fake) == re.sub(r"\w", "x", value)


def test_card_surrogate_is_a_luhn_valid_test_card_of_the_same_brand_and_layout():
    for value in ("4539 1488 0343 6467", "5500-0000-0000-0004", "378282246310005"):
        fake = maker().surrogate("CREDIT_CARD", value)
        digits = re.sub(r"\D", "", fake)
        assert luhn.is_valid(digits) and digits[0] == value[0] and fake != value
        assert re.sub(r"\d", "9", fake) == re.sub(r"\d", "9", value)
    assert maker().surrogate("CREDIT_CARD", "4539 1488 0343 6467").startswith("4242 42")


def test_email_surrogate_is_at_a_reserved_domain():
    fake = Faker("fr_FR")
    fake.seed_instance(5)
    for value in (fake.email(), "jean.dupont42@orange.fr", "X_Y@corp.example"):
        made = maker().surrogate("EMAIL_ADDRESS", value, "fr")
        local, domain = made.split("@")
        assert domain in RESERVED_DOMAINS and re.fullmatch(r"[a-z0-9._-]+", local) and made != value
    assert re.fullmatch(
        r"[a-z]+\.[a-z]+\d\d@example\.(com|org|net)", maker().surrogate("EMAIL_ADDRESS", "ann.lee42@x.io")
    )


def test_dates_shift_by_one_keyed_number_of_days_and_keep_their_format():
    from datetime import date, timedelta

    m = maker()
    shift = timedelta(days=m.shift_days)
    assert abs(m.shift_days) >= 30
    new = date(2024, 3, 5) + shift
    assert m.surrogate("DATE_TIME", "2024-03-05") == new.isoformat()
    assert m.surrogate("DATE_TIME", "03/05/2024", "en") == f"{new.month:02d}/{new.day:02d}/{new.year}"
    assert m.surrogate("DATE_TIME", "05/03/2024", "fr") == f"{new.day:02d}/{new.month:02d}/{new.year}"
    english = m.surrogate("DATE_TIME", "March 5, 2024")
    assert english == f"{new.strftime('%B')} {new.day}, {new.year}"
    french = m.surrogate("DATE_TIME", "5 mars 2024", "fr")
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    assert french == f"{new.day} {months[new.month - 1]} {new.year}"
    years = round(m.shift_days / 365) or (1 if m.shift_days > 0 else -1)
    assert m.surrogate("DATE_TIME", "born in 1984") == f"born in {1984 + years}"
    assert m.surrogate("DATE_TIME", "yesterday") == "yesterday"  # nothing to shift: not a date
    assert m.surrogate("DATE_TIME", "10:30") == f"{(10 + m.shift_hours) % 24:02d}:30"
    # Intervals survive: two dates ten days apart are still ten days apart.
    a, b = m.surrogate("DATE_TIME", "2024-01-01"), m.surrogate("DATE_TIME", "2024-01-11")
    assert (date.fromisoformat(b) - date.fromisoformat(a)).days == 10


def test_person_surrogate_keeps_case_honorific_initials_and_script():
    m = maker()
    fake = Faker("en_US")
    fake.seed_instance(8)
    first, last = fake.first_name_female(), fake.last_name()
    full = m.surrogate("PERSON", f"{first} {last}")
    assert len(full.split()) == 2 and full.split()[0] != first and full.split()[1] != last
    assert m.surrogate("PERSON", f"{first} {last}".upper()) == full.upper()
    assert m.surrogate("PERSON", f"Dr. {last}").startswith("Dr. ")
    initial = m.surrogate("PERSON", f"{first[0]}. {last}")
    assert initial == f"{initial[0]}. {full.split()[1]}"  # the same family name as the full name
    russian = m.surrogate("PERSON", "Иван Петров")
    assert all("CYRILLIC" in __import__("unicodedata").name(c) for c in russian if c.isalpha())


def test_typed_fallback_keeps_the_shape_of_types_with_no_generator():
    made = maker().surrogate("US_SSN", "123-45-6789")
    assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", made) and made != "123-45-6789"
    assert maker().surrogate("IP_ADDRESS", "10.1.2.3").startswith(("192.0.2.", "198.51.100.", "203.0.113."))


# --- partial mentions ----------------------------------------------------------------------

TEXT = "John Smith wrote in. Mr. Smith wants a refund. John will call back."


def findings_of(text: str, names: list[tuple[str, int]]) -> list[Finding]:
    return [person(text, name, nth) for name, nth in names]


def test_partial_mentions_get_the_full_names_pseudonym(scrubline_home):
    anon = Anonymizer(make_policy(entities={"PERSON": {"threshold": 0.3, "action": "pseudonymize"}}))
    found = findings_of(TEXT, [("John Smith", 0), ("Smith", 1), ("John", 1)])
    links = anon.link_names([TEXT], [found])
    out, _ = anon.anonymize(TEXT, found, links=links)
    assert out == "<PERSON_1> wrote in. Mr. <PERSON_1> wants a refund. <PERSON_1> will call back."


def test_partial_mentions_get_the_parts_of_the_full_names_surrogate(scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "ef" * 32)
    anon = Anonymizer(surrogate_policy())
    found = findings_of(TEXT, [("John Smith", 0), ("Mr. Smith", 0), ("John", 1)])
    out, applied = anon.anonymize(TEXT, found, links=anon.link_names([TEXT], [found]))
    given, family = out.split(" wrote in.")[0].split()
    assert f"Mr. {family} wants a refund. {given} will call back." in out
    assert "John" not in out and "Smith" not in out
    # Where each surrogate stands in the new text: what queue items mark.
    assert [out[r.new_start : r.new_end] for r in applied] == [f"{given} {family}", f"Mr. {family}", given]


def test_a_first_name_shared_by_two_full_names_links_to_neither():
    links = link_names(["John Smith", "John Doe", "John", "Mr. Doe"])
    assert "john" not in links
    assert links["mr. doe"] == NamePart("John Doe", (1,))


def test_a_title_of_the_other_gender_does_not_link():
    links = link_names(["John Smith", "Mrs. Smith", "Mr Smith", "JOHN"])
    assert "mrs. smith" not in links
    assert links["mr smith"] == NamePart("John Smith", (1,)) and links["john"] == NamePart("John Smith", (0,))


def test_a_middle_length_name_links_through_to_the_longest():
    links = link_names(["Mary Ann Jones", "Mary Jones", "Jones"])
    assert links["mary jones"] == NamePart("Mary Ann Jones", (0, 2))
    assert links["jones"] == NamePart("Mary Ann Jones", (2,))


def test_links_span_the_texts_of_a_record_with_real_detection(
    scrubline_home, monkeypatch, default_policy_path
):
    from redaction.redactor import TextRedactor

    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "12" * 32)
    policy = load_policy(default_policy_path.parent / "surrogate.yaml")
    texts = ["Ticket from Daniel Whitaker about his order.", "Mr. Whitaker says the box was damaged."]
    (outcome,) = TextRedactor(policy).redact([texts], ["en"])
    assert not outcome.failed
    first, second = outcome.texts
    assert "Whitaker" not in first + second
    family = first.split("Ticket from ")[1].split(" about")[0].split()[-1]
    assert second.startswith(f"Mr. {family} says")


# --- policy, queues, audit, logs -------------------------------------------------------------


def test_surrogate_takes_no_placeholder_option(tmp_path):
    data = json.loads(json.dumps(BASE))
    data["entities"]["PERSON"] = {"action": "surrogate", "placeholder": "<X>"}
    with pytest.raises(PolicyError, match="placeholder does not apply to action 'surrogate'"):
        policy_from_dict(data, "unit-policy")


def test_shipped_surrogate_policy_uses_surrogates_with_defaults_detection(default_policy_path):
    default = load_policy(default_policy_path)
    policy = load_policy(default_policy_path.parent / "surrogate.yaml")
    swapped = {"PERSON", "STREET_ADDRESS", "LOCATION", "PHONE_NUMBER", "EMAIL_ADDRESS", "DATE_TIME"}
    assert {e for e, r in policy.entities.items() if r.action.value == "surrogate"} == swapped
    assert policy.detection == default.detection and policy.coded_recognizers == default.coded_recognizers
    assert {e: r.threshold for e, r in policy.entities.items()} == {
        e: r.threshold for e, r in default.entities.items()
    }


def test_queue_items_mark_surrogate_spans_and_audit_and_logs_hold_no_value(
    tmp_path, scrubline_home, monkeypatch, caplog, default_policy_path
):
    from redaction.audit.events import _redaction_body
    from redaction.io import discover_inputs, read_batches
    from redaction.pipeline import BatchRedactor
    from redaction.queues.items import SURROGATES_COLUMN, ItemBuilder
    from redaction.routing import Router

    monkeypatch.setenv("SCRUBLINE_PSEUDONYM_KEY", "34" * 32)
    caplog.set_level("DEBUG")
    policy = load_policy(default_policy_path.parent / "surrogate.yaml")
    fake = Faker("en_US")
    fake.seed_instance(21)
    name, email = fake.name(), fake.free_email()
    record = {"id": "1", "subject": f"Refund for {name}", "body": f"Write to {email} or call (415) 555-0172."}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n")
    (batch,) = read_batches(discover_inputs([source])[0], 10, "id")
    result = BatchRedactor(policy).redact(batch)
    (row,) = result.rows
    assert name not in json.dumps(row) and email not in json.dumps(row)
    marks = json.loads(row[SURROGATES_COLUMN])
    assert {m[3] for m in marks} >= {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    row["_queue"] = (
        Router(policy.routing, policy).route(row, result.redacted[0].redactions, str(source)).queue
    )
    (item,) = ItemBuilder(policy).build([row], id_field="id", source_id="s", batch_key="s-0")
    marked = {(item.text[s.start : s.end], s.label) for s in item.spans}
    surrogate_name = row["subject"].removeprefix("Refund for ")
    assert (surrogate_name, "REDACTED:PERSON") in marked
    assert any(label == "REDACTED:EMAIL_ADDRESS" and "@example." in text for text, label in marked)
    bodies = json.dumps([_redaction_body(path, r) for path, r in result.redacted[0].redactions])
    assert '"action": "surrogate"' in bodies
    for value in (name, email, "555-0172", surrogate_name):
        assert value not in bodies and value not in caplog.text


def test_evaluation_counts_a_surrogate_as_a_removal(scrubline_home, default_policy_path):
    from redaction.evaluate import evaluate_policy
    from tests.data.generators import generate_labelled

    records = generate_labelled(12, seed=4, part="tuning", language="en")
    placeholders = evaluate_policy(records, load_policy(default_policy_path))
    surrogates = evaluate_policy(records, load_policy(default_policy_path.parent / "surrogate.yaml"))
    for entity in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS"):
        if placeholders.coverage(entity).spans:
            assert surrogates.fully_removed_share(entity) == placeholders.fully_removed_share(entity)
    assert surrogates.pii_coverage().fully_removed >= placeholders.pii_coverage().fully_removed > 0
