"""Phone numbers in any country's format, without one phonenumbers pass per region.

The policy's `phone_regions` pass (`redaction.detect.PolicyPhoneRecognizer`) finds numbers as
its regions write them. This recognizer finds the others in one regex pass over the text:

- a number written with its country prefix (`+44 7700 355251`, `0043 650 1264010`, `+1 (555)
  123-4567`) is parsed once, without a region, and is a phone when valid (possible: with a
  context word);
- a number written in a national format (`0650 126 40 10`, `431 51 143`) is a phone when it is
  shaped like one (a trunk `0` and three groups or more, or groups that are not thousands) and
  valid for some region; any other digit run of phone length needs a context word (`tel`, `call`,
  `Handy`, `portable`...) before it.

Amounts (`1 250 000`, `12.345.678`), dates (`2023-04-12`, `12/04/2023`, `2023 04 12`), years in a
row, IP-like dotted quads and numbers after an id word (`invoice`, `order`, `ref`, `#`) are not
phones, whatever their digits; `tests/data/tuning/phones.py` is the tuning set these rules were
written on (`benchmarks/phones.py` measures them).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from . import register

# A run of digits with the separators phone numbers are written with; never across a line break.
_CANDIDATE = re.compile(
    r"(?<![\w+.,/:@#€$£-])"  # not the tail of a word, an amount, a time, an id
    r"(?P<number>(?:\(?\+|\b00)?[ \t]?\(?\d[\d \t().\-/]{4,22}\d"
    r"(?:[ \t]*(?:x|ext\.?|extn?|poste|Durchwahl|#)[ \t]*\d{1,6})?)"
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
# Words after which a number is an identifier or an amount, not a phone.
# "number", "no." alone say nothing ("Contact number: ..."); after one of these nouns they do.
_ID_BEFORE = re.compile(
    r"(?i:\b(?:order|invoice|inv|ref|reference|réf|id|ids|ticket|case|account|acct|iban|isbn|sku|serial|"
    r"tracking|parcel|amount|total|price|prix|montant|facture|commande|dossier|code|pin|otp|version|"
    r"policy|claim|transaction|txn|batch|lot|item|part|model|page|pages|"
    r"row|line|year|years|x|siren|siret|nir|ssn)\b(?:[ \t:.#]*(?i:number|no|nr|n°|num)\b)?|[#€$£])[ \t:.#]*$"
)
_PHONE_WORDS = (
    "phone telephone tel tél téléphone telefon telefono teléfono telefone telefoon tlf puhelin "
    "call calls called calling ring dial fax mobile mob cell cellphone portable handy natel móvil movil "
    "celular cellulare gsm pager beeper whatsapp signal viber sms text contact reach joindre appeler "
    "appelez rappeler numéro number nummer numero número"
).split()
# Words that make the number after them a phone even after an id word ("order line: call ...").
_WEAK_WORDS = {"number", "nummer", "numero", "número", "numéro", "reach", "text"}
_STRONG_WORDS = [w for w in _PHONE_WORDS if w not in _WEAK_WORDS]
_PHONE_WORD_BEFORE = re.compile(
    r"(?i:\b(?:" + "|".join(sorted(_STRONG_WORDS, key=len, reverse=True)) + r")\b|\b[TMF][ \t]*[:.])"
    r"[^\n\d]{0,25}$"
)
_EXTENSION = re.compile(r"[ \t]*(?:x|ext\.?|extn?|poste|Durchwahl|#)[ \t]*\d{1,6}$")
# "(0118) 4960868", "06039 78723", "02602/87551894": an area code set apart.
_AREA_CODE = re.compile(r"\(0?\d{2,4}\)[ \t-]*\d{5,8}$|0[1-9]\d{1,4}[ \t/-]\d{5,8}$")
_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)


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
    if _THOUSANDS.fullmatch(text):
        # "788 690 724" is an amount until a phone word says otherwise.
        return (0.2, "grouped in thousands, after a phone word") if phone_word else None
    if len(groups) >= 2 and all(_YEAR.fullmatch(g) for g in groups):
        return None  # "2019 2020 2021"
    if separators == {"."} and len(groups) == 4 and all(len(g) <= 3 for g in groups):
        return None  # an IP address or a version
    if "/" in separators and len(groups) == 2 and min(len(g) for g in groups) <= 4:
        return None  # a fraction, a ratio, "2023/1234"
    if _ID_BEFORE.search(before) and not phone_word:
        return None
    region = _national_region(digits)
    if region is None:
        return (0.2, "possible national number") if phone_word and len(digits) >= 7 else None
    trunk_shaped = digits.startswith("0") and not digits.startswith("00") and len(groups) >= 3
    irregular = len(groups) >= 3 and len(digits) >= 8 and any(len(g) != 3 for g in groups[1:])
    if trunk_shaped and 9 <= len(digits) <= 12:
        return 0.45, f"national number valid for {region}, trunk prefix and groups"
    if irregular or (len(groups) >= 3 and digits.startswith("0")):
        return 0.4, f"national number valid for {region}, grouped as phone numbers are"
    if _AREA_CODE.match(shown) and 8 <= len(digits) <= 13:
        return 0.4, f"national number valid for {region}, area code apart"
    if len(digits) >= 7:
        return 0.2, f"national number valid for {region}"
    return None


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
        for match in _CANDIDATE.finditer(text):
            start, end = match.span("number")
            raw = text[start:end]
            # A candidate never ends on a separator or an unclosed parenthesis.
            stripped = raw.rstrip(" \t(-./")
            end -= len(raw) - len(stripped)
            lead = len(stripped) - len(stripped.lstrip(" \t"))
            start += lead
            raw = stripped.strip()
            line_start = text.rfind("\n", 0, start) + 1
            verdict = classify(raw, text[max(line_start, start - 40) : start])
            if verdict is None:
                continue
            score, why = verdict
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation=why
            )
            results.append(
                RecognizerResult(
                    entity,
                    start,
                    end,
                    score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


# The id words that are never surnames too ("Page", "Price", "Case", "Code" are): the policy
# regions' numbers are valid ones, so only these veto them.
_ID_BEFORE_STRICT = re.compile(
    r"(?i:\b(?:order|invoice|inv|ref|reference|réf|id|ticket|account|acct|iban|isbn|sku|serial|"
    r"tracking|transaction|txn|facture|commande|dossier|claim|siren|siret|nir|ssn|otp)\b"
    r"(?:[ \t:.#]*(?i:number|no|nr|n°|num)\b)?|[#€$£])[ \t:.#]*$"
)


def after_id_word(text: str, start: int) -> bool:
    """Whether the number at `start` follows an id word ("Invoice 0612345678", "Order #"),
    with no phone word (`tel`, `call`...) before it on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40) : start]
    return _ID_BEFORE_STRICT.search(before) is not None and _PHONE_WORD_BEFORE.search(before) is None
