"""Render a Scrubline audit report (HTML) to PNG with headless Chromium, to look at it.

    .venv/bin/python scripts/screenshot_report.py --html report.html --out report.png
    .venv/bin/python scripts/screenshot_report.py --run RUN --out report.png   # renders the report first

Chromium comes from the system (Debian: `apt-get install -y chromium`); the script fails, naming
what it looked for, when there is none. It runs with a throw-away profile and, as root (CI
containers), without the sandbox; the report has no script and loads nothing from the network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
WINDOW = (1200, 1600)


def find_chromium() -> str:
    override = os.environ.get("CHROMIUM")
    if override:
        return override
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(
        f"no Chromium found (looked for {', '.join(CANDIDATES)} on PATH, or $CHROMIUM); "
        "install it, e.g. apt-get install -y chromium"
    )


def screenshot(html: Path, png: Path, window: tuple[int, int] = WINDOW, timeout: float = 120) -> Path:
    """Screenshot `html` into `png` at `window` size (width, height) with headless Chromium."""
    html, png = Path(html).resolve(), Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="scrubline-chromium-") as profile:
        command = [
            find_chromium(),
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={window[0]},{window[1]}",
            html.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": profile}
        )
    if result.returncode != 0 or not png.is_file():
        raise SystemExit(f"chromium failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return png


def _render(run: str, log: str | None, fmt_out: Path) -> Path:
    from redaction.audit import AuditLog
    from redaction.audit.queries import resolve_run, run_details
    from redaction.audit.reports import run_report

    with AuditLog(log, readonly=True) as audit:
        details = run_details(audit, resolve_run(audit, run))
        verification = audit.verify()
    fmt_out.write_text(run_report(details, verification, "html"), encoding="utf-8")
    return fmt_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--html", type=Path, help="an HTML report already written")
    source.add_argument("--run", help="render the report of this run (id or unique prefix) first")
    parser.add_argument("--log", help="audit log file (default: $SCRUBLINE_HOME/audit/audit.sqlite3)")
    parser.add_argument("--out", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--width", type=int, default=WINDOW[0])
    parser.add_argument("--height", type=int, default=WINDOW[1])
    args = parser.parse_args(argv)
    html = args.html
    if html is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        html = _render(args.run, args.log, args.out.with_suffix(".html"))
    png = screenshot(html, args.out, (args.width, args.height))
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
