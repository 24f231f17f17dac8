"""Two-step sign-in for staff: the set-up page (QR code, key in groups, backup codes shown once), backup codes
at the sign-in's second step (each once, audited, replaceable), and the distributor's rule that every staff
member must use an authenticator (nothing else opens, no API, no token, until they have)."""

import re
import time

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.accounts import totp
from apps.accounts.selectors import staff_totp_pending_secret
from apps.accounts.services import staff_auth
from apps.core.models import AuditLog
from tenants.lookup import tenant_lookup_invalidate
from tenants.models import Distributor
from tests.factories import PASSWORD, make_staff

ALPHA = "alpha.localhost"
CODE_RE = re.compile(rb"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


@pytest.fixture
def totp_required(tenant_alpha):
    """Alpha requires two-step sign-in of its staff (set directly: the portal's switch has its own tests)."""
    Distributor.objects.filter(pk=tenant_alpha.pk).update(staff_totp_required=True)
    tenant_lookup_invalidate()
    yield tenant_alpha
    # the rollback restores the row; hosts looked up meanwhile must not keep the rule
    tenant_lookup_invalidate()


@pytest.fixture(autouse=True)
def _fresh_lookups():
    yield
    tenant_lookup_invalidate()


def _sign_in(email: str) -> tuple[Client, object]:
    client = Client(HTTP_HOST=ALPHA)
    return client, client.post("/portal/login/", {"email": email, "password": PASSWORD})


def _enrol(client, user) -> tuple[str, list[str]]:
    assert client.post("/portal/security/", {"action": "begin"}).status_code == 302
    secret = staff_totp_pending_secret(user=user)
    response = client.post("/portal/security/", {"action": "confirm", "code": totp.totp_at(secret, time.time())})
    assert response.status_code == 200
    codes = [code.decode() for code in CODE_RE.findall(response.content)]
    assert len(codes) == 10
    return secret, codes


def _enrolled_member(tenant, role="owner"):
    member = make_staff(tenant, role=role)
    with tenant_context(tenant):
        secret = staff_auth.staff_totp_begin(user=member.user)
        codes = staff_auth.staff_totp_enrol(user=member.user, code=totp.totp_at(secret, time.time()))
    return member, secret, codes


# --- The set-up page -------------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_key_in_groups(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha)
    with tenant_context(tenant_alpha):
        client.post("/portal/security/", {"action": "begin"})
        secret = staff_totp_pending_secret(user=client.member.user)
    response = client.get("/portal/security/")
    page = response.content.decode()
    # an inline SVG QR code, drawn on the server: no script, no image request
    assert re.search(r'<figure data-testid="totp-qr"><svg [^>]*class="totp-qr"', page)
    assert "<path" in page.split('class="totp-qr"', 1)[1].split("</svg>", 1)[0]
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in page and "otpauth://totp/" in page
    # the page's policy still holds: every script carries the nonce, nothing inline is allowed otherwise
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for tag in re.findall(r"<script[^>]*>", page):
        assert f'nonce="{nonce}"' in tag


def test_enrolment_shows_ten_backup_codes_once_and_the_count_after(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha)
    with tenant_context(tenant_alpha):
        _secret, codes = _enrol(client, client.member.user)
    assert len(set(codes)) == 10
    later = client.get("/portal/security/").content.decode()
    assert not any(code in later for code in codes)  # shown once only
    assert re.search(r"Backup codes left: <strong>10</strong>", later)


# --- Backup codes at the second step ----------------------------------------------------------------


def test_a_backup_code_signs_in_once_and_never_twice(tenant_alpha):
    member, _secret, codes = _enrolled_member(tenant_alpha)

    client, first = _sign_in(member.user.email)
    assert first["Location"].startswith("/portal/login/code/")
    response = client.post("/portal/login/code/", {"code": codes[0].upper()})  # case and hyphen do not matter
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200

    again, _ = _sign_in(member.user.email)
    refused = again.post("/portal/login/code/", {"code": codes[0]})
    assert refused.status_code == 400 and b"already used" in refused.content
    assert again.get("/portal/").status_code == 302

    with tenant_context(tenant_alpha):
        used = AuditLog.objects.filter(action="portal.backup_code_used", actor=member.user)
        assert used.count() == 1 and used.get().extra == {"remaining": 9}
    page = client.get("/portal/security/").content.decode()
    assert "Backup codes left: <strong>9</strong>" in page


def test_a_wrong_backup_code_counts_against_the_lockout(tenant_alpha, settings):
    settings.PORTAL_LOCKOUT_MAX_PER_ACCOUNT = 2
    member, _secret, codes = _enrolled_member(tenant_alpha)
    client, _ = _sign_in(member.user.email)
    assert client.post("/portal/login/code/", {"code": "aaaaa-aaaaa"}).status_code == 400
    assert client.post("/portal/login/code/", {"code": "bbbbb-bbbbb"}).status_code == 400
    # locked now: even a good code is refused
    assert client.post("/portal/login/code/", {"code": codes[1]}).status_code == 429
    assert client.get("/portal/").status_code == 302


def test_new_backup_codes_void_the_old_ones_and_need_a_current_code(tenant_alpha):
    member, secret, old_codes = _enrolled_member(tenant_alpha)
    client, _ = _sign_in(member.user.email)
    client.post("/portal/login/code/", {"code": old_codes[0]})

    refused = client.post("/portal/security/", {"action": "regenerate", "code": "000000"})
    assert refused.status_code == 400 and b"not right" in refused.content
    response = client.post(
        "/portal/security/", {"action": "regenerate", "code": totp.totp_at(secret, time.time() + 30)}
    )
    assert response.status_code == 200
    new_codes = [code.decode() for code in CODE_RE.findall(response.content)]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    old, _ = _sign_in(member.user.email)
    assert old.post("/portal/login/code/", {"code": old_codes[1]}).status_code == 400
    new, _ = _sign_in(member.user.email)
    assert new.post("/portal/login/code/", {"code": new_codes[0]}).status_code == 302


def test_turning_it_off_removes_the_backup_codes(tenant_alpha):
    member, secret, codes = _enrolled_member(tenant_alpha)
    with tenant_context(tenant_alpha):
        staff_auth.staff_totp_disable(user=member.user, code=totp.totp_at(secret, time.time() + 30))
        with pytest.raises(staff_auth.TotpError):
            staff_auth.staff_backup_code_use(user=member.user, code=codes[0])


# --- The distributor's rule ------------------------------------------------------------------------


def test_when_required_staff_without_an_authenticator_reach_only_the_set_up_page(totp_required):
    member = make_staff(totp_required, role="owner")
    client, response = _sign_in(member.user.email)
    assert response.status_code == 302 and response["Location"] == "/portal/security/"
    for path in ("/portal/", "/portal/investors/", "/portal/orders/", "/portal/settings/staff/"):
        assert client.get(path)["Location"] == "/portal/security/", path
    page = client.get("/portal/security/")
    assert page.status_code == 200 and b'data-testid="enrol-required"' in page.content
    assert b"Staff sign-in rule" not in page.content  # only enrolment here
    # no staff API over this session, and no OAuth token for it
    api = client.get("/api/v1/staff/investors", HTTP_ACCEPT="application/json")
    assert api.status_code == 403 and api.json()["code"] == "staff_sign_in_required"
    authorize = client.get("/o/authorize/?response_type=code&client_id=x")
    assert authorize.status_code == 302 and authorize["Location"].startswith("/portal/login/")

    # once enrolled, the portal and the API open
    client, _ = _sign_in(member.user.email)
    with tenant_context(totp_required):
        _enrol(client, member.user)
    assert client.get("/portal/").status_code == 200
    assert client.get("/api/v1/staff/investors", HTTP_ACCEPT="application/json").status_code == 200


def test_the_rule_applies_to_sessions_already_open(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha)
    assert client.get("/portal/").status_code == 200
    Distributor.objects.filter(pk=tenant_alpha.pk).update(staff_totp_required=True)
    tenant_lookup_invalidate()
    assert client.get("/portal/")["Location"] == "/portal/security/"
    assert client.get("/api/v1/staff/investors", HTTP_ACCEPT="application/json").status_code == 403


def test_when_required_it_cannot_be_turned_off(totp_required):
    member, secret, codes = _enrolled_member(totp_required)
    client, _ = _sign_in(member.user.email)
    client.post("/portal/login/code/", {"code": codes[0]})
    assert client.get("/portal/").status_code == 200  # enrolled and verified: everything opens
    response = client.post("/portal/security/", {"action": "disable", "code": totp.totp_at(secret, time.time() + 30)})
    assert response.status_code == 400 and b"cannot be turned off" in response.content
    with tenant_context(totp_required):
        assert staff_totp_pending_secret(user=member.user) is None
        assert AuditLog.objects.filter(action="portal.totp_disabled").count() == 0


def test_the_owner_switches_the_rule_after_enrolling_themselves(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha)
    # not before having an authenticator of their own
    refused = client.post("/portal/security/", {"action": "policy", "required": "on"})
    assert refused.status_code == 400 and b"for yourself" in refused.content
    assert Distributor.objects.get(pk=tenant_alpha.pk).staff_totp_required is False

    with tenant_context(tenant_alpha):
        _enrol(client, client.member.user)
    assert client.post("/portal/security/", {"action": "policy", "required": "on"}).status_code == 302
    assert Distributor.objects.get(pk=tenant_alpha.pk).staff_totp_required is True
    with tenant_context(tenant_alpha):
        assert AuditLog.objects.filter(action="distributor.staff_totp_required", actor=client.member.user).exists()
    assert b"<strong>required</strong>" in client.get("/portal/security/").content
    # a colleague signed in with a password only is now sent to enrol
    colleague = make_staff(tenant_alpha, role="operations")
    _, response = _sign_in(colleague.user.email)
    assert response["Location"] == "/portal/security/"

    assert client.post("/portal/security/", {"action": "policy"}).status_code == 302  # unticked: off
    assert Distributor.objects.get(pk=tenant_alpha.pk).staff_totp_required is False


def test_only_those_who_manage_settings_may_switch_the_rule(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="read_only")
    assert b"Staff sign-in rule" not in client.get("/portal/security/").content
    assert client.post("/portal/security/", {"action": "policy", "required": "on"}).status_code == 403
    assert Distributor.objects.get(pk=tenant_alpha.pk).staff_totp_required is False


def test_the_rule_of_one_distributor_does_not_touch_another(totp_required, tenant_beta):
    member = make_staff(tenant_beta, role="owner")
    client = Client(HTTP_HOST="beta.localhost")
    response = client.post("/portal/login/", {"email": member.user.email, "password": PASSWORD})
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
