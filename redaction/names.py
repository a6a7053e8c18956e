"""Person names beyond what the NER model sees: a name lexicon, truecasing, propagation.

* The lexicon is the first-name dictionary shipped with `gender-guesser` (Jörg Michael's list of
  about 48,000 names with per-country frequencies), not Faker's lists, so evaluation on
  Faker-generated text stays honest. Names that are also common words ("will", "may", "grace")
  are left out: they would redact ordinary words.
* Truecasing: spaCy's small models find names by their capitals. In caseless text ("hey its
  maria garcia", "JOHN SMITH CALLED") the NER model is shown a copy with lexicon names
  capitalized (every other word lower-cased). The copy has the same length, word for word, so
  entity offsets apply to the original text unchanged.
* Propagation: a name found once in a record is found wherever it recurs in that record, in any
  case ("Maria Garcia ... MARIA said").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP

# gender-guesser's country columns (data/nam_dict.txt, column 30 onwards) that matter here.
_COUNTRIES = ("great_britain", "ireland", "usa", "italy", "malta", "portugal", "spain", "france", "belgium")
_ALL_COUNTRIES = """great_britain ireland usa italy malta portugal spain france belgium luxembourg
the_netherlands east_frisia germany austria swiss iceland denmark norway sweden finland estonia latvia
lithuania poland czech_republic slovakia hungary romania bulgaria bosniaand croatia kosovo macedonia
montenegro serbia slovenia albania greece russia belarus moldova ukraine armenia azerbaijan georgia
the_stans turkey arabia israel china india japan korea vietnam other_countries""".split()
_MIN_FREQUENCY = 1  # the list's scale: 1 (rare) .. 13 (very common) per country
_MIN_WORLD_FREQUENCY = 5

# First names that are ordinary English or French words, months, weekdays or titles.
AMBIGUOUS = frozenset(
    """will may june april august grace hope faith joy rose mark bill art sue pat ray don jack
    dawn eve summer autumn winter spring page chance hunter sky river rich frank earl guy max
    bob dean gene van victor carol holly ivy iris lily daisy ruby pearl amber crystal angel
    sunny star sandy rocky rusty buddy baby love happy honey candy sugar cash hans chase cole
    miles wade lane drew reed heath clay dale glen heather brook rob nick les sol per jan
    ma pa la le de du des un une the and or for to in on at by an as is it its me my no so up we
    france paris florence lorraine come
    violet olive hazel jade scarlett sage ash forest storm rain sonny major prince king duke
    case golden young black white brown green gray grey long short little small
    judge line lies
    january february march july september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)

# Greetings, titles and politeness words that the NER models often take for a name or a place
# when they open a line ("Bonjour Marie", "Cher client", "Cheers,"). Never names on their own.
NOT_NAME_WORDS = frozenset(
    """bonjour bonsoir salut coucou allo allô merci cher chère chers chères madame monsieur
    mademoiselle messieurs mesdames cordialement bien bonne bon excellente amicalement
    hello hi hey dear thanks thank cheers regards best sincerely kind warm yours greetings
    mr mrs ms miss dr prof mme mlle m sir madam team customer client patient pt pts
    ok okay yes yeah yep nope sorry lol thx pls please sure
    mel tel fax iban rib bic swift siret siren nir tva ssn dob mrn nhs oui non si""".split()
)

# The ambiguous words that are names at all (not "the", "de", "and").
AMBIGUOUS_NAMES = AMBIGUOUS - frozenset(
    "ma pa la le de du des un une the and or for to in on at by an as is it its me my no so up we".split()
)

# Words after which a lower-case lexicon name is a name ("hi maria", "its tom", "cc: sarah").
CUES = frozenset(
    """hi hey hello dear thanks thx ty cheers regards its it's im i'm from cc with and to by
    mr mrs ms dr miss mx bonjour salut merci cordialement madame monsieur mme mlle m""".split()
)

# Words right before a name in almost every use: a name that is also a word counts after them.
STRONG_CUES = frozenset(
    """hi hey hello dear dr mr mrs ms miss mx prof with bonjour salut cher chère mme mlle m
    madame monsieur docteur""".split()
)

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _french_stop_words() -> frozenset[str]:
    # Importing spacy.lang.fr compiles its tokenizer exceptions (about 2.5 s per process);
    # the stop list is a plain word list in its own file, read as text.
    source = resources.files("spacy").joinpath("lang/fr/stop_words.py").read_text(encoding="utf-8")
    found = re.search(r'"""(.*?)"""', source, re.DOTALL)
    if found is None:  # layout changed: pay for the import
        from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP

        return frozenset(FR_STOP)
    return frozenset(found.group(1).split())


STOP_WORDS = frozenset(EN_STOP) | _french_stop_words()


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(names found in the countries above, names common anywhere else, names that are also
    common words), folded."""
    data = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="utf-8")
    columns = [_ALL_COUNTRIES.index(c) for c in _COUNTRIES]
    near: set[str] = set()
    world: set[str] = set()

    def frequency(char: str) -> int:
        return int(char, 16) if char.isalnum() else 0

    for line in data.splitlines():
        if not line or line[0] in "#=":
            continue
        parts = line.split()
        if len(parts) < 2:
            continue
        values = line[30:]
        here = max((frequency(values[c]) for c in columns if c < len(values)), default=0)
        anywhere = max((frequency(ch) for ch in values), default=0)
        target = near if here >= _MIN_FREQUENCY else world if anywhere >= _MIN_WORLD_FREQUENCY else None
        if target is None:
            continue
        for variant in {parts[1].replace("+", r) for r in ("", " ", "-")}:
            if " " not in variant:
                target.add(variant.lower())

    def usable(names: set[str]) -> frozenset[str]:
        folded = {fold(n) for n in names}
        return frozenset(n for n in folded if len(n) >= 3 and n not in AMBIGUOUS and n not in STOP_WORDS)

    ambiguous = frozenset({fold(n) for n in near | world} & AMBIGUOUS_NAMES)
    return usable(near), usable(world - near), ambiguous


def first_names() -> frozenset[str]:
    """Names common in English- and French-speaking and neighbouring countries: safe to
    capitalize wherever they stand in caseless text."""
    return _lexicon()[0]


def world_first_names() -> frozenset[str]:
    """Names common elsewhere in the world. Some are words here ("can", "son"), so they are
    capitalized only after a cue word ("hi aisha")."""
    return _lexicon()[1]


def fold(word: str) -> str:
    """Lower case without accents: the lexicon spells "Élodie" as "elodie"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ambiguous_first_names() -> frozenset[str]:
    """Names that are also words ("June", "Heather", "Frank"): a name only with a surname."""
    return _lexicon()[2]


def is_first_name(word: str) -> bool:
    return fold(word) in first_names()


def _is_caseless(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper == 0 or upper / len(letters) > 0.6


def truecase(text: str) -> str:
    """A same-length copy of text where lexicon names are capitalized for the NER model.

    In caseless text every word is lower-cased except lexicon names and the word after one
    (a surname); elsewhere only lower-case lexicon names after a cue word are capitalized.
    """
    names = first_names()
    world = world_first_names()
    caseless = _is_caseless(text)
    if not caseless and not any(c.islower() for c in text):
        return text
    out = list(text)
    previous_word = ""
    previous_was_name = False
    for match in WORD.finditer(text):
        word = match.group(0)
        lower = word.lower()
        folded = fold(word)
        is_name = False
        if caseless:
            if folded in names or (folded in world and previous_word in CUES):
                new, is_name = lower.capitalize(), True
            elif previous_was_name and lower not in STOP_WORDS and lower not in AMBIGUOUS and len(lower) > 1:
                new = lower.capitalize()
            else:
                new = lower
        elif word.islower() and (folded in names or folded in world) and previous_word in CUES:
            new, is_name = word.capitalize(), True
        elif word.islower() and previous_was_name and lower not in STOP_WORDS and lower not in AMBIGUOUS:
            new = word.capitalize()
        else:
            new = word
        if len(new) == len(word):  # a few Unicode letters change length when case changes
            out[match.start() : match.end()] = new
        previous_word = lower
        previous_was_name = is_name
    return "".join(out)


def _lemmatizer_lookups(model: str):
    """The lemmatizer tables an installed spaCy model ships (spacy.lookups.Lookups), or None."""
    import spacy
    from spacy.lookups import Lookups

    try:
        package = spacy.util.get_package_path(model)
    except Exception:  # noqa: BLE001 - not an installed package: no tables
        return None
    for folder in sorted(package.glob("*/lemmatizer/lookups")) + [package / "lemmatizer" / "lookups"]:
        if (folder / "lookups.bin").is_file():
            return Lookups().from_disk(folder)
    return None


@lru_cache(maxsize=4)
def inflected_forms(model: str):
    """The inflected forms a model's lookup lemmatizer knows (French: "viendra", "appelée"), a
    table answering `word in table`; None when the model has no such table."""
    lookups = _lemmatizer_lookups(model)
    if lookups is None or "lemma_lookup" not in lookups.tables:
        return None
    return lookups.get_table("lemma_lookup")


@lru_cache(maxsize=4)
def dictionary_words(model: str) -> frozenset[str]:
    """The lower-case words of a spaCy model's language: the lemma index its rule lemmatizer ships
    with (WordNet's nouns, verbs, adjectives and adverbs for English, about 83,000; about 106,000
    for French), read from the installed package without loading the model. Empty when the model
    is not installed or ships no index (then every word counts as no dictionary word)."""
    lookups = _lemmatizer_lookups(model)
    if lookups is None or "lemma_index" not in lookups.tables:
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for key in index for w in index[key] if "_" not in w)


_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


def is_dictionary_word(word: str, words: frozenset[str]) -> bool:
    """`word` (any case) or its stem without a plural or verb ending ("lies", "argued") is in
    `words` (`dictionary_words`)."""
    lower = word.lower()
    if lower in words:
        return True
    return any(
        lower.endswith(suffix) and len(lower) - len(suffix) >= 3 and lower[: -len(suffix)] + stem in words
        for suffix, stem in _INFLECTIONS
    )
