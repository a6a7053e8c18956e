"""Test session set-up: private SCRUBLINE_HOME and PREFECT_HOME, no telemetry, no network.

Set at import time, before anything imports Prefect, so no test ever touches the user's state.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="scrubline-tests-"))
os.environ["SCRUBLINE_HOME"] = str(_SESSION_DIR / "scrubline-home")
os.environ["PREFECT_HOME"] = str(_SESSION_DIR / "prefect-home")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
os.environ["HF_HUB_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]
# API URL -> PREFECT_HOME of each server the session started, so tests can inspect its database.
PREFECT_SERVER_HOMES: dict[str, str] = {}
POLICIES = REPO / "policies"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def default_policy_path() -> Path:
    return POLICIES / "default.yaml"


@pytest.fixture
def scrubline_home(tmp_path, monkeypatch) -> Path:
    """A fresh SCRUBLINE_HOME for one test (keys, pseudonym store)."""
    home = tmp_path / "home"
    monkeypatch.setenv("SCRUBLINE_HOME", str(home))
    return home


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted: {args[1:2] or args[:1]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real local Prefect server for the session; yields its API URL.

    Its database is migrated first, alone, with retries on the first-start lock race (see
    flows/prefect_setup.py), then the server starts on a free loopback port.
    """
    home = tmp_path_factory.mktemp("prefect-server-home")
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    subprocess.run(
        [sys.executable, "-c", "from flows.prefect_setup import prepare_prefect; prepare_prefect()"],
        env=env,
        check=True,
        cwd=REPO,
    )
    port = _free_port()
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port), "--no-ui"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=home,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 90
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            raise RuntimeError(f"Prefect server did not start:\n{(home / 'server.log').read_text()[-3000:]}")
        time.sleep(0.5)
    PREFECT_SERVER_HOMES[url] = str(home)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
