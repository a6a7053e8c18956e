"""Base for recognizers that find a value by the label or cue in front of it.

A pattern's regex matches the cue and the value; only the named group `value` is reported, so
"DL# 12345678" redacts the number and keeps the label annotators need to read the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

# `regex`, not `re`: names are matched by Unicode letter classes (\p{Lu}: "Čerkez", "Łukasz").
import regex as re
from presidio_analyzer import EntityRecognizer

from . import coded_result


@dataclass(frozen=True)
class LabelledPattern:
    name: str
    regex: str
    score: float


class LabelledValueRecognizer(EntityRecognizer):
    """Subclasses set ENTITY, NAME and PATTERNS (each with a `(?P<value>...)` group)."""

    ENTITY: str = ""
    NAME: str = ""
    PATTERNS: tuple[LabelledPattern, ...] = ()
    FLAGS = re.MULTILINE

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        self._compiled = [(p, re.compile(p.regex, self.FLAGS)) for p in self.PATTERNS]
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
        )

    def load(self) -> None:
        pass

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        """Override to reject matches (a stop word, a failed checksum)."""
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results = []
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text):
                start, end = match.span("value")
                if start < 0 or end <= start or not self.validate_value(match.group("value"), pattern):
                    continue
                results.append(coded_result(self, entity, start, end, pattern.score, pattern=pattern.name))
        return results
