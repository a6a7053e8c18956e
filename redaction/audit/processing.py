"""Records of processing, per policy, in the spirit of GDPR Art. 30.

For each policy the log has seen: the purpose (from the policy), the categories of personal data
found (entity types, grouped into plain-language categories), what was done to each (the
policy's actions), the recipients (the queues records were routed to), and how many runs and
records, first and last processed. The controller's own details (name, data subjects, retention,
transfers) are not known to Scrubline and are left for the data owner to complete.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .queries import list_runs, run_details
from .store import AuditLog

# Plain-language category of each entity type Scrubline can find.
CATEGORIES = {
    "PERSON": "Identity: names",
    "NRP": "Identity: nationality, religious or political group",
    "EMAIL_ADDRESS": "Contact details",
    "PHONE_NUMBER": "Contact details",
    "STREET_ADDRESS": "Contact details",
    "POSTAL_CODE": "Location",
    "LOCATION": "Location",
    "IP_ADDRESS": "Online identifiers",
    "URL": "Online identifiers",
    "MAC_ADDRESS": "Online identifiers",
    "CREDIT_CARD": "Financial data",
    "IBAN_CODE": "Financial data",
    "US_BANK_NUMBER": "Financial data",
    "CRYPTO": "Financial data",
    "US_SSN": "Government identifiers",
    "US_ITIN": "Government identifiers",
    "US_PASSPORT": "Government identifiers",
    "US_DRIVER_LICENSE": "Government identifiers",
    "UK_NHS": "Health identifiers",
    "MEDICAL_LICENSE": "Professional identifiers",
    "FR_NIR": "Government identifiers",
    "FR_SIREN": "Business identifiers",
    "FR_SIRET": "Business identifiers",
    "DATE_TIME": "Dates",
    "ORGANIZATION": "Organisations",
}


def processing_summary(log: AuditLog) -> list[dict[str, Any]]:
    """One record of processing per policy name, newest policy version's rules."""
    by_policy: dict[str, dict[str, Any]] = {}
    for run in list_runs(log):
        if run["policy"]["sha256"] is None:  # failed before it started: it processed nothing
            continue
        details = run_details(log, run["run_id"])
        policy = details["policy"]
        entry = by_policy.setdefault(
            policy["name"],
            {
                "policy": policy["name"],
                "versions": [],
                "purpose": "",
                "description": "",
                "rules": {},
                "categories": {},
                "entities": {},
                "recipients": {},
                "filtered": 0,
                "runs": 0,
                "finished_runs": 0,
                "records_processed": 0,
                "quarantined": 0,
                "inputs": set(),
                "first_processed": None,
                "last_processed": None,
            },
        )
        entry["runs"] += 1
        entry["finished_runs"] += details["status"] == "finished"
        version = f"{policy['version']} (sha256 {policy['sha256'][:12]})"
        if version not in entry["versions"]:
            entry["versions"].append(version)
        # The latest run's policy states the purpose and rules in force now.
        entry["purpose"] = policy.get("purpose") or ""
        entry["description"] = policy.get("description") or ""
        entry["rules"] = {name: rule["action"] for name, rule in (policy.get("entities") or {}).items()}
        counts = details["counts"]
        entry["records_processed"] += counts.get("records_in") or 0
        entry["quarantined"] += counts.get("quarantined") or 0
        entry["filtered"] += counts.get("filtered") or 0
        for name, n in (counts.get("entities_by_type") or {}).items():
            entry["entities"][name] = entry["entities"].get(name, 0) + n
        for queue, n in details["queues"].items():
            entry["recipients"][queue] = entry["recipients"].get(queue, 0) + n
        entry["inputs"].update(i.get("sha256") for i in details["inputs"] if i.get("sha256"))
        first, last = details["started"], details["finished"] or details["started"]
        if entry["first_processed"] is None or first < entry["first_processed"]:
            entry["first_processed"] = first
        if entry["last_processed"] is None or last > entry["last_processed"]:
            entry["last_processed"] = last
    out = []
    for entry in by_policy.values():
        categories: dict[str, list[str]] = {}
        for name in sorted(entry["entities"]):
            categories.setdefault(CATEGORIES.get(name, "Other identifiers"), []).append(name)
        entry["categories"] = dict(sorted(categories.items()))
        entry["actions"] = {name: entry["rules"].get(name, "-") for name in sorted(entry["entities"])}
        entry["entities"] = dict(sorted(entry["entities"].items(), key=lambda kv: (-kv[1], kv[0])))
        entry["inputs"] = len(entry["inputs"])
        entry["to_complete"] = ["controller", "categories of data subjects", "retention", "transfers"]
        out.append(entry)
    return out


def processing_markdown(summary: list[dict[str, Any]]) -> str:
    lines = ["# Records of processing (Scrubline audit log)", ""]
    if not summary:
        return "\n".join(lines + ["No run has been recorded.", ""])
    for entry in summary:
        lines += [
            f"## Policy {entry['policy']}",
            "",
            f"- **Purpose:** {entry['purpose'] or '(not stated in the policy)'}",
            f"- **Policy versions used:** {', '.join(entry['versions'])}",
            f"- **Processing:** {entry['runs']} runs ({entry['finished_runs']} finished), "
            f"{entry['records_processed']} records from {entry['inputs']} input files, "
            f"{entry['quarantined']} quarantined",
            f"- **First / last processed:** {entry['first_processed']} / {entry['last_processed']}",
            "- **Recipients:** "
            + (
                ", ".join(f"{q} ({n} records)" for q, n in sorted(entry["recipients"].items()))
                or "annotation output (no queues recorded)"
            ),
            f"- **To complete by the controller:** {', '.join(entry['to_complete'])}",
            "",
            "| category of personal data | entity types | found | action |",
            "| --- | --- | --- | --- |",
        ]
        for category, names in entry["categories"].items():
            for name in names:
                lines.append(
                    f"| {category} | {name} | {entry['entities'][name]} | {entry['actions'][name]} |"
                )
        if not entry["categories"]:
            lines.append("| (none found) | | | |")
        lines.append("")
    return "\n".join(lines)


def processing_html(summary: list[dict[str, Any]]) -> str:
    from .reports import _CSS

    e = html.escape
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>Records of processing</title><style>{_CSS}</style></head><body><main>",
        "<h1>Records of processing</h1>",
        '<p class="sub">From the Scrubline audit log, per policy (GDPR Art. 30 spirit). '
        "Controller, data subjects, retention and transfers are for the data owner to complete.</p>",
    ]
    if not summary:
        parts.append("<p>No run has been recorded.</p>")
    for entry in summary:
        recipients = ", ".join(f"{q} ({n} records)" for q, n in sorted(entry["recipients"].items()))
        rows = "".join(
            f"<tr><td>{e(category)}</td><td>{e(name)}</td><td class=num>{entry['entities'][name]}</td>"
            f"<td>{e(entry['actions'][name])}</td></tr>"
            for category, names in entry["categories"].items()
            for name in names
        )
        parts += [
            f"<h2>Policy {e(entry['policy'])}</h2>",
            '<table class="kv">',
            f"<tr><th>Purpose</th><td>{e(entry['purpose'] or '(not stated in the policy)')}</td></tr>",
            f"<tr><th>Policy versions</th><td>{e(', '.join(entry['versions']))}</td></tr>",
            f"<tr><th>Runs</th><td>{entry['runs']} ({entry['finished_runs']} finished)</td></tr>",
            f"<tr><th>Records</th><td>{entry['records_processed']} from {entry['inputs']} input files, "
            f"{entry['quarantined']} quarantined</td></tr>",
            f"<tr><th>First / last processed</th><td>{e(str(entry['first_processed']))} / "
            f"{e(str(entry['last_processed']))}</td></tr>",
            "<tr><th>Recipients</th>"
            f"<td>{e(recipients or 'annotation output (no queues recorded)')}</td></tr>",
            "</table>",
            "<table><thead><tr><th>category of personal data</th><th>entity type</th>"
            "<th class=num>found</th><th>action</th></tr></thead><tbody>",
            rows or "<tr><td colspan=4>(none found)</td></tr>",
            "</tbody></table>",
        ]
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def render_processing(summary: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary, indent=2, sort_keys=True)
    if fmt == "html":
        return processing_html(summary)
    if fmt == "md":
        return processing_markdown(summary)
    raise ValueError(f"unknown format {fmt!r} (expected md, html or json)")
