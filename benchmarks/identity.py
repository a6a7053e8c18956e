"""What record identity costs at planning, against planning without it and against redacting.

Generates support tickets (tests/data/generators.py) into two JSONL files that share half their
ids, and times, in one process:

- baseline: `plan_source` of both files (what planning did before: cut batches, find duplicate
  ids within each file);
- the identity pass (`plan_identities`: read every planned batch, keyed digests of ids and
  contents, decisions against the ledger) with an empty ledger, two sources;
- loading the ledger of an output folder holding the first file's committed batch markers;
- redacting one batch of the same records with the real BatchRedactor (per record), for scale.

    .venv/bin/python benchmarks/identity.py                 # 20,000 records, batches of 500
    .venv/bin/python benchmarks/identity.py --records 4000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="record identity cost at planning")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--policy", default=str(REPO / "policies" / "default.yaml"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    scratch = tempfile.TemporaryDirectory(prefix="scrubline-identity-bench-")
    base = Path(scratch.name)
    os.environ["SCRUBLINE_HOME"] = str(base / "home")

    from redaction.identity import IdLedger, RecordIdentity, identity_key, marker_identities
    from redaction.io import discover_inputs, plan_source, read_batch
    from redaction.pipeline import BatchRedactor, plan_identities
    from redaction.policy import load_policy
    from redaction.state import BatchMarker, OutputFile, OutputState
    from tests.data.generators import generate_records

    policy = load_policy(args.policy)
    records, _ = generate_records(args.records, seed=7)
    half = args.records // 2
    inputs = base / "in"
    inputs.mkdir()
    for name, part in (("a.jsonl", records[: half + half // 2]), ("b.jsonl", records[half // 2 :])):
        (inputs / name).write_text("".join(json.dumps(r) + "\n" for r in part))
    sources = discover_inputs([inputs])
    identity = RecordIdentity(identity_key())
    out = OutputState(base / "out")

    started = time.perf_counter()
    planned = [(s, plan_source(s, args.batch_size, policy.fields).refs) for s in sources]
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    decided = plan_identities(out, planned, policy, identity)
    identity_pass = time.perf_counter() - started
    skipped = sum(len(ref.skips) for _, refs in decided for ref in refs)

    # The first file's batches, committed with their ledger, as a run leaves them.
    source, refs = planned[0]
    for ref in refs:
        batch = read_batch(ref, policy.fields)
        output = out.output_path("records", ref.key)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(b"")
        ids = {identity.of(r.record_id): (identity.content(r.data), r.location) for r in batch.records}
        marker = BatchMarker(ref.key, source.describe(), ref.index, ref.size, "p", "r", {}, 0.0)
        marker.files = [OutputFile("records", str(output), "", len(ids))]
        marker.identities = marker_identities(identity, ids)
        out.marker_path(ref.key).parent.mkdir(parents=True, exist_ok=True)
        out.marker_path(ref.key).write_text(json.dumps(marker.to_dict()))
    started = time.perf_counter()
    ledger = IdLedger(identity).load(out.committed_markers(), out.out)
    load = time.perf_counter() - started

    redactor = BatchRedactor(policy)
    sample = read_batch(refs[0], policy.fields)
    redactor.redact(sample)  # warm the model
    started = time.perf_counter()
    redactor.redact(sample)
    per_record = (time.perf_counter() - started) / len(sample)

    figures = {
        "records": args.records,
        "ids_repeated_across_files": skipped,
        "baseline_plan_seconds": round(baseline, 3),
        "identity_pass_seconds": round(identity_pass, 3),
        "identity_pass_vs_baseline": round(identity_pass / baseline, 2),
        "ledger_ids": len(ledger.seen),
        "ledger_load_seconds": round(load, 3),
        "redaction_ms_per_record": round(1000 * per_record, 3),
        "identity_pass_ms_per_record": round(1000 * identity_pass / (args.records + half), 4),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:32} {value}")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
