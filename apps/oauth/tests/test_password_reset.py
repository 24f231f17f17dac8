"""Forgot password on the investor sign-in page: a code to the registered e-mail or mobile (its own send
budget), a new password under the password rules with every error beside its field, then every session and
refresh token of the account ended. The page never tells whether an account exists."""

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.accounts.models import OtpChallenge
from apps.core.models import AuditLog
from apps.oauth.models import DeviceSession
from apps.oauth.tests.flows import mobile_app, refresh, tokens_for
from tests.factories import PASSWORD, make_investor, make_staff, unique
from tests.messages import otp_code_sent_to

HOST = "alpha.localhost"
NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs the on-commit sends (the notifier) of what happens inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _investor(tenant):
    return make_investor(tenant)


def _ask_code(client, identifier):
    return client.post("/login/", {"action": "reset_send", "identifier": identifier})


def _complete(client, code, password=NEW_PASSWORD, again=None):
    return client.post(
        "/login/",
        {
            "action": "reset_complete",
            "code": code,
            "new_password": password,
            "new_password_again": password if again is None else again,
        },
    )


def test_forgot_password_link_opens_the_reset_step(tenant_alpha):
    page_html = Client(HTTP_HOST=HOST).get("/login/").content.decode()
    assert 'href="/login/?forgot=1&amp;next=/" data-testid="forgot-password"' in page_html
    reset = Client(HTTP_HOST=HOST).get("/login/?forgot=1").content.decode()
    assert "Reset your password" in reset and 'value="reset_send"' in reset


def test_a_reset_code_sets_a_new_password_and_ends_every_session_and_token(tenant_alpha, sent):
    investor = _investor(tenant_alpha)
    email = investor.user.email
    # given the investor signed in elsewhere (a browser) and a device holding a refresh-token family
    elsewhere = Client(HTTP_HOST=HOST)
    signed_in = elsewhere.post("/login/", {"action": "password", "identifier": email, "password": PASSWORD})
    assert signed_in.status_code == 302 and elsewhere.get("/web/").status_code == 200
    tokens = tokens_for(tenant_alpha, investor.user, device_name="Phone")

    client = Client(HTTP_HOST=HOST)
    with sent():
        response = _ask_code(client, email)
    assert response.status_code == 200 and b"we have sent it a 6-digit code" in response.content
    with tenant_context(tenant_alpha):
        assert OtpChallenge.objects.filter(purpose="password_reset", target=email).count() == 1
    code = otp_code_sent_to(email)

    # a weak password is refused beside its field, and does not spend the code
    weak = _complete(client, code, password="12345678")
    assert weak.status_code == 400 and b'id="new_password_error"' in weak.content
    mismatch = _complete(client, code, again="something-else-entirely")
    assert mismatch.status_code == 400 and b"not the same" in mismatch.content

    done = _complete(client, code)
    assert done.status_code == 200 and b'data-testid="notice"' in done.content
    with tenant_context(tenant_alpha):
        investor.user.refresh_from_db()
        assert investor.user.check_password(NEW_PASSWORD)
        assert not DeviceSession.objects.filter(user=investor.user, revoked_at__isnull=True).exists()
        assert AuditLog.objects.filter(action="accounts.password_reset", actor=investor.user).count() == 1
    # the other browser's session has ended, the old password no longer works, the new one does
    assert elsewhere.get("/web/").status_code == 302
    old = Client(HTTP_HOST=HOST).post("/login/", {"action": "password", "identifier": email, "password": PASSWORD})
    assert old.status_code == 400
    new = Client(HTTP_HOST=HOST).post("/login/", {"action": "password", "identifier": email, "password": NEW_PASSWORD})
    assert new.status_code == 302
    # the phone's refresh token no longer refreshes
    with tenant_context(tenant_alpha):
        app = mobile_app(tenant_alpha)
    assert refresh(Client(HTTP_HOST=HOST), app, tokens["refresh_token"]).status_code == 400
    # and the code cannot be used again
    assert _complete(client, code).status_code == 400


def test_a_wrong_code_changes_nothing(tenant_alpha, sent):
    investor = _investor(tenant_alpha)
    client = Client(HTTP_HOST=HOST)
    with sent():
        _ask_code(client, investor.user.email)
    response = _complete(client, "000000")
    assert response.status_code == 400 and b'id="code_error"' in response.content
    with tenant_context(tenant_alpha):
        investor.user.refresh_from_db()
        assert investor.user.check_password(PASSWORD)


def test_the_answer_is_the_same_whether_or_not_the_account_exists(tenant_alpha, sent):
    investor = _investor(tenant_alpha)
    staff = make_staff(tenant_alpha, role="owner")
    pages = []
    for identifier in (investor.user.email, f"{unique('nobody')}@example.test", staff.user.email):
        with sent():
            response = _ask_code(Client(HTTP_HOST=HOST), identifier)
        assert response.status_code == 200
        # everything after the masked address is the same page
        page = response.content.decode().split("If an account uses", 1)[1].split("</strong>", 1)[1]
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page))
    assert pages[0] == pages[1] == pages[2]
    otp_code_sent_to(investor.user.email)
    with pytest.raises(AssertionError, match="no code sent"):
        otp_code_sent_to(staff.user.email)  # staff reset their password at the portal's administrator


def test_reset_codes_have_a_budget_of_their_own(tenant_alpha, sent):
    investor = _investor(tenant_alpha)
    email = investor.user.email
    for _ in range(3):
        with sent():
            assert _ask_code(Client(HTTP_HOST=HOST), email).status_code == 200
    assert _ask_code(Client(HTTP_HOST=HOST), email).status_code == 429
    # sign-in codes are counted apart
    with sent():
        response = Client(HTTP_HOST=HOST).post("/login/", {"action": "send_code", "identifier": email})
    assert response.status_code == 200
