"""Policies: versioned YAML files that say what to find and what to do with it.

A policy loads into frozen pydantic models (`extra="forbid"`); nothing downstream reads the raw
YAML. An invalid policy stops the run before any record is read and every problem is listed at
once, each naming the file and the dotted key path, e.g.::

    policies/default.yaml: entities.PHONE_NUMBER.action: 'scramble' is not one of replace,
    redact, mask, hash, pseudonymize, encrypt, surrogate, keep

Keys never appear in a policy: it names the environment variable that holds each one.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import PolicyError
from .routing import QueueSettings, RoutingPolicy

# Queue settings added with task kinds; left out of the content hash while at their defaults.
_TASK_KEYS = (
    "task",
    "multi",
    "scale",
    "instructions",
    "prompt_field",
    "responses_field",
    "messages_field",
    "auto_accept",
    "model",
)

SCHEMA_VERSION = 1

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
ENTITY_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class Action(StrEnum):
    REPLACE = "replace"  # a placeholder such as <PERSON>
    REDACT = "redact"  # remove the text
    MASK = "mask"  # overwrite characters with a masking character
    HASH = "hash"  # keyed HMAC-SHA256 digest, never a plain hash
    PSEUDONYMIZE = "pseudonymize"  # consistent surrogate such as <PERSON_3>
    ENCRYPT = "encrypt"  # reversible with the key (`scrubline decrypt`)
    SURROGATE = "surrogate"  # a realistic fake of the same kind, the same for the same value
    KEEP = "keep"  # leave the text, but record the finding


class NestedMode(StrEnum):
    SCAN = "scan"  # strings inside lists and objects are scanned recursively
    DROP = "drop"  # lists and objects in scanned fields are removed


class DuplicateIds(StrEnum):
    """What a run does with records whose id an earlier record of the same file already has, or
    the output folder (or an earlier input of the run) has with other content: there the version
    already emitted is kept (keep_first and quarantine alike) or the run fails. The same content
    again from another file is never a conflict: it is left out (`redaction.identity`)."""

    KEEP_FIRST = "keep_first"  # the first is processed, every later one quarantined (duplicate_id)
    QUARANTINE = "quarantine"  # every record of a repeated id is quarantined (duplicate_id)
    FAIL = "fail"  # the run stops before reading any record, naming the file and lines


class CsvDelimiter(StrEnum):
    """A CSV delimiter, by name (a tab is awkward to write in YAML)."""

    COMMA = "comma"
    TAB = "tab"
    SEMICOLON = "semicolon"
    PIPE = "pipe"

    @property
    def char(self) -> str:
        return {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|"}[self.value]


# Delimiters a CSV file's header row is sniffed for (in this order of preference on a tie).
CSV_DELIMITERS = tuple(d.char for d in CsvDelimiter)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageModel(_Model):
    """The spaCy model used for one language."""

    model: str = Field(description="Installed spaCy package name or path")
    lemmatizer: bool = Field(
        default=False,
        description=(
            "Load the tagger and lemmatizer for context enhancement. Off by default: "
            "benchmarks/quality.py shows no recall change and detection runs faster without."
        ),
    )
    max_chars: int = Field(default=200_000, gt=0, description="Longest text accepted")
    ner: str | None = Field(
        default=None,
        description=(
            "A NER component shipped with Scrubline (redaction/models/) that replaces the model's "
            "own ner: scrubline-pii-en (names, places, organisations from many locales and styles)"
        ),
    )

    @field_validator("ner")
    @classmethod
    def _shipped_ner(cls, value: str | None) -> str | None:
        from .models import shipped_ner_names

        if value is not None and value not in shipped_ner_names():
            known = shipped_ner_names()
            raise ValueError(
                f"{value!r} is not a NER component shipped with Scrubline{did_you_mean(value, known)} "
                f"(shipped: {', '.join(known)})"
            )
        return value


_ACTION_PARAMS: dict[Action, set[str]] = {
    Action.REPLACE: {"placeholder"},
    Action.REDACT: set(),
    Action.MASK: {"masking_char", "chars_to_mask", "from_end"},
    Action.HASH: {"digest_chars"},
    Action.PSEUDONYMIZE: {"placeholder"},
    Action.ENCRYPT: set(),
    Action.SURROGATE: set(),
    Action.KEEP: set(),
}


class EntityRule(_Model):
    """What to do with one entity type."""

    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    action: Action = Action.REPLACE
    placeholder: str | None = Field(
        default=None,
        description="replace: text to put in, '{entity}' expands; pseudonymize: needs '{n}'",
    )
    masking_char: str | None = Field(default=None, min_length=1, max_length=1)
    chars_to_mask: int | None = Field(default=None, gt=0)
    from_end: bool | None = None
    digest_chars: int | None = Field(default=None, ge=8, le=64)

    @model_validator(mode="after")
    def _params_fit_action(self) -> EntityRule:
        allowed = _ACTION_PARAMS[self.action]
        given = {
            name
            for name in ("placeholder", "masking_char", "chars_to_mask", "from_end", "digest_chars")
            if getattr(self, name) is not None
        }
        extra = sorted(given - allowed)
        if extra:
            raise ValueError(
                f"{', '.join(extra)} does not apply to action '{self.action.value}'"
                + (f" (it takes: {', '.join(sorted(allowed))})" if allowed else "")
            )
        if self.action is Action.PSEUDONYMIZE and self.placeholder is not None:
            if "{n}" not in self.placeholder:
                raise ValueError("placeholder for pseudonymize must contain '{n}'")
        return self


class Pattern(_Model):
    name: str
    regex: str
    score: float = Field(ge=0.0, le=1.0)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        # Declared patterns run in the `regex` module, bounded by the record's time; one that
        # backtracks catastrophically is refused here, before any record is read.
        from .patterns import backtracking_problem, compile_problem

        problem = compile_problem(value) or backtracking_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class PatternRecognizerSpec(_Model):
    """A regex recognizer declared in the policy, with context words that raise its score."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    entity: str = Field(pattern=ENTITY_NAME.pattern)
    patterns: tuple[Pattern, ...] = Field(min_length=1)
    context: tuple[str, ...] = ()
    languages: tuple[str, ...] | None = Field(
        default=None, description="Languages it runs for; all policy languages when omitted"
    )


class DenyList(_Model):
    """Words that are always the given entity (exact, case-insensitive, whole word)."""

    entity: str = Field(pattern=ENTITY_NAME.pattern)
    words: tuple[str, ...] = Field(min_length=1)
    score: float = Field(default=1.0, ge=0.0, le=1.0)


class FieldRules(_Model):
    """Which fields of a record are kept, dropped or scanned.

    Any string field not named here is scanned: nothing passes through raw unless `keep` says so.
    Names are top-level field names or dotted paths into nested objects (`meta.source`).

    How records are told apart and read: `id` names the id field; `duplicates` says what becomes
    of a record whose id an earlier record of the same file has (`keep_first`, the default,
    quarantines the later ones as `duplicate_id`); `max_depth` (default 64) is the deepest
    nesting a record may have before it is quarantined as `too_deep`, so a hostile record cannot
    exhaust the stack; `csv_delimiter` (comma, tab, semicolon, pipe) overrides the delimiter
    otherwise sniffed from each CSV file's header row among those four.
    """

    id: str = Field(default="id", min_length=1)
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    scan: tuple[str, ...] = ()
    language: str | None = Field(
        default=None, description="Field whose value (a policy language code) picks the model"
    )
    nested: NestedMode = NestedMode.SCAN
    max_depth: int = Field(
        default=64,
        ge=1,
        le=200,
        description=(
            "Deepest nesting of objects and lists a record may have (the record itself is level 1); "
            "a deeper record is quarantined as too_deep"
        ),
    )
    duplicates: DuplicateIds = Field(
        default=DuplicateIds.KEEP_FIRST,
        description=(
            "A record whose id an earlier record of the same file has: keep_first quarantines the "
            "later ones as duplicate_id, quarantine every one of them, fail stops the run; one whose "
            "id the output folder already has with other content from another file: quarantined as "
            "duplicate_id (keep_first, quarantine), or the run stops (fail)"
        ),
    )
    csv_delimiter: CsvDelimiter | None = Field(
        default=None,
        description=(
            "Delimiter of CSV inputs (comma, tab, semicolon, pipe); unset: sniffed from each file's "
            "header row"
        ),
    )

    @model_validator(mode="after")
    def _no_overlap(self) -> FieldRules:
        groups = {"keep": set(self.keep), "drop": set(self.drop), "scan": set(self.scan)}
        names = list(groups)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                both = sorted(groups[a] & groups[b])
                if both:
                    raise ValueError(f"{', '.join(both)} listed in both {a} and {b}")
        if self.id in groups["drop"] or self.id in groups["scan"]:
            raise ValueError(f"the id field '{self.id}' cannot be dropped or scanned")
        return self


class Detection(_Model):
    """How detection goes beyond the recognizers' defaults."""

    phone_regions: tuple[str, ...] = Field(
        default=("US", "GB", "FR"),
        min_length=1,
        description="Regions whose phone number formats are recognized (ISO 3166 codes)",
    )
    phone_possible_regions: tuple[str, ...] = Field(
        default=("FR",),
        description=(
            "Regions (among phone_regions) where a number of possible length and prefix counts, "
            "valid or not: France, so overseas departments dialled in the national plan are found"
        ),
    )
    detect_language: bool = Field(
        default=True,
        description="Pick each record's language (and spaCy model) by language identification",
    )
    truecase: bool = Field(
        default=True, description="Show the NER model caseless text with names capitalized"
    )
    propagate_names: bool = Field(
        default=True, description="Redact a name found once everywhere it recurs in the record"
    )
    clinical_vocabulary: bool = Field(
        default=False,
        description=(
            "Clinical notes: a spaCy name or place made only of clinical shorthand (PT, MICU, Lasix, "
            "Foley) is not one, and spaCy dates that are vitals or counts (120/80, x 14) are dropped"
        ),
    )

    @field_validator("phone_regions", "phone_possible_regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import phonenumbers

        unknown = [r for r in value if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(
                f"unknown phone region(s) {', '.join(unknown)} (use ISO 3166 codes such as US, GB, FR)"
            )
        return value


class Limits(_Model):
    """How large and how long one record may be (see `redaction.limits`). Beyond them the record
    is quarantined (`too_large`, `timeout`) instead of stalling a worker; the defaults are far
    above any ordinary record."""

    max_record_chars: int = Field(
        default=1_000_000,
        gt=0,
        description="Most characters a record may have to scan, all its scanned fields together",
    )
    max_field_chars: int = Field(
        default=1_000_000,
        gt=0,
        description=(
            "Longest single text (a field's value) scanned; a language's max_chars, if lower, "
            "applies to the texts of that language"
        ),
    )
    record_seconds: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="Most seconds one record's processing (detection and redaction) may take",
    )


class Keys(_Model):
    """Names of the environment variables holding each key (never the keys themselves)."""

    hash: str = "SCRUBLINE_HASH_KEY"
    pseudonym: str = "SCRUBLINE_PSEUDONYM_KEY"
    encrypt: str = "SCRUBLINE_ENCRYPTION_KEY"

    @field_validator("hash", "pseudonym", "encrypt")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENV_NAME.match(value):
            raise ValueError("must be the name of an environment variable (A-Z, 0-9, _), not a key value")
        return value


class Policy(_Model):
    """A validated policy. Build it with `load_policy`."""

    schema_version: int
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    purpose: str = Field(default="", description="Why the data is processed (records of processing)")
    languages: dict[str, LanguageModel] = Field(min_length=1)
    default_language: str | None = None
    entities: dict[Annotated[str, Field(pattern=ENTITY_NAME.pattern)], EntityRule] = Field(min_length=1)
    allow_list: tuple[str, ...] = ()
    deny_lists: tuple[DenyList, ...] = ()
    recognizers: tuple[PatternRecognizerSpec, ...] = ()
    coded_recognizers: tuple[str, ...] = Field(
        default=(), description="Names of recognizers in redaction/recognizers/ to turn on"
    )
    detection: Detection = Detection()
    fields: FieldRules = FieldRules()
    keys: Keys = Keys()
    limits: Limits = Limits()
    routing: RoutingPolicy = RoutingPolicy()

    @field_validator("routing")
    @classmethod
    def _routing_fits_entities(cls, value: RoutingPolicy, info: ValidationInfo) -> RoutingPolicy:
        entities = info.data.get("entities")
        if entities is not None:  # else entities failed and are reported on their own
            problems = value.problems_with(entities)
            if problems:
                raise ValueError("; ".join(problems))
        return value

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"{value} is not a supported schema version (expected {SCHEMA_VERSION})")
        return value

    @property
    def primary_language(self) -> str:
        return self.default_language or next(iter(self.languages))

    def actions_used(self) -> set[Action]:
        return {rule.action for rule in self.entities.values()}

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the validated policy.

        Comments and formatting do not change it; any rule that changes does.
        """
        data = self.model_dump(mode="json")
        if self.limits == Limits():
            # Limits at their defaults leave the hash of policies written before limits existed
            # unchanged (their runs stay incremental); any limit set changes it.
            del data["limits"]
        for spec in data["languages"].values():
            if spec.get("ner") is None:  # unset: the hash policies had before the key existed
                spec.pop("ner", None)
        # Queue task settings (and rule conditions) at their defaults: the same, for the hash
        # of policies written before task kinds existed.
        defaults = {name: info.default for name, info in QueueSettings.model_fields.items()}
        for queue in data["routing"]["queues"].values():
            for key in _TASK_KEYS:
                if key in queue and queue[key] == (
                    defaults[key].value if hasattr(defaults[key], "value") else defaults[key]
                ):
                    del queue[key]
        for rule in data["routing"]["rules"]:
            if rule["match"].get("has_field") is None:
                rule["match"].pop("has_field", None)
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _format_loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif str(item).startswith("function-after") or str(item) in {"str", "int"}:
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str] | None:
    """The keys accepted where an unknown key was found, by walking the model along loc."""
    model: Any = Policy
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        field = getattr(model, "model_fields", {}).get(str(item))
        if field is None:
            # a dict key (an entity or language name): step into the dict's value model
            continue
        annotation = field.annotation
        model = _unwrap_model(annotation)
        if model is None:
            return None
    return sorted(model.model_fields) if hasattr(model, "model_fields") else None


def _unwrap_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _unwrap_model(arg)
        if found is not None:
            return found
    return None


def did_you_mean(value: Any, candidates: Any) -> str:
    """' (did you mean X?)' when one of the candidates is close to the value, else ''."""
    import difflib

    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in candidates], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in {"enum", "literal_error"}:
        expected = ctx.get("expected", "")
        expected = expected.replace("'", "").replace(" or ", ", ")
        hint = did_you_mean(error["input"], expected.split(", "))
        return f"{error['input']!r} is not one of {expected}{hint}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(tuple(error["loc"]))
        hint = did_you_mean(error["loc"][-1], allowed or ())
        tail = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown key{hint}{tail}"
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} does not match {ctx.get('pattern')}"
    return error["msg"]


def _names(value: Any) -> list[str]:
    return [str(k) for k in value] if isinstance(value, dict) else []


def _items(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list | tuple):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def cross_problems(data: dict[str, Any]) -> list[str]:
    """What refers to something the policy does not declare (a language, an entity), checked on
    the document itself so it is reported in the same pass as every other problem."""
    languages = _names(data.get("languages"))
    entities = _names(data.get("entities"))
    problems: list[str] = []
    default = data.get("default_language")
    if default is not None and languages and default not in languages:
        problems.append(
            f"default_language: '{default}' is not one of the policy languages "
            f"({', '.join(languages)}){did_you_mean(default, languages)}"
        )
    names: list[str] = []
    for index, spec in _items(data.get("recognizers")):
        where = f"recognizers[{index}]"
        name = spec.get("name")
        names.append(str(name))
        entity = spec.get("entity")
        if isinstance(entity, str) and entities and entity not in entities:
            problems.append(
                f"{where}.entity: recognizer '{name}' finds {entity}, which has no rule in entities"
                + did_you_mean(entity, entities)
            )
        for lang in spec.get("languages") or () if isinstance(spec.get("languages"), list) else ():
            if languages and lang not in languages:
                problems.append(
                    f"{where}.languages: recognizer '{name}' names unknown language '{lang}'"
                    + did_you_mean(lang, languages)
                )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"recognizers: recognizer names must be unique: {', '.join(dupes)}")
    for index, deny in _items(data.get("deny_lists")):
        entity = deny.get("entity")
        if isinstance(entity, str) and entities and entity not in entities:
            problems.append(
                f"deny_lists[{index}].entity: deny list for {entity} has no rule in entities"
                + did_you_mean(entity, entities)
            )
    return problems


def model_problems(data: dict[str, Any]) -> list[str]:
    """spaCy models the policy names that are not installed (a package name or a path), and
    shipped NER components that are for another language or whose files do not verify."""
    import importlib.util

    from .errors import ModelIntegrityError
    from .models import ner_language, shipped_ner_names, verified_meta

    problems = []
    languages = data.get("languages")
    for lang, spec in (languages or {}).items() if isinstance(languages, dict) else ():
        ner = spec.get("ner") if isinstance(spec, dict) else None
        if isinstance(ner, str) and ner in shipped_ner_names():
            if ner_language(ner) != lang:
                problems.append(
                    f"languages.{lang}.ner: '{ner}' is a NER component for language "
                    f"'{ner_language(ner)}', not '{lang}'"
                )
            else:
                try:
                    verified_meta(ner)
                except ModelIntegrityError as exc:
                    problems.append(f"languages.{lang}.ner: {exc}")
        name = spec.get("model") if isinstance(spec, dict) else None
        if not isinstance(name, str) or not name:
            continue
        found = Path(name).exists() if ("/" in name or name.startswith(".")) else None
        if found is None:
            try:
                found = importlib.util.find_spec(name) is not None
            except (ImportError, ValueError):
                found = False
        if not found:
            import spacy

            installed = sorted(spacy.util.get_installed_models())
            problems.append(
                f"languages.{lang}.model: spaCy model '{name}' is not installed"
                f"{did_you_mean(name, installed)} (installed: {', '.join(installed) or 'none'})"
            )
    return problems


def policy_from_dict(data: Any, source: str, *, check_models: bool = False) -> Policy:
    """Validate an already-parsed policy document; `source` names it in error messages. Every
    problem is reported at once: wrong values, unknown keys, broken references and (with
    `check_models`) spaCy models that are not installed."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a policy must be a mapping of keys, got {type(data).__name__}")
    found = cross_problems(data) + (model_problems(data) if check_models else [])
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A failing item also makes its container look too short: report the item only.
        inner = [tuple(err["loc"]) for err in errors]
        errors = [
            err
            for err in errors
            if not (
                err["type"] == "too_short"
                and any(
                    loc[: len(err["loc"])] == tuple(err["loc"]) and loc != tuple(err["loc"]) for loc in inner
                )
            )
        ]
        problems = tuple(
            [f"{source}: {_format_loc(tuple(err['loc']))}: {_describe(err)}" for err in errors]
            + [f"{source}: {problem}" for problem in found]
        )
        raise PolicyError("\n".join(problems), problems) from None
    if found:
        problems = tuple(f"{source}: {problem}" for problem in found)
        raise PolicyError("\n".join(problems), problems)
    return policy


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file. Raises PolicyError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read policy ({type(exc).__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(f"{path}: not valid YAML{where}") from None
    return policy_from_dict(data, str(path), check_models=True)
