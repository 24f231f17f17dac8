"""The rule that binds a KRA record to the person of the profile (apps/accounts/kyc/matching.py)."""

from datetime import date

import pytest

from apps.accounts.kyc.matching import names_match, person_check


@pytest.mark.parametrize(
    ("profile", "kra"),
    [
        ("Asha Rao", "ASHA RAO"),
        ("  asha   rao ", "ASHA RAO"),
        ("Rao, Asha", "ASHA RAO"),  # order and punctuation
        ("A. Rao", "ASHA RAO"),  # an initial for a word
        ("A.K. Sharma", "ARUN KUMAR SHARMA"),
        ("Arun Kumar Sharma", "SHARMA A K"),
        ("Mrs. Asha Rao", "ASHA RAO"),  # a title
        ("Maria D-Souza", "MARIA D SOUZA"),
    ],
)
def test_names_that_match(profile, kra):
    assert names_match(profile, kra)


@pytest.mark.parametrize(
    ("profile", "kra"),
    [
        ("Asha Rao", "ASHA RAJ"),  # spelling
        ("Asha Rao", "ASHA"),  # a missing word
        ("Asha Rao", "ASHA RAO KUMARI"),  # an extra word (not a leading title)
        ("A R", "ASHA RAO"),  # initials alone name nobody
        ("B. Rao", "ASHA RAO"),  # the wrong initial
        ("", "ASHA RAO"),
        ("Asha Rao", ""),
    ],
)
def test_names_that_do_not_match(profile, kra):
    assert not names_match(profile, kra)


def test_the_date_of_birth_must_be_the_same_day_when_the_kra_gives_one():
    born = date(1990, 6, 15)
    assert person_check(profile_name="Asha Rao", profile_dob=born, kra_name="ASHA RAO", kra_dob=born).matches
    assert person_check(profile_name="Asha Rao", profile_dob=born, kra_name="ASHA RAO", kra_dob=None).matches
    other = person_check(profile_name="Asha Rao", profile_dob=born, kra_name="ASHA RAO", kra_dob=date(1990, 6, 16))
    assert not other.matches and "date of birth" in other.problem
    nameless = person_check(profile_name="Asha Rao", profile_dob=born, kra_name="", kra_dob=born)
    assert not nameless.matches and "did not give the name" in nameless.problem
