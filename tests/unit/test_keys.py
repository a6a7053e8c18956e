from __future__ import annotations

import stat

import pytest

from redaction.errors import SecretError
from redaction.keys import resolve_key


def test_environment_variable_wins(scrubline_home, monkeypatch):
    monkeypatch.setenv("MY_KEY", "ab" * 32)
    key = resolve_key("MY_KEY")
    assert key.material == bytes.fromhex("ab" * 32)
    assert not (scrubline_home / "keys" / "MY_KEY").exists()


def test_embedded_default_creates_an_owner_only_key_file_and_says_so(scrubline_home, monkeypatch, caplog):
    monkeypatch.delenv("MY_KEY", raising=False)
    key = resolve_key("MY_KEY")
    path = scrubline_home / "keys" / "MY_KEY"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "created key file" in caplog.text and "MY_KEY" in caplog.text
    assert key.material.hex() not in caplog.text
    assert resolve_key("MY_KEY").material == key.material


def test_missing_key_is_an_error_when_it_must_exist(scrubline_home, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(SecretError) as info:
        resolve_key("MY_KEY", create=False)
    assert "key MY_KEY not found: set the environment variable MY_KEY" in str(info.value)


def test_key_file_readable_by_others_is_refused(scrubline_home, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    resolve_key("MY_KEY")
    (scrubline_home / "keys" / "MY_KEY").chmod(0o644)
    with pytest.raises(SecretError, match="mode 0600"):
        resolve_key("MY_KEY")


def test_short_key_is_refused_without_echoing_it(scrubline_home, monkeypatch):
    monkeypatch.setenv("MY_KEY", "hunter2")
    with pytest.raises(SecretError) as info:
        resolve_key("MY_KEY")
    assert "too short" in str(info.value) and "hunter2" not in str(info.value)


def test_key_repr_never_shows_material(scrubline_home, monkeypatch):
    monkeypatch.setenv("MY_KEY", "ab" * 32)
    assert "abab" not in repr(resolve_key("MY_KEY"))
