"""OTP budgets per purpose (apps/accounts/otp.py): codes anyone can request without signing in never use
up an investor's order, mandate, contact-change or family-consent codes; every text names its purpose."""

import re

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.notifiers import LocmemNotifier
from apps.accounts.otp import OTP_MAX_SENDS, OtpRateLimited, otp_issue
from tests.factories import unique


def _texts_to(target: str) -> list[str]:
    return [m.body for m in LocmemNotifier.outbox if m.target == target]


@pytest.fixture
def in_alpha(tenant_alpha, django_capture_on_commit_callbacks):
    with tenant_context(tenant_alpha):
        yield django_capture_on_commit_callbacks


def test_sign_in_codes_asked_by_anyone_do_not_starve_order_codes(in_alpha):
    victim = f"+9198{unique('')[-8:].translate(str.maketrans('abcdef', '123456'))}"
    # given someone without an account asks for sign-in and sign-up codes to the investor's number until refused
    for purpose in ("login", "register"):
        for _ in range(OTP_MAX_SENDS):
            otp_issue(purpose=purpose, channel="sms", target=victim)
        with pytest.raises(OtpRateLimited) as refused:
            otp_issue(purpose=purpose, channel="sms", target=victim)
        assert 0 < refused.value.extra["retry_after"] <= 600
        assert "Try again in" in refused.value.message and "minute" in refused.value.message

    # then the investor's own order, mandate, contact-change and consent codes still go out
    for purpose in ("order", "mandate", "contact", "family"):
        otp_issue(purpose=purpose, channel="sms", target=victim)


def test_a_basket_of_orders_and_sips_has_room_for_more_codes_than_sign_in(in_alpha):
    target = f"{unique('basket')}@example.test"
    for purpose in ("order", "sip", "mandate", "order", "sip", "order"):
        otp_issue(purpose=purpose, channel="email", target=target)
    with pytest.raises(OtpRateLimited):
        otp_issue(purpose="order", channel="email", target=target)


def test_every_code_says_what_it_confirms(in_alpha):
    with in_alpha(execute=True):
        target = f"{unique('text')}@example.test"
        for purpose in ("login", "register", "order", "mandate", "contact", "family"):
            otp_issue(purpose=purpose, channel="email", target=target)
        otp_issue(purpose="basket", channel="email", target=target, what="to confirm 2 orders, total Rs 10,000")
    texts = _texts_to(target)
    assert all(re.match(r"\d{6} is your code to ", text) for text in texts)
    assert "to sign in" in texts[0]
    assert "to create your account" in texts[1]
    assert "to confirm your order" in texts[2]
    assert "to approve your bank mandate" in texts[3]
    assert "to change your contact details" in texts[4]
    assert "to share your portfolio" in texts[5]
    assert "to confirm 2 orders, total Rs 10,000" in texts[6]
    assert all("verification code" not in text for text in texts)
