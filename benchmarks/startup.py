"""What a local Prefect server costs a `scrubline run` before its first record, and what is cut;
how soon a run stops on SIGTERM.

    .venv/bin/python benchmarks/startup.py [--repeat 3] [--load] [--part startup|sigterm|registry|all]

Seconds until the API answers, median of `--repeat` tries, for:

- Prefect's own temporary server (`SubprocessASGIServer`, what a flow starts with no
  PREFECT_API_URL), on a brand new PREFECT_HOME and on one whose database exists;
- Scrubline's `LocalPrefect` (flows/prefect_setup.py) in the same two cases, and when a run
  finds the server of a run still using it (or idling, SCRUBLINE_PREFECT_IDLE_SECONDS).

`--part sigterm`: seconds from SIGTERM to the exit of a `scrubline run` (300 records, batches
of 10, 2 workers, a Prefect server already running) sent once its third batch is committed,
beside the baseline measured in the same run: how long the same run, left alone, goes on from
that moment to its end (what a stop that waits for the run costs).

`--part registry`: CPU seconds (user + system, so a loaded machine skews them little) that the
detection registry costs, each case in a fresh interpreter:

- a pool worker, from its fork to being ready for its first record (the `BatchRedactor` built,
  the model loaded and warmed up), forked from a forkserver that preloaded `redaction.pipeline`
  (before) or `redaction.preload` (the lexicons built once, in the forkserver), with the
  seconds until that first worker was ready (forkserver start included);
- the policy check of a `scrubline run`'s own process, which checks the policy before Prefect
  starts and again in the flow's `validate-policy` task: `build_registry` twice (before) or
  `check_recognizers` twice (built once per policy).

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


SIGTERM_RECORDS = 300
SIGTERM_AFTER = 3  # committed batches


def _sigterm_run(source: Path, out: Path, env: dict[str, str], stop: bool) -> tuple[float, int]:
    """Seconds from the run's third committed batch to its exit (sent SIGTERM then if `stop`),
    and its exit status."""
    import signal
    import subprocess

    scrubline = str(Path(sys.executable).parent / "scrubline")
    policy = Path(__file__).resolve().parents[1] / "policies" / "default.yaml"
    process = subprocess.Popen(
        [scrubline, "run", str(source), "--policy", str(policy), "--out", str(out), "--batch-size", "10",
         "--workers", "2", "--no-progress"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    markers = out / "_state" / "batches"
    while process.poll() is None and not (
        markers.exists() and len(list(markers.glob("*.json"))) >= SIGTERM_AFTER
    ):
        time.sleep(0.02)
    moment = time.monotonic()
    if stop:
        process.send_signal(signal.SIGTERM)
    code = process.wait()
    return time.monotonic() - moment, code


def sigterm(repeat: int) -> dict[str, list[float]]:
    import json

    from flows.prefect_setup import LocalPrefect
    from tests.data.generators import generate_records

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        records, _ = generate_records(SIGTERM_RECORDS, seed=61)
        source = root / "tickets.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        server = LocalPrefect(root / "prefect", timeout=600, idle_seconds=600).__enter__()
        env = {**os.environ, "PREFECT_API_URL": server.url, "SCRUBLINE_HOME": str(root / "home")}
        try:
            for i in range(repeat):
                seconds, code = _sigterm_run(source, root / f"left-{i}", env, stop=False)
                assert code == 0, f"the uninterrupted run failed ({code})"
                results.setdefault("run left alone: third batch to its end (baseline)", []).append(seconds)
                seconds, code = _sigterm_run(source, root / f"stopped-{i}", env, stop=True)
                assert code == 143, f"SIGTERM: exit status {code}, not 143"
                results.setdefault("SIGTERM at the third batch to exit", []).append(seconds)
        finally:
            server.__exit__()
            os.kill(server.pid, 15)
            server.stopped()
    return results


POLICY = Path(__file__).resolve().parents[1] / "policies" / "default.yaml"


def _worker_start() -> tuple[float, int]:
    """In a pool worker: CPU seconds to be ready for a first record, and this process's id."""
    from redaction.pipeline import BatchRedactor
    from redaction.policy import load_policy

    started = time.process_time()  # a forked child's CPU times start at zero: this is its own
    policy = load_policy(POLICY)
    redactor = BatchRedactor(policy)
    redactor.detector._warm_up(policy.primary_language)
    return time.process_time() - started, os.getpid()


def child_worker(preload: str) -> None:
    """Print the first worker's CPU seconds and the seconds until it was ready."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        cpu, _ = pool.submit(_worker_start).result()
    print(cpu, time.monotonic() - started)


def child_policy_check(cached: bool) -> None:
    """Print the CPU seconds of checking the policy twice, as a run's main process does."""
    from redaction.detect import build_registry
    from redaction.policy import load_policy
    from redaction.preflight import check_recognizers

    policy = load_policy(POLICY)
    check = check_recognizers if cached else build_registry
    started = time.process_time()
    check(policy)
    first = time.process_time()
    check(load_policy(POLICY))
    print(time.process_time() - started, time.process_time() - first)


def _child(call: str) -> list[float]:
    import subprocess

    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import startup; startup.{call}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return [float(v) for v in result.stdout.split()]


def registry(repeat: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    for _ in range(repeat):
        for label, preload in (("before", "redaction.pipeline"), ("now", "redaction.preload")):
            cpu, wall = _child(f"child_worker({preload!r})")
            results.setdefault(f"worker CPU to its first record, forkserver preloads {preload}", []).append(
                cpu
            )
            results.setdefault(f"  seconds until that worker is ready ({label})", []).append(wall)
        for label, cached in (("build_registry twice (before)", False), ("check_recognizers twice", True)):
            total, second = _child(f"child_policy_check({cached})")
            results.setdefault(f"run process, policy check: {label}", []).append(total)
            results.setdefault(f"  of which the second check ({label.split(' ')[0]})", []).append(second)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load", action="store_true", help="keep every core busy meanwhile")
    parser.add_argument("--part", choices=("startup", "sigterm", "registry", "all"), default="all")
    args = parser.parse_args()
    spinners = []
    if args.load:
        context = multiprocessing.get_context("fork")
        spinners = [context.Process(target=_spin, args=(3600,), daemon=True) for _ in os.sched_getaffinity(0)]
        for spinner in spinners:
            spinner.start()
    results: dict[str, list[float]] = {}
    stopping: dict[str, list[float]] = {}
    building: dict[str, list[float]] = {}
    try:
        if args.part in ("registry", "all"):
            building = registry(args.repeat)
        if args.part in ("sigterm", "all"):
            stopping = sigterm(args.repeat)
        for _ in range(args.repeat if args.part in ("startup", "all") else 0):
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
    for title, table in (
        ("detection registry start-up, CPU seconds unless said", building),
        ("seconds until the Prefect API answers", results),
        (f"seconds until a run of {SIGTERM_RECORDS} records ends", stopping),
    ):
        if not table:
            continue
        print(f"{title}, median of {args.repeat}, {load}:")
        width = max(len(k) for k in table)
        for name, values in table.items():
            spread = ", ".join(f"{v:.1f}" for v in values)
            print(f"  {name:<{width}}  {statistics.median(values):6.1f}   ({spread})")
    if building:
        values = [statistics.median(v) for v in building.values()]
        print(
            f"  a worker starts on {values[0] / values[2]:.1f}x less CPU with redaction.preload; "
            f"the run process checks its policy on {values[4] / values[6]:.2f}x less CPU"
        )
    if stopping:
        alone, stopped = (statistics.median(v) for v in stopping.values())
        print(f"  SIGTERM ends the run {alone / stopped:.1f}x sooner than letting it finish")


if __name__ == "__main__":
    main()
