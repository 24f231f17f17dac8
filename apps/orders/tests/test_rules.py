"""Cut-off edges, the state machine, the append-only history, validation refusals and idempotency keys."""

import threading
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from apps.orders.cutoff import IST, expected_nav_date
from tests.factories import make_investor, random_pan

WED = date(2026, 11, 25)


def at(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=IST)


@pytest.mark.django_db
class TestCutOff:
    def scheme(self, liquid=False):
        from apps.funds.models import Scheme

        return Scheme(amfi_code="1", name="x", is_liquid=liquid)

    def test_three_pm(self):
        equity = self.scheme()
        assert expected_nav_date(at=at(WED, 14, 59, 59), scheme=equity, kind="purchase") == WED
        assert expected_nav_date(at=at(WED, 15, 0, 0), scheme=equity, kind="purchase") == WED + timedelta(days=1)
        assert expected_nav_date(at=at(WED, 14, 59, 59), scheme=equity, kind="redemption") == WED

    def test_liquid_purchase_half_past_one(self):
        liquid = self.scheme(liquid=True)
        assert expected_nav_date(at=at(WED, 13, 29, 59), scheme=liquid, kind="purchase") == WED
        assert expected_nav_date(at=at(WED, 13, 30, 0), scheme=liquid, kind="purchase") == WED + timedelta(days=1)
        # redemptions of liquid funds keep the 3 pm cut-off
        assert expected_nav_date(at=at(WED, 14, 0), scheme=liquid, kind="redemption") == WED

    def test_friday_after_cut_off_is_monday_and_weekend_is_monday(self):
        friday = WED + timedelta(days=2)
        monday = WED + timedelta(days=5)
        assert expected_nav_date(at=at(friday, 15, 0), scheme=self.scheme(), kind="purchase") == monday
        assert (
            expected_nav_date(at=at(friday + timedelta(days=1), 10, 0), scheme=self.scheme(), kind="purchase") == monday
        )

    def test_trading_holiday_is_skipped(self):
        from apps.funds.models import TradingHoliday

        TradingHoliday.objects.create(date=WED + timedelta(days=1), description="test holiday")
        assert expected_nav_date(at=at(WED, 15, 0), scheme=self.scheme(), kind="purchase") == WED + timedelta(days=2)
        assert expected_nav_date(at=at(WED + timedelta(days=1), 11, 0), scheme=self.scheme(), kind="purchase") == (
            WED + timedelta(days=2)
        )

    def test_utc_input_is_read_in_ist(self):
        # 09:30 UTC is 15:00 IST
        moment = datetime(2026, 11, 25, 9, 30, tzinfo=IST).replace(tzinfo=None)
        from datetime import UTC

        assert expected_nav_date(
            at=moment.replace(tzinfo=UTC), scheme=self.scheme(), kind="purchase"
        ) == WED + timedelta(days=1)


@pytest.fixture
def order_factory(tenant_alpha):
    from apps.accounts.models import BankAccount, Investor, KycStatus
    from apps.funds.models import Amc, Scheme, SchemeCode
    from apps.orders.models import Order
    from apps.users.models import User

    amc = Amc.objects.create(code=f"a{uuid.uuid4().hex[:6]}", name=f"AMC {uuid.uuid4().hex[:6]}")
    scheme = Scheme.objects.create(amfi_code=uuid.uuid4().hex[:8], name="S", amc=amc, latest_nav=Decimal("10"))
    SchemeCode.objects.create(scheme=scheme, source="bse", code=f"B{scheme.amfi_code}")

    def make(status="pending_otp", **kwargs):
        with tenant_context(tenant_alpha):
            user = User.objects.create_user(email=f"{uuid.uuid4().hex[:8]}@x.in", password="x" * 12)
            investor = Investor.objects.create(
                user=user, kyc_status=KycStatus.VERIFIED, pan=random_pan(), mobile=f"98{uuid.uuid4().int % 10**8:08d}"
            )
            BankAccount.objects.create(investor=investor, account_number="1234567890", ifsc="HDFC0001234")
            return Order.objects.create(
                investor=investor, kind="purchase", scheme=scheme, amount=Decimal("1000"), status=status,
                client_ref=f"O{uuid.uuid4().hex[:11]}", placed_at=at(WED, 10, 0), expected_nav_date=WED, **kwargs,
            )  # fmt: skip

    make.scheme = scheme
    return make


class TestStateMachine:
    def test_every_allowed_transition_stamps_and_records(self, order_factory, tenant_alpha):
        from apps.orders.states import ORDER_TIMESTAMP, ORDER_TRANSITIONS, order_transition

        with tenant_context(tenant_alpha):
            for source, targets in ORDER_TRANSITIONS.items():
                for target in targets:
                    order = order_factory(status=source)
                    event = order_transition(order=order, to=target, message="t")
                    order.refresh_from_db()
                    assert order.status == target
                    assert (event.from_status, event.to_status) == (source, target)
                    if target in ORDER_TIMESTAMP:
                        assert getattr(order, ORDER_TIMESTAMP[target]) is not None

    def test_every_other_transition_raises(self, order_factory, tenant_alpha):
        from apps.orders.models import OrderStatus
        from apps.orders.states import ORDER_TRANSITIONS, IllegalTransition, order_transition

        with tenant_context(tenant_alpha):
            order = order_factory()
            for source in OrderStatus.values:
                for target in set(OrderStatus.values) - ORDER_TRANSITIONS[source]:
                    order.status = source
                    with pytest.raises(IllegalTransition):
                        order_transition(order=order, to=target)

    def test_events_are_append_only(self, order_factory, tenant_alpha):
        from django.db import DatabaseError, transaction

        from apps.orders.models import OrderEvent
        from apps.orders.states import order_transition

        with tenant_context(tenant_alpha):
            event = order_transition(order=order_factory(), to="queued")
            with pytest.raises(RuntimeError):
                event.save()
            with pytest.raises(DatabaseError), transaction.atomic():
                OrderEvent.objects.filter(pk=event.pk).update(message="rewritten")
            with pytest.raises(DatabaseError), transaction.atomic():
                OrderEvent.objects.filter(pk=event.pk).delete()


class TestRefusals:
    def place(self, tenant, investor, scheme, **kwargs):
        from apps.orders.services.orders import order_place

        with tenant_context(tenant):
            return order_place(investor=investor, scheme=scheme, **kwargs)

    def refused(self, code, *args, **kwargs):
        from apps.orders.validation import OrderRefused

        with pytest.raises(OrderRefused) as info:
            self.place(*args, **kwargs)
        assert info.value.code == code, info.value.message

    def test_refusals(self, tenant_alpha, order_factory):
        from apps.accounts.models import BankAccount, Investor
        from apps.funds.models import Amc, Scheme

        scheme = order_factory.scheme
        scheme.min_purchase, scheme.purchase_multiple, scheme.min_redemption_units = Decimal("500"), Decimal("100"), 1
        scheme.save()
        other = Scheme.objects.create(
            amfi_code=uuid.uuid4().hex[:8], name="O", amc=Amc.objects.create(code="zz", name="ZZ")
        )
        no_code = Scheme.objects.create(amfi_code=uuid.uuid4().hex[:8], name="N", amc=scheme.amc)
        closed = Scheme.objects.create(amfi_code=uuid.uuid4().hex[:8], name="C", amc=scheme.amc, purchase_allowed=False)
        closed.codes.create(source="bse", code=f"B{closed.amfi_code}")
        investor = order_factory().investor
        with tenant_context(tenant_alpha):
            pending = Investor.objects.get(pk=investor.pk)
            pending.kyc_status = "pending"
        t = tenant_alpha
        self.refused("kyc_not_verified", t, pending, scheme, kind="purchase", amount=Decimal("1000"))
        self.refused("scheme_not_available", t, investor, no_code, kind="purchase", amount=Decimal("1000"))
        self.refused("operation_not_allowed", t, investor, closed, kind="purchase", amount=Decimal("1000"))
        self.refused("below_minimum", t, investor, scheme, kind="purchase", amount=Decimal("400"))
        self.refused("not_a_multiple", t, investor, scheme, kind="purchase", amount=Decimal("550"))
        self.refused("folio_required", t, investor, scheme, kind="redemption", units=Decimal("5"))
        self.refused("invalid_quantity", t, investor, scheme, kind="redemption", units=Decimal("5"),
                     amount=Decimal("5"), folio_number="F")  # fmt: skip
        self.refused("switch_across_amcs", t, investor, scheme, kind="switch", to_scheme=other, units=Decimal("5"),
                     folio_number="F")  # fmt: skip
        self.refused("insufficient_free_units", t, investor, scheme, kind="redemption", units=Decimal("5"),
                     folio_number="F")  # fmt: skip
        with tenant_context(tenant_alpha):
            BankAccount.objects.filter(investor=investor).delete()
        self.refused("profile_incomplete", t, investor, scheme, kind="purchase", amount=Decimal("1000"))

    def test_elss_units_in_lock_in_are_not_free(self, tenant_alpha, order_factory):
        from apps.portfolio.services import transaction_record

        scheme = order_factory.scheme
        scheme.lock_in_days = 1095
        scheme.save()
        investor = order_factory().investor
        today = date.today()
        with tenant_context(tenant_alpha):
            for years, units in ((4, "10"), (1, "90")):
                transaction_record(
                    investor=investor, scheme=scheme, folio_number="E1", kind="purchase",
                    trade_date=today - timedelta(days=365 * years), amount=Decimal(units) * 10, units=Decimal(units),
                    nav=Decimal("10"), source="cas", source_ref=f"elss-{uuid.uuid4().hex}",
                )  # fmt: skip
        self.refused("insufficient_free_units", tenant_alpha, investor, scheme, kind="redemption",
                     units=Decimal("11"), folio_number="E1")  # fmt: skip
        order = self.place(tenant_alpha, investor, scheme, kind="redemption", units=Decimal("10"), folio_number="E1")
        assert order.status == "pending_otp"
        # the 10 free units are now taken by that open order
        self.refused("insufficient_free_units", tenant_alpha, investor, scheme, kind="redemption",
                     units=Decimal("1"), folio_number="E1")  # fmt: skip


@pytest.mark.live
class TestIdempotency:
    def client(self, investor):
        client = APIClient(HTTP_HOST="alpha.localhost")
        client.force_authenticate(investor.user)
        return client

    def test_replay_mismatch_and_missing_key(self, live_alpha, funds):
        from apps.orders.models import Order

        investor = make_investor(live_alpha, ready_to_invest=True)
        client = self.client(investor)
        body = {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "2500.00"}
        first = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert first.status_code == 201 and again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
        assert again.json() == first.json()
        changed = client.post(
            "/api/v1/orders", {**body, "amount": "2600.00"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
        assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
        assert client.post("/api/v1/orders", body, format="json").status_code == 400
        with tenant_context(live_alpha):
            assert Order.objects.filter(investor=investor).count() == 1
        # keys are per investor: another investor may use the same key
        other = self.client(make_investor(live_alpha, ready_to_invest=True))
        assert other.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201

    def test_twenty_concurrent_identical_requests_make_one_order(self, live_alpha, funds):
        from apps.orders.models import Order

        investor = make_investor(live_alpha, ready_to_invest=True)
        body = {"kind": "purchase", "scheme": funds["equity"].amfi_code, "amount": "3000.00"}
        barrier = threading.Barrier(20)
        results = []

        def request():
            try:
                client = self.client(investor)
                barrier.wait()
                response = client.post("/api/v1/orders", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
                results.append((response.status_code, response.headers.get("Idempotent-Replayed")))
            finally:
                connection.close()

        threads = [threading.Thread(target=request) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 20
        created = [r for r in results if r == (201, None)]
        assert len(created) == 1, results
        assert all(r in ((409, None), (201, "true")) for r in results if r != (201, None)), results
        with tenant_context(live_alpha):
            assert Order.objects.filter(investor=investor).count() == 1


class TestGatewayCapabilities:
    """Each gateway declares once what it offers; the router and validation both read that declaration."""

    def test_each_gateway_declares_its_operations(self):
        from apps.orders.gateways.bse_starmf.gateway import BseStarMfGateway
        from apps.orders.gateways.interface import Operation
        from apps.orders.gateways.mfu.gateway import MfuGateway

        assert all(BseStarMfGateway.supports(operation) for operation in Operation.ALL)
        assert MfuGateway.supports(Operation.PURCHASE) and MfuGateway.supports(Operation.SWITCH)
        for operation in (Operation.SIP_REGISTER, Operation.SIP_CANCEL, Operation.MANDATE_REGISTER):
            assert not MfuGateway.supports(operation)

    def test_validation_refuses_what_no_configured_gateway_offers(self, settings):
        from apps.orders.gateways.interface import Operation
        from apps.orders.validation import OrderRefused, operation_check

        operation_check(operation=Operation.SIP_REGISTER)  # BSE offers it
        settings.ORDER_GATEWAYS = {"mfu": settings.ORDER_GATEWAYS["mfu"]}
        operation_check(operation=Operation.PURCHASE)
        for operation in (Operation.SIP_REGISTER, Operation.MANDATE_REGISTER):
            with pytest.raises(OrderRefused) as refused:
                operation_check(operation=operation)
            assert refused.value.code == "operation_not_allowed"

    @pytest.mark.django_db
    def test_scheme_codes_belong_to_the_gateway(self, tenant_alpha):
        from apps.funds.models import Amc, Scheme, SchemeCode
        from apps.orders.gateways.bse_starmf.gateway import BseStarMfGateway
        from apps.orders.gateways.interface import GatewayRejected
        from apps.orders.gateways.mfu.gateway import MfuGateway

        amc = Amc.objects.create(code="cap-amc", name="Capability AMC")
        scheme = Scheme.objects.create(amfi_code="CAP1", name="Capability fund", amc=amc)
        from apps.orders.gateways.identity import BseIdentity, MfuIdentity

        bse = BseStarMfGateway(identity=BseIdentity(member_id="10234", user_id="1023401", password="x", arn="ARN-1"))
        mfu = MfuGateway(identity=MfuIdentity(entity_id="E1", username="u", password="x", arn="ARN-1"))
        with pytest.raises(GatewayRejected) as missing:
            bse.scheme_code(scheme=scheme)
        assert missing.value.code == "scheme_not_available"
        SchemeCode.objects.create(scheme=scheme, source="bse", code="CAP1-GR")
        assert bse.scheme_code(scheme=scheme) == "CAP1-GR"
        assert mfu.scheme_code(scheme=scheme) == "CAP1-GR"  # MFU falls back to the BSE code
        SchemeCode.objects.create(scheme=scheme, source="mfu", code="MFUCAP1")
        assert mfu.scheme_code(scheme=scheme) == "MFUCAP1"
        # and each gateway's attempt references carry its own member id
        assert bse.reference_member_id == "10234" and mfu.reference_member_id == "00000"
        # and the client code an investor is registered under (BSE's UCC: at most 10 characters)
        investor_id = uuid.uuid4()
        code = bse.client_code_for(investor_public_id=investor_id)
        assert len(code) == 10 and code == "C" + investor_id.hex[:9].upper()
        assert mfu.client_code_for(investor_public_id=investor_id) == code
