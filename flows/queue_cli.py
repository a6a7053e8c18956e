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


def _store(args: argparse.Namespace, *, create: bool = False):
    """The queue store: `--store`, else the one under $SCRUBLINE_HOME. Only commands that add
    items create it; the others refuse to start an empty, new home (a command run from another
    folder than the runs would otherwise show nothing, silently)."""
    from redaction.home import scrubline_home
    from redaction.queues import QueueError, SQLiteQueueStore, default_store_path

    if args.store:
        return SQLiteQueueStore(args.store)
    path = scrubline_home(create=create) / "queues" / "queues.sqlite3"
    if not create and not path.exists():
        raise QueueError(
            f"{path}: no queue store here: set SCRUBLINE_HOME to the folder your runs use "
            f"(now {scrubline_home(create=False).resolve()}), or pass --store"
        )
    return SQLiteQueueStore(default_store_path())


def _audit(args: argparse.Namespace):
    """The audit log as the acting person (`--as`, $SCRUBLINE_ACTOR, else the OS user)."""
    from redaction.queues.review import QueueAudit

    return QueueAudit(getattr(args, "actor", None))


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
        where = store.path
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
    print(f"queue store {where}")
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
    print(f"queue store {store.path}")
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
    from redaction.queues.formats import get_format, label_studio_config_for, preference_width, require_kind
    from redaction.queues.review import export_audited, require_reviewer

    fmt = get_format(args.format)
    audit = _audit(args)
    with _store(args) as store:
        labels = _labels(store, args.queue)
        settings = store.settings()[args.queue]
        require_kind(fmt, settings)  # before a lease is taken
        if args.held:
            require_reviewer(store, audit, "pull held items", args.queue)
            items = store.held(args.queue, args.n)
        else:
            if not args.annotator:
                raise QueueError("--annotator is required to pull (only --held reads without a lease)")
            items = store.pull(args.queue, args.annotator, args.n, args.lease_seconds)
        marks = store.placeholder_labels()
    # The file becomes visible only once the disclosure is in the audit log.
    out = export_audited(
        fmt,
        items,
        args.out,
        labels,
        audit,
        annotator=None if args.held else args.annotator,
        held=args.held,
        settings=settings,
    )
    audit.close()
    if fmt.name == "label-studio":
        config = Path(str(out) + ".label_config.xml")
        width = preference_width(items)
        config.write_text(label_studio_config_for(settings, marks, responses=width), encoding="utf-8")
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
    from redaction.audit.events import ITEM_ACKED, ITEM_NACKED
    from redaction.queues.review import item_ref

    ids = _ids(args)
    audit = _audit(args)
    with _store(args) as store:
        done = (
            store.nack(args.annotator, ids) if args.command_name == "nack" else store.ack(args.annotator, ids)
        )
        event = ITEM_NACKED if args.command_name == "nack" else ITEM_ACKED
        audit.record(event, [item_ref(item) for item in store.items(done)], annotator=args.annotator)
    audit.close()
    verb = "returned" if args.command_name == "nack" else "acknowledged"
    print(f"{len(done)} of {len(set(ids))} items {verb} for {args.annotator}")
    missed = len(set(ids)) - len(done)
    if missed:
        print(f"{missed} were not leased to {args.annotator} (or already finished)", file=sys.stderr)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from redaction.queues import QueueError
    from redaction.queues.review import release_items, require_reviewer

    if not args.ids and not args.all:
        raise QueueError("name the items to release, or --all")
    audit = _audit(args)
    with _store(args) as store:
        require_reviewer(store, audit, "release held items", args.queue)
        report = release_items(store, args.queue, None if args.all else args.ids, audit, to=args.to)
    audit.close()
    print(f"{report.released} items released from {args.queue} to {report.target} by {audit.actor}")
    _print_written(report)
    return 0


def _print_written(report) -> None:
    for path, rows in report.written.items():
        print(f"  {rows} record(s) written to {path}")
    if report.legacy:
        print(f"  {report.legacy} item(s) from an earlier version were already in the records output")


def cmd_fix(args: argparse.Namespace) -> int:
    """A reviewer redacts what detection missed in a held item, with the policy's own action."""
    from redaction.policy import load_policy
    from redaction.queues import QueueError
    from redaction.queues.review import fix_item, require_reviewer

    policy = load_policy(args.policy)
    wanted: list[tuple[str, str]] = []
    for pair in args.redact:
        entity, sep, text = pair.partition("=")
        if not sep or not text:
            raise QueueError("--redact: expected ENTITY=TEXT, got an argument without '=' or text")
        wanted.append((entity, text))
    audit = _audit(args)
    with _store(args) as store:
        require_reviewer(store, audit, "fix held items", args.queue)
        report = fix_item(store, policy, args.queue, args.item_id, wanted, audit, release=args.release)
    audit.close()
    count = sum(report.redacted.values())
    released = report.release is not None and report.release.released
    print(
        f"{count} value(s) redacted in {args.item_id} by {audit.actor}"
        + (" and released" if released else " (still held)")
    )
    if report.release is not None:
        _print_written(report.release)
    return 0


def cmd_reviewers(args: argparse.Namespace) -> int:
    """Who holds the reviewer role; add or remove one (audited)."""
    from redaction.queues.review import change_reviewer

    if args.action == "list":
        with _store(args) as store:
            names = store.reviewers()
        print(f"queue store {store.path}")
        print("reviewers: " + (", ".join(names) if names else "none yet"))
        return 0
    if not args.name:
        from redaction.queues import QueueError

        raise QueueError(f"queue reviewers {args.action}: name the reviewer")
    audit = _audit(args)
    with _store(args, create=True) as store:
        changed = change_reviewer(store, audit, args.name, add=args.action == "add")
    audit.close()
    verbs = {("add", True): "now holds", ("add", False): "already holds"}
    verbs.update({("remove", True): "no longer holds", ("remove", False): "did not hold"})
    print(f"{args.name} {verbs[args.action, changed]} the reviewer role (by {audit.actor})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from redaction.audit.events import ANNOTATION_IMPORTED, ITEM_NACKED
    from redaction.io import file_sha256
    from redaction.queues.formats import format_for_path, import_annotations, user_mapping
    from redaction.queues.review import item_ref

    fmt = format_for_path(args.file, args.format)
    users = user_mapping(args.user)
    audit = _audit(args)
    with _store(args) as store:
        report = import_annotations(store, fmt, args.file, annotator=args.annotator, users=users)
        digest = file_sha256(args.file)
        events = []
        for name, done in sorted(report.annotators.items()):
            items = {item.item_id: item for item in store.items(done.saved + done.nacked)}
            for status in ("new", "replaced", "unchanged"):
                refs = [item_ref(items[i], status=status) for i in getattr(done, status) if i in items]
                events.append(
                    (ANNOTATION_IMPORTED, refs, {"annotator": name, "format": fmt.name, "sha256": digest})
                )
            refs = [item_ref(items[i]) for i in done.nacked if i in items]
            events.append((ITEM_NACKED, refs, {"annotator": name, "via": "import", "sha256": digest}))
        audit.record_many(events)
    audit.close()
    _print_import_report(report)
    return 0


def _print_import_report(report) -> None:
    """What an import (file or Label Studio sync) did on stdout, its notices on stderr."""
    for line in report.summary():
        print(line)
    for line in report.notices():
        print(line, file=sys.stderr)


def cmd_agreement(args: argparse.Namespace) -> int:
    from redaction.queues.agreement import plot_agreement, queue_agreement

    with _store(args) as store:
        kind = _kind(store, args.queue)
        if kind != "spans":
            return _kind_agreement(args, store, kind)
        report = queue_agreement(store, args.queue)
    if args.plot:
        plot_agreement(report, args.plot)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
    if args.plot and not args.json:
        print(f"plot written to {args.plot}")
    return 0


def _kind(store, queue: str) -> str:
    from redaction.queues.aggregate import queue_kind

    _labels(store, queue)  # the queue exists
    notes = store.annotations(queue)
    return queue_kind(store.settings()[queue], store.items(sorted({n.item_id for n in notes})[:200]))


def _kind_agreement(args: argparse.Namespace, store, kind: str) -> int:
    """`queue agreement` for a non-span queue: the figures of its kind (see aggregate.py)."""
    from redaction.queues import QueueError
    from redaction.queues.aggregate import queue_aggregate

    if args.plot:
        raise QueueError(
            f"queue agreement --plot: plots are drawn for span queues ('{args.queue}' is {kind})"
        )
    report, _ = queue_aggregate(store, args.queue, "majority", check_labels=False)
    d = report.to_dict()
    if args.json:
        print(json.dumps({"queue": args.queue, **d["agreement"], "annotators": d["annotators"]}, indent=2))
        return 0
    lines = report.format_text().splitlines()
    print(
        "\n".join(line for line in lines if not line.startswith("  flagged") and "label errors" not in line)
    )
    return 0


def _aggregate_body(actor: str, report) -> dict:
    d = report.to_dict()
    return {
        "actor": actor,
        "queue": report.queue,
        "kind": report.kind,
        "method": report.method,
        "items": d["items"],
        "origins": d["origins"],
        "gold_items": d["gold_items"],
        "annotators": len(d["annotators"]),
        "agreement": {k: v for k, v in d["agreement"].items() if k not in ("pairs", "notes", "kind")},
        "flagged": d["flagged"],
        "label_issues": {"checked": d["label_issues"]["checked"], "flagged": d["label_issues"]["flagged"]},
    }


def cmd_aggregate(args: argparse.Namespace) -> int:
    """Aggregate a queue's answers and print the quality summary (audited: counts only)."""
    from redaction.audit.events import LABELS_AGGREGATED, canonical
    from redaction.queues.aggregate import queue_aggregate

    audit = _audit(args)
    with _store(args) as store:
        report, _ = queue_aggregate(store, args.queue, args.method, review_below=args.review_below)
    audit.log.append_review([(LABELS_AGGREGATED, canonical(_aggregate_body(audit.actor, report)))])
    audit.close()
    print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else report.format_text())
    return 0


def cmd_dataset(args: argparse.Namespace) -> int:
    """Export the final, aggregated dataset of a queue (audited before it becomes visible)."""
    from redaction.audit.events import DATASET_EXPORTED, canonical, normalize_path
    from redaction.queues.aggregate import queue_aggregate
    from redaction.queues.dataset import write_dataset

    audit = _audit(args)
    with _store(args) as store:
        report, items = queue_aggregate(store, args.queue, args.method, review_below=args.review_below)

    def record(files: list[dict]) -> None:
        body = {
            **_aggregate_body(audit.actor, report),
            "format": args.format,
            "path": normalize_path(args.out),
            "rows": len(report.results),
            "files": files,
        }
        audit.log.append_review([(DATASET_EXPORTED, canonical(body))])

    written = write_dataset(report, items, args.out, args.format, policy=args.policy, before_publish=record)
    audit.close()
    origins = ", ".join(f"{k} {v}" for k, v in written["origins"].items()) or "none"
    print(
        f"{written['rows']} rows of queue {args.queue} ({report.kind}, {report.method}) written to "
        f"{written['path']} ({args.format}; origin: {origins}; flagged {written['flagged']})"
    )
    return 0


def cmd_gold_add(args: argparse.Namespace) -> int:
    from flows.cli import _policy
    from redaction.audit.events import GOLD_ADDED, canonical
    from redaction.queues.items import builder_for, read_gold_file
    from redaction.queues.sqlite import gold_id_for

    policy = _policy(args.policy)
    records = read_gold_file(args.file)
    builder = builder_for(policy)
    golds = builder.gold(args.queue, records, str(args.file))
    audit = _audit(args)
    with _store(args, create=True) as store:
        store.configure(policy.routing.queues, builder.placeholders.all_labels)
        body = {
            "actor": audit.actor,
            "queue": args.queue,
            "gold_items": sorted(g.gold_id or gold_id_for(args.queue, g.text) for g in golds),
            "answers": sum(len(g.answers) for g in golds),
        }
        audit.log.append_review([(GOLD_ADDED, canonical(body))])
        added = store.add_gold(args.queue, golds)
    audit.close()
    print(f"{added} gold items added to {args.queue} ({len(golds) - added} already there)")
    return 0


def _label_studio_client(args: argparse.Namespace):
    from redaction.queues.label_studio import client_from_env

    return client_from_env(args.label_studio, args.token_env)


def cmd_push(args: argparse.Namespace) -> int:
    """Lease items and send them to a live Label Studio project (created or updated)."""
    from redaction.queues.formats import user_mapping
    from redaction.queues.label_studio import check_users, push

    users = user_mapping(args.user)
    audit = _audit(args)
    annotators = list(dict.fromkeys(users.values())) or [audit.actor]
    with _label_studio_client(args) as client, _store(args) as store:
        check_users(client, users)
        report = push(client, store, audit, args.queue, args.project, annotators, args.n, args.lease_seconds)
    audit.close()
    for line in report.summary(client.url):
        print(line)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Bring a live Label Studio project's completed annotations back (like `queue import`)."""
    from redaction.queues.formats import user_mapping
    from redaction.queues.label_studio import check_users, sync

    users = user_mapping(args.user)
    audit = _audit(args)
    with _label_studio_client(args) as client, _store(args) as store:
        check_users(client, users)
        report = sync(client, store, audit, args.queue, args.project, users)
    audit.close()
    _print_import_report(report)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train the queue's next model version from its annotations, audited; then its suggestions
    go on the open items (pre-annotations in pulls) and the queue is re-ordered. Classification,
    rating and preference queues are learned; a text queue is refused with one line."""
    import shutil

    from redaction.audit.events import MODEL_TRAINED, canonical
    from redaction.queues.learning import suggest, train_queue_model

    audit = _audit(args)
    with _store(args) as store:
        report = train_queue_model(store, args.queue, library=args.library)
        model = report.model
        body = {
            "actor": audit.actor,
            "queue": args.queue,
            "model": model.name,
            "version": model.version,
            "kind": model.meta["kind"],
            "multi": model.multi,
            "library": model.meta["library"],
            "library_version": model.meta["library_version"],
            "labels": model.classes,
            "train_size": report.train_size,
            "heldout_size": report.heldout_size,
            "data_sha256": report.data_sha256,
            "heldout": report.metrics,
            "files": model.meta["files"],
        }
        try:
            audit.log.append_review([(MODEL_TRAINED, canonical(body))])
        except BaseException:
            shutil.rmtree(model.path, ignore_errors=True)  # an unaudited model is never used
            raise
        suggested = 0 if args.no_suggest else suggest(store, args.queue, model)
    audit.close()
    if args.json:
        print(json.dumps({**body, "suggested": suggested, "path": str(model.path)}, indent=2))
        return 0
    figures = report.metrics
    print(f"trained {model.name} ({model.meta['library']} {model.meta['library_version']}) in {model.path}")
    if model.meta["kind"] == "spans":
        _print_span_figures(report, suggested)
        return 0
    low, high = figures["accuracy_ci95"]
    if model.meta["kind"] == "preference":
        base = figures["baselines"]
        print(
            f"train {report.train_size} items, held out {report.heldout_size} ({figures['pairs']} pairs):"
            f" pairwise accuracy {figures['accuracy']:.1%} (95% CI {low:.1%}-{high:.1%}), top response"
            f" {figures['top_accuracy']:.1%}; baselines on the same pairs: always first"
            f" {base['always_first']:.1%}, longer response {base['longer_response']:.1%}"
        )
        print(f"suggestions set on {suggested} open item(s)")
        return 0
    print(
        f"train {report.train_size} items, held out {report.heldout_size}: accuracy {figures['accuracy']:.1%}"
        f" (95% CI {low:.1%}-{high:.1%}), macro-F1 {figures['macro_f1']:.3f}"
        + (f", MAE {figures['mae']:.2f}" if "mae" in figures else "")
    )
    rows = [
        (label, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", c["support"])
        for label, c in figures["per_class"].items()
    ]
    print(_table(("class", "precision", "recall", "F1", "held out"), rows))
    print(f"suggestions set on {suggested} open item(s)")
    return 0


def _print_span_figures(report, suggested: int) -> None:
    figures = report.metrics
    print(
        f"train {report.train_size} items, held out {report.heldout_size}"
        f" ({figures['entities']} entities): entity precision {figures['precision']:.3f},"
        f" recall {figures['recall']:.3f}, F1 {figures['f1']:.3f} (micro, exact span and label)"
    )
    rows = [
        (label, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", c["support"])
        for label, c in figures["per_label"].items()
    ]
    print(_table(("label", "precision", "recall", "F1", "held out"), rows))
    print(f"pre-labels set on {suggested} open item(s)")


def cmd_autolabel(args: argparse.Namespace) -> int:
    """Accept the model's labels above the queue's threshold, spot checks to people; audited."""
    from redaction.audit.events import ITEMS_AUTOLABELLED, canonical
    from redaction.queues.learning import (
        AutoLabelExport,
        auto_label_records,
        autolabel,
        load_model,
        queue_settings,
        spot_check_report,
        suggest,
    )
    from redaction.queues.review import export_audited

    audit = _audit(args)
    with _store(args) as store:
        if args.report:
            report = spot_check_report(store, args.queue)
            print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
            return 0
        settings = queue_settings(store, args.queue)
        model = load_model(args.queue, args.version, settings=settings)
        suggest(store, args.queue, model)  # items enqueued since `queue train` get theirs too

        def record(plan) -> None:
            audit.log.append_review(
                [(ITEMS_AUTOLABELLED, canonical({"actor": audit.actor, **plan.to_dict()}))]
            )

        done = autolabel(
            store,
            args.queue,
            model,
            threshold=args.threshold,
            spot_check=args.spot_check,
            seed=args.seed,
            before_write=record,
        )
        written = None
        if args.export:
            records = auto_label_records(store, args.queue)
            items = store.items([r["item_id"] for r in records])
            written = export_audited(
                AutoLabelExport(records), items, args.export, [], audit, annotator=None, held=True
            )
    audit.close()
    if args.json:
        print(json.dumps({**done.to_dict(), "export": str(written) if written else None}, indent=2))
        return 0
    print(
        f"{model.name} on {args.queue}: {len(done.accepted)} item(s) labelled without a person"
        f" (confidence >= {done.threshold}), {len(done.spot_checked)} sent to people as spot checks"
        f" ({done.spot_check:.0%}, seed {done.seed}), {done.below} below the threshold left to people"
    )
    if written:
        print(f"auto labels (origin: model) written to {written}")
    return 0


def _actor_option(parser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        help="who is acting, for the audit log (default: $SCRUBLINE_ACTOR, else your OS user name)",
    )


def register(subparsers) -> None:
    """Add `queue` and its commands to the `scrubline` parser's subcommands."""
    from redaction.queues.formats import format_names

    queue = subparsers.add_parser(
        "queue", help="annotation queues: pull, acknowledge, import, Label Studio push/sync, agreement"
    )
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
    pull.add_argument("--queue", required=True, help="the queue to pull from, e.g. annotation")
    pull.add_argument("--annotator", help="who the items are leased to")
    pull.add_argument("--n", type=int, default=100, help="how many items (default 100)")
    pull.add_argument("--format", required=True, choices=formats, help="the annotation tool's format")
    pull.add_argument("--out", required=True, help="file to write")
    pull.add_argument("--lease-seconds", type=int, help="lease length (default: the queue's)")
    pull.add_argument("--held", action="store_true", help="export held items for review, without a lease")
    _actor_option(pull)
    pull.set_defaults(func=cmd_pull)

    for name, verb in (("ack", "mark leased items done"), ("nack", "give leased items back")):
        command = sub.add_parser(name, help=verb)
        command.add_argument("ids", nargs="*", help="item ids")
        command.add_argument("--annotator", required=True, help="whose leases they are")
        command.add_argument("--batch", help="an exported batch file: its items")
        command.add_argument("--format", choices=formats, help="format of --batch (implied for .parquet)")
        _actor_option(command)
        command.set_defaults(func=cmd_ack, command_name=name)

    release = sub.add_parser("release", help="release held items (after privacy review)")
    release.add_argument("--queue", required=True, help="the holding queue, e.g. privacy-review")
    release.add_argument("ids", nargs="*", help="item ids (or --all)")
    release.add_argument("--all", action="store_true", help="every held item of the queue")
    release.add_argument("--to", help="queue to release into (default: the queue's release_to)")
    _actor_option(release)
    release.set_defaults(func=cmd_release)

    fixing = sub.add_parser(
        "fix",
        help="redact what detection missed in a held item (the policy's action), then optionally release it",
    )
    fixing.add_argument("item_id", help="the held item's id (from pull --held)")
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
    _actor_option(fixing)
    fixing.set_defaults(func=cmd_fix)

    reviewers = sub.add_parser(
        "reviewers",
        help="who holds the reviewer role (pull --held, fix, release); add or remove one, audited",
    )
    reviewers.add_argument("action", choices=("list", "add", "remove"), help="list, add or remove")
    reviewers.add_argument("name", nargs="?", help="the reviewer's name, as they give it to --as")
    _actor_option(reviewers)
    reviewers.set_defaults(func=cmd_reviewers)

    importing = sub.add_parser("import", help="import completed annotations exported by a tool")
    importing.add_argument("file", help="the file exported by the annotation tool")
    importing.add_argument("--format", choices=formats, help="the file's format (implied for .parquet)")
    importing.add_argument(
        "--annotator", help="credit every annotation in the file to this annotator (one person's file)"
    )
    importing.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="TOOL_USER=NAME",
        help="credit the tool's user (Label Studio: the numeric user id or the email) to this annotator"
        " (repeatable); unmapped Label Studio users are credited to the item's only leaseholder",
    )
    _actor_option(importing)
    importing.set_defaults(func=cmd_import)

    # A live Label Studio server (redaction/queues/label_studio.py).
    for name, verb, example in (
        (
            "push",
            "lease items and send them to a live Label Studio project (created or updated)",
            "LABEL_STUDIO_API_KEY=... scrubline queue push annotation --label-studio http://127.0.0.1:8080"
            " --project annotation --as alice --n 50",
        ),
        (
            "sync",
            "import a live Label Studio project's completed annotations; skipped tasks go back",
            "LABEL_STUDIO_API_KEY=... scrubline queue sync annotation --label-studio http://127.0.0.1:8080"
            " --project annotation --user bob@example.org=bob",
        ),
    ):
        live = sub.add_parser(name, help=verb, epilog=f"example:\n  {example}")
        live.add_argument("queue", help="the queue, e.g. annotation")
        live.add_argument(
            "--label-studio",
            required=True,
            metavar="URL",
            help="the Label Studio server, e.g. http://127.0.0.1:8080",
        )
        live.add_argument("--project", required=True, metavar="NAME", help="the Label Studio project's title")
        live.add_argument(
            "--token-env",
            default="LABEL_STUDIO_API_KEY",
            metavar="VAR",
            help="the environment variable holding the API token (default LABEL_STUDIO_API_KEY; "
            "the token is never an argument)",
        )
        if name == "push":
            live.add_argument("--n", "-n", type=int, default=100, help="items per annotator (default 100)")
            live.add_argument("--lease-seconds", type=int, help="lease length (default: the queue's)")
            live.add_argument(
                "--user",
                action="append",
                default=[],
                metavar="LSUSER=ANNOTATOR",
                help="lease --n items to each ANNOTATOR (repeatable; default: to --as); LSUSER is their"
                " Label Studio email or user name",
            )
        else:
            live.add_argument(
                "--user",
                action="append",
                default=[],
                metavar="LSUSER=ANNOTATOR",
                help="credit the Label Studio user (email, user name or id) to this annotator (repeatable);"
                " default: the user name or the email's local part when it names an annotator of the item,"
                " else the item's only leaseholder",
            )
        _actor_option(live)
        live.set_defaults(func=cmd_push if name == "push" else cmd_sync)

    agree = sub.add_parser("agreement", help="inter-annotator agreement and gold accuracy of a queue")
    agree.add_argument("queue", help="the queue to measure")
    agree.add_argument("--plot", help="write a plot of agreement per annotator (.png, .svg, .html)")
    agree.add_argument("--json", action="store_true")
    agree.set_defaults(func=cmd_agreement)

    from redaction.queues.aggregate import METHODS, REVIEW_BELOW
    from redaction.queues.dataset import FORMATS as DATASET_FORMATS

    def quality_options(command) -> None:
        command.add_argument("queue", help="the queue whose answers to aggregate")
        command.add_argument(
            "--method",
            choices=METHODS,
            default="majority",
            help="how several annotators' answers become one: majority vote, or Dawid-Skene or "
            "MACE (learn each annotator's reliability); text keeps the medoid answer",
        )
        command.add_argument(
            "--review-below",
            type=float,
            default=REVIEW_BELOW,
            metavar="SHARE",
            help="flag items whose annotators agree with the final label less than this share"
            f" (default {REVIEW_BELOW})",
        )
        _actor_option(command)

    aggregating = sub.add_parser(
        "aggregate",
        help="aggregate annotators' answers: agreement per kind, annotator accuracy, flagged items",
        epilog="example:\n  scrubline queue aggregate intent --method dawid-skene",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quality_options(aggregating)
    aggregating.add_argument(
        "--format", choices=("text", "json"), default="text", help="print the summary as text or JSON"
    )
    aggregating.set_defaults(func=cmd_aggregate)

    final = sub.add_parser(
        "dataset",
        help="export the final, aggregated dataset (one row per item, with its label's provenance)",
        epilog="example:\n  scrubline queue dataset intent --out final/intent --format hf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quality_options(final)
    final.add_argument(
        "--out", required=True, help="folder to write (replaced if it holds an earlier export)"
    )
    final.add_argument(
        "--format",
        choices=DATASET_FORMATS,
        default="parquet",
        help="parquet (data.parquet), jsonl (data.jsonl) or hf (the Hugging Face layout that"
        " datasets.load_dataset(DIR) reads)",
    )
    final.add_argument("--policy", help="the policy the data was redacted with, named in the dataset card")
    final.set_defaults(func=cmd_dataset)

    gold = sub.add_parser("gold", help="gold items with known answers")
    gold_sub = gold.add_subparsers(dest="gold_command", required=True, parser_class=parser_class)
    add = gold_sub.add_parser(
        "add",
        help='add gold items from JSONL {"text", "spans": [{start, end, label}]} (other kinds: a record'
        ' like the queue\'s own with its "answer")',
    )
    add.add_argument(
        "file",
        help='JSONL of {"text", "spans": [{start, end, label}]}; a classification, rating, preference or'
        ' text queue: the record ({"text"}, {"messages"} or {"prompt", "responses"}) and its "answer"'
        ' ({"labels"}, {"rating"}, {"ranking"}, {"text"})',
    )
    add.add_argument("--queue", required=True, help="the queue to mix them into")
    add.add_argument(
        "--policy", required=True, help="the policy (placeholders and pre-labels like other items)"
    )
    _actor_option(add)
    add.set_defaults(func=cmd_gold_add)

    train = sub.add_parser(
        "train",
        help="train the queue's model from its annotations (classification, rating, preference, spans);"
        " audited",
        description="Train the queue's next model version from people's answers and measure it on a\n"
        "held-out share. Classification and rating queues learn a text classifier, preference\n"
        "queues a reward model over prompt and responses, spans queues a spaCy ner whose spans\n"
        "replace the general pre-labels; text queues are not learned (no model writes responses).",
        epilog="example:\n  scrubline queue train intent",
    )
    train.add_argument("queue", help="the queue to learn from, e.g. intent")
    train.add_argument(
        "--library",
        choices=("auto", "sklearn", "spacy"),
        help="model library (default: the queue's model.kind; auto = scikit-learn, spaCy ner for spans;"
        " preference: sklearn only)",
    )
    train.add_argument(
        "--no-suggest",
        action="store_true",
        help="do not set the new model's suggestions (spans: pre-labels) on open items",
    )
    train.add_argument("--json", action="store_true", help="print the result as JSON")
    _actor_option(train)
    train.set_defaults(func=cmd_train)

    auto = sub.add_parser(
        "autolabel",
        help="accept the model's labels above the queue's auto_accept threshold, spot checks to people",
        epilog="example:\n  scrubline queue autolabel intent --export auto-labels.jsonl",
    )
    auto.add_argument("queue", help="the queue to label, e.g. intent")
    auto.add_argument("--version", type=int, help="model version to use (default: the latest)")
    auto.add_argument("--threshold", type=float, help="least confidence accepted (default: the queue's)")
    auto.add_argument("--spot-check", type=float, help="share sent to people anyway (default: the queue's)")
    auto.add_argument("--seed", type=int, help="seed of the spot-check draw (default: the queue's)")
    auto.add_argument(
        "--report",
        action="store_true",
        help="measured accuracy of auto-accepted labels from answered spot checks (labels nothing)",
    )
    auto.add_argument("--export", metavar="FILE", help="also write every auto label (origin: model) as JSONL")
    auto.add_argument("--json", action="store_true", help="print the result as JSON")
    _actor_option(auto)
    auto.set_defaults(func=cmd_autolabel)
