from __future__ import annotations

import datetime as dt

import pytest

from redaction.fields import FieldPlan, display_path, field_entity, fill_record, hinted_span, split_record
from redaction.policy import FieldRules


def plan(**rules) -> FieldPlan:
    return FieldPlan(FieldRules(**rules))


def scanned_paths(record, **rules):
    copy, slots, dropped = split_record(record, plan(**rules))
    return copy, {display_path(s.path): s.text for s in slots}, dropped


def test_unlisted_string_field_is_scanned():
    _, slots, _ = scanned_paths({"id": "1", "surprise": "call 555"}, keep=["priority"])
    assert slots == {"surprise": "call 555"}


def test_kept_field_passes_and_id_is_never_scanned():
    copy, slots, _ = scanned_paths({"id": "a@b.c", "priority": "high", "body": "x"}, keep=["priority"])
    assert slots == {"body": "x"}
    assert copy["priority"] == "high" and copy["id"] == "a@b.c"


def test_dropped_field_is_removed_and_counted():
    copy, slots, dropped = scanned_paths({"id": "1", "ssn": "078-05-1120", "body": "x"}, drop=["ssn"])
    assert "ssn" not in copy and dropped == 1 and "ssn" not in slots


def test_nested_strings_are_scanned_recursively_with_their_paths():
    record = {"id": "1", "customer": {"name": "Ann", "notes": ["a", {"deep": "b"}]}}
    _, slots, _ = scanned_paths(record)
    assert slots == {"customer.name": "Ann", "customer.notes[0]": "a", "customer.notes[1].deep": "b"}


def test_nested_values_are_dropped_in_drop_mode_unless_listed_for_scan():
    record = {"id": "1", "customer": {"name": "Ann"}, "thread": ["hi"]}
    copy, slots, dropped = scanned_paths(record, nested="drop", scan=["thread"])
    assert "customer" not in copy and dropped == 1
    assert slots == {"thread[0]": "hi"}


def test_dotted_rules_reach_into_nested_objects():
    record = {"id": "1", "meta": {"source": "web", "ip": "10.0.0.1"}}
    copy, slots, _ = scanned_paths(record, keep=["meta.source"])
    assert slots == {"meta.ip": "10.0.0.1"}
    assert copy["meta"]["source"] == "web"


def test_numbers_and_dates_are_scanned_as_text_booleans_are_not():
    record = {"id": "1", "phone": 2125550143, "born": dt.date(1990, 1, 2), "vip": True, "none": None}
    _, slots, _ = scanned_paths(record)
    assert slots == {"phone": "2125550143", "born": "1990-01-02"}


def test_bytes_cannot_be_scanned_and_are_removed():
    copy, slots, dropped = scanned_paths({"id": "1", "blob": b"Ann Lee"})
    assert copy["blob"] is None and dropped == 1 and not slots


def test_fill_record_writes_redacted_values_at_their_paths():
    record = {"id": "1", "customer": {"notes": ["Ann called"]}, "body": "Ann"}
    copy, slots, _ = split_record(record, plan())
    out = fill_record(copy, slots, ["<P> called", "<P>"])
    assert out == {"id": "1", "customer": {"notes": ["<P> called"]}, "body": "<P>"}
    assert record["customer"]["notes"] == ["Ann called"]  # the input is not modified


@pytest.mark.parametrize(
    "path, entity",
    [
        (("customer", "name"), "PERSON"),
        (("customerName",), "PERSON"),
        (("contact", "first_name"), "PERSON"),
        (("client", "nom"), "PERSON"),
        (("billing-address",), "STREET_ADDRESS"),
        (("shipping", "street"), "STREET_ADDRESS"),
        (("adresse",), "STREET_ADDRESS"),
        (("city",), "LOCATION"),
        (("ville",), "LOCATION"),
        (("street_name",), "STREET_ADDRESS"),
        (("contact", "tel"), "PHONE_NUMBER"),
        (("TEL_2",), "PHONE_NUMBER"),
        (("telefon",), "PHONE_NUMBER"),
        (("mobile",), "PHONE_NUMBER"),
        (("email",), "EMAIL_ADDRESS"),
        (("phones", 0), None),  # plural list names say nothing of one item
        (("product_name",), None),
        (("company name",), None),
        (("username",), None),
        (("customer", "notes"), None),
        (("title",), None),
        (("status",), None),
    ],
)
def test_field_names_say_what_short_values_hold(path, entity):
    assert field_entity(path) == entity


def test_slots_carry_the_type_their_field_name_says():
    record = {"id": "1", "customer": {"name": "Maho Hudobivnik", "notes": "hi"}, "tel": 447700355251}
    _, slots, _ = split_record(record, plan())
    assert {display_path(s.path): s.hint for s in slots} == {
        "customer.name": "PERSON",
        "customer.notes": None,
        "tel": "PHONE_NUMBER",
    }


@pytest.mark.parametrize(
    "text, entity, span",
    [
        (" Maho Hudobivnik ", "PERSON", "Maho Hudobivnik"),
        (
            "9874 Nurme 2 Suite 174, Worthington, OH",
            "STREET_ADDRESS",
            "9874 Nurme 2 Suite 174, Worthington, OH",
        ),  # noqa: E501
        ("+44 7700 355251", "PHONE_NUMBER", "+44 7700 355251"),
        ("Worthington", "LOCATION", "Worthington"),
        ("maho@example.org", "EMAIL_ADDRESS", "maho@example.org"),
    ],
)
def test_a_short_value_shaped_like_its_field_is_taken_whole(text, entity, span):
    start, end = hinted_span(text, entity)
    assert text[start:end] == span


@pytest.mark.parametrize(
    "text, entity",
    [
        ("I am not sure what name to put in this box here", "PERSON"),  # a sentence: detection's job
        ("Order 12345", "PERSON"),
        ("", "PERSON"),
        ("call me later", "PHONE_NUMBER"),
        ("not an address at all", "EMAIL_ADDRESS"),
    ],
)
def test_values_not_shaped_like_their_field_are_left_to_detection(text, entity):
    assert hinted_span(text, entity) is None
