"""The investor's baskets and order pages on the web: a lumpsum split over several funds (chosen by name, kept
in a draft until placed) confirmed with one code, and an order's own page (reference, state in words, timeline
in IST, expected NAV date, the payment step, resend the code, cancel). Reads through the orders selectors,
writes through the orders services."""

import uuid

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from apps.core.exceptions import ApplicationError
from apps.funds.models import Scheme
from apps.funds.operations import fund_operations
from apps.funds.picker import fund_picker
from apps.funds.selectors import fund_find
from apps.orders.forms import OrderOtpForm
from apps.orders.models import BasketStatus, OrderKind
from apps.orders.selectors import (
    access_basket_by_id,
    access_order_by_id,
    order_nav_date_note,
    order_next_steps,
    order_status_words,
    order_timeline,
    otp_challenge_of,
)
from apps.orders.services.baskets import (
    BasketLine,
    BasketLineInvalid,
    basket_cancel,
    basket_orders_payable,
    basket_payment_link,
    basket_place_from_form,
)
from apps.orders.services.confirmation import otp_confirm, otp_resend
from apps.orders.services.orders import order_cancel, order_payment_link
from apps.web.basket_draft import BasketDraft, BasketDraftRefused
from apps.web.forms_orders import BasketFormSet, BasketKeyForm, basket_typed_amounts
from apps.web.views import InvestorView

SCHEME_REASONS = {"unknown_scheme", "scheme_not_available", "operation_not_allowed", "duplicate_line"}
AMOUNT_REASONS = {"below_minimum", "not_a_multiple", "invalid_quantity"}


def _line_field(error: BasketLineInvalid) -> str | None:
    """The field of the row a refusal belongs beside (None: about the investor, not the row)."""
    reason = error.extra.get("reason", "")
    if error.extra.get("field") == "scheme" or reason in SCHEME_REASONS:
        return "amfi_code"
    return "amount" if reason in AMOUNT_REASONS else None


class BasketPlaceView(InvestorView):
    """Several funds and an amount for each, recorded as one basket waiting for one code. The funds come from
    the investor's draft (apps/web/basket_draft.py): added with a fund page's "Add to basket" or with the
    search on this page, shown by name, each with its amount and a Remove button. Nobody types a code."""

    nav = "orders"
    not_investor_status = 404
    template_name = "web/basket_place.html"

    def _render(self, request, formset, key_form, status=200, error="", picker_error=""):
        codes = [(form["amfi_code"].value() or "").strip() for form in formset.forms]
        schemes = {s.amfi_code: s for s in Scheme.objects.select_related("amc").filter(amfi_code__in=codes)}
        picker = fund_picker(request.GET, chosen="")
        in_basket = set(codes)
        operations = fund_operations(schemes=[choice.scheme for choice in picker.results])
        context = {
            "formset": formset,
            "rows": [(form, schemes.get(code)) for form, code in zip(formset.forms, codes, strict=True)],
            "key_form": key_form,
            "picker": picker,
            "results": [
                (choice.scheme, choice.scheme.amfi_code in in_basket, operations[choice.scheme.pk])
                for choice in picker.results
            ],
            "error": error,
            "picker_error": picker_error,
        }
        return self.render(request, self.template_name, context, status=status)

    def _blank(self, request, status=200, picker_error=""):
        lines = BasketDraft(request.session, request.investor).lines()
        formset = BasketFormSet(prefix="lines", initial=[{"amfi_code": x.amfi_code, "amount": x.amount} for x in lines])
        key_form = BasketKeyForm(initial={"request_key": uuid.uuid4()})
        return self._render(request, formset, key_form, status=status, picker_error=picker_error)

    def get(self, request):
        return self._blank(request)

    def post(self, request):
        draft = BasketDraft(request.session, request.investor)
        if "add_fund" in request.POST or "remove" in request.POST:
            draft.keep_amounts(basket_typed_amounts(request.POST))
            if "remove" in request.POST:
                draft.remove(request.POST["remove"].strip())
                return redirect(reverse("web:basket_place"))
            scheme = fund_find(amfi_code=request.POST["add_fund"])
            try:
                if scheme is None:
                    raise BasketDraftRefused("That fund is no longer listed. Search for it again.")
                draft.add(scheme)
            except BasketDraftRefused as exc:
                return self._blank(request, status=400, picker_error=exc.message)
            return redirect(reverse("web:basket_place"))
        return self._place(request, draft)

    def _place(self, request, draft: BasketDraft):
        key_form = BasketKeyForm(request.POST)
        formset = BasketFormSet(request.POST, prefix="lines")
        if not (formset.is_valid() and key_form.is_valid()):
            return self._render(request, formset, key_form, status=400)
        rows = formset.filled()
        lines = [BasketLine(kind=OrderKind.PURCHASE, scheme_code=d["amfi_code"].strip(), amount=d["amount"])
                 for _, d in rows]  # fmt: skip
        try:
            basket = basket_place_from_form(
                investor=request.investor, idempotency_key=str(key_form.cleaned_data["request_key"]), lines=lines
            )
        except BasketLineInvalid as exc:
            row = formset.forms[rows[exc.extra["line"] - 1][0]]
            field = _line_field(exc)
            if field is None:
                return self._render(request, formset, key_form, status=exc.status_code, error=exc.line_message)
            row.add_error(field, exc.line_message)
            return self._render(request, formset, key_form, status=exc.status_code)
        except ApplicationError as exc:
            return self._render(request, formset, key_form, status=exc.status_code, error=exc.message)
        draft.clear()
        return redirect(reverse("web:basket", args=[basket.public_id]))


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class BasketView(InvestorView):
    """A basket: its orders, the one code that confirms them, then their states and one payment."""

    nav = "orders"
    not_investor_status = 404
    template_name = "web/basket.html"

    def _render(self, request, basket, form=None, status=200, error="", notice=""):
        basket = access_basket_by_id(investor=request.investor, public_id=basket.public_id)  # as it is now
        orders = list(basket.orders.all())
        payable = basket_orders_payable(basket=basket)
        context = {
            "basket": basket,
            "orders": [(o, order_status_words(order=o)) for o in orders],
            "total": sum((o.amount or 0 for o in orders), 0),
            "payable_total": sum((o.amount for o in payable), 0),
            "payable_count": len(payable),
            "challenge": otp_challenge_of(target=basket) if basket.status == BasketStatus.PENDING_OTP else None,
            "form": form or OrderOtpForm(),
            "error": error,
            "notice": notice,
        }
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, basket_id):
        return self._render(request, access_basket_by_id(investor=request.investor, public_id=basket_id))

    def post(self, request, basket_id):
        basket = access_basket_by_id(investor=request.investor, public_id=basket_id)
        action = request.POST.get("action", "confirm")
        try:
            if action == "resend":
                otp_resend(target=basket)
                return self._render(request, basket, notice="We have sent you a new code.")
            if action == "cancel":
                basket_cancel(basket=basket, actor=request.user)
                return redirect(request.path)
            if action == "pay":
                return_url = request.build_absolute_uri(request.path)
                return redirect(basket_payment_link(basket=basket, return_url=return_url))
        except ApplicationError as exc:
            return self._render(request, basket, status=exc.status_code, error=exc.message)
        form = OrderOtpForm(request.POST)
        if not form.is_valid():
            return self._render(request, basket, form, status=400)
        try:
            otp_confirm(target=basket, code=form.cleaned_data["code"].strip(), actor=request.user)
        except ApplicationError as exc:
            return self._render(request, basket, form, status=exc.status_code, error=exc.message)
        return redirect(request.path)


class OrderDetailView(InvestorView):
    """Following one order: its reference, state in words, timeline, expected NAV date, payment, and what
    may still be done (resend the code, cancel, pay)."""

    nav = "orders"
    not_investor_status = 404
    template_name = "web/order_detail.html"

    def _render(self, request, order, status=200, error="", notice=""):
        order = access_order_by_id(investor=request.investor, public_id=order.public_id)  # as it is now
        context = {
            "order": order,
            "words": order_status_words(order=order),
            "timeline": order_timeline(order=order),
            "nav_note": order_nav_date_note(order=order),
            "steps": order_next_steps(order=order),
            "otp_form": OrderOtpForm(),
            "error": error,
            "notice": notice,
        }
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, order_id):
        return self._render(request, access_order_by_id(investor=request.investor, public_id=order_id))

    def post(self, request, order_id):
        order = access_order_by_id(investor=request.investor, public_id=order_id)
        action = request.POST.get("action")
        try:
            if action == "resend":
                otp_resend(target=order)
                return self._render(request, order, notice="We have sent you a new code.")
            if action == "cancel":
                order_cancel(order=order, actor=request.user)
                return self._render(request, order, notice="The order is cancelled.")
            if action == "pay":
                return redirect(order_payment_link(order=order, return_url=request.build_absolute_uri(request.path)))
        except ApplicationError as exc:
            return self._render(request, order, status=exc.status_code, error=exc.message)
        return self._render(request, order, status=400, error="Choose what to do with this order.")
