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

from ..names import (
    STOP_WORDS,
    ambiguous_first_names,
    dictionary_words,
    first_names,
    fold,
    inflected_forms,
    world_first_names,
)
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

# Notes typed in lower case: "vu avec dr leduc", "avis cardio (dr payet)", "rdv avec le dr vasseur".
# Only after a doctor's title, the strongest cue; the word must not be one a note puts there.
_LOWER_TITLE = re.compile(
    r"(?<![\p{L}\d])(?:dr|dre|docteur|pr|professeur)\.?[ \t]+(?P<name>(?:(?:de|du|le|la|van)[ \t]+)?"
    r"\p{Ll}+(?:[-'’]\p{Ll}+)*)(?![\p{L}\d'’])"
)
# Words after "dr" in a note that are no name ("dr ok pour sortie", "dr absent", "dr urgentiste").
_AFTER_DR = frozenset(
    """ok okay absent absente absents présent présente joignable injoignable urgentiste urgentistes
    référent référente traitant traitante senior junior responsable régulateur régulatrice sur
    au aux non pas plus ce cet cette qui que quand si ne et ou mais pour par avec sans vers dans
    dit dixit demande demandé attente avis accord passage appel rappel hier demain aujourd'hui
    encore toujours déjà aussi bien mal""".split()
)
# A relative named in a note: "sa fille Arnaude a appelé", "SON FILS MARC EST PASSÉ".
_RELATIVE = re.compile(
    r"(?<![\p{L}\d])(?i:fille|fils|épouse|epouse|mari|femme|sœur|soeur|frère|frere|mère|mere|père|pere|"
    r"neveu|nièce|niece|petite-fille|petit-fils|compagne|compagnon|conjointe?)[ \t]+"
    rf"(?P<name>{_WORD})"
)
_FRENCH_MODEL = "fr_core_news_sm"


def _not_a_name(word: str) -> bool:
    lower = word.lower()
    return len(lower) < 2 or is_french_clinical_word(lower) or lower in STOP_WORDS


@lru_cache(maxsize=1)
def _known_first_names() -> frozenset[str]:
    return first_names() | world_first_names() | ambiguous_first_names()


def _is_first_name(word: str) -> bool:
    return fold(word) in _known_first_names()


def _french_word(word: str) -> bool:
    """`word` is a French word (lemma or inflected form per the French model's lemmatizer
    tables), also with the accent capitals drop restored ("APPELE", "PASSEE")."""
    lower = word.lower()
    forms = inflected_forms(_FRENCH_MODEL)
    lemmas = dictionary_words(_FRENCH_MODEL)
    candidates = {lower}
    for plain, accented in (("ee", "ée"), ("es", "és"), ("e", "é"), ("ees", "ées")):
        if lower.endswith(plain):
            candidates.add(lower[: -len(plain)] + accented)
    return any(c in lemmas or (forms is not None and c in forms) for c in candidates)


def _lower_case_name(word: str) -> bool:
    """A lower-case word after "dr" is a name unless a note puts it there."""
    last = re.sub(r"^[dl]['’]", "", word.split()[-1])  # "dr d'astreinte", "dr l'a vu"
    lower = last.lower()
    if _not_a_name(last) or lower in _AFTER_DR or len(lower) < 3:
        return False
    # Past participles ("dr prévenu", "dr informé", "dr contacté") unless a known first name.
    return not (lower.endswith(("é", "ée", "és", "ées")) and not _is_first_name(lower))


def _relative_name(word: str) -> bool:
    """The word after "fille", "fils", "épouse"...: a name when capitalised and no note word; in
    capitals ("SA FILLE ARNAUDE A APPELE", where every word is capitalised) a lexicon first name
    or no French word."""
    if _not_a_name(word):
        return False
    if word.isupper():
        return _is_first_name(word) or not _french_word(word)
    return True


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
        for match in _LOWER_TITLE.finditer(text):
            if _lower_case_name(match.group("name")):
                results.append(self._result(*match.span("name"), 0.65, "lower-case title"))
        for match in _RELATIVE.finditer(text):
            if _relative_name(match.group("name")):
                results.append(self._result(*match.span("name"), 0.6, "relative"))
        return EntityRecognizer.remove_duplicates(results)
