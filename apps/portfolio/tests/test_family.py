"""Family view with the member's consent given in their own session: asking reveals nothing about the
person asked for; the member accepts or declines (API or web page); only then does the owner see them."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.portfolio.models import FamilyLink
from tests.factories import InvestorFactory, make_investor

D = Decimal
REQUESTS = "/api/v1/portfolio/family/requests"


@pytest.fixture
def family(in_alpha, make_scheme, record_line):
    owner = InvestorFactory(full_name="Asha", pan="AAAAA1111A", mobile="9811111111")
    spouse = InvestorFactory(full_name="Ravi", pan="BBBBB2222B", mobile="9822222222", email="ravi@example.com")
    stranger = InvestorFactory(full_name="Zed", pan="CCCCC3333C", mobile="9833333333")
    scheme = make_scheme(nav="20")
    record_line(owner, scheme, "purchase", date(2024, 1, 2), "1000", "100", "o1", nav="10")
    record_line(spouse, scheme, "purchase", date(2024, 1, 2), "2000", "200", "s1", nav="10")
    record_line(stranger, scheme, "purchase", date(2024, 1, 2), "9000", "900", "z1", nav="10")
    return owner, spouse, stranger


def _ask(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/api/v1/portfolio/family/invitations", data, format="json")


def _request_id(client) -> str:
    [pending] = client.get(REQUESTS).json()["results"]
    return pending["id"]


def test_asking_reveals_nothing_about_the_person_asked_for(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)
    answers = [
        _ask(client, django_capture_on_commit_callbacks, pan="BBBBB2222B", relationship="spouse"),  # exists
        _ask(client, django_capture_on_commit_callbacks, pan="ZZZZZ9999Z"),  # nobody
        _ask(client, django_capture_on_commit_callbacks, pan="aaaaa1111a"),  # oneself
        _ask(client, django_capture_on_commit_callbacks, email="ravi@example.com"),  # exists, already asked
        _ask(client, django_capture_on_commit_callbacks, email="nobody@example.com"),
        _ask(client, django_capture_on_commit_callbacks, mobile="9822222222"),
        _ask(client, django_capture_on_commit_callbacks, mobile="9000000001"),
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert b"Ravi" not in answers[0].content
    # nothing of the member reaches the owner before acceptance: not in the list, not in the summary
    assert client.get("/api/v1/portfolio/family").json()["results"] == []
    assert [m["name"] for m in client.get("/api/v1/portfolio/family/summary").json()["members"]] == ["Asha"]
    # one request waits for the member, whatever the owner tried
    assert FamilyLink.objects.filter(owner=owner, member=spouse, status="pending").count() == 1
    assert client.get(REQUESTS).json()["results"] == []


def test_the_member_accepts_in_their_own_session(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)
    _ask(client, django_capture_on_commit_callbacks, pan="BBBBB2222B", relationship="spouse")
    member = api_for(spouse)
    [pending] = member.get(REQUESTS).json()["results"]
    assert pending["from_name"] == "Asha" and pending["relationship"] == "spouse" and pending["status"] == "pending"
    assert spouse.user.notifications.filter(kind="family_request").exists()

    accepted = member.post(f"{REQUESTS}/{pending['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "active" and accepted.json()["role"] == "member"

    summary = client.get("/api/v1/portfolio/family/summary")
    body = summary.json()
    assert [m["name"] for m in body["members"]] == ["Asha", "Ravi"]
    assert D(body["value"]) == D("300") * 20 and D(body["invested"]) == D("3000.00")
    assert body["xirr"] is not None and body["allocation"]["asset_class"]
    assert [(r["role"], r["name"]) for r in client.get("/api/v1/portfolio/family").json()["results"]] == [
        ("owner", "Ravi")
    ]
    assert owner.user.notifications.filter(kind="family_linked").exists()
    etag = summary["ETag"]
    assert client.get("/api/v1/portfolio/family/summary", HTTP_IF_NONE_MATCH=etag).status_code == 304

    # either side unlinks: the owner's next request no longer includes the member
    assert member.delete(f"/api/v1/portfolio/family/links/{pending['id']}").status_code == 204
    after = client.get("/api/v1/portfolio/family/summary", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and [m["name"] for m in after.json()["members"]] == ["Asha"]
    assert FamilyLink.objects.get(public_id=pending["id"]).status == "revoked"


def test_only_the_member_can_accept(family, api_for, tenant_alpha, tenant_beta, django_capture_on_commit_callbacks):
    owner, spouse, stranger = family
    _ask(api_for(owner), django_capture_on_commit_callbacks, pan="BBBBB2222B")
    request_id = _request_id(api_for(spouse))
    for outsider in (api_for(owner), api_for(stranger)):
        assert outsider.post(f"{REQUESTS}/{request_id}/accept").status_code == 404
        assert outsider.post(f"{REQUESTS}/{request_id}/decline").status_code == 404
        assert outsider.delete(f"/api/v1/portfolio/family/links/{request_id}").status_code == 404
    other_tenant = make_investor(tenant_beta)
    assert api_for(other_tenant, host="beta.localhost").post(f"{REQUESTS}/{request_id}/accept").status_code == 404
    with tenant_context(tenant_alpha):  # the request to beta left the connection on beta's schema
        assert FamilyLink.objects.get(public_id=request_id).status == "pending"


def test_the_member_declines(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, _ = family
    client = api_for(owner)
    _ask(client, django_capture_on_commit_callbacks, pan="BBBBB2222B")
    member = api_for(spouse)
    request_id = _request_id(member)
    assert member.post(f"{REQUESTS}/{request_id}/decline").status_code == 204
    assert FamilyLink.objects.get(public_id=request_id).status == "declined"
    assert member.get(REQUESTS).json()["results"] == []
    assert member.post(f"{REQUESTS}/{request_id}/accept").status_code == 404  # a declined request is closed
    assert [m["name"] for m in client.get("/api/v1/portfolio/family/summary").json()["members"]] == ["Asha"]
    # the owner may ask again; the member is asked afresh
    _ask(client, django_capture_on_commit_callbacks, pan="BBBBB2222B")
    assert _request_id(member) != request_id


def test_asking_needs_one_identifier(family, api_for, django_capture_on_commit_callbacks):
    owner, _, _ = family
    response = _ask(api_for(owner), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and response.json()["code"] == "member_required"


def _signed_in(investor) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(investor.user)
    return client


def test_the_member_answers_on_the_web_page(family, api_for, django_capture_on_commit_callbacks):
    owner, spouse, stranger = family
    _ask(api_for(owner), django_capture_on_commit_callbacks, pan="BBBBB2222B", relationship="spouse")
    request_id = _request_id(api_for(spouse))
    page = _signed_in(spouse).get("/web/family/")
    assert page.status_code == 200
    assert b"Asha" in page.content and f"/web/family/requests/{request_id}/".encode() in page.content
    # the owner's own page shows nothing of the pending request
    owner_page = _signed_in(owner).get("/web/family/")
    assert b"Ravi" not in owner_page.content

    # another investor posting the answer finds no such request
    assert _signed_in(stranger).post(f"/web/family/requests/{request_id}/", {"answer": "accept"}).status_code == 404
    assert _signed_in(owner).post(f"/web/family/requests/{request_id}/", {"answer": "accept"}).status_code == 404
    assert FamilyLink.objects.get(public_id=request_id).status == "pending"

    answered = _signed_in(spouse).post(f"/web/family/requests/{request_id}/", {"answer": "accept"}, follow=True)
    assert answered.status_code == 200 and b"Asha can now see your portfolio" in answered.content
    assert FamilyLink.objects.get(public_id=request_id).status == "active"
    assert b"Ravi" in _signed_in(owner).get("/web/family/").content
