"""Fixtures of the portal tests: a staff member signed in with a Django test client, a CAS statement for an
investor, and one headless Chromium (Debian's, driven by Playwright) shared by every browser test."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, make_staff

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
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright (needs /usr/bin/chromium)")


@pytest.fixture
def staff_client():
    """A Django test client on a tenant host, signed in as a new staff member of the given role."""

    def build(tenant, role="owner", **kwargs):
        member = make_staff(tenant, role=role, **kwargs)
        host = tenant.domains.get(is_primary=True).domain
        client = Client(HTTP_HOST=host)
        response = client.post("/portal/login/", {"email": member.user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        client.member = member
        return client

    return build


# --- Browser -----------------------------------------------------------------------------------------


_LAUNCHED = []  # the one Chromium of this run


@pytest.fixture(scope="session")
def browser():
    # Another test folder's conftest imports this fixture, which makes a second session fixture of it; a second
    # Playwright in the same thread fails, so the second one reuses the Chromium the first launched.
    if _LAUNCHED:
        yield _LAUNCHED[0]
        return
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _LAUNCHED.append(chromium)
        yield chromium
        _LAUNCHED.clear()
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


def sign_in(tab, url: str, email: str, password: str = PASSWORD):
    tab.goto(url)
    tab.get_by_label("E-mail").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()


# --- CAS statements ----------------------------------------------------------------------------------


def cas_pdf_for(investor, *, scheme_name: str, isin: str, amc: str = "Alpha Test Mutual Fund") -> bytes:
    """A password-protected CAMS-style CAS (the portfolio's generator) for this investor's PAN, holding
    one scheme; the password is the PAN, as the registrars do."""

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
