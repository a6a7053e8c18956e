"""Where Scrubline keeps its own state: keys, the pseudonym store, the audit log, the queues.

One directory per user, whatever folder a command runs in, so `scrubline queue stats` from
another folder than the runs sees the same queues:

1. `$SCRUBLINE_HOME` when it is set;
2. else `./.scrubline` when that folder exists: the per-folder home of earlier versions, still
   used so an installation's keys and audit log are not left behind (`home_note` says so);
3. else the per-user data folder (platformdirs): `~/.local/share/scrubline` on Linux
   (`$XDG_DATA_HOME/scrubline` when set), `~/Library/Application Support/scrubline` on macOS.
"""

from __future__ import annotations

import os
from pathlib import Path

LEGACY = ".scrubline"


def user_home() -> Path:
    """The per-user default state folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("scrubline", appauthor=False))


def home_source() -> str:
    """How the state folder is chosen now: 'SCRUBLINE_HOME', 'legacy' (./.scrubline) or 'user'."""
    if os.environ.get("SCRUBLINE_HOME"):
        return "SCRUBLINE_HOME"
    if Path(LEGACY).is_dir():
        return "legacy"
    return "user"


def scrubline_home(*, create: bool = True) -> Path:
    """The state directory, created with owner-only permissions if missing (unless `create` is
    false: a dry run such as `scrubline scan` must leave no trace)."""
    source = home_source()
    if source == "SCRUBLINE_HOME":
        home = Path(os.environ["SCRUBLINE_HOME"]).expanduser()
    elif source == "legacy":
        home = Path.cwd() / LEGACY
    else:
        home = user_home()
    if create:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def describe_home() -> str:
    """Where state lives and why, for a person: one line, no trailing newline."""
    home = scrubline_home(create=False).resolve()
    why = {
        "SCRUBLINE_HOME": "set by SCRUBLINE_HOME",
        "legacy": "the ./.scrubline of this folder, kept from an earlier version",
        "user": "the per-user default; SCRUBLINE_HOME sets another",
    }[home_source()]
    return f"state in {home} ({why})"


def home_note() -> str | None:
    """A one-line note when the legacy per-folder home is in use, else None."""
    if home_source() != "legacy":
        return None
    return (
        f"note: using {(Path.cwd() / LEGACY).resolve()} (a per-folder home of an earlier version); "
        f"set SCRUBLINE_HOME to it, or move it to {user_home()}, to use it from any folder"
    )
