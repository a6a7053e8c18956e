"""Prefect set-up that does not depend on luck.

With no PREFECT_API_URL, Prefect starts a temporary local server whose first start on a brand
new PREFECT_HOME creates and migrates its SQLite database while its background services already
poll it; that race can fail with `sqlite3.OperationalError: database is locked`. Migrating the
database first, in this process and alone, with retries on that one error, removes the race.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def _is_locked(exc: BaseException) -> bool:
    while exc is not None:
        if "database is locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def prepare_prefect(attempts: int = 5) -> None:
    """With an embedded (ephemeral) server, migrate its database up front."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url:
        return  # a real server: it owns its database
    url = settings.server.database.connection_url
    url_text = url.get_secret_value() if url is not None else ""
    if url_text and not url_text.startswith("sqlite"):
        return
    database = Path(url_text.split("///", 1)[-1]) if url_text else Path(settings.home) / "prefect.db"
    if database.exists():
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    from prefect.server.database.alembic_commands import alembic_upgrade
    from prefect.utilities.asyncutils import run_sync_in_worker_thread

    for attempt in range(1, attempts + 1):
        try:
            asyncio.run(run_sync_in_worker_thread(alembic_upgrade))
            return
        except Exception as exc:  # noqa: BLE001 - retry only the lock race, re-raise the rest
            if not _is_locked(exc) or attempt == attempts:
                raise
            logger.warning("Prefect database is locked; retrying migration (%d/%d)", attempt, attempts)
            time.sleep(attempt)


class LocalServer:
    """A real Prefect server on a free loopback port, for tests and benchmarks.

    Its PREFECT_HOME's database is migrated first, alone (see `prepare_prefect`), in a
    subprocess with that home; the server's output goes to `home/server.log`.
    """

    def __init__(self, home: Path, timeout: float = 90):
        self.home = Path(home)
        self.timeout = timeout
        self.url = ""
        self._server = None
        self._log = None

    def __enter__(self) -> LocalServer:
        import os
        import socket
        import subprocess
        import sys
        import urllib.request

        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        repo = Path(__file__).resolve().parents[1]
        subprocess.run(
            [sys.executable, "-c", "from flows.prefect_setup import prepare_prefect; prepare_prefect()"],
            env=env,
            check=True,
            cwd=repo,
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self._log = open(self.home / "server.log", "w")  # noqa: SIM115 - closed in __exit__
        self._server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-ui",
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.home,
        )
        self.url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if self._server.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                log = (self.home / "server.log").read_text()[-3000:]
                raise RuntimeError(f"Prefect server did not start:\n{log}")
            time.sleep(0.5)

    def __exit__(self, *exc) -> None:
        import subprocess

        if self._server is not None:
            self._server.terminate()
            try:
                self._server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._server.kill()
            self._server = None
        if self._log is not None:
            self._log.close()
            self._log = None
