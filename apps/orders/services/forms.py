"""Orders from web forms: the investor's own on the web pages, or one a staff member records on their
behalf in the portal. Both go through the same orders service and idempotency store as the mobile API."""

from decimal import Decimal

from apps.accounts.models import Investor, StaffMember
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.exceptions import ApplicationError
from apps.funds.selectors import fund_get
from apps.orders.models import Order
from apps.orders.selectors import access_order_by_id
from apps.orders.services import idempotency
from apps.orders.services.orders import order_place


class OrderOnBehalfError(ApplicationError):
    code = "order_refused"


WEB_ORDER_SCOPE = "web.orders.place"
PORTAL_ORDER_SCOPE = "portal.orders.place"


def order_place_from_form(
    *,
    investor: Investor,
    idempotency_key: str,
    kind: str,
    amfi_code: str,
    amount: Decimal | None = None,
    units: Decimal | None = None,
    folio_number: str = "",
    to_amfi_code: str = "",
    member: StaffMember | None = None,
) -> Order:
    """An order from a web form: the investor's own, or one a staff member records on their behalf
    (`member`; the caller fetched the investor through the access selector). It goes through the same
    orders service and idempotency store as the mobile API: the form's one-time key makes a double submit
    answer with the order the first submit wrote instead of writing a second one. Either way the order
    waits for the investor's OTP; nothing reaches the exchange until they confirm."""
    if member is not None and not role_has_capability(member.role, Capability.ORDERS_PLACE):
        raise OrderOnBehalfError("Your role may not place orders.", code="forbidden")

    amfi_code = (amfi_code or "").strip()
    folio_number = (folio_number or "").strip()
    to_amfi_code = (to_amfi_code or "").strip()
    request = {"kind": kind, "scheme": amfi_code, "amount": amount, "units": units, "folio_number": folio_number}
    if to_amfi_code:
        request["to_scheme"] = to_amfi_code

    def create() -> dict:
        order = order_place(
            investor=investor,
            kind=kind,
            scheme=fund_get(amfi_code=amfi_code),
            amount=amount,
            units=units,
            folio_number=folio_number,
            to_scheme=fund_get(amfi_code=to_amfi_code) if to_amfi_code else None,
            placed_by=member.user if member is not None else None,
        )
        return {"order_id": str(order.public_id)}

    try:
        body, _ = idempotency.idempotent_create(
            investor=investor,
            scope=PORTAL_ORDER_SCOPE if member is not None else WEB_ORDER_SCOPE,
            key=idempotency_key,
            request_data=request,
            create=create,
        )
    except idempotency.IdempotencyKeyReused:
        raise OrderOnBehalfError(
            "This form was sent already with other values. Open a new order form.", code="form_reused"
        ) from None
    except idempotency.IdempotencyInFlight:
        raise OrderOnBehalfError(
            "This order is still being recorded. Look at your orders in a moment.", code="form_in_flight"
        ) from None
    return access_order_by_id(investor=investor, public_id=body["order_id"])
