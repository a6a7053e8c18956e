"""Keys for hashing, pseudonyms and encryption.

A policy names the environment variable holding each key. When that variable is unset, the
embedded default is a key file under `$SCRUBLINE_HOME/keys/`, created with 0600 permissions on
first use (and said so in the log). Reading a key that must already exist (to decrypt) never
creates one: a missing or wrong key is an error, never a fallback to an unkeyed hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import SecretError
from .home import scrubline_home

logger = logging.getLogger(__name__)

MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class Key:
    """Key material with the environment variable name it was resolved for."""

    name: str
    material: bytes

    def derive(self, purpose: str) -> bytes:
        """A 32-byte subkey for one use, so one secret never serves two algorithms."""
        return hmac.new(self.material, b"scrubline/" + purpose.encode(), hashlib.sha256).digest()

    @property
    def key_id(self) -> str:
        """A short public identifier of the key (a keyed digest, safe to store and show)."""
        return self.derive("key-id").hex()[:16]

    def __repr__(self) -> str:  # never print key material
        return f"Key(name={self.name!r}, key_id={self.key_id!r})"


def _decode(value: str, origin: str) -> bytes:
    value = value.strip()
    for decoder in (bytes.fromhex, lambda v: base64.b64decode(v, validate=True)):
        try:
            raw = decoder(value)
        except ValueError:
            continue
        if len(raw) >= MIN_KEY_BYTES:
            return raw
    raw = value.encode("utf-8")
    if len(raw) < 32:
        raise SecretError(
            f"{origin}: key is too short; expected at least {MIN_KEY_BYTES} bytes as hex or "
            "base64, or a passphrase of at least 32 characters"
        )
    return raw


def _key_file(name: str, *, create: bool) -> Path:
    return scrubline_home(create=create) / "keys" / name


def resolve_key(name: str, *, create: bool = True) -> Key:
    """The key held by environment variable `name`, else the local key file.

    With create=True a missing key file is generated (embedded default); with create=False a
    missing key raises SecretError naming the variable and the file looked for.
    """
    value = os.environ.get(name)
    if value:
        return Key(name, _decode(value, f"environment variable {name}"))
    path = _key_file(name, create=create)
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise SecretError(
                f"{path}: key file must be readable by its owner only (mode 0600), found {mode:o}"
            )
        return Key(name, _decode(path.read_text(encoding="ascii"), str(path)))
    if not create:
        raise SecretError(f"key {name} not found: set the environment variable {name} or provide {path}")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    material = secrets.token_bytes(32)
    # Written aside, then linked into place: two first runs at once both see a whole key file,
    # the one that linked first.
    temp = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.write(fd, material.hex().encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temp, path)
    except FileExistsError:
        return resolve_key(name, create=False)  # another process created it first: use that one
    finally:
        temp.unlink(missing_ok=True)
    logger.warning(
        "created key file %s for %s (set the environment variable %s to use your own key)",
        path,
        name,
        name,
    )
    return Key(name, material)


def check_key(name: str) -> None:
    """Raise SecretError if key `name` exists (variable or key file) but is not usable; a key
    that does not exist yet is fine (a run creates it). Creates nothing."""
    value = os.environ.get(name)
    if value:
        _decode(value, f"environment variable {name}")
        return
    path = _key_file(name, create=False)
    if path.exists():
        resolve_key(name, create=False)
