"""The platform admin on the public host: distributors, suspend/activate, and each distributor's gateway
audit log (read-only, from that distributor's own schema); signing in with a password and an authenticator
code under the core sign-in limits; enrolling the authenticator with `manage.py admin_totp_enrol`."""

import base64
import io

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, tenant_context

from apps.core.models import AuditLog
from apps.orders.models import GatewayCall
from apps.users.models import User
from tenants.models import Distributor
from tests.clients import platform_admin_signed_in


@pytest.fixture
def platform_admin(client, db):
    with schema_context("public"):
        admin = User.objects.get(email="admin@platform.localhost")
    return platform_admin_signed_in(client, admin)


def test_admin_lists_distributors_and_suspends_one_after_confirming_with_a_reason(platform_admin):
    changelist = platform_admin.get("/admin/tenants/distributor/", HTTP_HOST="localhost")
    assert changelist.status_code == 200
    assert b"Alpha Wealth" in changelist.content and b"Beta Capital" in changelist.content
    beta = Distributor.objects.get(schema_name="beta")
    chosen = {"action": "suspend", "_selected_action": [beta.pk]}

    # the action first asks; nothing is suspended yet
    asked = platform_admin.post("/admin/tenants/distributor/", chosen, HTTP_HOST="localhost")
    assert asked.status_code == 200 and b"Suspend 1 distributor?" in asked.content
    assert Distributor.objects.get(pk=beta.pk).status == "active"

    # confirming without a reason is refused beside the field
    no_reason = platform_admin.post(
        "/admin/tenants/distributor/", {**chosen, "confirm": "yes", "reason": " "}, HTTP_HOST="localhost"
    )
    assert no_reason.status_code == 400 and b"Say why" in no_reason.content
    assert Distributor.objects.get(pk=beta.pk).status == "active"

    response = platform_admin.post(
        "/admin/tenants/distributor/",
        {**chosen, "confirm": "yes", "reason": "Unpaid invoice for October"},
        HTTP_HOST="localhost",
    )
    assert response.status_code == 302
    beta = Distributor.objects.get(pk=beta.pk)
    assert beta.status == "suspended" and beta.suspension_reason == "Unpaid invoice for October"
    assert beta.suspended_at is not None
    audit = AuditLog.objects.filter(action="distributor.suspended", target_id=str(beta.pk)).latest("created_at")
    assert audit.extra["reason"] == "Unpaid invoice for October"
    shown = platform_admin.get(f"/admin/tenants/distributor/{beta.pk}/change/", HTTP_HOST="localhost")
    assert b"Unpaid invoice for October" in shown.content


def test_gateway_calls_are_shown_per_distributor_and_read_only(platform_admin, tenant_alpha, tenant_beta):
    with tenant_context(tenant_alpha):
        GatewayCall.objects.create(
            gateway="bse_starmf",
            operation="orderEntryParam",
            reference="2026112410000100001",
            request={"ClientCode": "XXXXX1234X"},
            response="NEW|...|0",
            latency_ms=42,
            outcome="ok",
        )
    alpha_page = platform_admin.get(
        f"/admin/tenants/distributor/{tenant_alpha.pk}/gateway-calls/", HTTP_HOST="localhost"
    )
    beta_page = platform_admin.get(f"/admin/tenants/distributor/{tenant_beta.pk}/gateway-calls/", HTTP_HOST="localhost")
    assert alpha_page.status_code == beta_page.status_code == 200
    assert b"2026112410000100001" in alpha_page.content and b"orderEntryParam" in alpha_page.content
    assert b"2026112410000100001" not in beta_page.content
    assert b"<form" not in alpha_page.content.split(b'id="content"')[-1]


def test_gateway_calls_need_a_platform_admin(client, tenant_alpha):
    response = client.get(f"/admin/tenants/distributor/{tenant_alpha.pk}/gateway-calls/", HTTP_HOST="localhost")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # and a distributor's host has no admin at all
    assert client.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 404


# --- Signing in: password, authenticator code, lockout ----------------------------------------------

ADMIN_EMAIL = "ops@platform.localhost"
ADMIN_PASSWORD = "a-long-admin-password-2026"


@pytest.fixture
def platform_staff(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with schema_context("public"):
        user = User.objects.create_user(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, is_staff=True, is_superuser=True)
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def _code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token():06d}"


def _admin_sign_in(client, *, password=ADMIN_PASSWORD, device=None, code="", ip="203.0.113.7", email=ADMIN_EMAIL):
    data = {"username": email, "password": password, "otp_token": code, "next": "/admin/"}
    if device is not None:
        data["otp_device"] = device.persistent_id
    return client.post("/admin/login/", data, HTTP_HOST="localhost", REMOTE_ADDR=ip)


def test_the_admin_refuses_a_password_without_the_authenticator_code(client, platform_staff):
    user, device = platform_staff
    response = _admin_sign_in(client, device=device)
    assert response.status_code == 200 and b"enter your OTP token" in response.content
    assert client.get("/admin/", HTTP_HOST="localhost")["Location"].startswith("/admin/login/")
    # nor does a session signed in some other way, with no code behind it, open the admin
    with schema_context("public"):
        client.force_login(user)
    assert client.get("/admin/", HTTP_HOST="localhost")["Location"].startswith("/admin/login/")


def test_the_admin_opens_with_the_password_and_a_current_code(client, platform_staff):
    _user, device = platform_staff
    response = _admin_sign_in(client, device=device, code=_code(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 200


def test_admin_sign_in_locks_an_account_after_repeated_failures(client, platform_staff, settings):
    settings.ADMIN_LOCKOUT_MAX_PER_ACCOUNT = 3
    _user, device = platform_staff
    _admin_sign_in(client, password="wrong-password-1", device=device)
    _admin_sign_in(client, password="wrong-password-2", device=device, ip="198.51.100.9")
    _admin_sign_in(client, device=device, code="000000")  # the right password, a wrong code: counts too
    # now even the right password and code are refused, whatever the address and however the e-mail is typed
    response = _admin_sign_in(client, device=device, code=_code(device), email=" OPS@platform.localhost ")
    assert response.status_code == 200 and b"Too many failed sign-in attempts" in response.content
    assert client.get("/admin/", HTTP_HOST="localhost")["Location"].startswith("/admin/login/")
    with schema_context("public"):
        assert AuditLog.objects.filter(action="admin.sign_in_locked").exists()


def test_admin_sign_in_locks_an_address_trying_many_accounts(client, platform_staff, settings):
    settings.ADMIN_LOCKOUT_MAX_PER_IP = 3
    _user, device = platform_staff
    for n in range(3):
        _admin_sign_in(client, email=f"guess{n}@platform.localhost", password="nope-nope-nope", ip="192.0.2.50")
    locked = _admin_sign_in(client, device=device, code=_code(device), ip="192.0.2.50")
    assert b"Too many failed sign-in attempts" in locked.content
    # another address is not locked
    assert _admin_sign_in(client, device=device, code=_code(device), ip="192.0.2.51").status_code == 302


def test_admin_totp_enrol_prints_the_qr_code_and_key(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with schema_context("public"):
        user = User.objects.create_user(email="new-ops@platform.localhost", password=ADMIN_PASSWORD, is_staff=True)
    out = io.StringIO()
    call_command("admin_totp_enrol", "New-Ops@platform.localhost", stdout=out)
    text = out.getvalue()
    with schema_context("public"):
        device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and "otpauth://totp/" in text
    assert any(block in text for block in "█▀▄")  # the QR code, drawn for a terminal
    secret = text.split("secret=", 1)[1].split("&", 1)[0]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # a second run refuses to replace it silently
    with pytest.raises(CommandError, match="already set up"):
        call_command("admin_totp_enrol", "new-ops@platform.localhost", stdout=io.StringIO())
    call_command("admin_totp_enrol", "new-ops@platform.localhost", "--replace", "--no-qr", stdout=io.StringIO())
    with schema_context("public"):
        assert TOTPDevice.objects.filter(user=user).count() == 1
        assert TOTPDevice.objects.get(user=user).pk != device.pk
    # an account that is not platform staff gets none
    with pytest.raises(CommandError, match="No active platform staff"):
        call_command("admin_totp_enrol", "nobody@platform.localhost", stdout=io.StringIO())
