"""The distributor's book: owners and admins (re)assign investors to relationship managers, one or many
at a time; a relationship manager with an empty book is told why; invitations are listed by state with
resend, revoke and the link to copy, and go to every contact given."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor, Invitation
from apps.accounts.notifiers import LocmemNotifier
from apps.core.models import AuditLog
from tests.factories import make_investor, make_staff

pytestmark = pytest.mark.django_db


def _rm_of(tenant, investor):
    with tenant_context(tenant):
        return Investor.objects.get(pk=investor.pk).relationship_manager_id


def test_an_admin_assigns_several_investors_at_once_and_each_change_is_audited(staff_client, tenant_alpha):
    # given
    admin = staff_client(tenant_alpha, role="admin")
    rm = make_staff(tenant_alpha, role="rm", full_name="Ravi Menon")
    first, second = make_investor(tenant_alpha), make_investor(tenant_alpha)
    listing = admin.get("/portal/investors/").content.decode()
    assert 'data-testid="assign-form"' in listing and "Ravi Menon" in listing

    # when
    response = admin.post(
        "/portal/investors/assign/",
        {"investors": [str(first.public_id), str(second.public_id)], "relationship_manager": str(rm.public_id)},
        follow=True,
    )

    # then
    assert "2 investors now with Ravi Menon." in response.content.decode()
    assert _rm_of(tenant_alpha, first) == rm.pk and _rm_of(tenant_alpha, second) == rm.pk
    with tenant_context(tenant_alpha):
        audited = AuditLog.objects.filter(action="investor.relationship_manager_changed")
        assert {row.target_id for row in audited} == {str(first.pk), str(second.pk)}


def test_reassigning_and_unassigning_from_the_investor_page(staff_client, tenant_alpha):
    owner = staff_client(tenant_alpha, role="owner")
    old, new = make_staff(tenant_alpha, role="rm"), make_staff(tenant_alpha, role="rm")
    investor = make_investor(tenant_alpha, relationship_manager=old)
    page = owner.get(f"/portal/investors/{investor.public_id}/").content.decode()
    assert 'data-testid="investor-rm-form"' in page

    owner.post(
        "/portal/investors/assign/",
        {"investors": [str(investor.public_id)], "relationship_manager": str(new.public_id)},
    )
    assert _rm_of(tenant_alpha, investor) == new.pk

    owner.post("/portal/investors/assign/", {"investors": [str(investor.public_id)], "relationship_manager": "none"})
    assert _rm_of(tenant_alpha, investor) is None


def test_one_unknown_investor_changes_nobody(staff_client, tenant_alpha, tenant_beta):
    admin = staff_client(tenant_alpha, role="admin")
    rm = make_staff(tenant_alpha, role="rm")
    mine = make_investor(tenant_alpha)
    elsewhere = make_investor(tenant_beta)  # another distributor's investor is unknown here

    response = admin.post(
        "/portal/investors/assign/",
        {"investors": [str(mine.public_id), str(elsewhere.public_id)], "relationship_manager": str(rm.public_id)},
        follow=True,
    )

    assert "does not exist here" in response.content.decode()
    assert _rm_of(tenant_alpha, mine) is None


def test_an_inactive_or_non_rm_colleague_cannot_receive_investors(staff_client, tenant_alpha):
    admin = staff_client(tenant_alpha, role="admin")
    operations = make_staff(tenant_alpha, role="operations")
    investor = make_investor(tenant_alpha)
    response = admin.post(
        "/portal/investors/assign/",
        {"investors": [str(investor.public_id)], "relationship_manager": str(operations.public_id)},
        follow=True,
    )
    assert "Choose a relationship manager" in response.content.decode()
    assert _rm_of(tenant_alpha, investor) is None


@pytest.mark.parametrize("role", ["rm", "operations", "read_only"])
def test_only_owners_and_admins_assign(staff_client, tenant_alpha, role):
    client = staff_client(tenant_alpha, role=role)
    rm = make_staff(tenant_alpha, role="rm")
    investor = make_investor(tenant_alpha, relationship_manager=client.member if role == "rm" else None)
    assert 'data-testid="assign-form"' not in client.get("/portal/investors/").content.decode()
    response = client.post(
        "/portal/investors/assign/",
        {"investors": [str(investor.public_id)], "relationship_manager": str(rm.public_id)},
    )
    assert response.status_code == 403
    assert _rm_of(tenant_alpha, investor) == (client.member.pk if role == "rm" else None)


def test_a_relationship_manager_with_no_investors_is_told_why(staff_client, tenant_alpha):
    rm = staff_client(tenant_alpha, role="rm")
    empty = rm.get("/portal/").content.decode()
    assert "No investors are assigned to you yet; ask your owner/admin to assign investors" in empty
    assert 'data-testid="kpi-investors"' not in empty

    make_investor(tenant_alpha, relationship_manager=rm.member)
    assert 'data-testid="kpi-investors"' in rm.get("/portal/").content.decode()


def _invite(client, **fields):
    data = {"full_name": "Kavya Shah", "email": "", "mobile": "", "pan": "", **fields}
    return client.post("/portal/investors/invite/", data)


def test_an_invitation_goes_to_every_contact_and_keeps_the_mobile(
    staff_client, tenant_alpha, django_capture_on_commit_callbacks
):
    owner = staff_client(tenant_alpha, role="owner")
    LocmemNotifier.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(owner, email="kavya.shah@example.test", mobile="9812300091")
    assert response.status_code == 200
    with tenant_context(tenant_alpha):
        invitation = Invitation.objects.get(email="kavya.shah@example.test")
    assert invitation.mobile == "+919812300091"
    sent = {(m.channel, m.target) for m in LocmemNotifier.outbox}
    assert sent == {("email", "kavya.shah@example.test"), ("sms", "+919812300091")}
    assert all("/web/invite/" in m.body for m in LocmemNotifier.outbox)


def test_the_invitations_list_shows_states_and_resends_and_revokes(
    staff_client, tenant_alpha, django_capture_on_commit_callbacks
):
    owner = staff_client(tenant_alpha, role="owner")
    _invite(owner, email="pending.one@example.test")
    _invite(owner, mobile="9812300092")
    with tenant_context(tenant_alpha):
        pending = Invitation.objects.get(email="pending.one@example.test")
        expired = Invitation.objects.get(mobile="+919812300092")
        expired.expires_at = timezone.now() - timedelta(days=1)
        expired.save(update_fields=["expires_at"])

    page = owner.get("/portal/investors/invitations/").content.decode()
    assert f'data-testid="link-{pending.public_id}"' in page and "/web/invite/" in page
    assert f'data-testid="link-{expired.public_id}"' not in page  # an expired link is not offered to copy
    only_expired = owner.get("/portal/investors/invitations/?state=expired").content.decode()
    assert "+919812300092" in only_expired and "pending.one@example.test" not in only_expired

    LocmemNotifier.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resent = owner.post(f"/portal/investors/invitations/{expired.public_id}/", {"action": "resend"}, follow=True)
    assert "Invitation sent again to +919812300092" in resent.content.decode()
    assert [m.target for m in LocmemNotifier.outbox] == ["+919812300092"]
    with tenant_context(tenant_alpha):
        assert Invitation.objects.get(pk=expired.pk).expires_at > timezone.now()

    owner.post(f"/portal/investors/invitations/{pending.public_id}/", {"action": "revoke"})
    with tenant_context(tenant_alpha):
        assert Invitation.objects.get(pk=pending.pk).revoked_at is not None
    again = owner.post(f"/portal/investors/invitations/{pending.public_id}/", {"action": "resend"}, follow=True)
    assert "was revoked" in again.content.decode()


def test_invitations_of_another_rm_or_distributor_are_not_found(staff_client, tenant_alpha, tenant_beta):
    owner = staff_client(tenant_alpha, role="owner")
    _invite(owner, email="owners.own@example.test")
    with tenant_context(tenant_alpha):
        invitation = Invitation.objects.get(email="owners.own@example.test")
    rm = staff_client(tenant_alpha, role="rm")
    assert "owners.own@example.test" not in rm.get("/portal/investors/invitations/").content.decode()
    url = f"/portal/investors/invitations/{invitation.public_id}/"
    assert rm.post(url, {"action": "revoke"}).status_code == 404
    assert staff_client(tenant_beta, role="owner").post(url, {"action": "revoke"}).status_code == 404
    with tenant_context(tenant_alpha):
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
