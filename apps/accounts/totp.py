"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as authenticator apps compute them:
HMAC-SHA1, 30-second steps, 6 digits. Pure functions; the device model and services use them."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Accept the previous and the next step too: phones' clocks drift and people type slowly.
DRIFT_STEPS = 1


def secret_generate() -> str:
    """A new shared secret: 160 random bits (RFC 4226 recommends at least 128), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 4226 section 5.3: dynamic truncation of HMAC(key, counter)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def step_at(timestamp: float) -> int:
    return int(timestamp) // STEP_SECONDS


def totp_at(secret_b32: str, timestamp: float, *, digits: int = DIGITS) -> str:
    return hotp(_key(secret_b32), step_at(timestamp), digits=digits)


def totp_match(secret_b32: str, code: str, *, timestamp: float | None = None, after_step: int = -1) -> int | None:
    """The time step the code belongs to (within the drift window), or None. Steps at or before
    `after_step` are refused, so a code that was accepted once cannot be replayed."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_step = step_at(time.time() if timestamp is None else timestamp)
    key = _key(secret_b32)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps import (Google Authenticator key-URI format)."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode({"secret": secret_b32, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": 30})
    return f"otpauth://totp/{label}?{query}"
