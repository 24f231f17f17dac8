"""Every route of a distributor's host that takes an id, asked by someone who must not reach the object.

The routes come from the tenant URL configuration itself (API, portal and web pages alike), so a new route
is probed the day it is added. The objects are one investor's of every kind (orders, SIPs, mandates, bank
accounts, nominees, CAS imports, statements, goals and their links, holdings, transactions, family links,
push devices, sign-in sessions) and the distributor's own (staff members, statement batches, registrar
discrepancies). The askers:

- another distributor's investor and staff, each with their own token or session on their own host;
- the same investor's token presented at the first distributor's host;
- a second investor of the same distributor;
- a relationship manager, about another relationship manager's investor.

Each route is asked with every method it allows (empty bodies) and with the id of every kind (an id of
one kind where another is expected must not reach anything either). Every answer must be 404, or 401 /
403 when the asker may not use the route at all: then the same answer comes for an id that exists
nowhere, so the answer says nothing about the object. Never 2xx, a redirect or a 5xx."""

import itertools
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from apps.oauth.tests.flows import tokens_for
from tests.clients import signed_in_client
from tests.factories import (
    PASSWORD,
    MandateFactory,
    SchemeFactory,
    make_investor,
    make_order,
    make_sip,
    make_staff,
)

pytestmark = pytest.mark.django_db

ALPHA, BETA = "alpha.localhost", "beta.localhost"
UUID_PARAM = re.compile(r"<uuid:(\w+)>")
METHODS = ("get", "post", "put", "patch", "delete")
MIN_REQUESTS = 2000


# --- The routes ------------------------------------------------------------------------------------------


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _methods(pattern: URLPattern) -> list[str]:
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view is None:
        return ["get", "post"]
    return [m for m in METHODS if hasattr(view, m) and m in view.http_method_names]


def id_routes() -> list[tuple[str, list[str], list[str]]]:
    """(route, its uuid parameters, its methods) for every route of a tenant host that takes an id.
    Routes with other parameters take tokens (invitations, set-password) or public data (funds by AMFI
    code), not an object's id."""
    routes = []
    for route, pattern in _walk(get_resolver("config.urls_tenants")):
        params = UUID_PARAM.findall(route)
        if params:
            routes.append((route, params, _methods(pattern)))
    return routes


def _area(route: str) -> str:
    return route.split("/", 1)[0]  # api, portal or web


# --- The objects -------------------------------------------------------------------------------------------


def _victim_objects(tenant, rm):
    """One investor of alpha (in rm's book) with an object of every kind; returns (investor, ids by kind)."""
    from apps.accounts.models import Nominee
    from apps.goals.models import Goal, GoalLink
    from apps.notifications.models import PushDevice
    from apps.oauth.models import DeviceSession
    from apps.portfolio.models import CasImport, FamilyLink, Holding
    from apps.portfolio.services import transaction_record
    from apps.reconciliation.models import Discrepancy
    from apps.reports.models import Statement, StatementBatch

    victim = make_investor(tenant, ready_to_invest=True, relationship_manager=rm)
    relative = make_investor(tenant, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    order = make_order(tenant, victim, scheme)
    sip = make_sip(tenant, victim, scheme)
    tokens_for(tenant, victim.user, device_name="Victim's phone")  # a sign-in session of the victim's
    with tenant_context(tenant):
        mandate = MandateFactory(investor=victim)
        line = transaction_record(
            investor=victim, scheme=scheme, folio_number="F1", kind="purchase", trade_date=date(2025, 4, 1),
            amount=Decimal("1000"), units=Decimal("100"), nav=Decimal("10"), source="order",
            source_ref=f"probe-{uuid.uuid4().hex[:8]}",
        )  # fmt: skip
        holding = Holding.objects.get(investor=victim, scheme=scheme)
        goal = Goal.objects.create(
            investor=victim, name="Home", target_amount=Decimal("100000"), target_date=date.today() + timedelta(999)
        )
        ids = {
            "investor": victim.public_id,
            "order": order.public_id,
            "sip": sip.public_id,
            "mandate": mandate.public_id,
            "bank_account": victim.bank_accounts.get().public_id,
            "nominee": Nominee.objects.create(
                investor=victim, name="Heir", relationship="son", share_percent=100
            ).public_id,
            "cas_import": CasImport.objects.create(investor=victim).public_id,
            "statement": Statement.objects.create(investor=victim, kind="portfolio").public_id,
            "statement_batch": StatementBatch.objects.create(kind="portfolio", financial_year="2024-25").public_id,
            "transaction": line.public_id,
            "holding": holding.public_id,
            "goal": goal.public_id,
            "goal_link": GoalLink.objects.create(goal=goal, holding=holding, share=Decimal("50")).public_id,
            "family_link": FamilyLink.objects.create(
                owner=victim, member=relative, status=FamilyLink.Status.ACTIVE
            ).public_id,
            "family_invitation": FamilyLink.objects.create(
                owner=relative, member=victim, status=FamilyLink.Status.PENDING
            ).public_id,
            "push_device": PushDevice.objects.create(investor=victim, token="probe", platform="android").public_id,
            "device_session": DeviceSession.objects.get(user=victim.user).public_id,
            "staff_member": rm.public_id,
            "discrepancy": Discrepancy.objects.create(
                fingerprint="probe", cause="balance_differs", suggested_fix="review_ledger", folio="F1",
                detail="differs", ours=Decimal(1), theirs=Decimal(2), investor=victim,
            ).public_id,
        }  # fmt: skip
    return victim, ids


# --- The askers ---------------------------------------------------------------------------------------------


class Asker:
    """Someone asking: a name, the host they ask at, and how they are signed in for each area."""

    def __init__(
        self, name: str, host: str, *, api: dict | None = None, pages: Client | None = None, areas=(), may_see=()
    ):
        self.name, self.host, self.api_headers, self.pages, self.areas = name, host, api, pages, set(areas)
        self.may_see = frozenset(may_see)  # kinds of the victim's distributor this asker may see by design

    def ask(self, area: str, method: str, path: str):
        if area == "api":
            client = Client(HTTP_HOST=self.host) if self.api_headers is not None else self.pages
            headers = self.api_headers or {}
            if method in ("post", "put", "patch"):
                return getattr(client, method)(path, "{}", content_type="application/json", **headers)
            return getattr(client, method)(path, **headers)
        return getattr(self.pages, method)(path)


def _bearer(tenant, user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens_for(tenant, user)['access_token']}"}


def _staff_session(tenant, host, role):
    member = make_staff(tenant, role=role)
    client = Client(HTTP_HOST=host)
    assert client.post("/portal/login/", {"email": member.user.email, "password": PASSWORD}).status_code == 302
    return member, client


@pytest.fixture
def unthrottled(settings):
    """The probe asks thousands of times from one address: rates out of the way (they are tested elsewhere)."""
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {scope: "1000000/min" for scope in rest["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK = rest


# --- The probe ----------------------------------------------------------------------------------------------


def _candidate_ids(params: list[str], ids: dict, nested_parent: uuid.UUID, may_see: frozenset) -> list[tuple]:
    """Every id of every kind for each parameter; for routes under an investor (two ids), the victim's
    investor (or the asker's own) with every id of every kind for the object under it."""
    every = [value for kind, value in ids.items() if kind not in may_see]
    if len(params) == 1:
        return [(value,) for value in every]
    return list(itertools.product([ids["investor"], nested_parent], every))


def _fill(route: str, params: list[str], values: tuple) -> str:
    path = route
    for name, value in zip(params, values, strict=True):
        path = path.replace(f"<uuid:{name}>", str(value), 1)
    return "/" + path


def test_no_route_reaches_another_investors_or_another_distributors_objects(
    tenant_alpha, tenant_beta, unthrottled, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    # given alpha's investor in one RM's book, with an object of every kind
    rm_1 = make_staff(tenant_alpha, role="rm")
    victim, ids = _victim_objects(tenant_alpha, rm_1)
    # and the askers
    beta_investor = make_investor(tenant_beta, ready_to_invest=True)
    alpha_investor_2 = make_investor(tenant_alpha, ready_to_invest=True)
    rm_2, rm_2_pages = _staff_session(tenant_alpha, ALPHA, "rm")
    rm_2_investor = make_investor(tenant_alpha, ready_to_invest=True, relationship_manager=rm_2)
    _, beta_owner_pages = _staff_session(tenant_beta, BETA, "owner")
    beta_bearer = _bearer(tenant_beta, beta_investor.user)
    askers = [
        Asker("beta investor at beta", BETA, api=beta_bearer, pages=signed_in_client(tenant_beta, beta_investor.user),
              areas={"api", "web"}),
        Asker("beta investor's token at alpha", ALPHA, api=beta_bearer, areas={"api"}),
        Asker("beta owner at beta", BETA, pages=beta_owner_pages, areas={"portal", "api"}),
        Asker("alpha's second investor", ALPHA, api=_bearer(tenant_alpha, alpha_investor_2.user),
              pages=signed_in_client(tenant_alpha, alpha_investor_2.user), areas={"api", "web"}),
        # statement batches are the distributor's (kind, year and progress), not one RM's: any RM sees them
        Asker("alpha's other RM", ALPHA, pages=rm_2_pages, areas={"portal", "api"}, may_see={"statement_batch"}),
    ]  # fmt: skip
    nested_parent = {"alpha's other RM": rm_2_investor.public_id}

    requests_made, leaks = 0, []
    for route, params, methods in id_routes():
        area = _area(route)
        for asker in askers:
            if area not in asker.areas:
                continue
            parent = nested_parent.get(asker.name, ids["investor"])
            for method in methods:
                # the answer for an id that exists nowhere: what the asker may be told about any id
                blank = asker.ask(area, method, _fill(route, params, tuple(uuid.uuid4() for _ in params)))
                requests_made += 1
                for values in _candidate_ids(params, ids, parent, asker.may_see):
                    path = _fill(route, params, values)
                    response = asker.ask(area, method, path)
                    requests_made += 1
                    status = response.status_code
                    refused = status == 404 or (status in (401, 403) and status == blank.status_code)
                    if not refused:
                        leaks.append(
                            f"{asker.name}: {method.upper()} {path} -> {status} (unknown id: {blank.status_code})"
                        )

    print(f"isolation probe: {requests_made} requests over {len(id_routes())} routes with ids")  # noqa: T201
    assert not leaks, f"{len(leaks)} answers reached or told about another's object:\n" + "\n".join(leaks[:60])
    assert requests_made >= MIN_REQUESTS
