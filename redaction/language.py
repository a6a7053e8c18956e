"""Which language a record is in, among the policy's languages, so the right model reads it.

py3langid (a maintained fork of langid.py: small, offline, fast) restricted to the policy's
languages. Short or language-less texts (an id, a number) fall back to the default language.
"""

from __future__ import annotations

from collections.abc import Sequence

# Fewer letters than this and identification is a guess: keep the default.
MIN_LETTERS = 12
SAMPLE_CHARS = 2000


class LanguageIdentifier:
    def __init__(self, languages: Sequence[str], default: str):
        from py3langid.langid import _load_identifier

        self.default = default
        # The model ships inside the package: nothing is fetched.
        self._identifier = _load_identifier(langs=list(languages))

    def identify(self, texts: Sequence[str]) -> str:
        sample = " ".join(texts)[:SAMPLE_CHARS]
        if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
            return self.default
        language, _ = self._identifier.classify(sample)
        return language
