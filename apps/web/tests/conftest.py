"""The web pages' tests reuse the portal's signed-in staff client where a story crosses both sites (staff
place an order, the investor confirms it on the web), and its headless Chromium for whole journeys."""

from apps.portal.tests.conftest import (  # noqa: F401 - fixtures and the browser marker, used by name
    browser,
    page,
    pytest_configure,
    screenshot,
    staff_client,
)
