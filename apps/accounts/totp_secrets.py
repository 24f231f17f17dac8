"""Encryption at rest of the staff TOTP secrets (they must be readable to verify codes, so not hashed),
through apps.core.crypto. Secrets enrolled before the shared keys still open with the key they were
written under (derived from PORTAL_TOTP_KEY, else SECRET_KEY); a new enrolment is under the shared keys.
The purpose and the older key's derivation keep their "portal" names: renaming them would leave every
enrolled secret unreadable."""

import base64
import hashlib

from django.conf import settings

from apps.core import crypto

PURPOSE = "portal.totp-secret"


def _legacy_key() -> bytes:
    material = getattr(settings, "PORTAL_TOTP_KEY", "") or settings.SECRET_KEY
    return base64.urlsafe_b64encode(hashlib.sha256(b"portal-totp-secret:" + material.encode()).digest())


def encrypt(value: str) -> str:
    return crypto.encrypt(value, purpose=PURPOSE)


def decrypt(token: str) -> str | None:
    try:
        return crypto.decrypt(token, purpose=PURPOSE, legacy=[_legacy_key()])
    except crypto.DecryptionFailed:
        return None
