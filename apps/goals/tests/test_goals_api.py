"""Goals through the API: create, edit, link holdings (split by share) and SIPs, unlink, delete; another
investor's and another distributor's requests get 404, never data."""

from decimal import Decimal

from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.core.models import AuditLog
from apps.goals.models import Goal, GoalLink

D = Decimal


def _create(client, savers, **extra):
    body = {"name": "Riya's college", "target_amount": "2500000", "target_date": savers["target_date"], **extra}
    response = client.post("/api/v1/goals", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_goal_from_creation_to_deletion(savers, api_for):
    client = api_for(savers["asha"])

    goal = _create(client, savers)

    assert D(goal["inflation"]) == D("6.00") and D(goal["return_equity"]) == D("12.00")  # sensible defaults
    assert goal["links"] == [] and goal["projection"]["on_track"] is False
    alone = D(goal["projection"]["monthly_sip_needed"])
    assert alone > 0

    # 60% of the holding (worth 2,00,000) and the whole SIP
    linked = client.post(
        f"/api/v1/goals/{goal['id']}/links", {"holding_id": str(savers["holding"].public_id), "share": "60"},
        format="json",
    ).json()  # fmt: skip
    assert D(linked["projection"]["current_value"]) == D("120000.00")
    assert linked["links"][0]["type"] == "holding" and D(linked["links"][0]["value"]) == D("120000.00")
    with_sip = client.post(f"/api/v1/goals/{goal['id']}/links", {"sip_id": str(savers["sip"].public_id)}, format="json")
    assert with_sip.status_code == 201
    projection = with_sip.json()["projection"]
    assert D(projection["projected_sips"]) > 0 and D(projection["monthly_sip_needed"]) < alone

    edited = client.patch(f"/api/v1/goals/{goal['id']}", {"target_amount": "1000000"}, format="json").json()
    assert D(edited["target_amount"]) == D("1000000.00") and edited["projection"]["on_track"] is True
    assert D(edited["projection"]["monthly_sip_needed"]) == 0

    link_id = edited["links"][1]["id"]
    assert client.delete(f"/api/v1/goals/{goal['id']}/links/{link_id}").status_code == 204
    assert len(client.get(f"/api/v1/goals/{goal['id']}").json()["links"]) == 1

    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    assert client.get("/api/v1/goals").json() == []
    assert not GoalLink.objects.filter(goal__investor=savers["asha"]).exists()
    actions = set(
        AuditLog.objects.filter(action__startswith="goals.", actor=savers["asha"].user).values_list("action", flat=True)
    )
    assert actions == {
        "goals.goal_created", "goals.holding_linked", "goals.sip_linked", "goals.goal_updated", "goals.unlinked",
        "goals.goal_deleted",
    }  # fmt: skip


def test_a_holding_is_never_set_aside_more_than_once(savers, api_for):
    client = api_for(savers["asha"])
    first, second = _create(client, savers), _create(client, savers, name="House")
    holding_id = str(savers["holding"].public_id)
    client.post(f"/api/v1/goals/{first['id']}/links", {"holding_id": holding_id, "share": "70"}, format="json")

    too_much = client.post(
        f"/api/v1/goals/{second['id']}/links", {"holding_id": holding_id, "share": "40"}, format="json"
    )
    rest = client.post(f"/api/v1/goals/{second['id']}/links", {"holding_id": holding_id, "share": "30"}, format="json")

    assert too_much.status_code == 400 and too_much.json()["code"] == "share_exceeded"
    assert too_much.json()["extra"]["available"] == "30.00"
    assert rest.status_code == 201 and D(rest.json()["projection"]["current_value"]) == D("60000.00")


def test_bad_goals_are_refused_and_write_nothing(savers, api_for):
    client = api_for(savers["asha"])
    for body in (
        {"name": "x", "target_amount": "0", "target_date": savers["target_date"]},
        {"name": "x", "target_amount": "100", "target_date": "2020-01-01"},
        {"name": "x", "target_amount": "100", "target_date": savers["target_date"], "inflation": "45"},
        {"name": " ", "target_amount": "100", "target_date": savers["target_date"]},
    ):
        response = client.post("/api/v1/goals", body, format="json")
        assert response.status_code == 400, body
    assert not Goal.objects.filter(investor=savers["asha"]).exists()
    goal = _create(client, savers)
    both = client.post(
        f"/api/v1/goals/{goal['id']}/links",
        {"holding_id": str(savers["holding"].public_id), "sip_id": str(savers["sip"].public_id)},
        format="json",
    )
    assert both.status_code == 400 and not GoalLink.objects.filter(goal__investor=savers["asha"]).exists()


def test_another_investors_goals_holdings_and_sips_answer_404(savers, api_for):
    asha, bala = api_for(savers["asha"]), api_for(savers["bala"])
    goal = _create(asha, savers)
    bala_goal = _create(bala, savers)
    link = asha.post(
        f"/api/v1/goals/{goal['id']}/links", {"holding_id": str(savers["holding"].public_id)}, format="json"
    ).json()["links"][0]

    assert [g["id"] for g in bala.get("/api/v1/goals").json()] == [bala_goal["id"]]
    assert bala.get(f"/api/v1/goals/{goal['id']}").status_code == 404
    assert bala.patch(f"/api/v1/goals/{goal['id']}", {"name": "mine"}, format="json").status_code == 404
    assert bala.delete(f"/api/v1/goals/{goal['id']}").status_code == 404
    assert bala.delete(f"/api/v1/goals/{goal['id']}/links/{link['id']}").status_code == 404
    assert bala.delete(f"/api/v1/goals/{bala_goal['id']}/links/{link['id']}").status_code == 404
    # Bala cannot link Asha's holding or SIP to his own goal
    for body in ({"holding_id": str(savers["holding"].public_id)}, {"sip_id": str(savers["sip"].public_id)}):
        assert bala.post(f"/api/v1/goals/{bala_goal['id']}/links", body, format="json").status_code == 404
    assert (
        Goal.objects.get(public_id=goal["id"]).name == "Riya's college"
        and GoalLink.objects.filter(goal__investor__in=[savers["asha"], savers["bala"]]).count() == 1
    )


def test_another_distributor_gets_nothing(savers, tenant_alpha):
    alpha = APIClient(HTTP_HOST="alpha.localhost")
    with tenant_context(tenant_alpha):
        alpha.force_login(savers["asha"].user)
    goal = _create(alpha, savers)

    beta = APIClient(HTTP_HOST="beta.localhost")
    beta.cookies = alpha.cookies
    assert beta.get("/api/v1/goals").status_code in (401, 403)
    assert beta.get(f"/api/v1/goals/{goal['id']}").status_code in (401, 403)


def test_goals_beyond_sixty_years_or_a_lakh_crore_are_refused(savers, api_for):
    client = api_for(savers["asha"])
    far = savers["target_date"].replace(year=savers["target_date"].year + 60)

    assert client.post("/api/v1/goals", {"name": "x", "target_amount": "100", "target_date": far},
                       format="json").status_code == 400  # fmt: skip
    huge = client.post(
        "/api/v1/goals", {"name": "x", "target_amount": "9999999999999", "target_date": savers["target_date"]},
        format="json",
    )  # fmt: skip
    assert huge.status_code == 400 and huge.json()["extra"]["field"] == "target_amount"
