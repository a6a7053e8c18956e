"""Street addresses in running text: US, UK and French forms, on one line or as a block.

spaCy's small models tag few street addresses and Presidio has no address recognizer, so
`12 Oak Street, Apt 4` would reach annotators whole. The patterns here cover

- US/UK "number [direction] name type [direction] [unit]": `1600 Pennsylvania Ave NW`,
  `55 W 5th St`, `742 EVERGREEN TERRACE apt 3b`, and in lower case `12 oak street` (a common
  type, or a rarer one with a unit, a postal code or a house-number-like number; otherwise only
  with context words), never with a function word or unit in the name (`5 miles down the road`);
- a unit before the street: `Flat 4\n12 High Street`, `Apt 3B, 55 W 5th St`,
  `Unit 7, Riverside Industrial Estate`; PO boxes and US military addresses;
- French "number [bis], type name": `12 bis, rue de la Paix`, `3 avenue Victor Hugo`,
  `8, place de la Concorde`, and a street named without a number (`rue de Rivoli`);
- the rest of a block when a postal code follows: `..., Washington, DC 20500`,
  `...\\nLondon NW1 6XE`, `...\\n75002 Paris`, so the town goes with it.
- international forms: the street name before the number in many languages (`Hauptstraße 5`,
  `Corso Garibaldi 13`, `Váci utca 12`, `Kimberly Lane 99`, `industrivej 4` in chat), marked
  house numbers (`No. 76`, `S/N`), PO boxes of many countries (`Postfach`, `Apartado`);
- then every street finding grows (`grow`) over what surrounds it: a unit or `c/o` line before
  it, and the units, postal codes of the common shapes, towns, region codes and countries after
  it, one short piece at a time, stopping at a blank line, at a lower-case word that goes on with
  the sentence, and at a line after the town and code lines. Tuned on the generator's tuning
  part and on `tests/data/tuning/addresses.py` (Faker, 36 locales; `benchmarks/addresses.py`).

Measured against `pyap` (and `usaddress` as a validator) in benchmarks/address_parsers.py: the
patterns cover more with fewer false positives and at a fraction of the time, so no parser runs
here. Words within a line are joined by spaces or tabs only; a line break is allowed only where
a block has one, so a match never runs on into the next sentence of a message.
"""

from __future__ import annotations

import re

import regex
from presidio_analyzer import Pattern

from ..names import STOP_WORDS
from . import coded_result, register
from . import street_types_fr as fr
from . import street_types_intl as intl
from .clinical_vocab import is_note_word
from .declared import DeclaredPatternRecognizer

# Street types: USPS Publication 28, appendix C1 (primary names and common abbreviations), plus
# UK forms. Kept apart from any generator's vocabulary so evaluation figures stay honest.
_USPS = """
allee alley ally aly anex annex anx arcade arc avenue av ave avn bayou byu beach bch bend bnd
bluff blf bluffs blfs bottom btm boulevard blvd branch br brnch bridge brg brook brk brooks burg
bg burgs bypass byp camp cp canyon cyn cape cpe causeway cswy center ctr centre cntr centers ctrs
circle cir circles cirs cliff clf cliffs clfs club clb common cmn commons cmns corner cor corners
cors course crse court ct courts cts cove cv coves cvs creek crk crescent cres crest crst crossing
xing crossroad xrd crossroads xrds curve curv dale dl dam dm divide dv drive dr drives drs estate
est estates ests expressway expy extension ext extensions exts fall falls fls ferry fry field fld
fields flds flat flt flats flts ford frd fords frds forest frst forge frg forges frgs fork frk
forks frks fort ft freeway fwy garden gdn gardens gdns gateway gtwy glen gln glens glns green grn
greens grns grove grv groves grvs harbor hbr harbors hbrs haven hvn heights hts highway hwy hill
hl hills hls hollow holw inlet inlt island is islands iss isle junction jct junctions jcts key ky
keys kys knoll knl knolls knls lake lk lakes lks land landing lndg lane ln light lgt lights lgts
loaf lf lock lck locks lcks lodge ldg loop mall manor mnr manors mnrs meadow mdw meadows mdws mews
mill ml mills mls mission msn motorway mtwy mount mt mountain mtn mountains mtns neck nck orchard
orch oval overpass opas park parks parkway pkwy parkways pkwys pass passage psge path pike pine pne pines pnes
place pl plain pln plains plns plaza plz point pt points pts port prt ports prts prairie pr
radial radl ramp ranch rnch rapid rpd rapids rpds rest rst ridge rdg ridges rdgs river riv road rd
roads rds route rte row rue run shoal shl shoals shls shore shr shores shrs skyway skwy spring spg
springs spgs spur spurs square sq squares sqs station sta stravenue stra stream strm street st
streets sts summit smt terrace ter throughway trwy trace trce track trak trafficway trfy trail trl
trailer trlr tunnel tunl turnpike tpke underpass upas union un unions uns valley vly valleys vlys
viaduct via view vw views vws village vlg villages vlgs ville vl vista vis walk walks wall way
ways well wl wells wls close gate wynd
"""
# Royal Mail thoroughfare descriptors that Publication 28 lacks.
_UK = "parade rise quay wharf yard chase croft grange broadway embankment"
# Australia Post street types that the two lists lack.
_AU = """
brow byway circuit concourse cutting esplanade fairway glade laneway outlook parklands pathway
promenade quadrant reserve retreat steps strip tarn end turn pocket access alleyway amble anchorage
approach artery basin brace brae centreway circlet circus colonnade copse corso courtyard crossway
cruiseway cul-de-sac dell deviation driveway entrance firetrail footway foreshore frontage gully
highroad interchange lookout meander nook piazza quadrangle quays ramble ridgeway riverway riviera
roadway rotary siding slope strand thoroughfare tollway tor trunkway vale villas walkway
line link ring gap towers gates
"""
# Abbreviations of "boulevard" that the lists lack, common in North and Latin America: "Blv".
_OTHER = "blv"
# India Post locality words used as street types ("Sibal Chowk", "Rana Nagar", "Natt Marg").
_IN = "chowk ganj nagar marg zila"
# USPS abbreviations that are also English words never count in lower case ("Apple is").
_NOT_LOWER = {
    "is", "iss", "un", "via", "ft", "end", "turn", "steps", "strip", "pocket", "reserve", "outlook",
    "cutting", "retreat", "line", "link", "ring", "gap", "towers", "gates", "basin", "strand", "tor",
    "entrance", "access", "approach", "nook",
}  # fmt: skip
# Types common enough in lower case ("12 oak street") to be trusted there.
_LOWER_CASE_TYPES = """
street st avenue ave road rd boulevard blvd lane ln drive terrace place way highway hwy parkway
pkwy crescent square grove gardens mews alley plaza court circle
"""
# Words that are never part of a street name: "at 10 am on the way", "5 MILES DOWN THE ROAD".
_NEVER_NAME = """
the a an and or of to in on at for from by with into onto down up per my your his her our their
its this that these those is are was were am pm
"""
# ... nor, written in lower case, of a street name: units, counted things, quantifiers.
_NEVER_LOWER_NAME = """
mile miles km kms kilometers kilometres meters metres feet foot yards hour hours hrs minute minutes
mins second seconds secs day days week weeks month months year years time times people percent mph
lane lanes way ways side story storey stories bed bedroom bath car door seat star step point more
less other many few very just only about around than then when where while after before again
also not no yes one two three four five six seven eight nine ten different same separate back
front dead wrong right left next last first
"""
# A number after these words is not a house number ("Chapter 3 The Road", "Top 10 Key Points").
_NOT_HOUSE_NUMBER = """
chapter chap part page pages pp vol volume step phase level season episode ep act scene version
ver release item section figure fig table line gate platform channel bus flight route highway
hwy interstate track disc round week day year grade class size ward exit junction top issue
ticket order invoice case ref id
"""
_STATE_CODES = """
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI FM MH PW AA AE AP
"""
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New[ \t]+Hampshire|"
    "New[ \t]+Jersey|New[ \t]+Mexico|New[ \t]+York|North[ \t]+Carolina|North[ \t]+Dakota|Ohio|"
    "Oklahoma|Oregon|Pennsylvania|Rhode[ \t]+Island|South[ \t]+Carolina|South[ \t]+Dakota|"
    "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West[ \t]+Virginia|Wisconsin|Wyoming|"
    "District[ \t]+of[ \t]+Columbia|Puerto[ \t]+Rico|Guam"
)


def alternation(words) -> str:
    """A regex matching any of the words, as a trie: `r(?:ue(?:lle)?|oute)`, longest first.

    A flat alternation of two hundred street types is tried word by word at every position;
    the trie fails on the first letter that no word has.
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return build(trie)


# --- building blocks -------------------------------------------------------------------------
_UP = r"\p{Lu}"
_LOW = r"\p{Ll}"
_IN_WORD = r"[\p{L}\p{M}'’-]"  # letters, apostrophes and hyphens: "O'Neill", "Saint-Germain"
_END = r"(?![\w'’-])"  # end of a word
_BREAK = r"(?:[ \t]*,[ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*)"  # between the lines of a block
_GAP = rf"(?:{_BREAK}|[ \t]+)"

STATE = rf"(?:{alternation(_STATE_CODES.split())}|{_STATE_NAMES}){_END}"
ZIP = r"\d{5}(?:-\d{4})?(?![\w-])"
# Any postcode-shaped token; inside a block the shape is enough.
UK_POSTCODE_SHAPE = r"(?i:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})(?![\w-])"
TOWN = rf"{_UP}[\p{{L}}\p{{M}}'’.-]*(?:[ \t]+{_UP}[\p{{L}}\p{{M}}'’.-]*){{0,3}}"
_TOWN_WORD = rf"(?!(?i:cedex){_END}){_UP}{_IN_WORD}*"
# In lower case a town of several words ("sainte benjamin") must end its line or sentence.
TOWN_FR = (
    rf"(?:{_TOWN_WORD}(?:[ \t]+(?:(?i:sur|sous|en|lès|les|le|la|de|du|des|aux|au)[ \t]+)?{_TOWN_WORD}){{0,3}}"
    rf"|{_LOW}{_IN_WORD}+(?:[ \t]+{_LOW}{_IN_WORD}+){{1,2}}(?=[ \t]*(?:[,.;:!?)]|\r?\n|$))|{_LOW}{_IN_WORD}+)"
)

# Any case, for blocks written in lower case ("port daniel, de 12435"): a postal code must follow.
_TOWN_ANY_CASE = r"\p{L}[\p{L}\p{M}'’.-]*(?:[ \t]+\p{L}[\p{L}\p{M}'’.-]*){0,3}"
_US_TAIL = rf"(?:{_TOWN_ANY_CASE}(?:[ \t]*,[ \t]*|[ \t]+)(?i:{STATE})[ \t]+{ZIP}|{TOWN}[ \t]*,[ \t]*{STATE})"
_UK_TAIL = rf"(?:{_TOWN_ANY_CASE}{_GAP}){{0,2}}{UK_POSTCODE_SHAPE}"
_FR_TAIL = rf"\d{{5}}[ \t]+{TOWN_FR}(?:[ \t]+(?i:cedex)(?:[ \t]+\d{{1,2}})?)?"
_MILITARY_TAIL = rf"(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+{ZIP}"
# Canada: "Lavoie QC H2X 1Y4", "lavoie, ab j2y 4n3", "L'Île- Clémence (NS) J5E 1L3" (Faker's towns
# carry stray hyphens). The province code and the postal code's shape are the evidence.
_CA_PROVINCE = r"(?i:ab|bc|mb|nb|nl|ns|nt|nu|on|pe|qc|sk|yt)"
_CA_POSTCODE = r"(?i:[a-z]\d[a-z][ \t]?\d[a-z]\d)(?![\w-])"
_CA_TOWN = r"\p{L}[\p{L}\p{M}'’.-]*(?:[ \t]+[\p{L}'’-][\p{L}\p{M}'’.-]*){0,3}"
_CA_TAIL = (
    rf"{_CA_TOWN}(?:[ \t]*,[ \t]*|[ \t]+)(?:{_CA_PROVINCE}|\({_CA_PROVINCE}\))(?![\w'’-])[ \t]+{_CA_POSTCODE}"
)
# Town, state, postal code after a street: the whole block goes.
_BLOCK_END = rf"{_GAP}(?:{_US_TAIL}|{_UK_TAIL}|{_FR_TAIL}|{_CA_TAIL}|{_MILITARY_TAIL})"
_TAIL = rf"(?:{_BLOCK_END})?"

_TYPES = (
    set(_USPS.split()) | set(_UK.split()) | set(_AU.split()) | set(_IN.split()) | set(_OTHER.split())
) - _NOT_LOWER
# "IS" (island) is no type in an UPPER CASE sentence: "OUR NEW PLACE IS 12 OAK ST".
_CAPITALIZED = [form for word in _NOT_LOWER for form in (word.upper(), word.capitalize()) if form != "IS"]
STREET_TYPE = rf"(?:(?i:{alternation(_TYPES)})|{alternation(_CAPITALIZED)}){_END}\.?"
_TYPE_LOWER = rf"(?:{alternation(_LOWER_CASE_TYPES.split())}){_END}\.?"
# Plural types ("points", "views") end counted phrases too often: "53485 bonus points".
_SINGULAR_TYPES = {w for w in _TYPES if not w.endswith("s") or w.endswith("ss") or w == "mews"}
_SINGULAR_TYPE = rf"(?i:{alternation(_SINGULAR_TYPES)}){_END}\.?"

# The lookahead (a word or "5th" follows) rejects most numbers of a table before the costlier
# lookbehinds.
_NUMBER = (
    rf"\b(?=\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,5}}[A-Za-z]?)?[ \t]+(?:\p{{L}}|\d{{1,3}}(?i:st|nd|rd|th)\b))"
    r"(?<![\w.,/:#-])"
    rf"(?<!(?i:\b(?:{alternation(_NOT_HOUSE_NUMBER.split())}))\.?[ \t]*#?[ \t]*)"
    r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?(?![\w-])"
)
_DIRECTION = r"(?i:(?:north|south)(?:east|west)?|east|west|[ns][ew]|[nsew])\.?"
_POST_DIRECTION = rf"(?:[ \t]+(?:[NS][EW]|[NSEW]){_END}\.?)?"
_NAME_WORD = (
    rf"(?!(?i:{alternation(_NEVER_NAME.split())}){_END})"
    rf"(?:{_UP}[\p{{L}}\p{{M}}'’.-]*|\d{{1,3}}(?i:st|nd|rd|th){_END})"
)
_LOWER_NAME_WORD = (
    rf"(?!(?:{alternation(_NEVER_NAME.split() + _NEVER_LOWER_NAME.split())}){_END})"
    rf"(?:{_LOW}[\p{{Ll}}\p{{M}}'’-]*|\d{{1,3}}(?:st|nd|rd|th){_END})"
)
# "The Avenue", "The Green": UK streets named by their type alone.
_NAME = rf"(?:(?:The|THE)(?=[ \t]+{STREET_TYPE})|(?:{_NAME_WORD}[ \t]+){{0,2}}{_NAME_WORD})"
_LOWER_NAME = rf"(?:{_LOWER_NAME_WORD}[ \t]+){{0,2}}{_LOWER_NAME_WORD}"
_UNIT_ID = r"(?:\d{1,5}[A-Za-z]?|[A-Za-z]\d{0,4})(?![\w-])"
_UNIT_WORD = alternation(
    "apartment appartement apt appt suite ste unit flat studio floor fl room rm bldg building lot space"
    " spc trlr dept level lvl".split()
)
# "Flat 4", "Apt. 3B", "Suite no. 5", "# 5B"
_UNIT = rf"(?:\b(?i:{_UNIT_WORD})\.?[ \t]*(?:(?i:no)\.?|#)?|(?<![\w#])\#)[ \t]*{_UNIT_ID}"
_UNITS_AFTER = rf"(?:(?:{_BREAK}|[ \t]*){_UNIT}){{0,2}}"  # "Apt 4", ", Suite 5", "\nUnit 2"
# A home on a line of its own before a street without number ("Flat 3\nPatricia Drive"); not a
# room or floor ("Room 5, Conference Center").
_HOME_UNIT = (
    rf"\b(?i:{alternation('apartment appartement apt appt suite ste unit flat studio'.split())})\.?"
    rf"[ \t]*(?:(?i:no)\.?|#)?[ \t]*{_UNIT_ID}"
)
# In lower case, a rarer street type needs more than a number: a unit, a town and postal code,
# or a number that looks like a house number: with a leading zero, or (singular types only) three
# digits or more, not a round count, or a letter after it ("221b").
_HOUSE_NUMBER_LIKE = r"(?=\d{3}|\d{1,5}[A-Za-z](?![\w-]))(?!\d*00(?![\w-]))"
_LOWER_STREET = rf"(?:{_DIRECTION}[ \t]+)?{_LOWER_NAME}[ \t]+{STREET_TYPE}"
_LOWER_SINGULAR_STREET = rf"(?:{_DIRECTION}[ \t]+)?{_LOWER_NAME}[ \t]+{_SINGULAR_TYPE}"

# French: "12 bis, rue de la Paix", "3 avenue Victor Hugo", "rue du 8 Mai 1945".
_FR_STREET = rf"(?:(?i:{alternation(fr.words(fr.STREET_TYPES))})(?![\p{{L}}\p{{M}}'’-]))"
_FR_ABBREVIATION = (
    rf"(?:(?i:{alternation(fr.words(fr.ABBREVIATIONS))}){_END}\.?"
    rf"|(?i:{alternation(fr.words(fr.ABBREVIATIONS_WITH_STOP))})\.)"
)
_FR_COMMON = rf"(?:(?i:{alternation(fr.words(fr.COMMON_WORD_TYPES))})(?![\p{{L}}\p{{M}}'’-]))"
_FR_REPEAT = rf"(?i:{alternation(fr.words(fr.NUMBER_REPEATS))})"
_FR_NUMBER = (
    rf"\b(?=\d{{1,5}}[ \t,]*\p{{L}})(?<![\w.,/:#-])\d{{1,5}}(?:[ \t]?{_FR_REPEAT}|[A-Da-d])?(?![\w-])"
)
# A number with "bis" or a comma after it is a house number for sure: "8, place de la Concorde".
_FR_MARKED_NUMBER = (
    rf"\b(?=\d{{1,4}}[ \t,]*\p{{L}})(?<![\w.,/:#-])\d{{1,4}}"
    rf"(?:[ \t]?{_FR_REPEAT}(?![\w-])[ \t]*,?|(?:[A-Da-d])?[ \t]*,)"
)
_FR_PARTICLE = rf"(?:(?i:{alternation(fr.PARTICLES)})(?:(?<=['’])|[ \t]+))"
# English words that end a lower-case French street name in a chat line: "4 boulevard bouvier around 5".
_ENGLISH_CHAT = (
    "around asap now pls plz please today tomorrow tonight later soon then the and if for at".split()
)
# A unit with its number ends the street name: "rue Rodrigues Suite 456".
_FR_NOT_UNIT = (
    r"(?!(?i:suite|apt|appt|appartement|unit|bureau|local|bât|bat|porte|escalier|esc|logement)\.?[ \t]*"
    r"(?:n°|(?i:no)\.?)?[ \t]*\d)"
)
# An English function word in upper case is no name word: "OUR NEW PLACE IS 12907 YOUNG ROUTE".
_FR_NOT_ENGLISH = rf"(?!(?:{alternation(w.upper() for w in _NEVER_NAME.split() if len(w) > 1)}){_END})"
_FR_CAP_WORD = rf"{_FR_NOT_UNIT}{_FR_NOT_ENGLISH}(?:{_UP}{_LOW}{{0,2}}\.|{_UP}{_IN_WORD}*)"
_FR_DATE = rf"(?:\d{{1,2}}(?:er)?[ \t]+(?i:{alternation(fr.words(fr.MONTHS))})(?:[ \t]+\d{{4}})?{_END})"
_FR_LOWER_WORD = (
    rf"{_FR_NOT_UNIT}(?!(?:{alternation(fr.words(fr.STOP_WORDS) + _ENGLISH_CHAT)})(?![\p{{L}}\p{{M}}'’-]))"
    rf"{_LOW}{_IN_WORD}*"
)
_FR_WORD = rf"(?:{_FR_DATE}|{_FR_CAP_WORD}|{_FR_LOWER_WORD})"
_FR_JOIN_CAPITALS = r"(?i:et|sur|sous|en|lès)"
_FR_NAME = (
    rf"{_FR_PARTICLE}?{_FR_WORD}"
    rf"(?:[ \t]+{_FR_PARTICLE}?{_FR_WORD}|[ \t]+{_FR_JOIN_CAPITALS}[ \t]+{_FR_CAP_WORD}){{0,4}}"
)
_FR_CAPITALIZED_NAME = (
    rf"{_FR_PARTICLE}?(?:{_FR_DATE}|{_FR_CAP_WORD})"
    rf"(?:[ \t]+{_FR_PARTICLE}?(?:{_FR_DATE}|{_FR_CAP_WORD})"
    rf"|[ \t]+{_FR_JOIN_CAPITALS}[ \t]+{_FR_CAP_WORD}){{0,4}}"
)
_FR_UNITS_AFTER = (
    r"(?:[ \t]*,?[ \t]*(?:(?i:appartement|appt|apt|bâtiment|bât|bat|escalier|esc|porte|logement|suite|unit"
    r"|bureau|local)\.?"
    rf"[ \t]*(?:n°|(?i:no)\.?)?[ \t]*{_UNIT_ID}"
    rf"|[ \t]*,?[ \t]*\d{{1,2}}(?i:e|è|ème|eme|er)[ \t]+(?i:étage|etage){_END})){{0,2}}"
)
_NOT_IN_WORD = r"(?<![\p{L}\p{M}\d'’-])"
# A line or phrase before a French street: "Résidence Les Pins", "Bât. B, escalier 4", "3e étage".
_FR_COMPLEMENT = (
    rf"(?:\b(?i:résidence|residence|rés)\.?[ \t]+{_FR_NAME}"
    rf"|\b(?i:bâtiment|batiment|bât|bat|escalier|esc|porte|appartement|appt|apt|logement)\.?[ \t]*"
    rf"(?:n°|(?i:no)\.?)?[ \t]*{_UNIT_ID}|\b\d{{1,2}}(?i:e|è|ème|eme|er)[ \t]+(?i:étage|etage){_END})"
)


# International: the street name before the number ("Hauptstraße 5", "Corso Garibaldi 13",
# "ul. Długa 12/3"), units of several languages, postal codes of the common shapes next to a town,
# a region or country closing the block.
# A line break may carry the block's line prefix ("}} ", "> ", "??? ").
_NL = r"\r?\n[ \t]*(?:[}>?#*]{1,3}[ \t]+)?"
_SEP = rf"(?:[ \t]*[,/][ \t]*(?:[,/][ \t]*)*(?:{_NL})?|[ \t]*{_NL})"
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[ \t]?[-/][ \t]?\d{1,5}[A-Za-z]?)?(?![\w-])"
_SUFFIXES = [w.rstrip(".") for w in intl.words(intl.SUFFIXES)]
# A word ending with a street suffix after three letters or more: "Gartnervænget", "Kalverstraat".
_COMPOUND = (
    rf"(?!(?i:{alternation(intl.NOT_STREETS)}){_END})"
    rf"{_UP}[\p{{L}}\p{{M}}'’-]{{1,}}?(?:(?i:{alternation(_SUFFIXES)}){_END}|(?i:str)\.)"
)
# The suffix as a word of its own after a capitalized word: "Berliner Straße", "Am Alten Weg".
_SEPARATE_TYPE = (
    r"(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee|Straat|Laan|Plein|Gracht|"
    rf"Kade|Vej|Gade|Gata|Gatan|Vägen|Veien|Utca|Ulica){_END}"
)
# "Berliner Straße", "Alte Gasse", "Am Weg": an adjective or a preposition before the type.
_GERMAN_BEFORE_TYPE = (
    rf"(?:{_UP}\p{{Ll}}{{2,}}(?:er|e|en|es)|Am|An|Im|Zum|Zur|Auf|Unter|Hinter|Op|Aan|De|Het)"
)
_INTL_PARTICLE = (
    r"(?i:de|del|della|delle|dei|degli|di|da|do|dos|das|la|le|los|las|y|e|von|van|der|den|am|an|im|zum|"
    r"zur|al|el)"
)
_NOT_AFTER_LETTER = r"(?<![\p{L}\p{M}'’-])"
# A capitalized word that opens a sentence, not a street name: "From Schaubstrasse 63 to the station".
_NOT_NAME_START = (
    r"(?!(?i:the|from|to|at|in|on|and|or|of|for|by|with|near|behind|past|via|is|was|i|we|my|our|your|"
    r"visit|see|address|ship|send|deliver|billing|shipping)(?![\p{L}\p{M}'’-]))"
)
# A number may name a street: "Av. 8 N° 454", "Diagonal 190 A N° 310"; so may a Ukrainian or
# Russian ordinal ("шосе Аеродромний 2-й", "Пересипська 8-ма").
_INTL_WORD = (
    rf"(?:{_UP}[\p{{L}}\p{{M}}'’.-]*|\d{{1,3}}(?=[ \t]+{_UP})"
    r"|\d{1,3}-\p{Cyrillic}{1,3}(?![\p{L}\p{M}]))"
)
_INTL_NAME = rf"{_INTL_WORD}(?:[ \t]+(?:{_INTL_PARTICLE}[ \t]+){{0,2}}{_INTL_WORD}){{0,3}}"
# After a type the name may open with particles: "Calle de la Paz 5". (Not where the name comes
# first: a pattern starting at every "de" or "la" of a text costs time for nothing.)
# A unit word is no name there: "400 Ocean Blvd. Suite 2".
_TYPED_NAME = rf"(?!(?i:{_UNIT_WORD})\b)(?:{_INTL_PARTICLE}[ \t]+){{0,2}}{_INTL_NAME}"
_TYPES_BEFORE = [w for w in intl.words(intl.TYPES_BEFORE) if w.rstrip(".") not in intl.CAPITALIZED_ONLY]
_TYPE_BEFORE = (
    rf"(?:(?i:{alternation([w for w in _TYPES_BEFORE if not w.endswith('.')])}){_END}"
    # "et al. 2019" is a citation, not the Polish "al." (aleja)
    rf"|(?<!(?i:et)[ \t])(?i:{alternation([w.rstrip('.') for w in _TYPES_BEFORE if w.endswith('.')])})\."
    rf"|(?:{alternation([w.capitalize() for w in intl.CAPITALIZED_ONLY])}){_END}"
    rf"|(?:{alternation([w.upper() for w in intl.CAPITALIZED_ONLY - intl.NOT_UPPER])}){_END})"
)
_PLAIN_UNITS = [w for w in intl.words(intl.UNITS) if not w.endswith(".")]
_DOTTED_UNITS = [w.rstrip(".") for w in intl.words(intl.UNITS) if w.endswith(".")]
# A unit word ends at a non-letter ("The" is no "th" + "e"); an abbreviation with its stop ("m. 34").
_INTL_UNIT = (
    rf"(?:\b(?:(?i:{alternation(_PLAIN_UNITS)})(?![\p{{L}}])\.?|(?i:{alternation(_DOTTED_UNITS)})\.)[ \t]*"
    rf"(?:(?i:no)\.?|\#|n°|nr\.?)?[ \t]*{_UNIT_ID}|(?<![\w#])\#[ \t]*{_UNIT_ID}"
    rf"|\b(?i:h\.[ \t]?no)\.?[ \t]*\d{{1,5}}(?:/\d{{1,5}})?(?![\w-]))"
)
_FLOOR = (
    r"(?:\d{1,2}[ \t]?[º°ª](?:[ \t]?[A-Za-z](?![\w]))?"  # "5º C"
    r"|\d{1,2}(?i:st|nd|rd|th|e|er|ème)[ \t]+(?i:floor|fl|étage|etage|stock)\.?(?![\w])"  # "6th floor"
    r"|(?:(?i:st|kl)\.|\d{1,2}\.)[ \t]*(?i:tv|th|mf)\.?(?![\w]))"  # Danish "st. tv.", "2. th."
)
_MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![\p{L}])"
)
_NOT_YEAR = r"(?!(?:19|20)\d\d(?![\w-]))"
_INTL_UNITS = rf"(?:(?:{_SEP}|[ \t]*)(?:{_INTL_UNIT}|{_FLOOR})){{0,2}}"
_POSTCODE = (
    r"(?:(?:[A-Z]{1,2}-)?\d{4,6}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}[ \t]?[A-Z]{2}|\d{4}-\d{3}|\d{5}-\d{3}"
    rf"|\d{{3}}-\d{{4}}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|{UK_POSTCODE_SHAPE})(?![\w-])"
)
# Capitalized words that open no town: pronouns, greetings, days, months.
_NOT_TOWN = """
we i our the thanks thank please notes note phone tel email best regards kind cheers see call if it
this that and or but you he she they my your his her their is are was be will can tel fax mobile
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december today tomorrow tonight yesterday hello hi dear regards
merci cordialement bonjour bonsoir salut gracias saludos danke grüße grazie saluti obrigado tak tack
kiitos dank groeten pozdrawiam
"""
_NOT_TOWN_WORD = rf"(?!(?i:{alternation(_NOT_TOWN.split())}){_END})"
_INTL_TOWN = (
    rf"{_NOT_TOWN_WORD}{_UP}{_IN_WORD}+"
    r"(?:[ \t]+(?:(?i:del|de|la|los|las|di|da|do|am|an|der|upon|on|sur|en|in|pri|nad|na)[ \t]+){0,2}"
    rf"{_UP}{_IN_WORD}*){{0,3}}"
)
# After a street and its number, the town, the region or country, in any order: the street is the
# evidence (a list of every country's name in every language would cost seconds to compile).
_INTL_PLACE = rf"(?:{_POSTCODE}[ \t]+{_INTL_TOWN}|{_INTL_TOWN}(?:[ \t]*,?[ \t]*{_POSTCODE})?|{_POSTCODE})"
# On a new line, a capitalized word before a lower-case one is the text going on, not a town:
# "Mathisenflata 252, Engen\nWork phone: none".
_INTL_TAIL = (
    rf"(?:[ \t]*[,/][ \t]*(?:[,/][ \t]*)*{_INTL_PLACE}(?![ \t]*:|[\p{{L}}\p{{M}}'’-])"
    rf"|{_SEP}{_INTL_PLACE}(?![ \t]+\p{{Ll}}|[ \t]*:|[\p{{L}}\p{{M}}'’-])){{0,3}}"
)

# Portuguese "Av" without its stop, and the Slovenian and Slovak prepositions that open a street
# written lower case after them ("Pot do šole 1", "Na medzi 78", "Ob zdravstvenem domu 5a"), are
# ordinary words elsewhere ("Av speed 40", "Na, I can't"): they open a street only where a house
# number and then a postcode and town follow the name.
# (A lower-case word after the town is the text going on: "Na ja 5, 2000 Leute kamen".)
_PLACE_AFTER = (
    rf"(?={_SEP}(?:{_POSTCODE}[ \t]+{_INTL_TOWN}|{_INTL_TOWN}[ \t]*,?[ \t]*{_POSTCODE})"
    r"(?![ \t]+\p{Ll}|[\p{L}\p{M}'’-]))"
)
_PT_AV_STREET = (
    rf"{_NOT_AFTER_LETTER}Av[ \t]+{_TYPED_NAME}[ \t]*,?[ \t]*(?:{_HOUSE}|(?i:s/n)(?![\w/]))"
    rf"{_PLACE_AFTER}{_INTL_TAIL}"
)
_PREPOSITION_STREET = (
    rf"{_NOT_AFTER_LETTER}(?:Pot|Ob|Na|Pod|Za|Pri|Nad|Pred|Med|Po|Do|Ku|K|V)"
    rf"(?:[ \t]+{_LOW}[\p{{L}}\p{{M}}'’-]*){{1,3}}[ \t]+{_HOUSE}{_PLACE_AFTER}{_INTL_TAIL}"
)

# A Brazilian address closes with its CEP, town and state ("19473096 Borges / BA"): with that
# close, a street needs no number ("Esplanada Cavalcanti, São Tomaz, 20422095 Pinto do Oeste / PA"),
# and the words that name places in Brazil open it, besides the types ("Parque", "Recanto").
_BR_TYPE = (
    r"(?:Área|Colônia|Condomínio|Distrito|Esplanada|Fazenda|Lago|Loteamento|Morro|Parque|Pátio|Praia"
    r"|Recanto|Trecho|Vale|Vereda)(?![\p{L}\p{M}'’-])"
)
_BR_UF = r"(?:AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO)(?![\w'’-])"
_BR_PLACE = r"[\p{L}\p{M}\dªº'’.-]+(?:[ \t]+[\p{L}\p{M}\dªº'’.-]+){0,4}"
_BR_STREET = (
    rf"{_NOT_AFTER_LETTER}(?:{_BR_TYPE}|{_TYPE_BEFORE})[ \t]*{_TYPED_NAME}"
    rf"(?:[ \t]*,[ \t]*(?:{_HOUSE}|(?i:s/n)(?![\w/])))?(?:{_SEP}{_UP}{_BR_PLACE}){{0,2}}"
    rf"{_SEP}\d{{5}}-?\d{{3}}[ \t]+(?:(?:da|de|do|dos|das)[ \t]+)?{_UP}{_BR_PLACE}[ \t]*/[ \t]*{_BR_UF}"
)

# A house number with its marker ("No. 76", "Nr. 777", "nº 5"), a closing stop ("121.") or none
# at all ("S/N", sin número).
_HOUSE_MARKER = rf"(?i:{alternation(intl.words(intl.HOUSE_MARKERS) + ['č'])})"
_MARKED_HOUSE = rf"(?:(?:{_HOUSE_MARKER}\.?[ \t]*)?{_HOUSE}(?:\.(?![\w]))?|(?i:s/n)(?![\w/]))"
_LOWER_SUFFIXES = [w for w in intl.words(intl.LOWER_CASE_SUFFIXES)]
# "industrivej 4", "schmidtstrasse 6", "josip-jungfer-allee 3": a lower-case compound street.
_LOWER_COMPOUND = (
    rf"(?!(?:{alternation(intl.NOT_STREETS)}){_END})"
    rf"\p{{Ll}}[\p{{Ll}}\p{{M}}'’-]{{2,}}?(?:{alternation(_LOWER_SUFFIXES)}){_END}"
)
# Types before the name trusted in lower case (not "via", "plaza", "largo": English words).
_LOWER_TYPES_BEFORE = [
    w for w in _TYPES_BEFORE if not w.endswith(".") and w not in ("str", "camino", "ronda", "borgo")
]
_TYPE_AFTER = rf"(?i:{alternation(intl.words(intl.TYPES_AFTER))}){_END}"
# Hungarian types only after a lower-case word ("Dózsa györgy utca"): "Je suis allé 3" is French.
_HU_TYPE = rf"(?i:utca|útja|út|tér|körút|köz|fasor){_END}"
# The common types after which a number alone makes an address: "Kimberly Lane 99".
_STRONG_TYPE = rf"(?i:{alternation(_LOWER_CASE_TYPES.split())}){_END}\.?"
_PO_BOX = (
    r"(?:\b(?i:p\.?[ \t]?o\.?[ \t]*box|post[ \t]+office[ \t]+box|pobox|postfach|apartado|apdo\.|"
    r"caixa[ \t]+postal|casella[ \t]+postale|postbus|postboks|postbox|boîte[ \t]+postale|"
    r"skrytka[ \t]+pocztowa|casilla))[ \t]*(?:(?i:no|nr)\.?[ \t]*)?\d{1,6}(?:[ \t]\d{2,4})?(?![\w-])"
    # "Box 1189, 3791 Ybbs", "BP 45, 75002 Paris": the short words only with a postal code after
    # them ("BP 120/80" is a blood pressure, "Box 3" a box).
    rf"|\b(?:BP|Box|BOX)[ \t]*\d{{1,6}}(?![\w/-])(?={_SEP}{_POSTCODE})"
)


# --- forms that need no street-type word -------------------------------------------------------
# A location cue says a `Name Number` that follows is a street: "lives on Grammova 8", "is at
# Castelao 66", "the north side of Skogarlond 53". The cue is matched first (`\K` keeps it out of
# the finding), so the pattern starts on a handful of words, not at every capitalized one.
_CUE = (
    r"\b(?i:lives?[ \t]+(?:on|at)|living[ \t]+(?:on|at)|(?:is|are|was|were)[ \t]+(?:at|on)"
    r"|new[ \t]+(?:place|address|home|flat)[ \t]+is|located[ \t]+(?:at|on)|sent[ \t]+to"
    r"|arrived[ \t]+at|moved[ \t]+to|stay(?:s|ing)?[ \t]+(?:at|on)|write[ \t]+to|written[ \t]+to"
    r"|goes[ \t]+to|deliver(?:ed)?[ \t]+to|ship(?:ped)?[ \t]+to|send[ \t]+(?:it[ \t]+)?to|mail(?:ed)?[ \t]+to"
    r"|posted[ \t]+to"
    r"|(?:north|south|east|west)(?:ern)?[ \t]+(?:side|end)[ \t]+of)[ \t]+(?:the[ \t]+)?\K"
)
# Words before a number that make it something else than a house number after a cue ("is at
# Gate 12", "arrived at Level 5", "is on Page 14", "is on Monday 14").
_NOT_CUE_STREET = (
    _NOT_HOUSE_NUMBER.split()
    + """gate terminal platform stage team group rack slot room floor level page channel seat row pier
    dock berth bay window windows office version v no number num mile km kilometre kilometer minute
    hour noon midnight about around least most number rank position place score tier zone sector
    block lot plot unit suite apt apartment building bldg box tab tabs
    bed beds stretcher chair commode rm icu micu sicu ccu picu nicu pacu
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec""".split()
)
_NOT_AFTER_CUE_NUMBER = (
    r"(?![ \t]*(?:[%.,:]\d|[%°]|(?i:mg|mcg|µg|ml|g|kg|km|mi|miles|min|mins|minutes|hours?|hrs?|days?|weeks?|"
    r"months?|years?|yrs?|wks?|mos?|yo|times|people|percent|pm|am|h|points?|pts|bid|tid|qd|qid|prn|daily|units?|x|am|pm|"
    r"o'?clock|euros?|eur|usd|dollars?)(?![\w])))"
)
_NOT_CUE_WORD = rf"(?!(?i:{alternation(_NOT_CUE_STREET + _NEVER_NAME.split())}){_END})"
_CUE_FIRST = rf"{_NOT_CUE_WORD}[\p{{Lu}}\p{{Lo}}][\p{{L}}\p{{M}}'’.-]*"
_CUE_NEXT = rf"{_NOT_CUE_WORD}\p{{L}}[\p{{L}}\p{{M}}'’.-]*"
_CUE_STREET = (
    rf"{_CUE}(?:\d{{1,6}}[A-Za-z]?[ \t]+)?{_CUE_FIRST}(?:[ \t]+{_CUE_NEXT}){{0,2}}[ \t]*,?[ \t]*"
    rf"{_NOT_YEAR}{_HOUSE}"
    rf"{_NOT_AFTER_CUE_NUMBER}{_INTL_UNITS}"
)
# A line of a block holding only `Name Number` ("Páričkova 918", "??? Pod turnom 9"), when the
# next line is a unit, a town with or without its postcode, as the lines of a postal address go.
_LINE_START = r"^[ \t]*(?:[}>?#*]{1,3}[ \t]*)?\K"
_BLOCK_NEXT = (
    rf"(?:{_INTL_UNIT}|{_POSTCODE}[ \t]+{_INTL_TOWN}|{_INTL_TOWN}[ \t]*,?[ \t]*{_POSTCODE}|{_INTL_TOWN}"
    r"|[\p{Lo}][\p{Lo}\p{M}\"'׳״-]*(?:[ \t]+[\p{Lo}][\p{Lo}\p{M}\"'׳״-]*){0,3}(?:[ \t]*,[ \t]*\d{4,7})?)"
)
_BLOCK_LINE_STREET = (
    rf"{_LINE_START}(?:\d{{1,6}}[A-Za-z]?[ \t]+)?{_CUE_FIRST}(?:[ \t]+{_CUE_NEXT}){{0,3}}[ \t]*,?[ \t]*"
    rf"{_NOT_YEAR}{_HOUSE}(?:\.(?![\w]))?{_NOT_AFTER_CUE_NUMBER}"
    rf"(?=[ \t]*{_NL}{_BLOCK_NEXT}[ \t]*(?:\r?\n|$))"
)
# The same in lower case ("plečnikov podhod 74\n2963 izola"): the next line must hold a postcode
# and a town, and nothing else; the words are no function words, units or counted things.
_LOWER_BLOCK_WORD = (
    rf"(?!(?:{alternation([w for w in STOP_WORDS if w.isalpha()] + _NOT_CUE_STREET)}){_END})"
    r"\p{Ll}[\p{Ll}\p{M}'’-]+"
)
_LOWER_BLOCK_TOWN = rf"{_LOWER_BLOCK_WORD}(?:[ \t]+{_LOWER_BLOCK_WORD}){{0,2}}"
_LOWER_BLOCK_LINE_STREET = (
    rf"{_LINE_START}{_LOWER_BLOCK_WORD}(?:[ \t]+{_LOWER_BLOCK_WORD}){{0,2}}[ \t]+"
    rf"{_NOT_YEAR}\d{{1,4}}[a-z]?(?:/\d{{1,4}})?(?![\w-]){_NOT_AFTER_CUE_NUMBER}"
    rf"(?=[ \t]*{_NL}(?:\d{{4,5}}[ \t]+{_LOWER_BLOCK_TOWN}|{_LOWER_BLOCK_TOWN}[ \t]*,[ \t]*\d{{4,6}})"
    r"[ \t]*(?:\r?\n|$))"
)
# A form value: everything after `Ship To:`, `Address:`, `address=` or a `| Address |` cell, to the
# end of the line or cell, when it holds a number and a word (not an IP, MAC or e-mail address).
_ADDRESS_LABEL = (
    r"(?<![\w])(?<!(?i:ip|mac|e-?mail|web|url|ipv[46]|wallet|bitcoin|server|host|ip[ \t]v[46])[ \t_-]?)"
    r"(?i:ship(?:ping)?[ \t_-]+to|(?:home|postal|mailing|shipping|billing|delivery|street|residential|"
    r"permanent|current|full|correspondence|return|customer|patient|contact)[ \t_-]+address|address|addr"
    r"|adresse|anschrift|dirección|direccion|indirizzo|endereço|endereco|adres|adresa|adressi|osoite"
    r"|адрес|адреса|διεύθυνση|địa[ \t]+chỉ|주소|כתובת)"
)
_FORM_VALUE = (
    rf"{_ADDRESS_LABEL}[ \t]*(?:[:=]|\|)[ \t]*\K"
    r"(?=[^\n|]{0,80}\d)(?=[^\n|]*\p{L}{2})(?![^\n|]*(?:@|://|www\.))"
    r"(?!\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-])"
    # to the end of the line or cell, or to a sentence end ("12 rue de la Paix. Old one: ..."): a
    # stop after a word or number, not after an abbreviation ("St. Mary", "д. 61")
    r"[^\s|](?:(?:[^\n|.!?;]|(?<!\p{L}{4}|\d)[.!?;]|[.!?;](?![ \t]+\S)){0,160}?[^\s|.;,])?"
    r"(?=[ \t.;,]*(?:\||\r?\n|$)|(?<=\p{L}{4}|\d)[.!?;][ \t]+\S)"
)
# "at the corner of Maple Avenue and Elm Street", "the intersection of Main and 5th Street": two
# streets, one of them with its type at least, after a corner word; the phrase from the first
# street to the last is the address.
_CORNER_CUE = r"\b(?i:corner|intersection|junction|crossing)[ \t]+(?i:of)[ \t]+(?:(?i:the)[ \t]+)?\K"
_TYPED_STREET = rf"(?:{_DIRECTION}[ \t]+)?{_NAME}[ \t]+{STREET_TYPE}{_POST_DIRECTION}"
_UNTYPED_STREET = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
_CORNER = (
    rf"{_CORNER_CUE}(?:{_TYPED_STREET}[ \t]+(?:and|&)[ \t]+(?:{_TYPED_STREET}|{_UNTYPED_STREET})"
    rf"|{_UNTYPED_STREET}[ \t]+(?:and|&)[ \t]+{_TYPED_STREET})"
    r"(?<!\p{L}{4}\.)"  # "... and Daniel Tunnel." ends a sentence
)
# Indian: "H.No. 12-3-45, Sodhi Chowk", "h.no. 468\nvirk path", "26/139, Pandit, Ballia-027157".
# The house-number marker is the evidence; the street line after it may hold no type word.
_IN_HOUSE_NUMBER = r"\d{1,5}(?:[-/]\d{1,5}){0,3}[A-Za-z]?(?![\w-])"
_IN_NAME_WORD = r"\p{L}[\p{L}\p{M}'’.]*"
_IN_LINE = (
    rf"(?!(?i:{alternation(_NEVER_NAME.split())}){_END}){_IN_NAME_WORD}(?:[ \t]+{_IN_NAME_WORD}){{0,3}}"
)
_IN_STREET = (
    rf"\b(?i:h\.?[ \t]?no|house[ \t]+no|d\.?[ \t]?no)\.?[ \t]*{_IN_HOUSE_NUMBER}"
    rf"(?:{_SEP}{_IN_LINE}(?=[ \t]*(?:,|\r?\n|$)))?"
    # a number, a comma, a name and a town with its PIN after a hyphen: "26/139, Pandit, Ballia-027157"
    rf"|(?<![\w.,/:#-])\d{{1,5}}(?:[-/]\d{{1,5}}){{0,3}},[ \t]*{_IN_LINE}{_SEP}"
    rf"{_UP}{_IN_WORD}*(?:[ \t]+{_UP}{_IN_WORD}*){{0,2}}-\d{{6}}(?=[ \t]*(?:[,.;)]|\r?\n|$))"
)
# Vietnamese: "Số 7/13 Đường Nguyễn Du", "8 phố Hùng Vương Phường Tân Phú Đông tỉnh Thanh Hóa".
_VN_DIVISION = r"(?i:phường|quận|huyện|xã|thị[ \t]+xã|thị[ \t]+trấn|tỉnh|thành[ \t]+phố|tp\.?|p\.|q\.)"
_VN_WORD = (
    rf"(?!{_VN_DIVISION}(?![\p{{L}}]))(?:\p{{Lu}}[\p{{L}}\p{{M}}]*|\d{{1,3}}(?![\w-])|(?i:số)(?=[ \t]+\d))"
)
_VN_NAME = rf"{_VN_WORD}(?:[ \t]+{_VN_WORD}){{0,4}}"
_VN_NUMBER = r"\b\d{1,5}[A-Za-z]?(?:/\d{1,5}){0,2}(?![\w-])"
_VN_SUB_STREET = r"(?:(?i:khu|khóm|ấp|tổ|lô|ngõ|hẻm)[ \t]+\d{1,4}[ \t]+)?"
_VN_STREET = (
    rf"(?:(?:(?i:số)[ \t]*)?{_VN_NUMBER}[ \t]*,?[ \t]*{_VN_SUB_STREET}"
    rf"(?i:phố|đường|ngõ|ngách|hẻm)[ \t]+{_VN_NAME}"
    # "Số" ("number") opening an address marks the house number: the street may go without its
    # type ("Số 4/96 Ngô Quyền"); in lower case it is a count or a score ("tỷ số 2").
    rf"|(?:Số|SỐ)[ \t]*{_VN_NUMBER}[ \t]+{_VN_SUB_STREET}{_VN_NAME})"
    rf"(?:[ \t]*,?[ \t]*{_VN_DIVISION}[ \t]*{_VN_NAME}){{0,4}}"
)
# Korean: "세종특별자치시 종로구 선릉074길 924-41", "강원특별자치도 오산시 서초중앙가 808-27".
_KO_STREET = (
    r"(?<![\p{Hangul}\d])(?:\p{Hangul}+(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|읍|면)[ \t]+){0,3}"
    r"\p{Hangul}[\p{Hangul}\d]*?(?:로|길|가|동|리)[ \t]*\d{1,5}(?:-\d{1,5})?(?![\w-])"
    r"(?:[ \t]*,?[ \t]*(?:\(\p{Hangul}+\)|\d{1,4}(?:동|호|층)))*"
)
# Hebrew (no capitals): a name and a number before a comma and a town, then a postcode.
_HE_WORD = r"\p{Hebrew}[\p{Hebrew}\"'׳״-]*"
_HE_STREET = (
    rf"(?<![\p{{L}}]){_HE_WORD}(?:[ \t]+{_HE_WORD}){{0,2}}[ \t]+\d{{1,4}}(?:/\d{{1,4}})?(?![\w-])"
    rf"(?:[ \t]*,[ \t]*{_HE_WORD}(?:[ \t]+{_HE_WORD}){{0,3}}){{1,2}}(?:[ \t]*,[ \t]*\d{{5,7}}(?![\w-]))?"
)


@register("street_address")
class StreetAddressRecognizer(DeclaredPatternRecognizer):
    """US, UK and French street addresses, with the unit, town and postal code around them."""

    ENTITY = "STREET_ADDRESS"
    NAME = "street_address"
    # Case matters for street names; the patterns turn it off where it does not.
    FLAGS = re.DOTALL | re.MULTILINE
    # Each pattern starts with a digit, a unit word or a street type after a word boundary, so
    # the regex engine skips most positions of a long text at once.
    PATTERNS = [
        Pattern(
            "number + street + type",
            rf"{_NUMBER}[ \t]+(?:{_DIRECTION}[ \t]+)?{_NAME}[ \t]+{STREET_TYPE}"
            rf"{_POST_DIRECTION}{_UNITS_AFTER}{_TAIL}",
            0.6,
        ),
        Pattern(
            # A unit first makes any numbered street an address: "Apt 3B, 55 W 5th St", "Flat 4\n12
            # high street", "appartement 4, 3 place d'Italie".
            "unit + number + street",
            rf"{_UNIT}(?:{_GAP}(?:{_NUMBER}[ \t]+(?:{_DIRECTION}[ \t]+)?(?:{_NAME}|{_LOWER_NAME})[ \t]+"
            rf"{STREET_TYPE}{_POST_DIRECTION}{_UNITS_AFTER}"
            rf"|{_FR_NUMBER}[ \t]*,?[ \t]*(?:{_FR_STREET}|{_FR_ABBREVIATION}|{_FR_COMMON})[ \t]*{_FR_NAME}"
            rf"{_FR_UNITS_AFTER})){_TAIL}",
            0.6,
        ),
        Pattern(
            "unit line + street without number",
            rf"{_HOME_UNIT}{_BREAK}(?:{_NAME}|{_LOWER_NAME})[ \t]+{STREET_TYPE}{_POST_DIRECTION}{_TAIL}",
            0.6,
        ),
        Pattern(
            "number + street + type, lower case",
            rf"{_NUMBER}[ \t]+(?:{_DIRECTION}[ \t]+)?{_LOWER_NAME}[ \t]+{_TYPE_LOWER}{_UNITS_AFTER}{_TAIL}",
            0.45,
        ),
        Pattern(
            "house number + street + rarer type, lower case",
            rf"(?=\d)(?:{_HOUSE_NUMBER_LIKE}{_NUMBER}[ \t]+{_LOWER_SINGULAR_STREET}{_UNITS_AFTER}{_TAIL}"
            rf"|(?=0\d){_NUMBER}[ \t]+{_LOWER_STREET}{_UNITS_AFTER}{_TAIL}"
            rf"|{_NUMBER}[ \t]+{_LOWER_STREET}(?:(?:(?:{_BREAK}|[ \t]*){_UNIT}){{1,2}}{_TAIL}|{_BLOCK_END}))",
            0.45,
        ),
        Pattern(
            # Counted things ("2 hard drives") look the same; context words decide.
            "number + street + rarer type, lower case, needs context",
            rf"{_NUMBER}[ \t]+{_LOWER_STREET}",
            0.3,
        ),
        Pattern(
            # "Hauptstraße 5", "Gartnervænget 37 / Apt. 087", "Berliner Straße 12a, 10115 Berlin"
            "street name with a suffix + number",
            rf"{_NOT_AFTER_LETTER}(?:(?:{_NOT_NAME_START}{_UP}{_IN_WORD}*[ \t]+){{0,2}}{_COMPOUND}"
            rf"|{_GERMAN_BEFORE_TYPE}[ \t]+"
            rf"(?:{_UP}{_IN_WORD}*[ \t]+)?{_SEPARATE_TYPE})[ \t]*,?[ \t]*{_HOUSE}{_INTL_UNITS}{_INTL_TAIL}",
            0.6,
        ),
        Pattern(
            # "8 Ertlstraße, Flat 128", "99 Richard-Schauer-Ring", "754 Karlijnboulevard": the number
            # first, English-style, before a compound street name.
            "number + compound street",
            # The town and code after it are for `grow`, which stops at the line after them.
            rf"{_NUMBER}[ \t]+(?:{_NOT_NAME_START}{_UP}{_IN_WORD}*[ \t]+){{0,2}}{_COMPOUND}{_INTL_UNITS}",
            0.6,
        ),
        Pattern(
            # "548 idrottsvägen gävle", "84 dexsingel apt. 177": chat, the number first
            "number + lower-case compound street",
            rf"{_NUMBER}[ \t]+{_LOWER_COMPOUND}{_INTL_UNITS}",
            0.45,
        ),
        Pattern(
            # "684, Rana Nagar, Latur-168069", "24, Gupta Path": Indian forms put a comma after the
            # house number.
            "number + comma + street + type",
            rf"\b(?<![\w.,/:#-])\d{{1,5}}[A-Za-z]?(?:/\d{{1,5}})?,[ \t]*{_NAME}[ \t]+{STREET_TYPE}"
            rf"{_UNITS_AFTER}{_TAIL}",
            0.5,
        ),
        Pattern(
            # "kelly avenue 122", "boucher isle 3033, the blue door": chat, the name before its number (a
            # rarer type written out: "est" ends "adresse est 34, rue ...");
            # a count after the number ("main street 5 minutes") is no house number.
            "lower-case name + type + number",
            rf"{_NOT_AFTER_LETTER}{_LOWER_NAME}[ \t]+(?!(?:highway|hwy)(?![\w]))(?:{_TYPE_LOWER}"
            rf"|(?=\p{{L}}{{4}}){STREET_TYPE}(?=[ \t]*{_HOUSE}(?:[ \t]*,?[ \t]*{_INTL_UNIT}|{_SEP}|[ \t]*$)))"
            rf"[ \t]*,?[ \t]*{_NOT_YEAR}{_HOUSE}"
            r"(?![ \t]*(?:[%.,]\d|(?i:min|mins|minutes|km|miles|mi|hours|hrs|times|people|percent|pm|am|h)"
            r"(?![\w])))"
            rf"{_INTL_UNITS}",
            0.45,
        ),
        Pattern(
            # "I live on Irene Vista 88", "Lynn Estates 38246": a rarer type before its number, with
            # nothing after it, needs a context word ("Jurassic Park 3" is a film).
            "name + type + number, needs context",
            rf"{_NOT_AFTER_LETTER}(?:{_NAME_WORD}[ \t]+){{1,3}}{STREET_TYPE}[ \t]*,?[ \t]*{_NOT_YEAR}{_HOUSE}"
            rf"{_INTL_UNITS}",
            0.3,
        ),
        Pattern(
            # "Corso Garibaldi 13 Apt. 248, Soto del Barco, Spain", "ul. Długa 12/3", "Rua Augusta 100"
            "street type + name + number",
            rf"{_NOT_AFTER_LETTER}{_TYPE_BEFORE}[ \t]*{_TYPED_NAME}[ \t]*,?[ \t]*{_HOUSE}"
            rf"{_INTL_UNITS}{_INTL_TAIL}",
            0.6,
        ),
        Pattern(
            # "9874 Nurme 2 Suite 174 / Worthington / , OH": a number, a name, a number and a unit.
            "number + name + number + unit",
            rf"{_NUMBER}[ \t]+{_NAME}[ \t]+{_HOUSE}(?:(?:{_SEP}|[ \t]*){_INTL_UNIT}){{1,2}}{_INTL_TAIL}",
            0.5,
        ),
        Pattern(
            # "581 Aqqusinersuaq 80 St.": a number inside the street name.
            "number + name + number + type",
            rf"{_NUMBER}[ \t]+{_NAME}[ \t]+\d{{1,4}}[ \t]+{STREET_TYPE}{_POST_DIRECTION}"
            rf"{_UNITS_AFTER}{_TAIL}",
            0.5,
        ),
        Pattern(
            # "Nurme 2, 10115 Tallinn": a name and a number, then a postal code and a town.
            "name + number + postal code and town",
            # or the town before its code: "Rubinowa 68/40, Śrem 01-956" (a year is no code)
            rf"{_NOT_AFTER_LETTER}(?!{_MONTH}){_INTL_NAME}[ \t]+{_NOT_YEAR}{_HOUSE}{_INTL_UNITS}{_SEP}"
            rf"(?:{_POSTCODE}[ \t]+{_INTL_TOWN}(?:{_SEP}{_INTL_TOWN}){{0,2}}"
            rf"|{_INTL_TOWN}[ \t]*,?[ \t]*{_NOT_YEAR}{_POSTCODE})",
            0.5,
        ),
        Pattern(
            # "Kimberly Lane 99", "William Plain 404, Port Susan": an English street named before
            # its number; a rarer type needs a unit or a town after it ("Pearl Harbor 1941" is none).
            "name + English type + number",
            rf"{_NOT_AFTER_LETTER}(?:{_NAME_WORD}[ \t]+){{1,3}}(?:{_STRONG_TYPE}[ \t]*,?[ \t]*{_HOUSE}"
            rf"|{STREET_TYPE}[ \t]*,?[ \t]*{_HOUSE}"
            rf"(?=(?:{_SEP}|[ \t]*)(?:{_INTL_UNIT}|{_FLOOR})|{_SEP}{_INTL_PLACE}))",
            0.5,
        ),
        Pattern(
            # "Györgyhalasi utca 121.", "Šišenska cesta 3", "Skodsborg Allé 5", "Jalan Yos Sudarso No. 76";
            # a given name after a family name may be written lower case ("Dózsa györgy utca 188.,
            # H-3174 Székesfehérvár"), and the code and town after it belong to the address.
            "name + separate type + number",
            rf"{_NOT_AFTER_LETTER}(?:(?:{_UP}{_IN_WORD}*[ \t]+){{1,3}}{_TYPE_AFTER}"
            rf"|{_UP}{_IN_WORD}*[ \t]+{_LOW}{_IN_WORD}+[ \t]+{_HU_TYPE})"
            rf"[ \t]*,?[ \t]*{_MARKED_HOUSE}{_INTL_TAIL}",
            0.6,
        ),
        Pattern(
            # "сквер Прохоровський, буд. 5, Олевськ, 40535": the town and code after it belong to it.
            "street type + name + marked number",
            rf"{_NOT_AFTER_LETTER}{_TYPE_BEFORE}[ \t]*{_TYPED_NAME}[ \t]*,?[ \t]*"
            rf"(?:{_HOUSE_MARKER}\.?[ \t]*{_HOUSE}|(?i:s/n)(?![\w/])){_INTL_UNITS}{_INTL_TAIL}",
            0.6,
        ),
        Pattern(
            # "rue de besençon 75", "avenue deshusses 714": a type before a lower-case name in chat
            "lower-case street type + name + number",
            rf"{_NOT_AFTER_LETTER}(?:{_FR_STREET}|(?:{alternation(_LOWER_TYPES_BEFORE)}){_END})[ \t]+"
            rf"(?:(?:{_INTL_PARTICLE}[ \t]+){{0,2}}{_LOWER_NAME_WORD}"
            rf"(?:[ \t]+{_LOWER_NAME_WORD}){{0,2}}[ \t]+"
            rf"(?:{_HOUSE_MARKER}\.?[ \t]*)?"
            # or a number naming the street before a marked one: "avenida 8 n° 34"
            rf"|\d{{1,3}}(?:[ \t]+[a-z])?[ \t]+{_HOUSE_MARKER}\.?[ \t]*)"
            r"\d{1,4}[a-z]?(?:/\d{1,4})?(?![\w-])",
            0.45,
        ),
        Pattern(
            "lower-case compound street + number",
            rf"{_NOT_AFTER_LETTER}{_LOWER_COMPOUND}[ \t]*,?[ \t]*{_HOUSE}",
            0.45,
        ),
        Pattern("PO box", rf"{_PO_BOX}{_TAIL}", 0.6),
        Pattern(
            # "lives on Grammova 8", "is at Castelao 66", "sent to Za opekarno 0": no type word
            "location cue + name + number",
            _CUE_STREET,
            0.5,
        ),
        Pattern("form value after an address label", _FORM_VALUE, 0.6),
        Pattern("Indian house number + street", _IN_STREET, 0.6),
        Pattern("corner of two streets", _CORNER, 0.5),
        Pattern("Vietnamese street", _VN_STREET, 0.6),
        Pattern("block line name + number", _BLOCK_LINE_STREET, 0.5),
        Pattern("lower-case block line name + number", _LOWER_BLOCK_LINE_STREET, 0.5),
        Pattern("Korean street", _KO_STREET, 0.6),
        Pattern("Hebrew street + town", _HE_STREET, 0.5),
        Pattern("Portuguese Av + name + number + postcode and town", _PT_AV_STREET, 0.6),
        Pattern("Brazilian street + CEP, town and state", _BR_STREET, 0.6),
        Pattern("preposition + lower-case name + number + postcode and town", _PREPOSITION_STREET, 0.6),
        Pattern(
            "US military",
            rf"\b(?:(?:PSC|CMR|Unit)[ \t]+\d{{1,5}},?[ \t]+Box[ \t]+\d{{1,5}}(?:{_GAP}{_MILITARY_TAIL})?"
            rf"|(?:USNS|USNV|USS|USCGC)[ \t]+{_UP}{_IN_WORD}*{_GAP}{_MILITARY_TAIL})",
            0.6,
        ),
        Pattern(
            # The complement makes any French street form an address, numbered or not.
            "French complement + street",
            rf"{_FR_COMPLEMENT}(?:[ \t]*,[ \t]*{_FR_COMPLEMENT}){{0,2}}{_GAP}(?:{_FR_NUMBER}[ \t]*,?[ \t]*)?"
            rf"(?:{_FR_STREET}|{_FR_ABBREVIATION}|{_FR_COMMON})[ \t]*{_FR_NAME}{_FR_UNITS_AFTER}{_TAIL}",
            0.6,
        ),
        Pattern(
            "French number + street",
            rf"(?:{_FR_NUMBER}[ \t]*,?[ \t]*(?:{_FR_STREET}|{_FR_ABBREVIATION})"
            rf"|{_FR_MARKED_NUMBER}[ \t]*{_FR_COMMON})[ \t]*{_FR_NAME}{_FR_UNITS_AFTER}{_TAIL}",
            0.6,
        ),
        Pattern(
            # "2 cours de Python" is a count of lessons, "12 cours Mirabeau" and "531 cours de Clerc"
            # are addresses.
            "French number + common-word type + capitalized name",
            rf"(?:{_HOUSE_NUMBER_LIKE}{_FR_NUMBER}[ \t]+{_FR_COMMON}"
            rf"|{_FR_NUMBER}[ \t]+(?!(?i:cours?[ \t]+(?:de|du|des)[ \t]|cours?[ \t]+d['’])){_FR_COMMON})"
            rf"[ \t]+{_FR_CAPITALIZED_NAME}{_FR_UNITS_AFTER}{_TAIL}",
            0.5,
        ),
        Pattern(
            "French number + common-word type + postal code and town",
            rf"{_FR_NUMBER}[ \t]*,?[ \t]*{_FR_COMMON}[ \t]+{_FR_NAME}{_FR_UNITS_AFTER}{_BLOCK_END}",
            0.6,
        ),
        Pattern(
            "French number + common-word type, needs context",
            rf"{_FR_NUMBER}[ \t]+{_FR_COMMON}[ \t]+{_FR_NAME}{_FR_UNITS_AFTER}{_TAIL}",
            0.3,
        ),
        Pattern(
            "French street without number",
            rf"\b{_NOT_IN_WORD}(?:{_FR_STREET}[ \t]+{_FR_CAPITALIZED_NAME}{_FR_UNITS_AFTER}{_TAIL}"
            rf"|(?:{_FR_STREET}|{_FR_COMMON})[ \t]+{_FR_NAME}{_BLOCK_END})",
            0.5,
        ),
        Pattern(
            "French street without number, lower case, needs context",
            rf"\b{_NOT_IN_WORD}{_FR_STREET}[ \t]+{_FR_NAME}",
            0.3,
        ),
    ]
    # Patterns that can match a text without a single digit: the rest need a house number, a
    # unit number or a box number, and are not tried on such texts (most texts: names, subjects,
    # sentences), which halves this recognizer's cost.
    WITHOUT_DIGITS = (
        "unit line + street without number",
        "corner of two streets",
        "French complement + street",
        "French street without number",
        "French street without number, lower case, needs context",
    )
    CONTEXT = [
        "address",
        "street",
        "live",
        "lives",
        "living",
        "located",
        "ship",
        "deliver",
        "delivery",
        "home",
        "adresse",
        "habite",
        "domicile",
        "livraison",
        "livrer",
        "envoyer",
        "demeurant",
        "moved",
        "office",
        "shop",
        "visit",
        "pick",
        "send",
        "mailing",
        "billing",
        "return",
    ]

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if _ANY_DIGIT.search(text) is not None:
            results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        else:
            every = self.patterns
            # One analyzer per process, used by one thread at a time (see redaction.detect).
            self.patterns = [p for p in every if p.name in self.WITHOUT_DIGITS]
            try:
                results = super().analyze(text, entities, nlp_artifacts, regex_flags)
            finally:
                self.patterns = every
        results = [
            r
            for r in results
            if not _counted_number(text, r.start) and not _sentence_inside(text, r.start, r.end)
        ]
        extra = []
        for result in results:
            result.start, result.end = grow(text, result.start, result.end)
            result.end = cut_at_closing_line(text, result.start, result.end)
            result.end, code = split_country(text, result.start, result.end)
            code = code or postcode_after_country(text, result.start, result.end)
            if code is not None:
                # "...\nNorway 69239": the code is personal data, the country between is not.
                extra.append(
                    coded_result(
                        self, self.ENTITY, code[0], code[1], result.score, pattern="postcode after country"
                    )
                )
        return results + extra


_ANY_DIGIT = re.compile(r"\d")
# "MOVED TO MOUNT HOLLY 19 YRS AGO. HOSPITAL COURSE", "12 STEPS. PT MOVED TO", "ROOM 412 OVERNIGHT.
# PT": a number that counts time, steps or bottles opens no street, though the upper-case words
# after it (a sentence on) look like a street's name and type.
_COUNTED = regex.compile(
    r"\d{1,6}(?:/\d{1,5})?[ \t]+(?i:yrs?|years?|wks?|weeks?|mos?|months?|days?|hrs?|hours?|mins?|minutes?|"
    rf"steps?|stairs|flights?|overnight|times|bottles?|doses?|attempts?)(?![\w'’-])(?![ \t]+{STREET_TYPE})"
)


# "RETIRED TO BED AT 2200, SLEPT WELL": a clock time after "at" and before a comma
_CLOCK_AT = regex.compile(r"(?:[01]\d|2[0-3])[0-5]\d,")
_AT_BEFORE = regex.compile(r"(?i:\b(?:at|@)[ \t]*)$")


# A full stop inside a street finding, before a word: an abbreviation ("12 N. Main St. Apt 4",
# "Blvd. West") goes on with the address, a sentence's last word ("4102, DOOR CLOSED. PT IN RM",
# "2L NC. Pt", "5/5 BILAT. DR DURHAM") ends it: a note word, or a longer word that is no street type.
_STOP_INSIDE = regex.compile(r"(?<![\p{L}.])(\p{L}+)\.[ \t]+(?=\p{L})")
_TYPE_WORD = regex.compile(rf"(?:{STREET_TYPE}|(?i:apt|bldg|suite|unit|ste|flat|floor|fl|dept|room))\.?")


def _sentence_inside(text: str, start: int, end: int) -> bool:
    for match in _STOP_INSIDE.finditer(text, start, end):
        word = match.group(1)
        if _TYPE_WORD.fullmatch(word + ".") or _TYPE_WORD.fullmatch(word):
            continue
        if is_note_word(word) or len(word) >= 4:
            return True
    return False


def _counted_number(text: str, start: int) -> bool:
    if _CLOCK_AT.match(text, start) and _AT_BEFORE.search(text[max(0, start - 8) : start]):
        return True
    return _COUNTED.match(text, start) is not None


_BUILDING_FIRST = regex.compile(r"\d{4,6}[ \t]+\p{L}.*\p{L}\Z", regex.DOTALL)


# --- the rest of an address around a street: units before it, town, postal code, region after -
# A street finding is the evidence; what is around it is taken by shape, one piece at a time, so
# that `Whg. 349\nUdo-Gunpf-Weg 8\n69731 Sternberg\nGermany` goes whole. Each piece is a short
# pattern matched at one position (no search), and at most `_MAX_PIECES` are taken each way.
_MAX_PIECES = 7
_ANY_UNIT = rf"(?:{_INTL_UNIT}|{_FLOOR})"
_C_O = rf"\b(?i:c/o|attn\.?|z\.[ \t]?hd\.?)[ \t]+(?:{_UP}{_IN_WORD}*[ \t]+){{0,3}}{_UP}{_IN_WORD}*"
# "г. Артем, ", "ст. Верхоянск, ", "місто Рені, ": a Russian or Ukrainian locality before the street.
_LOCALITY_BEFORE = (
    rf"(?<![\p{{L}}])(?:(?:г|гор|к|ст|с|пос|пгт|п|дер|м|смт|мкр|х)\.|місто|село|селище|город|станица)[ \t]*"
    rf"{_UP}[\p{{L}}\p{{M}}-]*(?:[ \t]+{_UP}[\p{{L}}\p{{M}}-]*)?[ \t]*,"
)
_CASELESS_TOWN = r"[\p{Lo}][\p{Lo}\p{M}\"'׳״-]*(?:[ \t]+[\p{Lo}][\p{Lo}\p{M}\"'׳״-]*){0,3}"
_LOOSE_POSTCODE = (
    r"(?:(?:[A-Z]{1,2}-)?\d{4,7}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}[ \t]?[A-Z]{2}|\d{4}(?i:[a-z]{2})"
    r"|\d{4}-\d{3}|\d{5}-?\d{3,4}|\d{3}-\d{4}|(?i:[a-z]\d[a-z][ \t]?\d[a-z]\d)"
    r"|(?i:[a-z]\d{2}[ \t]?[a-z\d]{4})|(?i:[a-z]{1,2}\d[a-z\d]?[ \t]?\d[a-z]{2}))(?![\w-])"
)
_REGION_CODE = r"(?:[A-Z]{2,3}|\([A-Z]{2}\))(?![\w'’-])"
_TOWN_JOIN = (
    r"(?i:an|am|der|den|de|del|della|di|da|do|dos|das|la|le|les|los|las|el|sur|sous|upon|on|en|pri|nad|pod|bei|im|van|"
    r"aan|op|y|e|i|och|og|and)"
)

# "Mistelbach an der Zaya", "'s-Gravenpolder", "Bhusawal-043120" (an Indian PIN after a hyphen)
# A stop ends a town word only in an abbreviation ("St. Diana", "Mt. Eden"), not a sentence (nor
# a short Vietnamese syllable: "Hà Nội.").
# "W/ VNA" after a town is shorthand going on ("with"), no town word: a letter before a slash
# opens none. "ST. MAY" in upper case is an abbreviation as "St. May" is.
_TOWN_PART = r"(?:'s-)?(?!\p{L}/)\p{Lu}(?:(?:[a-z]{0,2}|TE?)\.(?![\w])|[\p{L}\p{M}'’-]*)"
_ALPHA_STOP_WORDS = [w for w in STOP_WORDS if w.isalpha()]
_CHAT_WORDS = "pls plz lol tmrw tmr thx ty ok okay come buzz asap soon later now bye xx"
# In an UPPER CASE sentence every word is capitalized: one that goes on with the sentence
# ("... 12 OAK ST NOW", "SINCE MAY", "COME BY") opens or continues no town. The articles and
# joins of town names ("LA PLATA", "VALLE DE CATAMARCA") stay.
_ARTICLES = {"la", "le", "les", "los", "las", "el", "da", "de", "del", "di", "du", "des", "san", "santa"}
_UPPER_SENTENCE_WORDS = {
    w.upper()
    for w in [*_ALPHA_STOP_WORDS, *_CHAT_WORDS.split(), "today", "tonight", "tomorrow", "please", "since"]
    if len(w) > 1 and w not in _ARTICLES
}
_NOT_UPPER_WORD = rf"(?!(?:{alternation(_UPPER_SENTENCE_WORDS)}){_END})"
# ... nor a region code ("12 OAK ST, SPRINGFIELD NOW."); the two-letter ones are codes ("ON", "OR").
_NOT_UPPER_CODE = rf"(?!(?:{alternation(w for w in _UPPER_SENTENCE_WORDS if len(w) == 3)}){_END})"
_CAP_TOWN = (
    rf"{_NOT_TOWN_WORD}{_NOT_UPPER_WORD}{_TOWN_PART}"
    rf"(?:[ \t]+(?:{_TOWN_JOIN}[ \t]+){{0,2}}{_NOT_TOWN_WORD}{_NOT_UPPER_WORD}{_TOWN_PART}){{0,3}}"
    r"(?:(?<=\p{L})-\d{6}(?![\w-]))?"
)
_LOW_WORD = (
    rf"(?!(?:{alternation(_NOT_TOWN.split() + _CHAT_WORDS.split() + _ALPHA_STOP_WORDS)}){_END})"
    rf"{_LOW}[\p{{Ll}}\p{{M}}'’-]+"
)
_PIECE_END = r"(?=[ \t]*(?:[,;.!?)/|]|\r?\n|$))"


def _country_alternation() -> str:
    from ..places import country_names

    extra = {"republic of ireland", "kingdom of the netherlands", "united states of america", "korea"}
    return alternation({name.casefold() for name in country_names()} | extra | _EXTRA_COUNTRIES)


_GROW: dict[str, regex.Pattern] = {}


def _grow_patterns() -> dict[str, regex.Pattern]:
    """Compiled on first use (the country list takes a moment)."""
    if not _GROW:
        country = rf"(?i:{_country_alternation()}){_END}"
        after = rf"(?:{_LOOSE_POSTCODE}|{_REGION_CODE}|\([a-z]{{2}}\)(?![\w'’-])|{country})"
        flags = regex.MULTILINE
        _GROW.update(
            # Between two pieces: a comma, slash or line break (one: a blank line ends a block).
            sep=regex.compile(r"[ \t]*(?:[,/|][ \t]*)*(?:\r?\n[ \t]*)?(?:[,/|][ \t]*)*", flags),
            unit=regex.compile(_ANY_UNIT, flags),
            postcode=regex.compile(_LOOSE_POSTCODE, flags),
            # A code in brackets is one whatever follows: "Toronto (ON) last spring".
            region=regex.compile(
                rf"(?:{_NOT_UPPER_CODE}{_REGION_CODE}(?=[ \t]*(?:[,;.!?)/|]|\r?\n|$)|[ \t]+{_LOOSE_POSTCODE})"
                r"|\((?:[A-Z]{2}|[a-z]{2})\)(?![\w'’-]))",
                flags,
            ),
            region_lower=regex.compile(rf"[a-z]{{2,3}}(?=[ \t]+{_LOOSE_POSTCODE})", flags),
            country_any=regex.compile(country, flags),
            town=regex.compile(rf"{_CAP_TOWN}(?:{_PIECE_END}|(?=[ \t]+{after}))", flags),
            town_after_code=regex.compile(_CAP_TOWN, flags),
            # "г. Екатеринбург", "к. Биробиджан": a Russian or Ukrainian locality after the street
            locality=regex.compile(
                rf"(?:(?:г|к|ст|с|пос|пгт|п|дер|м|смт|мкр|х)\.|місто|село|селище|хутір)[ \t]*{_CAP_TOWN}",
                flags,
            ),
            # Scripts without capitals (Hebrew, Korean): "פקיעין חדשה", "포천시"
            town_caseless=regex.compile(
                rf"{_CASELESS_TOWN}(?:{_PIECE_END}|(?=[ \t]+{after}))",
                flags,
            ),
            house=regex.compile(_MARKED_HOUSE, flags),
            # (a marked house number is none: "Camino Jujuy N° 6177\nSanta Rosa 6300")
            ends_with_code=regex.compile(
                rf"(?<![\w-])(?<!{_HOUSE_MARKER}\.?[ \t]*){_LOOSE_POSTCODE}\Z", flags
            ),
            line_end=regex.compile(r"[ \t]*(?:\r?\n|$)", flags),
            # "thanjavur 706586", "odorheiu secuiesc, 969899": a code after the town, or after its comma
            town_lower=regex.compile(
                rf"{_LOW_WORD}(?:[ \t]+{_LOW_WORD}){{0,2}}(?=[ \t]+{after}|[ \t]*,[ \t]*{_LOOSE_POSTCODE})",
                flags,
            ),
            # "bhopal-081330": an Indian PIN after a hyphen
            town_lower_one=regex.compile(rf"{_LOW_WORD}(?:(?<=\p{{L}})-\d{{6}})?(?![\w'’-])", flags),
            # "dc home to 12 Oak St, lake banks w/ vna": after a comma, a town before shorthand
            # going on with "w/" or "with"
            town_clause=regex.compile(
                rf"(?:(?i:st|mt|ft)\.[ \t]+)?(?:{_CAP_TOWN}|{_LOW_WORD}(?:[ \t]+{_LOW_WORD}){{0,2}})"
                r"(?=[ \t]+(?i:w/|with)(?![\w'’-]))",
                flags,
            ),
            before=regex.compile(
                rf"(?<![\w#])(?:{_ANY_UNIT}|{_C_O}|{_LOCALITY_BEFORE})[ \t]*(?:[,/][ \t]*)?"
                r"(?:\r?\n[ \t]*)?\Z",
                flags,
            ),
            # "42486 Stensås terrasse 38", "7493 9 Huntly Street": a building or PO number first
            number_before=regex.compile(r"(?<![\w.,:/#-])(?<!\d[ \t])\d{1,6}[A-Za-z]?[ \t]+\Z", flags),
            corner_before=regex.compile(
                r"(?i:corner|intersection|junction|crossing)[ \t]+of[ \t]+(?:the[ \t]+)?\Z", flags
            ),
            corner_after=regex.compile(
                rf"[ \t]+(?:and|&)[ \t]+"
                rf"(?:{_NAME}[ \t]+{STREET_TYPE}|{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})",
                flags,
            ),
            # A table row or a labelled line after an address is the form going on ("| City |", "Phone:")
            label_line=regex.compile(r"(?:\||[\p{L}][\p{L} ._-]{0,30}:(?![\w/]))", flags),
            country_code=regex.compile(rf"[ \t]+{_LOOSE_POSTCODE}", flags),
        )
    return _GROW


# Country names that are also US states: after a town they are the state ("Atlanta, Georgia").
_STATE_COUNTRIES = {"georgia", "jersey"}
# A line prefix repeated on every line of a block: "}} ", "> ", "??? ".
_LINE_PREFIX = regex.compile(r"[ \t]*([}>?#*]{1,3})[ \t]*")


def _countries() -> frozenset[str]:
    from ..places import country_names

    return frozenset(name.casefold() for name in country_names()) | _EXTRA_COUNTRIES


_EXTRA_COUNTRIES = frozenset(
    """
    россия україна украина беларусь България ελλάδα ελλαδα κύπρος србија hrvatska česko
    slovensko slovenija magyarország polska românia lietuva latvija eesti suomi sverige norge danmark
    deutschland österreich schweiz suisse svizzera nederland belgië belgique italia españa brasil
    대한민국 한국 ישראל türkiye
    """.casefold().split()
) | {
    "czech republic", "việt nam", "česká republika", "south korea", "republic of korea",
    "republic of ireland", "kingdom of the netherlands", "united states of america", "korea",
    "russian federation",
}  # fmt: skip
_COUNTRY_SET: set[str] = set()


def is_country(value: str) -> bool:
    """`value` (any case, with or without brackets and a closing stop) names a country."""
    if not _COUNTRY_SET:
        _COUNTRY_SET.update(_countries())
    name = " ".join(value.strip(" \t.()").split()).casefold()
    return name in _COUNTRY_SET and name not in _STATE_COUNTRIES


_TAIL_PIECE: list[regex.Pattern] = []


def split_country(text: str, start: int, end: int) -> tuple[int, tuple[int, int] | None]:
    """`end` moved back before a country name that closes the span (", Croatia", "\nNORWAY",
    " (India)"): a country is no personal data, and leaving it keeps a word of the text. When a
    postcode follows the country ("\nBRASIL 94586"), its (start, end) comes second."""
    if not _TAIL_PIECE:
        _TAIL_PIECE.append(
            regex.compile(
                rf"(?:[ \t]*[,/|(\n][ \t]*(?:[}}>?#*]{{1,3}}[ \t]+)?|(?<=\d)[ \t]+)\(?"
                rf"([\p{{L}}][\p{{L}}\p{{M}}. '’-]{{1,40}}?)\)?(?:[ \t]+({_LOOSE_POSTCODE}))?[ \t.)]*\Z"
            )
        )
    match = _TAIL_PIECE[0].search(text, max(start, end - 56), end)
    if match is not None and match.start() > start and is_country(match.group(1)):
        code = match.span(2) if match.group(2) else None
        return len(text[: match.start()].rstrip(" \t,/|(\n")), code
    return _spaced_country(text, start, end)


_SPACED_TAIL: list[regex.Pattern] = []
_CAPITAL_WORD = r"\p{Lu}[\p{L}\p{M}'’.-]*"
# Words after which a country name is part of the street's name ("Rue de France", "Avenida Brasil").
_BEFORE_STREET_NAME: set[str] = set()


def _spaced_country(text: str, start: int, end: int) -> tuple[int, tuple[int, int] | None]:
    """`split_country` for a country after a town with only a space between ("... München
    Germany", "NEWELL Australia 2615"), unless the word before makes it a street's name."""
    if not _SPACED_TAIL:
        _SPACED_TAIL.append(
            regex.compile(
                rf"(?<=[\p{{L}}\p{{M}}.])[ \t]+({_CAPITAL_WORD}(?:[ \t]+{_CAPITAL_WORD}){{0,2}})"
                rf"(?:[ \t]+({_LOOSE_POSTCODE}))?[ \t.)]*\Z"
            )
        )
        _BEFORE_STREET_NAME.update(
            {"de", "d", "du", "des", "del", "della", "di", "do", "da", "of", "the", "la", "le", "van", "von"}
            | _TYPES
            | {word.casefold().rstrip(".") for word in fr.words(fr.STREET_TYPES)}
            | {word.casefold().rstrip(".") for word in intl.words(intl.TYPES_BEFORE)}
        )
    for match in _SPACED_TAIL[0].finditer(text, max(start, end - 56), end, overlapped=True):
        before = regex.findall(r"[\p{L}\p{M}]+", text[start : match.start()])
        street_name = not before or len(before) < 2 or before[-1].casefold() in _BEFORE_STREET_NAME
        if not street_name and is_country(match.group(1)):
            return match.start(), (match.span(2) if match.group(2) else None)
    return end, None


_CONTACT_LINE = regex.compile(
    r"[ \t]*(?i:t[ée]l[ée]?(?:phone)?|phone|fax|mobile?|mob|gsm|portable|cell|e-?mail|courriel|www)"
    r"(?:\.|[ \t]*:|[ \t]+(?=[+(\d]))"
)


def cut_at_closing_line(text: str, start: int, end: int) -> int:
    """`end` moved back before the first line of a block span, past its first, that is a country
    with nothing but a postcode after it on the line ("...\n9351 UnterBarbey\nSUISSE\nTél") or a
    contact line ("Tél. +41 ..."): the address ends there; the country stays out of it."""
    line = text.find("\n", start, end)
    while line != -1:
        head = line + 1
        tail = text.find("\n", head, end)
        piece = text[head : end if tail == -1 else tail]
        words = regex.sub(rf"[ \t]*(?:{_LOOSE_POSTCODE})[ \t.]*\Z", "", piece).strip(" \t,.")
        if _CONTACT_LINE.match(piece) or (tail != -1 and words and is_country(words)):
            return len(text[:line].rstrip(" \t,"))
        line = tail
    return end


def trim_country(text: str, start: int, end: int) -> int:
    """`end` moved back before a country name that closes the span (see `split_country`)."""
    return split_country(text, start, end)[0]


def _line_prefix(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    prefix = _LINE_PREFIX.fullmatch(text, line_start, start)
    return prefix.group(1) if prefix is not None else ""


def _skip_prefix(text: str, at: int, gap: str, prefix: str) -> int:
    if prefix and "\n" in gap and text.startswith(prefix, at):
        at += len(prefix)
        while at < len(text) and text[at] in " \t":
            at += 1
    return at


def postcode_after_country(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of a postcode after the country that follows a span: "...\nNorway 69239"."""
    pats = _grow_patterns()
    sep = pats["sep"].match(text, end)
    if "\n\n" in sep.group(0):
        return None
    at = _skip_prefix(text, sep.end(), sep.group(0), _line_prefix(text, start))
    country = pats["country_any"].match(text, at)
    if country is None or not is_country(country.group(0)):
        return None
    code = pats["country_code"].match(text, country.end())
    if code is None:
        return None
    return code.end() - len(code.group(0).lstrip(" \t")), code.end()


def grow(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a street finding widened to the address around it: a unit, `c/o`, locality or
    building-number line before it; units, postal codes, towns and region codes after it, in any
    order, up to a country name (left out: it is no personal data)."""
    pats = _grow_patterns()
    for _ in range(2):
        match = pats["before"].search(text, max(0, start - 60), start)
        if match is None:
            break
        start = match.start()
    match = pats["number_before"].search(text, max(0, start - 12), start)
    if match is not None:
        start = match.start()
    prefix = _line_prefix(text, start)
    if pats["corner_before"].search(text, max(0, start - 30), start) is not None:
        corner = pats["corner_after"].match(text, end)
        if corner is not None:
            end = corner.end()
            if text[end - 1] == "." and regex.search(r"\p{L}{4}\.\Z", text[max(0, end - 5) : end]):
                end -= 1  # "... and Sara Locks." ends a sentence
    previous = "street"
    numbered = _ANY_DIGIT.search(text, start, end) is not None
    building = _BUILDING_FIRST.match(text, start, end)
    seen: set[str] = set()
    if pats["ends_with_code"].search(text, start, end) is not None:
        seen.add("postcode")  # the street pattern took the block's town and code already
    for _ in range(_MAX_PIECES):
        sep = pats["sep"].match(text, end)
        gap = sep.group(0)
        at = _skip_prefix(text, sep.end(), gap, prefix)
        if at >= len(text) or "\n\n" in gap.replace("\r", ""):
            break
        if "\n" in gap:
            line = end + gap.index("\n") + 1
            line = _skip_prefix(text, line, gap, prefix)
            while line < len(text) and text[line] in " \t":
                line += 1
            if pats["label_line"].match(text, line) is not None:
                break
        marked = bool(gap.strip(" \t"))  # a comma, slash or line break before the piece
        piece, kind = None, None
        for kind in (
            "house",
            "unit",
            "postcode",
            "town_clause",
            "country",
            "region",
            "region_lower",
            "locality",
            "town",
            "town_lower",
            "town_caseless",
        ):
            if kind == "house":
                # "rue de Corpataux 540", "Strada Taliercio, 47": the number after a street found
                # without it
                # or after one that opened with a building number ("13147 avenue de Cossy 219")
                bare = previous == "street" and "\n" not in gap
                bare = bare and (not numbered or (not gap.strip() and building is not None))
                piece = pats["house"].match(text, at) if bare else None
            elif kind == "town":
                piece = pats["town"].match(text, at)
                if piece is None and (previous == "postcode" or "," in gap):
                    piece = pats["town_after_code"].match(text, at)  # "10115 Berlin before Friday"
            elif kind == "town_lower":
                piece = pats["town_lower"].match(text, at)
                if piece is None:
                    # after a code or unit, or ending the line: "im at 42 baker st flat 3 london"
                    piece = pats["town_lower_one"].match(text, at)
                    if piece is not None and previous not in ("postcode", "unit"):
                        piece = piece if pats["line_end"].match(text, piece.end()) else None
            elif kind == "town_clause":
                piece = pats["town_clause"].match(text, at) if "," in gap else None
            elif kind == "country":
                piece = pats["country_any"].match(text, at)  # ", Canada as her address"
                if piece is not None and is_country(piece.group(0)):
                    return start, end  # the address ends before it
            else:
                piece = pats[kind].match(text, at)
            if piece is not None and piece.end() > at:
                break
            piece = None
        if piece is None:
            break
        if kind == "unit" and gap and not marked and previous not in ("street", "unit", "house"):
            break  # "Berlin Room 5": a unit goes with the street, not after the town
        if (
            kind.startswith("town")
            and "\n" in gap
            and seen & {"postcode", "town", "town_lower", "town_caseless", "town_clause"}
        ):
            break  # a line after the town and code lines is the letter going on ("GATE CODE ON REQUEST")
        end, previous = piece.end(), kind
        seen.add(kind)
        if kind == "town_clause":
            break  # "w/ vna" goes on after it
    return start, end
