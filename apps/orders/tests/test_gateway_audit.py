"""Gateway audit rows (apps/orders/gateways/audit.py) never hold a password or a session credential."""

import pytest
from django.core.cache import caches
from django.utils import timezone
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.live


def test_the_bse_session_password_never_reaches_the_audit_rows(sandbox_gateways, live_alpha):
    from apps.orders.gateways.registry import gateway_get
    from apps.orders.models import GatewayCall

    with tenant_context(live_alpha):
        # given the gateway signs in to both BSE services (the sandbox answers "100|<session password>")
        client = gateway_get("bse_starmf").client
        for kind in ("order", "services"):
            caches["gateways"].delete(client._session_key(kind))
        since = timezone.now()
        sessions = [client._session(kind, call=None)[0] for kind in ("order", "services")]
        assert all(len(s) >= 8 for s in sessions)

        # then the sign-in rows keep the status code only, and no row anywhere holds a session password
        rows = GatewayCall.objects.filter(created_at__gte=since)
        sign_ins = rows.filter(operation__endswith="getPassword")
        assert sign_ins.count() == 2
        assert {row.response for row in sign_ins} == {"100|***"}
        for row in rows:
            audited = f"{row.request} {row.response}"
            assert not any(session in audited for session in sessions), row.operation
            assert "sandbox-only" not in audited
