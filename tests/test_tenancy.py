from django_tenants.utils import tenant_context

from apps.accounts.models import StaffMember


def test_each_tenant_sees_only_its_own_staff(tenant_alpha, tenant_beta):
    with tenant_context(tenant_alpha):
        alpha_emails = set(StaffMember.objects.values_list("user__email", flat=True))
    with tenant_context(tenant_beta):
        beta_emails = set(StaffMember.objects.values_list("user__email", flat=True))
    assert alpha_emails == {"owner@alpha.localhost"}
    assert beta_emails == {"owner@beta.localhost"}
