"""Phone numbers in any country's format, without one phonenumbers pass per region.

The policy's `phone_regions` pass (`redaction.detect.PolicyPhoneRecognizer`) finds numbers as
its regions write them. This recognizer finds the others in one regex pass over the text:

- a number written with its country prefix (`+44 7700 355251`, `0043 650 1264010`, `+1 (555)
  123-4567`) is parsed once, without a region, and is a phone when valid (possible: with a
  context word);
- a number written in a national format (`0650 126 40 10`, `431 51 143`) is a phone when it is
  shaped like one (a trunk `0` and three groups or more, groups that are not thousands, or two
  groups of four like 8-digit local numbers, `9380 6377`, `9822-3749`, that are no range and no
  pair of times) and valid for some region; any other digit run of phone length needs a
  context word (`tel`, `call`, `Handy`, `portable`...) before it;
- a number glued to a phone label (`Ph#+41 ...`, `tel:0650...`, `mob.3702 ...`, `TEL.0163...`)
  is a candidate like any other; glued to anything else (`v1.`, `id#`) it is not;
- after a phone word on its line (`call`, `tel`, `cell`, `Ph`, `home #`, a phrase such as `reach
  me at`, `my number is`) a candidate scores 0.4 at least; a number listed after a phone
  (`555-1234 or 555-5678`, `... / 07700 900123`) has that phone's words;
- numbers too short for any numbering plan are phones only after their cue: pagers (`Pager
  #54321`, `pgr 4-5678`, `BEEPER: 12345`), extensions with their marker (`x4567`, `ext. 22`,
  `EXT 0273`: the marker is part of the span), in-house numbers after a call word (`CALL
  555-1234`, `call 5-4321`); extensions after a number belong to it in any case (`... EXT 22`).

Amounts (`1 250 000`, `12.345.678`), dates (`2023-04-12`, `12/04/2023`, `2023 04 12`), years in a
row, IP-like dotted quads, US ZIP+4 codes, lab values (`ABG 7.32/51/101`), quantities
(`2 x 1000 mg`) and numbers after an id word (`invoice`, `order`, `ref`, `zip`, `MRN`, `#`) are not
phones, whatever their digits; `tests/data/tuning/phones.py` is the tuning set these rules were
written on (`benchmarks/phones.py` measures them).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber
from presidio_analyzer import EntityRecognizer, RecognizerResult

from . import coded_result, register

# A run of digits with the separators phone numbers are written with; never across a line break.
_CANDIDATE = re.compile(
    # not the tail of a word, an amount, a time, an id; or glued to a label ("Ph#", "tel:", "mob.")
    r"(?:(?<![\w+.,/:@#€$£-])|(?<=[^\W\d_][.:#])|(?<=[^\W\d_]\.:)|(?<=[^\W\d_]))"
    r"(?P<number>(?:\(?\+|\b00)?[ \t]?\(?\d[\d \t().\-/]{4,40}\d"
    r"(?:[ \t]*(?i:x|ext\.?|extn\.?|poste|durchwahl|#)[ \t]*\d{1,6})?)"
    r"(?![\w@]|[.,]\d|[ \t]?(?:%|€|\$|£|(?i:eur|usd|gbp|chf|kg|km|cm|mm|m²|ml|g|h|min|ms|x)\b))"
)
_GROUP_SPLIT = re.compile(r"[ \t().\-/]+")
_DATE = re.compile(
    r"(?:(?:19|20)\d\d[ ./-](?:0?[1-9]|1[0-2])[ ./-](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[ ./-](?:0?[1-9]|1[0-2])[ ./-](?:19|20)?\d\d"
    r"|(?:0?[1-9]|1[0-2])[ ./-](?:0?[1-9]|[12]\d|3[01])[ ./-](?:19|20)?\d\d)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:([ .,'])\d{3})(?:\1\d{3})*")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Words after which a number is an identifier or an amount (a currency code: "EUR 2500-14000"), not
# a phone.
# "number", "no." alone say nothing ("Contact number: ..."); after one of these nouns they do.
_ID_BEFORE = re.compile(
    r"(?i:\b(?:order|invoice|inv|ref|reference|réf|id|ids|ticket|case|account|acct|iban|isbn|sku|serial|"
    r"tracking|parcel|amount|total|price|prix|montant|facture|commande|dossier|code|pin|otp|version|"
    r"eur|usd|gbp|chf|sek|nok|dkk|aud|cad|jpy|inr|kr|"
    r"zip|postcode|plz|mrn|bed|room|"
    r"policy|claim|transaction|txn|batch|lot|item|part|model|page|pages|"
    r"row|line|year|years|x|siren|siret|nir|ssn|pièce|piece|article|produit|modèle|série|colis)\b"
    r"(?:[ \t:.#]*(?i:number|no|nr|n°|num)\b)?|[#€$£])[ \t:.#]*$"
)
_PHONE_WORDS = (
    "phone telephone tel tél téléphone telefon telefono teléfono telefone telefoon tlf puhelin "
    "call calls called calling ring dial fax mobile mob cell cellphone portable handy natel móvil movil "
    "celular cellulare gsm pager pgr beeper whatsapp signal viber sms text contact reach joindre appeler "
    "ph mob office hotline helpline "
    "appelez rappeler numéro number nummer numero número"
).split()
# Words that make the number after them a phone even after an id word ("order line: call ...").
_WEAK_WORDS = {"number", "nummer", "numero", "número", "numéro", "reach", "text"}
_STRONG_WORDS = [w for w in _PHONE_WORDS if w not in _WEAK_WORDS]
# The weak words in a phrase that only a phone follows ("reach me at", "text us on", "my number
# is", "her mobile number:"); "my order number is" is no such phrase.
_PHONE_PHRASE = (
    r"\b(?:reach|text|contact|ring|call|message|msg)[ \t]+(?:me|us|him|her|them)[ \t]+(?:at|on)\b"
    r"|\b(?:my|our|his|her|their|your)[ \t]+(?:(?:new|home|work|direct|contact|phone|mobile|cell)[ \t]+)?"
    r"(?:number|nummer|numéro|numero|número|no\.?|num|#)[ \t]*(?:is\b|:)"
)
_PHONE_WORD_BEFORE = re.compile(
    r"(?i:\b(?:" + "|".join(sorted(_STRONG_WORDS, key=len, reverse=True)) + r")(?:\b|$)|\b[TMF][ \t]*[:.]"
    r"|\b(?i:home|work|cell|daytime|evening)[ \t]*(?:\#|no\b)|" + _PHONE_PHRASE + r")"
    r"[^\n\d]{0,25}$"
)
_EXTENSION = re.compile(r"[ \t]*(?i:x|ext\.?|extn\.?|poste|durchwahl|#)[ \t]*\d{1,6}$")
# A number glued to the label before it counts only when the label is a phone label.
_GLUED_LABEL = re.compile(
    r"(?i:\b(?:tel|tél|tlf|ph|phone|telephone|mob|mobile|cell|fax|pgr|pager|beeper|t|m|f|p|h|w|o)"
    r"\.?[.:#])$"
)
# Glued with no punctuation at all ("TEL0650126410", "ph617-555-0100"), only a phone word.
_GLUED_WORD = re.compile(
    r"(?i:\b(?:tel|tél|tlf|ph|phone|telephone|mob|mobile|cell|fax|pgr|pager|beeper|call))$"
)
# "zip 41273-3292": a US ZIP+4; "ABG 7.32/51/101": decimals and slashes are lab values.
_ZIP4 = re.compile(r"\d{5}-\d{4}")
_LAB_SLASHES = re.compile(r"\d+\.\d+/\d")
# "9380 6377", "9822-3749": a local number of a country with 8-digit numbers (Denmark, Norway,
# Singapore, Hong Kong, the Baltics, Australia without its area code). Not a trunk "0", not a "1"
# (years, "1200-1500").
_LOCAL_EIGHT = re.compile(r"(?P<a>[2-9]\d{3})[ \t-](?P<b>\d{4})")
# "308-05-37": a 7-digit local number as Russia and its neighbours write it.
_LOCAL_SEVEN = re.compile(r"[2-9]\d{2}-\d{2}-\d{2}")
# "(0118) 4960868", "06039 78723", "02602/87551894", "06-12345678": an area code set apart.
_AREA_CODE = re.compile(r"\(0?\d{2,4}\)[ \t-]*\d{5,8}$|0[1-9]\d{0,4}[ \t/-]\d{5,8}$")
_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)

# Numbers too short for any numbering plan, which only their cue makes phones: pagers
# (`Pager #54321`, `pgr 4-5678`, `BEEPER: 12345`), extensions with their marker (`x4567`,
# `ext. 22`, `EXT 0273`) and in-house numbers after a call word (`CALL 555-1234`, `call 5-4321`).
# Not `page`/`p` (document pages, pulses: the HIPAA policy's `pager` recognizer takes those),
# not `2 x 1000 mg` (a product), not a bare `x` with fewer than 4 digits (`x 3 days`).
_NOT_AFTER = (
    r"(?![\w/.,]\d|[\w/]|-\d|[ \t]*(?i:mg|mcg|ml|g|kg|units?|u|iu|mm|cm|%|h|hrs?|days?|times|tabs?"
    r"|min(?:utes?)?|wks?|weeks?|mos?|months?|yrs?|years?)\b)"
)
_SHORT_CUED = re.compile(
    r"(?i:\b(?:pager|pgr|beeper|bpr|beep|paged(?:[ \t]+[a-z/]+){0,3}?(?:[ \t]+(?:at|to))?)\.?"
    r"[ \t]*(?:\#|no\.?|num(?:ber)?\.?|is|:)?[ \t]*[:#]?[ \t]*(?P<pager>\d{1,3}-\d{4}|\d{4,7})"
    + _NOT_AFTER
    + r")"
    r"|(?P<extension>(?<![\w.])(?i:ext\.?|extn\.?)[ \t]*[#:.]?[ \t]*\d{2,6}"
    r"|\b(?i:extension)[ \t]*[#:.]?[ \t]*\d{3,6}"
    r"|(?<![\w.])(?<!\d[ \t])(?i:x)[ \t]?\d{4,5})"
    + _NOT_AFTER
    + r"|(?i:\b(?:call(?:ed)?|tel|phone|ph|cell|contact|reach(?:ed)?|fax(?:ed)?|dial)\b)[^\n\d]{0,20}?"
    r"(?P<internal>(?<![\d-])(?:\d-\d{4}|\d{3}-\d{4}))" + _NOT_AFTER
)
_SHORT_WHY = {
    "pager": "short number after a pager/beeper label",
    "extension": "extension with its marker",
    "internal": "short in-house number after a call word",
}


@lru_cache(maxsize=4096)
def _international_status(digits: str) -> int:
    """2 valid, 1 possible, 0 neither: `digits` after the country prefix."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return 0
    if phonenumbers.is_valid_number(number):
        return 2
    return 1 if phonenumbers.is_possible_number(number) else 0


@lru_cache(maxsize=4096)
def _national_region(digits: str) -> str | None:
    """The first region where `digits`, dialled nationally, is a valid number; None if none."""
    for region in _REGIONS:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if meta is None:
            continue
        national = digits
        prefix = meta.national_prefix
        if prefix and national.startswith(prefix):
            national = national[len(prefix) :]
        if not national or len(national) > 17:
            continue
        number = PhoneNumber(country_code=meta.country_code, national_number=int(national))
        if national.startswith("0"):
            number.italian_leading_zero = True
            number.number_of_leading_zeros = len(national) - len(national.lstrip("0"))
        if phonenumbers.is_valid_number_for_region(number, region):
            return region
    return None


def classify(raw: str, before: str) -> tuple[float, str] | None:
    """(score, why) for a candidate `raw` with the text `before` it on its line, or None.

    Scores at or above 0.4 stand alone; lower ones need a context word. A phone word right
    before the number on its line (`call`, `tel`, `cell`, `Ph#`) is that word: such a number
    scores 0.4 at least, whether or not Presidio's context enhancement sees the word.
    """
    verdict = _classify(raw, before)
    if verdict is not None and verdict[0] < 0.4 and _PHONE_WORD_BEFORE.search(before):
        why = verdict[1] if verdict[1].endswith("after a phone word") else verdict[1] + ", after a phone word"
        return 0.4, why
    return verdict


def _span_of_two(text: str) -> bool:
    """Whether two groups of four are a range or a pair of clock times, not a local number:
    "2500-3000", "2500 3000" (round ends going up), "4236-4290" (a short step up), "2200 0600"."""
    pair = _LOCAL_EIGHT.fullmatch(text)
    a, b = int(pair["a"]), int(pair["b"])
    if a < b and ((a % 10 == 0 and b % 10 == 0) or ("-" in text and b - a < 100)):
        return True
    return all(int(g[:2]) < 24 and int(g[2:]) % 15 == 0 for g in (pair["a"], pair["b"]))


def _classify(raw: str, before: str) -> tuple[float, str] | None:
    """(score, why) for a candidate `raw` with the text `before` it on its line, or None.

    Scores at or above 0.4 stand alone; lower ones need a context word (Presidio's context
    enhancement adds it) to pass a policy's threshold.
    """
    shown = _EXTENSION.sub("", raw.strip())
    text = shown.lstrip("(")
    phone_word = _PHONE_WORD_BEFORE.search(before) is not None
    if text.startswith("+") or text.startswith("00"):
        # "+41 (0)46 ...": the trunk prefix in parentheses is not dialled from abroad.
        digits = re.sub(r"\D", "", text.replace("(0)", ""))
        body = digits[2:] if text.startswith("00") else digits
        if not 7 <= len(body) <= 15:
            return None
        status = _international_status(body)
        if status == 2:
            return 0.7, "valid international number"
        if status == 1 and text.startswith("+") and len(body) >= 8:
            return 0.45, "possible international number"  # the + is evidence enough
        if status == 1:
            return 0.3, "possible international number after 00"
        return None
    digits = re.sub(r"\D", "", text)
    if not 6 <= len(digits) <= 13:
        return None
    groups = [g for g in _GROUP_SPLIT.split(text) if g]
    separators = set(re.findall(r"[^\d]", text))
    if _DATE.fullmatch(text):
        return None
    if _LAB_SLASHES.match(text) or (_ZIP4.fullmatch(text) and not phone_word):
        return None  # "pH 7.32/51/101" is a blood gas whatever the word before
    if _THOUSANDS.fullmatch(text):
        # "788 690 724" is an amount until a phone word says otherwise.
        return (0.2, "grouped in thousands, after a phone word") if phone_word else None
    if len(groups) >= 2 and all(_YEAR.fullmatch(g) for g in groups):
        return None  # "2019 2020 2021"
    if separators == {"."} and len(groups) == 4 and all(len(g) <= 3 for g in groups):
        return None  # an IP address or a version
    if "/" in separators and len(groups) == 2 and min(len(g) for g in groups) <= 4 and not phone_word:
        return None  # a fraction, a ratio, "2023/1234"
    if _ID_BEFORE.search(before) and not phone_word:
        return None
    region = _national_region(digits)
    if region is None:
        return (0.2, "possible national number") if phone_word and len(digits) >= 7 else None
    trunk_shaped = digits.startswith("0") and not digits.startswith("00") and len(groups) >= 3
    # groups no amount is written in: "3702 386 7199", "3061 188 366", "0650 126 40 10"
    irregular = (
        len(groups) >= 3
        and len(digits) >= 8
        and ((len(groups[0]) > 3 and not _YEAR.fullmatch(groups[0])) or any(len(g) != 3 for g in groups[1:]))
    )
    if trunk_shaped and 9 <= len(digits) <= 12:
        return 0.45, f"national number valid for {region}, trunk prefix and groups"
    if irregular or (len(groups) >= 3 and digits.startswith("0")):
        return 0.4, f"national number valid for {region}, grouped as phone numbers are"
    if _LOCAL_EIGHT.fullmatch(text) and not _span_of_two(text):
        return 0.4, f"local number valid for {region}, two groups of four"
    if _LOCAL_SEVEN.fullmatch(text):
        return 0.4, f"local number valid for {region}, written 3-2-2"
    if _AREA_CODE.match(shown) and 8 <= len(digits) <= 13:
        return 0.4, f"national number valid for {region}, area code apart"
    if len(digits) >= 7:
        return 0.2, f"national number valid for {region}"
    return None


_LIST_JOINER = re.compile(r"[ \t]*(?:/|,|;|&|\||(?i:or|and|ou|et|oder|und|o|y))?[ \t]*")
# "617 555 0100 / 617 555 0101": numbers listed with a spaced slash.
_SPACED_SLASH = re.compile(r"[ \t]+/[ \t]*|[ \t]*/[ \t]+")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`, `end` without surrounding blanks, trailing separators or an unclosed parenthesis."""
    while end > start and text[end - 1] in " \t(-./":
        end -= 1
    while start < end and text[start] in " \t":
        start += 1
    return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The candidate `text[start:end]` as one number, or as the numbers a spaced slash lists."""
    whole = _trimmed(text, start, end)
    cuts = list(_SPACED_SLASH.finditer(text, whole[0], whole[1]))
    if not cuts:
        return [whole]
    bounds, first = [], whole[0]
    for cut in cuts:
        bounds.append(_trimmed(text, first, cut.start()))
        first = cut.end()
    bounds.append(_trimmed(text, first, whole[1]))
    if classify(text[whole[0] : whole[1]], "") is not None and not all(
        classify(text[s:e], "") for s, e in bounds
    ):
        return [whole]
    return [(s, e) for s, e in bounds if e > s]


@register("world_phone")
class WorldPhoneRecognizer(EntityRecognizer):
    """Phone numbers of any region: international prefix, or national format shaped like a phone."""

    ENTITY = "PHONE_NUMBER"
    NAME = "world_phone"
    CONTEXT = _PHONE_WORDS

    def __init__(self, supported_language: str = "en", supported_entity: str | None = None):
        super().__init__(
            supported_entities=[supported_entity or self.ENTITY],
            supported_language=supported_language,
            name=self.NAME,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results = []
        last_end, last_before = -1, ""
        for match in _CANDIDATE.finditer(text):
            start, end = _trimmed(text, *match.span("number"))
            if end <= start:
                continue
            line_start = text.rfind("\n", 0, start) + 1
            before = text[max(line_start, start - 40) : start]
            if before[-1:] in (".", ":", "#") and not _GLUED_LABEL.search(before):
                continue  # glued to something that is not a phone label ("v1.", "id#")
            if before[-1:].isalpha() and not _GLUED_WORD.search(before):
                continue  # the tail of a word or an id ("A1234567", "ID0612345678")
            for piece_start, piece_end in _pieces(text, start, end):
                piece_before = text[max(line_start, piece_start - 40) : piece_start]
                if last_end >= 0 and _LIST_JOINER.fullmatch(text[last_end:piece_start]):
                    # "phone 555-1234 or 555-5678", "Tel 020 7946 0958 / 07700 900123": the
                    # second number has the first one's phone word.
                    piece_before = last_before
                verdict = classify(text[piece_start:piece_end], piece_before)
                if verdict is None:
                    continue
                results.append(self._result(entity, piece_start, piece_end, *verdict))
                last_end, last_before = piece_end, piece_before
        for match in _SHORT_CUED.finditer(text):
            group = next(name for name, value in match.groupdict().items() if value)
            start, end = match.span(group)
            results.append(self._result(entity, start, end, 0.6, _SHORT_WHY[group]))
        return results

    def _result(self, entity: str, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return coded_result(self, entity, start, end, score, why=why)


# The id words that are never surnames too ("Page", "Price", "Case", "Code" are): the policy
# regions' numbers are valid ones, so only these veto them.
_ID_BEFORE_STRICT = re.compile(
    r"(?i:\b(?:order|invoice|inv|ref|reference|réf|id|ticket|account|acct|iban|isbn|sku|serial|"
    r"tracking|transaction|txn|facture|commande|dossier|claim|siren|siret|nir|ssn|otp|zip|postcode|plz|mrn|"
    r"pièce|article|produit|modèle|colis|sku|eur|usd|gbp|chf|sek|nok|dkk|aud|cad|jpy|inr)\b"
    r"(?:[ \t:.#]*(?i:number|no|nr|n°|num)\b)?|[#€$£])[ \t:.#]*$"
)


# An id noun with a number marker after it ("Part no.", "Lot #", "Item Nr", "Model number"): the
# marker makes even a noun that is a surname ("Page", "Price") an id label.
_ID_NOUN_MARKED = re.compile(
    r"(?i:\b(?:part|item|lot|batch|model|page|case|code|policy|product|article|art|ref|unit|serial|"
    r"catalog(?:ue)?|cat|style|member|membership|customer|client|patient|badge|employee|staff|voucher|"
    r"coupon|receipt|document|doc|file|form|permit|licen[cs]e|registration|reg|contract|quote)"
    r"[ \t]*(?:number|no|nr|n°|num|#)\.?)[ \t:.#]*$"
)


def after_id_word(text: str, start: int) -> bool:
    """Whether the number at `start` follows an id word ("Invoice 0612345678", "Order #", "zip",
    "Part no.") or is a US ZIP+4 code ("MA 41273-3292"), with no phone word (`tel`, `call`...)
    before it on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40) : start]
    if _PHONE_WORD_BEFORE.search(before) is not None:
        return False
    zip4 = _ZIP4.match(text, start)
    if zip4 and not text[zip4.end() : zip4.end() + 1].isdigit():
        return True
    return _ID_BEFORE_STRICT.search(before) is not None or _ID_NOUN_MARKED.search(before) is not None


def inside_a_word(text: str, start: int) -> bool:
    """Whether the number at `start` goes on from a word or an id ("X95 4443 423", "AB12 3456")
    that is no phone label: glued to `tel`, `ph`, `mob`... ("TEL0650126410") it is a phone."""
    if start == 0 or not text[start - 1].isalpha():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return _GLUED_WORD.search(text[max(line_start, start - 40) : start]) is None
