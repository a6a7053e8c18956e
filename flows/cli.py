"""`scrubline` command line: parse arguments, call one function, print its result.

Errors become one line on stderr (a bad policy: one line per problem) and a non-zero exit:
1 for a Scrubline error (bad input, bad policy, missing key, no Prefect server), 2 for bad
arguments, 130 for Ctrl-C and 143 for SIGTERM (a run stops within seconds; the same command
finishes it).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import sys
from typing import Any

from flows.audit_cli import register as register_audit
from flows.queue_cli import register as register_queue_commands
from redaction.errors import OrchestrationError, OutputError, PolicyError, ScrublineError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        self.exit(2, f"{self.prog}: error: {message}\n")


def _policy(path: str):
    """Load and check a policy as a run will use it: its document (every problem at once, spaCy
    models included), then its recognizers; every problem names the file."""
    from redaction.policy import load_policy
    from redaction.preflight import check_recognizers

    policy = load_policy(path)
    try:
        check_recognizers(policy)
    except PolicyError as exc:
        problems = tuple(p if p.startswith(f"{path}: ") else f"{path}: {p}" for p in exc.problems)
        raise PolicyError("\n".join(problems), problems) from None
    return policy


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt (never caught as an Exception)."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def cmd_run(args: argparse.Namespace) -> int:
    # During the flow Prefect's own SIGTERM handler runs first (it records the flow run as
    # crashed), then hands the signal back to this one.
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        summary = _run(args)
    except BaseException as exc:
        # The flow records its own failures; this covers what stops the run before it starts
        # (a bad policy, a missing input, no Prefect server), in the installation's audit log. A
        # brand-new installation whose first run cannot start is left as it was: no log, no key.
        import uuid

        from redaction.audit import record_run_failure
        from redaction.audit.store import default_audit_path

        if default_audit_path(create=False).exists():
            record_run_failure(uuid.uuid4().hex, "start", exc, policy=str(args.policy), out=str(args.out))
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        from redaction.home import describe_home
        from redaction.pipeline import RunSummary

        print(RunSummary.from_dict(summary).format_text())
        print(f"  {describe_home()}")
    return 0


def _progress(message: str) -> None:
    print(f"scrubline: {message}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from redaction.preflight import check_run

    # Fail before Prefect starts: a bad policy, a missing or unreadable input, a model not
    # installed, a malformed key or an output folder that cannot be written costs no server.
    check_run(_policy(args.policy), args.inputs, args.out)
    from flows.prefect_setup import LocalPrefect, configured_api_url, startup_timeout

    url = configured_api_url()
    if url:
        return _flow(args, url, None)
    from prefect.settings import get_current_settings

    with LocalPrefect(get_current_settings().home, timeout=startup_timeout(), report=_progress) as server:
        server.on_lost(lambda: _local_server_lost(server))
        return _flow(args, server.url, server)


def _local_server_lost(server) -> None:
    """The local server died mid-run: stop at once. Batches commit atomically, so ending this
    process (its workers follow it) leaves nothing half-written; the next run resumes."""
    _exit_now(
        1,
        f"scrubline: error: the local Prefect server stopped during the run (log: {server.log_path}); "
        "the batches committed so far are kept: run the same command again to finish",
    )


def _flow(args: argparse.Namespace, url: str, server) -> dict[str, Any]:
    from flows.console import run_console, verbose_by_environment
    from flows.prefect_setup import use_api
    from flows.redact import redact_dataset

    progress = not args.no_progress and sys.stderr.isatty()
    verbose = args.verbose or verbose_by_environment()
    try:
        with use_api(url), run_console(verbose=verbose, progress=progress):
            return redact_dataset(
                inputs=[str(p) for p in args.inputs],
                policy=args.policy,
                out=args.out,
                batch_size=args.batch_size,
                workers=args.workers,
                executor=args.executor,
                dask_address=args.dask_address,
                show_progress=progress,
            )
    except Exception as exc:
        error = _stopped_run_error(exc, url, server)
        if error is None:
            raise
        error._scrubline_audited = getattr(exc, "_scrubline_audited", False)  # the flow recorded it
        raise error from None


# A full, read-only or forbidden output location met outside a batch (summary, state files).
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _stopped_run_error(exc: Exception, url: str, server) -> ScrublineError | None:
    """The one-line error for a run the environment stopped (its Prefect server went away, its
    output disk filled up), or None for anything else."""
    from flows.prefect_setup import answers

    if isinstance(exc, ScrublineError):
        return None
    if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS and exc.filename:
        return OutputError(
            f"{exc.filename}: {(exc.strerror or '').lower()}; make room (or make it writable) and run "
            "the same command again: committed batches are kept"
        )
    if not answers(url):
        where = "the local Prefect server" if server is not None else f"the Prefect server at {url}"
        fix = (
            "run the same command again to start a new one and finish"
            if server is not None
            else "start it again (prefect server start) and run the same command to finish"
        )
        return OrchestrationError(
            f"{where} stopped answering during the run; the batches committed so far are kept: {fix}"
        )
    return None


def cmd_scan(args: argparse.Namespace) -> int:
    """A dry run: what `run` would write for a record holding this text; nothing is stored."""
    from redaction.redactor import scan_text

    policy = _policy(args.policy)
    if args.language and args.language not in policy.languages:
        raise PolicyError(
            f"{args.policy}: language '{args.language}' is not in the policy "
            f"(languages: {', '.join(policy.languages)})"
        )
    result = scan_text(policy, args.text, args.language)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    rows = [
        (r.entity_type, f"{r.start}-{r.end}", f"{r.score:.2f}", r.action, args.text[r.start : r.end])
        for r in result.redactions
    ]
    print(_table(("entity", "span", "score", "action", "text"), rows) if rows else "no PII found")
    print()
    print(result.redacted)
    notes = []
    if result.new_pseudonyms:
        notes.append(
            f"{result.new_pseudonyms} pseudonym(s) are new: shown with the number a run would "
            "give them now, not stored"
        )
    if result.temporary_keys:
        notes.append(
            f"key(s) {', '.join(result.temporary_keys)} do not exist yet: a throwaway key stood in "
            "(hashes, surrogates and encryption tokens will differ from a run's)"
        )
    if notes:
        print()
        print("dry run, nothing written: " + "; ".join(notes))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """A few redacted records of an output folder and what replaced the values found."""
    from redaction.overview import describe_output, format_description

    info = describe_output(args.out, args.n)
    print(
        json.dumps(info, indent=2, default=str, ensure_ascii=False) if args.json else format_description(info)
    )
    return 0


def cmd_policy_validate(args: argparse.Namespace) -> int:
    policy = _policy(args.file)
    print(f"{args.file}: valid ({policy.name} {policy.version}, sha256 {policy.content_hash()})")
    return 0


def cmd_policy_show(args: argparse.Namespace) -> int:
    from redaction.explain import explain_policy

    policy = _policy(args.file)
    lines = explain_policy(policy)
    print(f"{policy.name} {policy.version}  sha256 {policy.content_hash()}")
    if policy.description:
        print(policy.description)
    print(
        "languages: "
        + ", ".join(
            f"{k} ({v.model}{', ner ' + v.ner if v.ner else ''})" for k, v in policy.languages.items()
        )
    )
    print()
    rows = [
        (
            line.entity,
            f"{line.threshold:.2f}",
            line.action,
            line.options or "-",
            ", ".join(r.name for r in line.recognizers),
        )
        for line in lines
    ]
    print(_table(("entity", "threshold", "action", "options", "found by"), rows))
    print()
    print("A finding counts when its score reaches the entity's threshold (0..1); overlapping")
    print("findings merge into one redaction. How each recognizer finds values:")
    seen: dict[str, str] = {}
    for line in lines:
        for recognizer in line.recognizers:
            seen.setdefault(recognizer.name, f"{recognizer.how} [{', '.join(recognizer.languages)}]")
    width = max((len(name) for name in seen), default=0)
    for name, how in sorted(seen.items()):
        print(f"  {name:<{width}}  {how}")
    d = policy.detection
    possible = ", ".join(d.phone_possible_regions) or "-"
    on = {True: "on", False: "off"}
    print()
    print(f"phone regions: {', '.join(d.phone_regions)} (any possible number: {possible})")
    print(f"language identification: {on[d.detect_language]}; truecasing for NER: {on[d.truecase]}")
    print(f"name propagation within a record: {on[d.propagate_names]}")
    f = policy.fields
    print()
    print(f"id field: {f.id}")
    print(f"keep:  {', '.join(f.keep) or '-'}")
    print(f"drop:  {', '.join(f.drop) or '-'}")
    print(f"scan:  {', '.join(f.scan) or '-'}  (every other string field is scanned too)")
    print(f"nested values: {f.nested.value}")
    limits = policy.limits
    print(
        f"limits per record: {limits.max_record_chars} characters to scan, {limits.max_field_chars} in one "
        f"text, {limits.record_seconds:g} s (beyond: quarantined as too_large, timeout)"
    )
    if policy.allow_list:
        print(f"allow list: {len(policy.allow_list)} words")
    for deny in policy.deny_lists:
        print(f"deny list: {len(deny.words)} words as {deny.entity}")
    used = sorted({a.value for a in policy.actions_used()} & {"hash", "pseudonymize", "surrogate", "encrypt"})
    if used:
        keys = policy.keys
        names = {
            "hash": keys.hash,
            "pseudonymize": keys.pseudonym,
            "surrogate": keys.pseudonym,
            "encrypt": keys.encrypt,
        }
        print("keys: " + ", ".join(f"{a} <- ${names[a]}" for a in used))
    routing = policy.routing
    print()
    print("annotation queues:")
    for name, queue in routing.queues.items():
        held = f", held until released to {queue.release_to or 'annotation'}" if queue.hold else ""
        print(
            f"  {name}: order {queue.order.value}, pre-labels {queue.prelabel.value}, "
            f"overlap {queue.overlap}, gold rate {queue.gold_rate}{held}"
        )
    print("routing rules (first match wins):")
    for rule in routing.rules:
        match = rule.match.model_dump(exclude_none=True, exclude_defaults=True)
        print(f"  {rule.name}: {json.dumps(match, sort_keys=True)} -> {rule.queue}")
    print(f"  otherwise -> {routing.default_queue}")
    return 0


def cmd_decrypt(args: argparse.Namespace) -> int:
    from redaction.anonymize import decrypt_text
    from redaction.keys import resolve_key

    policy = _policy(args.policy)
    key = resolve_key(policy.keys.encrypt, create=False)
    if args.text is not None:
        print(decrypt_text(args.text, key))
        return 0
    from redaction.decrypt import decrypt_dataset

    written = decrypt_dataset(args.input, args.out, key)
    print(f"decrypted {written} records into {args.out}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from redaction.evaluate import evaluate_file

    report = evaluate_file(args.data, _policy(args.policy), vanilla=args.vanilla)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
    return 0


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"'{value}' must not be negative")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="scrubline", description="Prepare private text for LLM annotation.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="redact input files per a policy (Prefect flow)")
    run.add_argument("inputs", nargs="+", help="JSONL, CSV or Parquet files, or folders")
    run.add_argument("--policy", required=True, help="policy YAML file")
    run.add_argument("--out", required=True, help="output folder (records/, quarantine/)")
    run.add_argument(
        "--batch-size", type=_positive, default=500, help="input records per batch (default 500)"
    )
    run.add_argument("--workers", type=_positive, default=0, help="worker processes (0: every core)")
    run.add_argument(
        "--executor",
        choices=("processes", "dask"),
        default="processes",
        help="processes: a worker pool on this machine (default); dask: a Dask cluster",
    )
    run.add_argument(
        "--dask-address",
        help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (with --executor dask)",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--verbose",
        action="store_true",
        help="show Prefect's own log lines too (every task's state; also when PREFECT_LOGGING_LEVEL is set)",
    )
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.set_defaults(func=cmd_run)

    scan = sub.add_parser("scan", help="show what a policy would redact in a text, and how")
    scan.add_argument("text", help="the text of a record to scan (quote it)")
    scan.add_argument("--policy", required=True)
    scan.add_argument("--language", help="language code (default: the policy's first)")
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(func=cmd_scan)

    show = sub.add_parser(
        "show", help="what an output folder holds: counts, placeholders per field, a few redacted records"
    )
    show.add_argument("out", help="an output folder written by scrubline run (--out)")
    show.add_argument("--n", type=_positive, default=3, help="how many records to show (default 3)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    policy = sub.add_parser("policy", help="check and explain policies")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, parser_class=_Parser)
    validate = policy_sub.add_parser("validate", help="validate a policy file")
    validate.add_argument("file", help="the policy YAML file")
    validate.set_defaults(func=cmd_policy_validate)
    show = policy_sub.add_parser("show", help="the effective rules of a policy, as a table")
    show.add_argument("file", help="the policy YAML file")
    show.set_defaults(func=cmd_policy_show)

    decrypt = sub.add_parser(
        "decrypt", help="reverse encrypt-action tokens (needs the policy's encryption key)"
    )
    decrypt.add_argument("--policy", required=True)
    group = decrypt.add_mutually_exclusive_group(required=True)
    group.add_argument("--text", help="a text holding <ENC:...> tokens")
    group.add_argument("--input", help="a redacted records folder or Parquet/JSONL file")
    decrypt.add_argument("--out", help="JSONL file to write decrypted records to (with --input)")
    decrypt.set_defaults(func=cmd_decrypt)

    evaluate = sub.add_parser(
        "eval", help="measure how much labelled PII a policy removes and how many other words it keeps"
    )
    evaluate.add_argument("data", help='labelled JSONL: {"id", "text", "spans": [{start, end, type}]}')
    evaluate.add_argument("--policy", required=True)
    evaluate.add_argument("--vanilla", action="store_true", help="also measure vanilla Presidio")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(func=cmd_eval)
    register_audit(sub)
    register_queue_commands(sub)
    _complete_help(parser)
    return parser


# One example per command, shown at the end of its --help (the README has more).
EXAMPLES: dict[str, str] = {
    "run": "scrubline run samples/tickets.jsonl --policy policies/default.yaml --out out/demo",
    "scan": 'scrubline scan "Call Jane Doe on 212-555-0143" --policy policies/default.yaml',
    "show": "scrubline show out/demo --n 5",
    "policy": "scrubline policy validate policies/default.yaml",
    "policy validate": "scrubline policy validate policies/default.yaml",
    "policy show": "scrubline policy show policies/hipaa-safe-harbor.yaml",
    "decrypt": (
        "scrubline decrypt --policy policies/gdpr-pseudonymize.yaml --input out/demo/records"
        " --out clear.jsonl"
    ),
    "eval": "scrubline eval labelled.jsonl --policy policies/default.yaml --vanilla",
    "audit": "scrubline audit verify",
    "audit verify": "scrubline audit verify --anchor /mnt/evidence/anchor.jsonl --against out/demo",
    "audit keygen": "scrubline audit keygen --out /secure/audit.pem",
    "audit runs": "scrubline audit runs",
    "audit show": "scrubline audit show 3f2a9c",
    "audit record": "scrubline audit record T-000123",
    "audit report": "scrubline audit report 3f2a9c --format html --out report.html",
    "audit review": "scrubline audit review --format md",
    "audit export": "scrubline audit export --format parquet --out audit-export/",
    "audit processing": "scrubline audit processing --format md",
    "queue": "scrubline queue stats",
    "queue list": "scrubline queue list",
    "queue stats": "scrubline queue stats --json",
    "queue pull": (
        "scrubline queue pull --queue annotation --annotator alice --n 100 --format label-studio"
        " --out batch.json"
    ),
    "queue ack": "scrubline queue ack --annotator alice --batch batch.json --format label-studio",
    "queue nack": "scrubline queue nack --annotator alice --batch batch.json --format label-studio",
    "queue release": "scrubline queue release --queue privacy-review --all --as rita",
    "queue fix": (
        "scrubline queue fix ITEM_ID --queue privacy-review --policy policies/default.yaml"
        ' --redact "PERSON=Jane Doe" --release --as rita'
    ),
    "queue reviewers": "scrubline queue reviewers add rita",
    "queue import": "scrubline queue import project-1.json --format label-studio --user 1=alice",
    "queue agreement": "scrubline queue agreement annotation --plot agreement.png",
    "queue gold": "scrubline queue gold add gold.jsonl --queue annotation --policy policies/default.yaml",
    "queue gold add": "scrubline queue gold add gold.jsonl --queue annotation --policy policies/default.yaml",
}

# Help for options whose meaning is the same wherever they appear.
_COMMON_HELP = {
    "json": "print the result as JSON",
    "policy": "the policy YAML file (e.g. policies/default.yaml)",
}


def _complete_help(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Give every command its example (epilog) and common options their help."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, sub in action.choices.items():
            command = f"{path} {name}".strip()
            sub.formatter_class = argparse.RawDescriptionHelpFormatter
            if command in EXAMPLES and not sub.epilog:
                sub.epilog = f"example:\n  {EXAMPLES[command]}"
            for option in sub._actions:
                if not option.help and option.dest in _COMMON_HELP:
                    option.help = _COMMON_HELP[option.dest]
            _complete_help(sub, command)


# Commands that read or write the state folder (keys, pseudonyms, audit log, queues).
_STATEFUL = {"run", "scan", "decrypt", "audit", "queue"}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "input", None) and not args.out:
        parser.error("--out is required with --input")
    if args.command in _STATEFUL:
        from redaction.home import home_note

        note = home_note()
        if note:
            print(f"scrubline: {note}", file=sys.stderr)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_no_traceback_for_stated_errors)
    try:
        return args.func(args)
    except PolicyError as exc:
        for problem in exc.problems:
            print(f"scrubline: error: {problem}", file=sys.stderr)
        return 1
    except OrchestrationError as exc:
        # Prefect's log and event workers would spend minutes at exit retrying a server that
        # is gone; what they hold (task states, logs) cannot reach it. The run's own state is on
        # disk, committed atomically.
        _exit_now(1, f"scrubline: error: {exc}")
    except ScrublineError as exc:
        print(f"scrubline: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("scrubline: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print(
            "scrubline: stopped by SIGTERM; the batches committed so far are kept: run the same "
            "command again to finish",
            file=sys.stderr,
        )
        return 143


def _exit_now(code: int, message: str) -> None:
    """Say `message` last and exit without waiting for Prefect's background workers (see the
    callers). The worker pool ends first and its semaphores are released as at a normal exit,
    else multiprocessing's resource tracker warns about them; the batch tasks it cancels would
    log after the message, so logging stops."""
    import multiprocessing.util

    redact = sys.modules.get("flows.redact")
    if redact is not None:
        redact.stop_worker_pools()
    multiprocessing.util._exit_function()
    logging.disable(logging.CRITICAL)
    console = sys.modules.get("flows.console")
    if console is not None:  # standard error is the terminal again, every line so far shown
        console.stop_relay()
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    os._exit(code)


def _no_traceback_for_stated_errors(record: logging.LogRecord) -> bool:
    """Prefect logs a failed flow or task with its traceback; for an error the CLI states in
    one line (Scrubline's own, a batch cancelled by the run's stop, a lost server) that line is
    enough on the console. The traceback stays in Prefect's run state."""
    if record.exc_info and record.exc_info[1] is not None:
        import concurrent.futures

        stated = (ScrublineError, concurrent.futures.CancelledError, ConnectionError)
        exc = record.exc_info[1]
        if isinstance(exc, stated) or type(exc).__module__.startswith(("httpx", "httpcore")):
            record.exc_info = None
            record.exc_text = None
    return True


if __name__ == "__main__":
    sys.exit(main())
