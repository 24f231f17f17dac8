"""Fixtures of the portal tests: staff and investors per tenant, a signed-in Django test client, and one
headless Chromium (Debian's, driven by Playwright) shared by every browser test of the session."""

import os
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make between page
# actions are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PASSWORD = "portal-test-pass-2026"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright (needs /usr/bin/chromium)")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_staff(tenant, *, role: str, email: str | None = None, password: str = STAFF_PASSWORD, full_name: str = ""):
    from apps.accounts.models import StaffMember
    from apps.users.models import User

    with tenant_context(tenant):
        user = User.objects.create_user(
            email=email or f"{unique(role)}@{tenant.schema_name}.test",
            password=password,
            full_name=full_name or f"{role.title()} of {tenant.name}",
        )
        euin = f"E{uuid.uuid4().int % 10**6:06d}" if role == "rm" else ""
        return StaffMember.objects.create(user=user, role=role, euin=euin)


def random_pan() -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    n = uuid.uuid4().int
    head = "".join(letters[(n >> (5 * i)) % 26] for i in range(3)) + "P" + letters[(n >> 20) % 26]
    return f"{head}{(n >> 30) % 10000:04d}{letters[(n >> 50) % 26]}"


def make_investor(tenant, *, full_name: str | None = None, rm=None, kyc_status: str = "verified", **extra):
    from apps.accounts.models import Investor
    from apps.users.models import User

    with tenant_context(tenant):
        email = extra.pop("email", None) or f"{unique('inv')}@example.test"
        user = User.objects.create_user(email=email, password=extra.pop("password", None), full_name=full_name or "")
        return Investor.objects.create(
            user=user,
            full_name=full_name or f"Investor {uuid.uuid4().hex[:6]}",
            email=email,
            kyc_status=kyc_status,
            relationship_manager=rm,
            pan=extra.pop("pan", None) or (random_pan() if kyc_status == "verified" else None),
            **extra,
        )


@pytest.fixture
def staff_client():
    """A Django test client on a tenant host, signed in as a new staff member of the given role."""

    def build(tenant, role="owner", **kwargs):
        member = make_staff(tenant, role=role, **kwargs)
        host = tenant.domains.get(is_primary=True).domain
        client = Client(HTTP_HOST=host)
        response = client.post("/portal/login/", {"email": member.user.email, "password": STAFF_PASSWORD})
        assert response.status_code == 302, response.content[:500]
        client.member = member
        return client

    return build


# --- Browser -----------------------------------------------------------------------------------------


def _tenant(schema_name: str):
    from tenants.models import Distributor

    return Distributor.objects.select_related("branding").get(schema_name=schema_name)


@pytest.fixture
def live_alpha(live_db):
    """Alpha for live tests: rows created with it are committed, so the live server sees them."""
    return _tenant("alpha")


@pytest.fixture
def live_beta(live_db):
    return _tenant("beta")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, live_db):
    """A fresh browser context (own cookies) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str):
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def sign_in(tab, url: str, email: str, password: str = STAFF_PASSWORD):
    tab.goto(url)
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()


# --- CAS statements ----------------------------------------------------------------------------------


def cas_pdf_for(investor, *, scheme_name: str, isin: str, amc: str = "Alpha Test Mutual Fund") -> bytes:
    """A password-protected CAMS-style CAS (the portfolio's generator) for this investor's PAN, holding
    one scheme; the password is the PAN, as the registrars do."""
    from datetime import date
    from decimal import Decimal

    from apps.demo.casgen import SchemeSpec, statement_build, statement_render_pdf, synthetic_nav_series

    navs = synthetic_nav_series(seed=3, start=date(2022, 1, 1), end=date(2025, 12, 31), start_nav=Decimal("25"))
    spec = SchemeSpec(amc=amc, name=scheme_name, isin=isin, rta_code="PT01DG", nav_at=navs.__getitem__)
    statement = statement_build(
        seed=11,
        issuer="CAMS",
        investor_name=investor.full_name,
        email=investor.email,
        mobile="+919800000001",
        pan=investor.pan,
        specs=[spec],
        period_from=date(2023, 1, 1),
        period_to=date(2024, 12, 31),
    )
    return statement_render_pdf(statement, password=investor.pan)


def make_scheme(*, name: str, isin: str, nav="31.25"):
    """A scheme of the funds master (public schema) the CAS's ISIN maps to."""
    from datetime import date
    from decimal import Decimal

    from apps.funds.models import Amc, Scheme

    amc, _ = Amc.objects.get_or_create(code="alpha-test-mf", defaults={"name": "Alpha Test Mutual Fund"})
    return Scheme.objects.create(
        amfi_code=str(uuid.uuid4().int % 10**9),
        isin_growth=isin,
        name=name,
        amc=amc,
        plan=Scheme.Plan.DIRECT,
        option=Scheme.Option.GROWTH,
        asset_class=Scheme.AssetClass.EQUITY,
        latest_nav=Decimal(nav),
        latest_nav_date=date(2025, 3, 31),
    )


def random_isin() -> str:
    return f"INF{uuid.uuid4().hex[:8].upper()}0"


# --- Orders ------------------------------------------------------------------------------------------


def orderable_scheme(*, name: str | None = None, min_purchase="500", **extra):
    """A scheme of the funds master (public schema) the exchange can take: it has a BSE code."""
    from apps.funds.models import Amc, Scheme, SchemeCode

    amc, _ = Amc.objects.get_or_create(code="portal-orders-amc", defaults={"name": "Portal Orders AMC"})
    code = str(uuid.uuid4().int % 10**9)
    fields = {
        "plan": Scheme.Plan.DIRECT,
        "option": Scheme.Option.GROWTH,
        "asset_class": Scheme.AssetClass.EQUITY,
        "latest_nav": Decimal("50"),
        "latest_nav_date": date(2025, 3, 31),
        "min_purchase": Decimal(min_purchase),
        "purchase_multiple": Decimal("1"),
    } | extra
    scheme = Scheme.objects.create(amfi_code=code, name=name or unique("Portal Growth Fund"), amc=amc, **fields)
    SchemeCode.objects.create(scheme=scheme, source="bse", code=f"P{code}-GR")
    return scheme


def investor_ready_to_invest(tenant, **kwargs):
    from apps.accounts.models import BankAccount

    investor = make_investor(tenant, mobile=f"9{uuid.uuid4().int % 10**9:09d}", **kwargs)
    with tenant_context(tenant):
        BankAccount.objects.create(
            investor=investor, account_number=f"{uuid.uuid4().int % 10**12:012d}", ifsc="HDFC0001234", is_primary=True
        )
    return investor
