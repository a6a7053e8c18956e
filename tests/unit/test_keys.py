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


def _first_use(home: str, name: str, start, out) -> None:
    import os

    os.environ["SCRUBLINE_HOME"] = home
    start.wait()
    try:
        out.put(resolve_key(name).material.hex())
    except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
        out.put(f"error: {type(exc).__name__}")


def test_many_processes_making_first_use_of_a_key_at_once_share_one_key(scrubline_home, monkeypatch):
    import multiprocessing

    monkeypatch.delenv("RACE_KEY", raising=False)
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(16), context.Queue()
    workers = [
        context.Process(target=_first_use, args=(str(scrubline_home), "RACE_KEY", start, out))
        for _ in range(16)
    ]
    for worker in workers:
        worker.start()
    found = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert not [f for f in found if f.startswith("error")], found
    assert len(set(found)) == 1
    assert resolve_key("RACE_KEY").material.hex() == found[0]
    assert sorted(p.name for p in (scrubline_home / "keys").iterdir()) == ["RACE_KEY"]  # no temp file left


def test_pseudonym_store_is_owner_only(scrubline_home):
    from redaction.anonymize import PseudonymStore

    store = PseudonymStore()
    store.number("k", "PERSON", "d" * 64)
    for path in scrubline_home.glob("pseudonyms.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
