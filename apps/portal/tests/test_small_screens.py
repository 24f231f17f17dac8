"""Every portal and investor web page at 390 px: it answers, and the page itself never scrolls sideways
(tables become cards or scroll inside their box, the navigation collapses). The pages come from the URL
patterns, so a new page is covered the day it is added: a page with ids in its URL needs an entry in
OBJECT_KWARGS, or this test fails naming it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.portal.tests.conftest import SCREENSHOTS, sign_in
from tests.factories import (
    PASSWORD,
    SchemeFactory,
    make_investor,
    make_order,
    make_sip,
    make_staff,
    unique,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

TENANT_URLCONF = settings.ROOT_URLCONF
NARROW = {"width": 390, "height": 844}
PROBE = "path => fetch(path).then(r => [r.status, r.headers.get('content-type') || ''])"
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Book:
    """One investor's book at alpha, with one of everything a page can show."""

    staff: object
    investor: object
    scheme: object
    order: object
    basket: object
    sip: object
    cas_import: object
    statement: object
    batch: object
    goal: object
    discrepancy: object
    invitation_token: str


def _book(tenant) -> Book:
    from apps.accounts.services.registration import invitation_create, invitation_token
    from apps.goals.models import Goal
    from apps.orders.models import OrderBasket
    from apps.portfolio.models import CasImport
    from apps.portfolio.services.ledger import transaction_record
    from apps.reconciliation.models import Discrepancy
    from apps.reports.models import Statement, StatementBatch

    owner = make_staff(tenant, role="owner")
    investor = make_investor(tenant, full_name=unique("Narrow Screen Investor With A Long Name"), ready_to_invest=True)
    scheme = SchemeFactory(
        orderable=True, name=f"{unique('Konkan Very Long Name Balanced Advantage')} Fund - Regular Plan - IDCW Payout"
    )
    with tenant_context(tenant):
        for days in (400, 200):
            transaction_record(
                investor=investor, scheme=scheme, folio_number="91234567/89", kind="purchase",
                trade_date=date.today() - timedelta(days=days), amount=Decimal("125000"),
                units=Decimal("2500.125"), nav=Decimal("49.9975"), source="order", source_ref=unique("narrow"),
            )  # fmt: skip
        batch = StatementBatch.objects.create(kind="capital_gains", financial_year="2025-26", total=1)
        discrepancy = Discrepancy.objects.create(
            fingerprint=unique("narrow"), cause=Discrepancy.Cause.UNITS_DIFFER,
            suggested_fix=Discrepancy.Fix.ADJUST_TO_REGISTRAR, investor_id=investor.pk, folio="91234567/89",
            scheme=scheme, ours=Decimal("2500.125"), theirs=Decimal("2500.000"), detail="Units differ.",
        )  # fmt: skip
        invitation, _ = invitation_create(staff=owner, full_name="Invited Person", email=f"{unique('inv')}@example.in")
        book = Book(
            staff=owner,
            investor=investor,
            scheme=scheme,
            order=make_order(tenant, investor, scheme, status="successful"),
            basket=OrderBasket.objects.create(investor=investor, reference=unique("B")[:20], placed_at=timezone.now()),
            sip=make_sip(tenant, investor, scheme),
            cas_import=CasImport.objects.create(investor=investor),
            statement=Statement.objects.create(investor=investor, kind="portfolio"),
            batch=batch,
            goal=Goal.objects.create(
                investor=investor,
                name="Daughter's education",
                target_amount=Decimal("2500000"),
                target_date=date.today() + timedelta(days=3650),
            ),  # fmt: skip
            discrepancy=discrepancy,
            invitation_token=invitation_token(invitation),
        )
    return book


# The ids each page with ids in its URL is shown with.
OBJECT_KWARGS = {
    "portal:investor": lambda b: {"public_id": b.investor.public_id},
    "portal:cas_upload": lambda b: {"public_id": b.investor.public_id},
    "portal:cas_import": lambda b: {"public_id": b.investor.public_id, "import_id": b.cas_import.public_id},
    "portal:order_place": lambda b: {"public_id": b.investor.public_id},
    "portal:investor_tax": lambda b: {"public_id": b.investor.public_id},
    "portal:investor_statement": lambda b: {"public_id": b.investor.public_id, "statement_id": b.statement.public_id},
    "portal:investor_goals": lambda b: {"public_id": b.investor.public_id},
    "portal:investor_goal": lambda b: {"public_id": b.investor.public_id, "goal_id": b.goal.public_id},
    "portal:statement_batch": lambda b: {"batch_id": b.batch.public_id},
    "portal:operations_order": lambda b: {"public_id": b.order.public_id},
    "web:cas_import": lambda b: {"import_id": b.cas_import.public_id},
    "web:order_confirm": lambda b: {"order_id": b.order.public_id},
    "web:statement": lambda b: {"statement_id": b.statement.public_id},
    "web:goal": lambda b: {"goal_id": b.goal.public_id},
    "web:fund": lambda b: {"amfi_code": b.scheme.amfi_code},
    "web:order_detail": lambda b: {"order_id": b.order.public_id},
    "web:basket": lambda b: {"basket_id": b.basket.public_id},
    "web:sip": lambda b: {"sip_id": b.sip.public_id},
    "web:sip_mandate": lambda b: {"mandate_id": b.sip.mandate.public_id},
    "portal:order_detail": lambda b: {"public_id": b.order.public_id},
    "portal:sip": lambda b: {"public_id": b.sip.public_id},
    "portal:sip_start": lambda b: {"public_id": b.investor.public_id},
}
# Pages shown to someone signed out (an invitation is opened before the account exists).
SIGNED_OUT = {"web:invite": lambda b: {"token": b.invitation_token}}
# Not pages: files are downloads.
DOWNLOADS = (".csv", ".pdf", ".xlsx")


def _shows(pattern: URLPattern) -> bool:
    """A class-based view without GET is an action (a form posts to it), not a page."""
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is None or hasattr(view_class, "get")


def _route_names(namespace: str) -> list[tuple[str, bool]]:
    """(name, has parameters) of every route of the app mounted under `namespace`."""
    from django.urls import get_resolver

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and prefix == f"{namespace}:" and _shows(pattern):
                found.append((f"{prefix}{pattern.name}", bool(pattern.pattern.converters)))

    walk(get_resolver(TENANT_URLCONF).url_patterns, "")
    return sorted(set(found))


def _pages(namespace: str, book: Book) -> tuple[list[tuple[str, str]], list[str]]:
    """(route name, URL) of every page of the namespace, and the routes with ids this test cannot fill."""
    urls, missing = [], []
    for name, has_params in _route_names(namespace):
        if name in SIGNED_OUT:
            continue
        if has_params and name not in OBJECT_KWARGS:
            missing.append(name)
            continue
        kwargs = OBJECT_KWARGS[name](book) if has_params else {}
        url = reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs)
        if not url.endswith(DOWNLOADS):
            urls.append((name, url))
    return urls, missing


def _check(tab, base: str, name: str, path: str, problems: list[str], shots: list[str]) -> None:
    if not tab.url.startswith(base):
        tab.goto(base + "/")
    status, kind = tab.evaluate(PROBE, path)  # with the browser's cookies, without navigating
    if status == 405 or (status == 200 and kind.split(";")[0] != "text/html"):
        return  # an action (POST only) or a download, not a page
    if status >= 400:
        problems.append(f"{path}: answers {status}")
        return
    tab.goto(base + path)
    overflow = tab.evaluate(OVERFLOW)
    if overflow > 0:
        problems.append(f"{path}: the page scrolls {overflow} px sideways")
    name = name.replace(":", "-")
    tab.screenshot(path=str(SCREENSHOTS / f"390-{name}.png"), full_page=True)
    shots.append(name)


def test_every_portal_and_web_page_fits_390px(browser, live_server, live_alpha):
    book = _book(live_alpha)
    base = live_server.url("alpha.localhost")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    portal_urls, portal_missing = _pages("portal", book)
    web_urls, web_missing = _pages("web", book)
    assert not (portal_missing + web_missing), (
        f"pages with ids and no entry in OBJECT_KWARGS: {portal_missing + web_missing}"
    )

    problems, shots = [], []
    staff = browser.new_context(viewport=NARROW)
    tab = staff.new_page()
    sign_in(tab, base + "/portal/login/", book.staff.user.email)
    tab.wait_for_url("**/portal/")
    for name, path in portal_urls:
        _check(tab, base, name, path, problems, shots)
    staff.close()

    investor = browser.new_context(viewport=NARROW)
    client = Client(HTTP_HOST="alpha.localhost")
    with tenant_context(live_alpha):
        client.force_login(book.investor.user, backend="apps.accounts.backends.EmailOrMobileBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    investor.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    tab = investor.new_page()
    for name, path in web_urls:
        _check(tab, base, name, path, problems, shots)
    investor.close()

    signed_out = browser.new_context(viewport=NARROW)
    tab = signed_out.new_page()
    for name, kwargs in SIGNED_OUT.items():
        _check(tab, base, name, reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs(book)), problems, shots)
    for name, path in (("home", "/"), ("sign-in", "/login/"), ("portal-sign-in", "/portal/login/")):
        _check(tab, base, name, path, problems, shots)
    signed_out.close()

    assert not problems, "\n".join(problems)
    assert len(shots) >= len(portal_urls) // 2, shots  # most routes are pages; a wholesale 405 would hide them


def test_navigation_collapses_behind_a_menu_button_on_small_screens(page, live_server, live_alpha):
    owner = make_staff(live_alpha, role="owner")
    page.set_viewport_size(NARROW)
    sign_in(page, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email, PASSWORD)
    page.wait_for_url("**/portal/")
    menu = page.get_by_role("button", name="Menu")
    investors = page.locator("header nav").get_by_role("link", name="Investors")
    assert menu.is_visible() and not investors.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    investors.click()
    page.wait_for_url("**/portal/investors/")

    page.set_viewport_size({"width": 1366, "height": 900})
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.locator("header nav").get_by_role("link", name="Orders").is_visible()
