"""The `redact-dataset` Prefect flow: a composition of the core in `redaction/`.

validate-policy -> discover-inputs -> plan-batches -> redact-batch (one task per batch, in
parallel) -> finalise-run. Tasks pass references (paths, batch offsets, counts), never record
content: each batch is read, redacted, written and audited inside the worker process that runs
it, and results are not persisted, so no personal data reaches Prefect's result storage, logs
or database.

Executors (parameter `executor`):
- `processes` (default): Prefect runs the batch tasks in threads of the flow process; each hands
  its batch to a pool of worker processes (one per core, spaCy model loaded once per worker).
  Chosen by measurement over Prefect's own process-pool task runner: see
  `benchmarks/throughput.py --flow`.
- `dask`: the batch tasks run on a Dask cluster through `prefect-dask`; each Dask worker process
  loads the model once (cached per process). `dask_address` points at an existing scheduler;
  without it a local cluster with `workers` single-threaded worker processes is started.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import Field

from flows.console import CONSOLE, progress_stream
from redaction.audit import record_run_failure
from redaction.errors import ScrublineError
from redaction.io import Source, discover_inputs
from redaction.pipeline import (
    BatchOutcome,
    BatchProcessor,
    Counters,
    Job,
    RunPlan,
    RunSummary,
    complete_sources,
    default_workers,
    finish_run,
    open_audit,
    plan_run,
    run_batch_here,
)
from redaction.policy import load_policy
from redaction.preflight import check_recognizers
from redaction.state import OutputLock

# The worker pool of the flow run in this process (executor "processes"); batch tasks running
# in this process's threads hand their batch to it. Absent in Dask workers: they run batches
# themselves with a per-process cached worker.
_POOLS: dict[str, BatchProcessor] = {}


def stop_worker_pools() -> None:
    """End this process's worker pools now (batches in flight are not committed); for a process
    about to exit without its usual shutdown."""
    for pool in list(_POOLS.values()):
        pool.abort()


def _is_transient(task, task_run, state) -> bool:
    """Retry only errors the core marks as transient (a busy store, an I/O hiccup)."""
    try:
        state.result()
    except ScrublineError as exc:
        return exc.transient
    except OSError:
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


@task(name="validate-policy", persist_result=False, cache_policy=NO_CACHE)
def validate_policy(policy: str) -> dict[str, str]:
    """Load and check the policy (entities have recognizers) before any record is read."""
    loaded = load_policy(policy)
    check_recognizers(loaded)
    return {"name": loaded.name, "version": loaded.version, "sha256": loaded.content_hash()}


@task(name="discover-inputs", persist_result=False, cache_policy=NO_CACHE)
def discover(inputs: list[str], settle_seconds: int = 0, allow_empty: bool = False) -> list[Source]:
    """The input files; in a landing zone, files modified in the last `settle_seconds` are left
    for the next run (they may still be being written)."""
    sources = discover_inputs(inputs, allow_empty=allow_empty)
    if settle_seconds <= 0:
        return sources
    cutoff = time.time() - settle_seconds
    ready = [s for s in sources if os.stat(s.path).st_mtime <= cutoff]
    if len(ready) < len(sources):
        get_run_logger().info(
            "%d file(s) modified in the last %d s left for the next run",
            len(sources) - len(ready),
            settle_seconds,
            extra=CONSOLE,
        )
    return ready


@task(name="plan-batches", persist_result=False, cache_policy=NO_CACHE)
def plan(sources: list[Source], policy: str, out: str, batch_size: int, audit: bool) -> RunPlan:
    """Finish or undo what an interrupted run left, skip unchanged files, cut the rest into
    batches by reference (byte or row offsets)."""
    loaded = load_policy(policy)
    log = open_audit() if audit else None
    result = plan_run(sources, loaded, out, batch_size, exported=log.has_export if log else None)
    logger = get_run_logger()
    logger.info(
        "%d input file(s): %d unchanged and skipped; %d batch(es) to redact, %d kept from interrupted run(s)",
        len(sources),
        len(result.skipped),
        len(result.todo),
        result.reused.batches,
        extra=CONSOLE,
    )
    for note in result.notes:  # once per file: names files, fields and columns, never content
        logger.warning("%s", note)
    return result


def batch_label(ref) -> str:
    """What a batch is called where a person sees it (its task run's name): the file it reads
    and its place in it, e.g. `tickets.jsonl#3` for the third batch of tickets.jsonl."""
    return f"{Path(ref.source.path).name}#{ref.index + 1}"


def _batch_task_run_name(parameters: dict[str, Any]) -> str:
    return f"redact-batch[{batch_label(parameters['ref'])}]"


@task(
    name="redact-batch",
    task_run_name=_batch_task_run_name,
    persist_result=False,
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=_is_transient,
)
def redact_batch(job: Job, ref) -> BatchOutcome:
    """Read, redact, write and audit one batch; returns counts only."""
    pool = _POOLS.get(job.run_id)
    if pool is not None:
        return pool.process(ref)
    return run_batch_here(job, ref)


@task(name="finalise-run", persist_result=False, cache_policy=NO_CACHE)
def finalise_run(
    summary: RunSummary, run_plan: RunPlan, policy: str, batch_size: int, audit: bool
) -> dict[str, Any]:
    """Mark sources done, reconcile the counts, write summary.json, the audit's run-finished
    event and the run report artifacts."""
    loaded = load_policy(policy)
    complete_sources(run_plan, loaded, summary.out, batch_size, summary.run_id)
    finish_run(summary, open_audit() if audit else None)
    data = summary.to_dict()
    _report_artifacts(summary, data)
    return data


def _report_artifacts(summary: RunSummary, data: dict[str, Any]) -> None:
    rows = [
        {"measure": "records in", "value": data["records_in"]},
        {"measure": "redacted", "value": data["redacted"]},
        {"measure": "held for privacy review", "value": data.get("held", 0)},
        {"measure": "quarantined", "value": data["quarantined"]},
        *({"measure": f"quarantined: {k}", "value": v} for k, v in data["quarantined_by_reason"].items()),
        *({"measure": f"entity: {k}", "value": v} for k, v in data["entities_by_type"].items()),
        {"measure": "filtered", "value": data["filtered"]},
        *({"measure": f"filtered: {k}", "value": v} for k, v in data.get("filtered_by_reason", {}).items()),
        *({"measure": f"queue: {k}", "value": v} for k, v in data["queues"].items()),
        {"measure": "input files skipped (unchanged)", "value": data["plan"].get("sources_skipped", 0)},
        {"measure": "batches redacted", "value": data["batches"]},
        {"measure": "batches kept from interrupted runs", "value": data["plan"].get("batches_reused", 0)},
        {"measure": "seconds", "value": data["seconds"]},
        {"measure": "records/s", "value": data["records_per_second"]},
    ]
    create_table_artifact(
        key="redaction-summary",
        table=rows,
        description=f"Policy {summary.policy_name} {summary.policy_version}; counts only, no record content.",
    )
    entities = sorted(data["entities_by_type"].items(), key=lambda kv: (-kv[1], kv[0]))
    top = max((v for _, v in entities), default=1)
    lines = [
        f"# Redaction run `{summary.run_id[:12]}`",
        "",
        f"Policy **{summary.policy_name} {summary.policy_version}** (sha256 `{summary.policy_hash[:12]}`), "
        f"{summary.workers} worker(s), executor `{summary.executor}`.",
        "",
        "| records in | redacted | held | filtered | quarantined | reconciled | records/s |",
        "|---:|---:|---:|---:|---:|:---:|---:|",
        f"| {data['records_in']} | {data['redacted']} | {data.get('held', 0)} | {data['filtered']} | "
        f"{data['quarantined']} | "
        f"{'yes' if data['reconciled'] else '**NO**'} | {data['records_per_second']} |",
        "",
        "## Entities by type",
        "",
        "| entity | count | |",
        "|---|---:|---|",
        *(f"| {name} | {count} | {'█' * max(1, round(20 * count / top))} |" for name, count in entities),
    ]
    if data["queues"] or data["filtered"]:
        lines += ["", "## Annotation queues", "", "| queue | records |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in data["queues"].items()]
        lines += [f"| (filtered by a routing rule) | {data['filtered']} |"] if data["filtered"] else []
    if data["quarantined_by_reason"]:
        lines += ["", "## Quarantined by reason", "", "| reason | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in data["quarantined_by_reason"].items()]
    if data["plan"].get("notes"):
        lines += ["", "## Notes on the inputs", ""]
        lines += [f"- {note}" for note in data["plan"]["notes"]]
    lines += [
        "",
        f"Output: `{Path(summary.out) / 'records'}`; quarantine (restricted): "
        f"`{Path(summary.out) / 'quarantine'}`. Counts only: no record content.",
    ]
    create_markdown_artifact(key="redaction-report", markdown="\n".join(lines), description="Run report")


def _load_secret_blocks(blocks: dict[str, str]) -> None:
    """Put keys held in Prefect Secret blocks into this process's environment, where the core
    (and the worker processes it starts) look for them. A missing block is a clear error."""
    if not blocks:
        return
    from prefect.blocks.system import Secret

    for variable, block in blocks.items():
        if not variable.isidentifier():
            raise ScrublineError(f"secret_blocks: '{variable}' is not an environment variable name")
        try:
            value = Secret.load(block).get()
        except ValueError:
            raise ScrublineError(
                f"secret_blocks.{variable}: no Prefect Secret block named '{block}' "
                "(create it with prefect.blocks.system.Secret(value=...).save(name))"
            ) from None
        os.environ[variable] = str(value)
    get_run_logger().info("keys loaded from Prefect Secret blocks for: %s", ", ".join(sorted(blocks)))


def _flow_run_id() -> str | None:
    context = get_run_context()
    flow_run = getattr(context, "flow_run", None)
    return str(flow_run.id) if flow_run is not None else None


def _flow_run_name() -> str | None:
    flow_run = getattr(get_run_context(), "flow_run", None)
    return flow_run.name if flow_run is not None else None


def _task_runner(executor: str, workers: int, dask_address: str | None):
    if executor == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    return ThreadPoolTaskRunner(max_workers=2 * workers)


@flow(name="redact-dataset", persist_result=False, log_prints=False, validate_parameters=True)
def redact_dataset(
    inputs: list[str],
    policy: str = "policies/default.yaml",
    out: str = "out",
    batch_size: Annotated[int, Field(ge=1, le=1_000_000)] = 500,
    workers: Annotated[int, Field(ge=0, le=512)] = 0,
    executor: Literal["processes", "dask"] = "processes",
    dask_address: str | None = None,
    settle_seconds: Annotated[int, Field(ge=0)] = 0,
    allow_empty: bool = False,
    audit: bool = True,
    secret_blocks: dict[str, str] | None = None,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Redact records from files or folders (e.g. a landing zone) per a policy into
    `out/records` and `out/quarantine`.

    Files already processed with the same policy and unchanged (by content hash) are skipped;
    an interrupted run over the same `out` is resumed. workers=0 uses every core. For a landing
    zone: `settle_seconds` leaves files modified that recently for the next run, `allow_empty`
    makes an empty folder a run with nothing to do instead of an error.

    `secret_blocks` maps key environment variables to Prefect Secret blocks holding the keys
    (e.g. {"SCRUBLINE_AUDIT_KEY": "scrubline-audit-key"}): loaded before anything else, never
    logged, and handed to the worker processes through their environment.
    """
    _load_secret_blocks(secret_blocks or {})
    run_id = (_flow_run_id() or os.urandom(16).hex()).replace("-", "")
    try:
        return _redact(
            run_id, inputs, policy, out, batch_size, workers, executor, dask_address,
            settle_seconds, allow_empty, audit, show_progress,
        )  # fmt: skip
    except BaseException as exc:
        if audit:  # a run that stops leaves a trace: run_failed, with its reason and no content
            record_run_failure(run_id, "flow", exc, out=out, flow_run_id=_flow_run_id())
        raise


def _redact(
    run_id: str,
    inputs: list[str],
    policy: str,
    out: str,
    batch_size: int,
    workers: int,
    executor: str,
    dask_address: str | None,
    settle_seconds: int,
    allow_empty: bool,
    audit: bool,
    show_progress: bool,
) -> dict[str, Any]:
    workers = workers or default_workers()
    get_run_logger().info("Prefect flow run %r", _flow_run_name(), extra=CONSOLE)
    policy_info = validate_policy(policy)
    loaded = load_policy(policy)
    sources = discover(inputs, settle_seconds, allow_empty)
    Path(out).mkdir(parents=True, exist_ok=True)
    with OutputLock(out) as lock:
        started = time.perf_counter()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        run_plan = plan(sources, policy, out, batch_size, audit)
        if audit:
            open_audit().run_started(
                run_id,
                policy=loaded,
                parameters={
                    "batch_size": batch_size,
                    "workers": workers,
                    "executor": executor,
                    "out": out,
                    "inputs": inputs,
                },
                inputs=[s.describe() for s in sources],
                flow_run_id=_flow_run_id(),
                resumes=run_plan.resumes or None,
            )
        # Workers on this machine commit only while this run holds OUT's lock; a remote Dask
        # cluster's workers cannot see this machine's locks.
        holder = None if executor == "dask" and dask_address else lock.holder()
        job = Job(loaded, out, run_id, audit, holder=holder)
        counters, batch_seconds = _run_batches(job, run_plan, executor, workers, dask_address, show_progress)
        summary = RunSummary(
            run_id=run_id,
            policy_name=policy_info["name"],
            policy_version=policy_info["version"],
            policy_hash=policy_info["sha256"],
            out=out,
            inputs=[source.describe() for source in sources],
            counters=counters,
            started_at=started_at,
            seconds=time.perf_counter() - started,
            batch_seconds=batch_seconds,
            workers=workers,
            executor=executor,
            plan=run_plan.to_dict(),
        )
        return finalise_run(summary, run_plan, policy, batch_size, audit)


def _run_batches(
    job: Job, run_plan: RunPlan, executor: str, workers: int, dask_address: str | None, show_progress: bool
) -> tuple[Counters, float]:
    counters = Counters()
    batch_seconds = 0.0
    total = len(run_plan.todo)
    progress_id = create_progress_artifact(
        progress=0.0 if total else 100.0,
        key="redaction-progress",
        description=f"Batches redacted of {total} (counts only)",
    )
    bar = None
    if show_progress:
        from tqdm import tqdm

        # On the terminal, standard error relayed above it (flows/console.py); as wide as it.
        bar = tqdm(
            desc="batches", unit="batch", total=total, leave=False, file=progress_stream(), dynamic_ncols=True
        )
    pool = None
    if executor == "processes":
        pool = BatchProcessor(job, workers).__enter__()
        _POOLS[job.run_id] = pool
    try:
        if total:
            with _task_runner(executor, workers, dask_address) as runner:
                futures = [runner.submit(redact_batch, {"job": job, "ref": ref}) for ref in run_plan.todo]
                done = 0
                reported = 0.0
                try:
                    for future in as_completed(futures):
                        outcome: BatchOutcome = future.result()
                        counters.add(outcome.counters)
                        batch_seconds += outcome.seconds
                        done += 1
                        if bar is not None:
                            bar.update(1)
                        percent = 100.0 * done / total
                        if percent - reported >= 5 or done == total:
                            update_progress_artifact(progress_id, progress=percent)
                            reported = percent
                except BaseException:
                    # SIGTERM, Ctrl-C, a failed batch or a lost server: stop now, before the task
                    # runner waits for every batch task. Batches not started are cancelled and
                    # running ones ended (each commits atomically or not at all).
                    if pool is not None:
                        pool.abort()
                    raise
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            _POOLS.pop(job.run_id, None)
            pool.__exit__(None, None, None)
    return counters, batch_seconds
