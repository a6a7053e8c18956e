"""The `redact-dataset` Prefect flow: a thin composition of the core in `redaction/`.

Tasks pass references (paths, counts), never record content, and results are not persisted,
so no personal data reaches Prefect's result storage, logs or database. The batches themselves
are processed by the core's worker pool (one spaCy model per worker process).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.context import get_run_context

from redaction.detect import build_registry
from redaction.errors import ScrublineError
from redaction.io import Source, discover_inputs
from redaction.pipeline import (
    Counters,
    RunSummary,
    default_workers,
    redact_sources,
    write_summary,
)
from redaction.policy import load_policy


def _is_transient(task, task_run, state) -> bool:
    """Retry only errors the core marks as transient (a busy store, an I/O hiccup)."""
    try:
        state.result()
    except ScrublineError as exc:
        return exc.transient
    except Exception:  # noqa: BLE001
        return False
    return False


@task(name="validate-policy", persist_result=False)
def validate_policy(policy: str) -> dict[str, str]:
    """Load and check the policy (entities have recognizers) before any record is read."""
    loaded = load_policy(policy)
    build_registry(loaded)
    return {"name": loaded.name, "version": loaded.version, "sha256": loaded.content_hash()}


@task(name="discover-inputs", persist_result=False)
def discover(inputs: list[str]) -> list[Source]:
    return discover_inputs(inputs)


@task(
    name="redact-batches",
    persist_result=False,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=_is_transient,
)
def redact_batches(
    sources: list[Source],
    policy: str,
    out: str,
    batch_size: int,
    workers: int,
    show_progress: bool,
) -> dict[str, Any]:
    """Redact every batch of every source into `out`; return the counters (counts only)."""
    loaded = load_policy(policy)
    progress = None
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(desc="records", unit="rec", total=None, leave=False)
        progress = bar.update
    try:
        counters = redact_sources(
            sources, loaded, out, batch_size=batch_size, workers=workers, progress=progress
        )
    finally:
        if bar is not None:
            bar.close()
    get_run_logger().info(
        "redacted %d sources: %d records in, %d redacted, %d quarantined",
        len(sources),
        counters.records_in,
        counters.redacted,
        counters.quarantined_total,
    )
    return counters.to_dict()


@task(name="finalise-run", persist_result=False)
def finalise_run(
    policy_info: dict[str, str],
    sources: list[Source],
    counters: dict[str, Any],
    out: str,
    started_at: str,
    seconds: float,
) -> dict[str, Any]:
    """Reconcile the counts, write summary.json and the run's report artifact."""
    run_id = uuid.uuid4().hex
    context = get_run_context()
    flow_run = getattr(getattr(context, "task_run", None), "flow_run_id", None)
    if flow_run is not None:
        run_id = str(flow_run).replace("-", "")
    summary = RunSummary(
        run_id=run_id,
        policy_name=policy_info["name"],
        policy_version=policy_info["version"],
        policy_hash=policy_info["sha256"],
        out=out,
        inputs=[source.describe() for source in sources],
        counters=Counters.from_dict(counters),
        started_at=started_at,
        seconds=seconds,
    )
    write_summary(summary)
    if not summary.counters.reconciles():
        raise ScrublineError(f"{out}: run counts do not reconcile: {counters}")
    data = summary.to_dict()
    rows = [
        {"measure": "records in", "value": data["records_in"]},
        {"measure": "redacted", "value": data["redacted"]},
        {"measure": "quarantined", "value": data["quarantined"]},
        *({"measure": f"quarantined: {k}", "value": v} for k, v in data["quarantined_by_reason"].items()),
        *({"measure": f"entity: {k}", "value": v} for k, v in data["entities_by_type"].items()),
        {"measure": "seconds", "value": data["seconds"]},
        {"measure": "records/s", "value": data["records_per_second"]},
    ]
    create_table_artifact(
        key="redaction-summary",
        table=rows,
        description=f"Policy {summary.policy_name} {summary.policy_version}; counts only, no record content.",
    )
    return data


@flow(name="redact-dataset", persist_result=False, log_prints=False)
def redact_dataset(
    inputs: list[str],
    policy: str = "policies/default.yaml",
    out: str = "out",
    batch_size: int = 500,
    workers: int = 0,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Redact records from files or folders per a policy into `out/records` and `out/quarantine`.

    workers=0 uses every core of the machine.
    """
    policy_info = validate_policy(policy)
    sources = discover(inputs)
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    Path(out).mkdir(parents=True, exist_ok=True)
    counters = redact_batches(
        sources, policy, out, batch_size, workers or default_workers(), show_progress
    )
    return finalise_run(
        policy_info, sources, counters, out, started_at, time.perf_counter() - started
    )
