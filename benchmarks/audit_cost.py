"""What auditing costs per record, against what redacting costs.

Generates support tickets (tests/data/generators.py), redacts them batch by batch with the real
BatchRedactor, and times separately: redaction, `batch_events` (keyed digests of ids, inputs
and outputs, canonical JSON: runs in the workers), `append_batch` (hash chain, one SQLite
transaction per batch: runs in the workers too), `run_finished`, and a full `verify`.

    .venv/bin/python benchmarks/audit_cost.py                 # 20,000 records, batches of 500
    .venv/bin/python benchmarks/audit_cost.py --records 2000

State goes to a temporary SCRUBLINE_HOME (keys, pseudonyms, the audit log) unless --home is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="audit cost per record vs redaction")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--policy", default=str(REPO / "policies" / "default.yaml"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--home", help="SCRUBLINE_HOME to use (default: a temporary folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    scratch = tempfile.TemporaryDirectory(prefix="scrubline-audit-bench-")
    os.environ["SCRUBLINE_HOME"] = args.home or str(Path(scratch.name) / "home")

    from redaction.audit import AuditLog, ExportRecord, batch_events
    from redaction.io import discover_inputs, read_batches
    from redaction.pipeline import BatchRedactor, Counters
    from redaction.policy import load_policy
    from tests.data.generators import generate_records

    policy = load_policy(args.policy)
    records, _ = generate_records(args.records, args.seed)
    source_path = Path(scratch.name) / "tickets.jsonl"
    with source_path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    (source,) = discover_inputs([source_path])

    redactor = BatchRedactor(policy, None)
    log = AuditLog()
    key = log.record_key()
    run_id = uuid.uuid4().hex
    timings = {"redact": 0.0, "batch_events": 0.0, "append_batch": 0.0}
    entries = 0
    total = Counters()

    started = time.perf_counter()
    log.run_started(
        run_id, policy=policy, parameters={"batch_size": args.batch_size}, inputs=[source.describe()]
    )
    timings["run_started"] = time.perf_counter() - started
    for batch in read_batches(source, args.batch_size, policy.fields.id):
        t0 = time.perf_counter()
        result = redactor.redact(batch)
        t1 = time.perf_counter()
        # One records file per batch, as the pipeline writes (path and digest only: not written here).
        exports = [
            ExportRecord(
                "records", str(Path(scratch.name) / f"{batch.key}.parquet"), "0" * 64, len(result.rows)
            )
        ]
        routes = {done.record_id: ("annotate", False) for done in result.redacted}
        events = batch_events(key, batch, result, exports, routes)
        t2 = time.perf_counter()
        log.append_batch(run_id, batch.key, events)
        t3 = time.perf_counter()
        timings["redact"] += t1 - t0
        timings["batch_events"] += t2 - t1
        timings["append_batch"] += t3 - t2
        entries += len(events)
        total.add(result.counters)
        print(f"\r{total.records_in} records", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    t0 = time.perf_counter()
    log.run_finished(run_id, total.to_dict())
    timings["run_finished"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    verified = log.verify()
    timings["verify"] = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in log.path.parent.iterdir() if p.is_file())
    log.close()

    n = total.records_in
    audit = (
        timings["batch_events"] + timings["append_batch"] + timings["run_started"] + timings["run_finished"]
    )
    report = {
        "records": n,
        "batches": total.batches,
        "entries": entries + 2,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "audit_seconds": round(audit, 3),
        "audit_us_per_record": round(1e6 * audit / n, 1),
        "redact_us_per_record": round(1e6 * timings["redact"] / n, 1),
        "audit_share_of_redaction": round(audit / timings["redact"], 4),
        "store_bytes": size,
        "verified": verified.ok,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        s = report["seconds"]
        print(f"records                 {n} in {total.batches} batches, {report['entries']} audit entries")
        print(
            f"redaction               {s['redact']:.2f} s  ({report['redact_us_per_record']:.0f} us/record)"
        )
        print(f"batch_events (workers)  {s['batch_events']:.3f} s")
        print(f"append_batch            {s['append_batch']:.3f} s")
        print(f"run_started + finished  {s['run_started'] + s['run_finished']:.3f} s")
        print(
            f"audit total             {audit:.3f} s  ({report['audit_us_per_record']:.1f} us/record, "
            f"{100 * report['audit_share_of_redaction']:.2f}% of redaction time)"
        )
        print(f"verify (whole log)      {s['verify']:.3f} s  ({'OK' if verified.ok else verified.message})")
        print(f"audit store             {size / 1e6:.1f} MB")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
