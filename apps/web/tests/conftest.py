"""The web pages' tests reuse the portal's signed-in staff client where a story crosses both sites (staff
place an order, the investor confirms it on the web), the portal's browser fixtures and marker, and the
orders tests' sandbox exchange and funds (the investor's journey from a basket to allotment)."""

from apps.orders.tests.conftest import (  # noqa: F401 - fixtures used by name
    _gateway_state_clean,
    funds,
    sandbox_gateways,
)
from apps.portal.tests.conftest import (  # noqa: F401 - fixtures used by name, and the hook that registers "browser"
    browser,
    page,
    pytest_configure,
    screenshot,
    staff_client,
)
