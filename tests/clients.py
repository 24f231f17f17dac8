"""Test clients signed in the way a person signs in: an investor's browser session, a staff member through
the portal's sign-in, platform staff through the admin's password and authenticator code."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context, tenant_context
from rest_framework.test import APIClient

from tests.factories import PASSWORD


def signed_in_client(tenant, user) -> Client:
    """A browser on the tenant's host with a session for `user` (sessions live in the tenant schema)."""
    client = Client(HTTP_HOST=tenant.get_primary_domain().domain)
    with tenant_context(tenant):
        client.force_login(user, backend="apps.accounts.backends.EmailOrMobileBackend")
    return client


def staff_api(member, *, host: str = "alpha.localhost", password: str = PASSWORD) -> APIClient:
    """An API client signed in as a staff member the only way staff can: through the portal's sign-in."""
    client = APIClient(HTTP_HOST=host)
    response = client.post("/portal/login/", {"email": member.user.email, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def platform_admin_signed_in(client: Client, user) -> Client:
    """`client` signed in to the platform admin as `user` with both factors passed: an authenticator is set
    up for them and the session carries its verification, as the admin's sign-in form leaves it."""
    with schema_context("public"):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test authenticator", defaults={"confirmed": True})
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
