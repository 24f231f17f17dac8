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
from apps.funds import selectors as funds_selectors
from apps.funds.models import Scheme
from apps.orders import selectors as orders_selectors
from apps.orders.forms import OrderForm
from apps.orders.models import OrderKind, OrderStatus, SipFrequency, SipStatus
from apps.orders.services.forms import order_place_from_form
from apps.portal import permissions
from apps.portal.forms import OrderFilterForm
from apps.portal.views import PortalView, paginate

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
        form = OrderForm(
            initial={"kind": "purchase", "amfi_code": request.GET.get("scheme", "")[:12], "request_key": uuid.uuid4()}
        )
        return self.render(request, self.template_name, {"investor": investor, "form": form})

    def post(self, request, public_id):
        investor = _investor_or_404(request, public_id)
        form = OrderForm(request.POST)
        if form.is_valid():
            try:
                order = order_place_from_form(member=request.staff, investor=investor, **form.order_arguments())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Order {order.client_ref} recorded. It waits for {investor.full_name}'s OTP; "
                    "nothing is sent to the exchange until they confirm it.",
                )
                return redirect(reverse("portal:investor", args=[investor.public_id]) + "#orders")
        return self.render(request, self.template_name, {"investor": investor, "form": form}, status=400)


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
            request, self.template_name, {"form": form, "page": paginate(request, items), "export_url": export_url}
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


class SipExportView(CsvExportMixin, SipListView):
    filename = "sips"

    def rows(self, items):
        return orders_selectors.sip_csv_rows(sips=items)


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
