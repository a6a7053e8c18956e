"""Coded recognizers, registered by name.

Pattern and deny-list recognizers are declared in the policy with no code. A recognizer that
needs code (a checksum, a parser) is one file in this package, subclasses Presidio's
`PatternRecognizer` or `EntityRecognizer`, and registers itself with `@register("name")`;
a policy turns it on by listing that name under `coded_recognizers`. Lookup is explicit: never
by scanning subclasses, so what runs does not depend on import order.
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from ..errors import PolicyError

_REGISTRY: dict[str, type[EntityRecognizer]] = {}


def register(name: str) -> Callable[[type[EntityRecognizer]], type[EntityRecognizer]]:
    def decorate(cls: type[EntityRecognizer]) -> type[EntityRecognizer]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"recognizer name '{name}' is already registered")
        _REGISTRY[name] = cls
        return cls

    return decorate


def coded_result(
    recognizer: EntityRecognizer,
    entity: str,
    start: int,
    end: int,
    score: float,
    *,
    pattern: str | None = None,
    why: str | None = None,
) -> RecognizerResult:
    """A finding of a coded recognizer, with the explanation and metadata Presidio's own carry."""
    explanation = AnalysisExplanation(
        recognizer=recognizer.name, original_score=score, pattern_name=pattern, textual_explanation=why
    )
    return RecognizerResult(
        entity,
        start,
        end,
        score,
        analysis_explanation=explanation,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )


def registered() -> dict[str, type[EntityRecognizer]]:
    _load_builtin()
    return dict(_REGISTRY)


def get(name: str) -> type[EntityRecognizer]:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        from ..policy import did_you_mean

        known = ", ".join(sorted(_REGISTRY)) or "(none)"
        hint = did_you_mean(name, _REGISTRY)
        raise PolicyError(
            f"coded_recognizers: no coded recognizer named '{name}'{hint} (known: {known})"
        ) from None


def _load_builtin() -> None:
    # The modules register themselves on import; the list is explicit.
    from . import (  # noqa: F401
        age,
        clinical_dates,
        clinician_name,
        driver_licence,
        facility,
        fr_clinician_name,
        fr_internal_phone,
        fr_nir,
        fr_siren,
        medical_ids,
        name_lexicon,
        pager,
        payment_card,
        phone_number,
        postal_code,
        salutation_name,
        street_address,
        town,
    )
