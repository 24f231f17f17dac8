"""Encryption at rest for the TOTP secrets (they must be readable to verify codes, so not hashed).
The key is derived from PORTAL_TOTP_KEY, else from SECRET_KEY; rotating it makes enrolled
authenticators invalid, and their owners enrol again."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = getattr(settings, "PORTAL_TOTP_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(b"portal-totp-secret:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        return None
