"""Where Scrubline keeps its own state: keys, the pseudonym store, later audit and queues.

One directory, `$SCRUBLINE_HOME`, default `.scrubline/` in the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path


def scrubline_home(*, create: bool = True) -> Path:
    """The state directory, created with owner-only permissions if missing (unless `create` is
    false: a dry run such as `scrubline scan` must leave no trace)."""
    home = Path(os.environ.get("SCRUBLINE_HOME") or ".scrubline").expanduser()
    if create:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home
