"""SIP instalments: where their records come from (the exchange's child orders, taken in by the instalment
run), when one counts as missed (no order some trading days after its due date, on the market calendar, or
an order the exchange dropped), SIPs completing, the SIP book's next debit dates and paid / missed counts,
and the dashboard's SIP figures. The run is given the date it acts as of, so each story has a fixed date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.orders.models import SipInstalment
from tests.factories import SchemeFactory, make_investor, make_order, make_sip

pytestmark = pytest.mark.django_db


def holiday(day: date) -> None:
    from apps.funds.models import TradingHoliday

    TradingHoliday.objects.get_or_create(date=day, defaults={"description": "test holiday"})


def with_instalments(tenant, sip, statuses: list[str] | None = None, *, orders: dict | None = None):
    """The SIP's instalment rows as sip_create writes them, with the given statuses (default scheduled)."""
    from apps.orders.services.sips import sip_schedule

    with tenant_context(tenant):
        dues = sip_schedule(start=sip.start_date, frequency=sip.frequency, count=sip.instalments)
        statuses = statuses or ["scheduled"] * len(dues)
        for number, (due, status) in enumerate(zip(dues, statuses, strict=True), start=1):
            SipInstalment.objects.create(
                sip=sip, number=number, due_date=due, status=status, order=(orders or {}).get(number)
            )
    return sip


def test_an_instalment_without_an_order_is_missed_three_trading_days_after_it_fell_due(tenant_alpha):
    from apps.core.models import AuditLog
    from apps.orders.services.sips import sip_instalments_process

    # given a SIP due on Thursday 24 Dec 2026, with Friday 25 Dec a trading holiday
    holiday(date(2026, 12, 25))
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, SchemeFactory(orderable=True), start_date=date(2026, 12, 24),
                               instalments=3)
    )  # fmt: skip
    with tenant_context(tenant_alpha):
        # the grace runs Mon 28, Tue 29, Wed 30 Dec: on the 30th it is not missed yet (without the holiday it
        # would have been)
        assert sip_instalments_process(today=date(2026, 12, 30))["missed"] == 0
        assert sip.instalment_rows.get(number=1).status == "scheduled"

        counts = sip_instalments_process(today=date(2026, 12, 31))

        first = sip.instalment_rows.get(number=1)
        assert counts["missed"] == 1 and first.status == "missed"
        assert "no order" in first.reason
        assert [i.status for i in sip.instalment_rows.exclude(number=1)] == ["scheduled", "scheduled"]
        assert AuditLog.objects.filter(action="orders.sip.instalment_missed", target_id=str(sip.pk)).count() == 1
        # a run again changes nothing
        assert sip_instalments_process(today=date(2026, 12, 31))["missed"] == 0


def test_an_order_the_exchange_dropped_makes_its_instalment_missed_and_a_finished_sip_completes(tenant_alpha):
    from apps.orders.services.sips import sip_instalments_process

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    paid = make_order(tenant_alpha, investor, scheme, status="successful")
    dropped = make_order(tenant_alpha, investor, scheme, status="rejected",
                         failure_reason="FAILED: MANDATE NOT APPROVED ON THE DEBIT DATE")  # fmt: skip
    sip = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=date(2026, 10, 5), instalments=2),
        ["successful", "ordered"], orders={1: paid, 2: dropped},
    )  # fmt: skip

    with tenant_context(tenant_alpha):
        counts = sip_instalments_process(today=date(2026, 11, 30))
        second = sip.instalment_rows.get(number=2)
        assert second.status == "missed" and second.reason == "FAILED: MANDATE NOT APPROVED ON THE DEBIT DATE"
        sip.refresh_from_db()
        assert counts == {"ordered": 0, "missed": 1, "completed": 1} and sip.status == "completed"


def test_a_sip_with_instalments_to_come_stays_active(tenant_alpha):
    from apps.orders.services.sips import sip_instalments_process

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, SchemeFactory(orderable=True), start_date=date(2027, 1, 5), instalments=2),
    )
    with tenant_context(tenant_alpha):
        assert sip_instalments_process(today=date(2026, 12, 1)) == {"ordered": 0, "missed": 0, "completed": 0}
        sip.refresh_from_db()
        assert sip.status == "active"


def test_a_late_child_order_goes_to_the_instalment_of_its_due_date(tenant_alpha):
    from apps.orders.services.sips import sip_instalments_process, sip_record_child_order

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    sip = with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, SchemeFactory(orderable=True), start_date=date(2026, 9, 7), instalments=3),
    )
    with tenant_context(tenant_alpha):
        sip_instalments_process(today=date(2026, 10, 20))  # the first two were missed
        assert list(sip.instalment_rows.values_list("status", flat=True)) == ["missed", "missed", "scheduled"]

        assert sip_record_child_order(sip=sip, exchange_order_id="7000123", due_date=date(2026, 10, 7),
                                      amount=Decimal("2000"))  # fmt: skip

        second = sip.instalment_rows.get(number=2)
        assert second.status == "ordered" and second.order.exchange_order_id == "7000123" and second.reason == ""
        assert sip.instalment_rows.get(number=1).status == "missed"


def test_the_sip_book_has_next_debits_on_the_market_calendar_paid_and_missed_counts(tenant_alpha):
    from apps.accounts.models import Investor
    from apps.orders.selectors import sip_list_for_investors, sips_with_debit_dates

    holiday(date(2026, 12, 7))
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    # due Saturday 5 Dec 2026; Monday 7 Dec is a holiday: the debit is on Tuesday 8 Dec
    sip = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=date(2026, 10, 5), instalments=4),
        ["successful", "missed", "scheduled", "scheduled"],
    )  # fmt: skip
    later = with_instalments(
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=date(2026, 12, 21), instalments=2)
    )
    with tenant_context(tenant_alpha):
        investors = Investor.objects.filter(pk=investor.pk)
        rows = {s.pk: s for s in sips_with_debit_dates(sip_list_for_investors(investors=investors))}
        assert rows[sip.pk].next_due == date(2026, 12, 5) and rows[sip.pk].next_debit == date(2026, 12, 8)
        assert (rows[sip.pk].paid_count, rows[sip.pk].missed_count) == (1, 1)
        assert rows[later.pk].next_debit == date(2026, 12, 21)

        week = sip_list_for_investors(investors=investors, due_from=date(2026, 12, 21), due_to=date(2026, 12, 27))
        assert [s.pk for s in week] == [later.pk]


def test_dashboard_sip_figures_follow_the_instalments(tenant_alpha):
    from apps.orders.selectors import order_and_sip_figures, sip_week_bounds

    today = timezone.localdate()
    monday, sunday = sip_week_bounds(today=today)
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    scheme = SchemeFactory(orderable=True)
    due_now = with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, scheme, start_date=monday, instalments=1, frequency="WEEKLY",
                 amount=Decimal("3000")),
    )  # fmt: skip
    with_instalments(
        tenant_alpha,
        make_sip(tenant_alpha, investor, scheme, start_date=today - timedelta(days=10), instalments=2),
        ["missed", "scheduled"],
    )
    with_instalments(  # a cancelled SIP counts for nothing
        tenant_alpha, make_sip(tenant_alpha, investor, scheme, start_date=sunday, instalments=1, status="cancelled")
    )
    with tenant_context(tenant_alpha):
        figures = order_and_sip_figures(investor_ids=[investor.pk])
    assert figures["active_sips"] == 2
    assert figures["monthly_sip_book"] == Decimal("15000.00")  # 3,000 a week is 13,000 a month, plus 2,000
    assert figures["sips_due_this_week"] == 1 and due_now.start_date == monday
    assert figures["sip_instalments_missed_30d"] == 1
