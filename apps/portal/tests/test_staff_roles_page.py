"""Adding a colleague starts at the least access and explains each role; deactivating one asks for a
reason that is stored, audited and shown."""

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.models import StaffMember
from apps.core.models import AuditLog
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_add_a_colleague_starts_at_read_only_and_explains_roles(staff_client, tenant_alpha):
    page = staff_client(tenant_alpha, role="admin").get("/portal/settings/staff/").content.decode()
    select = page[page.index('id="id_role"') :]
    select = select[: select.index("</select>")]
    assert select.index('value="read_only"') < select.index('value="operations"') < select.index('value="admin"')
    assert '<option value="read_only" selected>' in select
    assert 'value="owner"' not in select  # admins do not add owners
    assert "Sees investors, orders, SIPs and reports; changes nothing." in page
    assert "Looks after their own investors only" in page


def test_deactivating_needs_a_reason_which_is_kept_audited_and_shown(staff_client, tenant_alpha):
    owner = staff_client(tenant_alpha, role="owner")
    colleague = make_staff(tenant_alpha, role="operations")
    url = f"/portal/settings/staff/{colleague.public_id}/"

    refused = owner.post(url, {"role": "operations", "reason": "  "}, follow=True)
    assert "Say why you are deactivating this colleague." in refused.content.decode()
    with tenant_context(tenant_alpha):
        assert StaffMember.objects.get(pk=colleague.pk).is_active

    page = owner.post(url, {"role": "operations", "reason": "Moved to another branch"}, follow=True)
    with tenant_context(tenant_alpha):
        member = StaffMember.objects.get(pk=colleague.pk)
        row = AuditLog.objects.filter(action="staff.updated", target_id=str(colleague.pk)).latest("created_at")
    assert not member.is_active and member.deactivation_reason == "Moved to another branch"
    assert row.extra["reason"] == "Moved to another branch"
    assert "Moved to another branch" in page.content.decode()

    owner.post(url, {"role": "operations", "is_active": "on"})
    with tenant_context(tenant_alpha):
        member = StaffMember.objects.get(pk=colleague.pk)
    assert member.is_active and member.deactivation_reason == "" and member.deactivated_at is None
