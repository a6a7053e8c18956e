"""Base for coded pattern recognizers declared by class constants, like Presidio's own.

A subclass sets ENTITY, NAME, PATTERNS and CONTEXT (and FLAGS when case matters) and, where a
checksum applies, overrides `validate_result`.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer


class DeclaredPatternRecognizer(PatternRecognizer):
    ENTITY: str = ""
    NAME: str = ""
    PATTERNS: list[Pattern] = []
    CONTEXT: list[str] = []
    FLAGS: int = re.DOTALL | re.MULTILINE | re.IGNORECASE

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name=self.NAME,
            global_regex_flags=self.FLAGS,
        )
