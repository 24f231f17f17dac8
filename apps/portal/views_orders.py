"""Orders, SIPs and the fund explorer in the portal: lists with filters and CSV export across the staff
member's book, and placing an order on an investor's behalf. Reads through selectors, writes through
services."""

import csv
import io
import uuid

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.core.exceptions import ApplicationError
from apps.core.forms import form_add_errors
from apps.funds import selectors as funds_selectors
from apps.funds.models import Scheme
from apps.funds.picker import order_pickers
from apps.orders import selectors as orders_selectors
from apps.orders.forms import OrderForm
from apps.orders.models import OrderKind, OrderStatus, SipFrequency, SipStatus
from apps.orders.services.confirmation import otp_resend
from apps.orders.services.forms import order_place_from_form
from apps.orders.services.orders import order_cancel
from apps.portal import permissions
from apps.portal.forms import OrderFilterForm
from apps.portal.views import LIST_COUNT_CAP, PortalView, paginate

FUND_PAGE_SIZE = 25


def _investor_or_404(request, public_id):
    return accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)


def csv_response(rows, *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_streaming_response(rows, *, filename: str) -> StreamingHttpResponse:
    """A CSV download written row by row as the client reads it: memory stays flat however many rows."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OrderPlaceView(PortalView):
    """An order on an investor's behalf: recorded as waiting for the investor's OTP."""

    nav = "investors"
    capability = permissions.ORDER_ON_BEHALF
    template_name = "portal/order_place.html"

    def get(self, request, public_id):
        investor = _investor_or_404(request, public_id)
        pickers = order_pickers(request.GET)
        form = OrderForm(initial={**pickers.initial(), "request_key": uuid.uuid4()})
        return self.render(request, self.template_name, {"investor": investor, "form": form, "pickers": pickers})

    def post(self, request, public_id):
        investor = _investor_or_404(request, public_id)
        form = OrderForm(request.POST)
        pickers = order_pickers(request.GET, form_data=request.POST)
        if form.is_valid():
            try:
                order = order_place_from_form(member=request.staff, investor=investor, **form.order_arguments())
            except ApplicationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Order {order.client_ref} recorded. It waits for {investor.full_name}'s OTP; "
                    "nothing is sent to the exchange until they confirm it.",
                )
                return redirect(reverse("portal:investor", args=[investor.public_id]) + "#orders")
        context = {"investor": investor, "form": form, "pickers": pickers}
        return self.render(request, self.template_name, context, status=400)


class OrderDetailView(PortalView):
    """Following an order of the staff member's book: reference, state in words, timeline with every
    exchange call (IST), expected NAV date, payment; resend the investor's code or cancel while allowed."""

    nav = "orders"
    capability = permissions.ORDERS_VIEW
    template_name = "portal/order_detail.html"

    def _order(self, request, public_id):
        investors = accounts_selectors.investors_visible_to(staff=request.staff)
        return orders_selectors.access_order_in_book(investors=investors, public_id=public_id)

    def _render(self, request, order, status=200, error=""):
        order = self._order(request, order.public_id)  # as it is now
        context = {
            "order": order,
            "words": orders_selectors.order_status_words(order=order),
            "timeline": orders_selectors.order_timeline(order=order, with_gateway_calls=True),
            "nav_note": orders_selectors.order_nav_date_note(order=order),
            "steps": orders_selectors.order_next_steps(order=order),
            "can_act": accounts_selectors.staff_can(staff=request.staff, capability=permissions.ORDER_ON_BEHALF),
            "error": error,
        }
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, public_id):
        return self._render(request, self._order(request, public_id))

    def post(self, request, public_id):
        order = self._order(request, public_id)
        if not accounts_selectors.staff_can(staff=request.staff, capability=permissions.ORDER_ON_BEHALF):
            return self._render(request, order, status=403, error="Your role may not act on orders.")
        action = request.POST.get("action")
        try:
            if action == "resend":
                otp_resend(target=order)
                messages.success(request, f"A new code went to {order.investor.full_name}.")
            elif action == "cancel":
                order_cancel(order=order, actor=request.user)
                messages.success(request, f"Order {order.client_ref} is cancelled.")
            else:
                return self._render(request, order, status=400, error="Choose what to do with this order.")
        except ApplicationError as exc:
            return self._render(request, order, status=exc.status_code, error=exc.message)
        return redirect(reverse("portal:order_detail", args=[order.public_id]))


class OrderListView(PortalView):
    nav = "orders"
    capability = permissions.ORDERS_VIEW
    statuses = OrderStatus.choices
    kinds = OrderKind.choices
    kind_label = "Type"
    template_name = "portal/orders.html"
    export_name = "portal:orders_export"

    def queryset(self, request, filters: dict):
        return orders_selectors.order_list_for_investors(
            investors=accounts_selectors.investors_visible_to(staff=request.staff),
            status=filters.get("status", ""),
            kind=filters.get("kind", ""),
            placed_from=filters.get("date_from"),
            placed_to=filters.get("date_to"),
        )

    def filter_form(self, request) -> OrderFilterForm:
        return OrderFilterForm(
            request.GET or None, statuses=self.statuses, kinds=self.kinds, kind_label=self.kind_label
        )

    def get(self, request):
        form = self.filter_form(request)
        items = self.queryset(request, form.filters())
        can_export = accounts_selectors.staff_can(staff=request.staff, capability=permissions.EXPORT)
        export_url = f"{reverse(self.export_name)}?{request.GET.urlencode()}" if can_export else ""
        return self.render(
            request,
            self.template_name,
            {"form": form, "page": paginate(request, items, cap=LIST_COUNT_CAP), "export_url": export_url},
        )


class CsvExportMixin:
    """The list's rows, with the list's filters, as a streamed CSV download (capped at EXPORT_MAX_ROWS rows)."""

    capability = permissions.EXPORT
    filename = ""

    def rows(self, items):
        raise NotImplementedError

    def get(self, request):
        form = self.filter_form(request)
        items = self.queryset(request, form.filters())
        stamp = timezone.localdate().isoformat()
        filename = f"{self.filename}-{request.tenant.schema_name}-{stamp}.csv"
        return csv_streaming_response(self.rows(items), filename=filename)


class OrderExportView(CsvExportMixin, OrderListView):
    filename = "orders"

    def rows(self, items):
        return orders_selectors.order_csv_rows(orders=items)


class SipListView(OrderListView):
    nav = "sips"
    statuses = SipStatus.choices
    kinds = SipFrequency.choices
    kind_label = "Frequency"
    template_name = "portal/sips.html"
    export_name = "portal:sips_export"

    def queryset(self, request, filters: dict):
        return orders_selectors.sip_list_for_investors(
            investors=accounts_selectors.investors_visible_to(staff=request.staff),
            status=filters.get("status", ""),
            frequency=filters.get("kind", ""),
            start_from=filters.get("date_from"),
            start_to=filters.get("date_to"),
        )


class FundExplorerView(PortalView):
    """The funds master: search (name, AMFI code or ISIN) and filters, paginated."""

    nav = "funds"
    capability = permissions.VIEW

    def get(self, request):
        def choice(name: str, allowed) -> str:
            value = request.GET.get(name, "")
            return value if value in allowed else ""

        filters = funds_selectors.FundFilters(
            q=request.GET.get("q", "")[:100],
            amc=request.GET.get("amc", "")[:100],
            category=request.GET.get("category", "")[:120],
            plan=choice("plan", Scheme.Plan.values),
            option=choice("option", Scheme.Option.values),
            asset_class=choice("asset_class", Scheme.AssetClass.values),
        )
        funds = funds_selectors.fund_list(filters=filters)
        return self.render(
            request,
            "portal/funds.html",
            {
                "page": paginate(request, funds, FUND_PAGE_SIZE),
                "filters": filters,
                "amcs": funds_selectors.amc_list(),
                "plans": Scheme.Plan.choices,
                "options": Scheme.Option.choices,
                "asset_classes": Scheme.AssetClass.choices,
            },
        )
