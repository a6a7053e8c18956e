"""Identifiers of health records written after their label: MRN, account, health plan, licence,
device serial, vehicle plate. The label stays, the value goes (`MRN: <MEDICAL_RECORD_NUMBER>`).

Each kind is its own recognizer (one entity each), registered under its own name; the labels are
the ones notes and forms use (`MRN`, `MR#`, `Med Rec #`, `Unit No`, `Acct #`, `FIN`, `Encounter
#`, `Medicaid #`, `Member ID`, `Policy #`, `Lic #`, `DEA #`, `NPI`, `S/N`, `Serial #`, `Plate #`,
`VIN`). A value must hold a digit and be at least 4 characters; words after a label (`MRN on
file`) are never a value.
"""

from __future__ import annotations

from . import register
from .labelled import LabelledPattern, LabelledValueRecognizer

# A full stop after the label word ends a sentence ("plan. Medicaid # ..."), not a label.
_SEP = r"[ \t]*(?:#|no\.?|num(?:ber)?\.?|id|number)?[ \t]*[:#=]?[ \t]*(?:is[ \t]+)?"
# The value holds a digit (checked in the pattern, so that a word after a first label, as in
# "insurance: medicaid id gg52634g", leaves the second label to match).
# A quantity is no id ("Plan 1000 cc NS bolus", "group 1200 mg"): a unit after the value ends it.
_VALUE = (
    r"(?P<value>(?=[A-Za-z0-9./-]{0,24}\d)[A-Za-z0-9](?:[A-Za-z0-9]|[-/.](?=[A-Za-z0-9])){3,24})(?![\w-])"
    r"(?![ \t]*(?i:cc|mls?|mg|mcg|units?|gm?|kg|l|meq|mmol|mmhg|mins?|hrs?|%)(?!\w))"
)


def _labelled(label: str) -> str:
    return rf"(?i:\b(?:{label}){_SEP}){_VALUE}"


class _LabelledId(LabelledValueRecognizer):
    FLAGS = 0

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        digits = sum(c.isdigit() for c in value)
        return digits >= 3 and len(value) >= 4


@register("medical_record_number")
class MedicalRecordNumberRecognizer(_LabelledId):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    NAME = "medical_record_number"
    PATTERNS = (
        LabelledPattern(
            "record number label",
            _labelled(
                r"mrn|mr|m\.r\.|med(?:ical)?[ \t]+rec(?:ord)?s?|chart|unit|hospital|hosp|patient|pt|"
                r"clinic|case|history|hx|record|rec|accession|specimen|pt[ \t]+id|patient[ \t]+id"
            ).replace(r"(?:#|no", r"(?:#|no|number|num", 1),
            0.8,
        ),
        # "#68229608." a number of 6 digits or more after a bare # (never "POD#2", "room #412")
        LabelledPattern("bare # number", r"(?<![\w#])#[ \t]?(?P<value>\d{6,12})(?![\w/-]|\.\d)", 0.5),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        return super().validate_value(value, pattern) and sum(c.isdigit() for c in value) >= 5


@register("account_number")
class AccountNumberRecognizer(_LabelledId):
    ENTITY = "ACCOUNT_NUMBER"
    NAME = "account_number"
    PATTERNS = (
        LabelledPattern(
            "account label",
            _labelled(r"acc(?:oun)?t|acct|billing|fin|encounter|enc|visit|invoice|claim|har|csn"),
            0.75,
        ),
    )


@register("health_plan_number")
class HealthPlanNumberRecognizer(_LabelledId):
    ENTITY = "HEALTH_PLAN_NUMBER"
    NAME = "health_plan_number"
    PATTERNS = (
        LabelledPattern(
            "health plan label",
            _labelled(
                r"member|subscriber|policy|plan|beneficiary|insurance|ins|medicaid|medicare|mcd|mcr|"
                r"hic|hicn|mbi|group|grp|bcbs|blue[ \t]+cross|payer|insurer|coverage"
            ),
            0.75,
        ),
    )


@register("licence_number")
class LicenceNumberRecognizer(_LabelledId):
    ENTITY = "MEDICAL_LICENSE"
    NAME = "licence_number"
    PATTERNS = (
        LabelledPattern(
            "licence or certificate label",
            _labelled(
                r"lic(?:en[cs]e)?|certificate|cert|dea|npi|registration|reg|board[ \t]+cert(?:ification)?|"
                r"state[ \t]+lic(?:en[cs]e)?|nursing[ \t]+lic(?:en[cs]e)?|rn[ \t]+lic(?:en[cs]e)?|upin"
            ),
            0.75,
        ),
    )


@register("device_serial")
class DeviceSerialRecognizer(_LabelledId):
    ENTITY = "DEVICE_SERIAL"
    NAME = "device_serial"
    PATTERNS = (
        LabelledPattern(
            "serial label",
            _labelled(
                r"serial|ser|s/n|sn|device(?:[ \t]+id)?|imei|udi|model/serial|lot|implant(?:[ \t]+id)?|asset"
            ),
            0.75,
        ),
    )


@register("vehicle_id")
class VehicleIdRecognizer(_LabelledId):
    ENTITY = "VEHICLE_ID"
    NAME = "vehicle_id"
    PATTERNS = (
        LabelledPattern(
            "plate or VIN label",
            r"(?i:\b(?:licen[cs]e[ \t]+plate|plate|tag|vin|vehicle(?:[ \t]+id)?|reg(?:istration)?[ \t]+plate)"
            rf"{_SEP})"
            rf"(?P<value>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){{3,16}})(?![\w-])",
            0.75,
        ),
        LabelledPattern("VIN shape", r"(?<![\w-])(?P<value>[A-HJ-NPR-Z0-9]{11}\d{6})(?![\w-])", 0.5),
    )


@register("full_url")
class FullUrlRecognizer(LabelledValueRecognizer):
    """A web address with its path and query: Presidio's URL recognizer stops at the host, and
    a path (`/chart/7718`, `?mrn=...`) identifies as much."""

    ENTITY = "URL"
    NAME = "full_url"
    PATTERNS = (
        LabelledPattern(
            "url with scheme", r"(?i:(?P<value>\b(?:https?|ftp)://[^\s<>\"']+[^\s<>\"'.,;:)\]]))", 0.8
        ),
        LabelledPattern("www url", r"(?i:(?P<value>\bwww\.[^\s<>\"']+[^\s<>\"'.,;:)\]]))", 0.7),
    )

    def validate_value(self, value: str, pattern: LabelledPattern) -> bool:
        digits = sum(c.isdigit() for c in value)
        letters = sum(c.isalpha() for c in value)
        if pattern.name == "VIN shape":
            return letters >= 3
        return digits >= 1 and len(value.replace(" ", "").replace("-", "")) >= 4
