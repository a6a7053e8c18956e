"""Reports a person reads: one run (HTML or Markdown), and plain-text tables for the CLI.

HTML reports are one self-contained file: inline CSS and an inline SVG chart, no JavaScript, no
external resources, so they open offline and can be archived as they are. Every figure comes
from `queries.run_details` and the verification result; nothing is recomputed here.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from .verification import VerifyResult


def format_table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    cells = [tuple(str(c) for c in header)] + [
        tuple("-" if c is None else str(c) for c in row) for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _options(options: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(options.items())) or "-"


def _entity_rows(details: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(entity, count, action) sorted by count, from the run's counts and policy."""
    rules = details["policy"].get("entities", {})
    entities = details["counts"].get("entities_by_type") or {}
    return [
        (name, count, (rules.get(name) or {}).get("action", "-"))
        for name, count in sorted(entities.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _summary_pairs(details: dict[str, Any]) -> list[tuple[str, str]]:
    c = details["counts"]
    policy = details["policy"]
    code = details.get("code") or {}
    reconciled = details.get("reconciled")
    return [
        ("Run", details["run_id"]),
        ("Status", details["status"]),
        ("Started", details["started"]),
        ("Finished", details["finished"] or "- (interrupted or still running)"),
        ("Duration", f"{details['seconds']:.1f} s" if details.get("seconds") is not None else "-"),
        ("Started by", f"{details.get('user') or '?'} on {details.get('host') or '?'}"),
        ("Policy", f"{policy['name']} {policy['version']} (sha256 {policy['sha256']})"),
        ("Code", f"scrubline {code.get('scrubline') or '?'}, commit {code.get('git_commit') or 'unknown'}"),
        ("Prefect flow run", details.get("flow_run_id") or "-"),
        ("Resumes runs", ", ".join(details.get("resumes") or []) or "-"),
        ("Resumed by", ", ".join(details.get("resumed_by") or []) or "-"),
        (
            "Reconciled",
            "-"
            if reconciled is None
            else (
                f"{'yes' if reconciled else 'NO'}: {c.get('records_in')} in = {c.get('redacted')} redacted"
                f" + {c.get('held', 0)} held + {c.get('filtered', 0)} filtered"
                f" + {c.get('quarantined')} quarantined"
            ),
        ),
        ("Counts from", details["counts_source"]),
    ]


def queue_rows(details: dict[str, Any]) -> list[tuple[str, int]]:
    """Routing decisions the log recorded for the run: records per queue, and those filtered."""
    rows = sorted(details["queues"].items())
    filtered = details["logged"]["filtered"]
    if rows or filtered:
        rows.append(("(filtered by a routing rule)", filtered))
    return rows


def review_rows(details: dict[str, Any]) -> list[tuple[str, Any, Any, Any, Any]]:
    """(reviewer, held, fixed, released, still held) for the records the run held for review:
    a row for all of them, then one per reviewer."""
    review = details.get("review") or {}
    if not review.get("held"):
        return []
    rows: list[tuple[str, Any, Any, Any, Any]] = [
        ("(all reviewers)", review["held"], review["fixed"], review["released"], review["still_held"])
    ]
    rows += [(actor, "", n["fixed"], n["released"], "") for actor, n in sorted(review["by_reviewer"].items())]
    return rows


REVIEW_HEADER = ("reviewer", "held", "fixed", "released", "still held")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _verification_line(verification: VerifyResult, details: dict[str, Any]) -> str:
    signed = (
        f"run digest {details['signature'][:16]}... signed"
        if details.get("signature")
        else "no signed digest (run not finished)"
    )
    return f"{verification.format_text()}; {signed}"


# --- Markdown ----------------------------------------------------------------------------------


def _md_table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    def cell(value: Any) -> str:
        return ("-" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _text_bars(rows: list[tuple[str, int, str]], width: int = 40) -> str:
    if not rows:
        return "(no entities found)"
    top = max(count for _, count, _ in rows) or 1
    label = max(len(name) for name, _, _ in rows)
    lines = []
    for name, count, _ in rows:
        bar = "█" * max(1, round(width * count / top))
        lines.append(f"{name:<{label}}  {bar} {count}")
    return "```text\n" + "\n".join(lines) + "\n```"


def run_report_markdown(details: dict[str, Any], verification: VerifyResult) -> str:
    c = details["counts"]
    policy = details["policy"]
    out = [
        f"# Scrubline audit report: run {details['run_id']}",
        "",
        f"**Verification:** {_verification_line(verification, details)}",
        "",
        "## Summary",
        "",
        _md_table(("", ""), _summary_pairs(details)),
        "",
        _md_table(
            ("records in", "redacted", "held", "filtered", "quarantined"),
            [
                (
                    c.get("records_in"),
                    c.get("redacted"),
                    c.get("held", 0),
                    c.get("filtered", 0),
                    c.get("quarantined"),
                )
            ],
        ),
        "",
        "## Entities found by type",
        "",
        _text_bars(_entity_rows(details)),
        "",
    ]
    rows = _entity_rows(details)
    if rows:
        out += [_md_table(("entity", "found", "action"), rows), ""]
    out += ["## Quarantine reasons", ""]
    reasons = c.get("quarantined_by_reason") or {}
    out += [_md_table(("reason", "records"), sorted(reasons.items())) if reasons else "(none)", ""]
    out += ["## Queues", ""]
    if queue_rows(details):
        out += [_md_table(("queue", "records"), queue_rows(details)), ""]
    else:
        out += ["(no routing recorded)", ""]
    out += ["## Privacy review", ""]
    out += [
        _md_table(REVIEW_HEADER, review_rows(details)) if review_rows(details) else "(no record was held)",
        "",
    ]
    out += [
        "## Policy rules in force",
        "",
        f"{policy['name']} {policy['version']}: {policy.get('description') or ''}".rstrip(": "),
        "",
        f"Purpose: {policy.get('purpose') or '(not stated in the policy)'}",
        "",
        _md_table(
            ("entity", "threshold", "action", "options"),
            [
                (name, f"{rule['threshold']:.2f}", rule["action"], _options(rule.get("options") or {}))
                for name, rule in policy.get("entities", {}).items()
            ],
        ),
        "",
        "Languages: " + ", ".join(f"{k} ({v})" for k, v in (policy.get("languages") or {}).items()),
        "",
        _fields_line(policy),
        "",
        "## Inputs",
        "",
        _md_table(
            ("path", "format", "size", "sha256"),
            [
                (i.get("path"), i.get("format"), _size(i.get("size")), i.get("sha256"))
                for i in details["inputs"]
            ],
        ),
        "",
        "## Parameters",
        "",
        _md_table(("parameter", "value"), sorted((k, v) for k, v in details["parameters"].items()))
        if details["parameters"]
        else "(none recorded)",
        "",
        "## Outputs",
        "",
        _outputs_sentence(details),
        "",
    ]
    exports = details["exports"]
    if exports:
        out += [
            _md_table(
                ("kind", "file", "rows", "sha256"),
                [(e["kind"], e["path"], e["rows"], e["sha256"]) for e in exports[:MAX_LISTED_FILES]],
            ),
            "",
        ]
        if len(exports) > MAX_LISTED_FILES:
            out += [f"... and {len(exports) - MAX_LISTED_FILES} more (`scrubline audit show RUN --json`)", ""]
    out += [f"_Generated {_now()} from the audit log; no record content is stored in it._", ""]
    return "\n".join(out)


MAX_LISTED_FILES = 25


def _fields_line(policy: dict[str, Any]) -> str:
    fields = policy.get("fields") or {}
    return (
        f"Fields: id `{fields.get('id', '-')}`; kept: {', '.join(fields.get('keep') or []) or '-'}; "
        f"dropped: {', '.join(fields.get('drop') or []) or '-'}; every other string field scanned "
        f"(nested values: {fields.get('nested', '-')})"
    )


def _outputs_sentence(details: dict[str, Any]) -> str:
    exports = details["exports"]
    records = [e for e in exports if e["kind"] == "records"]
    quarantine = [e for e in exports if e["kind"] == "quarantine"]
    return (
        f"{plural(len(records), 'records file')} ({plural(sum(e['rows'] for e in records), 'row')}) and "
        f"{plural(len(quarantine), 'quarantine file')} "
        f"({plural(sum(e['rows'] for e in quarantine), 'row')}, restricted)."
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
  color: #1d2330; margin: 0; background: #f4f5f7; }
main { max-width: 1060px; margin: 0 auto; padding: 28px 32px 40px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #dde1e7; }
.sub { color: #5b6473; margin: 0 0 16px; font-size: 13px; }
.mono, code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 14px 0; font-weight: 600; }
.ok { background: #e6f4ea; color: #14532d; border: 1px solid #a7d7b5; }
.bad { background: #fdecea; color: #7f1d1d; border: 1px solid #f1a9a0; }
.warn { background: #fff7e0; color: #6b4e00; border: 1px solid #f0d58a; }
.cards { display: flex; gap: 12px; margin: 12px 0 4px; }
.card { flex: 1; border: 1px solid #dde1e7; border-radius: 6px; padding: 10px 14px; }
.card .n { font-size: 24px; font-weight: 700; }
.card .l { color: #5b6473; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { background: #f7f8fa; font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.compact { width: auto; min-width: 520px; }
table.kv th { width: 170px; background: none; color: #5b6473; font-weight: 500; }
td.wrap { word-break: break-all; }
.note { color: #5b6473; font-size: 13px; }
footer { margin-top: 32px; color: #7a8291; font-size: 12px; }
"""

_BAR_COLORS = ("#3b6fd8", "#2f9e8f", "#d9822b", "#8e5bd1", "#c2455a", "#5f8f2f", "#b8860b", "#4a8fc4")


def _e(value: Any) -> str:
    return html.escape("-" if value is None else str(value))


def _html_table(
    header: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    numeric: set[int] = frozenset(),
    css: str = "",
    columns: dict[int, str] | None = None,
) -> str:
    """A table; `numeric` columns align right, `columns` gives other columns a CSS class."""
    classes = {i: "num" for i in numeric} | (columns or {})

    def attr(i: int) -> str:
        return f' class="{classes[i]}"' if i in classes else ""

    head = "".join(f"<th{' class=num' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{attr(i)}>{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def entity_chart_svg(rows: list[tuple[str, int, str]], width: int = 980) -> str:
    """Horizontal bar chart of entities by type, as inline SVG (no script, no external font)."""
    if not rows:
        return '<p class="note">No entities were found in this run.</p>'
    bar_h, gap, top = 22, 8, 8
    label_w = max(140, min(260, 8 * max(len(name) for name, _, _ in rows) + 16))
    value_w = 70
    plot_w = width - label_w - value_w
    height = top * 2 + len(rows) * (bar_h + gap) - gap
    peak = max(count for _, count, _ in rows) or 1
    total = sum(count for _, count, _ in rows) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Entities found by type">',
        f'<line x1="{label_w}" y1="0" x2="{label_w}" y2="{height}" stroke="#c7ccd4"/>',
    ]
    for i, (name, count, action) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(2.0, plot_w * count / peak)
        color = _BAR_COLORS[i % len(_BAR_COLORS)]
        share = 100 * count / total
        parts += [
            f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 4.5}" text-anchor="end" font-size="12.5" '
            f'font-family="DejaVu Sans, Arial, sans-serif" fill="#1d2330">{_e(name)}</text>',
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}">'
            f"<title>{_e(name)}: {count} ({share:.1f}%), action {_e(action)}</title></rect>",
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h / 2 + 4.5}" font-size="12.5" '
            f'font-family="DejaVu Sans, Arial, sans-serif" fill="#3a4150">{count}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def run_report_html(details: dict[str, Any], verification: VerifyResult) -> str:
    c = details["counts"]
    policy = details["policy"]
    entity_rows = _entity_rows(details)
    total_entities = sum(n for _, n, _ in entity_rows) or 1
    if not verification.ok:
        banner = f'<div class="banner bad">Audit log does NOT verify: {_e(verification.message)}</div>'
    elif details.get("signature"):
        banner = (
            f'<div class="banner ok">Audit log verified ({plural(verification.entries, "entry", "entries")}, '
            f"{plural(verification.runs, 'run')}, all signatures valid); this run's digest is signed: "
            f'<span class="mono">{_e(details["signature"][:32])}…</span></div>'
        )
    else:
        banner = (
            '<div class="banner warn">Audit log verified '
            f"({plural(verification.entries, 'entry', 'entries')}), but this run "
            "has no signed digest: it was interrupted or is still running.</div>"
        )
    if details.get("reconciled") is False:
        banner += (
            '<div class="banner bad">Counts do not reconcile '
            "(in ≠ redacted + held + filtered + quarantined).</div>"
        )

    cards = "".join(
        f'<div class="card"><div class="n">{_e(value)}</div><div class="l">{_e(label)}</div></div>'
        for label, value in (
            ("records in", c.get("records_in")),
            ("redacted", c.get("redacted")),
            ("held for review", c.get("held", 0)),
            ("filtered", c.get("filtered", 0)),
            ("quarantined", c.get("quarantined")),
            ("entities found", sum(n for _, n, _ in entity_rows)),
        )
    )
    summary = (
        '<table class="kv">'
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary_pairs(details))
        + "</table>"
    )
    entity_table = _html_table(
        ("entity", "found", "share", "action"),
        [(name, n, f"{100 * n / total_entities:.1f}%", action) for name, n, action in entity_rows],
        numeric={1, 2},
        css="compact",
    )
    reasons = c.get("quarantined_by_reason") or {}
    reasons_html = (
        _html_table(("reason", "records"), sorted(reasons.items()), numeric={1}, css="compact")
        if reasons
        else '<p class="note">No record was quarantined.</p>'
    )
    if queue_rows(details):
        queues_html = _html_table(("queue", "records"), queue_rows(details), numeric={1}, css="compact")
    else:
        queues_html = '<p class="note">No routing decisions were recorded for this run.</p>'
    if review_rows(details):
        review_html = _html_table(REVIEW_HEADER, review_rows(details), numeric={1, 2, 3, 4}, css="compact")
    else:
        review_html = '<p class="note">No record was held for privacy review.</p>'
    rules_html = _html_table(
        ("entity", "threshold", "action", "options"),
        [
            (name, f"{rule['threshold']:.2f}", rule["action"], _options(rule.get("options") or {}))
            for name, rule in (policy.get("entities") or {}).items()
        ],
        numeric={1},
        css="compact",
    )
    recognizers = [f"{r['name']} → {r['entity']}" for r in policy.get("recognizers") or []]
    extra = [
        ("Purpose", policy.get("purpose") or "(not stated in the policy)"),
        ("Languages", ", ".join(f"{k} ({v})" for k, v in (policy.get("languages") or {}).items())),
        ("Coded recognizers", ", ".join(policy.get("coded_recognizers") or []) or "-"),
        ("Policy recognizers", ", ".join(recognizers) or "-"),
        (
            "Word lists",
            f"{policy.get('allow_list_words', 0)} allow-list words; deny lists: "
            + (
                ", ".join(f"{d['entity']} ({d['words']} words)" for d in policy.get("deny_lists") or [])
                or "-"
            ),
        ),
        ("Fields", _fields_line(policy).removeprefix("Fields: ").replace("`", "")),
    ]
    extra_html = (
        '<table class="kv">'
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in extra)
        + "</table>"
    )
    inputs_html = _html_table(
        ("path", "format", "size", "sha256"),
        [(i.get("path"), i.get("format"), _size(i.get("size")), i.get("sha256")) for i in details["inputs"]],
        columns={0: "wrap", 3: "wrap mono"},
    )
    params = details["parameters"]
    params_html = (
        _html_table(("parameter", "value"), sorted(params.items()), css="compact")
        if params
        else '<p class="note">None recorded.</p>'
    )
    exports = details["exports"]
    exports_html = f"<p>{_e(_outputs_sentence(details))}</p>"
    if exports:
        exports_html += _html_table(
            ("kind", "file", "rows", "sha256"),
            [(e["kind"], e["path"], e["rows"], e["sha256"]) for e in exports[:MAX_LISTED_FILES]],
            numeric={2},
            columns={1: "wrap mono", 3: "wrap mono"},
        )
        if len(exports) > MAX_LISTED_FILES:
            exports_html += (
                f'<p class="note">… and {len(exports) - MAX_LISTED_FILES} more files '
                "(scrubline audit show RUN --json lists them all).</p>"
            )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Scrubline audit report: run {_e(details["run_id"])}</title>
<style>{_CSS}</style></head>
<body><main>
<h1>Scrubline audit report</h1>
<p class="sub">Run <span class="mono">{_e(details["run_id"])}</span> · policy {_e(policy["name"])}
{_e(policy["version"])} · {_e(details["status"])}</p>
{banner}
<div class="cards">{cards}</div>
<h2>Summary</h2>
{summary}
<h2>Entities found by type</h2>
{entity_chart_svg(entity_rows)}
{entity_table if entity_rows else ""}
<h2>Quarantine reasons</h2>
{reasons_html}
<h2>Queues</h2>
{queues_html}
<h2>Privacy review</h2>
{review_html}
<h2>Policy rules in force</h2>
<p>{_e(policy.get("description") or "")}</p>
{rules_html}
{extra_html}
<h2>Inputs</h2>
{inputs_html}
<h2>Parameters</h2>
{params_html}
<h2>Outputs</h2>
{exports_html}
<h2>Verification</h2>
<p>{_e(_verification_line(verification, details))}</p>
<p class="note">The audit log is hash-chained; each finished run carries a digest signed with the audit
key, and a signed checkpoint guards the end of the log. It holds keyed digests, offsets and counts only,
never record content.</p>
<footer>Generated {_e(_now())} by scrubline audit report.</footer>
</main></body></html>
"""


def render_review(report: dict[str, Any], verification: VerifyResult, fmt: str) -> str:
    """The review report (`scrubline audit review`) as text, Markdown or JSON."""
    import json

    if fmt == "json":
        return json.dumps({**report, "verification": verification.to_dict()}, indent=2, sort_keys=True)
    review_table = [
        (queue, r["held"], r["reviewed"], r["fixed"], r["released"], r["still_held"])
        for queue, r in report["review"].items()
    ]
    reviewer_table = [
        (queue, actor, n["fixed"], n["released"])
        for queue, r in report["review"].items()
        for actor, n in r["by_reviewer"].items()
    ]
    pull_table = [
        (
            d["queue"],
            d["actor"],
            d["annotator"] if d["lease"] else "(review, no lease)",
            d["format"],
            d["items"],
            d["files"],
            d["first"][:19].replace("T", " "),
            d["last"][:19].replace("T", " "),
        )
        for d in report["disclosures"]
    ]
    action_table = [
        (actor, event.removeprefix("item_").replace("_", " "), n)
        for actor, events in sorted(report["actions_by_actor"].items(), key=lambda kv: str(kv[0]))
        for event, n in sorted(events.items())
    ]
    sections = [
        ("Privacy review by holding queue", ("queue", "held", "reviewed", "fixed", "released", "still held"),
         review_table, "No record has been held for review."),
        ("By reviewer", ("queue", "reviewer", "fixed", "released"), reviewer_table, "No review yet."),
        ("Disclosures (items pulled)", ("queue", "by", "for", "format", "items", "files", "first (UTC)",
         "last (UTC)"), pull_table, "No item has been pulled."),
        ("Actions by person", ("actor", "action", "items"), action_table, "No queue action recorded."),
    ]  # fmt: skip
    if fmt == "md":
        out = ["# Scrubline review report", "", f"**Verification:** {verification.format_text()}", ""]
        for title, header, rows, empty in sections:
            out += [f"## {title}", "", _md_table(header, rows) if rows else empty, ""]
        out += [f"_Generated {_now()} from the audit log: names, ids and counts, no record content._", ""]
        return "\n".join(out)
    out = [f"Scrubline review report ({verification.format_text()})"]
    for title, header, rows, empty in sections:
        out += ["", title + ":", format_table(header, rows) if rows else "  " + empty]
    return "\n".join(out) + "\n"


def run_report(details: dict[str, Any], verification: VerifyResult, fmt: str) -> str:
    if fmt == "html":
        return run_report_html(details, verification)
    if fmt == "md":
        return run_report_markdown(details, verification)
    raise ValueError(f"unknown report format {fmt!r} (expected html or md)")
