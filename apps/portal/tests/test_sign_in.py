"""Staff sign-in: sessions, CSRF, lockout, the optional TOTP step, sign-out."""

import time

import pytest
from django.test import Client, override_settings

from apps.accounts import totp
from tests.factories import PASSWORD, make_investor, make_staff

pytestmark = pytest.mark.django_db

ALPHA = "alpha.localhost"


def _post_login(client, email, password=PASSWORD, **extra):
    return client.post("/portal/login/", {"email": email, "password": password}, **extra)


def test_sign_in_sets_session_and_opens_dashboard(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA)
    assert client.get("/portal/").status_code == 302  # not signed in -> sign-in page

    response = _post_login(client, member.user.email)

    assert response.status_code == 302 and response["Location"] == "/portal/"
    dashboard = client.get("/portal/")
    assert dashboard.status_code == 200
    assert b"Alpha Wealth" in dashboard.content


def test_sign_in_requires_csrf_token(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA, enforce_csrf_checks=True)

    assert _post_login(client, member.user.email).status_code == 403

    page = client.get("/portal/login/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/portal/login/",
        {"email": member.user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_wrong_password_and_investor_get_the_same_answer(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    investor = make_investor(tenant_alpha, password=PASSWORD, verified=True)
    client = Client(HTTP_HOST=ALPHA)

    wrong = _post_login(client, member.user.email, "not-the-password")
    not_staff = _post_login(client, investor.user.email)

    assert wrong.status_code == not_staff.status_code == 400
    assert b"The e-mail or password is not right." in wrong.content
    assert b"The e-mail or password is not right." in not_staff.content
    assert client.get("/portal/").status_code == 302


def test_account_locks_after_five_failures_even_for_the_right_password(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA)
    for _ in range(5):
        assert _post_login(client, member.user.email, "wrong-password").status_code == 400

    locked = _post_login(client, member.user.email)

    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert client.get("/portal/").status_code == 302
    # another account from another address is unaffected
    other = make_staff(tenant_alpha, role="admin")
    assert _post_login(Client(HTTP_HOST=ALPHA), other.user.email, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_a_success_clears_the_account_count(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA)
    for _ in range(4):
        _post_login(client, member.user.email, "wrong-password")
    assert _post_login(client, member.user.email).status_code == 302
    client.logout()
    for _ in range(4):
        _post_login(client, member.user.email, "wrong-password")
    assert _post_login(client, member.user.email).status_code == 302


@override_settings(PORTAL_LOCKOUT_MAX_PER_IP=6)
def test_an_address_locks_after_failures_across_accounts(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA)
    for n in range(6):
        _post_login(client, f"nobody-{n}@alpha.test", "guess", REMOTE_ADDR="10.9.9.9")

    assert _post_login(client, member.user.email, REMOTE_ADDR="10.9.9.9").status_code == 429
    assert _post_login(Client(HTTP_HOST=ALPHA), member.user.email, REMOTE_ADDR="10.9.9.10").status_code == 302


def test_lockout_is_per_tenant(tenant_alpha, tenant_beta):
    email = "same.person@shared.test"
    make_staff(tenant_alpha, role="owner", email=email)
    make_staff(tenant_beta, role="owner", email=email)
    alpha = Client(HTTP_HOST=ALPHA)
    for _ in range(5):
        _post_login(alpha, email, "wrong")
    assert _post_login(alpha, email).status_code == 429

    assert _post_login(Client(HTTP_HOST="beta.localhost"), email).status_code == 302


def test_sign_out_needs_post_and_ends_the_session(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha)
    assert client.get("/portal/logout/").status_code == 405
    assert client.post("/portal/logout/").status_code == 302
    assert client.get("/portal/").status_code == 302


def test_next_parameter_only_redirects_inside_the_portal(tenant_alpha):
    member = make_staff(tenant_alpha, role="owner")
    client = Client(HTTP_HOST=ALPHA)
    response = client.post(
        "/portal/login/",
        {"email": member.user.email, "password": PASSWORD, "next": "https://evil.example/portal/"},
    )
    assert response["Location"] == "/portal/"
    client.logout()
    response = client.post(
        "/portal/login/", {"email": member.user.email, "password": PASSWORD, "next": "/portal/investors/"}
    )
    assert response["Location"] == "/portal/investors/"


def _enrol(client) -> str:
    from apps.accounts.selectors import staff_totp_pending_secret

    assert client.post("/portal/security/", {"action": "begin"}).status_code == 302
    secret = staff_totp_pending_secret(user=client.member.user)
    assert secret
    response = client.post("/portal/security/", {"action": "confirm", "code": totp.totp_at(secret, time.time())})
    assert response.status_code == 200 and b'data-testid="backup-codes"' in response.content
    return secret


def test_totp_enrolment_then_sign_in_needs_the_code(staff_client, tenant_alpha):
    from django_tenants.utils import tenant_context

    client = staff_client(tenant_alpha)
    with tenant_context(tenant_alpha):
        secret = _enrol(client)
    email = client.member.user.email

    fresh = Client(HTTP_HOST=ALPHA)
    first = _post_login(fresh, email)
    assert first["Location"].startswith("/portal/login/code/")
    assert fresh.get("/portal/").status_code == 302  # the password alone does not sign in

    assert fresh.post("/portal/login/code/", {"code": "000000"}).status_code == 400
    # the code the enrolment used cannot be replayed; take the next step's code
    next_code = totp.totp_at(secret, time.time() + 30)
    response = fresh.post("/portal/login/code/", {"code": next_code})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert fresh.get("/portal/").status_code == 200
    # and the same code is refused a second time
    again = Client(HTTP_HOST=ALPHA)
    _post_login(again, email)
    assert again.post("/portal/login/code/", {"code": next_code}).status_code == 400


def test_totp_cannot_be_turned_off_without_a_code(staff_client, tenant_alpha):
    from django_tenants.utils import tenant_context

    from apps.accounts.selectors import staff_totp_enabled

    client = staff_client(tenant_alpha)
    with tenant_context(tenant_alpha):
        _enrol(client)
        assert client.post("/portal/security/", {"action": "disable", "code": "123456"}).status_code == 400
        assert staff_totp_enabled(user=client.member.user)


def test_totp_code_page_without_a_pending_password_step_goes_back(tenant_alpha):
    client = Client(HTTP_HOST=ALPHA)
    assert client.get("/portal/login/code/")["Location"] == "/portal/login/"
