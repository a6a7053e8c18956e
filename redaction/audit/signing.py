"""Ed25519 signatures for the audit log: evidence anyone can check with a public key.

The HMAC signatures (audit key) prove nothing against someone who can read the audit key, and
checking them needs that secret. An installation that also holds an Ed25519 signing key (the
private half, kept apart from `$SCRUBLINE_HOME`: `SCRUBLINE_AUDIT_SIGNING_KEY` holds it, or
`SCRUBLINE_AUDIT_SIGNING_KEY_FILE` names its file) signs every run digest, the checkpoint and
every anchor statement with it as well; a verifier then needs only the public half, pinned
(`scrubline audit verify --public-key FILE`, or recorded in the anchor). The signing key is
never created on its own, never looked for in `$SCRUBLINE_HOME`: `scrubline audit keygen`
writes a pair where you say.

Keys are read as PEM (PKCS#8 private, SubjectPublicKeyInfo public: what `openssl genpkey
-algorithm ed25519` and `openssl pkey -pubout` write) or as the raw 32 bytes in hex or base64.
Each signature covers `scrubline/<purpose>` and a NUL before the message, so a signature made
for one use never verifies for another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ScrublineError, SecretError
from ..keys import FILE_SUFFIX, Key, configured_key_file, read_key_text

SIGNING_KEY_ENV = "SCRUBLINE_AUDIT_SIGNING_KEY"
SIGNING_KEY_FILE_ENV = SIGNING_KEY_ENV + FILE_SUFFIX
RAW_BYTES = 32


def _message(purpose: str, message: bytes) -> bytes:
    return b"scrubline/" + purpose.encode() + b"\x00" + message


def _raw(text: str, origin: str, *, private: bool) -> bytes:
    """The raw 32 bytes of a key given as PEM, hex or base64 (never echoed in errors)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            if private:
                loaded = serialization.load_pem_private_key(text.encode("ascii"), password=None)
                if isinstance(loaded, Ed25519PrivateKey):
                    return loaded.private_bytes_raw()
            else:
                loaded = serialization.load_pem_public_key(text.encode("ascii"))
                if isinstance(loaded, Ed25519PublicKey):
                    return loaded.public_bytes_raw()
        except (ValueError, TypeError, UnicodeEncodeError):
            raise SecretError(f"{origin}: not a readable PEM key (an unencrypted Ed25519 key)") from None
        raise SecretError(f"{origin}: the PEM key is not an Ed25519 key")
    for decode in (bytes.fromhex, lambda v: base64.b64decode(v, validate=True)):
        try:
            raw = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(raw) == RAW_BYTES:
            return raw
    kind = "private" if private else "public"
    raise SecretError(
        f"{origin}: expected an Ed25519 {kind} key as PEM, or its {RAW_BYTES} bytes in hex or base64"
    )


@dataclass(frozen=True)
class PublicKey:
    """The public half: checks signatures, safe to store, print and hand to anyone."""

    raw: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"scrubline/ed25519/" + self.raw).hexdigest()[:16]

    @property
    def hex(self) -> str:
        return self.raw.hex()

    def verify(self, purpose: str, message: bytes, signature: str | None) -> bool:
        if not isinstance(signature, str):
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(
                bytes.fromhex(signature), _message(purpose, message)
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_pem(self) -> str:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @classmethod
    def from_record(cls, value: str | None) -> PublicKey | None:
        """The key as the log and head statements record it (hex), None if absent or unreadable."""
        try:
            raw = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            return None
        return cls(raw) if len(raw) == RAW_BYTES else None

    @classmethod
    def from_text(cls, text: str, origin: str) -> PublicKey:
        return cls(_raw(text, origin, private=False))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PublicKey:
        path = Path(path)
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError:
            raise ScrublineError(f"{path}: public key file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScrublineError(f"{path}: cannot read the public key ({type(exc).__name__})") from None
        return cls.from_text(text, str(path))

    def __repr__(self) -> str:
        return f"PublicKey(key_id={self.key_id!r})"


@dataclass(frozen=True)
class SigningKey:
    """The private half, wrapping a `Key` (32-byte seed) so it pickles to workers like the others."""

    key: Key

    def __post_init__(self) -> None:
        if len(self.key.material) != RAW_BYTES:
            raise SecretError(f"{self.key.name}: an Ed25519 signing key is {RAW_BYTES} bytes")

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.key.material)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self._private().public_key().public_bytes_raw())

    @property
    def source(self) -> str | None:
        return self.key.source

    def sign(self, purpose: str, message: bytes) -> str:
        return self._private().sign(_message(purpose, message)).hex()

    def to_pem(self) -> str:
        return (
            self._private()
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode("ascii")
        )

    def __repr__(self) -> str:  # never print key material
        return f"SigningKey(name={self.key.name!r}, public_key_id={self.public_key.key_id!r})"


def resolve_signing_key() -> Key | None:
    """The installation's Ed25519 signing key (`Key` with the 32-byte seed), or None when none
    is configured. Never created, never read from `$SCRUBLINE_HOME` unless a variable says so."""
    value = os.environ.get(SIGNING_KEY_ENV)
    if value:
        return Key(SIGNING_KEY_ENV, _raw(value, f"environment variable {SIGNING_KEY_ENV}", private=True))
    path = configured_key_file(SIGNING_KEY_ENV)
    if path is None:
        return None
    return Key(SIGNING_KEY_ENV, _raw(read_key_text(path), str(path), private=True), str(path.resolve()))


def generate_signing_key(out: str | os.PathLike[str]) -> tuple[Path, Path, PublicKey]:
    """Write a new Ed25519 pair: `out` (private, PEM, 0600, never overwritten) and `out.pub`."""
    private_path = Path(out)
    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise ScrublineError(f"{path}: already exists (a signing key is never overwritten)")
    if not private_path.parent.is_dir():
        raise ScrublineError(f"{private_path.parent}: no such folder")
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    signing = SigningKey(Key(SIGNING_KEY_ENV, seed))
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, signing.to_pem().encode("ascii"))
    finally:
        os.close(fd)
    public = signing.public_key
    public_path.write_text(public.to_pem(), encoding="ascii")
    return private_path, public_path, public
