"""Labelled text from sources nobody tuned detection on: the examiner's evaluation (issue 11).

Held-out discipline: whoever works on detection (recognizers, the trained model, policies) must
not read, import, run or tune on anything in this package or its benchmark output; they tune on
`tests/data/generators.py`'s tuning part and on data of their own. benchmarks/quality.py reports
every source here on its own, beside vanilla Presidio with the same spaCy model.

Each module is one source with a deterministic `generate(n, seed) -> list[record]`; a record is
`{"id", "text", "spans": [{"start", "end", "type"(, "may_keep")}], "language"}` with offsets
exact by construction (each value's offsets are recorded as it is written, nothing is searched
for afterwards), except `structured`, whose records are pipeline-shaped (see its docstring).
Values come from Faker and from number constructions, never from real people. `presidio_evaluator`
is the package of that name's own generator, templates and data; the other sources are written
here, apart from tests/data/generators.py, in styles and carriers it does not have.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from tests.data.generators import ENTITY_TYPES


@dataclass(frozen=True)
class SourceInfo:
    name: str
    description: str
    languages: tuple[str, ...]
    kind: str = "text"  # "text": labelled texts; "records": pipeline-shaped records; "negatives": no PII

    def generate(self, n: int, seed: int) -> list[dict]:
        module = importlib.import_module(f"{__name__}.{self.name}")
        return module.generate(n, seed)


SOURCES = {
    info.name: info
    for info in (
        SourceInfo(
            "presidio_evaluator", "presidio-evaluator 0.3.2's own generator, templates and data", ("en",)
        ),
        SourceInfo(
            "world_names", "names from 35 countries in English sentence carriers, local phones", ("en",)
        ),
        SourceInfo("world_addresses", "postal addresses of 29 countries: lines, blocks, cards", ("en",)),
        SourceInfo("clinical_icu", "ICU and nursing notes, caps and lower case, shorthand", ("en",)),
        SourceInfo("court", "court judgments in English", ("en",)),
        SourceInfo("chat", "multi-party chat transcripts, handles, lower case", ("en",)),
        SourceInfo("forms", "credits, intake and visitor forms, key/value dumps, possessives", ("en",)),
        SourceInfo("fr_clinical", "transmissions infirmières, réanimation", ("fr",)),
        SourceInfo("fr_court", "décisions de justice", ("fr",)),
        SourceInfo("fr_world", "France, Belgique, Suisse, Canada: noms, adresses, téléphones", ("fr",)),
        SourceInfo(
            "structured", "pipeline records whose nested fields hold only a value", ("en", "fr"), "records"
        ),
        SourceInfo(
            "not_phones",
            "numbers that are not phones: amounts, dates, ids, measures",
            ("en", "fr"),
            "negatives",
        ),
    )
}
CLINICAL = ("clinical_icu", "fr_clinical")
FRENCH = ("fr_clinical", "fr_court", "fr_world")

# Types the sources label beyond the generator's: ages over 89, identifying numbers (record,
# account, case, member numbers), and names that are not personal data (labelled so that they
# count neither as PII to remove nor as ordinary words).
EXTRA_TYPES = ("AGE_OVER_89", "AGE", "ID", "ORGANIZATION", "NRP", "TITLE")
KNOWN_TYPES = frozenset(ENTITY_TYPES) | frozenset(EXTRA_TYPES)
NOT_PERSONAL = frozenset({"ORGANIZATION", "NRP", "TITLE", "AGE"})


def generate(name: str, n: int, seed: int) -> list[dict]:
    """Records of one source; a name that does not exist lists those that do."""
    if name not in SOURCES:
        raise KeyError(f"no source {name!r}; sources: {', '.join(SOURCES)}")
    return SOURCES[name].generate(n, seed)
