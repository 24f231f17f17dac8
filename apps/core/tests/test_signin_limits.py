"""Sign-in counters: per normalised identifier and per IP, the moment of locking, clearing, windows."""

import pytest
from django.core.cache import cache

from apps.core.signin_limits import SignInLimits, signin_failure_record, signin_failures_clear, signin_locked

LIMITS = SignInLimits(max_per_identifier=3, max_per_ip=5, window=60)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_identifier_locks_at_its_limit_whatever_its_case_or_spaces():
    for typed in ("Asha@Example.test", " asha@example.test", "ASHA@EXAMPLE.TEST "):
        assert not signin_locked(scope="s", limits=LIMITS, identifier="asha@example.test", ip="1.1.1.1")
        reached = signin_failure_record(scope="s", limits=LIMITS, identifier=typed, ip=f"10.0.0.{len(typed)}")
    assert reached is True
    assert signin_locked(scope="s", limits=LIMITS, identifier="asha@example.test", ip="1.1.1.1")
    # another scope counts apart
    assert not signin_locked(scope="other", limits=LIMITS, identifier="asha@example.test", ip="1.1.1.1")


def test_one_ip_locks_for_every_identifier_and_reports_the_moment_once():
    reached = [signin_failure_record(scope="s", limits=LIMITS, identifier=f"u{i}", ip="9.9.9.9") for i in range(6)]
    assert reached == [False, False, False, False, True, False]
    assert signin_locked(scope="s", limits=LIMITS, identifier="someone-new", ip="9.9.9.9")
    assert not signin_locked(scope="s", limits=LIMITS, identifier="someone-new", ip="8.8.8.8")


def test_success_clears_the_identifier_but_not_the_ip():
    for _ in range(3):
        signin_failure_record(scope="s", limits=LIMITS, identifier="ravi", ip="7.7.7.7")
    signin_failures_clear(scope="s", identifier="RAVI")
    assert not signin_locked(scope="s", limits=LIMITS, identifier="ravi", ip="6.6.6.6")
    for _ in range(2):
        signin_failure_record(scope="s", limits=LIMITS, identifier="x", ip="7.7.7.7")
    assert signin_locked(scope="s", limits=LIMITS, identifier="ravi", ip="7.7.7.7")


def test_a_side_without_a_limit_is_not_counted():
    per_ip_only = SignInLimits(max_per_identifier=None, max_per_ip=2, window=60)
    for _ in range(5):
        signin_failure_record(scope="codes", limits=per_ip_only, identifier="ravi", ip="5.5.5.5")
    assert not signin_locked(scope="codes", limits=per_ip_only, identifier="ravi", ip="4.4.4.4")
    assert signin_locked(scope="codes", limits=per_ip_only, ip="5.5.5.5")
