"""Anonymization: decide what each finding becomes, per the policy's action for its entity type.

Presidio's AnonymizerEngine applies the operators. Presidio's own `replace`, `redact`, `mask`
and `keep` are used as they are; Scrubline adds three keyed operators:

* `hmac_hash`: HMAC-SHA256 under the policy's hash key (Presidio's `hash` is an unkeyed digest,
  which a dictionary attack reverses for names and phone numbers).
* `pseudonymize`: the same value always gets the same surrogate, `<PERSON_3>`, across records,
  runs and processes with the same key. The store maps keyed digests to numbers; it never holds
  a raw value.
* `encrypt_token`: AES-256-GCM (authenticated, so a wrong key is detected rather than yielding
  garbage) wrapped in a token `<ENC:PERSON:...>` that `scrubline decrypt` finds and reverses.
* `surrogate`: a realistic fake of the same kind and locale (`redaction/surrogates.py`), a pure
  function of the pseudonym key and the value, so nothing is stored.

Partial mentions of a person are linked to the full name within a record (`link_names`):
`Mr. Smith` and `John` after `John Smith` get John Smith's pseudonym number, and under
`surrogate` the matching parts of his surrogate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
from presidio_anonymizer.operators import Operator, OperatorType

from .detect import Finding, resolve_overlaps
from .errors import RedactionError, SecretError, TransientError
from .home import scrubline_home
from .keys import Key, resolve_key
from .policy import Action, EntityRule, Policy
from .surrogates import NamePart, SurrogateMaker, gender_detector, name_tokens, split_honorific

ENCRYPTED_TOKEN = re.compile(r"<ENC:([A-Z][A-Z0-9_]*):([A-Za-z0-9_-]+)>")


def normalize_value(value: str) -> str:
    """Equal up to case, Unicode form and spacing: 'John  Smith' and 'JOHN SMITH' are one person."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def keyed_digest(key: bytes, entity_type: str, value: str) -> str:
    message = f"{entity_type}\x00{normalize_value(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class PseudonymStore:
    """Durable map from keyed digest to surrogate number, per key and entity type.

    SQLite in WAL mode under $SCRUBLINE_HOME, safe with several worker processes: numbers are
    assigned inside an IMMEDIATE transaction. Only digests and numbers are stored.
    """

    CACHE_LIMIT = 10_000

    def __init__(self, path: Path | None = None):
        self.path = path or scrubline_home() / "pseudonyms.sqlite3"
        self._local = threading.local()
        self._cache: dict[tuple[str, str, str], int] = {}
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS pseudonyms ("
                " key_id TEXT NOT NULL, entity TEXT NOT NULL, digest TEXT NOT NULL,"
                " n INTEGER NOT NULL, PRIMARY KEY (key_id, entity, digest))"
            )
            db.execute("CREATE UNIQUE INDEX IF NOT EXISTS pseudonym_numbers ON pseudonyms(key_id, entity, n)")

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Owner-only, like the keys and the audit log: SQLite gives -wal and -shm the
            # database file's mode, so creating the file 0600 first covers all three.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(self.path, 0o600)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def number(self, key_id: str, entity: str, digest: str) -> int:
        cache_key = (key_id, entity, digest)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        db = self._connect()
        for attempt in range(5):
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute(
                        "SELECT n FROM pseudonyms WHERE key_id=? AND entity=? AND digest=?",
                        cache_key,
                    ).fetchone()
                    if row is None:
                        (top,) = db.execute(
                            "SELECT COALESCE(MAX(n), 0) FROM pseudonyms WHERE key_id=? AND entity=?",
                            (key_id, entity),
                        ).fetchone()
                        n = top + 1
                        db.execute(
                            "INSERT INTO pseudonyms (key_id, entity, digest, n) VALUES (?,?,?,?)",
                            (*cache_key, n),
                        )
                    else:
                        (n,) = row
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 4:
                    raise TransientError(f"{self.path}: pseudonym store is busy") from None
                time.sleep(0.05 * (attempt + 1))
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()  # bounded memory on long runs; misses go to SQLite
        self._cache[cache_key] = n
        return n


class ReadOnlyPseudonymStore:
    """The pseudonym store as a dry run sees it: numbers already assigned are read, a value
    never seen gets the next free number in memory only (and is counted in `new`), so a scan
    shows what a run would write without writing anything, nor creating any file.

    A store with no write-ahead log is opened `immutable` (SQLite creates no -wal/-shm file);
    one whose log still holds changes (a writer is open, or one did not close) is read from a
    private copy of the two files.
    """

    def __init__(self, path: Path | None = None):
        self.path = path or scrubline_home(create=False) / "pseudonyms.sqlite3"
        self._assigned: dict[tuple[str, str, str], int] = {}
        self._top: dict[tuple[str, str], int] = {}
        self.new = 0
        self._db: sqlite3.Connection | None = None
        self._copy: tempfile.TemporaryDirectory | None = None
        if self.path.is_file():
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        wal = self.path.with_name(self.path.name + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True)
        self._copy = tempfile.TemporaryDirectory(prefix="scrubline-scan-")
        copy = Path(self._copy.name) / self.path.name
        shutil.copyfile(self.path, copy)
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        return sqlite3.connect(copy)

    def _lookup(self, sql: str, params: tuple) -> tuple | None:
        if self._db is None:
            return None
        try:
            return self._db.execute(sql, params).fetchone()
        except sqlite3.DatabaseError:  # no table yet, or a copy taken mid-write: as if empty
            return None

    def number(self, key_id: str, entity: str, digest: str) -> int:
        cache_key = (key_id, entity, digest)
        if cache_key in self._assigned:
            return self._assigned[cache_key]
        row = self._lookup("SELECT n FROM pseudonyms WHERE key_id=? AND entity=? AND digest=?", cache_key)
        if row is not None:
            n = row[0]
        else:
            scope = (key_id, entity)
            if scope not in self._top:
                top = self._lookup(
                    "SELECT COALESCE(MAX(n), 0) FROM pseudonyms WHERE key_id=? AND entity=?", scope
                )
                self._top[scope] = top[0] if top else 0
            self._top[scope] += 1
            n = self._top[scope]
            self.new += 1
        self._assigned[cache_key] = n
        return n

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._copy is not None:
            self._copy.cleanup()
            self._copy = None


class HmacHash(Operator):
    """Keyed HMAC-SHA256 of the value, shown as `<ENTITY:hexdigest>`."""

    def operate(self, text: str, params: dict | None = None) -> str:
        params = params or {}
        digest = keyed_digest(params["key"], params["entity_type"], text)
        return f"<{params['entity_type']}:{digest[: params.get('digest_chars', 16)]}>"

    def validate(self, params: dict | None = None) -> None:
        if not params or not isinstance(params.get("key"), bytes):
            raise SecretError("hash: no key given to the hash operator")

    def operator_name(self) -> str:
        return "hmac_hash"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class Pseudonymize(Operator):
    """`<PERSON_3>`: one number per distinct (normalized) value, stable across runs."""

    def operate(self, text: str, params: dict | None = None) -> str:
        params = params or {}
        key: Key = params["key"]
        entity = params["entity_type"]
        material = key.derive("pseudonym")
        part = params.get("links", {}).get(normalize_value(text))
        value = part.canonical if part is not None else text
        n = params["store"].number(key.key_id, entity, keyed_digest(material, entity, value))
        return params["placeholder"].format(entity=entity, n=n)

    def validate(self, params: dict | None = None) -> None:
        if not params or not isinstance(params.get("key"), Key) or "store" not in params:
            raise SecretError("pseudonymize: no key or store given to the operator")

    def operator_name(self) -> str:
        return "pseudonymize"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class Surrogate(Operator):
    """A realistic fake of the same kind and locale, the same for the same value under the key."""

    def operate(self, text: str, params: dict | None = None) -> str:
        params = params or {}
        part = params.get("links", {}).get(normalize_value(text))
        return params["maker"].surrogate(params["entity_type"], text, params.get("language", "en"), part)

    def validate(self, params: dict | None = None) -> None:
        if not params or not isinstance(params.get("maker"), SurrogateMaker):
            raise SecretError("surrogate: no key given to the surrogate operator")

    def operator_name(self) -> str:
        return "surrogate"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class EncryptToken(Operator):
    """AES-256-GCM with the entity type as associated data, as `<ENC:ENTITY:base64url>`."""

    def operate(self, text: str, params: dict | None = None) -> str:
        params = params or {}
        entity = params["entity_type"]
        nonce = os.urandom(12)
        sealed = AESGCM(params["key"]).encrypt(nonce, text.encode("utf-8"), entity.encode())
        token = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"<ENC:{entity}:{token}>"

    def validate(self, params: dict | None = None) -> None:
        if not params or not isinstance(params.get("key"), bytes) or len(params["key"]) != 32:
            raise SecretError("encrypt: no 256-bit key given to the encrypt operator")

    def operator_name(self) -> str:
        return "encrypt_token"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


def decrypt_text(text: str, key: Key) -> str:
    """Replace every `<ENC:...>` token in text by its plaintext. Wrong key: SecretError."""
    aes = AESGCM(key.derive("encrypt"))

    def reveal(match: re.Match[str]) -> str:
        entity, token = match.group(1), match.group(2)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        try:
            return aes.decrypt(raw[:12], raw[12:], entity.encode()).decode("utf-8")
        except (InvalidTag, ValueError):
            raise SecretError(
                f"cannot decrypt an {entity} token with key {key.name} (key id {key.key_id}): "
                "wrong key, or the token was altered"
            ) from None

    return ENCRYPTED_TOKEN.sub(reveal, text)


@dataclass(frozen=True, slots=True)
class Redaction:
    """What was done to one finding: offsets in the original text, never the value.

    `new_start`/`new_end`: where the replacement stands in the redacted text (surrogates match
    no placeholder pattern, so queue items mark them from these)."""

    start: int
    end: int
    entity_type: str
    score: float
    action: str
    new_start: int | None = None
    new_end: int | None = None


def _operator_config(
    entity: str, rule: EntityRule, keys: dict[str, Key], store, maker: SurrogateMaker | None
) -> OperatorConfig:
    action = rule.action
    if action is Action.SURROGATE:
        return OperatorConfig("surrogate", {"maker": maker, "entity_type": entity})
    if action is Action.REPLACE:
        placeholder = (rule.placeholder or "<{entity}>").replace("{entity}", entity)
        return OperatorConfig("replace", {"new_value": placeholder})
    if action is Action.REDACT:
        return OperatorConfig("redact", {})
    if action is Action.MASK:
        return OperatorConfig(
            "mask",
            {
                "masking_char": rule.masking_char or "*",
                "chars_to_mask": rule.chars_to_mask or 10_000,
                "from_end": bool(rule.from_end),
            },
        )
    if action is Action.HASH:
        return OperatorConfig(
            "hmac_hash",
            {
                "key": keys["hash"].derive("hash"),
                "entity_type": entity,
                "digest_chars": rule.digest_chars or 16,
            },
        )
    if action is Action.PSEUDONYMIZE:
        return OperatorConfig(
            "pseudonymize",
            {
                "key": keys["pseudonym"],
                "entity_type": entity,
                "store": store,
                "placeholder": rule.placeholder or "<{entity}_{n}>",
            },
        )
    if action is Action.ENCRYPT:
        return OperatorConfig(
            "encrypt_token", {"key": keys["encrypt"].derive("encrypt"), "entity_type": entity}
        )
    return OperatorConfig("keep", {})


# The key each keyed action uses (surrogates are derived from the pseudonym key).
KEY_PURPOSES = {
    Action.HASH: "hash",
    Action.PSEUDONYMIZE: "pseudonym",
    Action.SURROGATE: "pseudonym",
    Action.ENCRYPT: "encrypt",
}


def policy_keys(policy: Policy, *, create: bool = True) -> dict[str, Key]:
    """The keys the policy's actions need, resolved from the environment or key files."""
    needed = KEY_PURPOSES
    keys: dict[str, Key] = {}
    for action in policy.actions_used():
        purpose = needed.get(action)
        if purpose:
            keys[purpose] = resolve_key(getattr(policy.keys, purpose), create=create)
    return keys


def dry_run_keys(policy: Policy) -> tuple[dict[str, Key], list[str]]:
    """The policy's keys for a dry run: the installation's where they exist, a throwaway key
    (never written) where they do not; returns the keys and the names that were missing."""
    keys: dict[str, Key] = {}
    missing: list[str] = []
    for purpose in ("hash", "pseudonym", "encrypt"):
        if not any(KEY_PURPOSES.get(action) == purpose for action in policy.actions_used()):
            continue
        name = getattr(policy.keys, purpose)
        try:
            keys[purpose] = resolve_key(name, create=False)
        except SecretError:
            keys[purpose] = Key(name, os.urandom(32))
            missing.append(name)
    return keys, missing


_MALE_TITLES = frozenset("mr m monsieur sir".split())
_FEMALE_TITLES = frozenset("mrs ms miss mme mlle madame mademoiselle madam".split())


def _title_gender(honorific: str) -> str | None:
    word = honorific.strip().rstrip(".").casefold()
    return "male" if word in _MALE_TITLES else "female" if word in _FEMALE_TITLES else None


def _contained(short: list[str], long: list[str]) -> tuple[int, ...] | None:
    """Positions in `long` of the tokens of `short`, each used once; None when one is missing."""
    used: list[int] = []
    for token in short:
        index = next((i for i, t in enumerate(long) if t == token and i not in used), None)
        if index is None:
            return None
        used.append(index)
    return tuple(used)


def link_names(mentions: Sequence[str]) -> dict[str, NamePart]:
    """Partial mentions of a person linked to the one longer name of the record they belong to.

    `mentions`: the texts of a record's PERSON findings. A mention links to a longer mention
    whose tokens contain all of its tokens (honorifics left out, case ignored), through it to
    the longest such name; a mention that two different names contain (`John` beside `John
    Smith` and `John Doe`) links to neither, nor does `Mrs. Smith` to `John Smith` (the title
    and the given name disagree on gender). Keys are normalized mention texts."""
    texts: dict[str, str] = {}
    for mention in mentions:
        texts.setdefault(normalize_value(mention), mention)
    tokens = {n: [t.rstrip(".").casefold() for t in name_tokens(v)] for n, v in texts.items()}
    names = [n for n in texts if tokens[n]]
    root: dict[str, str] = {}
    links: dict[str, NamePart] = {}
    for name in sorted(names, key=lambda n: (-len(tokens[n]), n)):
        roots = {
            root[other]
            for other in names
            if len(tokens[other]) > len(tokens[name]) and _contained(tokens[name], tokens[other]) is not None
        }
        if len(roots) != 1:
            root[name] = name
            continue
        (target,) = roots
        indexes = _contained(tokens[name], tokens[target])
        gender = _title_gender(split_honorific(texts[name])[0])
        given = [tokens[target][i] for i in range(len(tokens[target]) - 1)]
        if gender is not None and given:
            guessed = gender_detector().get_gender(given[0].title())
            if (
                guessed.replace("mostly_", "") in ("male", "female")
                and guessed.replace("mostly_", "") != gender
            ):
                root[name] = name
                continue
        assert indexes is not None
        root[name] = target
        links[name] = NamePart(texts[target], indexes)
    return links


class Anonymizer:
    """Applies the policy's action to findings. One per process; reuse for every batch."""

    def __init__(self, policy: Policy, keys: dict[str, Key] | None = None, store=None):
        self.policy = policy
        keys = keys if keys is not None else policy_keys(policy)
        used = policy.actions_used()
        if Action.PSEUDONYMIZE in used and store is None:
            store = PseudonymStore()
        maker = None
        if Action.SURROGATE in used:
            if "pseudonym" not in keys:
                raise SecretError("surrogate: no pseudonym key given to the anonymizer")
            maker = SurrogateMaker(keys["pseudonym"], policy.detection.phone_regions)
        self.engine = AnonymizerEngine()
        for operator in (HmacHash, Pseudonymize, Surrogate, EncryptToken):
            self.engine.add_anonymizer(operator)
        self.operators = {
            entity: _operator_config(entity, rule, keys, store, maker)
            for entity, rule in policy.entities.items()
        }
        self.actions = {entity: rule.action.value for entity, rule in policy.entities.items()}
        self.kept = frozenset(e for e, rule in policy.entities.items() if rule.action is Action.KEEP)
        # Where findings overlap, the winner's type picks the surrogate generator: a date
        # recognizer's match inside a phone number or a licence would rewrite it as a date. Dates
        # replaced by surrogates rank as if kept, so overlaps merge as under the default policy
        # (which keeps dates), and a surrogate policy acts on the same spans with the same types.
        self._rank_low = self.kept | frozenset(
            e for e, rule in policy.entities.items() if e == "DATE_TIME" and rule.action is Action.SURROGATE
        )
        person = self.operators.get("PERSON")
        self.links_names = person is not None and person.operator_name in ("pseudonymize", "surrogate")

    def _applicable(self, findings: Sequence[Finding]) -> list[Finding]:
        return resolve_overlaps([f for f in findings if f.entity_type in self.operators], self._rank_low)

    def link_names(self, texts: Sequence[str], findings: Sequence[Sequence[Finding]]) -> dict[str, NamePart]:
        """The record's partial person mentions linked to its full names (see `link_names`);
        empty when persons are neither pseudonymized nor replaced by surrogates."""
        if not self.links_names:
            return {}
        mentions = [
            text[f.start : f.end]
            for text, text_findings in zip(texts, findings, strict=True)
            for f in self._applicable(text_findings)
            if f.entity_type == "PERSON"
        ]
        return link_names(mentions)

    def _operators_for(self, language: str, links: dict[str, NamePart]) -> dict[str, OperatorConfig]:
        operators = dict(self.operators)
        for entity, config in self.operators.items():
            if config.operator_name == "surrogate":
                params = {**config.params, "language": language}
            elif config.operator_name == "pseudonymize" and links and entity == "PERSON":
                params = dict(config.params)
            else:
                continue
            if entity == "PERSON" and links:
                params["links"] = links
            operators[entity] = OperatorConfig(config.operator_name, params)
        return operators

    @staticmethod
    def _number_in_reading_order(text: str, findings: Sequence[Finding], operators) -> None:
        # Presidio applies operators from the end of the text backwards; assigning new
        # pseudonym numbers first, front to back, makes the first person met <PERSON_1>.
        for finding in findings:
            config = operators[finding.entity_type]
            if config.operator_name == "pseudonymize":
                Pseudonymize().operate(text[finding.start : finding.end], config.params)

    def anonymize(
        self,
        text: str,
        findings: Sequence[Finding],
        *,
        language: str | None = None,
        links: dict[str, NamePart] | None = None,
    ) -> tuple[str, list[Redaction]]:
        """The redacted text and what was done, one Redaction per span after overlaps merge.

        `language`: the record's (surrogates follow its locale); `links`: the record's partial
        person mentions (`link_names`)."""
        findings = self._applicable(findings)
        if not findings:
            return text, []
        operators = self._operators_for(language or self.policy.primary_language, links or {})
        self._number_in_reading_order(text, findings, operators)
        results = [RecognizerResult(f.entity_type, f.start, f.end, f.score) for f in findings]
        try:
            engine_result = self.engine.anonymize(
                text=text,
                analyzer_results=results,
                operators=operators,
                merge_entities_with_spaces=False,
            )
        except SecretError:
            raise
        except Exception as exc:  # noqa: BLE001 - never let an operator's message through
            raise RedactionError(f"anonymization failed ({type(exc).__name__})") from None
        placed = sorted((item.start, item.end) for item in engine_result.items)
        if len(placed) != len(findings):
            raise RedactionError("anonymization failed (replacements do not match the findings)")
        applied = [
            Redaction(f.start, f.end, f.entity_type, f.score, self.actions[f.entity_type], start, end)
            for f, (start, end) in zip(sorted(findings, key=lambda f: (f.start, f.end)), placed, strict=True)
        ]
        return engine_result.text, applied
