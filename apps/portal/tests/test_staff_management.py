"""Owners and admins change colleagues' roles and deactivate them; only owners touch owners; the last
owner stays; a deactivated colleague is signed out and cannot sign in."""

from django.test import Client
from django_tenants.utils import tenant_context

from apps.accounts.models import StaffMember
from apps.core.models import AuditLog
from tests.factories import PASSWORD, make_staff


def _update(client, member, role, active=True, reason="Left the firm"):
    data = {"role": role, "euin": member.euin}
    if active:
        data["is_active"] = "on"
    else:
        data["reason"] = reason
    return client.post(f"/portal/settings/staff/{member.public_id}/", data, follow=True)


def _reload(tenant, member):
    with tenant_context(tenant):
        return StaffMember.objects.select_related("user").get(pk=member.pk)


def test_admin_changes_a_role_and_it_is_audited(staff_client, tenant_alpha):
    admin = staff_client(tenant_alpha, role="admin")
    colleague = make_staff(tenant_alpha, role="rm")
    response = _update(admin, colleague, "operations")
    assert response.status_code == 200
    assert _reload(tenant_alpha, colleague).role == "operations"
    with tenant_context(tenant_alpha):
        assert AuditLog.objects.filter(action="staff.updated", target_id=str(colleague.pk)).exists()


def test_a_deactivated_colleague_is_signed_out_and_cannot_sign_in(staff_client, tenant_alpha):
    owner = staff_client(tenant_alpha, role="owner")
    colleague_client = staff_client(tenant_alpha, role="operations")
    colleague = colleague_client.member
    assert colleague_client.get("/portal/").status_code == 200

    _update(owner, colleague, "operations", active=False)

    assert not _reload(tenant_alpha, colleague).user.is_active
    assert colleague_client.get("/portal/").status_code == 302  # back to sign-in
    fresh = Client(HTTP_HOST="alpha.localhost")
    fresh.post("/portal/login/", {"email": colleague.user.email, "password": PASSWORD})
    assert fresh.get("/portal/").status_code == 302


def test_only_owners_change_owners(staff_client, tenant_alpha):
    admin = staff_client(tenant_alpha, role="admin")
    owner = make_staff(tenant_alpha, role="owner")
    response = _update(admin, owner, "read_only")
    assert b"Only an owner can change an owner." in response.content
    assert _reload(tenant_alpha, owner).role == "owner"
    colleague = make_staff(tenant_alpha, role="operations")
    _update(admin, colleague, "owner")
    assert _reload(tenant_alpha, colleague).role == "operations"


def test_the_last_active_owner_stays(staff_client, tenant_alpha):
    owner_client = staff_client(tenant_alpha, role="owner")
    with tenant_context(tenant_alpha):  # leave exactly one active owner
        StaffMember.objects.filter(role="owner").exclude(pk=owner_client.member.pk).update(is_active=False)
    response = _update(owner_client, owner_client.member, "admin")
    assert b"at least one active owner" in response.content
    assert _reload(tenant_alpha, owner_client.member).role == "owner"


def test_read_only_staff_cannot_change_anyone_and_other_tenants_ids_404(staff_client, tenant_alpha, tenant_beta):
    reader = staff_client(tenant_alpha, role="read_only")
    colleague = make_staff(tenant_alpha, role="operations")
    assert _update(reader, colleague, "admin").status_code == 403
    assert _reload(tenant_alpha, colleague).role == "operations"

    beta_admin = staff_client(tenant_beta, role="admin")
    # alpha's colleague, addressed from beta, does not exist there; nor does a malformed id
    response = beta_admin.post(f"/portal/settings/staff/{colleague.public_id}/", {"role": "admin"})
    assert response.status_code == 404
    assert beta_admin.post(f"/portal/settings/staff/{colleague.pk}/", {"role": "admin"}).status_code == 404
    assert _reload(tenant_alpha, colleague).role == "operations"
