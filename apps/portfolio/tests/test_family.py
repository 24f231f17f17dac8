import re
from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.notifiers import LocmemNotifier
from apps.portfolio.models import FamilyLink
from tests.factories import InvestorFactory

D = Decimal


@pytest.fixture
def family(in_alpha, make_scheme, record_line):
    owner = InvestorFactory(full_name="Asha", pan="AAAAA1111A", mobile="9811111111")
    spouse = InvestorFactory(full_name="Ravi", pan="BBBBB2222B", mobile="9822222222")
    stranger = InvestorFactory(full_name="Zed", pan="CCCCC3333C", mobile="9833333333")
    scheme = make_scheme(nav="20")
    record_line(owner, scheme, "purchase", date(2024, 1, 2), "1000", "100", "o1", nav="10")
    record_line(spouse, scheme, "purchase", date(2024, 1, 2), "2000", "200", "s1", nav="10")
    record_line(stranger, scheme, "purchase", date(2024, 1, 2), "9000", "900", "z1", nav="10")
    LocmemNotifier.outbox.clear()
    return owner, spouse, stranger


def _code_sent_to(target: str) -> str:
    message = [m for m in LocmemNotifier.outbox if m.target == target][-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _invite(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/api/v1/portfolio/family/invitations", data, format="json")


def test_invite_consent_aggregate_and_unlink(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)

    invited = _invite(client, django_capture_on_commit_callbacks, pan="BBBBB2222B", relationship="spouse")
    assert invited.status_code == 201, invited.content
    link_id = invited.json()["id"]
    assert invited.json()["status"] == "pending" and invited.json()["role"] == "owner"
    # before consent the family is the owner alone
    assert len(client.get("/api/v1/portfolio/family/summary").json()["members"]) == 1

    wrong = client.post(f"/api/v1/portfolio/family/invitations/{link_id}/confirm", {"code": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"].startswith("otp")
    code = _code_sent_to("9822222222")
    confirmed = client.post(f"/api/v1/portfolio/family/invitations/{link_id}/confirm", {"code": code}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"

    summary = client.get("/api/v1/portfolio/family/summary")
    body = summary.json()
    assert [m["name"] for m in body["members"]] == ["Asha", "Ravi"]
    assert D(body["value"]) == D("300") * 20 and D(body["invested"]) == D("3000.00")
    assert body["xirr"] is not None and body["allocation"]["asset_class"]
    etag = summary["ETag"]
    assert client.get("/api/v1/portfolio/family/summary", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # the member sees the link from their side and is told
    member_view = api_for(spouse).get("/api/v1/portfolio/family").json()["results"]
    assert [(r["role"], r["name"]) for r in member_view] == [("member", "Asha")]
    assert spouse.user.notifications.filter(kind="family_linked").exists()

    # the member unlinks: the owner's next request no longer includes them
    assert api_for(spouse).delete(f"/api/v1/portfolio/family/links/{link_id}").status_code == 204
    after = client.get("/api/v1/portfolio/family/summary", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert [m["name"] for m in after.json()["members"]] == ["Asha"]
    assert D(after.json()["value"]) == D("2000.00")
    assert FamilyLink.objects.get(public_id=link_id).status == "revoked"


def test_the_owner_can_unlink_too(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)
    link_id = _invite(client, django_capture_on_commit_callbacks, mobile="9822222222").json()["id"]
    client.post(
        f"/api/v1/portfolio/family/invitations/{link_id}/confirm",
        {"code": _code_sent_to("9822222222")},
        format="json",
    )
    assert client.delete(f"/api/v1/portfolio/family/links/{link_id}").status_code == 204
    assert len(client.get("/api/v1/portfolio/family/summary").json()["members"]) == 1


def test_outsiders_cannot_touch_a_link(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, stranger = family
    link_id = _invite(api_for(owner), django_capture_on_commit_callbacks, pan="BBBBB2222B").json()["id"]
    code = _code_sent_to("9822222222")

    outsider = api_for(stranger)
    assert (
        outsider.post(
            f"/api/v1/portfolio/family/invitations/{link_id}/confirm", {"code": code}, format="json"
        ).status_code
        == 404
    )
    assert outsider.delete(f"/api/v1/portfolio/family/links/{link_id}").status_code == 404
    # the invited member cannot confirm on the owner's behalf either (consent is given to the owner)
    member = api_for(spouse)
    response = member.post(f"/api/v1/portfolio/family/invitations/{link_id}/confirm", {"code": code}, format="json")
    assert response.status_code == 404
    assert FamilyLink.objects.get(public_id=link_id).status == "pending"


def test_invitation_errors(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)
    assert _invite(client, django_capture_on_commit_callbacks, pan="ZZZZZ9999Z").status_code == 404
    assert _invite(client, django_capture_on_commit_callbacks, pan="AAAAA1111A").status_code == 404  # oneself
    assert _invite(client, django_capture_on_commit_callbacks).status_code == 400
    first = _invite(client, django_capture_on_commit_callbacks, pan="BBBBB2222B")
    again = _invite(client, django_capture_on_commit_callbacks, pan="BBBBB2222B")  # re-sends the code
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    client.post(
        f"/api/v1/portfolio/family/invitations/{first.json()['id']}/confirm",
        {"code": _code_sent_to("9822222222")},
        format="json",
    )
    linked = _invite(client, django_capture_on_commit_callbacks, pan="BBBBB2222B")
    assert linked.status_code == 409 and linked.json()["code"] == "already_linked"
