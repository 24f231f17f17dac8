"""Staff roles: what each may do through the API, relationship managers' own book, invitations."""

import pytest
from django.core import signing
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.accounts.models import Investor, Invitation, StaffMember
from apps.accounts.permissions import ROLE_CAPABILITIES, Capability, role_has_capability
from apps.accounts.selectors import INVITATION_SALT
from tests.factories import PASSWORD, make_investor, make_staff, pan_with, unique
from tests.messages import otp_code_sent_to


def api_for(user, host="alpha.localhost") -> APIClient:
    """Staff sign in through the portal, the only way they can (tests/test_staff_sign_in.py covers the
    others); anyone the portal turns away (investors, deactivated staff) is authenticated directly."""
    client = APIClient(HTTP_HOST=host)
    if client.post("/portal/login/", {"email": user.email, "password": PASSWORD}).status_code == 302:
        return client
    client.force_authenticate(user)
    return client


def invite(client, **extra):
    payload = {"full_name": "Kavya Shah", "email": f"{unique('kavya')}@example.test", **extra}
    return client.post("/api/v1/staff/invitations", payload, format="json")


def test_role_map_matches_the_documented_roles():
    assert ROLE_CAPABILITIES["owner"] == frozenset(Capability)
    assert not role_has_capability("admin", Capability.OWNERS_MANAGE)
    assert role_has_capability("rm", Capability.ORDERS_PLACE)
    assert not role_has_capability("rm", Capability.STAFF_MANAGE)
    assert role_has_capability("operations", Capability.KYC_RECHECK)
    assert not role_has_capability("operations", Capability.ORDERS_PLACE)
    assert all(cap.value.endswith(".view") for cap in ROLE_CAPABILITIES["read_only"])


@pytest.mark.parametrize(
    ("role", "expected"), [("owner", 201), ("admin", 201), ("rm", 201), ("operations", 403), ("read_only", 403)]
)
def test_who_may_invite_investors(tenant_alpha, role, expected):
    staff = make_staff(tenant_alpha, role=role)
    assert invite(api_for(staff.user)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("owner", 201), ("admin", 201), ("rm", 403), ("operations", 403), ("read_only", 403)]
)
def test_who_may_add_staff(tenant_alpha, role, expected):
    staff = make_staff(tenant_alpha, role=role)
    response = api_for(staff.user).post(
        "/api/v1/staff/members", {"email": f"{unique('ops')}@staff.test", "role": "operations"}, format="json"
    )
    assert response.status_code == expected


def test_only_an_owner_adds_an_owner(tenant_alpha):
    admin = make_staff(tenant_alpha, role="admin")
    owner = make_staff(tenant_alpha, role="owner")
    payload = {"email": f"{unique('own')}@staff.test", "role": "owner"}
    assert api_for(admin.user).post("/api/v1/staff/members", payload, format="json").status_code == 403
    assert api_for(owner.user).post("/api/v1/staff/members", payload, format="json").status_code == 201


def test_relationship_manager_needs_an_euin(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    payload = {"email": f"{unique('rm')}@staff.test", "role": "rm"}
    assert api_for(owner.user).post("/api/v1/staff/members", payload, format="json").status_code == 400
    ok = api_for(owner.user).post("/api/v1/staff/members", {**payload, "euin": "e123456"}, format="json")
    assert ok.status_code == 201
    assert ok.json()["euin"] == "E123456"


def test_kyc_recheck_is_for_operations_not_read_only(tenant_alpha):
    investor = make_investor(tenant_alpha)  # no PAN: the check refuses before calling anyone
    ops = make_staff(tenant_alpha, role="operations")
    viewer = make_staff(tenant_alpha, role="read_only")
    url = f"/api/v1/staff/investors/{investor.public_id}/kyc-check"
    assert api_for(viewer.user).post(url).status_code == 403
    response = api_for(ops.user).post(url)
    assert response.status_code == 400
    assert response.json()["code"] == "pan_missing"


def test_relationship_manager_sees_only_their_investors(tenant_alpha):
    rm = make_staff(tenant_alpha, role="rm")
    mine = make_investor(tenant_alpha, relationship_manager=rm)
    other = make_investor(tenant_alpha)
    api = api_for(rm.user)
    ids = {row["id"] for row in api.get("/api/v1/staff/investors").json()["results"]}
    assert str(mine.public_id) in ids and str(other.public_id) not in ids
    assert api.get(f"/api/v1/staff/investors/{other.public_id}").status_code == 404
    assert api.get(f"/api/v1/staff/investors/{mine.public_id}").status_code == 200
    viewer = make_staff(tenant_alpha, role="read_only")
    assert api_for(viewer.user).get(f"/api/v1/staff/investors/{other.public_id}").status_code == 200


def test_staff_of_beta_cannot_see_alpha_investors(tenant_alpha, tenant_beta):
    investor = make_investor(tenant_alpha)
    beta_owner = make_staff(tenant_beta, role="owner")
    response = api_for(beta_owner.user, host="beta.localhost").get(f"/api/v1/staff/investors/{investor.public_id}")
    assert response.status_code == 404


def test_staff_list_shows_pans_masked(tenant_alpha):
    pan = pan_with("1111")
    make_investor(tenant_alpha, pan=pan)
    owner = make_staff(tenant_alpha, role="owner")
    body = api_for(owner.user).get("/api/v1/staff/investors").content.decode()
    assert pan not in body and "XXXXX1111X" in body


def test_invitation_is_signed_prefilled_and_single_use(tenant_alpha, django_capture_on_commit_callbacks):
    rm = make_staff(tenant_alpha, role="rm")
    email = f"{unique('kavya')}@example.test"
    pan = pan_with("2222")
    with django_capture_on_commit_callbacks(execute=True):
        created = invite(api_for(rm.user), email=email, pan=pan)
    assert created.status_code == 201
    link = created.json()["link"]
    assert link.startswith("http://alpha.localhost/web/invite/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    anonymous = APIClient(HTTP_HOST="alpha.localhost")

    details = anonymous.get(f"/api/v1/invitations/{token}")
    assert details.status_code == 200
    assert details.json()["full_name"] == "Kavya Shah"
    assert details.json()["pan"] == "XXXXX2222X"
    assert email not in details.content.decode()

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert anonymous.get(f"/api/v1/invitations/{tampered}").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        otp = anonymous.post(f"/api/v1/invitations/{token}/otp", {}, format="json")
    assert otp.status_code == 202
    accept = {"challenge_id": otp.json()["challenge_id"], "code": otp_code_sent_to(email)}
    accepted = anonymous.post(f"/api/v1/invitations/{token}/accept", accept, format="json")
    assert accepted.status_code == 201, accepted.json()
    with tenant_context(tenant_alpha):
        investor = Investor.objects.get(public_id=accepted.json()["id"])
        assert investor.full_name == "Kavya Shah"
        assert investor.pan == pan
        assert investor.relationship_manager_id == rm.pk
        assert investor.user.email == email

    assert anonymous.get(f"/api/v1/invitations/{token}").status_code == 404
    again = anonymous.post(f"/api/v1/invitations/{token}/accept", accept, format="json")
    assert again.status_code == 404


def test_expired_invitation_link_is_refused(tenant_alpha, settings):
    owner = make_staff(tenant_alpha, role="owner")
    with tenant_context(tenant_alpha):
        invitation = Invitation.objects.create(
            invited_by=owner, full_name="Late", email="late@example.test", expires_at="2000-01-01T00:00:00Z"
        )
    token = signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)
    assert APIClient(HTTP_HOST="alpha.localhost").get(f"/api/v1/invitations/{token}").status_code == 404


def test_inactive_staff_have_no_capabilities(tenant_alpha):
    owner = make_staff(tenant_alpha, role="owner")
    with tenant_context(tenant_alpha):
        StaffMember.objects.filter(pk=owner.pk).update(is_active=False)
    assert invite(api_for(owner.user)).status_code == 404
