"""Field rules: which values of a record are kept, dropped or scanned.

Fail closed: any value that could hold text and that the policy does not keep is scanned.
Strings are scanned as they are; numbers, dates and decimals are scanned as their text and
removed (set to null) when a finding covers them; lists and objects are walked recursively (or
dropped, per `fields.nested`); bytes cannot be scanned and are removed.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .policy import FieldRules, NestedMode

Path = tuple[str | int, ...]


class Decision(StrEnum):
    KEEP = "keep"
    DROP = "drop"
    SCAN = "scan"


def dotted(path: Path) -> str:
    """`("messages", 3, "text")` -> `messages.text`: rules ignore list positions."""
    return ".".join(str(part) for part in path if not isinstance(part, int))


def display_path(path: Path) -> str:
    """`("messages", 3, "text")` -> `messages[3].text`, for the audit log and messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class FieldPlan:
    """Decides per value path what to do, from the policy's field rules."""

    def __init__(self, rules: FieldRules):
        self.rules = rules
        self._keep = set(rules.keep)
        self._drop = set(rules.drop)
        self._scan = set(rules.scan)

    def decide(self, path: Path) -> Decision | None:
        """The most specific rule naming this path or one of its parents; None if unlisted."""
        name = dotted(path)
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in self._keep:
                return Decision.KEEP
            if prefix in self._drop:
                return Decision.DROP
            if prefix in self._scan:
                return Decision.SCAN
        return None


@dataclass(slots=True)
class TextSlot:
    """One scannable value of a record: where it is and its text."""

    path: Path
    text: str
    numeric: bool  # a non-string scalar scanned as text: removed, not rewritten, on a finding
    original: Any = None
    hint: str | None = None  # the entity type the field's name says it holds (`field_entity`)


_SCALAR_AS_TEXT = (int, float, decimal.Decimal, _dt.date, _dt.datetime, _dt.time, _dt.timedelta)


def split_record(record: dict[str, Any], plan: FieldPlan) -> tuple[dict[str, Any], list[TextSlot], int]:
    """A copy of the record without dropped values, the values to scan, and how many were dropped.

    Scanned values stay in the copy until `fill_record` replaces them, so the copy must never be
    written without it.
    """
    slots: list[TextSlot] = []
    dropped = 0
    id_field = plan.rules.id

    def walk(value: Any, path: Path, explicit: bool) -> tuple[bool, Any]:
        nonlocal dropped
        decision = plan.decide(path)
        if decision is Decision.KEEP:
            return True, value
        if decision is Decision.DROP:
            dropped += 1
            return False, None
        explicit = explicit or decision is Decision.SCAN
        if value is None or isinstance(value, bool):
            return True, value
        if isinstance(value, str):
            slots.append(TextSlot(path, value, numeric=False, hint=field_entity(path)))
            return True, value
        if isinstance(value, _SCALAR_AS_TEXT):
            slots.append(TextSlot(path, str(value), numeric=True, original=value, hint=field_entity(path)))
            return True, value
        if isinstance(value, dict | list | tuple):
            if plan.rules.nested is NestedMode.DROP and not explicit:
                dropped += 1
                return False, None
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for key, child in value.items():
                    keep, new = walk(child, (*path, str(key)), explicit)
                    if keep:
                        out[str(key)] = new
                return True, out
            items = []
            for index, child in enumerate(value):
                keep, new = walk(child, (*path, index), explicit)
                items.append(new if keep else None)
            return True, items
        # bytes and anything else that cannot be scanned: never passed through raw
        dropped += 1
        return True, None

    copy: dict[str, Any] = {}
    for key, value in record.items():
        if key == id_field:
            copy[key] = value
            continue
        keep, new = walk(value, (key,), False)
        if keep:
            copy[key] = new
    return copy, slots, dropped


def fill_record(copy: dict[str, Any], slots: list[TextSlot], redacted: list[Any]) -> dict[str, Any]:
    """Write redacted values back into the copy at their paths."""
    for slot, text in zip(slots, redacted, strict=True):
        target: Any = copy
        for part in slot.path[:-1]:
            target = target[part]
        target[slot.path[-1]] = text
    return copy


# --- the field's name as evidence ------------------------------------------------------------
# A value with no sentence around it ("Maho Hudobivnik", "+44 7700 355251") gives the NER model
# and the context words nothing to go on; the name of the field holding it does. Keys are split
# into words ("customerName", "billing-address", "TEL_2" -> customer name, billing address, tel).
_FIELD_WORDS = {
    "PERSON": """name fullname firstname lastname givenname familyname surname forename middlename
        maidenname displayname customer client patient contact person author owner recipient sender
        addressee holder cardholder accountholder employee spouse guardian parent kin signatory
        nom prenom prénom nomcomplet nomdefamille vorname nachname familienname
        nombre apellido apellidos nome cognome naam achternaam voornaam imie imię nazwisko
        efternamn fornavn efternavn etternavn sukunimi etunimi""",
    "STREET_ADDRESS": """address addr street streetaddress addressline address1 address2 line1 line2
        homeaddress billingaddress shippingaddress mailingaddress postaladdress deliveryaddress
        adresse rue voie strasse straße anschrift calle direccion dirección domicilio indirizzo
        endereco endereço morada adres ulica adresa gatuadress gade vej osoite""",
    "LOCATION": """city town village municipality hometown birthplace placeofbirth suburb district
        ville commune localite localité lieu lieudenaissance stadt ort wohnort gemeinde
        ciudad localidad citta città comune cidade municipio stad plaats woonplaats miasto
        miejscowosc miejscowość by kaupunki""",
    "PHONE_NUMBER": """tel tel1 tel2 phone phonenumber telephone telephonenumber mobile mobilephone
        mobilenumber cell cellphone cellular fax faxnumber pager whatsapp gsm contactnumber
        homephone workphone téléphone telephone portable numerodetelephone telefon telefonnummer
        handy handynummer mobil telefono teléfono movil móvil celular telefone telemovel telefoon
        telefonnummer puhelin""",
    "EMAIL_ADDRESS": """email emailaddress mail mailaddress courriel adressemail adressecourriel""",
    "POSTAL_CODE": """zip zipcode postcode postalcode plz cp codepostal cap cep""",
}
_WORD_TYPE = {word: entity for entity, words in _FIELD_WORDS.items() for word in words.split()}
# A "name" of something that is not a person: "product_name", "fileName", "company name".
_NOT_A_PERSON = frozenset(
    """file product company org organization organisation business brand item project app
    application service host hostname domain table field column event queue policy model category
    tag label team group channel role device browser plan package course store shop site page
    street city town country region state place venue hotel hospital school department dept
    user username login account nick nickname screen""".split()
)
_SPLIT_KEY = re.compile(r"[^\w]+|_+|(?<=[a-zà-ÿ])(?=[A-Z])")


def field_entity(path: Path) -> str | None:
    """The entity type a field's name says its value is (`customer.name` -> PERSON), or None.

    Only the last key counts: `customer.notes` is free text, `customer.name` a name.
    """
    key = next((part for part in reversed(path) if isinstance(part, str)), None)
    if not key:
        return None
    words = [w.lower() for w in _SPLIT_KEY.split(key) if w]
    if not words:
        return None
    joined = "".join(words)
    entity = _WORD_TYPE.get(joined) or _WORD_TYPE.get(re.sub(r"\d+$", "", joined))
    if entity is None and len(words) > 1:
        last = re.sub(r"\d+$", "", words[-1])
        entity = _WORD_TYPE.get(words[-2] + last) or _WORD_TYPE.get(last)
        if entity == "PERSON" and any(w in _NOT_A_PERSON for w in words[:-1]):
            # "street_name", "city_name": the place; "product_name": nothing
            entity = next((_WORD_TYPE.get(w) for w in words[:-1] if _WORD_TYPE.get(w) != "PERSON"), None)
    return entity


_NAME_VALUE = re.compile(r"^[^\W\d_][\w'’.,-]*(?:[ \t]+[\w'’.,-]+){0,5}$")
_PHONE_VALUE = re.compile(r"^[+(]?[\d\s().\-/]{5,24}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$")


_VALUE_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _name_shaped(value: str, entity: str) -> bool:
    """A value a name or place field holds that reads as one: not a code (`EUR`, `K`), not a
    country alone (for a place: `Austria`), not only ordinary words (`wholesale`, `newsletter`,
    `store`: lower-case dictionary words that are no first name, label or number words)."""
    from .names import first_names, fold, world_first_names
    from .places import is_country
    from .vocabulary import is_dictionary_word, is_label_word, is_number_word

    words = _VALUE_WORD.findall(value)
    if not words or max(len(w) for w in words) < 2:
        return False  # "K", "B", "J."
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 3:
        return False  # "EUR", "VIP", "N/A"
    if is_country(value):
        return False
    names = first_names() | world_first_names()

    def ordinary(word: str) -> bool:
        if fold(word) in names and not (is_label_word(word) or is_number_word(word)):
            return False
        if is_label_word(word) or is_number_word(word):
            return True
        return word.islower() and is_dictionary_word(word)

    return not all(ordinary(w) for w in words)


def hinted_span(text: str, entity: str) -> tuple[int, int] | None:
    """The span of `text` a field named for `entity` holds as that entity: the whole value,
    blanks aside, when it is short and shaped like one; None for anything else (a sentence in
    a `name` field is left to detection, a category or a country in a `customer` or `ship`
    field is no name, `_name_shaped`)."""
    value = text.strip()
    if not value:
        return None
    start = text.index(value)
    span = (start, start + len(value))
    if entity == "PERSON" or entity == "LOCATION":
        ok = (
            len(value) <= 80
            and _NAME_VALUE.match(value) is not None
            and not any(c.isdigit() for c in value)
            and _name_shaped(value, entity)
        )
    elif entity == "STREET_ADDRESS":
        ok = len(value) <= 200 and any(c.isalpha() for c in value) and value.count("\n") <= 6
    elif entity == "PHONE_NUMBER":
        ok = _PHONE_VALUE.match(value) is not None and sum(c.isdigit() for c in value) >= 5
    elif entity == "EMAIL_ADDRESS":
        ok = "@" in value and len(value) <= 254 and " " not in value
    elif entity == "POSTAL_CODE":
        ok = len(value) <= 12 and any(c.isdigit() for c in value)
    else:
        ok = False
    return span if ok else None
