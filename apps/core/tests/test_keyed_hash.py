"""Keyed hashes of identifiers (apps.core.crypto.keyed_hash) and the deploy check of their key."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.checks import field_hash_key_check
from apps.core.crypto import keyed_hash


def test_equal_identifiers_hash_alike_whatever_their_case_and_spacing():
    assert keyed_hash(" abcde 1234f", purpose="accounts.pan") == keyed_hash("ABCDE1234F", purpose="accounts.pan")
    assert keyed_hash("ABCDE1234F", purpose="accounts.pan") != keyed_hash("ABCDE1234G", purpose="accounts.pan")


def test_a_hash_depends_on_the_purpose_and_the_key(settings):
    pan = keyed_hash("ABCDE1234F", purpose="accounts.pan")
    assert keyed_hash("ABCDE1234F", purpose="accounts.bank-account-number") != pan
    settings.FIELD_HASH_KEY = "another-key-of-more-than-32-characters-long"
    assert keyed_hash("ABCDE1234F", purpose="accounts.pan") != pan


def test_no_hash_without_a_key(settings):
    settings.FIELD_HASH_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        keyed_hash("ABCDE1234F", purpose="accounts.pan")


def test_the_deploy_check_asks_for_a_hash_key(settings):
    settings.FIELD_HASH_KEY = ""
    assert [error.id for error in field_hash_key_check(None)] == ["core.E003"]
    settings.FIELD_HASH_KEY = "short"
    assert [error.id for error in field_hash_key_check(None)] == ["core.E003"]
    settings.FIELD_HASH_KEY = "x" * 40
    assert field_hash_key_check(None) == []
