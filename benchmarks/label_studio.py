"""What the real Label Studio server of the tests costs: install (once per machine) and start-up.

    .venv/bin/python benchmarks/label_studio.py [--fresh] [--install]

Seconds until a new server answers `/health` and accepts its admin's API token, on a new data
dir started from the installed template database (what the test fixture and
`scripts/label_studio.sh start` do), beside the baseline measured in the same run: the same
start with the database migrated from scratch (`--fresh`, minutes; skipped without it).
`--install` times `scripts/label_studio.sh install` in a new, empty cache folder (a fresh
machine: the pip install and the template's migrations; several minutes, downloads from the
package index) and the same command again once installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.label_studio_server import SCRIPT, start  # noqa: E402


class _Fail(Exception):
    pass


def _time_start(template: bool) -> float:
    import pytest

    with tempfile.TemporaryDirectory(prefix="ls-bench-") as folder:
        began = time.monotonic()
        try:
            with start(Path(folder), template=template):
                return time.monotonic() - began
        except pytest.fail.Exception as exc:
            raise _Fail(str(exc)) from None


def _time_install(cache: str) -> float:
    began = time.monotonic()
    subprocess.run(
        ["bash", str(SCRIPT), "install"],
        env={**os.environ, "XDG_CACHE_HOME": cache},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="also time a start that migrates from scratch")
    parser.add_argument("--install", action="store_true", help="also time an install into an empty cache")
    args = parser.parse_args()
    if args.install:
        with tempfile.TemporaryDirectory(prefix="ls-bench-cache-") as cache:
            first = _time_install(cache)
            again = _time_install(cache)
        print(f"install into an empty cache: {first:.1f} s; again, installed: {again:.1f} s")
    templated = _time_start(template=True)
    print(f"start-up from the template database: {templated:.1f} s")
    if args.fresh:
        fresh = _time_start(template=False)
        print(
            f"start-up migrating from scratch (baseline): {fresh:.1f} s"
            f" ({fresh / templated:.1f}x the template's)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
