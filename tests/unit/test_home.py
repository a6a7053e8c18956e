"""Where state lives: SCRUBLINE_HOME, else a legacy ./.scrubline, else the per-user folder."""

from __future__ import annotations

from redaction.home import describe_home, home_note, home_source, scrubline_home


def test_without_scrubline_home_state_is_per_user_whatever_the_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SCRUBLINE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        assert home_source() == "user"
        assert scrubline_home(create=False) == tmp_path / "data" / "scrubline"
        assert home_note() is None
    assert not (tmp_path / "data").exists()  # create=False creates nothing
    home = scrubline_home()
    assert home.is_dir() and (home.stat().st_mode & 0o777) == 0o700
    assert describe_home() == f"state in {home} (the per-user default; SCRUBLINE_HOME sets another)"


def test_a_legacy_per_folder_home_is_kept_with_a_note(tmp_path, monkeypatch):
    monkeypatch.delenv("SCRUBLINE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "old" / ".scrubline").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "old")
    assert home_source() == "legacy"
    assert scrubline_home(create=False) == tmp_path / "old" / ".scrubline"
    note = home_note()
    assert note is not None and "\n" not in note
    assert note.startswith(f"note: using {tmp_path / 'old' / '.scrubline'} (a per-folder home")
    assert str(tmp_path / "data" / "scrubline") in note


def test_scrubline_home_wins(tmp_path, monkeypatch):
    (tmp_path / ".scrubline").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCRUBLINE_HOME", str(tmp_path / "mine"))
    assert home_source() == "SCRUBLINE_HOME" and scrubline_home(create=False) == tmp_path / "mine"
    assert home_note() is None
