"""Throughput: Scrubline's detection + redaction against vanilla Presidio, in one run.

    python benchmarks/throughput.py [--n 10000] [--memory-sizes 10000 100000] [--policy FILE]

Both systems get the same generated support-ticket records (tests/data/generators.py).

* vanilla Presidio: `BatchAnalyzerEngine` over every string value of every record (the same
  texts Scrubline scans), `analyze_iterator` with its defaults (one process), the full spaCy
  pipeline of the same model, then `AnonymizerEngine` with its default operator on each text.
* Scrubline: `run_pipeline` as `scrubline run` uses it, minus Prefect: read JSONL, detect,
  anonymize per the policy, write Parquet, audit, route and enqueue for annotation (with the
  policy's pre-labels), every core (worker start-up included in the time); and the same without
  routing and enqueueing ("no queues"), the redaction alone.

Peak memory is measured in a fresh process per size (the parent's and the largest worker's
peak RSS), to show it does not grow with the input.

NER comparison (`--ner-compare`): detection alone (Detector.detect, as a worker runs it) over the
same texts with the base model's own ner and with the shipped NER component
(`languages.en.ner: scrubline-pii-en`), and vanilla Presidio's BatchAnalyzerEngine; chunks of
texts alternate between the systems so a change in machine load hits all of them alike. Reports
the CPU seconds (process time, models loaded and warmed up first) per record of each.

Flow mode (`--flow 20000`): end to end through Prefect, against a real local Prefect server the
benchmark starts (or $PREFECT_API_URL). `scrubline run` with 1 worker and with every core, on the
same generated file, in one invocation; then the same flow with the audit log off (the audit's
cost) and, with `--dask`, on a local Dask cluster. For each: records/s over the flow run
(Prefect's own start and end times), the sum of batch work (time each batch spent in its
worker), and the Prefect overhead = flow run - batch work / workers, as a share of the flow run.
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
if "--cpu-worker" not in sys.argv:
    # A worker of --baseline-commit imports `redaction` from the tree on its PYTHONPATH.
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


def scrubline(
    path: Path, policy_path: str, out: Path, workers: int, batch_size: int, queues: bool = True
) -> float:
    import shutil

    from redaction.pipeline import run_pipeline

    # A fresh output folder: an earlier run's output would be skipped as unchanged (incremental).
    shutil.rmtree(out, ignore_errors=True)
    summary = run_pipeline([path], policy_path, out, workers=workers, batch_size=batch_size, queues=queues)
    assert summary.counters.records_in > 0
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
    parser.add_argument(
        "--flow", type=int, default=0, help="flow mode: records for end-to-end runs (e.g. 20000)"
    )
    parser.add_argument("--dask", action="store_true", help="flow mode: also run on a local Dask cluster")
    parser.add_argument("--flow-child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--ner-compare",
        action="store_true",
        help="detection CPU per record: base model's ner vs the shipped NER vs vanilla Presidio",
    )
    parser.add_argument(
        "--baseline-commit",
        help="marginal CPU per record of detection + redaction at this commit vs the current tree "
        "vs vanilla Presidio, in one run (e.g. 04330bd)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="--baseline-commit: interleaved rounds")
    parser.add_argument("--cpu-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu_worker:
        return cpu_worker(json.loads(args.cpu_worker))
    if args.flow_child:
        return flow_child(json.loads(args.flow_child))
    if args.flow:
        return flow_mode(args)

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
    if args.ner_compare:
        return ner_compare(args, policy, model, folder)
    if args.baseline_commit:
        return baseline_compare(args, policy, model, folder)
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
    bare_s = scrubline(path, args.policy, folder / "out-bare", workers, args.batch_size, queues=False)
    rate = lambda s: args.n / s  # noqa: E731
    print()
    print(f"{'system':<46} {'seconds':>8} {'records/s':>10} {'vs vanilla':>10}")
    rows = [
        ("vanilla Presidio (BatchAnalyzerEngine + Anonymizer)", vanilla_s),
        ("scrubline, 1 worker", one_s),
        (f"scrubline, {workers} workers", ours_s),
        (f"scrubline, {workers} workers, no queues", bare_s),
    ]
    for name, seconds in rows:
        print(f"{name:<46} {seconds:>8.1f} {rate(seconds):>10.1f} {vanilla_s / seconds:>9.2f}x")
    ratio = vanilla_s / ours_s
    print(f"\nratio scrubline ({workers} workers) / vanilla: {ratio:.2f} (target >= 2.0)")
    return ratio


def ner_compare(args, policy, model: str, folder: Path, chunk: int = 200) -> int:
    """CPU seconds per record of detection with the base ner, with the shipped one, and of
    vanilla Presidio's BatchAnalyzerEngine, on the same records, in one run."""
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from redaction.detect import Detector
    from redaction.fields import FieldPlan, split_record
    from redaction.runtime import configure_runtime

    path = write_input(folder, args.n)
    plan = FieldPlan(policy.fields)
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            _, slots, _ = split_record(json.loads(line), plan)
            records.append([slot.text for slot in slots])
    en = policy.languages["en"]
    base = policy.model_copy(update={"languages": {"en": en.model_copy(update={"ner": None})}})
    shipped = policy.model_copy(
        update={"languages": {"en": en.model_copy(update={"ner": "scrubline-pii-en"})}}
    )
    configure_runtime()
    detectors = {
        f"detection, {model}'s own ner": Detector(base),
        "detection, shipped ner (scrubline-pii-en)": Detector(shipped),
    }
    analyzer = AnalyzerEngine(nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}]))
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    runners = {
        name: (lambda texts, d=d: d.detect(texts, ["en"] * len(texts))) for name, d in detectors.items()
    }
    runners["vanilla Presidio BatchAnalyzerEngine"] = lambda texts: list(
        batch.analyze_iterator(texts, language="en")
    )
    for run in runners.values():  # load lazily loaded models, warm up
        run(records[0] + records[1])
    cpu = dict.fromkeys(runners, 0.0)
    for first in range(0, len(records), chunk):
        texts = [t for r in records[first : first + chunk] for t in r]
        for name, run in runners.items():
            started = time.process_time()
            run(texts)
            cpu[name] += time.process_time() - started
    n = len(records)
    print(f"{n} records ({sum(map(len, records))} texts), detection only, English, one process")
    print(f"{'system':<48} {'CPU s':>7} {'CPU ms/record':>14}")
    for name, seconds in cpu.items():
        print(f"{name:<48} {seconds:>7.1f} {1000 * seconds / n:>14.2f}")
    names = list(cpu)
    print(f"\nshipped / base ner, CPU per record: {cpu[names[1]] / cpu[names[0]]:.2f} (target <= 1.0)")
    return 0


# --- one-run comparison with an earlier commit (--baseline-commit) -----------------------------


def _record_sets(folder: Path, n: int, policy) -> dict[str, list[list[str]]]:
    """The record sets every system of --baseline-commit reads: generated support tickets (each
    record's string fields, as Scrubline splits them) and template sentences with addresses of
    40 locales (one text each, tests/data/tuning/templates.py). Written once by the current
    tree, so every tree reads the very same texts."""
    from redaction.fields import FieldPlan, split_record
    from tests.data.tuning.templates import address_sentences

    plan = FieldPlan(policy.fields)
    tickets = []
    with write_input(folder, n).open(encoding="utf-8") as handle:
        for line in handle:
            _, slots, _ = split_record(json.loads(line), plan)
            tickets.append([slot.text for slot in slots])
    import random

    sentences = address_sentences(n_per_locale=-(-n // 40), seed=5)
    templates = [[record["text"]] for record in random.Random(0).sample(sentences, min(n, len(sentences)))]
    return {"tickets": tickets, "templates": templates}


def cpu_worker(spec: dict) -> int:
    """A long-lived process of --baseline-commit: load once, then per line on stdin (a set name)
    redact that set and answer with the CPU seconds it took (process time) as one JSON line.

    `system` is "scrubline" (the `redaction` package first on PYTHONPATH: the baseline's tree or
    the current one, each with its own policy) or "vanilla" (BatchAnalyzerEngine + Anonymizer).
    """
    import logging

    logging.disable(logging.WARNING)
    sets = json.loads(Path(spec["sets"]).read_text(encoding="utf-8"))
    if spec["system"] == "vanilla":
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_anonymizer import AnonymizerEngine

        from redaction.runtime import configure_runtime

        configure_runtime()
        models = [{"lang_code": "en", "model_name": spec["model"]}]
        batch = BatchAnalyzerEngine(analyzer_engine=AnalyzerEngine(nlp_engine=SpacyNlpEngine(models=models)))
        anonymizer = AnonymizerEngine()

        def run(groups: list[list[str]]) -> None:
            texts = [t for group in groups for t in group]
            for text, found in zip(texts, batch.analyze_iterator(texts, language="en"), strict=True):
                anonymizer.anonymize(text=text, analyzer_results=found)

        where = "presidio"
    else:
        import redaction
        from redaction.anonymize import PseudonymStore
        from redaction.evaluate import _throwaway_keys
        from redaction.policy import load_policy
        from redaction.redactor import TextRedactor

        policy = load_policy(spec["policy"])
        store = PseudonymStore(Path(tempfile.mkdtemp(prefix="scrubline-bench-store-")) / "p.sqlite3")
        redactor = TextRedactor(policy, keys=_throwaway_keys(policy), store=store)
        language = policy.primary_language

        def run(groups: list[list[str]]) -> None:
            for first in range(0, len(groups), 64):  # the pipeline's batches, roughly
                chunk = groups[first : first + 64]
                outcomes = redactor.redact(chunk, [language] * len(chunk))
                assert not any(o.failed for o in outcomes), "a benchmark record failed"

        where = f"{Path(redaction.__file__).parents[1]} policy {policy.name} {policy.version}"
    for groups in sets.values():  # load lazily loaded models and word lists, warm up
        run(groups[:20])
    print(json.dumps({"ready": where}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        started = time.process_time()
        run(sets[name])
        print(json.dumps({"cpu": time.process_time() - started}), flush=True)
    return 0


def baseline_compare(args, policy, model: str, folder: Path) -> int:
    """Marginal CPU ms/record of detection + redaction at `args.baseline_commit`, at the current
    tree and of vanilla Presidio, on the same records, rounds interleaved, medians printed."""
    import statistics

    rev = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", args.baseline_commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = Path(tempfile.mkdtemp(prefix=f"scrubline-baseline-{rev}-"))
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev],
        capture_output=True,
        check=True,
    )
    sets = _record_sets(folder, args.n, policy)
    sets_path = folder / "baseline-sets.json"
    sets_path.write_text(json.dumps(sets), encoding="utf-8")
    systems = {
        f"baseline {rev}": {"system": "scrubline", "tree": tree},
        "current tree": {"system": "scrubline", "tree": REPO},
        "vanilla Presidio": {"system": "vanilla", "tree": REPO},
    }
    workers: dict[str, subprocess.Popen] = {}
    try:
        for name, system in systems.items():
            spec = {
                "system": system["system"],
                "sets": str(sets_path),
                "model": model,
                "policy": str(system["tree"] / "policies" / "default.yaml"),
            }
            env = {**os.environ, "PYTHONPATH": str(system["tree"])}
            workers[name] = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--cpu-worker", json.dumps(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=system["tree"],
            )
        for name, worker in workers.items():  # one at a time: loading is not measured
            ready = json.loads(worker.stdout.readline())
            print(f"{name:<18} {ready['ready']}")
        cpu = {(name, s): [] for name in workers for s in sets}
        for round_ in range(args.rounds):
            for set_name in sets:
                for name, worker in workers.items():
                    worker.stdin.write(set_name + "\n")
                    worker.stdin.flush()
                    seconds = json.loads(worker.stdout.readline())["cpu"]
                    cpu[(name, set_name)].append(1000 * seconds / len(sets[set_name]))
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)
    finally:
        for worker in workers.values():
            if worker.stdin:
                worker.stdin.close()
            worker.wait(timeout=60)
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
    base, current, vanilla = list(workers)
    print(
        f"\nCPU ms/record (process time, models loaded and warmed up; median of {args.rounds} rounds, "
        "each round runs every system in turn on the same records)"
    )
    header = f"{'set':<10} {'records':>7} " + " ".join(f"{name:>18}" for name in workers)
    print(header + f" {'cur/base':>9} {'cur/vanilla':>11} {'base/vanilla':>12}")
    ok = True
    for set_name, groups in sets.items():
        med = {name: statistics.median(cpu[(name, set_name)]) for name in workers}
        spread = {name: max(cpu[(name, set_name)]) - min(cpu[(name, set_name)]) for name in workers}
        cells = " ".join(f"{med[name]:>10.2f} ±{spread[name] / 2:>6.2f}" for name in workers)
        print(
            f"{set_name:<10} {len(groups):>7} {cells} {med[current] / med[base]:>9.2f} "
            f"{med[current] / med[vanilla]:>11.2f} {med[base] / med[vanilla]:>12.2f}"
        )
        ok = ok and med[current] <= med[base]
    print("(± half the range over the rounds; the machine may be shared: rounds interleave so load hits all)")
    print(f"current <= baseline on every set: {'yes' if ok else 'no'}")
    return 0


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


# --- flow mode ---------------------------------------------------------------------------------


def _flow_run_seconds(api_url: str, run_id: str) -> float:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    flow_run_id = f"{run_id[:8]}-{run_id[8:12]}-{run_id[12:16]}-{run_id[16:20]}-{run_id[20:]}"

    async def read():
        async with get_client() as client:
            return await client.read_flow_run(flow_run_id)

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        flow_run = asyncio.run(read())
    return (flow_run.end_time - flow_run.start_time).total_seconds()


def flow_child(params: dict) -> int:
    """Run the flow in this process with the given parameters; print its summary as JSON."""
    from flows.prefect_setup import prepare_prefect

    prepare_prefect()
    from flows.redact import redact_dataset

    print(json.dumps(redact_dataset(**params)))
    return 0


def flow_mode(args) -> int:
    os.environ.setdefault("SCRUBLINE_HOME", tempfile.mkdtemp(prefix="scrubline-bench-home-"))
    from redaction.pipeline import default_workers

    workers = args.workers or default_workers()
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="scrubline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = write_input(folder, args.flow)
    home = Path(tempfile.mkdtemp(prefix="scrubline-bench-prefect-"))
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        from flows.prefect_setup import LocalServer

        server = LocalServer(home).__enter__()
        api_url = server.url
    env = {**os.environ, "PREFECT_API_URL": api_url}
    print(f"flow mode: {args.flow} records, {os.cpu_count()} cores, batch size {args.batch_size}")
    print(f"Prefect server: {api_url}")
    scrubline_cli = str(Path(sys.executable).parent / "scrubline")
    variants = [
        ("scrubline run, 1 worker", "cli", {"workers": 1}),
        (f"scrubline run, {workers} workers", "cli", {"workers": workers}),
        (f"flow, {workers} workers, audit off", "child", {"workers": workers, "audit": False}),
    ]
    if args.dask:
        variants.append(
            (f"scrubline run, Dask {workers} workers", "cli", {"workers": workers, "executor": "dask"})
        )
    results = []
    try:
        for index, (name, how, options) in enumerate(variants):
            out = folder / f"flow-out-{index}"
            if out.exists():
                import shutil

                shutil.rmtree(out)
            started = time.perf_counter()
            if how == "cli":
                command = [
                    scrubline_cli,
                    "run",
                    str(path),
                    "--policy",
                    args.policy,
                    "--out",
                    str(out),
                    "--batch-size",
                    str(args.batch_size),
                    "--workers",
                    str(options["workers"]),
                    "--executor",
                    options.get("executor", "processes"),
                    "--json",
                    "--no-progress",
                ]
            else:
                params = {
                    "inputs": [str(path)],
                    "policy": args.policy,
                    "out": str(out),
                    "batch_size": args.batch_size,
                    **options,
                }
                command = [sys.executable, __file__, "--flow-child", json.dumps(params)]
            result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
            wall = time.perf_counter() - started
            if result.returncode != 0:
                print(result.stderr[-3000:])
                return 1
            summary = json.loads(result.stdout.strip().splitlines()[-1] if how == "child" else result.stdout)
            assert summary["reconciled"] and summary["records_in"] == args.flow
            flow_s = _flow_run_seconds(api_url, summary["run_id"])
            work = summary["batch_seconds"] / summary["workers"]
            results.append((name, wall, flow_s, summary["batch_seconds"], summary["workers"], work))
    finally:
        if server is not None:
            server.__exit__()
    print()
    print(f"{'variant':<36} {'command s':>9} {'flow s':>7} {'rec/s':>7} {'batch work s':>12} {'overhead':>9}")
    for name, wall, flow_s, batch_s, _, work in results:
        overhead = (flow_s - work) / flow_s
        rate = args.flow / flow_s
        print(f"{name:<36} {wall:>9.1f} {flow_s:>7.1f} {rate:>7.1f} {batch_s:>12.1f} {overhead:>8.1%}")
    one, parallel, no_audit = results[0][2], results[1][2], results[2][2]
    speedup = one / parallel
    overhead_parallel = (results[1][2] - results[1][5]) / results[1][2]
    overhead_one = (results[0][2] - results[0][5]) / results[0][2]
    audit_cost = (parallel - no_audit) / no_audit
    print()
    print(f"parallel ({workers} workers) vs 1 worker: {speedup:.2f}x (target >= 1.7)")
    print(
        f"Prefect overhead: {overhead_one:.1%} with 1 worker, {overhead_parallel:.1%} with {workers}", end=""
    )
    print(" (target < 15%)")
    print(
        f"audit log cost: {audit_cost:+.1%} of the run ({parallel:.1f} s with, {no_audit:.1f} s without;",
        end="",
    )
    print(" target < 10%)")
    ok = speedup >= 1.7 and max(overhead_one, overhead_parallel) < 0.15 and audit_cost < 0.10
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
