"""Field and file encryption: round trips, purposes kept apart, key rotation, legacy keys, tampering."""

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet

from apps.core import crypto

OLD = "old-secret-" + "o" * 32
NEW = "new-secret-" + "n" * 32


def test_round_trip_of_text_and_bytes(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    token = crypto.encrypt("JBSWY3DPEHPK3PXP", purpose="p")
    assert token != "JBSWY3DPEHPK3PXP" and crypto.decrypt(token, purpose="p") == "JBSWY3DPEHPK3PXP"
    blob = crypto.encrypt_bytes(b"%PDF-1.7 ...", purpose="files")
    assert crypto.decrypt_bytes(blob, purpose="files") == b"%PDF-1.7 ..."


def test_a_token_of_one_purpose_does_not_open_as_another(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    token = crypto.encrypt("secret", purpose="portal.totp-secret")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token, purpose="portfolio.cas-password")


def test_rotation_new_key_first_old_tokens_still_open_and_rotate(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    old_token = crypto.encrypt("value", purpose="p")

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(old_token, purpose="p") == "value"
    rotated = crypto.rotate(old_token, purpose="p")

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert crypto.decrypt(rotated, purpose="p") == "value"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(old_token, purpose="p")


def test_without_keys_the_secret_key_serves(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    token = crypto.encrypt("value", purpose="p")
    settings.FIELD_ENCRYPTION_KEYS = [settings.SECRET_KEY]
    assert crypto.decrypt(token, purpose="p") == "value"


def test_legacy_keys_open_older_data_only_when_given(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    legacy = base64.urlsafe_b64encode(hashlib.sha256(b"older scheme").digest())
    token = Fernet(legacy).encrypt(b"enrolled long ago").decode()
    assert crypto.decrypt(token, purpose="p", legacy=[legacy]) == "enrolled long ago"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token, purpose="p")


def test_a_tampered_token_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    token = crypto.encrypt("value", purpose="p")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(tampered, purpose="p")
