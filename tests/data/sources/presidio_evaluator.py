"""Template sentences from the `presidio-evaluator` package (PyPI presidio-evaluator==0.3.2):
its own generator (`PresidioSentenceFaker`), its own templates (raw_data/templates.txt) and its
own person records (raw_data/FakeNameGenerator.com_3000.csv), nothing of ours but the type
names. The one source here that nobody on the project wrote.

Its entity types are mapped to ours (MAPPING); what it labels and we have no type for stays
under its own name (ORGANIZATION, NRP, TITLE, AGE). Its templates spell line breaks as the two
characters `\\n`; they are turned into real line breaks (offsets moved with them). Its hospital
provider fetches a list from WikiData on start-up: it is left out (no template uses it), so
generating needs no network. Faker's `date_time` draws up to the current time; it is replaced by
the same draw up to a fixed end (FixedClock), so the output does not depend on the clock. The
package seeds Python's global `random`, NumPy and Faker; `generate` seeds them from `seed`
(before the person records load: the package draws middle initials with `random` while loading
them) and restores `random`'s state after. A few of its
person records lack a field and print as `nan`; sentences holding one are left out.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import random
import re

from faker.providers import BaseProvider

from redaction.errors import MissingDependencyError

from ._build import record

_NAN = re.compile(r"\bnan\b")
LANGUAGE = "en"
LOCALE = "en_US"
LOWER_CASE_RATIO = 0.05  # the package's own default

# presidio-evaluator's output types -> ours. GPE (city, state, country) becomes LOCATION;
# its address parts (building number, street, secondary address, postcode) are STREET_ADDRESS.
MAPPING = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "GPE": "LOCATION",
    "ZIP_CODE": "LOCATION",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_SSN": "US_SSN",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "DATE_TIME": "DATE_TIME",
    "DOMAIN_NAME": "URL",
    "ORGANIZATION": "ORGANIZATION",
    "NRP": "NRP",
    "TITLE": "TITLE",
    "AGE": "AGE",
}


class FixedClock(BaseProvider):
    """`date_time` between 1970 and a fixed end instead of now."""

    def date_time(self, tzinfo=None, end_datetime=None) -> datetime.datetime:
        end = datetime.datetime(2025, 1, 1)
        return self.generator.date_time_between(datetime.datetime(1970, 1, 1), end, tzinfo=tzinfo)


@functools.lru_cache(maxsize=4)
def _person_records(seed: int):
    from presidio_evaluator.data_generator.faker_extensions.datasets import load_fake_person_df

    random.seed(seed)
    return load_fake_person_df()


def _faker(seed: int):
    try:
        from presidio_evaluator.data_generator import PresidioSentenceFaker
        from presidio_evaluator.data_generator.presidio_sentence_faker import (
            presidio_additional_entity_providers,
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "the presidio_evaluator source needs presidio-evaluator: pip install -e '.[sources]'"
        ) from exc
    providers = [p for p in presidio_additional_entity_providers if p.__name__ != "HospitalProvider"]
    providers.append(FixedClock)
    records = _person_records(seed).copy()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints which defaults it uses
        return PresidioSentenceFaker(
            LOCALE,
            lower_case_ratio=LOWER_CASE_RATIO,
            entity_providers=providers,
            base_records=records,
            random_seed=seed,
        )


def _unescape(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    """Turn the templates' literal `\\n` (and `\\,`) into what they stand for, moving offsets."""
    out: list[str] = []
    new_index = []  # old index -> new index
    i = 0
    while i < len(text):
        new_index.append(len("".join(out)) if not out else sum(map(len, out)))
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "n,":
            out.append("\n" if text[i + 1] == "n" else ",")
            new_index.append(new_index[-1] + 1)
            i += 2
            continue
        out.append(text[i])
        i += 1
    new_index.append(sum(map(len, out)))
    return "".join(out), [(new_index[s], new_index[e], t) for s, e, t in spans]


def generate(n: int, seed: int) -> list[dict]:
    state = random.getstate()
    try:
        faker = _faker(seed)
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            samples = faker.generate_new_fake_sentences(n + n // 5 + 10)
    finally:
        random.setstate(state)
    records = []
    for sample in samples:
        if len(records) == n:
            break
        if _NAN.search(sample.full_text):
            continue
        spans = [(s.start_position, s.end_position, s.entity_type) for s in sample.spans]
        text, spans = _unescape(sample.full_text, spans)
        gold = []
        for start, end, entity_type in sorted(spans):
            # its spans may carry the surrounding spaces of a value; trim them
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                gold.append({"start": start, "end": end, "type": MAPPING.get(entity_type, entity_type)})
        records.append(
            record(
                f"PE-{len(records) + 1:05d}",
                _Built(text, gold),
                LANGUAGE,
                template=f"pe.{sample.template_id}",
            )
        )
    return records


class _Built:
    def __init__(self, text: str, spans: list[dict]) -> None:
        self.text, self.spans = text, spans
