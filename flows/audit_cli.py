"""`scrubline audit ...`: questions compliance officers ask of the audit log.

Each command opens the log read-only (nothing is created; a missing log or key is an error),
calls one function of `redaction.audit` and prints its answer; `--json` prints it as JSON.
Errors are ScrublineErrors, turned into one line on stderr and exit 1 by `flows.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from redaction.errors import AuditIntegrityError, ScrublineError


def _open(args: argparse.Namespace):
    from redaction.audit import AuditLog

    return AuditLog(args.log, readonly=True)


def _emit(text: str, out: str | None) -> None:
    if out:
        path = Path(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ScrublineError(f"{path}: cannot write ({exc.strerror or exc})") from None
        print(f"wrote {path}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True, default=str))


def _verify(args: argparse.Namespace):
    """The log verified and compared with the evidence named; without the log (`--evidence-only`,
    or a log that is gone while evidence of it exists) what the evidence shows alone."""
    from redaction.audit.evidence import anchor_path, anchor_public_key, gather
    from redaction.audit.signing import PublicKey
    from redaction.audit.store import AUDIT_KEY_ENV, FROM_ENV, default_audit_path
    from redaction.audit.verification import verify_evidence
    from redaction.keys import resolve_key

    public_key = PublicKey.load(args.public_key) if args.public_key else None
    pinned_by = f"pinned by --public-key {args.public_key}" if public_key else None
    path = Path(args.log) if args.log else default_audit_path(create=False)
    if not args.evidence_only and path.is_file():
        with _open(args) as log:
            return log.verify(
                public_key=public_key,
                pinned_by=pinned_by,
                anchor=args.anchor if args.anchor else FROM_ENV,
                against=args.against or (),
            )
    anchor = anchor_path(args.anchor)
    if anchor is None and not args.against:
        if args.evidence_only:
            raise ScrublineError("audit verify --evidence-only: give --anchor FILE and/or --against OUT...")
        _open(args)  # raises: no audit log here
    evidence, problems, _ = gather(anchor, args.against or ())
    if public_key is None:
        public_key = anchor_public_key(evidence)
        pinned_by = f"pinned by the anchor {anchor}" if public_key else None
    try:
        key = resolve_key(AUDIT_KEY_ENV, create=False)
    except ScrublineError:
        key = None
    return verify_evidence(
        evidence,
        key=key,
        public_key=public_key,
        pinned_by=pinned_by,
        problems=problems,
        missing_log=None if args.evidence_only else path,
    )


def cmd_verify(args: argparse.Namespace) -> int:
    result = _verify(args)
    if args.json:
        _json(result.to_dict())
        return 0 if result.ok else 1
    if not result.ok:
        what = "the evidence" if args.evidence_only else args.log or "the audit log"
        raise AuditIntegrityError(f"{what} does not verify: {result.message}")
    print(result.message)
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from redaction.audit.signing import SIGNING_KEY_FILE_ENV, generate_signing_key

    private, public, key = generate_signing_key(args.out)
    if args.json:
        _json({"private_key": str(private), "public_key": str(public), "public_key_id": key.key_id})
        return 0
    print(f"wrote {private} (Ed25519 signing key, mode 0600: keep it outside SCRUBLINE_HOME)")
    print(f"wrote {public} (public key id {key.key_id}: give it to verifiers)")
    print(f"use it: export {SIGNING_KEY_FILE_ENV}={private.resolve()}")
    print(f"check:  scrubline audit verify --public-key {public.resolve()}")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from redaction.audit.queries import list_runs
    from redaction.audit.reports import format_table

    with _open(args) as log:
        runs = list_runs(log)
    if args.json:
        _json(runs)
        return 0
    if not runs:
        print("no runs recorded")
        return 0
    rows = [
        (
            r["run_id"][:12],
            r["started"][:19].replace("T", " "),
            r["status"] if not r["finished"] else r["finished"][:19].replace("T", " "),
            r["user"],
            " ".join(str(v) for v in (r["policy"]["name"], r["policy"]["version"]) if v) or "-",
            r["records_in"],
            r["redacted"],
            r.get("held"),
            r["quarantined"],
        )
        for r in runs
    ]
    header = (
        "run",
        "started (UTC)",
        "finished (UTC)",
        "user",
        "policy",
        "in",
        "redacted",
        "held",
        "quarantined",
    )
    print(format_table(header, rows))
    return 0


def _format_details(d: dict[str, Any]) -> str:
    from redaction.audit.reports import format_table, queue_rows

    c = d["counts"]
    policy = d["policy"]
    code = d.get("code") or {}
    yes_no = {True: "yes", False: "NO", None: "-"}
    reasons = c.get("quarantined_by_reason") or {}
    lines = [
        f"run {d['run_id']}  {d['status']}"
        + (f": {_failure_text(d['failure'])}" if d.get("failure") else ""),
        f"  started      {d['started']}  by {d.get('user') or '?'} on {d.get('host') or '?'}",
        f"  finished     {d['finished'] or '- (interrupted or still running)'}"
        + (f"  ({d['seconds']:.1f} s)" if d.get("seconds") is not None else ""),
        f"  policy       {policy['name']} {policy['version']} (sha256 {policy['sha256']})",
        f"  code         scrubline {code.get('scrubline') or '?'}, "
        f"commit {code.get('git_commit') or 'unknown'}",
        f"  flow run     {d.get('flow_run_id') or '-'}",
        f"  resumes      {', '.join(d.get('resumes') or []) or '-'}",
        f"  resumed by   {', '.join(d.get('resumed_by') or []) or '-'}",
        "  parameters   " + (", ".join(f"{k}={v}" for k, v in sorted(d["parameters"].items())) or "-"),
        "  inputs:",
    ]
    for item in d["inputs"]:
        lines.append(
            f"    {item.get('path')}  {item.get('format', '')}  {item.get('size')} bytes  "
            f"sha256 {item.get('sha256')}"
        )
    if not d["inputs"]:
        lines.append("    (none)")
    lines += [
        f"  records in   {c.get('records_in')}",
        f"  redacted     {c.get('redacted')}",
        f"  held         {c.get('held', 0)} (for privacy review; {_review_text(d.get('review'))})",
        f"  filtered     {c.get('filtered', 0)}",
        f"  quarantined  {c.get('quarantined')}"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) + ")" if reasons else ""),
        f"  reconciled   {yes_no[d.get('reconciled')]} (in = redacted + held + filtered + quarantined);"
        f" matches the log's events: {yes_no[d.get('matches_log')]}" + _kept_text(d),
        f"  counts from  {d['counts_source']}",
        "  entities found by type:",
    ]
    rules = policy.get("entities") or {}
    entity_rows = [
        (name, n, (rules.get(name) or {}).get("action", "-"))
        for name, n in sorted((c.get("entities_by_type") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if entity_rows:
        lines += [
            "    " + line for line in format_table(("entity", "found", "action"), entity_rows).splitlines()
        ]
    else:
        lines.append("    (none)")
    lines.append("  queues:")
    routed = queue_rows(d)
    lines += [f"    {q}  {n}" for q, n in routed] or ["    (no routing recorded)"]
    records = [e for e in d["exports"] if e["kind"] == "records"]
    quarantine = [e for e in d["exports"] if e["kind"] == "quarantine"]
    lines += [
        f"  outputs      {len(records)} records files ({sum(e['rows'] for e in records)} rows), "
        f"{len(quarantine)} quarantine files ({sum(e['rows'] for e in quarantine)} rows)",
        f"  signed digest {d['signature'] or '- (run not finished)'}",
    ]
    return "\n".join(lines)


def _kept_text(d: dict[str, Any]) -> str:
    """What a resumed run kept: the records of the batches its interrupted runs committed."""
    kept = (d.get("logged") or {}).get("resumed")
    if not kept:
        return ""
    return f" ({d['logged']['own']} records its own; {kept} more in batches kept from the runs it resumes)"


def _failure_text(failure: dict[str, Any]) -> str:
    text = f"{failure.get('stage')}: {failure.get('error')}"
    if failure.get("problems"):
        return text + " (" + "; ".join(failure["problems"]) + ")"
    return text + (f" ({failure['reason']})" if failure.get("reason") else "")


def _review_text(review: dict[str, Any] | None) -> str:
    if not review or not review.get("held"):
        return "none held"
    by = ", ".join(
        f"{actor}: {n['fixed']} fixed, {n['released']} released" for actor, n in review["by_reviewer"].items()
    )
    return (
        f"{review['reviewed']} reviewed, {review['released']} released, {review['still_held']} still held"
        + (f"; by reviewer {by}" if by else "")
    )


def cmd_show(args: argparse.Namespace) -> int:
    from redaction.audit.queries import resolve_run, run_details

    with _open(args) as log:
        details = run_details(log, resolve_run(log, args.run))
    if args.json:
        _json(details)
    else:
        print(_format_details(details))
    return 0


def _format_history(record_id: str, history: dict[str, Any]) -> str:
    events = history["events"]
    runs = {r["run_id"]: r for r in history["runs"]}
    actions = sum(1 for event in events if "action_id" in event)
    lines = [
        f"record {record_id} (stored as HMAC {history['record']}): {len(events) - actions} events in "
        f"{len(runs)} {'run' if len(runs) == 1 else 'runs'}"
        + (f", {actions} queue {'action' if actions == 1 else 'actions'}" if actions else "")
    ]
    current = None
    for event in events:
        if "action_id" in event:
            current = None
            lines.append(_format_item_event(event))
            continue
        if event["run_id"] != current:
            current = event["run_id"]
            run = runs[current]
            policy = run["policy"]
            lines.append(
                f"run {current}  started {run['started']} by {run.get('user') or '?'}, "
                f"policy {policy['name']} {policy['version']}"
            )
        where = f"{event.get('source') or '?'} {event.get('location') or ''}".strip()
        if event["type"] == "record_transformed":
            lines.append(
                f"  #{event['seq']} {event['ts']} transformed ({where}, {event.get('language')}): "
                f"{len(event['redactions'])} redactions"
            )
            for r in event["redactions"]:
                lines.append(
                    f"      {r['field']}[{r['start']}:{r['end']}]  {r['entity_type']}  "
                    f"score {r['score']:.2f}  {r['action']}"
                )
            lines.append(f"      input digest {event['input_digest']}")
            lines.append(f"      output digest {event['output_digest']}")
            for output in event.get("outputs", []):
                lines.append(f"      written to {output['path']} (sha256 {output['sha256']})")
        elif event["type"] == "record_quarantined":
            lines.append(f"  #{event['seq']} {event['ts']} quarantined ({where}): {event['reason']}")
            for output in event.get("outputs", []):
                lines.append(f"      quarantine file {output['path']} (sha256 {output['sha256']})")
        else:
            target = "filtered by a routing rule" if event.get("filtered") else f"queue {event.get('queue')}"
            held = " (held for privacy review)" if event.get("held") else ""
            lines.append(f"  #{event['seq']} {event['ts']} routed: {target}{held}")
    return "\n".join(lines)


def _format_item_event(event: dict[str, Any]) -> str:
    """One person's action on the record's queue item, on one line."""
    kind = event["type"].removeprefix("item_").replace("_", " ")
    what = {
        "pulled": lambda e: (
            f"pulled from {e['queue']} as {e.get('format')}"
            + (f" for {e['annotator']} (leased)" if e.get("lease") else " for review (no lease)")
            + f", file {e.get('file')} (sha256 {str(e.get('sha256'))[:16]}...)"
        ),
        "acked": lambda e: f"acknowledged in {e['queue']} for {e.get('annotator')}",
        "nacked": lambda e: (
            f"returned (nack) in {e['queue']} for {e.get('annotator')}"
            + (" (skipped in the tool)" if e.get("via") == "import" else "")
        ),
        "fixed": lambda e: (
            f"fixed in {e['queue']}: "
            + ", ".join(f"{n} {entity}" for entity, n in (e.get("entities") or {}).items())
        ),
        "released": lambda e: (
            f"released from {e['queue']} to {e.get('to')}"
            + (f", written to {e['output']['path']}" if e.get("output") else "")
        ),
        "annotation imported": lambda e: (
            f"annotation imported ({e.get('format')}) in {e['queue']} for {e.get('annotator')}"
            + {"replaced": ", replacing an earlier one", "unchanged": ", identical to the stored one"}.get(
                e.get("status"), ""
            )
        ),
    }.get(kind, lambda e: kind)(event)
    return f"  #{event['seq']} {event['ts']} {what} by {event.get('actor')}"


def cmd_record(args: argparse.Namespace) -> int:
    from redaction.audit.queries import record_history

    with _open(args) as log:
        history = record_history(log, args.id)
    if args.json:
        _json(history)
        return 0 if history["events"] else 1
    if not history["events"]:
        raise ScrublineError(
            f"audit: no event recorded for record id {args.id!r} "
            "(ids are matched through their HMAC under the current audit key)"
        )
    print(_format_history(args.id, history))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from redaction.audit.queries import resolve_run, run_details
    from redaction.audit.reports import run_report

    with _open(args) as log:
        details = run_details(log, resolve_run(log, args.run))
        verification = log.verify()
    _emit(run_report(details, verification, args.format), args.out)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from redaction.audit.queries import review_report
    from redaction.audit.reports import render_review

    with _open(args) as log:
        report = review_report(log)
        verification = log.verify()
    fmt = "json" if args.json else args.format
    _emit(render_review(report, verification, fmt), args.out)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from redaction.audit.export import export_parquet

    with _open(args) as log:
        written = export_parquet(log, args.out)
    if args.json:
        _json(written)
    else:
        for name, info in written.items():
            print(f"{name:<10}  {info['rows']:>8} rows  {info['path']}")
    return 0


def cmd_processing(args: argparse.Namespace) -> int:
    from redaction.audit.processing import processing_summary, render_processing

    with _open(args) as log:
        summary = processing_summary(log)
    fmt = "json" if args.json else args.format
    _emit(render_processing(summary, fmt), args.out)
    return 0


def register(subparsers) -> None:
    """Add `audit` and its commands to the `scrubline` sub-command parsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log", help="audit log file (default: $SCRUBLINE_HOME/audit/audit.sqlite3)", default=None
    )
    audit = subparsers.add_parser(
        "audit", help="verify and query the audit log (runs, records, reports, exports)"
    )
    parser_class = type(audit)
    sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=parser_class)

    verify = sub.add_parser(
        "verify",
        parents=[common],
        help="check the hash chain, run signatures and checkpoint, and the evidence kept outside the log",
    )
    verify.add_argument(
        "--anchor",
        metavar="FILE",
        help="anchor file of head statements to compare (default: $SCRUBLINE_AUDIT_ANCHOR, if set)",
    )
    verify.add_argument(
        "--against",
        nargs="+",
        metavar="OUT",
        help="run output folders (or their summary.json): each run they name must be in the log, same digest",
    )
    verify.add_argument(
        "--public-key",
        metavar="FILE",
        help="pinned Ed25519 public key: the log must be signed by it (the audit key is then optional)",
    )
    verify.add_argument(
        "--evidence-only",
        action="store_true",
        help="check the anchor and summaries alone, without the log (signatures, agreement, head)",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(func=cmd_verify)

    keygen = sub.add_parser(
        "keygen", help="write a new Ed25519 signing key (FILE) and its public key (FILE.pub)"
    )
    keygen.add_argument(
        "--out", required=True, metavar="FILE", help="private key file to create (never overwritten)"
    )
    keygen.add_argument("--json", action="store_true")
    keygen.set_defaults(func=cmd_keygen)

    runs = sub.add_parser("runs", parents=[common], help="table of runs")
    runs.add_argument("--json", action="store_true")
    runs.set_defaults(func=cmd_runs)

    show = sub.add_parser(
        "show", parents=[common], help="what a run did: policy, inputs, counts, entities, quarantines, queues"
    )
    show.add_argument("run", help="run id or a unique prefix of it")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    record = sub.add_parser(
        "record", parents=[common], help="history of one record across runs (looked up by its id's HMAC)"
    )
    record.add_argument("id", help="the record's id, as in the input")
    record.add_argument("--json", action="store_true")
    record.set_defaults(func=cmd_record)

    report = sub.add_parser("report", parents=[common], help="a run report for people (HTML or Markdown)")
    report.add_argument("run", help="run id or a unique prefix of it")
    report.add_argument("--format", choices=("html", "md"), default="html", help="html (default) or md")
    report.add_argument("--out", help="file to write (default: standard output)")
    report.set_defaults(func=cmd_report)

    review = sub.add_parser(
        "review",
        parents=[common],
        help="privacy review and disclosures: held, reviewed, released, still held by reviewer; pulls",
    )
    review.add_argument(
        "--format", choices=("text", "md", "json"), default="text", help="text (default), md or json"
    )
    review.add_argument("--out", help="file to write (default: standard output)")
    review.add_argument("--json", action="store_true", help="same as --format json")
    review.set_defaults(func=cmd_review)

    export = sub.add_parser(
        "export", parents=[common], help="entries, redactions and runs as Parquet (DuckDB, pandas)"
    )
    export.add_argument("--format", choices=("parquet",), default="parquet", help="parquet (the only one)")
    export.add_argument("--out", required=True, help="folder to write the Parquet files to")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=cmd_export)

    processing = sub.add_parser(
        "processing", parents=[common], help="records of processing per policy (GDPR Art. 30 spirit)"
    )
    processing.add_argument(
        "--format", choices=("md", "html", "json"), default="md", help="md (default), html or json"
    )
    processing.add_argument("--out", help="file to write (default: standard output)")
    processing.add_argument("--json", action="store_true", help="same as --format json")
    processing.set_defaults(func=cmd_processing)
