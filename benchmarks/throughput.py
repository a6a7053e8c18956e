"""Throughput: Scrubline's detection + redaction against vanilla Presidio, in one run.

    python benchmarks/throughput.py [--n 10000] [--memory-sizes 10000 100000] [--policy FILE]

Both systems get the same generated support-ticket records (tests/data/generators.py).

* vanilla Presidio: `BatchAnalyzerEngine` over every string value of every record (the same
  texts Scrubline scans), `analyze_iterator` with its defaults (one process), the full spaCy
  pipeline of the same model, then `AnonymizerEngine` with its default operator on each text.
* Scrubline: `run_pipeline` as `scrubline run` uses it, minus Prefect: read JSONL, detect,
  anonymize per the policy, write Parquet, every core (worker start-up included in the time).

Peak memory is measured in a fresh process per size (the parent's and the largest worker's
peak RSS), to show it does not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def write_input(folder: Path, n: int, seed: int = 3) -> Path:
    from tests.data.generators import generate_records

    path = folder / f"records-{n}.jsonl"
    if path.exists():
        return path
    with path.open("w", encoding="utf-8") as handle:
        done = 0
        chunk = 0
        while done < n:
            size = min(5000, n - done)
            records, _ = generate_records(size, seed=seed + chunk)
            for i, record in enumerate(records):
                record["id"] = f"R-{done + i:07d}"
                handle.write(json.dumps(record) + "\n")
            done += size
            chunk += 1
    return path


def texts_of(path: Path, policy) -> list[str]:
    """Every string value Scrubline would scan, in record order."""
    from redaction.fields import FieldPlan, split_record

    plan = FieldPlan(policy.fields)
    texts: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            _, slots, _ = split_record(json.loads(line), plan)
            texts.extend(slot.text for slot in slots)
    return texts


def vanilla_presidio(texts: list[str], model: str) -> float:
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    from redaction.runtime import configure_runtime

    configure_runtime()  # tldextract offline; same for both systems
    analyzer = AnalyzerEngine(nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}]))
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    anonymizer = AnonymizerEngine()
    started = time.perf_counter()
    results = batch.analyze_iterator(texts, language="en")
    for text, found in zip(texts, results, strict=True):
        anonymizer.anonymize(text=text, analyzer_results=found)
    return time.perf_counter() - started


def scrubline(path: Path, policy_path: str, out: Path, workers: int, batch_size: int) -> float:
    from redaction.pipeline import run_pipeline

    summary = run_pipeline([path], policy_path, out, workers=workers, batch_size=batch_size)
    assert summary.counters.reconciles()
    return summary.seconds


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        found.extend(children)
        frontier.extend(children)
    return found


def _peak_rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def child_memory(n: int, folder: str, policy: str, workers: int, batch_size: int) -> None:
    """Runs in a fresh process: one pipeline run, then print peak RSS (MiB) as JSON.

    Workers are grandchildren (forked by the forkserver), so a thread samples the peak RSS
    (VmHWM) of every descendant process while the run lasts.
    """
    import threading

    path = write_input(Path(folder), n)
    peak = {"worker": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in _descendants(os.getpid()):
                peak["worker"] = max(peak["worker"], _peak_rss_mib(pid))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds = scrubline(path, policy, Path(folder) / f"out-mem-{n}", workers, batch_size)
    stop.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "seconds": seconds, "parent_mib": own, "largest_worker_mib": peak["worker"]}))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="records for the speed comparison (0: skip)")
    parser.add_argument("--memory-sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--policy", default=str(REPO / "policies" / "default.yaml"))
    parser.add_argument("--workers", type=int, default=0, help="0: every core")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workdir", help="keep generated inputs here (default: a temp folder)")
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ.setdefault("SCRUBLINE_HOME", tempfile.mkdtemp(prefix="scrubline-bench-home-"))
    from redaction.pipeline import default_workers
    from redaction.policy import load_policy

    workers = args.workers or default_workers()
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="scrubline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.child_memory:
        child_memory(args.child_memory, str(folder), args.policy, workers, args.batch_size)
        return 0

    policy = load_policy(args.policy)
    model = policy.languages["en"].model
    ratio = None
    if args.n:
        ratio = compare(args, policy, model, folder, workers)
    if args.memory_sizes:
        memory(args, folder, workers)
    return 0 if ratio is None or ratio >= 2.0 else 1


def compare(args, policy, model: str, folder: Path, workers: int) -> float:
    path = write_input(folder, args.n)
    texts = texts_of(path, policy)
    print(
        f"{args.n} records, {len(texts)} texts, {sum(map(len, texts)) / max(1, len(texts)):.0f} chars/text, "
        f"{os.cpu_count()} cores, policy {policy.name} {policy.version}"
    )

    vanilla_s = vanilla_presidio(texts, model)
    ours_s = scrubline(path, args.policy, folder / "out", workers, args.batch_size)
    one_s = scrubline(path, args.policy, folder / "out-1", 1, args.batch_size)
    rate = lambda s: args.n / s  # noqa: E731
    print()
    print(f"{'system':<46} {'seconds':>8} {'records/s':>10} {'vs vanilla':>10}")
    rows = [
        ("vanilla Presidio (BatchAnalyzerEngine + Anonymizer)", vanilla_s),
        ("scrubline, 1 worker", one_s),
        (f"scrubline, {workers} workers", ours_s),
    ]
    for name, seconds in rows:
        print(f"{name:<46} {seconds:>8.1f} {rate(seconds):>10.1f} {vanilla_s / seconds:>9.2f}x")
    ratio = vanilla_s / ours_s
    print(f"\nratio scrubline ({workers} workers) / vanilla: {ratio:.2f} (target >= 2.0)")
    return ratio


def memory(args, folder: Path, workers: int) -> None:
    if args.memory_sizes:
        print(f"\npeak memory (fresh process per size, {workers} workers):")
        print(f"{'records':>8} {'seconds':>8} {'records/s':>10} {'parent MiB':>11} {'worker MiB':>11}")
        for n in args.memory_sizes:
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child-memory",
                    str(n),
                    "--workdir",
                    str(folder),
                    "--policy",
                    args.policy,
                    "--workers",
                    str(workers),
                    "--batch-size",
                    str(args.batch_size),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{n:>8} {m['seconds']:>8.1f} {n / m['seconds']:>10.1f} {m['parent_mib']:>11.0f} "
                f"{m['largest_worker_mib']:>11.0f}"
            )


if __name__ == "__main__":
    sys.exit(main())
