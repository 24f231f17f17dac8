import base64
import time

import pytest

from apps.accounts import totp

# RFC 6238 appendix B, SHA-1 rows: the seed is ASCII "12345678901234567890", 8 digits.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("timestamp", "expected"), RFC_VECTORS)
def test_rfc6238_vectors(timestamp, expected):
    assert totp.totp_at(RFC_SECRET, timestamp, digits=8) == expected


def test_match_accepts_one_step_of_drift_and_refuses_two():
    secret = totp.secret_generate()
    now = 1_700_000_000
    assert totp.totp_match(secret, totp.totp_at(secret, now - 30), timestamp=now) == totp.step_at(now) - 1
    assert totp.totp_match(secret, totp.totp_at(secret, now + 30), timestamp=now) == totp.step_at(now) + 1
    assert totp.totp_match(secret, totp.totp_at(secret, now - 60), timestamp=now) is None


def test_match_refuses_replayed_step_and_malformed_codes():
    secret = totp.secret_generate()
    now = time.time()
    code = totp.totp_at(secret, now)
    step = totp.totp_match(secret, code, timestamp=now)
    assert step is not None
    assert totp.totp_match(secret, code, timestamp=now, after_step=step) is None
    assert totp.totp_match(secret, "12345", timestamp=now) is None
    assert totp.totp_match(secret, "abcdef", timestamp=now) is None


def test_secret_is_160_bits_and_uri_names_issuer():
    secret = totp.secret_generate()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    uri = totp.provisioning_uri(secret, account="owner@alpha.test", issuer="Alpha Wealth")
    assert uri.startswith("otpauth://totp/Alpha%20Wealth:owner@alpha.test?")
    assert f"secret={secret}" in uri and "issuer=Alpha+Wealth" in uri
