"""Role rules on the portal's pages: what each role may open, and a relationship manager's own book."""

import pytest

from tests.factories import make_investor, make_staff

pytestmark = pytest.mark.django_db


def test_relationship_manager_sees_only_their_book(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="rm")
    mine = make_investor(tenant_alpha, full_name="Mine Investor", relationship_manager=client.member, verified=True)
    other_rm = make_staff(tenant_alpha, role="rm")
    theirs = make_investor(tenant_alpha, full_name="Theirs Investor", relationship_manager=other_rm, verified=True)

    listing = client.get("/portal/investors/").content.decode()
    assert "Mine Investor" in listing and "Theirs Investor" not in listing
    assert client.get(f"/portal/investors/{mine.public_id}/").status_code == 200
    assert client.get(f"/portal/investors/{theirs.public_id}/").status_code == 404

    owner = staff_client(tenant_alpha, role="owner")
    assert owner.get(f"/portal/investors/{theirs.public_id}/").status_code == 200


def test_read_only_reads_but_cannot_write(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="read_only")
    investor = make_investor(tenant_alpha, full_name="Read Only Target", verified=True)

    assert client.get("/portal/").status_code == 200
    page = client.get(f"/portal/investors/{investor.public_id}/")
    assert page.status_code == 200 and f"/portal/investors/{investor.public_id}/cas/" not in page.content.decode()
    assert client.get(f"/portal/investors/{investor.public_id}/cas/").status_code == 403
    assert client.post(f"/portal/investors/{investor.public_id}/cas/", {}).status_code == 403
    assert client.get("/portal/investors/invite/").status_code == 403
    assert client.post("/portal/settings/staff/", {"email": "x@alpha.test", "role": "admin"}).status_code == 403


def test_unknown_or_malformed_investor_ids_are_404(staff_client, tenant_alpha):
    client = staff_client(tenant_alpha, role="owner")
    assert client.get("/portal/investors/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_admin_adds_staff_but_not_owners(staff_client, tenant_alpha):
    from django_tenants.utils import tenant_context

    from apps.accounts.models import StaffMember

    admin = staff_client(tenant_alpha, role="admin")
    page = admin.get("/portal/settings/staff/").content.decode()
    assert 'value="owner"' not in page
    response = admin.post(
        "/portal/settings/staff/",
        {"full_name": "New Ops", "email": "new.ops@alpha.test", "role": "operations", "euin": ""},
    )
    assert response.status_code == 302
    refused = admin.post(
        "/portal/settings/staff/", {"full_name": "Sneaky", "email": "sneaky@alpha.test", "role": "owner"}
    )
    assert refused.status_code == 400
    with tenant_context(tenant_alpha):
        assert StaffMember.objects.filter(user__email="new.ops@alpha.test", role="operations").exists()
        assert not StaffMember.objects.filter(user__email="sneaky@alpha.test").exists()


def test_investors_filter_by_relationship_manager_public_id(staff_client, tenant_alpha):
    owner = staff_client(tenant_alpha, role="owner")
    first_rm, second_rm = make_staff(tenant_alpha, role="rm"), make_staff(tenant_alpha, role="rm")
    make_investor(tenant_alpha, full_name="First Book Investor", relationship_manager=first_rm, verified=True)
    make_investor(tenant_alpha, full_name="Second Book Investor", relationship_manager=second_rm, verified=True)

    page = owner.get("/portal/investors/", {"rm": str(first_rm.public_id)}).content.decode()
    assert "First Book Investor" in page and "Second Book Investor" not in page
    assert f'value="{first_rm.public_id}" selected' in page
    # the numeric key no longer names anyone; an unknown or malformed id filters nothing
    for value in (str(first_rm.pk), "00000000-0000-0000-0000-000000000000", "not-an-id"):
        page = owner.get("/portal/investors/", {"rm": value}).content.decode()
        assert "First Book Investor" in page and "Second Book Investor" in page
