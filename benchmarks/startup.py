"""What a local Prefect server costs a `scrubline run` before its first record, and what is cut.

    .venv/bin/python benchmarks/startup.py [--repeat 3] [--load]

Seconds until the API answers, median of `--repeat` tries, for:

- Prefect's own temporary server (`SubprocessASGIServer`, what a flow starts with no
  PREFECT_API_URL), on a brand new PREFECT_HOME and on one whose database exists;
- Scrubline's `LocalPrefect` (flows/prefect_setup.py) in the same two cases, and when a run
  finds the server of a run still using it (or idling, SCRUBLINE_PREFECT_IDLE_SECONDS).

`--load` keeps every core busy with a spinning process meanwhile, as on a shared CI machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.pop("PREFECT_API_URL", None)


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def prefect_temporary_server(home: Path) -> float:
    """Prefect's own, in a fresh interpreter (its settings are read at import)."""
    import subprocess

    code = (
        "import time; from prefect.server.api.server import SubprocessASGIServer as S; "
        "s = S(); t = time.monotonic(); s.start(timeout=600); print(time.monotonic() - t); s.stop()"
    )
    env = {**os.environ, "PREFECT_HOME": str(home)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def local_prefect(home: Path, *, keep: bool = False):
    from flows.prefect_setup import LocalPrefect

    started = time.monotonic()
    server = LocalPrefect(home, timeout=600, idle_seconds=600 if keep else 0).__enter__()
    seconds = time.monotonic() - started
    server.__exit__()
    if not keep:
        server.stopped()
    return seconds, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load", action="store_true", help="keep every core busy meanwhile")
    args = parser.parse_args()
    spinners = []
    if args.load:
        context = multiprocessing.get_context("fork")
        spinners = [context.Process(target=_spin, args=(3600,), daemon=True) for _ in os.sched_getaffinity(0)]
        for spinner in spinners:
            spinner.start()
    results: dict[str, list[float]] = {}
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as fresh, tempfile.TemporaryDirectory() as ours:
                results.setdefault("Prefect temporary server, new PREFECT_HOME", []).append(
                    prefect_temporary_server(Path(fresh))
                )
                results.setdefault("Prefect temporary server, existing database", []).append(
                    prefect_temporary_server(Path(fresh))
                )
                seconds, _ = local_prefect(Path(ours))
                results.setdefault("LocalPrefect, new PREFECT_HOME", []).append(seconds)
                seconds, server = local_prefect(Path(ours), keep=True)
                results.setdefault("LocalPrefect, existing database", []).append(seconds)
                seconds, _ = local_prefect(Path(ours))  # finds the idling server
                results.setdefault("LocalPrefect, server already running (reused)", []).append(seconds)
                os.kill(server.pid, 15)
                server.stopped()
    finally:
        for spinner in spinners:
            spinner.terminate()
    load = f"every core busy ({len(spinners)} spinners)" if spinners else "no added load"
    print(f"seconds until the Prefect API answers, median of {args.repeat}, {load}:")
    width = max(len(k) for k in results)
    for name, values in results.items():
        spread = ", ".join(f"{v:.1f}" for v in values)
        print(f"  {name:<{width}}  {statistics.median(values):6.1f}   ({spread})")


if __name__ == "__main__":
    main()
