"""Checks a run makes before any Prefect server starts: each names the problem and the fix."""

from __future__ import annotations

import pytest

from redaction.errors import InputError, MissingDependencyError, OutputError, SecretError
from redaction.policy import load_policy
from redaction.preflight import check_run


@pytest.fixture
def policy(default_policy_path):
    return load_policy(default_policy_path)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "body": "hello"}\n')
    return path


def test_a_good_run_passes_and_leaves_no_trace(tmp_path, policy, source, scrubline_home):
    out = tmp_path / "new" / "out"
    (found,) = check_run(policy, [source], out)
    assert found.path == str(source)
    assert not out.exists() and not (tmp_path / "new").exists()
    assert not scrubline_home.exists(), "a check creates no SCRUBLINE_HOME, key or log"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_an_output_path_under_a_file_is_named(tmp_path, policy, source, scrubline_home):
    (tmp_path / "file").write_text("x")
    with pytest.raises(
        OutputError, match=r"file/out: the output folder cannot be created .*choose another --out"
    ):
        check_run(policy, [source], tmp_path / "file" / "out")


def test_a_malformed_key_is_named_before_the_run(tmp_path, policy, source, scrubline_home, monkeypatch):
    monkeypatch.setenv("SCRUBLINE_AUDIT_KEY", "short")
    with pytest.raises(SecretError, match="environment variable SCRUBLINE_AUDIT_KEY: key is too short"):
        check_run(policy, [source], tmp_path / "out")


def test_a_key_file_others_can_read_is_named(tmp_path, policy, source, scrubline_home, monkeypatch):
    monkeypatch.delenv("SCRUBLINE_AUDIT_KEY", raising=False)
    keys = scrubline_home / "keys"
    keys.mkdir(parents=True)
    (keys / "SCRUBLINE_AUDIT_KEY").write_text("ab" * 32)
    (keys / "SCRUBLINE_AUDIT_KEY").chmod(0o644)
    with pytest.raises(SecretError, match="must be readable by its owner only"):
        check_run(policy, [source], tmp_path / "out")


def test_a_model_not_installed_is_named(tmp_path, policy, source, scrubline_home):
    languages = {"en": policy.languages["en"].model_copy(update={"model": "xx_not_a_model"})}
    with pytest.raises(MissingDependencyError, match="languages.en.model: spaCy model 'xx_not_a_model'"):
        check_run(policy.model_copy(update={"languages": languages}), [source], tmp_path / "out")


def test_a_missing_input_is_named(tmp_path, policy, scrubline_home):
    with pytest.raises(InputError, match="missing.jsonl: no such file or folder"):
        check_run(policy, [tmp_path / "missing.jsonl"], tmp_path / "out")


def test_the_recognizer_check_builds_once_per_policy_content_and_a_failure_every_time():
    from redaction import preflight
    from redaction.errors import PolicyError
    from tests.unit.helpers import make_policy

    good = make_policy()
    preflight._CHECKED_RECOGNIZERS.discard(good.content_hash())
    preflight.check_recognizers(good)
    assert good.content_hash() in preflight._CHECKED_RECOGNIZERS
    preflight.check_recognizers(make_policy())  # the same content, loaded again: already checked

    bad = make_policy(entities={"PASSPORT_OF_MARS": {"action": "replace"}})
    for _ in range(2):
        with pytest.raises(
            PolicyError, match="entities.PASSPORT_OF_MARS: no recognizer finds PASSPORT_OF_MARS"
        ):
            preflight.check_recognizers(bad)
    assert bad.content_hash() not in preflight._CHECKED_RECOGNIZERS
