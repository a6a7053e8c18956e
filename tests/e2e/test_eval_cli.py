"""`scrubline eval` on labelled files, through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.data.generators import generate_labelled, write_labelled
from tests.e2e.helpers import SCRUBLINE, checked


def scrubline(*args: str, home: Path) -> subprocess.CompletedProcess:
    return checked(
        subprocess.run(
            [SCRUBLINE, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "SCRUBLINE_HOME": str(home)},
            timeout=300,
        )
    )


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> tuple[Path, list[dict]]:
    english = generate_labelled(8, seed=11, part="heldout", language="en")
    french = generate_labelled(5, seed=11, part="heldout", language="fr")
    records = english + [{**r, "id": f"F-{i}"} for i, r in enumerate(french)]
    return write_labelled(tmp_path_factory.mktemp("eval") / "labelled.jsonl", records), records


def test_eval_reports_policy_and_vanilla_presidio_per_language_as_json(
    labelled, default_policy_path, tmp_path
):
    path, records = labelled
    home = tmp_path / "home"
    result = scrubline(
        "eval", str(path), "--policy", str(default_policy_path), "--json", "--vanilla", home=home
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "is not mapped to a Presidio entity" not in result.stderr
    report = json.loads(result.stdout)
    assert report["records"] == 13 and report["languages"] == {"en": 8, "fr": 5}
    assert list(report["systems"]) == ["policy default", "vanilla Presidio"]
    gold = Counter(s["type"] for r in records for s in r["spans"])
    gold_fr = Counter(s["type"] for r in records if r["language"] == "fr" for s in r["spans"])
    for system in report["systems"].values():
        assert {t: e["spans"] for t, e in system["entities"].items()} == gold
        assert {t: e["spans"] for t, e in system["languages"]["fr"]["entities"].items()} == gold_fr
        assert system["spans"] == sum(gold.values()) and system["seconds"] > 0
        assert all(set(miss) == {"id", "start", "end", "type", "partly"} for miss in system["misses"])
    # the report names records and offsets, never the labelled values; no key was created
    values = {r["text"][s["start"] : s["end"]] for r in records for s in r["spans"]}
    assert not [v for v in values if len(v) >= 6 and v in result.stdout]
    assert not (home / "keys").exists()


def test_eval_prints_a_table_per_language(labelled, default_policy_path, tmp_path):
    path, _ = labelled
    result = scrubline("eval", str(path), "--policy", str(default_policy_path), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}: 13 labelled records (en 8, fr 5); policy default ")
    for title in ("language en: 8 records", "language fr: 5 records", "all languages: 13 records"):
        assert title in lines
    assert any(line.startswith("* PERSON ") for line in lines)
    assert lines[-1].startswith("seconds: policy default ")


def test_eval_names_the_file_and_line_of_a_malformed_record(tmp_path, default_policy_path):
    path = tmp_path / "bad.jsonl"
    good = {"id": "1", "text": "Call Ann Lee", "spans": [{"start": 5, "end": 12, "type": "PERSON"}]}
    bad = {"id": "2", "text": "Mail Bo Secret", "spans": [{"start": 5, "end": 99, "type": "PERSON"}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = scrubline("eval", str(path), "--policy", str(default_policy_path), home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"scrubline: error: {path}:2: spans[0]: start and end must be whole numbers with "
        "0 <= start < end <= 14 (the length of text)"
    ]
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    result = scrubline("eval", str(path), "--policy", str(default_policy_path), home=tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr.startswith(f"scrubline: error: {path}:2: not valid JSON (")
    missing = scrubline(
        "eval", str(tmp_path / "nope.jsonl"), "--policy", str(default_policy_path), home=tmp_path / "home"
    )
    assert missing.returncode == 1
    assert missing.stderr == f"scrubline: error: {tmp_path / 'nope.jsonl'}: file not found\n"
