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
