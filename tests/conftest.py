"""Test session set-up: private SCRUBLINE_HOME and PREFECT_HOME, no telemetry, no network.

Set at import time, before anything imports Prefect, so no test ever touches the user's state.
Under pytest-xdist (`make test` runs `-n 2`) each worker imports this file, so each has its own
session folder, SCRUBLINE_HOME, PREFECT_HOME and session Prefect server.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="scrubline-tests-"))
os.environ["SCRUBLINE_HOME"] = str(_SESSION_DIR / "scrubline-home")
os.environ["PREFECT_HOME"] = str(_SESSION_DIR / "prefect-home")
# The per-user default state folder (platformdirs) too, for tests that unset SCRUBLINE_HOME.
os.environ["XDG_DATA_HOME"] = str(_SESSION_DIR / "xdg-data")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
os.environ["HF_HUB_OFFLINE"] = "1"
# `datasets` caches what it loads by folder name, not content: never share ~/.cache with other runs.
os.environ["HF_DATASETS_CACHE"] = str(_SESSION_DIR / "hf-datasets")

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


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real local Prefect server for the session, with every service; yields its API URL.

    The same server `scrubline run` starts for itself (flows/prefect_setup.py), on a PREFECT_HOME
    of its own: database migrated first, alone, then served on a free loopback port.
    """
    from flows.prefect_setup import LocalServer

    home = tmp_path_factory.mktemp("prefect-server-home")
    with LocalServer(home) as server:
        PREFECT_SERVER_HOMES[server.url] = str(home)
        yield server.url


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    """A real Label Studio server for the session (tests marked `label_studio`): a
    `LabelStudioServer` (`url, token = label_studio`); fails, naming `make label-studio`, when
    its virtual environment is not installed."""
    from tests.e2e.label_studio_server import start

    with start(tmp_path_factory.mktemp("label-studio")) as server:
        yield server
