"""Keys for hashing, pseudonyms and encryption.

A policy names the environment variable holding each key. When that variable is unset,
`NAME_FILE` may name a key file anywhere (kept outside `$SCRUBLINE_HOME`, say, on storage the
people who can change Scrubline's state cannot read); else the embedded default is a key file
under `$SCRUBLINE_HOME/keys/`, created with 0600 permissions on first use (and said so in the
log). Reading a key that must already exist (to decrypt) never creates one: a missing or wrong
key is an error, never a fallback to an unkeyed hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SecretError
from .home import scrubline_home

logger = logging.getLogger(__name__)

MIN_KEY_BYTES = 16
FILE_SUFFIX = "_FILE"  # NAME_FILE: the path of a file holding key NAME


@dataclass(frozen=True)
class Key:
    """Key material with the environment variable name it was resolved for."""

    name: str
    material: bytes
    # The key file it was read from (None: an environment variable); says where the key lives.
    source: str | None = field(default=None, compare=False)

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


def read_key_text(path: Path) -> str:
    """A key file's text, refused unless only its owner can read it."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretError(f"{path}: key file must be readable by its owner only (mode 0600), found {mode:o}")
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{path}: cannot read the key file ({type(exc).__name__})") from None


def configured_key_file(name: str) -> Path | None:
    """The file `NAME_FILE` names, which must exist (it is never created)."""
    variable = name + FILE_SUFFIX
    configured = os.environ.get(variable)
    if not configured:
        return None
    path = Path(configured).expanduser()
    if not path.is_file():
        raise SecretError(f"{variable}: key file {path} not found")
    return path


def resolve_key(name: str, *, create: bool = True) -> Key:
    """The key held by environment variable `name`, else the file `NAME_FILE` names, else the
    local key file.

    With create=True a missing local key file is generated (embedded default); with
    create=False a missing key raises SecretError naming the variable and the file looked for.
    """
    value = os.environ.get(name)
    if value:
        return Key(name, _decode(value, f"environment variable {name}"))
    configured = configured_key_file(name)
    if configured is not None:
        return Key(name, _decode(read_key_text(configured), str(configured)), str(configured.resolve()))
    path = _key_file(name, create=create)
    if path.exists():
        return _read_key_file(name, path)
    if not create:
        raise SecretError(
            f"key {name} not found: set the environment variable {name} (or {name}{FILE_SUFFIX} to a "
            f"key file's path) or provide {path}"
        )
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    material = secrets.token_bytes(32)
    # Written whole under a private name, then linked into place: several processes making
    # first use of a key at once all end with the one key that won, never a half-written file.
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        os.write(fd, material.hex().encode("ascii") + b"\n")
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.link(temp, path)
    except FileExistsError:  # another process created it first: use theirs
        return _read_key_file(name, path)
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(temp)
    logger.warning(
        "created key file %s for %s (set the environment variable %s to use your own key)",
        path,
        name,
        name,
    )
    return Key(name, material, str(path.resolve()))


def _read_key_file(name: str, path: Path) -> Key:
    return Key(name, _decode(read_key_text(path), str(path)), str(path.resolve()))


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
