"""`scrubline queue ...`: annotation queues from the command line.

Each command opens the queue store (`--store`, default `$SCRUBLINE_HOME/queues/queues.sqlite3`),
calls one function of `redaction.queues` and prints its result. Errors are Scrubline errors:
`flows/cli.py` prints them as one line and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _store(args: argparse.Namespace):
    from redaction.queues import SQLiteQueueStore

    return SQLiteQueueStore(args.store) if args.store else SQLiteQueueStore()


def _labels(store, queue: str) -> list[str]:
    from redaction.queues import QueueError

    settings = store.settings()
    if queue not in settings:
        raise QueueError(f"no queue named '{queue}' (queues: {', '.join(settings) or 'none yet'})")
    return list(settings[queue].labels)


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    from flows.cli import _table as table

    return table(header, rows)


def cmd_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        settings = store.settings()
        stats = store.stats()
    if args.json:
        print(
            json.dumps(
                {
                    name: {**s.model_dump(mode="json"), "items": stats[name].items}
                    for name, s in settings.items()
                },
                indent=2,
            )
        )
        return 0
    rows = [
        (
            name,
            stats[name].items,
            "hold" + (f" -> {s.release_to}" if s.release_to else "") if s.hold else "-",
            s.order.value,
            s.prelabel.value,
            s.overlap,
            s.gold_rate,
            s.lease_seconds,
        )
        for name, s in settings.items()
    ]
    print(
        _table(("queue", "items", "hold", "order", "prelabel", "overlap", "gold rate", "lease s"), rows)
        if rows
        else "no queues yet"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _store(args) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps({name: s.to_dict() for name, s in stats.items()}, indent=2, sort_keys=True))
        return 0
    if not stats:
        print("no queues yet")
        return 0
    rows = [
        (s.queue, s.items, s.pending, s.held, s.leased, s.done, s.gold, s.annotations) for s in stats.values()
    ]
    print(_table(("queue", "items", "pending", "held", "leased", "done", "gold", "annotations"), rows))
    per = [
        (s.queue, name, counts.get("leased", 0), counts.get("done", 0), counts.get("nacked", 0))
        for s in stats.values()
        for name, counts in sorted(s.annotators.items())
    ]
    if per:
        print()
        print(_table(("queue", "annotator", "leased", "done", "nacked"), per))
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from redaction.queues import QueueError
    from redaction.queues.formats import get_format, label_studio_config

    fmt = get_format(args.format)
    with _store(args) as store:
        labels = _labels(store, args.queue)
        if args.held:
            items = store.held(args.queue, args.n)
        else:
            if not args.annotator:
                raise QueueError("--annotator is required to pull (only --held reads without a lease)")
            items = store.pull(args.queue, args.annotator, args.n, args.lease_seconds)
        marks = store.placeholder_labels()
    out = fmt.export(items, args.out, labels)
    if fmt.name == "label-studio":
        config = Path(str(out) + ".label_config.xml")
        config.write_text(label_studio_config(labels, marks), encoding="utf-8")
    what = "held items (no lease)" if args.held else f"items leased to {args.annotator}"
    print(f"{len(items)} {what} from {args.queue} written to {out} ({fmt.name})")
    return 0


def _ids(args: argparse.Namespace) -> list[str]:
    from redaction.queues import QueueError
    from redaction.queues.formats import format_for_path

    ids = list(args.ids)
    if args.batch:
        ids += format_for_path(args.batch, args.format).item_ids(args.batch)
    if not ids:
        raise QueueError("name the items: item ids, or --batch FILE (an exported batch)")
    return ids


def cmd_ack(args: argparse.Namespace) -> int:
    ids = _ids(args)
    with _store(args) as store:
        done = (
            store.nack(args.annotator, ids) if args.command_name == "nack" else store.ack(args.annotator, ids)
        )
    verb = "returned" if args.command_name == "nack" else "acknowledged"
    print(f"{len(done)} of {len(set(ids))} items {verb} for {args.annotator}")
    missed = len(set(ids)) - len(done)
    if missed:
        print(f"{missed} were not leased to {args.annotator} (or already finished)", file=sys.stderr)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from redaction.queues import QueueError

    if not args.ids and not args.all:
        raise QueueError("name the items to release, or --all")
    with _store(args) as store:
        released = store.release(args.queue, None if args.all else args.ids, args.to)
        target = args.to or store.settings()[args.queue].release_to or args.queue
    print(f"{released} items released from {args.queue} to {target}")
    return 0


def cmd_fix(args: argparse.Namespace) -> int:
    """A reviewer redacts what detection missed in a held item, with the policy's own action."""
    from redaction.anonymize import Anonymizer
    from redaction.detect import Finding
    from redaction.policy import load_policy
    from redaction.queues import QUEUE_COLUMN, QueueError
    from redaction.queues.items import builder_for

    policy = load_policy(args.policy)
    wanted: list[tuple[str, str]] = []
    for pair in args.redact:
        entity, sep, text = pair.partition("=")
        if not sep or not text:
            raise QueueError("--redact: expected ENTITY=TEXT, got an argument without '=' or text")
        if entity not in policy.entities:
            raise QueueError(
                f"--redact: '{entity}' is not an entity of the policy ({', '.join(policy.entities)})"
            )
        wanted.append((entity, text))
    with _store(args) as store:
        found = store.items([args.item_id])
        if not found or found[0].queue != args.queue or found[0].state != "held":
            raise QueueError(f"{args.queue}: no held item {args.item_id}")
        item = found[0]
        anonymizer = Anonymizer(policy)
        redacted = 0

        def fix(value):
            nonlocal redacted
            if isinstance(value, dict):
                return {k: v if k == policy.fields.id else fix(v) for k, v in value.items()}
            if isinstance(value, list):
                return [fix(v) for v in value]
            if not isinstance(value, str):
                return value
            findings = []
            for entity, text in wanted:
                start = value.find(text)
                while start >= 0:
                    findings.append(Finding(start, start + len(text), entity, 1.0, "reviewer"))
                    start = value.find(text, start + len(text))
            if not findings:
                return value
            new_value, applied = anonymizer.anonymize(value, findings)
            redacted += len(applied)
            return new_value

        row = fix(dict(item.record))
        if not redacted:
            raise QueueError(f"{args.item_id}: none of the given texts occurs in the item")
        row[QUEUE_COLUMN] = item.queue
        (revised,) = builder_for(policy).build(
            [row], id_field=policy.fields.id, source_id=item.source_id, batch_key=item.batch_key
        )
        store.revise(revised)
        released = store.release(args.queue, [args.item_id]) if args.release else 0
    print(
        f"{redacted} value(s) redacted in {args.item_id}" + (" and released" if released else " (still held)")
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from redaction.queues.formats import format_for_path

    fmt = format_for_path(args.file, args.format)
    annotations = fmt.parse(args.file, args.annotator)
    with _store(args) as store:
        saved, unknown = store.save_annotations(annotations)
    print(f"{saved} annotations imported from {args.file} ({fmt.name})")
    if unknown:
        print(f"{len(unknown)} name items this store does not hold (skipped)", file=sys.stderr)
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from redaction.queues.agreement import plot_agreement, queue_agreement

    with _store(args) as store:
        report = queue_agreement(store, args.queue)
    if args.plot:
        plot_agreement(report, args.plot)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
    if args.plot and not args.json:
        print(f"plot written to {args.plot}")
    return 0


def cmd_gold_add(args: argparse.Namespace) -> int:
    from flows.cli import _policy
    from redaction.queues.items import builder_for, read_gold_file

    policy = _policy(args.policy)
    records = read_gold_file(args.file)
    builder = builder_for(policy)
    golds = builder.gold(args.queue, records, str(args.file))
    with _store(args) as store:
        store.configure(policy.routing.queues, builder.placeholders.all_labels)
        added = store.add_gold(args.queue, golds)
    print(f"{added} gold items added to {args.queue} ({len(golds) - added} already there)")
    return 0


def register(subparsers) -> None:
    """Add `queue` and its commands to the `scrubline` parser's subcommands."""
    from redaction.queues.formats import format_names

    queue = subparsers.add_parser("queue", help="annotation queues: pull, acknowledge, import, agreement")
    queue.add_argument("--store", help="queue database (default $SCRUBLINE_HOME/queues/queues.sqlite3)")
    # Nested commands parse (and report errors) like the top-level ones.
    parser_class = type(queue)
    sub = queue.add_subparsers(dest="queue_command", required=True, parser_class=parser_class)
    formats = format_names()

    listing = sub.add_parser("list", help="queues and their settings")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    stats = sub.add_parser("stats", help="items per state and per annotator, per queue")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)

    pull = sub.add_parser("pull", help="lease items to an annotator and export them for a tool")
    pull.add_argument("--queue", required=True)
    pull.add_argument("--annotator", help="who the items are leased to")
    pull.add_argument("--n", type=int, default=100, help="how many items (default 100)")
    pull.add_argument("--format", required=True, choices=formats)
    pull.add_argument("--out", required=True, help="file to write")
    pull.add_argument("--lease-seconds", type=int, help="lease length (default: the queue's)")
    pull.add_argument("--held", action="store_true", help="export held items for review, without a lease")
    pull.set_defaults(func=cmd_pull)

    for name, verb in (("ack", "mark leased items done"), ("nack", "give leased items back")):
        command = sub.add_parser(name, help=verb)
        command.add_argument("ids", nargs="*", help="item ids")
        command.add_argument("--annotator", required=True)
        command.add_argument("--batch", help="an exported batch file: its items")
        command.add_argument("--format", choices=formats, help="format of --batch (implied for .parquet)")
        command.set_defaults(func=cmd_ack, command_name=name)

    release = sub.add_parser("release", help="release held items (after privacy review)")
    release.add_argument("--queue", required=True)
    release.add_argument("ids", nargs="*", help="item ids (or --all)")
    release.add_argument("--all", action="store_true", help="every held item of the queue")
    release.add_argument("--to", help="queue to release into (default: the queue's release_to)")
    release.set_defaults(func=cmd_release)

    fixing = sub.add_parser(
        "fix",
        help="redact what detection missed in a held item (the policy's action), then optionally release it",
    )
    fixing.add_argument("item_id")
    fixing.add_argument("--queue", required=True, help="the holding queue, e.g. privacy-review")
    fixing.add_argument("--policy", required=True, help="the run's policy (its action for each entity)")
    fixing.add_argument(
        "--redact",
        action="append",
        required=True,
        metavar="ENTITY=TEXT",
        help="a value to redact (repeatable)",
    )
    fixing.add_argument("--release", action="store_true", help="release the item once fixed")
    fixing.set_defaults(func=cmd_fix)

    importing = sub.add_parser("import", help="import completed annotations exported by a tool")
    importing.add_argument("file")
    importing.add_argument("--format", choices=formats, help="the file's format (implied for .parquet)")
    importing.add_argument("--annotator", help="who annotated (when the file does not say)")
    importing.set_defaults(func=cmd_import)

    agree = sub.add_parser("agreement", help="inter-annotator agreement and gold accuracy of a queue")
    agree.add_argument("queue")
    agree.add_argument("--plot", help="write a plot of agreement per annotator (.png, .svg, .html)")
    agree.add_argument("--json", action="store_true")
    agree.set_defaults(func=cmd_agreement)

    gold = sub.add_parser("gold", help="gold items with known answers")
    gold_sub = gold.add_subparsers(dest="gold_command", required=True, parser_class=parser_class)
    add = gold_sub.add_parser(
        "add", help='add gold items from JSONL {"text", "spans": [{start, end, label}]}'
    )
    add.add_argument("file")
    add.add_argument("--queue", required=True)
    add.add_argument(
        "--policy", required=True, help="the policy (placeholders and pre-labels like other items)"
    )
    add.set_defaults(func=cmd_gold_add)
