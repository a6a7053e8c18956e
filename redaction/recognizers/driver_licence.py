"""US driver's licence numbers written after a label ("DL# 12345678", "license no. A123-4567-8901").

Presidio's own recognizer scores bare digit runs at 0.01 and its context words miss "DL", so a
labelled licence number stays below any useful threshold. The label makes the number certain.
"""

from __future__ import annotations

from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

_LABEL = (
    r"(?i:\b(?:d\.?l\.?|dl\s*(?:no\.?|number|#)|driver'?s?\s+licen[cs]e|driving\s+licen[cs]e"
    r"|licen[cs]e)(?:\s*(?:no\.?|number|num|#))?\s*[:#.|]?\s*(?:is\s+)?)"
)
# 1-2 letters optional, then digits with optional dash/space groups (A123-4567-8901, 123456789).
_VALUE = r"(?P<value>[A-Za-z]{0,2}\d{3,}(?:[- ]\d{3,}){0,3}[A-Za-z]?)\b"


@register("driver_licence")
class DriverLicenceRecognizer(LabelledValueRecognizer):
    ENTITY = "US_DRIVER_LICENSE"
    NAME = "driver_licence"
    PATTERNS = (LabelledPattern("labelled licence number", _LABEL + _VALUE, 0.7),)

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        digits = sum(ch.isdigit() for ch in value)
        return 5 <= digits <= 16
