"""The final dataset of a queue: one row per annotated item, its aggregated label and where the
label came from, ready for training.

Formats (`--format`), each a folder with a dataset card (`README.md`: the policy of the data,
counts, methods, agreement):

* `parquet`: `data.parquet`; `jsonl`: `data.jsonl`;
* `hf`: the Hugging Face Hub layout, `data/train-00000-of-00001-<sha256[:16]>.parquet` with the
  card's YAML header naming the config, so `datasets.load_dataset(DIR)` reads it offline (no
  script, no network: the packaged parquet builder). The file's name carries its content digest
  because `datasets` names its cache after the folder's name and the card's config, not the
  files' contents: with a fixed file name, a new export in a folder of the same name (another
  queue's `final/`, a re-export elsewhere) would load the previous export's rows from the cache.

Columns: `item_id`, `queue`, `task`, `text` (the redacted text the queue holds), `content` (the
kind's structured view as JSON text: messages, prompt and responses), the label in the kind's
shape (`label` or `labels`, `rating`, `ranking` with `prompt`, `chosen` and `rejected` (the best
and the worst response's text: DPO-ready) for preferences, `answer_text`, `spans`), `answer`
(the same as JSON text, every kind), and provenance: `origin` (human | model | aggregated),
`annotators`, `votes` (JSON text: option -> count), `agreement`, `confidence`, `method`,
`flagged`, `flag_reasons`.

Nothing but what the queue holds goes in: the redacted text and content, never a raw record or
its id. The folder is written under a temporary name beside `DIR` and renamed into place once
complete (an earlier export there is replaced by the rename); `before_publish` (the audit) runs
between the two, so a dataset is never visible without its audit event.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .aggregate import AggregateReport, ItemResult
from .base import QueueError

FORMATS = ("parquet", "jsonl", "hf")
MARKER = "scrubline-dataset.json"  # says a folder is an export this module may replace
HF_DATA = "data/train-00000-of-00001-{digest}.parquet"  # digest: sha256[:16] of the file


def _responses(content: Mapping[str, Any]) -> list[str]:
    out = []
    for response in content.get("responses") or ():
        if isinstance(response, Mapping):
            response = response.get("content", response.get("text", ""))
        out.append(str(response))
    return out


def _prompt(content: Mapping[str, Any]) -> str | None:
    prompt = content.get("prompt")
    if prompt is None or isinstance(prompt, str):
        return prompt
    # a conversation so far: one `role: content` line per message, as the item's text shows it
    return "\n".join(
        f"{m.get('role', '')}: {m.get('content', '')}" if isinstance(m, Mapping) else str(m) for m in prompt
    )


def dataset_rows(report: AggregateReport, items: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of the final dataset, in item id order."""
    rows = []
    for item_id, result in report.results.items():
        item = items[item_id]
        content = dict(getattr(item, "content", None) or {})
        row: dict[str, Any] = {
            "item_id": item_id,
            "queue": report.queue,
            "task": report.kind,
            "text": item.text,
            "content": json.dumps(content, ensure_ascii=False, sort_keys=True),
        }
        row.update(_label_columns(report, result, content))
        row.update(
            {
                "answer": json.dumps(result.answer, ensure_ascii=False, sort_keys=True),
                "origin": result.origin,
                "annotators": result.annotators,
                "votes": json.dumps(result.votes, sort_keys=True),
                "agreement": None if result.agreement is None else round(result.agreement, 6),
                "confidence": None if result.confidence is None else round(result.confidence, 6),
                "method": result.method,
                "flagged": result.flagged,
                "flag_reasons": list(result.flags),
            }
        )
        rows.append(row)
    return rows


def _label_columns(report: AggregateReport, result: ItemResult, content: Mapping[str, Any]) -> dict[str, Any]:
    answer = result.answer or {}
    kind = report.kind
    if kind == "classification":
        labels = list(answer.get("labels") or ())
        return {"labels": labels} if report.multi else {"label": labels[0] if labels else None}
    if kind == "rating":
        return {"rating": answer.get("rating")}
    if kind == "preference":
        ranking = [int(x) for x in answer.get("ranking") or ()]
        responses = _responses(content)

        def text(index: int | None) -> str | None:
            return responses[index] if index is not None and 0 <= index < len(responses) else None

        return {
            "prompt": _prompt(content),
            "ranking": ranking,
            "chosen": text(ranking[0] if ranking else None),
            "rejected": text(ranking[-1] if len(ranking) > 1 else None),
        }
    if kind == "text":
        return {"answer_text": answer.get("text")}
    return {"spans": [dict(s) for s in answer.get("spans") or ()]}


def _table(rows: list[dict[str, Any]], report: AggregateReport):
    import pyarrow as pa

    label_types = {
        "label": pa.string(),
        "labels": pa.list_(pa.string()),
        "rating": pa.int64(),
        "prompt": pa.string(),
        "ranking": pa.list_(pa.int64()),
        "chosen": pa.string(),
        "rejected": pa.string(),
        "answer_text": pa.string(),
        "spans": pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())])),
    }
    base = [
        ("item_id", pa.string()),
        ("queue", pa.string()),
        ("task", pa.string()),
        ("text", pa.string()),
        ("content", pa.string()),
    ]
    names = list(_label_columns(report, ItemResult("", {}, 0, {}, None, "", ""), {}))
    tail = [
        ("answer", pa.string()),
        ("origin", pa.string()),
        ("annotators", pa.int64()),
        ("votes", pa.string()),
        ("agreement", pa.float64()),
        ("confidence", pa.float64()),
        ("method", pa.string()),
        ("flagged", pa.bool_()),
        ("flag_reasons", pa.list_(pa.string())),
    ]
    schema = pa.schema([*base, *((n, label_types[n]) for n in names), *tail])
    return pa.Table.from_pylist(rows, schema=schema)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def dataset_card(
    report: AggregateReport, rows: list[dict[str, Any]], fmt: str, policy: str | None, data: str | None = None
) -> str:
    """The README.md of the export: what the data is, how its labels were made, how far to trust
    them. Counts and figures only. `data`: the data file's path in the folder (`hf`)."""
    d = report.to_dict()
    agreement = d["agreement"]
    figures = {k: v for k, v in agreement.items() if k not in ("kind", "items", "units", "pairs", "notes")}
    header = ""
    if fmt == "hf":
        header = (
            "---\n"
            "configs:\n"
            "- config_name: default\n"
            "  data_files:\n"
            "  - split: train\n"
            f"    path: {data}\n"
            "tags:\n- scrubline\n- redacted\n"
            "---\n\n"
        )
    flagged = sum(1 for r in rows if r["flagged"])
    lines = [
        f"# Queue `{report.queue}`: final {report.kind} dataset",
        "",
        "Written by `scrubline queue dataset`. Every text is the **redacted** text the queue holds: personal",
        "data was replaced following the policy below before anyone annotated it; no raw record, and no",
        "record id, is in this dataset.",
        "",
        f"- policy: {policy or 'the policy of the runs that filled the queue (see the audit log)'}",
        f"- task kind: {report.kind}" + (" (multi-label)" if report.multi else ""),
        f"- rows: {len(rows)} (origin: "
        + (", ".join(f"{k} {v}" for k, v in report.origins().items()) or "none")
        + ")",
        f"- items not yet annotated (left out): {report.unannotated}",
        f"- gold items (left out, used to score annotators): {report.gold_items}",
        f"- aggregation method: {report.method}"
        + (" (text: the medoid answer, the one most like the others)" if report.kind == "text" else ""),
        f"- flagged as possible errors: {flagged} (by reason: "
        + (", ".join(f"{k} {v}" for k, v in d["flagged"]["by_reason"].items()) or "none")
        + ")",
        f"- label error check: cleanlab on {d['label_issues']['checked']} items"
        + (f" ({d['label_issues']['note']})" if d["label_issues"]["note"] else ""),
        "",
        "## Agreement",
        "",
        f"Over {agreement['items']} items with two or more annotators ({agreement['units']} units):",
        "",
        "| figure | value |",
        "| --- | --- |",
        *(f"| {k} | {'-' if v is None else v} |" for k, v in figures.items()),
        "",
        "## Annotators",
        "",
        "Numbered, not named (`scrubline queue aggregate` names them to the team).",
        "",
        "| annotator | items | gold items | gold accuracy | items shared | agreement with the aggregate |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| annotator {n} | {s['items']} | {s['gold_items']} | {_cell(s['gold_accuracy'])}"
            f" | {s['agreed_items']} | {_cell(s['agreement_accuracy'])} |"
            for n, s in enumerate(d["annotators"].values(), 1)
        ),
        "",
        "## Columns",
        "",
        "`origin` is `human` (one person's answer), `aggregated` (two or more people's, combined by the",
        "method), or `model` (a model's answer accepted without a person). `votes` counts each option",
        "the annotators gave; `agreement` is the share of the item's annotators agreeing with the final",
        "label (none with one annotator); `flagged` marks a possible error (`low_agreement`, `label_issue`:",
        "cleanlab finds the label unlikely given the other items' texts).",
        "",
    ]
    return header + "\n".join(lines)


def write_dataset(
    report: AggregateReport,
    items: Mapping[str, Any],
    out: str | os.PathLike[str],
    fmt: str = "parquet",
    *,
    policy: str | None = None,
    before_publish: Callable[[list[dict[str, Any]]], None] | None = None,
) -> dict[str, Any]:
    """Write the final dataset folder atomically. `before_publish(files)` gets each file's
    relative path, sha256 and rows while the folder still has its temporary name (the audit
    event); an error there leaves nothing. Returns what was written."""
    from ..io import file_sha256

    if fmt not in FORMATS:
        raise QueueError(f"unknown dataset format '{fmt}' (formats: {', '.join(FORMATS)})")
    target = Path(out)
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).exists())
    ):
        raise QueueError(f"{target}: exists and is not a dataset export: give a new folder to --out")
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = dataset_rows(report, items)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        if fmt == "jsonl":
            data = temp / "data.jsonl"
            with open(data, "w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            import pyarrow.parquet as pq

            data = temp / ("data/train.parquet" if fmt == "hf" else "data.parquet")
            data.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(_table(rows, report), data)
            if fmt == "hf":
                named = temp / HF_DATA.format(digest=file_sha256(data)[:16])
                os.replace(data, named)
                data = named
        card = dataset_card(report, rows, fmt, policy, str(data.relative_to(temp)))
        (temp / "README.md").write_text(card, encoding="utf-8")
        files = [
            {
                "path": str(path.relative_to(temp)),
                "sha256": file_sha256(path),
                "rows": len(rows) if path == data else None,
            }
            for path in sorted(p for p in temp.rglob("*") if p.is_file())
        ]
        summary = {
            "queue": report.queue,
            "task": report.kind,
            "format": fmt,
            "method": report.method,
            "rows": len(rows),
            "origins": report.origins(),
            "flagged": sum(1 for r in rows if r["flagged"]),
            "files": files,
        }
        (temp / MARKER).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for path in (p for p in temp.rglob("*") if p.is_file()):
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        if before_publish is not None:
            before_publish(files)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(temp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return {**summary, "path": str(target)}
