"""The recognizer for the regex patterns and deny-lists a policy declares, bounded in time.

Presidio's `PatternRecognizer` runs its patterns in the `regex` module with one process-wide
timeout, and on a timeout logs a warning and skips the pattern: the record goes on without that
pattern's findings (fail open). Here each pattern may take what is left of the record's time
(`redaction.limits`), and a timeout raises `RecordTimeoutError`: the record is quarantined as
`timeout`, never forwarded with a pattern skipped.
"""

from __future__ import annotations

import regex
from presidio_analyzer import EntityRecognizer, PatternRecognizer, RecognizerResult

from ..errors import RecordTimeoutError
from ..limits import pattern_timeout


class BoundedPatternRecognizer(PatternRecognizer):
    #: Per pattern and text outside any record (a direct call): Presidio's own default.
    DEFAULT_SECONDS = 60.0

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None) -> list[RecognizerResult]:
        if not self.patterns:
            return []
        flags = regex_flags or self.global_regex_flags
        results: list[RecognizerResult] = []
        for pattern in self.patterns:
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
            try:
                matches = list(
                    pattern.compiled_regex.finditer(text, timeout=pattern_timeout(self.DEFAULT_SECONDS))
                )
            except TimeoutError:
                raise RecordTimeoutError(
                    f"recognizer '{self.name}' pattern '{pattern.name}' took longer than the record's "
                    "time limit"
                ) from None
            for match in matches:
                start, end = match.span()
                if start == end:
                    continue
                current = text[start:end]
                result = RecognizerResult(
                    entity_type=self.supported_entities[0],
                    start=start,
                    end=end,
                    score=pattern.score,
                    analysis_explanation=self.build_regex_explanation(
                        self.name, pattern.name, pattern.regex, pattern.score, None, flags
                    ),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
                valid = self.validate_result(current)
                if valid is not None:
                    result.score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                if self.invalidate_result(current):
                    result.score = EntityRecognizer.MIN_SCORE
                if result.score > EntityRecognizer.MIN_SCORE:
                    results.append(result)
        return EntityRecognizer.remove_duplicates(results)
