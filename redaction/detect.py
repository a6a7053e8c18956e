"""Detection: find PII spans in texts, following a policy. Knows nothing of what is done with them.

Presidio's AnalyzerEngine runs on NLP artifacts computed in batches with spaCy's `nlp.pipe`
(one pipe call per language per batch, never one `analyze()` NLP pass per record), with only
the spaCy components detection needs loaded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import regex
import spacy
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.nlp_engine.ner_model_configuration import MODEL_TO_PRESIDIO_ENTITY_MAPPING
from presidio_analyzer.predefined_recognizers import PhoneRecognizer, SpacyRecognizer

from . import prefilters
from . import recognizers as coded
from .errors import MissingDependencyError, PolicyError, RecordTimeoutError, RedactionError
from .limits import RecordBudget, bound_presidio_patterns
from .models import add_shipped_ner, verified_meta
from .names import (
    AMBIGUOUS,
    NOT_NAME_WORDS,
    STOP_WORDS,
    WORD,
    dictionary_words,
    is_dictionary_word,
    is_first_name,
    truecase,
)
from .places import is_country, place_not_person
from .policy import Action, Policy, did_you_mean
from .recognizers.bounded import BoundedPatternRecognizer
from .recognizers.phone_number import after_id_word, inside_a_word
from .runtime import configure_runtime
from .vocabulary import ordinary_words

logger = logging.getLogger(__name__)

# Components never needed for detection: dependency parsing and sentence splitting.
_NEVER = ("parser", "senter")
# Components only the lemmatizer needs (part-of-speech rules).
_FOR_LEMMAS = ("tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer")


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span, in offsets of the original text. Holds no text.

    Findings of one text may overlap; anonymization resolves them (it knows the actions).
    """

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str


# Types whose recognizers bound the value exactly (a number's digits and its extension).
_BOUNDED_EXACTLY = frozenset({"PHONE_NUMBER", "FAX_NUMBER"})


def resolve_overlaps(findings: Sequence[Finding], kept: frozenset[str] = frozenset()) -> list[Finding]:
    """Merge overlapping findings into one each, so every character is handled once.

    The merged span covers the union (no fragment of any member survives), except where every
    member not in `kept` is a phone or fax number: a number's recognizer bounds it exactly, so a
    kept member, such as a date, only joins the group there: spaCy's DATE "10 tonight" over the
    end of the phone "0650 126 40 10" neither shields the phone nor takes "tonight" away with
    it. (Over a name or a place, the date's excess may be the rest of the name: it goes.) Its
    type and score are those of the highest-scoring member whose type is not in `kept`, the
    longer span winning a tie; only when every member is kept does the merged finding keep.
    """

    def rank(f: Finding) -> tuple[bool, float, int, str]:
        return (f.entity_type not in kept, f.score, f.end - f.start, f.entity_type)

    groups: list[list[Finding]] = []
    end = -1
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if groups and finding.start < end:
            groups[-1].append(finding)
        else:
            groups.append([finding])
        end = max(end, finding.end)
    merged: list[Finding] = []
    for group in groups:
        best = max(group, key=rank)
        acting = [f for f in group if f.entity_type not in kept]
        if not acting or any(f.entity_type not in _BOUNDED_EXACTLY for f in acting):
            acting = group
        merged.append(
            Finding(
                start=min(f.start for f in acting),
                end=max(f.end for f in acting),
                entity_type=best.entity_type,
                score=best.score,
                recognizer=best.recognizer,
            )
        )
    return merged


# Titles, court and form words that the NER models take into a name ("Lord Bednář", "LORD
# JUSTICE FRENCH", "Counsel for the respondent"): never propagated on their own.
_NOT_PROPAGATED = NOT_NAME_WORDS | frozenset(
    """lord lady lords justice justices judge judges counsel hhj recorder baroness baron dame sir
    master registrar president chancellor appellant respondent claimant defendant applicant
    petitioner witness court appeal tribunal honour honor child children minor minors""".split()
)
# "@gundhild_10", "@shohei.yamada": the handle, without its "@".
_HANDLE = re.compile(r"(?<![\w@.])@([^\W_](?:[\w.-]*[^\W_.-])?)")
_HANDLE_SEGMENT = re.compile(r"[^\W\d_]+")
# Family-court initials ("Re AB (A Child)"): two or three capitals, maybe hyphenated ("B-M").
_INITIALS = re.compile(r"^[A-Z]{1,3}(?:-[A-Z]{1,3})?$")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# After a bare surname, what says it is a person's ("Okafor thanked", "Okafor's speech").
_PERSON_AFTER = re.compile(
    r"(?:['’]s\b|[ \t]+(?:said|says|thanked|thanks|told|tells|added|wrote|writes|won|accepted|argued|"
    r"explained|replied|noted|spoke|smiled|praised|dedicated|thanked|recalled|admitted|denied|"
    r"confirmed|claimed|stated|testified|insisted|gave|received|joined|left|returned|became)\b)"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[ \t\"'“(]*$")


_COURT_ROLES = frozenset(
    """counsel claimant claimants defendant defendants appellant appellants respondent respondents
    applicant applicants petitioner petitioners justice judge tribunal""".split()
)


def _court_role_only(value: str) -> bool:
    """A span of court role words only ("Counsel", "CLAIMANT"), none a person's name."""
    words = [w.lower() for w in WORD.findall(value)]
    return bool(words) and all(w in _COURT_ROLES for w in words)


def _sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text, max(0, start - 8), start))


def _person_context(text: str, start: int, end: int) -> bool:
    return bool(_PERSON_AFTER.match(text, end) or _HONORIFIC_BEFORE.search(text, max(0, start - 12), start))


def _name_parts(text: str, finding: Finding, words: frozenset[str]) -> tuple[dict[str, bool], set[str]]:
    """(part -> is a dictionary word, initials) that a PERSON finding lends to the rest of its
    record. A part that is a dictionary word ("Rice", "Appeal") is lent only when the finding reads
    as a name: capitalised and either several capitalised words, a cue's finding (not the NER's
    or the lexicon's guess), or not at the start of a sentence."""
    parts: dict[str, bool] = {}
    initials: set[str] = set()
    tokens = [_POSSESSIVE.sub("", t) for t in WORD.findall(text[finding.start : finding.end])]
    tokens = [t for t in tokens if t]
    capitalised = sum(t[0].isupper() for t in tokens)
    guessed = finding.recognizer in ("SpacyRecognizer", "name_lexicon")
    if (
        finding.recognizer == "salutation_name"
        and len(tokens) <= 2
        and all(_INITIALS.match(t) for t in tokens)
    ):
        value = text[finding.start : finding.end]
        if _INITIALS.match(value) and len(value.replace("-", "")) >= 2:
            initials.add(value)
        return parts, initials
    for position, token in enumerate(tokens):
        lower = token.lower()
        if len(lower) < 3 or lower in STOP_WORDS or lower in _NOT_PROPAGATED:
            continue
        # A first name that is a word ("Grace", "Young") is no surname; as the last of several
        # capitalised words it is one ("Konstanty Brown"), lent as a word, found again capitalised.
        ambiguous = lower in AMBIGUOUS
        if ambiguous and not (position == len(tokens) - 1 and position and capitalised >= 2):
            continue
        common = ambiguous or is_dictionary_word(lower, words)
        if common and not (
            token[0].isupper()
            and (capitalised >= 2 or not guessed or not _sentence_start(text, finding.start))
        ):
            continue
        parts[lower] = parts.get(lower, False) or common
    return parts, initials


def _person_place(text: str, finding: Finding, words: frozenset[str], texts: Sequence[str]) -> str | None:
    """The surname of a LOCATION finding that is a person's full name ("The award went to Amara
    Okafor." ... "Okafor thanked"), or None. Two or three capitalised words whose last recurs alone
    in the record: with a lexicon first name first, the recurrence is enough unless the surname is
    a dictionary word ("Victoria Falls"); otherwise the recurrence must read as a person's. Two or
    three words in lower case likewise, the recurrence always reading as a person's."""
    if finding.entity_type != "LOCATION":
        return None
    tokens = WORD.findall(text[finding.start : finding.end])
    lower = all(t.islower() for t in tokens)  # a text in lower case ("went to mojmír růžička")
    if not 2 <= len(tokens) <= 3 or not (lower or all(t[0].isupper() and not t.isupper() for t in tokens)):
        return None
    last = _POSSESSIVE.sub("", tokens[-1])
    if len(last) < 3 or last.lower() in STOP_WORDS or last.lower() in _NOT_PROPAGATED:
        return None
    # In lower case no capital tells a name: the recurrence must read as a person's, and the
    # whole place must not recur ("new york ... new york is big").
    strong = not lower and is_first_name(tokens[0]) and not is_dictionary_word(last, words)
    if lower and sum(other.count(text[finding.start : finding.end]) for other in texts) > 1:
        return None
    alone = re.compile(rf"(?<![\w-]){re.escape(last)}(?![\w-])")
    for other in texts:
        for match in alone.finditer(other):
            if other is text and finding.start <= match.start() < finding.end:
                continue
            before = other[max(0, match.start() - 30) : match.start()]
            if re.search(r"[A-Z][\w'’-]*[ \t]+$", before) and not _sentence_start(other, match.start()):
                continue  # part of another multi-word name or place
            if strong or _person_context(other, match.start(), match.end()):
                return last.lower()
    return None


def propagate_names(
    texts: Sequence[str],
    found: Sequence[list[Finding]],
    score: float = 0.6,
    words: frozenset[str] = frozenset(),
) -> list[list[Finding]]:
    """Add a PERSON finding wherever a name found in any text of the record recurs.

    The distinctive parts of each PERSON finding (not a stop word, title or court word, at least
    3 letters, a possessive `'s` dropped) are searched for as whole words in every text of the
    record, in any case ("Maria Garcia ... MARIA said ... garcia family"). A part that is a
    dictionary word (`words`, `redaction.names.dictionary_words`: "Rice", "Brown", "Appeal") is
    taken only from a finding that reads as a name (`_name_parts`) and found again only where it
    is capitalised, so "rice" and "the appeal" stay. A handle holding a part (`@gundhild_10`,
    `@shohei.yamada`) is a PERSON whole, without its "@". Family-court initials (`Re AB (A
    Child)`) recur in the same capitals only. A LOCATION finding that is a full name whose surname
    recurs alone as a person's (`_person_place`) is retyped PERSON and its surname lent.
    """
    found = [list(f) for f in found]
    parts: dict[str, bool] = {}
    initials: set[str] = set()
    for index, (text, findings) in enumerate(zip(texts, found, strict=True)):
        for position, finding in enumerate(findings):
            if finding.entity_type == "LOCATION":
                surname = _person_place(text, finding, words, texts)
                if surname is None:
                    continue
                finding = Finding(finding.start, finding.end, "PERSON", finding.score, finding.recognizer)
                found[index][position] = finding
                parts[surname] = parts.get(surname, False)
            if finding.entity_type != "PERSON":
                continue
            more, short = _name_parts(text, finding, words)
            for part, common in more.items():
                parts[part] = parts.get(part, False) or common
            initials |= short
    if not parts and not initials:
        return found
    alternatives = sorted(parts, key=len, reverse=True)
    pattern = (
        re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?!\w)", re.IGNORECASE)
        if parts
        else None
    )
    capitals = (
        re.compile(
            r"(?<![\w-])(?:"
            + "|".join(re.escape(i) for i in sorted(initials, key=len, reverse=True))
            + r")(?![\w-])"
        )
        if initials
        else None
    )
    out = []
    for text, findings in zip(texts, found, strict=True):
        spans: list[tuple[int, int]] = []
        if pattern is not None:
            for m in pattern.finditer(text):
                if parts[m.group(0).lower()] and not m.group(0)[0].isupper():
                    continue  # a dictionary word in lower case: "rice", "the appeal"
                spans.append(m.span())
            for m in _HANDLE.finditer(text):
                segments = [s.lower() for s in _HANDLE_SEGMENT.findall(m.group(1))]
                if any(s in parts and not parts[s] for s in segments):
                    spans.append(m.span(1))
        if capitals is not None:
            spans.extend(m.span() for m in capitals.finditer(text))
        spans = sorted(set(spans))
        extra = [
            Finding(start, end, "PERSON", score, "name_propagation")
            for start, end in spans
            if not any(f.start <= start and end <= f.end for f in findings)
            and not any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)
        ]
        out.append(findings + extra)
    return out


# A bare middle initial between a name and its surname ("Anja R Fuchs said"): the models stop at
# the initial or find the two names apart. Group 1: the surname after the initial.
_BARE_INITIAL = regex.compile(
    r"[ \t]+\p{Lu}[ \t]+((?:Ma?c|O['’])?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{M}-])"
)
_AFTER_INITIAL = regex.compile(r"[ \t]+((?:Ma?c|O['’])?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{M}-])")
_ENDS_WITH_INITIAL = regex.compile(r"\p{L}[ \t]+\p{Lu}$")
# A family name written first that the models left off the name after it ("Vu" + "Mai Bao Quang").
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\p{M}'’.-])(?<!\p{Lu}\p{Ll}*[ \t])(\p{Lu}\p{Ll}+)[ \t]$")
_BEFORE_INITIAL = regex.compile(r"(?<![\p{L}\p{M}'’-])(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)[ \t]+\p{Lu}[ \t]+$")
# The rest of a hyphenated given name after a PERSON finding that stops at the hyphen ("Kim
# Yeong" + "-hui", "Park Jeong" + "-ho"): a name is never half removed. Not a dictionary word
# ("Smith-led", "Smith-based").
_HYPHEN_REST = regex.compile(r"(?:-\p{L}[\p{Ll}\p{M}]*)+(?![\p{L}\p{M}\d-])")
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december""".split()
)


def _join_bare_initials(text: str, findings: list[Finding], words: frozenset[str]) -> list[Finding]:
    """PERSON findings carried over a bare initial to the surname after it: `Anja` + ` R Fuchs`,
    `José` ... `Moreno` around ` A `, `Shaun T` + ` Walters`, and back to the given name before
    it (`Tasdik Y` + `Ramadan`). The other word is another PERSON finding, or a capitalised word
    that is no stop word, day or month, and either no dictionary word or beside a first name of the
    lexicon ("Maria N Green", not "Plan B Budget": no name on either side). A finding that stops
    at a hyphen takes the rest of the hyphenated name (`Kim Yeong` + `-hui`), and a full name the
    family name written before it, mid-sentence, when that is no dictionary word (`Vu` + `Mai Bao
    Quang`)."""

    def name_word(word: str, other: str) -> bool:
        lower = word.lower()
        if lower in STOP_WORDS or lower in _CALENDAR or lower in NOT_NAME_WORDS:
            return False
        return not is_dictionary_word(lower, words) or is_first_name(other) or is_first_name(word)

    persons = [f for f in findings if f.entity_type == "PERSON"]
    out = list(findings)
    for finding in persons:
        value = text[finding.start : finding.end]
        names = WORD.findall(value)
        rest = _HYPHEN_REST.match(text, finding.end)
        if (
            rest is not None
            and value[-1:].isalpha()
            and all(
                len(p) <= 2 or not is_dictionary_word(p.lower(), words) for p in rest.group(0).split("-")[1:]
            )
        ):
            out.append(Finding(finding.start, rest.end(), "PERSON", finding.score, finding.recognizer))
        family = _WORD_BEFORE.search(text, max(0, finding.start - 40), finding.start)
        if (
            family is not None
            and len(names) >= 2
            and all(n[:1].isupper() and not n.isupper() for n in names)
            and name_word(family.group(1), "")
            and not is_dictionary_word(family.group(1).lower(), words)
            and not _sentence_start(text, family.start(1))
        ):
            out.append(Finding(family.start(1), finding.end, "PERSON", finding.score, finding.recognizer))
        before = _BEFORE_INITIAL.search(text, max(0, finding.start - 40), finding.start)
        if before is not None and value[:1].isupper() and not value.isupper():
            given = before.group(1)
            if any(f.end == before.end(1) for f in persons) or name_word(given, value.split()[0]):
                out.append(Finding(before.start(1), finding.end, "PERSON", finding.score, finding.recognizer))
        if not names or not names[0][:1].isupper() or names[0].isupper():
            continue
        after = (_AFTER_INITIAL if _ENDS_WITH_INITIAL.search(value) else _BARE_INITIAL).match(
            text, finding.end
        )
        if after is None:
            continue
        joined = [f.end for f in persons if f.start == after.start(1)]
        if not joined and not name_word(after.group(1), names[0]):
            continue
        end = max([after.end(1), *joined])
        out.append(Finding(finding.start, end, "PERSON", finding.score, finding.recognizer))
    return out


_NER_TYPES = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP"})
_LABEL_LINE = re.compile(r"^[ \t]*([^:\n]{1,40}?)[ \t]*:", re.MULTILINE)
# An honorific right before a span: what follows is a person's name.
_HONORIFIC_BEFORE = re.compile(r"(?i:\b(?:dr|mr|mrs|ms|miss|mx|prof)\.?[ \t]*)$")


# spaCy DATE findings that are no date: a blood pressure or ratio ("120/80": no month/day
# pair), or a bare count ("x 14").
_NOT_A_DATE = re.compile(r"^(?:\d{1,3}/\d{1,3}|\d{1,3})$")
_VALID_MONTH_DAY = re.compile(r"^(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])$")
_RELATIVE_TIME = frozenset(
    """today tonight yesterday tomorrow this that the last past next previous few several
    morning afternoon evening night overnight noc now am pm shift day days hour hours hrs
    minute minutes mins week weeks wk wks month months year years yrs ago daily nightly
    weekly hourly earlier later recently""".split()
)
_DATE_WORD_BEFORE = re.compile(r"(?i:\b(?:on|the|since|by|until|from|of|dated?)\s*$)")
# Numbers spaCy reads as dates that a ward writes for something else: a room or bed ("rm 4102",
# "BED 12"), a clock time after "at" ("due at 1730"; "in 2019" stays a year), an ABG
# ("ABG 7.38/40/90"), a ratio ("1:1 nursing"), a range of values ("FS 180s"), the digits of an id
# ("MRN 1234567"; the id recognizers type it).
_ROOM_BEFORE = re.compile(r"(?i:\b(?:rm|room|bed|bay|pod|suite|station|ext)\.?[ \t]*#?[ \t]*)$")
_AT_BEFORE = re.compile(r"(?i:\b(?:at|@|by|until|till|before|after|around|approx|since|from|to)[ \t]*)$")
_CLOCK = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d$")
_BLOOD_GAS = re.compile(r"^(?:[A-Za-z]{2,5}[ \t]+)?\d\.\d{1,2}/\d{2,3}/\d{2,3}$")
_DIGITS_DATE = re.compile(
    r"^(?:(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|"
    r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:(?:19|20)\d\d|\d\d))$"
)


def _ward_number(text: str, finding: Finding, value: str) -> bool:
    """A spaCy "date" that is a room, a clock time, a blood gas or an id's digits."""
    room = re.fullmatch(r"\d{1,5}[A-Za-z]?((?:[ \t]+[A-Za-z]+)*)", value)
    if room and _ROOM_BEFORE.search(text, 0, finding.start):
        # "rm 4102", "ROOM 412 OVERNIGHT": the number and relative time words
        return all(w.lower() in _RELATIVE_TIME for w in room.group(1).split())
    if _CLOCK.match(value) and not re.match(r"(?:19|20)\d\d$", value):
        return bool(_AT_BEFORE.search(text, 0, finding.start))
    if _CLOCK.match(value):  # 1900-2059 may be years: a clock time only after "at"/"@"
        return bool(re.search(r"(?i:\b(?:at|@)[ \t]*)$", text[: finding.start]))
    if _BLOOD_GAS.match(value):
        return True
    if re.match(r"\d{1,2}:\d(?!\d)", value) or re.fullmatch(r"\d{3}'?s", value, re.IGNORECASE):
        return True  # "Ratio 1:1 nursing overnight" (a clock has two digits of minutes), "FS 180S"
    return bool(re.fullmatch(r"\d{5,}", value)) and not _DIGITS_DATE.match(value)


# Abbreviations that only clinical notes use together; three distinct ones make a text a note.
_NOTE_MARKS = frozenset(
    """prn npo po iv bid tid qid q2h q4h q6h q8h qhs spo2 gcs abx micu sicu icu s/p f/u c/o cxr inr
    uop oob nsr peep fio2 cpap picc rass a&ox3 ngt foley lasix heparin propofol levophed mae perrla
    bcx sbt hob scds ptt cbg d5 i/o dnr/dni nt/nd cta bilat
    bun riss svc npn etoh pcn pcp vna ivf abd vss afeb ekg kcl cvp hct wbc ssi sq aox3 a-line
    tol levo dsg d/w dm2 x2 x3""".split()
)
_NOTE_TOKEN = re.compile(r"[A-Za-z0-9&/]+")


def reads_clinical(text: str, marks: int = 3) -> bool:
    """A text reads as a clinical note (three distinct note abbreviations): every policy then
    drops spaCy's names and places made only of shorthand, as `detection.clinical_vocabulary`
    does for all texts."""
    seen: set[str] = set()
    for token in _NOTE_TOKEN.findall(text):
        lower = token.lower()
        if lower in _NOTE_MARKS:
            seen.add(lower)
            if len(seen) >= marks:
                return True
    return False


def _note_like(text: str) -> bool:
    """A clinical note (`reads_clinical`), or a text written mostly in upper case, as nursing
    notes are ("NIECE AT BEDSIDE. AMBULATORY WITH WALKER."): note words are no names there."""
    if reads_clinical(text, marks=2):
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _clinical_noise(text: str, finding: Finding) -> bool:
    """A spaCy finding that clinical shorthand explains: a name or place made only of
    abbreviations, drugs and note words, or a date that is a vital sign or a count."""
    from .recognizers.clinical_vocab import is_note_word

    value = text[finding.start : finding.end]
    if finding.entity_type == "DATE_TIME":
        words = WORD.findall(value)
        if words and all(w.lower() in _RELATIVE_TIME for w in words) and not re.search(r"\d{3,}", value):
            return True  # "today", "this afternoon", "3 days": no date element
        if _ward_number(text, finding, value):
            return True
        if not _NOT_A_DATE.match(value):
            return False
        if _VALID_MONTH_DAY.match(value):
            return False  # the clinical dates recognizer decides about month/day pairs
        return "/" in value or not _DATE_WORD_BEFORE.search(text, 0, finding.start)
    if _HONORIFIC_BEFORE.search(text, 0, finding.start):
        return False  # "DR WALKER", "Dr. Page": a clinician, whatever the word
    words = WORD.findall(value)
    return bool(words) and all(is_note_word(w) or len(w) == 1 for w in words)


def _tidy_ner_findings(
    text: str, findings: list[Finding], clinical: bool = False, english: bool = True
) -> list[Finding]:
    """Correct the small NER models' commonest mistakes, which cost annotators words.

    * Greeting and title words at the edges of a name or place ("Bonjour Marie", "Cher") are
      trimmed off; nothing left, nothing reported.
    * A form label ("Titulaire :", "Motif :"), the text before the first colon of a line when
      it is at most four words, is not a name or a place, unless it is a lexicon first name (a
      chat speaker, "kayla: hi").
      A name right after an honorific ("Dr. Toolis made aware: K 3.2") is a name, label or not.
    * With `clinical` (the policy's `detection.clinical_vocabulary`), findings that clinical
      shorthand explains are dropped (`_clinical_noise`): "Foley", "MAE", "INR" as names,
      "120/80" as a date.
    * Names and places made of ordinary words (`redaction.vocabulary.ordinary_words`: keys of
      a key/value dump, form label words, the words numbers follow, lower-case dictionary words)
      are dropped, and such words trimmed off their edges.
    Only spaCy's findings are touched; pattern and checksum recognizers are trusted as they are.
    The tidying runs inside the spaCy recognizer (`TidiedSpacyRecognizer`), before Presidio
    merges same-type findings: there a spaCy span contains a rule's finding and wins, so a span
    dropped or trimmed here afterwards would take the rule's finding with it.
    """
    if clinical or _note_like(text):
        findings = [f for f in findings if f.recognizer != "SpacyRecognizer" or not _clinical_noise(text, f)]
    if not any(f.recognizer == "SpacyRecognizer" and f.entity_type in _NER_TYPES for f in findings):
        return findings  # most texts: nothing to tidy, no label scan
    labels = [(m.start(1), m.end(1)) for m in _LABEL_LINE.finditer(text) if len(m.group(1).split()) <= 4]
    out = []
    for finding in findings:
        if finding.recognizer != "SpacyRecognizer" or finding.entity_type not in _NER_TYPES:
            out.append(finding)
            continue
        words = list(WORD.finditer(text, finding.start, finding.end))
        while words and (
            words[0].group(0).lower() in NOT_NAME_WORDS or words[0].group(0).lower() in STOP_WORDS
        ):
            words.pop(0)
        while words and (
            words[-1].group(0).lower() in NOT_NAME_WORDS or words[-1].group(0).lower() in STOP_WORDS
        ):
            words.pop()
        if not words:
            continue
        start, end = words[0].start(), words[-1].end()
        in_label = any(ls <= start and end <= le for ls, le in labels)
        if (
            in_label
            and not any(is_first_name(w.group(0)) for w in words)
            and not _HONORIFIC_BEFORE.search(text, 0, start)
        ):
            continue
        out.append(Finding(start, end, finding.entity_type, finding.score, finding.recognizer))
    return ordinary_words(text, out, _SPACY, dictionary=english)


_SPACY = frozenset({"SpacyRecognizer"})
_LEXICON = frozenset({"name_lexicon"})


def _trim_french_clinical(text: str, findings: list[Finding]) -> list[Finding]:
    """French notes: clinical shorthand at the edges of a spaCy name or place is trimmed off
    ("IDE Céline" -> "Céline", "Hémodynamique stable sous Noradrénaline" -> nothing); nothing
    left, nothing reported. fr_core_news_sm tags roles, drugs and wards as PER/LOC in
    transmissions infirmières (tests/data/tuning/fr_clinical.py)."""
    from .recognizers.clinical_vocab_fr import is_french_clinical_word

    def noise(word: str) -> bool:
        lower = word.lower()
        return is_french_clinical_word(lower) or lower in STOP_WORDS or len(word) == 1 or word.isdigit()

    out = []
    for finding in findings:
        if finding.entity_type not in _NER_TYPES:
            out.append(finding)
            continue
        words = list(WORD.finditer(text, finding.start, finding.end))
        while words and noise(words[0].group(0)):
            words.pop(0)
        while words and noise(words[-1].group(0)):
            words.pop()
        if words:
            out.append(
                Finding(
                    words[0].start(), words[-1].end(), finding.entity_type, finding.score, finding.recognizer
                )
            )
    return out


class TidiedSpacyRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer with its findings tidied (`_tidy_ner_findings`) as it makes
    them, so the tidying never costs another recognizer's finding. Keeps the name
    "SpacyRecognizer"."""

    def __init__(self, clinical: bool = False, **kwargs):
        super().__init__(name="SpacyRecognizer", **kwargs)
        self.clinical = clinical

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        if not results:
            return results
        findings = [Finding(r.start, r.end, r.entity_type, r.score, self.name) for r in results]
        if self.supported_language == "fr":
            findings = _trim_french_clinical(text, findings)
        by_span = {}
        for result in results:
            by_span.setdefault((result.start, result.end, result.entity_type), result)
        out = []
        english = self.supported_language == "en"
        for finding in _tidy_ner_findings(text, findings, self.clinical, english):
            kept = by_span.get((finding.start, finding.end, finding.entity_type))
            if kept is None:  # trimmed: same finding on the shorter span
                kept = next(
                    r
                    for r in results
                    if r.entity_type == finding.entity_type
                    and r.start <= finding.start
                    and finding.end <= r.end
                )
                kept = RecognizerResult(
                    kept.entity_type,
                    finding.start,
                    finding.end,
                    kept.score,
                    analysis_explanation=kept.analysis_explanation,
                    recognition_metadata=dict(kept.recognition_metadata or {}),
                )
            out.append(kept)
        return out


def _tidied_spacy_recognizers(registry: RecognizerRegistry, clinical: bool = False) -> None:
    """Replace the registry's spaCy recognizers by `TidiedSpacyRecognizer`s of the same settings."""
    for index, recognizer in enumerate(registry.recognizers):
        if type(recognizer) is SpacyRecognizer:
            registry.recognizers[index] = TidiedSpacyRecognizer(
                clinical=clinical,
                supported_language=recognizer.supported_language,
                supported_entities=list(recognizer.supported_entities),
                ner_strength=recognizer.ner_strength,
            )


def _email_without_key(text: str, finding: Finding) -> Finding:
    """An e-mail finding without the key glued before it: `work_email=a.b@example.com` ->
    `a.b@example.com` (`=` is legal in an address's local part, so the pattern takes the key)."""
    if finding.entity_type != "EMAIL_ADDRESS":
        return finding
    value = text[finding.start : finding.end]
    at = value.find("@")
    cut = value.rfind("=", 0, at)
    if cut <= 0 or cut + 1 >= at:
        return finding
    return Finding(
        finding.start + cut + 1, finding.end, finding.entity_type, finding.score, finding.recognizer
    )


def _addresses_beyond_phones(text: str, findings: list[Finding]) -> list[Finding]:
    """The findings without street addresses whose only digits are a phone number's found there
    ("nursing station 4-2041", "TEL 391/283-5370 FOR FAMILY MTG"): an address has a number of
    its own, and the union of the two would take the words around the phone with it."""
    phones = [f for f in findings if f.entity_type in ("PHONE_NUMBER", "FAX_NUMBER")]
    if not phones:
        return findings

    def only_a_phone(address: Finding) -> bool:
        digits = [i for i in range(address.start, address.end) if text[i].isdigit()]
        return bool(digits) and any(all(p.start <= i < p.end for i in digits) for p in phones)

    return [f for f in findings if f.entity_type != "STREET_ADDRESS" or not only_a_phone(f)]


def _as_location(start: int, end: int, finding: Finding) -> Finding:
    return Finding(start, end, "LOCATION", finding.score, finding.recognizer)


def installed_spacy_models() -> list[str]:
    return sorted(spacy.util.get_installed_models())


class _LazyModels(dict):
    """language -> spaCy pipeline, loaded on first lookup."""

    def __init__(self, loader):
        super().__init__()
        self._loader = loader

    def __bool__(self) -> bool:  # Presidio tests `if not self.nlp` for "loaded"
        return True

    def __missing__(self, lang: str):
        model = self[lang] = self._loader(lang)
        return model


def check_models_installed(policy: Policy) -> None:
    """Raise MissingDependencyError naming the first policy language whose spaCy model is not
    installed (without loading any model), ModelIntegrityError when a shipped NER component the
    policy names does not match its manifest."""
    for lang, spec in policy.languages.items():
        if spec.ner:
            verified_meta(spec.ner)
        name = spec.model
        if not (spacy.util.is_package(name) or Path(name).exists()):
            raise MissingDependencyError(
                f"languages.{lang}.model: spaCy model '{name}' is not installed "
                f"(installed: {', '.join(installed_spacy_models()) or 'none'})"
            )


class ScrublineNlpEngine(SpacyNlpEngine):
    """spaCy engine built from the policy: no downloads, only the components detection needs."""

    def __init__(self, policy: Policy):
        super().__init__(
            models=[{"lang_code": lang, "model_name": spec.model} for lang, spec in policy.languages.items()],
            ner_model_configuration=NerModelConfiguration(),
        )
        self._policy = policy
        self._uses_lemmas: dict[str, bool] = {}

    def load(self) -> None:
        """Check every model is installed now; load each on first use (a run over English
        records never pays for the French model)."""
        check_models_installed(self._policy)
        self.nlp = _LazyModels(self._load_model)

    def get_supported_languages(self) -> list[str]:
        return list(self._policy.languages)

    def _load_model(self, lang: str):
        spec = self._policy.languages[lang]
        exclude = list(_NEVER) if spec.lemmatizer else list(_NEVER + _FOR_LEMMAS)
        if spec.ner:
            # The shipped component replaces the model's ner (never runs beside it).
            nlp = spacy.load(spec.model, exclude=[*exclude, "ner"])
            add_shipped_ner(nlp, spec.ner)
        else:
            nlp = spacy.load(spec.model, exclude=exclude)
        if "ner" not in nlp.pipe_names:
            raise MissingDependencyError(
                f"languages.{lang}.model: spaCy model '{spec.model}' has no 'ner' component"
            )
        nlp.max_length = spec.max_chars
        self._uses_lemmas[lang] = "lemmatizer" in nlp.pipe_names
        # Labels Presidio has no entity for (CARDINAL, MONEY, MISC...) are dropped quietly
        # instead of logging a warning per document.
        mapped = set(MODEL_TO_PRESIDIO_ENTITY_MAPPING)
        ignore = set(self.ner_model_configuration.labels_to_ignore or ())
        ignore |= {label for label in nlp.get_pipe("ner").labels if label not in mapped}
        self.ner_model_configuration.labels_to_ignore = sorted(ignore)
        return nlp

    def process_batch(self, texts, language, batch_size=1, n_process=1, as_tuples=False):
        """(text, artifacts) per text; with truecasing on, spaCy sees the truecased copy.

        The copy has the same length word for word, so the artifacts' offsets fit the original
        text, which is what the pattern recognizers and the caller get.
        """
        if as_tuples or n_process != 1:
            raise ValueError("ScrublineNlpEngine.process_batch takes plain texts in one process")
        texts = [str(text) for text in texts]
        shown = [truecase(t) for t in texts] if self._policy.detection.truecase else texts
        docs = self.nlp[language].pipe(shown, batch_size=batch_size)
        for text, doc in zip(texts, docs, strict=True):
            yield text, self._doc_to_nlp_artifact(doc, language)

    def _doc_to_nlp_artifact(self, doc, language):
        if self._uses_lemmas.get(language, True):
            return super()._doc_to_nlp_artifact(doc, language)
        # Without a lemmatizer spaCy leaves lemmas empty; the lower-cased token is the nearest
        # stand-in, and Presidio's context matching is by substring. Presidio's own method, with
        # these lemmas (its keywords computed once, not for the empty lemmas first).
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=scores,
        )


def _policy_recognizers(policy: Policy) -> list:
    built = []
    for spec in policy.recognizers:
        patterns = [Pattern(p.name, p.regex, p.score) for p in spec.patterns]
        for lang in spec.languages or tuple(policy.languages):
            built.append(
                BoundedPatternRecognizer(
                    supported_entity=spec.entity,
                    name=spec.name,
                    patterns=patterns,
                    context=list(spec.context) or None,
                    supported_language=lang,
                )
            )
    for index, deny in enumerate(policy.deny_lists):
        for lang in policy.languages:
            built.append(
                BoundedPatternRecognizer(
                    supported_entity=deny.entity,
                    name=f"deny_list_{index}_{deny.entity.lower()}",
                    deny_list=list(deny.words),
                    deny_list_score=deny.score,
                    supported_language=lang,
                )
            )
    for name in policy.coded_recognizers:
        cls = coded.get(name)
        for lang in policy.languages:
            built.append(cls(supported_language=lang))
    return built


class PolicyPhoneRecognizer(PhoneRecognizer):
    """Presidio's phonenumbers-based recognizer, with a per-region strictness.

    Regions in `possible_regions` accept any number of a possible length and prefix for the
    region (phonenumbers' POSSIBLE leniency) instead of only numbers valid for it: French
    overseas departments (0590 Guadeloupe, 0262 Réunion...) are dialled in the French national
    plan but validate only as their own regions. A number right after an id or amount word
    ("Invoice 0612345678", "Order #", "EUR"), with no phone word before it, or going on from an id
    ("X95 4443 423"), is not a phone. Numbers of other regions are the `world_phone` recognizer's.
    """

    def __init__(self, *, possible_regions=(), **kwargs):
        super().__init__(**kwargs)
        self.possible_regions = frozenset(possible_regions)

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for region in self.supported_regions:
            leniency = phonenumbers.Leniency.POSSIBLE if region in self.possible_regions else self.leniency
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
                if after_id_word(text, match.start) or inside_a_word(text, match.start):
                    continue
                results.append(self._get_recognizer_result(match, text, region, nlp_artifacts))
        return EntityRecognizer.remove_duplicates(results)


_PHONE_CONTEXT = {
    "en": ["phone", "number", "telephone", "tel", "cell", "cellphone", "mobile", "call", "fax", "ext"],
    "fr": ["téléphone", "tél", "tel", "portable", "mobile", "numéro", "appeler", "joindre", "fax", "fixe"],
}


def build_registry(policy: Policy, nlp_engine=None) -> RecognizerRegistry:
    """Presidio's predefined recognizers for the policy languages plus the policy's own.

    Raises PolicyError when an entity in the policy has no recognizer, listing those that exist.
    """
    configure_runtime()
    languages = list(policy.languages)
    registry = RecognizerRegistry(supported_languages=languages)
    registry.load_predefined_recognizers(languages=languages, nlp_engine=nlp_engine)
    _tidied_spacy_recognizers(registry, policy.detection.clinical_vocabulary)
    # Presidio's phone recognizer runs one phonenumbers pass per region: use the policy's.
    registry.remove_recognizer("PhoneRecognizer")
    for lang in languages:
        registry.add_recognizer(
            PolicyPhoneRecognizer(
                supported_language=lang,
                supported_regions=list(policy.detection.phone_regions),
                possible_regions=policy.detection.phone_possible_regions,
                context=_PHONE_CONTEXT.get(lang),
            )
        )
    for recognizer in _policy_recognizers(policy):
        registry.add_recognizer(recognizer)
    supported: set[str] = set()
    for recognizer in registry.recognizers:
        supported.update(recognizer.supported_entities)
    if nlp_engine is None:
        # Without a loaded model the NER entities are the engine's mapping targets.
        supported.update(MODEL_TO_PRESIDIO_ENTITY_MAPPING.values())
    missing = sorted(set(policy.entities) - supported)
    if missing:
        known = ", ".join(sorted(supported))
        problems = tuple(
            f"entities.{name}: no recognizer finds {name}{did_you_mean(name, supported)} (known: {known})"
            for name in missing
        )
        raise PolicyError("\n".join(problems), problems)
    return registry


def _compile_patterns(recognizer: PatternRecognizer) -> None:
    """Compile a pattern recognizer's patterns as Presidio does on their first use (with the
    recognizer's flags; `PatternRecognizer.__analyze_patterns`), so that no record pays for it."""
    flags = recognizer.global_regex_flags
    for pattern in recognizer.patterns:
        if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
            pattern.compiled_with_flags = flags
            pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)


class Detector:
    """Finds PII in texts per the policy. Load once per process; reuse for every batch."""

    def __init__(self, policy: Policy, nlp_batch_size: int = 64, shortcuts: bool = True):
        """`shortcuts`: skip work that cannot change a finding (`redaction.prefilters`)."""
        configure_runtime()
        bound_presidio_patterns(policy.limits.record_seconds)
        self.policy = policy
        self.nlp_batch_size = nlp_batch_size
        self.nlp_engine = ScrublineNlpEngine(policy)
        self.nlp_engine.load()
        registry = build_registry(policy, self.nlp_engine)
        prefilters.ordered_recognizer_lookup(registry, cache=shortcuts)
        if shortcuts:
            prefilters.skip_impossible(registry.recognizers)
        engine = prefilters.ContextShortcutAnalyzer if shortcuts else AnalyzerEngine
        self.analyzer = engine(
            registry=registry,
            nlp_engine=self.nlp_engine,
            supported_languages=list(policy.languages),
            context_aware_enhancer=prefilters.SelectiveCopyEnhancer() if shortcuts else None,
        )
        # Only ask each language for entities it has a recognizer for (Presidio warns per call
        # about the others).
        self.entities = {
            lang: sorted(
                set(policy.entities)
                & {
                    entity
                    for recognizer in registry.get_recognizers(language=lang, all_fields=True)
                    for entity in recognizer.supported_entities
                }
            )
            for lang in policy.languages
        }
        self.thresholds = {name: rule.threshold for name, rule in policy.entities.items()}
        self.floor = min(self.thresholds.values())
        self.allow_list = list(policy.allow_list) or None
        self._warm: set[str] = set()
        location = policy.entities.get("LOCATION")
        self._places = location is not None and location.action is not Action.KEEP

    def _analyze(self, text: str, language: str, artifacts) -> list[Finding]:
        if not self.entities[language]:
            return []  # an empty list would mean "every entity" to Presidio
        results: list[RecognizerResult] = self.analyzer.analyze(
            text=text,
            language=language,
            entities=self.entities[language],
            score_threshold=self.floor,
            allow_list=self.allow_list,
            nlp_artifacts=artifacts,
        )
        findings = [
            Finding(
                start=r.start,
                end=r.end,
                entity_type=r.entity_type,
                score=round(float(r.score), 4),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "")),
            )
            for r in results
            if r.score >= self.thresholds.get(r.entity_type, 1.1) and r.end > r.start
        ]
        if self.policy.detection.clinical_vocabulary or _note_like(text):
            findings = [f for f in findings if f.recognizer != "name_lexicon" or not _clinical_noise(text, f)]
        if language == "fr":
            # the lexicon's first names include French note words ("avis", "Eva", "Réa")
            lexicon = [f for f in findings if f.recognizer == "name_lexicon"]
            if lexicon:
                rest = [f for f in findings if f.recognizer != "name_lexicon"]
                findings = rest + _trim_french_clinical(text, lexicon)
        if any(f.recognizer == "name_lexicon" for f in findings):
            findings = ordinary_words(text, findings, _LEXICON, dictionary=language == "en")
        # "Counsel", "Claimant", "JUSTICE" alone: a court's role word the NER model or the lexicon
        # took for a name or a place.
        findings = [
            f
            for f in findings
            if not (
                f.recognizer in ("SpacyRecognizer", "name_lexicon")
                and f.entity_type in ("PERSON", "LOCATION")
                and _court_role_only(text[f.start : f.end])
            )
        ]
        if any(f.entity_type == "PERSON" for f in findings):
            model = self.policy.languages[language].model
            findings = _join_bare_initials(text, findings, dictionary_words(model))
        findings = [_email_without_key(text, f) for f in findings]
        findings = _addresses_beyond_phones(text, findings)
        # "x4", "D5", "X1": Presidio's licence pattern on counts and fluids; no licence is that short
        findings = [f for f in findings if f.entity_type != "US_DRIVER_LICENSE" or f.end - f.start >= 5]
        if self._places:
            findings = place_not_person(text, findings, _as_location)
        # A country alone identifies no one ("country=Austria", "ships to South Korea"); in an
        # address the address recognizers' finding covers it.
        findings = [
            f
            for f in findings
            if not (
                f.entity_type == "LOCATION" and f.end - f.start <= 40 and is_country(text[f.start : f.end])
            )
        ]
        return sorted(findings, key=lambda f: (f.start, f.end, f.entity_type))

    def detect(
        self,
        texts: Sequence[str],
        languages: Sequence[str] | None = None,
        budgets: Sequence[RecordBudget] | None = None,
    ) -> list[list[Finding] | RedactionError]:
        """Findings for each text, in order; a RedactionError in place of a text that failed
        (a RecordTimeoutError when its record's time ran out).

        Texts are grouped by language and run through `nlp.pipe` together. If the batch fails,
        each text is retried alone so one bad text fails only itself. `budgets` gives each text
        its record's time (texts of one record share one budget): the recognizers run on a text
        within what is left of it (see `redaction.limits`); spaCy's pass over the batch is
        bounded by the size limits instead.
        """
        languages = languages or [self.policy.primary_language] * len(texts)
        out: list[list[Finding] | RedactionError | None] = [None] * len(texts)
        by_lang: dict[str, list[int]] = {}
        for index, lang in enumerate(languages):
            by_lang.setdefault(lang, []).append(index)
        for lang, indexes in by_lang.items():
            try:
                self._detect_group(texts, lang, indexes, out, budgets)
            except Exception:  # noqa: BLE001 - isolate the failing text below
                for index in indexes:
                    if out[index] is None:
                        try:
                            self._detect_group(texts, lang, [index], out, budgets)
                        except Exception as exc:  # noqa: BLE001
                            out[index] = RedactionError(f"detection failed ({type(exc).__name__})")
        return out  # type: ignore[return-value]

    def _warm_up(self, lang: str) -> None:
        """Analyze a short text once per language, outside any record's time: recognizers load
        their word lists and compile their patterns on first use (seconds), which no record
        should pay for, nor a record's timeout interrupt half-way."""
        if lang in self._warm:
            return
        with self.nlp_engine.nlp[lang].memory_zone():
            for text, artifacts in self.nlp_engine.process_batch(["Warm-up: 1 Main Street."], lang):
                self._analyze(text, lang, artifacts)
        # Patterns a prefilter skipped on the warm-up text compile on their first use otherwise,
        # a tenth of a second each for the large street patterns, in some record's time.
        for recognizer in self.analyzer.registry.get_recognizers(lang, all_fields=True):
            if isinstance(recognizer, PatternRecognizer):
                _compile_patterns(recognizer)
        self._warm.add(lang)

    def _detect_group(self, texts, lang, indexes, out, budgets=None) -> None:
        if budgets is not None:
            self._warm_up(lang)
        group = [texts[i] for i in indexes]
        # Strings spaCy interns while reading these texts (every new name, number, address)
        # are freed when the zone closes: without it the vocabulary, and the worker's memory,
        # grow with the input. No spaCy object outlives the zone: findings hold offsets only.
        with self.nlp_engine.nlp[lang].memory_zone():
            stream = self.nlp_engine.process_batch(group, lang, batch_size=self.nlp_batch_size)
            for index, (text, artifacts) in zip(indexes, stream, strict=True):
                budget = budgets[index] if budgets is not None else None
                if budget is None:
                    out[index] = self._analyze(text, lang, artifacts)
                    continue
                try:
                    with budget.running():
                        out[index] = self._analyze(text, lang, artifacts)
                except RecordTimeoutError as exc:
                    out[index] = exc
