"""A local Prefect server that starts on a loaded machine and dies with the runs using it.

With no PREFECT_API_URL, Prefect itself starts a temporary server per process
(`SubprocessASGIServer`), waits 20 s for it (`PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`),
which a loaded 2-core machine misses, answers with a traceback, and leaves the server running
after a kill -9 (it stops in an atexit hook). Prefect 3 cannot run a flow without a server (the
in-memory API of Prefect 2 was replaced by that subprocess), so `LocalPrefect` runs one instead:

- one server per PREFECT_HOME, shared by the runs that use it at the same time and started by
  the first of them under a file lock, which also serialises creating and migrating its SQLite
  database (two first runs on a new PREFECT_HOME otherwise race: `database is locked`, alembic
  `CommandError`); the database is migrated alone before the server starts serving;
- each run using it holds a shared `flock` on `PREFECT_HOME/scrubline/server.users`, and the
  server stops itself once no run holds one (the kernel drops a dead run's lock, even after
  kill -9), after `SCRUBLINE_PREFECT_IDLE_SECONDS` (default 0) with no run, so later runs can
  reuse it;
- start-up waits up to 180 s (or PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS when set),
  starts again a server that exits while starting (3 attempts), reports progress, and fails
  with one line naming the fixes.

The server runs Prefect's own app (`prefect.server.api.server:create_app`) under uvicorn, in
Prefect's ephemeral mode (no UI, only the services a flow run needs) unless `services=True`
(the full set, as `prefect server start`: tests and benchmarks that use deployments).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from redaction.errors import OrchestrationError

logger = logging.getLogger(__name__)

DEFAULT_STARTUP_TIMEOUT = 180  # seconds; Prefect's 20 s default was missed 3 times in 3 under load
START_ATTEMPTS = 3
IDLE_ENV = "SCRUBLINE_PREFECT_IDLE_SECONDS"
REPORT_EVERY = 10  # seconds between progress reports while waiting

Report = Callable[[str], None]


def _is_locked(exc: BaseException) -> bool:
    while exc is not None:
        if "database is locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def prepare_prefect(attempts: int = 5) -> None:
    """Create and migrate this PREFECT_HOME's SQLite database, alone, before a server uses it.

    A server's first start on a brand new PREFECT_HOME creates and migrates the database while
    its background services already poll it; that race can fail with `database is locked`.
    Migrating first, with retries on that one error, removes it. `LocalPrefect` calls this in
    the server process while it holds the start lock, so concurrent first runs migrate once.
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url:
        return  # a client of a server elsewhere: that server owns its database
    url = settings.server.database.connection_url
    url_text = url.get_secret_value() if url is not None else ""
    if url_text and not url_text.startswith("sqlite"):
        return  # another database: its owner migrates it
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


def startup_timeout() -> float:
    """PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS when the user set it, else 180 s."""
    from prefect.settings import get_current_settings

    ephemeral = get_current_settings().server.ephemeral
    if "startup_timeout_seconds" in ephemeral.model_fields_set:
        return float(ephemeral.startup_timeout_seconds)
    return float(DEFAULT_STARTUP_TIMEOUT)


def configured_api_url() -> str | None:
    """The Prefect API URL from the environment or the active Prefect profile, if any."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


@contextmanager
def use_api(url: str) -> Iterator[None]:
    """Point every Prefect client of this process at `url`: the flow's, and those of Prefect's
    log and event workers, which run in threads of their own and read the process-wide
    settings (a `temporary_settings` context would not reach them)."""
    from prefect.context import refresh_global_settings_context

    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        refresh_global_settings_context()


class LocalPrefect:
    """The local Prefect server of one PREFECT_HOME, started here or reused; see the module
    docstring. `url` is its API URL once entered; leaving lets it stop when no run uses it."""

    def __init__(
        self,
        home: str | os.PathLike[str],
        *,
        timeout: float = DEFAULT_STARTUP_TIMEOUT,
        attempts: int = START_ATTEMPTS,
        idle_seconds: float | None = None,
        services: bool = False,
        report: Report | None = None,
    ):
        self.home = Path(home).expanduser().resolve()
        self.folder = self.home / "scrubline"
        self.timeout = timeout
        self.attempts = attempts
        self.idle_seconds = float(os.environ.get(IDLE_ENV) or 0) if idle_seconds is None else idle_seconds
        self.services = services
        self.report = report or (lambda message: None)
        self.url = ""
        self.pid: int | None = None
        self.started_here = False
        self._users: int | None = None
        self._process = None
        self._leaving = False

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def __enter__(self) -> LocalPrefect:
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        self._users = os.open(self.folder / "server.users", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            # A server that found itself unused holds this lock exclusively while it stops.
            _flock(self._users, fcntl.LOCK_SH, deadline, self.report, "a local Prefect server to stop")
            start_lock = os.open(self.folder / "server.start.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _flock(start_lock, fcntl.LOCK_EX, deadline, self.report, "another run starting the server")
                if not self._reuse():
                    self._start(deadline)
            finally:
                os.close(start_lock)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._leaving = True  # a server stopping from now on is not lost: it may be unused
        if self._users is not None:
            os.close(self._users)  # the server stops once no run holds this file
            self._users = None

    def on_lost(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from a thread of its own) if the server process ends while this
        run uses it: it is never restarted on its port, so Prefect's client retries (about a
        minute per API call) could only delay the run's end."""
        import threading

        pid = self.pid

        def wait() -> None:
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                fd = None
            except (AttributeError, OSError):  # no pidfd (not Linux 5.3+): poll
                fd = None
                while _pid_alive(pid):
                    time.sleep(0.5)
            if fd is not None:
                import select

                select.select([fd], [], [])
            if not self._leaving:
                callback()

        threading.Thread(target=wait, name="prefect-server-lost", daemon=True).start()

    def alive(self) -> bool:
        """Whether the server answers its health check."""
        return bool(self.url) and answers(self.url)

    def stopped(self, timeout: float = 20) -> bool:
        """Wait for the server to stop (after leaving, when no other run uses it)."""
        deadline = time.monotonic() + timeout
        while self.pid is not None and _pid_alive(self.pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    # --- internals ----------------------------------------------------------------------------

    def _reuse(self) -> bool:
        try:
            info = json.loads((self.folder / "server.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return False
        if (self.services and not info.get("services")) or not _pid_alive(info.get("pid", 0)):
            return False
        if not answers(info["url"]):
            return False
        self.url, self.pid = info["url"], info["pid"]
        self.report(f"using the local Prefect server at {self.url} (PREFECT_HOME {self.home})")
        return True

    def _start(self, deadline: float) -> None:
        import socket
        import subprocess

        started = time.monotonic()
        self.report(
            f"starting a local Prefect server (PREFECT_HOME {self.home}; no PREFECT_API_URL set; "
            f"waiting up to {self.timeout:.0f} s)"
        )
        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_UI_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        if not self.services:
            env["PREFECT__SERVER_EPHEMERAL"] = "1"  # Prefect's own mode for a temporary server
        repo = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH")) if p)
        exits: list[str] = []
        for attempt in range(1, self.attempts + 1):
            # The listening socket is made here and handed over: no free-port race.
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen(128)
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
            with open(self.log_path, "ab" if attempt > 1 else "wb") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "flows.prefect_setup",
                        "serve",
                        str(sock.fileno()),
                        str(self.folder / "server.users"),
                        str(self.idle_seconds),
                        "services" if self.services else "ephemeral",
                    ],  # fmt: skip
                    pass_fds=[sock.fileno()],
                    env=env,
                    cwd=self.home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    process_group=0,  # a Ctrl-C meant for one run does not stop a shared server
                )
            sock.close()
            self._process = process  # reaped by this process if it exits first
            outcome = self._wait_ready(process, url, started, deadline)
            if outcome == "ready":
                self.url, self.pid, self.started_here = url, process.pid, True
                record = {"url": url, "pid": process.pid, "services": self.services}
                _write_json(self.folder / "server.json", record)
                self.report(f"local Prefect server ready at {url} after {time.monotonic() - started:.1f} s")
                return
            if outcome == "timeout":
                _stop(process)
                raise OrchestrationError(
                    f"the local Prefect server did not start within {self.timeout:.0f} s (log: "
                    f"{self.log_path}); on a busy machine raise "
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set PREFECT_API_URL to a "
                    "running server (prefect server start)"
                )
            exits.append(f"exit code {process.returncode}")
            if attempt < self.attempts:
                self.report(
                    f"the local Prefect server exited while starting ({exits[-1]}); starting it again"
                )
                time.sleep(attempt)
        raise OrchestrationError(
            f"the local Prefect server exited while starting, {len(exits)} times "
            f"({_last_line(self.log_path) or exits[-1]}; log: {self.log_path}); set PREFECT_API_URL "
            "to a running server (prefect server start)"
        )

    def _wait_ready(self, process, url: str, started: float, deadline: float) -> str:
        next_report = time.monotonic() + REPORT_EVERY
        while True:
            if process.poll() is not None:
                return "exited"
            if answers(url):
                return "ready"
            now = time.monotonic()
            if now > deadline:
                return "timeout"
            if now >= next_report:
                self.report(
                    f"still starting the local Prefect server ({now - started:.0f} s of up to "
                    f"{self.timeout:.0f} s)"
                )
                next_report = now + REPORT_EVERY
            time.sleep(0.25)


def _flock(fd: int, mode: int, deadline: float, report: Report, waiting_for: str) -> None:
    import fcntl

    reported = False
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise OrchestrationError(
                    f"timed out waiting for {waiting_for}; set PREFECT_API_URL to a running "
                    "server (prefect server start)"
                ) from None
            if not reported:
                report(f"waiting for {waiting_for}")
                reported = True
            time.sleep(0.1)


def answers(url: str) -> bool:
    """Whether the Prefect API at `url` answers its health check."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is not alive
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _stop(process, grace: float = 10) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _write_json(path: Path, data: dict) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_text(json.dumps(data) + "\n", encoding="utf-8")
    os.replace(temp, path)


def _last_line(path: Path) -> str:
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


# --- the server process ------------------------------------------------------------------------


def serve(fd: int, users: str, idle_seconds: float, services: bool) -> None:
    """Run Prefect's API on the listening socket `fd` until no run holds `users` for
    `idle_seconds`. The database is migrated first, alone (see `prepare_prefect`)."""
    import signal
    import socket
    import threading

    import uvicorn

    prepare_prefect()
    config = uvicorn.Config(
        "prefect.server.api.server:create_app", factory=True, lifespan="on", log_level="error"
    )
    server = uvicorn.Server(config)
    threading.Thread(
        target=_stop_when_unused,
        args=(server, Path(users), idle_seconds),
        name="stop-when-unused",
        daemon=True,
    ).start()
    # uvicorn shuts down on SIGTERM/SIGINT, then raises the signal again for the handler it
    # found: make that an exit that runs the `finally` below.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    try:
        server.run(sockets=[socket.socket(fileno=fd)])
    finally:  # stopped by a signal too: no run may find it
        _forget_server(Path(users).with_name("server.json"))


def _forget_server(record: Path) -> None:
    try:
        if json.loads(record.read_text(encoding="utf-8")).get("pid") == os.getpid():
            record.unlink()
    except (FileNotFoundError, ValueError):
        pass


def _stop_when_unused(server, users: Path, idle_seconds: float) -> None:
    import fcntl

    fd = os.open(users, os.O_RDWR | os.O_CREAT, 0o600)
    idle_since: float | None = None
    while True:
        time.sleep(0.25)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            idle_since = None  # a run holds it
            continue
        now = time.monotonic()
        idle_since = now if idle_since is None else idle_since
        if now - idle_since >= idle_seconds:
            break
        fcntl.flock(fd, fcntl.LOCK_UN)
    # Unused: keep the lock (no run can join a server that is stopping), forget the server,
    # stop it; the kernel drops the lock when this process ends.
    _forget_server(users.with_name("server.json"))
    server.should_exit = True
    time.sleep(10)
    os._exit(0)  # graceful shutdown took too long


class LocalServer:
    """A private Prefect server with every service on its own PREFECT_HOME, for tests and
    benchmarks: `LocalPrefect` with `services=True`, stopped (and waited for) on exit."""

    def __init__(self, home: Path, timeout: float = DEFAULT_STARTUP_TIMEOUT):
        self.server = LocalPrefect(home, timeout=timeout, services=True)
        self.home = self.server.home
        self.url = ""

    def __enter__(self) -> LocalServer:
        self.server.__enter__()
        self.url = self.server.url
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__()
        if self.server.started_here and not self.server.stopped(timeout=20):
            os.kill(self.server.pid, 9)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5] == "services")
