"""Person names from a first-name lexicon, in any casing, with the surname that follows.

The NER model misses names where there is no sentence around them: CSV cells, list items,
chat speaker labels ("kayla: hi"), sign-offs, address blocks, and names in lower or upper case.
A first name from the lexicon (`redaction.names`, built from gender-guesser's dictionary, never
from the evaluation generator's lists) marks a name; the initials and surname-shaped words
right after it (same casing), and an upper-case surname right before it ("DUPONT Jean"), join it.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from ..names import (
    AMBIGUOUS,
    NOT_NAME_WORDS,
    STOP_WORDS,
    STRONG_CUES,
    ambiguous_first_names,
    first_names,
    fold,
    world_first_names,
)
from . import coded_result, register
from .clinical_vocab import is_note_word

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?|[^\w\s]|\n")

# Words that look like surnames after a first name but end the name instead.
_NOT_SURNAME = frozenset(
    """street st road rd avenue ave lane ln drive dr court way place square close rue avenue boulevard
    chemin allée impasse quai route via calle phone tel email mail fax mobile cell dob ssn nhs
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
    called said says wrote asked emailed phoned mentioned confirmed reported replied
    ltd llc inc plc corp co sa sarl sas gmbh fr us uk gb eu""".split()
)


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.6


# A capitalized word inside a sentence: the writer capitalizes names.
_CASED = re.compile(r"[a-z,;][ \t]+[A-Z][a-z]")


def _reads_as_note(text: str) -> bool:
    from ..detect import reads_clinical  # detect imports the recognizers

    return _mostly_upper(text) or reads_clinical(text, marks=2)


def _shape(token: str) -> str:
    if token.isupper():
        return "upper"
    if token[:1].isupper():
        return "title"
    return "lower"


@register("name_lexicon")
class NameLexiconRecognizer(EntityRecognizer):
    """First names from a name lexicon (any casing), with their surnames."""

    ENTITY = "PERSON"
    NAME = "name_lexicon"
    SCORE_FULL = 0.6  # first name + surname
    SCORE_SINGLE = 0.5  # a first name alone

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
        )

    def load(self) -> None:
        self._near = first_names()
        self._world = world_first_names()
        self._ambiguous = ambiguous_first_names()

    def _surname_shaped(self, token: str, shape: str) -> bool:
        bare = token.rstrip(".")
        if shape == "title" and _shape(bare) == "title" and fold(bare) in self._ambiguous:
            return True  # surnames that are words: "Louis May", "Ada Rose"
        return (
            token[:1].isalpha()
            # same casing as the first name, or an upper-case surname ("Julie ROSSI")
            and (_shape(token) == shape or (shape == "title" and _shape(token) == "upper"))
            and len(bare) > 1
            and bare.lower() not in STOP_WORDS
            and fold(bare) not in NOT_NAME_WORDS
            and bare.lower() not in _NOT_SURNAME
        )

    def _is_first_name(self, word: str, previous: str) -> bool:
        lower = fold(word)
        if len(lower) < 3 or lower in AMBIGUOUS or lower in STOP_WORDS or lower in NOT_NAME_WORDS:
            return False
        if lower in self._near:
            return True
        # A hyphenated first name ("Kelly-Anne", "BILLIE-JO"): its first part a lexicon name, every
        # part in the same case and capitalised.
        if "-" in word:
            head, *rest = word.split("-")
            return (
                fold(head) in self._near
                and fold(head) not in AMBIGUOUS
                and all(p[:1].isupper() and (p.isupper() == head.isupper()) for p in (head, *rest))
                and all(p[1:].islower() or p.isupper() for p in (head, *rest))
            )
        # Names common elsewhere but words here ("can", "son") only when capitalized.
        return lower in self._world and word[:1].isupper() and previous not in {"", "."}

    def analyze(self, text, entities, nlp_artifacts=None):
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        if not hasattr(self, "_near"):
            self.load()
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        results = []
        note = None  # whether the text reads as a clinical note, looked at when needed
        index = 0
        while index < len(tokens):
            word, start, end = tokens[index]
            previous = tokens[index - 1][0] if index else ""
            glued = (start and (text[start - 1].isalnum() or text[start - 1] in "@._")) or (
                end < len(text) and (text[end].isdigit() or text[end] in "@_")
            )
            shape = _shape(word)
            if glued or not word[:1].isalpha():
                index += 1
                continue
            if shape != "title" and is_note_word(word) and fold(previous.rstrip(".")) not in STRONG_CUES:
                # "FLOOR OVERNIGHT", "MAE", "walker": in a caseless note, or in lower case where
                # the writer capitalizes names, a first name that is a ward word is the word
                # ("Floor Jansen", "Mae Ross" in title case stay names)
                if note is None:
                    note = _reads_as_note(text)
                if note or shape == "lower" and _CASED.search(text):
                    index += 1
                    continue
            if not self._is_first_name(word.rstrip("."), previous):
                # A name that is also a word ("June", "Frank", "carol") counts after a strong cue
                # ("hi carol", "DEAR DR HEATHER"), or in title case with a surname ("June Turner").
                nxt = tokens[index + 1][0] if index + 1 < len(tokens) else ""
                ambiguous = fold(word.rstrip(".")) in self._ambiguous
                cued = fold(previous.rstrip(".")) in STRONG_CUES
                with_surname = (
                    shape == "title" and not word.endswith(".") and self._surname_shaped(nxt, shape)
                )
                if not (ambiguous and (cued or with_surname)):
                    index += 1
                    continue
            # An upper-case surname written first ("DUPONT Jean").
            if index and shape != "upper":
                before, b_start, _ = tokens[index - 1]
                if (
                    before.isalpha()
                    and before.isupper()
                    and len(before) > 1
                    and before.lower() not in STOP_WORDS
                    and before.lower() not in NOT_NAME_WORDS
                ):
                    start = b_start
            score = self.SCORE_SINGLE
            end = (
                start + len(word.rstrip("."))
                if start == tokens[index][1]
                else tokens[index][2] - (len(word) - len(word.rstrip(".")))
            )
            following = index + 1
            # Caseless text: one surname at most (the next word may be anything).
            caseless = shape == "lower" or (shape == "upper" and _mostly_upper(text))
            limit = 1 if caseless else 3
            added = 0
            while following < len(tokens) and added < limit:
                if tokens[following - 1][0].endswith(".") and len(tokens[following - 1][0]) != 2:
                    break  # the name ended a sentence (an initial "K." does not)
                nxt = tokens[following][0]
                bare = nxt.rstrip(".")
                initial = len(bare) == 1 and bare.isalpha() and nxt.endswith(".")
                if initial or self._surname_shaped(nxt, shape):
                    end = tokens[following][2] - (0 if initial else len(nxt) - len(bare))
                    score = self.SCORE_FULL
                    following += 1
                    added += 0 if initial else 1
                    continue
                break
            results.append(coded_result(self, entity, start, end, score, pattern="lexicon name"))
            index = following
        return results
