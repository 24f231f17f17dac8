"""Baskets: several orders (a lumpsum split over funds, or purchases and redemptions together) that the
investor confirms with one OTP.

basket_place          every line validated by the orders service, all written or none; one code whose
                      text names the count and the total
(confirmation)        the code queues every item still waiting, each with its outbox row and audit row
basket_cancel         before the code: every item waiting in it cancelled
basket_payment_link   one payment at the exchange for every purchase of the basket waiting for funds

SIP registrations join a basket through SipRegistration.basket; the confirm path queues them too."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.funds.models import Scheme
from apps.orders.gateways.interface import CallContext, GatewayError, GatewayRejected, PaymentLinkRequest
from apps.orders.gateways.registry import gateway_get
from apps.orders.models import BasketStatus, ExchangeClient, Order, OrderBasket, OrderKind, OrderStatus
from apps.orders.services import idempotency
from apps.orders.services.common import actor_label
from apps.orders.services.confirmation import basket_items_waiting, otp_challenge_send
from apps.orders.services.orders import order_cancel, order_place
from apps.orders.services.references import client_ref_new

BASKET_MAX_LINES = 10
BASKET_KINDS = (OrderKind.PURCHASE, OrderKind.REDEMPTION)


@dataclass(frozen=True)
class BasketLine:
    """One order of a basket, as the investor asked for it (the scheme by its AMFI code)."""

    kind: str
    scheme_code: str
    amount: Decimal | None = None
    units: Decimal | None = None
    folio_number: str = ""


class BasketInvalid(ApplicationError):
    code = "basket_invalid"
    status_code = 422


class BasketLineInvalid(ApplicationError):
    """One line is refused: `extra.line` is its number (1 = the first), `extra.reason` the rule's code;
    `line_message` is the refusal without the line number (for a form that shows it beside the line)."""

    code = "basket_line_invalid"
    status_code = 422
    line_message = ""


def _line_error(number: int, message: str, *, reason: str, **extra) -> BasketLineInvalid:
    error = BasketLineInvalid(f"Line {number}: {message}", extra={"line": number, "reason": reason, **extra})
    error.line_message = message[:1].upper() + message[1:]
    return error


def _line_shape_check(lines: list[BasketLine]) -> None:
    if not lines:
        raise BasketInvalid("A basket needs at least one order.", code="basket_empty")
    if len(lines) > BASKET_MAX_LINES:
        raise BasketInvalid(f"A basket holds at most {BASKET_MAX_LINES} orders.", extra={"max_lines": BASKET_MAX_LINES})
    seen: dict[tuple, int] = {}
    for number, line in enumerate(lines, start=1):
        if line.kind not in BASKET_KINDS:
            raise _line_error(number, "a basket takes purchases and redemptions.", reason="kind_not_allowed")
        key = (line.kind, line.scheme_code.strip(), line.folio_number.strip())
        if key in seen:
            raise _line_error(
                number, f"the same fund is already line {seen[key]}; put the whole amount on one line.",
                reason="duplicate_line", duplicate_of=seen[key],
            )  # fmt: skip
        seen[key] = number


def _schemes(lines: list[BasketLine]) -> dict[str, Scheme]:
    codes = {line.scheme_code.strip() for line in lines}
    found = {s.amfi_code: s for s in Scheme.objects.filter(amfi_code__in=codes).select_related("amc")}
    for number, line in enumerate(lines, start=1):
        if line.scheme_code.strip() not in found:
            raise _line_error(number, "no fund has this AMFI code.", reason="unknown_scheme", field="scheme")
    return found


@transaction.atomic
def basket_place(
    *, investor: Investor, lines: list[BasketLine], placed_by=None, placed_at: datetime | None = None
) -> OrderBasket:
    """Records every line as an order of one basket waiting for the investor's one code (sent after
    commit), or nothing: the first line a rule refuses raises BasketLineInvalid naming it."""
    _line_shape_check(lines)
    schemes = _schemes(lines)
    placed_at = placed_at or timezone.now()
    basket = OrderBasket.objects.create(
        investor=investor, placed_by=placed_by, reference=client_ref_new("B"), placed_at=placed_at
    )
    for number, line in enumerate(lines, start=1):
        try:
            order_place(
                investor=investor, kind=line.kind, scheme=schemes[line.scheme_code.strip()], amount=line.amount,
                units=line.units, folio_number=line.folio_number.strip(), placed_by=placed_by, placed_at=placed_at,
                basket=basket,
            )  # fmt: skip
        except ApplicationError as exc:
            raise _line_error(number, exc.message, reason=exc.code, **exc.extra) from exc
    otp_challenge_send(target=basket)
    audit_record(
        action="orders.basket.placed", actor=placed_by or investor.user, target=basket,
        extra={"orders": len(lines), "total": str(sum((line.amount or 0 for line in lines), Decimal("0")))},
    )  # fmt: skip
    return basket


WEB_BASKET_SCOPE = "web.baskets.place"


def basket_place_from_form(*, investor: Investor, idempotency_key: str, lines: list[BasketLine]) -> OrderBasket:
    """A basket from the investor's web form: the form's one-time key makes a double submit answer with the
    basket the first submit wrote (the same idempotency store as the API)."""
    request = [[line.kind, line.scheme_code, line.amount, line.units, line.folio_number] for line in lines]

    def create() -> dict:
        return {"basket_id": str(basket_place(investor=investor, lines=lines).public_id)}

    try:
        body, _ = idempotency.idempotent_create(
            investor=investor, scope=WEB_BASKET_SCOPE, key=idempotency_key, request_data=request, create=create
        )
    except idempotency.IdempotencyKeyReused:
        raise BasketInvalid("This form was sent already with other values. Open a new order form.",
                            code="form_reused") from None  # fmt: skip
    except idempotency.IdempotencyInFlight:
        raise BasketInvalid("These orders are still being recorded. Look at your orders in a moment.",
                            code="form_in_flight") from None  # fmt: skip
    return OrderBasket.objects.get(investor=investor, public_id=body["basket_id"])


def basket_cancel(*, basket: OrderBasket, actor=None) -> OrderBasket:
    """Before its code is entered: the basket and every item still waiting in it are cancelled."""
    with transaction.atomic():
        basket = OrderBasket.objects.select_for_update().get(pk=basket.pk)
        if basket.status != BasketStatus.PENDING_OTP:
            raise ConflictError("This basket was confirmed already; cancel its orders one by one.",
                                code="cancel_not_allowed")  # fmt: skip
        for item in basket_items_waiting(basket=basket):
            if isinstance(item, Order):
                order_cancel(order=item, actor=actor)
        basket.status, basket.cancelled_at = BasketStatus.CANCELLED, timezone.now()
        basket.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_record(action="orders.basket.cancelled", actor=actor, actor_label=actor_label(actor), target=basket)
    return basket


def basket_orders_payable(*, basket: OrderBasket) -> list[Order]:
    """The basket's purchases the exchange accepted and that wait for the investor's money."""
    return list(
        basket.orders.filter(kind=OrderKind.PURCHASE, status=OrderStatus.PAYMENT_PENDING, payment_confirmed_at=None)
        .select_related("scheme", "investor")
        .order_by("id")
    )


def basket_payment_link(*, basket: OrderBasket, return_url: str) -> str:
    """One payment at the exchange for all the basket's purchases waiting for funds (BSE's payment link
    takes several order numbers and their total). Purchases on different exchanges cannot share one."""
    orders = basket_orders_payable(basket=basket)
    if not orders:
        raise ConflictError("No order of this basket is waiting for a payment.", code="payment_not_expected")
    gateways = {order.gateway for order in orders}
    if len(gateways) > 1:
        raise ConflictError("These orders went to different exchanges: pay each from its own page.",
                            code="payment_split")  # fmt: skip
    gateway = gateway_get(gateways.pop())
    investor = basket.investor
    client = ExchangeClient.objects.get(investor=investor, gateway=gateway.name)
    bank = investor.bank_accounts.order_by("-is_primary").first()
    request = PaymentLinkRequest(
        client_code=client.client_code, exchange_order_ids=tuple(o.exchange_order_id for o in orders),
        amount=sum((o.amount for o in orders), Decimal("0")), return_url=return_url,
        bank_account_number=bank.account_number if bank else "", bank_ifsc=bank.ifsc if bank else "",
    )  # fmt: skip
    try:
        link = gateway.payment_link(request, call=CallContext(order_id=orders[0].pk, reference=basket.reference))
    except GatewayRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, status_code=409) from exc
    except GatewayError as exc:
        raise ApplicationError("The exchange could not be reached; try again.", code="exchange_unavailable",
                               status_code=503) from exc  # fmt: skip
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(payment_url=link.url[:500], updated_at=timezone.now())
    return link.url
