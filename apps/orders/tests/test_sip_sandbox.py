"""A SIP's instalments through the sandbox exchange: the exchange generates a child order per due date, the
poller takes them in as orders; one debited from a mandate the bank has not approved fails at the
exchange, and the instalment run records that instalment as missed, with the exchange's reason."""

from datetime import date

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.orders.tests.test_sip_instalments import with_instalments
from tests.factories import MandateFactory, SipRegistrationFactory

pytestmark = pytest.mark.live


def test_an_instalment_on_an_unapproved_mandate_fails_at_the_exchange_and_is_missed(
    settings, sandbox_gateways, live_alpha, funds, investor
):
    from apps.orders.services.mandates import mandate_submit
    from apps.orders.services.polling import orders_poll_open
    from apps.orders.services.sips import sip_instalments_process, sip_submit

    settings.SANDBOX_MANDATE_APPROVAL_SECONDS = 3600  # the bank takes its time
    today = timezone.localdate()
    start = date(today.year - 1 if today.month == 1 else today.year, 12 if today.month == 1 else today.month - 1, 3)
    with tenant_context(live_alpha):
        # given a mandate registered at the exchange, not yet approved by the bank
        mandate = MandateFactory(investor=investor, status="queued", amount_limit="25000", start_date=start)
        assert mandate_submit(mandate_id=mandate.pk) == "done"
        mandate.refresh_from_db()
        assert mandate.status == "registered" and mandate.exchange_mandate_id
        # and a SIP on it whose first instalment fell due last month
        sip = SipRegistrationFactory(investor=investor, scheme=funds["equity"], mandate=mandate, start_date=start,
                                     instalments=12, status="queued", amount="1000")  # fmt: skip
    with_instalments(live_alpha, sip)
    with tenant_context(live_alpha):
        assert sip_submit(sip_id=sip.pk) == "done"
        sip.refresh_from_db()
        assert sip.status == "active" and sip.exchange_reg_id

        # when the instalment run takes in the exchange's child orders, and the poller checks them
        counts = sip_instalments_process(today=today)
        assert counts["ordered"] >= 1
        first = sip.instalment_rows.get(number=1)
        assert first.status == "ordered" and first.order.exchange_order_id
        orders_poll_open()
        first.order.refresh_from_db()
        assert first.order.status == "rejected"
        sip_instalments_process(today=today)

        # then the instalment is missed, with the exchange's reason, and the SIP stays active
        first.refresh_from_db()
        assert first.status == "missed" and "MANDATE NOT APPROVED" in first.reason
        sip.refresh_from_db()
        assert sip.status == "active"
        assert sip.instalment_rows.filter(due_date__gt=today, status="scheduled").exists()
