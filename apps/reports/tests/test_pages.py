"""The tax, statement and goal pages: the investor's web pages and the staff portal's investor pages show
the API's figures, run the same services, and answer 404 for someone else's statement or goal."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from apps.goals.models import Goal, GoalLink
from apps.reports.models import Statement, StatementBatch

BACKEND = "apps.accounts.backends.EmailOrMobileBackend"
STAFF_PASSWORD = "tax-staff-pass-2026"


@pytest.fixture
def private_storage(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def signed_in(tenant, user) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    with tenant_context(tenant):
        client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def web(ledger, tenant_alpha):
    return signed_in(tenant_alpha, ledger["asha"].user), signed_in(tenant_alpha, ledger["bala"].user)


@pytest.fixture
def staff(ledger, tenant_alpha):
    from apps.accounts.models import StaffMember
    from apps.users.models import User

    def make(role="owner"):
        with tenant_context(tenant_alpha):
            user = User.objects.create_user(email=f"tax-{role}@alpha.test", password=STAFF_PASSWORD)
            StaffMember.objects.create(user=user, role=role)
        client = Client(HTTP_HOST="alpha.localhost")
        # staff pages need a session that passed the portal's own sign-in
        response = client.post("/portal/login/", {"email": user.email, "password": STAFF_PASSWORD})
        assert response.status_code == 302
        return client

    return make


def test_web_tax_page_shows_the_years_gains_and_the_csv(web, ledger):
    asha, bala = web

    page = asha.get("/web/tax/?fy=2024-25").content.decode()

    assert "Capital gains, FY 2024-25" in page and "1,048.90" in page and "699.50" in page and "209.78" in page
    assert "Equity LTCG you could book tax-free" in page
    csv = asha.get("/web/tax/schedule-112a.csv?fy=2024-25")
    assert csv["Content-Type"] == "text/csv" and csv.content.decode().count("\r\n") == 3
    assert "1,048.90" not in bala.get("/web/tax/?fy=2024-25").content.decode()


def test_web_statement_request_progress_and_isolation(
    web, ledger, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    asha, bala = web

    with django_capture_on_commit_callbacks(execute=True):
        response = asha.post("/web/reports/", {"kind": "capital_gains", "financial_year": "2024-25"})

    statement = Statement.objects.get(investor=ledger["asha"])
    assert response.status_code == 302 and response["Location"] == f"/web/reports/{statement.public_id}/"
    partial = asha.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in partial and "Download the PDF" in partial and "token=" in partial
    assert bala.get(response["Location"]).status_code == 404
    bad = asha.post("/web/reports/", {"kind": "transactions", "period_from": "2024-05-01"})
    assert bad.status_code == 400 and Statement.objects.filter(investor=ledger["asha"]).count() == 1


def test_web_goal_journey_and_isolation(web, ledger):
    asha, bala = web
    target = (date.today() + timedelta(days=3650)).isoformat()

    created = asha.post("/web/goals/", {"name": "Retirement", "target_amount": "5000000", "target_date": target})
    goal = Goal.objects.get(investor=ledger["asha"])
    assert created["Location"] == f"/web/goals/{goal.public_id}/" and goal.inflation == 6
    holding = ledger["asha"].holdings.filter(units__gt=0).first()
    asha.post(created["Location"], {"action": "link", "target": f"holding:{holding.public_id}", "share": "50"})
    assert GoalLink.objects.get(goal=goal).share == 50
    asha.post(created["Location"], {"action": "edit", "name": "Retire early", "target_amount": "4000000",
                                    "target_date": target})  # fmt: skip
    goal.refresh_from_db()
    assert goal.name == "Retire early"
    assert "Retire early" in asha.get("/web/").content.decode()  # on the portfolio summary

    assert bala.get(created["Location"]).status_code == 404
    assert bala.post(created["Location"], {"action": "delete"}).status_code == 404
    bala_goal = Goal.objects.create(investor=ledger["bala"], name="Car", target_amount=1, target_date=target)
    stolen = bala.post(
        f"/web/goals/{bala_goal.public_id}/",
        {"action": "link", "target": f"holding:{holding.public_id}", "share": "10"},
    )
    assert stolen.status_code == 400 and not GoalLink.objects.filter(goal=bala_goal).exists()

    link = GoalLink.objects.get(goal=goal)
    asha.post(created["Location"], {"action": "unlink", "link": str(link.public_id)})
    asha.post(created["Location"], {"action": "delete"})
    assert not Goal.objects.filter(investor=ledger["asha"]).exists()


def test_staff_see_an_investors_tax_statements_and_goals(
    staff, ledger, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    owner = staff("owner")
    base = f"/portal/investors/{ledger['asha'].public_id}"

    assert "Tax and statements" in owner.get(f"{base}/").content.decode()
    assert "1,048.90" in owner.get(f"{base}/tax/?fy=2024-25").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"{base}/tax/", {"kind": "portfolio"})
    statement = Statement.objects.get(investor=ledger["asha"])
    assert statement.status == "done"
    assert "Download the PDF" in owner.get(response["Location"]).content.decode()

    target = (date.today() + timedelta(days=2000)).isoformat()
    created = owner.post(f"{base}/goals/", {"name": "House", "target_amount": "3000000", "target_date": target})
    assert created.status_code == 302 and Goal.objects.filter(investor=ledger["asha"]).count() == 1
    read_only = staff("read_only")
    assert read_only.post(created["Location"], {"action": "delete"}).status_code == 403
    assert Goal.objects.filter(investor=ledger["asha"]).exists()


def test_staff_make_every_investors_statements_for_a_year(
    staff, ledger, private_storage, django_capture_on_commit_callbacks, celery_eager
):
    owner = staff("owner")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/portal/statements/", {"kind": "capital_gains", "financial_year": "2024-25"})

    batch = StatementBatch.objects.get(public_id=response["Location"].split("/")[-2])
    assert response["Location"] == f"/portal/statements/{batch.public_id}/"
    page = owner.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-finished="true"' in page and f"{batch.total} of {batch.total} statements ready" in page
    assert "FY 2024-25" in owner.get("/portal/statements/").content.decode()
