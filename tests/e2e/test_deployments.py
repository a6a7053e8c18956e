"""prefect.yaml: every deployment loads, matches its flow, deploys to a real server and runs."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import yaml
from prefect.flows import Flow

from tests.data.generators import generate_records

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")


def deployments() -> list[dict]:
    return yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]


def load_entrypoint(entrypoint: str) -> Flow:
    path, name = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def test_every_deployment_entrypoint_imports_and_its_parameters_match_the_flow():
    found = deployments()
    assert {d["name"] for d in found} == {"on-demand", "landing-zone"}
    for deployment in found:
        flow = load_entrypoint(deployment["entrypoint"])
        assert isinstance(flow, Flow), deployment["name"]
        signature = inspect.signature(flow.fn)
        parameters = deployment["parameters"]
        unknown = set(parameters) - set(signature.parameters)
        assert not unknown, f"{deployment['name']}: parameters not in the flow signature: {unknown}"
        required = {n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty}
        assert required <= set(parameters), (
            f"{deployment['name']}: missing required {required - set(parameters)}"
        )
        flow.validate_parameters(parameters)  # Prefect's own type validation
        assert (REPO / parameters["policy"]).exists()
        assert deployment["work_pool"]["name"] == "scrubline-local"
        assert "scrubline" in deployment["tags"]
    landing = next(d for d in found if d["name"] == "landing-zone")
    from prefect.client.schemas.schedules import CronSchedule

    for schedule in landing["schedules"]:
        CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])  # raises if invalid
    assert landing["parameters"]["allow_empty"] is True and landing["parameters"]["settle_seconds"] > 0


def prefect(*args: str, env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PREFECT, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout
    )
    assert result.returncode == 0, (
        f"prefect {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )
    return result


def test_deploy_all_to_a_real_server_and_run_a_deployment_to_completion(tmp_path, prefect_api):
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "SCRUBLINE_HOME": str(tmp_path / "home")}
    prefect("work-pool", "create", "scrubline-local", "--type", "process", "--overwrite", env=env)
    deployed = prefect("--no-prompt", "deploy", "--all", env=env)
    assert "redact-dataset/on-demand" in deployed.stdout and "redact-dataset/landing-zone" in deployed.stdout

    records, _ = generate_records(25, seed=47)
    source = tmp_path / "in" / "tickets.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    params = {"inputs": [str(source)], "out": str(out), "workers": 1, "batch_size": 10}
    started = prefect(
        "deployment", "run", "redact-dataset/on-demand", "--params", json.dumps(params), env=env
    )
    import re

    match = re.search(r"UUID: ([0-9a-f-]{36})", started.stdout)
    assert match, started.stdout
    flow_run_id = match.group(1)

    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "scrubline-local", "--run-once"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = worker.communicate(timeout=300)
    finally:
        worker.kill()

    async def state():
        from prefect.client.orchestration import get_client

        async with get_client() as client:
            return (await client.read_flow_run(flow_run_id)).state

    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):
        deadline = time.monotonic() + 60
        final = asyncio.run(state())
        while not final.is_final() and time.monotonic() < deadline:
            time.sleep(1)
            final = asyncio.run(state())
    assert final.is_completed(), f"flow run ended {final.type}: {output[-3000:]}"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["records_in"] == 25 and summary["reconciled"]
    written = [p for kind in ("records", "held") for p in (out / kind).glob("*.parquet")]
    assert sum(pq.read_metadata(p).num_rows for p in written) == 25
