"""TOTP secrets at rest: under the shared field encryption, and secrets enrolled under the older key
(derived from PORTAL_TOTP_KEY or SECRET_KEY) still open."""

import base64
import hashlib

from cryptography.fernet import Fernet

from apps.accounts import totp_secrets as crypto
from apps.core import crypto as core_crypto

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_secrets_are_sealed_with_the_shared_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["k" * 40]
    token = crypto.encrypt(SECRET)
    assert SECRET not in token
    assert core_crypto.decrypt(token, purpose=crypto.PURPOSE) == SECRET
    assert crypto.decrypt(token) == SECRET


def test_a_secret_enrolled_under_the_older_key_still_opens(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["k" * 40]
    settings.PORTAL_TOTP_KEY = "an-older-portal-key"
    older = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"portal-totp-secret:an-older-portal-key").digest()))
    assert crypto.decrypt(older.encrypt(SECRET.encode()).decode()) == SECRET


def test_an_unreadable_token_is_none(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["k" * 40]
    other = core_crypto.encrypt(SECRET, purpose="something-else")
    assert crypto.decrypt(other) is None
