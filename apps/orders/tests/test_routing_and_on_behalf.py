"""The second rail and the edges around it: the router's fallback to MF Utilities when BSE's circuit opens
(never for an order whose outcome at BSE is unknown), the MFU adapter against the MFU simulator (placing,
status, error replies, token expiry), an order placed by staff on an investor's behalf (held for the
investor's OTP) and the Postgres token bucket used when there is no Redis."""

import time
import uuid
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.orders.gateways.router import Route as Router
from tests.factories import make_investor
from tests.messages import otp_code_sent_to


@pytest.fixture
def no_faults_left(live_db):
    """Planned faults are committed rows: none may outlive its test (even a failing one)."""
    from apps.sandbox.faults import fault_clear

    yield
    fault_clear()


@pytest.fixture
def outbox_by_hand(monkeypatch):
    """The test drives the outbox itself (outbox_process), instead of eager Celery tasks on commit."""
    from apps.orders.services import outbox

    monkeypatch.setattr(outbox, "outbox_dispatch", lambda **kwargs: None)


@pytest.fixture
def routing_bse_primary(live_alpha):
    """alpha routes every operation to BSE, with fallback on; the committed row is put back afterwards."""
    from apps.orders.gateways.registry import routing_get

    with tenant_context(live_alpha):
        routing = routing_get()
        saved = (routing.primary, routing.default_gateway, routing.fallback_enabled)
        routing.primary, routing.default_gateway, routing.fallback_enabled = {}, "bse_starmf", True
        routing.save()
    yield
    with tenant_context(live_alpha):
        routing.primary, routing.default_gateway, routing.fallback_enabled = saved
        routing.save()


def _process(live_alpha, order):
    from apps.orders.models import OutboxMessage
    from apps.orders.services.outbox_runner import outbox_process

    with tenant_context(live_alpha):
        message = OutboxMessage.objects.filter(order=order).latest("created_at")
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        return outbox_process(message_id=message.pk)


# --- 1. router fallback ----------------------------------------------------------------------------------


@pytest.mark.live
def test_open_circuit_sends_new_orders_to_mfu_but_keeps_an_unknown_order_at_bse(
    sandbox_gateways, settings, live_alpha, funds, outbox_by_hand, routing_bse_primary, no_faults_left
):
    from apps.orders.gateways import circuit
    from apps.orders.gateways.registry import gateway_get
    from apps.orders.models import ExchangeAttempt, GatewayCall
    from apps.orders.services.orders import order_create_confirmed
    from apps.sandbox.faults import fault_clear, fault_plan
    from apps.sandbox.models import BseOrder, MfuOrder

    settings.ORDER_GATEWAY_CIRCUIT = {"threshold": 3, "cooldown_seconds": 60.0}
    investor = make_investor(live_alpha, ready_to_invest=True)
    with tenant_context(live_alpha):
        pinned, first, second = (
            order_create_confirmed(investor=investor, scheme=funds["equity"], amount=Decimal(amount), source="test")
            for amount in ("1500", "2500", "3500")
        )

    # given an order whose answer from BSE was lost after BSE recorded it: its outcome is unknown
    fault_plan(target="bse", operation="orderEntryParam", kind="reply_lost", match=pinned.client_ref)
    assert _process(live_alpha, pinned) == "retry"
    with tenant_context(live_alpha):
        pinned.refresh_from_db()
        assert (pinned.status, pinned.gateway, pinned.gateway_pinned) == ("unknown", "bse_starmf", True)
    assert BseOrder.objects.filter(ref_no=pinned.client_ref).count() == 1

    # when BSE's sessions lapse and its login then fails transiently (HTTP 500) until the circuit opens
    with tenant_context(live_alpha):
        bse = gateway_get("bse_starmf").client
        bse.drop_session("order")
        bse.drop_session("services")
    fault_plan(target="bse", operation="getPassword", kind="http_500", times=50)
    for _ in range(3):
        if circuit.is_open("bse_starmf"):
            break
        assert _process(live_alpha, first) == "retry"
    assert circuit.is_open("bse_starmf")
    with tenant_context(live_alpha):
        first.refresh_from_db()
        assert first.status == "queued" and not first.gateway_pinned  # never reached BSE: free to go elsewhere
        # every failed login is audited (zeep reads BSE's HTTP 500 page as a SOAP fault): safe to repeat
        failed = GatewayCall.objects.filter(
            gateway="bse_starmf", operation__endswith="getPassword", outcome="transient", error_code="soap_fault"
        )
        # three consecutive failures: the lost reply above, then two failed logins
        assert failed.count() == 2

    # then a new order goes to MF Utilities through the MFU adapter and is accepted at the MFU simulator
    assert _process(live_alpha, second) == "done"
    with tenant_context(live_alpha):
        second.refresh_from_db()
        assert second.status == "payment_pending", list(second.events.values_list("message", flat=True))
        assert second.gateway == "mfu"
        attempt = second.attempts.get()
        assert attempt.gateway == "mfu" and attempt.outcome == ExchangeAttempt.Outcome.ACCEPTED
        assert second.events.filter(kind="status", data__fallback=True).exists()
        mfu_calls = set(GatewayCall.objects.filter(order=second, gateway="mfu").values_list("operation", flat=True))
        assert {"registerInvestor", "placePurchase"} <= mfu_calls
    at_mfu = MfuOrder.objects.get(reference=second.client_ref)
    assert at_mfu.order_id == second.exchange_order_id and at_mfu.status == "ACCEPTED"
    assert at_mfu.amount == Decimal("3500.00")
    assert not BseOrder.objects.filter(ref_no=second.client_ref).exists()
    # and the order that failed before the circuit opened (not sent) follows it there
    assert _process(live_alpha, first) == "done"
    with tenant_context(live_alpha):
        first.refresh_from_db()
        assert (first.status, first.gateway) == ("payment_pending", "mfu")

    # but the order with an unknown outcome at BSE is never sent to MFU: it waits for BSE
    assert _process(live_alpha, pinned) == "retry"
    with tenant_context(live_alpha):
        pinned.refresh_from_db()
        assert (pinned.status, pinned.gateway, pinned.gateway_pinned) == ("unknown", "bse_starmf", True)
        assert not pinned.attempts.filter(gateway="mfu").exists()
    assert not MfuOrder.objects.filter(reference=pinned.client_ref).exists()

    # when BSE is back (its faults spent, the cool-down over), the status query at BSE settles it
    fault_clear(target="bse")
    circuit.record_success("bse_starmf")
    assert _process(live_alpha, pinned) == "done"
    with tenant_context(live_alpha):
        pinned.refresh_from_db()
        assert pinned.status == "payment_pending", list(pinned.events.values_list("message", flat=True))
        assert pinned.gateway == "bse_starmf"
        assert pinned.attempts.get().outcome == ExchangeAttempt.Outcome.FOUND
        assert pinned.events.filter(kind="status_query").exists()
    at_bse = BseOrder.objects.get(ref_no=pinned.client_ref)  # exactly one, and the one we know
    assert at_bse.order_number == pinned.exchange_order_id
    assert not MfuOrder.objects.filter(reference=pinned.client_ref).exists()
    with tenant_context(live_alpha):
        from apps.orders.services.orders import order_fail

        for order in (pinned, first, second):
            order_fail(order_id=order.pk, code="test_cleanup", reason="routing test over")


def test_router_rules_while_bse_is_down(settings, tenant_alpha):
    """The router itself: fallback for new work, none for pinned work or for what only BSE offers. (In the
    test's transaction: the routing row changes here are rolled back.)"""
    from apps.orders.gateways import circuit
    from apps.orders.gateways.interface import CircuitOpen
    from apps.orders.gateways.registry import routing_get
    from apps.orders.gateways.router import route_for

    settings.ORDER_GATEWAY_CIRCUIT = {"threshold": 2, "cooldown_seconds": 60.0}
    with tenant_context(tenant_alpha):
        routing = routing_get()
        routing.primary, routing.default_gateway, routing.fallback_enabled = {}, "bse_starmf", True
        routing.save()
        assert route_for("purchase") == Router("bse_starmf")
        circuit.record_failure("bse_starmf")
        assert route_for("purchase") == Router("bse_starmf")  # one failure is not an outage
        circuit.record_failure("bse_starmf")
        assert route_for("purchase") == Router("mfu", fallback=True)
        assert route_for("redemption") == Router("mfu", fallback=True)
        with pytest.raises(CircuitOpen):
            route_for("purchase", pinned="bse_starmf")  # pinned work waits for its own gateway
        with pytest.raises(CircuitOpen):
            route_for("sip_register")  # MFU offers no SIP registration here
        routing.fallback_enabled = False
        routing.save(update_fields=["fallback_enabled", "updated_at"])
        with pytest.raises(CircuitOpen):
            route_for("purchase")
        # a success (the half-open trial) closes the circuit again
        circuit.record_success("bse_starmf")
        assert route_for("purchase") == Router("bse_starmf")


# --- 2. the MFU adapter against the MFU simulator ---------------------------------------------------------


def _mfu_context(client_code: str, **overrides):
    from apps.orders.gateways.interface import OrderContext
    from apps.orders.services.references import attempt_ref_next, client_ref_new

    values = {
        "reference": client_ref_new("O"), "attempt_ref": attempt_ref_next(member_id="00000"),
        "client_code": client_code, "euin": "", "email": "x@example.com", "mobile": "9000000000",
    }  # fmt: skip
    values.update(overrides)
    return OrderContext(**values)


@pytest.fixture
def mfu_gateway(sandbox_gateways, live_alpha):
    from apps.orders.gateways.registry import gateway_get

    with tenant_context(live_alpha):
        yield gateway_get("mfu")


@pytest.fixture
def registered_can(mfu_gateway, live_alpha):
    from apps.orders.gateways.interface import CallContext, ClientRegistrationRequest

    code = "C" + uuid.uuid4().hex[:9].upper()
    request = ClientRegistrationRequest(
        client_code=code, full_name="Test Investor", pan="ABCDE1234F", date_of_birth=None, tax_status="01",
        email="x@example.com", mobile="9000000000", bank_account_number="123456789012", bank_ifsc="HDFC0001234",
        bank_account_type="SB",
    )  # fmt: skip
    with tenant_context(live_alpha):
        assert mfu_gateway.register_client(request, call=CallContext()).client_code == code
    return code


@pytest.mark.live
def test_mfu_purchase_then_status_query(mfu_gateway, registered_can, live_alpha, funds):
    from apps.orders.gateways.interface import CallContext, PurchaseRequest, StatusQuery
    from apps.orders.models import GatewayCall
    from apps.sandbox.models import MfuOrder

    ctx = _mfu_context(registered_can)
    with tenant_context(live_alpha):
        placed = mfu_gateway.purchase(
            PurchaseRequest(ctx=ctx, scheme_code="T990001-GR", amount=Decimal("2000.50"), folio_number="",
                            additional=False), call=CallContext(reference=ctx.reference),
        )  # fmt: skip
        at_mfu = MfuOrder.objects.get(order_id=placed.exchange_order_id)
        assert (at_mfu.reference, at_mfu.unique_id, at_mfu.can) == (ctx.reference, ctx.attempt_ref, registered_can)
        assert at_mfu.amount == Decimal("2000.50") and at_mfu.kind == "purchase"
        today = timezone.localdate()
        records = mfu_gateway.order_status(
            StatusQuery(client_code=registered_can, from_date=today, to_date=today,
                        exchange_order_id=placed.exchange_order_id), call=CallContext(),
        )  # fmt: skip
        assert [(r.exchange_order_id, r.reference, r.status) for r in records] == [
            (placed.exchange_order_id, ctx.reference, "VALID")  # MFU's ACCEPTED in BSE's words
        ]
        # the request body is encrypted on the wire, and the audit row holds the call
        audited = GatewayCall.objects.filter(gateway="mfu", operation="placePurchase").latest("created_at")
        assert audited.outcome == "ok"
        # the same attempt reference twice is the simulator's duplicate, mapped to ours
        from apps.orders.gateways.interface import GatewayRejected

        with pytest.raises(GatewayRejected) as excinfo:
            mfu_gateway.purchase(
                PurchaseRequest(ctx=ctx, scheme_code="T990001-GR", amount=Decimal("2000.50"), folio_number="",
                                additional=False), call=CallContext(),
            )  # fmt: skip
        assert excinfo.value.code == "duplicate_attempt_ref"
    assert MfuOrder.objects.filter(reference=ctx.reference).count() == 1


@pytest.mark.live
def test_mfu_error_replies_map_to_our_errors(mfu_gateway, registered_can, live_alpha, no_faults_left):
    from apps.orders.gateways.interface import CallContext, GatewayNotSent, GatewayRejected, PurchaseRequest
    from apps.sandbox.faults import fault_plan
    from apps.sandbox.models import MfuOrder

    def purchase(ctx, scheme_code="T990001-GR"):
        return mfu_gateway.purchase(
            PurchaseRequest(ctx=ctx, scheme_code=scheme_code, amount=Decimal("1000"), folio_number="",
                            additional=False), call=CallContext(),
        )  # fmt: skip

    with tenant_context(live_alpha):
        # an unregistered CAN: respFlag F, INVALID_CAN -> a definitive refusal
        with pytest.raises(GatewayRejected) as excinfo:
            purchase(_mfu_context("CNOTKNOWN1"))
        assert excinfo.value.code == "client_not_registered" and "CAN not registered" in excinfo.value.message
        # an unknown scheme
        with pytest.raises(GatewayRejected) as excinfo:
            purchase(_mfu_context(registered_can), scheme_code="NOSUCHCODE")
        assert excinfo.value.code == "scheme_not_available"
        # MFU's own "service unavailable" reply: transient, nothing recorded, safe to send again
        ctx = _mfu_context(registered_can)
        fault_plan(target="mfu", operation="placePurchase", kind="error_reply", match=ctx.reference)
        with pytest.raises(GatewayNotSent) as excinfo:
            purchase(ctx)
        assert excinfo.value.code == "exchange_unavailable"
        assert not MfuOrder.objects.filter(reference=ctx.reference).exists()
        assert purchase(ctx).exchange_order_id  # the same attempt goes through once the fault is spent
    assert MfuOrder.objects.filter(reference=ctx.reference).count() == 1


@pytest.mark.live
def test_mfu_expired_token_is_renewed_and_the_call_made_once(mfu_gateway, registered_can, live_alpha):
    from apps.orders.gateways.interface import CallContext, PurchaseRequest
    from apps.orders.models import GatewayCall
    from apps.sandbox.models import MfuOrder, MfuToken

    # given the token we hold has expired at MFU (revoked early, or our clock is behind theirs)
    entity = mfu_gateway.client.entity_id
    MfuToken.objects.filter(entity_id=entity).update(expires_at=timezone.now() - timedelta(seconds=1))
    ctx = _mfu_context(registered_can)
    with tenant_context(live_alpha):
        before = GatewayCall.objects.filter(gateway="mfu", operation="GetAccessTokenV1").count()
        # when a purchase is placed with it
        placed = mfu_gateway.purchase(
            PurchaseRequest(ctx=ctx, scheme_code="T990001-GR", amount=Decimal("1200"), folio_number="",
                            additional=False), call=CallContext(reference=ctx.reference),
        )  # fmt: skip
        # then the adapter logged in again and the purchase went through, once
        assert GatewayCall.objects.filter(gateway="mfu", operation="GetAccessTokenV1").count() == before + 1
        refused = GatewayCall.objects.filter(gateway="mfu", operation="placePurchase", error_code="session_expired")
        assert refused.count() == 1
    assert MfuOrder.objects.get(reference=ctx.reference).order_id == placed.exchange_order_id
    assert MfuToken.objects.filter(entity_id=entity, expires_at__gt=timezone.now()).exists()


# --- 3. staff on the investor's behalf --------------------------------------------------------------------


@pytest.mark.live
def test_staff_order_waits_for_the_investors_otp(sandbox_gateways, live_alpha, funds, investor, routing_bse_primary):
    from apps.accounts.models import StaffMember
    from apps.accounts.notifiers import LocmemNotifier
    from apps.accounts.otp import OtpError
    from apps.core.models import AuditLog
    from apps.orders.models import GatewayCall, OutboxMessage
    from apps.orders.services.confirmation import otp_confirm
    from apps.orders.services.orders import order_place
    from apps.sandbox.models import BseOrder
    from apps.users.models import User

    with tenant_context(live_alpha):
        staff_user = User.objects.create_user(
            email=f"rm-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12, full_name="Riya RM"
        )
        StaffMember.objects.create(user=staff_user, role=StaffMember._meta.get_field("role").choices[0][0])
        sent_before = len(LocmemNotifier.outbox)
        # when a staff member places a purchase for the investor
        order = order_place(
            investor=investor, kind="purchase", scheme=funds["equity"], amount=Decimal("4000"), placed_by=staff_user
        )
        order.refresh_from_db()
        # then it waits for the investor's OTP, sent to the investor's registered mobile, not to the staff member
        assert order.status == "pending_otp" and order.placed_by_id == staff_user.pk
        new = LocmemNotifier.outbox[sent_before:]
        assert [m.target for m in new] == [investor.mobile]
        assert not any(m.target == staff_user.email for m in new)
        # and nothing is queued for, or reaches, the exchange
        assert not OutboxMessage.objects.filter(order=order).exists()
        assert not GatewayCall.objects.filter(order=order).exists()
        right = otp_code_sent_to(investor.mobile)
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        # when a wrong code is given, nothing moves
        with pytest.raises(OtpError) as excinfo:
            otp_confirm(target=order, code=wrong, actor=investor.user)
        assert excinfo.value.code == "otp_wrong"
        order.refresh_from_db()
        assert order.status == "pending_otp"
        assert not OutboxMessage.objects.filter(order=order).exists()
    assert not BseOrder.objects.filter(ref_no=order.client_ref).exists()

    # when the investor confirms with the right code, it goes to the exchange (eager task on commit)
    with tenant_context(live_alpha):
        otp_confirm(target=order, code=right, actor=investor.user)
        order.refresh_from_db()
        assert order.status == "payment_pending", list(order.events.values_list("message", flat=True))
        # and the history names who did what: the staff member placed it, the investor confirmed it
        placed = order.events.get(kind="placed")
        assert placed.actor == f"user:{staff_user.pk}" and "staff" in placed.message
        queued = order.events.get(kind="status", to_status="queued")
        assert queued.actor == f"user:{investor.user.pk}"
        placed_audit = AuditLog.objects.get(action="orders.order.placed", target_id=str(order.pk))
        assert placed_audit.actor_id == staff_user.pk
        confirmed_audit = AuditLog.objects.get(action="orders.order.confirmed", target_id=str(order.pk))
        assert confirmed_audit.actor_id == investor.user.pk
    assert BseOrder.objects.get(ref_no=order.client_ref).amount == Decimal("4000.00")


# --- 4. the Postgres token bucket -------------------------------------------------------------------------


@pytest.mark.django_db
def test_postgres_token_bucket_limits_and_refills(settings):
    from apps.orders.gateways import ratelimit
    from apps.orders.gateways.interface import RateLimited

    settings.REDIS_URL = ""  # the path taken when there is no Redis
    name = f"test-{uuid.uuid4().hex[:8]}"
    # one token each half second: slow enough that a loaded machine's pauses do not change the answers
    settings.ORDER_GATEWAY_RATE_LIMITS = {"default": {"rate": 2.0, "burst": 3.0}}
    # a full bucket gives its burst at once
    assert [ratelimit.take_token(name) for _ in range(3)] == [0.0, 0.0, 0.0]
    # then it is empty: the answer is how long until the next token (at most 1/rate), and nothing is taken
    wait = ratelimit.take_token(name)
    assert 0 < wait <= 0.5
    with pytest.raises(RateLimited):
        ratelimit.acquire(name, max_wait=0)
    # the state lives in the public table, shared by every worker
    with connection.cursor() as cursor:
        cursor.execute("SELECT tokens FROM public.orders_rate_bucket WHERE name = %s", [name])
        (tokens,) = cursor.fetchone()
    assert float(tokens) < 1
    # after a wait it has refilled at the rate, but not beyond what the wait gives
    time.sleep(0.6)
    assert ratelimit.take_token(name) == 0.0
    assert ratelimit.take_token(name) > 0
    # acquire blocks for a token when the wait is within its limit (it sleeps for the wait it is told)
    slept, time_sleep = [], time.sleep
    with mock.patch.object(ratelimit.time, "sleep", side_effect=lambda s: (slept.append(s), time_sleep(s))):
        ratelimit.acquire(name, max_wait=2.0)
    assert slept and all(0 < s <= 0.5 for s in slept)
    # and a different gateway has its own bucket
    assert ratelimit.take_token(f"{name}-other") == 0.0
    # a refill never exceeds the burst
    time.sleep(2.0)
    assert [ratelimit.take_token(name) == 0.0 for _ in range(4)] == [True, True, True, False]
