"""A real Label Studio server for the tests marked `label_studio`: the pinned release in its own
virtual environment (`make label-studio`, scripts/label_studio.sh), started on a free loopback
port in a temporary data dir with an admin and a random API token, stopped after the session."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "label_studio.sh"
START_SECONDS = 300  # a migrated template database starts in ~20 s; a loaded CI machine is slower


def venv() -> Path:
    out = subprocess.run(["bash", str(SCRIPT), "venv"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabelStudioServer:
    url: str
    token: str
    data_dir: Path
    log: Path

    def __iter__(self):  # `url, token = server`
        return iter((self.url, self.token))

    def add_users(self, users: list[dict[str, str]]) -> dict[str, dict]:
        """Accounts {"email", "token", "username"?}, each with its own API token; their
        Label Studio records (id, email, username) by email."""
        result = subprocess.run(
            ["bash", str(SCRIPT), "users", "--data-dir", str(self.data_dir)],
            input=json.dumps(users),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        made = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        return {user["email"]: user for user in made}


def start(folder: Path, *, template: bool = True):
    """Start the server; a context manager yielding a `LabelStudioServer`. `template=False`
    migrates its database from scratch instead of copying the installed template."""
    import contextlib

    import httpx
    import pytest

    @contextlib.contextmanager
    def run():
        installed = venv()
        if not (installed / "bin" / "label-studio").exists():
            pytest.fail(
                f"Label Studio is not installed in {installed}: run `make label-studio` "
                "(the tests marked label_studio need a real server)",
                pytrace=False,
            )
        data_dir = folder / "data"
        log = folder / "label-studio.log"
        token = secrets.token_hex(20)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        dropped = ("LABEL_STUDIO_", "HTTP_PROXY", "HTTPS_PROXY")
        env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
        env["SCRUBLINE_TEST_LS_TOKEN"] = token
        env["SCRUBLINE_LABEL_STUDIO_TEMPLATE"] = "1" if template else "0"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    "bash",
                    str(SCRIPT),
                    "start",
                    "--data-dir",
                    str(data_dir),
                    "--port",
                    str(port),
                    "--username",
                    "admin@example.org",
                    "--token-env",
                    "SCRUBLINE_TEST_LS_TOKEN",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + START_SECONDS
            with httpx.Client(trust_env=False, timeout=5) as http:
                while True:
                    if process.poll() is not None:
                        pytest.fail(f"Label Studio exited ({process.returncode}) while starting: see {log}")
                    try:
                        if http.get(f"{url}/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        pytest.fail(f"Label Studio did not answer on {url} in {START_SECONDS} s: see {log}")
                    time.sleep(0.5)
                me = http.get(f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"})
                assert me.status_code == 200, f"the admin's token is refused ({me.status_code}): see {log}"
            yield LabelStudioServer(url, token, data_dir, log)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    return run()
