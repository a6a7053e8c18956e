"""Names after a French title, clinical role or maiden-name word, in mixed or upper case.

Transmissions infirmières and réanimation notes write `vu par Dr MARTIN`, `Pr Leroy passé`,
`appel de la fille Mme DUBOIS`, `Mme FAURE née LEROY`, `IDE Céline`, `l'IADE Marc`, `CDS Anne
PETIT`, `interne Julie`, `IDE DE NUIT PAUL GIRARD`, and whole notes in capitals (`INTERNE DE GARDE
DR LENAERTS PRÉVENU`). fr_core_news_sm misses many of these or swallows the role into the name;
the cue makes the next word a name unless it is French clinical shorthand (`clinical_vocab_fr`) or
a stop word (`Dr prévenu`, `IDE de nuit`, `AS à 14h`). One word is taken; a second when the two
read as a name in mixed case (`Anne PETIT`, `Jean Roux`, `DUBOIS Marie`) or, in capitals, when
either is a lexicon first name. The short roles (`IDE`, `AS`, `CDS`, `IADE`) count only in
capitals: `as` is also a French verb. The cue stays; only the name is reported. French only.
"""

from __future__ import annotations

from functools import lru_cache

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from ..names import STOP_WORDS, ambiguous_first_names, first_names, fold, world_first_names
from . import coded_result, register
from .clinical_vocab_fr import is_french_clinical_word

_TITLE = r"(?i:dr|dre|docteur|pr|pre|professeur|mme|mmes|mlle|madame|monsieur|mr)\.?|M\."
_ROLE = (
    r"(?:IDE|IDEL|AS|ASH|IADE|IBODE|CDS|"
    r"(?i:interne|externe|kiné|kine|kinésithérapeute|réanimateur|réanimatrice|anesthésiste|"
    r"infirmi(?:er|ère)|aide-soignante?|sage-femme|psychologue|diététicienne?|ergothérapeute|"
    r"orthophoniste|assistante?\s+sociale?|brancardier|cadre(?:\s+de\s+santé)?|médecin\s+traitant|"
    r"chirurgien(?:ne)?|urgentiste|senior|chef\s+de\s+clinique|psychiatre|cardiologue|néphrologue|"
    r"pneumologue|neurologue|gériatre))"
    r"(?i:\s+de\s+(?:nuit|jour|garde|l['’]après-midi|astreinte))?"
)
# Maiden and married names after a name: "Mme FAURE née LEROY", "Mme Roux épouse Vidal".
_MAIDEN = r"(?i:née|ép\.|épouse|veuve|vve)"
_PARTICLE = r"(?:(?i:de|du|des|de\s+la|van|von|le|la|di|da|del|dos)\s+)?"
_WORD = r"\p{Lu}(?:\p{Ll}+|\p{Lu}+)(?:[-'’]\p{Lu}?\p{L}+)*"
_CUES = (
    ("title", rf"(?<![\p{{L}}\d])(?:{_TITLE})[ \t]+", 0.7),
    ("role", rf"(?<![\p{{L}}\d])(?:{_ROLE})[ \t]*:?[ \t]+", 0.6),
    ("maiden name", rf"(?<=\p{{L}}[ \t,]+)(?:{_MAIDEN})[ \t]+", 0.65),
)
_NEXT = re.compile(rf"[ \t]+({_WORD})")


def _not_a_name(word: str) -> bool:
    lower = word.lower()
    return len(lower) < 2 or is_french_clinical_word(lower) or lower in STOP_WORDS


@lru_cache(maxsize=1)
def _known_first_names() -> frozenset[str]:
    return first_names() | world_first_names() | ambiguous_first_names()


def _is_first_name(word: str) -> bool:
    return fold(word) in _known_first_names()


@register("fr_clinician_name")
class FrenchClinicianNameRecognizer(EntityRecognizer):
    ENTITY = "PERSON"
    NAME = "fr_clinician_name"

    def __init__(self, supported_language: str = "fr", supported_entity: str | None = None):
        self._cues = [
            (name, re.compile(cue + rf"(?P<name>{_PARTICLE}{_WORD})"), score) for name, cue, score in _CUES
        ]
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
        )

    def load(self) -> None:
        pass

    def _result(self, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
        return coded_result(self, self.supported_entities[0], start, end, score, pattern=pattern)

    def analyze(self, text, entities, nlp_artifacts=None):
        if self.supported_language != "fr":
            return []  # French cues; an English note's "Dr" is clinician_name's
        if entities and self.supported_entities[0] not in entities:
            return []
        results = []
        for pattern, compiled, score in self._cues:
            for match in compiled.finditer(text, overlapped=True):
                start, end = match.span("name")
                word = match.group("name").split()[-1]
                if _not_a_name(word):
                    continue
                nxt = _NEXT.match(text, end)
                if nxt and not _not_a_name(second := nxt.group(1)):
                    upper1, upper2 = word.isupper(), second.isupper()
                    if (upper1 != upper2) or (not upper1 and not upper2):
                        end = nxt.end(1)  # "Anne PETIT", "DUBOIS Marie", "Jean Roux"
                    elif _is_first_name(word) or _is_first_name(second):
                        end = nxt.end(1)  # "CDS ANNE PETIT", "MR DUBOIS MARIE"
                results.append(self._result(start, end, score, pattern))
        return EntityRecognizer.remove_duplicates(results)
