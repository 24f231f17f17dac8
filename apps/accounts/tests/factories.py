"""Test helpers for identity tests: people in a tenant, PANs for the KRA simulator, OAuth clients."""

import base64
import hashlib
import re
import secrets
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django_tenants.utils import tenant_context

PASSWORD = "identity-test-pass-2026"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def unique(prefix: str = "u") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def pan_with(digits: str) -> str:
    """A fresh individual's PAN whose 4 digits steer the KRA simulator (apps/sandbox/kra/behaviour.py)."""
    rnd = secrets.token_bytes(5)
    head = "".join(LETTERS[b % 26] for b in rnd[:3]) + "P" + LETTERS[rnd[3] % 26]
    return f"{head}{digits}{LETTERS[rnd[4] % 26]}"


def make_investor(
    tenant, *, password: str | None = PASSWORD, pan: str | None = None, kyc_status="not_started", **extra
):
    from apps.accounts.models import Investor
    from apps.users.models import User

    with tenant_context(tenant):
        email = extra.pop("email", None) or f"{unique('inv')}@example.test"
        mobile = extra.pop("mobile", None)
        user = User.objects.create_user(email=email, mobile=mobile, password=password, full_name="Test Investor")
        return Investor.objects.create(
            user=user,
            full_name=extra.pop("full_name", "Test Investor"),
            email=email,
            mobile=mobile or "",
            pan=pan,
            kyc_status=kyc_status,
            **extra,
        )


def make_staff(tenant, *, role: str, password: str = PASSWORD):
    from apps.accounts.models import StaffMember
    from apps.users.models import User

    with tenant_context(tenant):
        user = User.objects.create_user(email=f"{unique(role)}@staff.test", password=password)
        euin = f"E{secrets.randbelow(10**6):06d}" if role == "rm" else ""
        return StaffMember.objects.create(user=user, role=role, euin=euin)


def mobile_app(tenant):
    from oauth2_provider.models import get_application_model

    from apps.oauth.services import MOBILE_APP_NAME

    with tenant_context(tenant):
        return get_application_model().objects.get(name=MOBILE_APP_NAME)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def signed_in_client(tenant, user) -> Client:
    """A browser on the tenant's host with a session for `user` (sessions live in the tenant schema)."""
    client = Client(HTTP_HOST=tenant.get_primary_domain().domain)
    with tenant_context(tenant):
        client.force_login(user, backend="apps.accounts.backends.EmailOrMobileBackend")
    return client


def authorize(client: Client, app, *, challenge: str | None, method: str | None = "S256", **params):
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris.split()[0],
        "scope": "openid read write",
        "state": secrets.token_urlsafe(8),
    }
    if challenge is not None:
        query["code_challenge"] = challenge
    if method is not None:
        query["code_challenge_method"] = method
    query.update(params)
    return client.get("/o/authorize/?" + urlencode(query))


def redirect_params(response) -> dict[str, str]:
    location = response["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_for(client: Client, app, *, challenge: str) -> str:
    response = authorize(client, app, challenge=challenge)
    assert response.status_code == 302, response.content[:300]
    params = redirect_params(response)
    assert "code" in params, params
    return params["code"]


def exchange(client: Client, app, *, code: str, verifier: str, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uris.split()[0],
        "client_id": app.client_id,
        "code_verifier": verifier,
    }
    data.update(extra)
    return client.post("/o/token/", data)


def refresh(client: Client, app, refresh_token: str):
    return client.post(
        "/o/token/", {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app.client_id}
    )


def tokens_for(tenant, user, *, device_name: str = "") -> dict:
    """Runs Authorization Code + PKCE in-process and returns the token response."""
    client = signed_in_client(tenant, user)
    app = mobile_app(tenant)
    verifier, challenge = pkce_pair()
    code = code_for(client, app, challenge=challenge)
    extra = {"device_name": device_name} if device_name else {}
    response = exchange(client, app, code=code, verifier=verifier, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def otp_code_sent_to(target: str) -> str:
    from apps.accounts.notifiers import LocmemNotifier

    for message in reversed(LocmemNotifier.outbox):
        if message.target == target.lower():
            return re.search(r"\b(\d{6})\b", message.body).group(1)
    raise AssertionError(f"no code sent to {target}")


def staff_api(member, *, host: str = "alpha.localhost", password: str = PASSWORD):
    """An API client signed in as a staff member the only way staff can: through the portal's sign-in."""
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST=host)
    response = client.post("/portal/login/", {"email": member.user.email, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client
