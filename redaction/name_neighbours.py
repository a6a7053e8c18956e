"""Complete a name that detection found only in part, from the words right beside it.

The NER model and the name lexicon often find one half of a name from a country their data
lacks: the surname of `Gotthold Lindner`, the given name of `Searlait LeBatelier`, the surname of
`audrius žukauskas` in lower case, `quinten van` of `quinten van vermandois`. What is left beside
the finding is then the most readable part of the person. A one-word PERSON finding is grown by
the word right before it and the word right after it (one space between, on the same
line), each at most once, when that word is written like the finding (capitalised beside a
capitalised name, lower case beside a lower-case one), is no stop word, title, dictionary word
(`redaction.names.dictionary_words`), weekday or month, and no other finding covers it. A finding
that ends with a surname particle (`van`, `de`, `da`) takes the next word whatever the dictionary
says (`van Dijk`, `da Silva` are names). Names in lists (`Salvi, Basu, Roy, Dar and Ladner`): a
capitalised single word between two findings of a list, one of them a PERSON and the other a
PERSON or a one-word place, is a PERSON too. Cues name a person no model found: the one to call
between a verb of calling and "on"/"at" before a phone number found there ("please ring Visarion
on 0712 742 412"), a name alone after a comma closing a greeting or thanks ("Thanks for the lift,
Doğannur!"), and a Korean name in Hangul in a text of another language ("정숙 강", "강 서영").

Runs with name propagation (`detection.propagate_names`), before and after it, so a completed name
recurs whole and a lent part is completed. Detection has joined bare initials, the rest of a
hyphenated name and a family name written before a full name already (`detect._join_bare_initials`,
per text); this step works on the record's findings, one-word names. Offsets only: no text is kept.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

import regex

from .detect import Finding, _sentence_start
from .names import STOP_WORDS, fold, is_dictionary_word, is_first_name, world_first_names
from .recognizers.clinical_vocab import is_clinical_word, is_note_word
from .recognizers.clinical_vocab_fr import is_french_clinical_word
from .vocabulary import PARTICLES

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
_NEVER = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame lord lady madam sr jr st saint mme mlle monsieur madame
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today tonight tomorrow yesterday
    gmbh ltd llc inc plc sa ag bv nv srl spa co corp md rn np pa phd dds esq ii iii iv
    hey hi hiya hello oi yo ok okay thanks thx thnx ty lol nope yep yeah yup nah hmm um uh ah oh
    bye cheers dear lemme gonna wanna pls plz btw fyi imo omg idk asap
    """.split()
)


@dataclass(frozen=True)
class Words:
    """A language's dictionary: lemmas (`names.dictionary_words`) and, where the model has them,
    inflected forms (`names.inflected_forms`: "vends", "appelez")."""

    lemmas: frozenset[str] = frozenset()
    forms: Container[str] = frozenset()


_NOT_NAME_WORDS = STOP_WORDS | _NEVER | PARTICLES
_WORD_BEFORE = re.compile(r"(?<![\w'’-])(" + _WORD.pattern + r")[ \t]\Z")
_WORD_AFTER = re.compile(r"[ \t](" + _WORD.pattern + r")(?![\w'’-])")
_LIST_GAP = re.compile(
    r"[ \t]*(?:,|and|&|et)[ \t]*(?:and[ \t]+)?|[ \t]*,[ \t]*(?:and|&)[ \t]+", re.IGNORECASE
)


def _casing(word: str) -> str | None:
    """ "upper" (ALL CAPS), "title" (Capitalised, LeBatelier), "lower", or None (no case: Hangul)."""
    if word.isupper() and len(word) > 1:
        return "upper"
    if word[:1].isupper():
        return "title"
    if word.islower():
        return "lower"
    return None


def _name_casing(text: str, finding: Finding) -> str | None:
    words = _WORD.findall(text, finding.start, finding.end)
    kinds = {_casing(w) for w in words if w.casefold() not in PARTICLES}
    return kinds.pop() if len(kinds) == 1 else None


def _fits(word: str, casing: str | None, words: Words, after_particle: bool = False) -> bool:
    if casing is None or len(word) < 2 or _casing(word) != casing:
        return False
    folded = word.casefold()
    head = re.split(r"['’]", folded)[0]  # "i'm", "we'll", "that's"
    if {folded, head} & _NOT_NAME_WORDS:
        return False
    if is_clinical_word(word) or is_note_word(word) or is_french_clinical_word(word):
        return False
    if casing == "upper" and not is_first_name(word):
        return False  # notes in capitals are full of shorthand no dictionary has (NSR, LLE)
    return after_particle or not (is_dictionary_word(word, words.lemmas) or folded in words.forms)


def _known_first(word: str) -> bool:
    return is_first_name(word) or fold(word) in world_first_names()


def _covered(findings: Sequence[Finding], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in findings)


def _grow(text: str, finding: Finding, findings: Sequence[Finding], words: Words) -> Finding:
    inside = _WORD.findall(text, finding.start, finding.end)
    particle = bool(inside) and inside[-1].casefold() in PARTICLES
    if len(inside) != 1 and not particle:
        return finding  # two words or more are a name already ("Priya Natarajan" + "Microsoft")
    casing = _name_casing(text, finding)
    start, end = finding.start, finding.end
    before = _WORD_BEFORE.search(text, max(0, start - 40), start) if len(inside) == 1 else None
    if (
        before is not None
        and _fits(before.group(1), casing, words)
        and not _covered(findings, before.start(), start)
        and not (_sentence_start(text, before.start()) and not _known_first(before.group(1)))
    ):
        start = before.start()
    after = _WORD_AFTER.match(text, end, min(len(text), end + 40))
    if after is not None:
        word = after.group(1)
        word_end = after.end()
        if _fits(word, casing if not particle else _casing(word), words, after_particle=particle) and not (
            _covered(findings, end, word_end)
        ):
            end = word_end
    if (start, end) == (finding.start, finding.end):
        return finding
    return Finding(start, end, "PERSON", finding.score, finding.recognizer)


def _list_members(text: str, findings: list[Finding], words: Words) -> list[Finding]:
    """Capitalised single words between two PERSON findings of one list (`A, B, Dar and C`)."""
    # A one-word place among names is often a name the NER model typed as a place ("Roy").
    items = sorted(
        (
            f
            for f in findings
            if f.entity_type == "PERSON"
            or (f.entity_type == "LOCATION" and len(_WORD.findall(text, f.start, f.end)) == 1)
        ),
        key=lambda f: (f.start, -f.end),
    )
    extra = []
    for left, right in zip(items, items[1:], strict=False):
        if "PERSON" not in (left.entity_type, right.entity_type) or right.start <= left.end:
            continue
        middle = text[left.end : right.start]
        parts = re.fullmatch(r"([ \t]*,[ \t]*)(" + _WORD.pattern + r")(" + _LIST_GAP.pattern + r")", middle)
        if parts is None:
            continue
        word = parts.group(2)
        start = left.end + parts.start(2)
        if _fits(word, "title", words) and not _covered(findings, start, start + len(word)):
            extra.append(
                Finding(start, start + len(word), "PERSON", max(left.score, right.score), "name_list")
            )
    return findings + extra


# "please ring Visarion on 0712 742 412", "call Vamakshi Pillay on 02-217-2119": between a verb of
# calling and "on"/"at" right before a phone number found there, the person to call. Words with
# a capital or of a script without case (Hebrew, Hangul, CJK).
_NAME_WORD = r"(?:\p{Lu}[\p{L}\p{M}'’-]*|\p{Lo}[\p{Lo}\p{M}]*)"
_CALL = regex.compile(
    rf"(?i:\b(?:call|ring|phone|text|contact|ask[ \t]+for|whatsapp)\b)[ \t]+"
    rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})[ \t]+(?i:on|at)[ \t]+"
)
# "Thanks for the lift yesterday, Doğannur!": a name alone after a comma closing a sentence that
# opens with thanks, a greeting or a wish.
_GREETING = (
    r"thanks|thank[ \t]+you|thx|cheers|sorry|congratulations|congrats|happy[ \t]+birthday|good[ \t]+luck"
    r"|well[ \t]+done|see[ \t]+you|welcome[ \t]+back|hi|hello|hey"
)
_VOCATIVE = regex.compile(
    rf"(?:^|(?<=[.!?][ \t]{{1,3}})|(?<=\n))[ \t\"“]*(?i:{_GREETING})\b"
    r"[^.!?\n,]{0,80},[ \t]+(?P<name>\p{Lu}[\p{L}\p{M}'’-]+)[ \t]*[!.?]"
)
# Korean names in a text of another language: a family name (the commonest, one syllable) and a
# given name of one or two syllables, in either order or written together ("강 서영", "정숙 강",
# "김민준").
_KOREAN_FAMILY = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄"
    "채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉"
)
_ANY_HANGUL = regex.compile(r"\p{Hangul}")
_HANGUL_NAME = regex.compile(
    rf"(?<!\p{{Hangul}})(?:[{_KOREAN_FAMILY}][ \t]\p{{Hangul}}{{1,2}}"
    rf"|\p{{Hangul}}{{1,2}}[ \t][{_KOREAN_FAMILY}]|[{_KOREAN_FAMILY}]\p{{Hangul}}{{1,2}})(?!\p{{Hangul}})"
)


def _name_words_fit(value: str, words: Words) -> bool:
    """Each word of `value` could be a name's: no stop, title, day or dictionary word (a lexicon
    first name may be one: "Grace")."""
    parts = regex.findall(r"[\p{L}\p{M}'’-]+", value)
    return bool(parts) and all(
        _known_first(p)
        or (p[:1].isupper() and _fits(p, _casing(p), words))
        or not p[:1].isupper()
        and not p.islower()
        for p in parts
    )


def _cued_names(text: str, findings: list[Finding], words: Words) -> list[Finding]:
    """PERSON findings the cues above give that no finding holds yet."""
    extra: list[Finding] = []
    phones = {f.start for f in findings if f.entity_type == "PHONE_NUMBER"}
    for match in _CALL.finditer(text):
        start, end = match.span("name")
        if match.end() in phones and _name_words_fit(match.group("name"), words):
            extra.append(Finding(start, end, "PERSON", 0.6, "name_cue"))
    for match in _VOCATIVE.finditer(text):
        start, end = match.span("name")
        if _name_words_fit(match.group("name"), words):
            extra.append(Finding(start, end, "PERSON", 0.6, "name_cue"))
    hangul = len(regex.findall(r"\p{Hangul}", text)) if _ANY_HANGUL.search(text) else 0
    if hangul and hangul * 2 < len(regex.findall(r"\p{L}", text)):  # a carrier of another language
        extra.extend(
            Finding(m.start(), m.end(), "PERSON", 0.6, "name_cue") for m in _HANGUL_NAME.finditer(text)
        )
    return findings + [f for f in extra if not _covered(findings, f.start, f.end)]


def complete_names(
    texts: Sequence[str], found: Sequence[list[Finding]], words: Words = Words(), cues: bool = True
) -> list[list[Finding]]:
    """Each text's findings with PERSON findings grown by the name words beside them and names in
    lists added (see the module docstring); other findings unchanged. `cues`: also add the names
    the cues give (once per record is enough: propagation adds no cue)."""
    out = []
    for text, findings in zip(texts, found, strict=True):
        grown = [
            _grow(text, f, [g for g in findings if g is not f], words) if f.entity_type == "PERSON" else f
            for f in findings
        ]
        if cues:
            grown = _cued_names(text, grown, words)
        out.append(_list_members(text, grown, words))
    return out
