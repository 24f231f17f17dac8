"""Encryption at rest for values that must be read back (TOTP secrets, a CAS PDF's password until it is
parsed) and for files: Fernet (AES-128-CBC + HMAC-SHA256) under MultiFernet, so keys rotate.

FIELD_ENCRYPTION_KEYS (environment, comma-separated, newest first) are secrets of 32+ characters; without
them (development) SECRET_KEY serves. Each purpose ("portal.totp-secret", "portfolio.cas-password", ...)
gets its own key derived from each secret with HKDF, so a token of one purpose never opens as another.
Encryption uses the newest key; decryption tries every key. To rotate: put a new secret first, run
`rotate` over the stored tokens (or let them expire), then drop the old secret (`manage.py
rotate_field_keys` does this for every encrypted model field in every schema).

Identifiers that must be found and kept unique (PAN, bank account number) are stored encrypted and with
a keyed hash beside them: HMAC-SHA256 under FIELD_HASH_KEY of the normalised value (no spaces, upper
case), one per purpose. The hash key is not rotated with the encryption keys: changing it needs every
hash recomputed from the decrypted values (`rotate_field_keys --rehash`)."""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "DecryptionFailed",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "keyed_hash",
    "normalise_identifier",
    "rotate",
]


class DecryptionFailed(Exception):
    """The token was not made by any configured key for this purpose (a dropped key, or tampering)."""


def purpose_key(secret: str, purpose: str) -> bytes:
    """The Fernet key of one purpose under one secret."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=purpose.encode(), info=b"v1").derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=64)
def _cipher(purpose: str, secrets: tuple[str, ...], legacy: tuple[bytes, ...]) -> MultiFernet:
    if not all(secrets):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS (or SECRET_KEY) is empty.")
    keys = [Fernet(purpose_key(secret, purpose)) for secret in secrets]
    return MultiFernet(keys + [Fernet(key) for key in legacy])


def _for(purpose: str, legacy: Sequence[bytes]) -> MultiFernet:
    secrets = tuple(settings.FIELD_ENCRYPTION_KEYS) or (settings.SECRET_KEY,)
    return _cipher(purpose, secrets, tuple(legacy))


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    return _for(purpose, ()).encrypt(data)


def decrypt_bytes(token: bytes, *, purpose: str, legacy: Sequence[bytes] = ()) -> bytes:
    """`legacy`: Fernet keys older data may still be under (decryption only)."""
    try:
        return _for(purpose, legacy).decrypt(token)
    except InvalidToken:
        raise DecryptionFailed(purpose) from None


def encrypt(value: str, *, purpose: str) -> str:
    return encrypt_bytes(value.encode(), purpose=purpose).decode("ascii")


def decrypt(token: str, *, purpose: str, legacy: Sequence[bytes] = ()) -> str:
    return decrypt_bytes(token.encode("ascii"), purpose=purpose, legacy=legacy).decode()


def rotate(token: str, *, purpose: str, legacy: Sequence[bytes] = ()) -> str:
    """The same value under the newest key (for re-encrypting stored tokens after a key change)."""
    try:
        return _for(purpose, legacy).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionFailed(purpose) from None


def normalise_identifier(value: str) -> str:
    """The form an identifier is hashed and stored in: " abcde 1234f" and "ABCDE1234F" are one PAN."""
    return "".join((value or "").split()).upper()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value: equal for equal identifiers, useless without the key."""
    key = settings.FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY is not set.")
    message = f"{purpose}\x00{normalise_identifier(value)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
