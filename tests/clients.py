"""Test clients signed in the way a person signs in: an investor's browser session, a staff member through
the portal's sign-in."""

from django.test import Client
from django_tenants.utils import tenant_context
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
