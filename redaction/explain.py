"""What a policy will do, in words a compliance officer or data engineer can check.

`explain_policy` lists, per entity type, its threshold and action and every recognizer that can
report it, with one line on how each finds values; and the detection settings. The CLI prints it
(`scrubline policy show`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from . import recognizers as coded
from .detect import build_registry
from .policy import Policy

# Presidio's predefined recognizers, in one line each (their docstrings are longer or missing).
_PRESIDIO = {
    "SpacyRecognizer": "spaCy named-entity model of the record's language",
    "EmailRecognizer": "e-mail address pattern, domain checked against the bundled public suffix list",
    "PhoneRecognizer": "phonenumbers (Google libphonenumber) for the policy's phone regions",
    "PolicyPhoneRecognizer": "phonenumbers (Google libphonenumber) for the policy's phone regions",
    "CreditCardRecognizer": "card number patterns of the main networks, Luhn checksum",
    "IbanRecognizer": "IBAN pattern per country, ISO 7064 checksum",
    "IpRecognizer": "IPv4 and IPv6 patterns",
    "UsSsnRecognizer": "US SSN patterns, invalid ranges rejected",
    "UsLicenseRecognizer": "US driver licence patterns (weak without context words)",
    "UsPassportRecognizer": "US passport number patterns (weak without context words)",
    "UsBankRecognizer": "US bank account digits (weak without context words)",
    "UsItinRecognizer": "US ITIN patterns",
    "UrlRecognizer": "URL patterns, domain checked against the bundled public suffix list",
    "NhsRecognizer": "UK NHS number, modulus 11 checksum",
    "MedicalLicenseRecognizer": "US DEA number pattern and checksum",
    "CryptoRecognizer": "Bitcoin address, checksum",
    "MacAddressRecognizer": "MAC address patterns",
    "DateRecognizer": "date patterns",
    "UuidRecognizer": "UUID pattern",
}


@dataclass(frozen=True)
class RecognizerLine:
    name: str
    languages: tuple[str, ...]
    how: str


@dataclass(frozen=True)
class EntityLine:
    entity: str
    threshold: float
    action: str
    options: str
    recognizers: tuple[RecognizerLine, ...]


def _how(recognizer) -> str:
    name = recognizer.name
    if name in _PRESIDIO:
        return _PRESIDIO[name]
    if name in coded.registered():
        cls = coded.get(name)
        # The class's own docstring (not one inherited from Presidio), else its module's.
        doc = cls.__dict__.get("__doc__") or inspect.getmodule(cls).__doc__ or "coded recognizer"
        return inspect.cleandoc(doc).splitlines()[0]
    if name.startswith("deny_list_"):
        return f"deny list ({len(getattr(recognizer, 'deny_list', []) or [])} words)"
    patterns = getattr(recognizer, "patterns", None) or []
    context = getattr(recognizer, "context", None) or []
    if patterns:
        text = "policy regex: " + ", ".join(f"{p.name} ({p.score:.2f})" for p in patterns)
        return text + (f"; context: {', '.join(context)}" if context else "")
    return type(recognizer).__name__


def explain_policy(policy: Policy) -> list[EntityLine]:
    registry = build_registry(policy)
    by_entity: dict[str, dict[str, RecognizerLine]] = {}
    for recognizer in registry.recognizers:
        for entity in recognizer.supported_entities:
            lines = by_entity.setdefault(entity, {})
            known = lines.get(recognizer.name)
            languages = tuple(sorted({*(known.languages if known else ()), recognizer.supported_language}))
            lines[recognizer.name] = RecognizerLine(recognizer.name, languages, _how(recognizer))
    spacy_entities = {"PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", "NRP"}
    out = []
    for entity, rule in sorted(policy.entities.items()):
        options = {k: v for k, v in rule.model_dump(exclude={"threshold", "action"}).items() if v is not None}
        recognizers = dict(by_entity.get(entity, {}))
        if entity in spacy_entities and "SpacyRecognizer" not in recognizers:
            recognizers["SpacyRecognizer"] = RecognizerLine(
                "SpacyRecognizer", tuple(policy.languages), _PRESIDIO["SpacyRecognizer"]
            )
        out.append(
            EntityLine(
                entity=entity,
                threshold=rule.threshold,
                action=rule.action.value,
                options=", ".join(f"{k}={v}" for k, v in options.items()),
                recognizers=tuple(sorted(recognizers.values(), key=lambda r: r.name)),
            )
        )
    return out
