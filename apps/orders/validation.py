"""Rules an order or SIP must pass before anything is written or sent. Each refusal is an
ApplicationError with its own code."""

from decimal import Decimal

from apps.accounts.models import Investor, KycStatus
from apps.core.exceptions import ApplicationError
from apps.core.money import format_inr
from apps.funds.models import Scheme
from apps.orders.gateways.interface import Operation
from apps.orders.gateways.registry import operation_offered
from apps.orders.models import OrderKind
from apps.orders.selectors import free_units
from apps.orders.transactability import scheme_refusal


class OrderRefused(ApplicationError):
    code = "order_refused"
    status_code = 422


def _refuse(code: str, message: str, *, field: str = "", **extra) -> None:
    """Refuse with this code; `field` names the form field the refusal is about (API: extra.fields)."""
    if field:
        extra["fields"] = {field: [message]}
    raise OrderRefused(message, code=code, extra=extra)


def _multiple_of(value: Decimal, step: Decimal | None) -> bool:
    return not step or (value % step) == 0


def investor_check(*, investor: Investor) -> None:
    """What the investor must have in place. Each refusal names the onboarding step that fixes it in
    extra.step (apps.accounts.selectors.ONBOARDING_STEP_KEYS): the web pages link to that step's page."""
    if investor.kyc_status != KycStatus.VERIFIED:
        _refuse("kyc_not_verified", "KYC is not verified yet.", kyc_status=investor.kyc_status, step="kyc")
    if not investor.pan:
        _refuse("profile_incomplete", "A PAN is needed before investing.", step="profile")
    if not investor.bank_accounts.exists():
        _refuse("profile_incomplete", "A bank account is needed before investing.", step="bank")
    if not (investor.email or investor.mobile):
        _refuse("profile_incomplete", "An e-mail address or mobile number is needed for the OTP.", step="profile")


def scheme_operation_check(*, scheme: Scheme, operation: str) -> None:
    """The fund must allow `operation` (purchase, sip, redemption, switch) through the gateway this
    distributor sends it to, and be listed there: the refusal names the operation ("This fund cannot be
    redeemed through BSE StAR MF")."""
    refusal = scheme_refusal(scheme=scheme, operation=operation)
    if refusal is not None:
        _refuse(refusal.code, refusal.message, operation=operation, scheme=scheme.amfi_code)


def order_check(
    *,
    investor: Investor,
    kind: str,
    scheme: Scheme,
    amount: Decimal | None,
    units: Decimal | None,
    all_units: bool,
    folio_number: str,
    to_scheme: Scheme | None,
    is_additional: bool,
) -> None:
    """Everything but the OTP. Raises OrderRefused."""
    investor_check(investor=investor)
    operation_check(operation=kind)
    scheme_operation_check(scheme=scheme, operation=kind)
    if kind == OrderKind.PURCHASE:
        purchase_check(scheme=scheme, amount=amount, units=units, all_units=all_units, is_additional=is_additional)
        return
    sell_quantity_check(amount=amount, units=units, all_units=all_units, folio_number=folio_number)
    if kind == OrderKind.SWITCH:
        switch_check(scheme=scheme, to_scheme=to_scheme)
    if units is not None and scheme.min_redemption_units and units < scheme.min_redemption_units:
        _refuse("below_minimum", f"Redeem at least {scheme.min_redemption_units.normalize():f} units of this fund.",
                field="units", minimum=str(scheme.min_redemption_units))  # fmt: skip
    free_units_check(
        investor=investor, scheme=scheme, folio_number=folio_number, amount=amount, units=units, all_units=all_units
    )


def operation_check(*, operation: str) -> None:
    """Some configured gateway must offer the operation (as the gateways declare it)."""
    if not operation_offered(operation):
        _refuse("operation_not_allowed", "This kind of request cannot be sent to an exchange here.")


def purchase_check(
    *, scheme: Scheme, amount: Decimal | None, units: Decimal | None, all_units: bool, is_additional: bool
) -> None:
    if amount is None or units is not None or all_units:
        _refuse("invalid_quantity", "A purchase is by amount.")
    if not scheme.purchase_allowed:
        _refuse("operation_not_allowed", "This scheme does not accept purchases now.")
    minimum = (scheme.min_additional if is_additional else scheme.min_purchase) or Decimal("0")
    if amount < minimum:
        _refuse(
            "below_minimum",
            f"Invest at least {format_inr(minimum)} in this fund.",
            field="amount",
            minimum=str(minimum),
        )
    if not _multiple_of(amount, scheme.purchase_multiple):
        step = format_inr(scheme.purchase_multiple)
        _refuse("not_a_multiple", f"The amount must be in steps of {step}.", field="amount",
                multiple=str(scheme.purchase_multiple))  # fmt: skip
    if amount <= 0:
        _refuse("invalid_quantity", "The amount must be positive.", field="amount")


def sell_quantity_check(*, amount: Decimal | None, units: Decimal | None, all_units: bool, folio_number: str) -> None:
    """A redemption or switch: exactly one positive quantity, from a folio."""
    if sum([amount is not None, units is not None, bool(all_units)]) != 1:
        _refuse("invalid_quantity", "Give exactly one of amount, units or all units.")
    if (amount is not None and amount <= 0) or (units is not None and units <= 0):
        _refuse("invalid_quantity", "The amount or units must be positive.")
    if not folio_number:
        _refuse("folio_required", "A folio number is needed to sell units.", field="folio_number")


def switch_check(*, scheme: Scheme, to_scheme: Scheme | None) -> None:
    if to_scheme is None:
        _refuse("switch_target_required", "Choose the scheme to switch into.", field="to_scheme")
    if not to_scheme.purchase_allowed:
        _refuse("operation_not_allowed", "The fund to switch into cannot be bought now.", field="to_scheme")
    if scheme.amc_id is None or scheme.amc_id != to_scheme.amc_id:
        _refuse("switch_across_amcs", "A switch must stay within one fund house.", field="to_scheme")
    if to_scheme.pk == scheme.pk:
        _refuse("switch_same_scheme", "Switch into a different scheme.", field="to_scheme")
    scheme_operation_check(scheme=to_scheme, operation="switch")


def free_units_check(
    *,
    investor: Investor,
    scheme: Scheme,
    folio_number: str,
    amount: Decimal | None,
    units: Decimal | None,
    all_units: bool,
) -> None:
    """What is sold must be free: not in lock-in, not promised to another open order."""
    available = free_units(investor=investor, scheme=scheme, folio_number=folio_number)
    if all_units:
        wanted = available
    elif units is not None:
        wanted = units
    else:
        if not scheme.latest_nav:
            _refuse("nav_unavailable", "No NAV is known for this scheme yet.")
        wanted = amount / scheme.latest_nav
    if available <= 0 or wanted > available:
        _refuse(
            "insufficient_free_units",
            "Not enough units free to sell (units in lock-in or in other orders are not free).",
            field="amount" if amount is not None else "units",
            free_units=str(available.quantize(Decimal("0.0001"))),
        )


def sip_check(*, investor: Investor, scheme: Scheme, amount: Decimal, instalments: int) -> None:
    investor_check(investor=investor)
    operation_check(operation=Operation.SIP_REGISTER)
    scheme_operation_check(scheme=scheme, operation="sip")
    minimum = scheme.min_sip or Decimal("0")
    if amount < minimum:
        _refuse("below_minimum", f"A SIP instalment must be at least {format_inr(minimum)}.", field="amount",
                minimum=str(minimum))  # fmt: skip
    if not _multiple_of(amount, scheme.sip_multiple):
        step = format_inr(scheme.sip_multiple)
        _refuse("not_a_multiple", f"The instalment must be in steps of {step}.", field="amount",
                multiple=str(scheme.sip_multiple))  # fmt: skip
    if instalments < 1:
        _refuse("invalid_quantity", "At least one instalment.", field="instalments")
