"""The shared factories and personas make what their names promise, each in its own distributor's schema."""

import pytest
from django_tenants.utils import tenant_context

from tests.factories import PASSWORD, SchemeFactory, make_investor, make_staff

pytestmark = pytest.mark.django_db


def test_personas_are_ready_to_invest_in_their_own_distributor(
    tenant_alpha, tenant_beta, alpha_investor, alpha_investor_2, beta_investor
):
    from apps.accounts.models import Investor

    with tenant_context(tenant_alpha):
        alpha_ids = set(Investor.objects.values_list("pk", flat=True))
        for persona in (alpha_investor, alpha_investor_2):
            investor = Investor.objects.select_related("user").get(pk=persona.pk, public_id=persona.public_id)
            assert investor.kyc_status == "verified" and investor.pan and investor.mobile
            assert investor.bank_accounts.filter(is_primary=True).count() == 1
            assert investor.user.check_password(PASSWORD)
    assert alpha_investor.public_id != alpha_investor_2.public_id
    with tenant_context(tenant_beta):
        assert Investor.objects.filter(public_id=beta_investor.public_id).exists()
        assert not Investor.objects.filter(public_id=alpha_investor.public_id).exists()
    assert alpha_investor.pk in alpha_ids


def test_a_new_investor_has_not_started_kyc(tenant_alpha):
    investor = make_investor(tenant_alpha, mobile="+919800012345")

    assert (investor.kyc_status, investor.pan) == ("not_started", None)
    assert investor.user.mobile == investor.mobile == "+919800012345"
    assert investor.user.email == investor.email


@pytest.mark.parametrize("role", ["owner", "admin", "rm", "operations", "read_only"])
def test_alpha_staff_per_role(request, tenant_alpha, role):
    from apps.accounts.models import StaffMember

    member = request.getfixturevalue(f"alpha_{role}")

    with tenant_context(tenant_alpha):
        stored = StaffMember.objects.select_related("user").get(pk=member.pk)
    assert stored.role == role and stored.user.check_password(PASSWORD)
    assert bool(stored.euin) is (role == "rm")


def test_staff_take_an_email_and_a_name(tenant_alpha):
    member = make_staff(tenant_alpha, role="admin", email="named.admin@alpha.test", full_name="Named Admin")

    assert (member.user.email, member.user.full_name) == ("named.admin@alpha.test", "Named Admin")


def test_an_orderable_scheme_has_its_exchange_code(db):
    scheme = SchemeFactory(orderable=True)

    assert scheme.codes.get(source="bse").code == f"P{scheme.amfi_code}-GR"
    assert scheme.min_purchase == 500
