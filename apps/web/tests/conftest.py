"""The web pages' tests reuse the portal's signed-in staff client where a story crosses both sites (staff
place an order, the investor confirms it on the web)."""

from apps.portal.tests.conftest import staff_client  # noqa: F401 - a fixture, used by name
