"""Operations pages: the console (discrepancies, orders that need a person, gateway health, each order's
exchange calls), registrar feed upload, commission, and the owner's exchange identity settings. Reads
through selectors, writes through services; nothing here decides anything."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import StaffRole
from apps.accounts.permissions import Capability
from apps.core.exceptions import ApplicationError
from apps.orders import operations_selectors
from apps.orders.models import Gateway
from apps.orders.services.exchange_identity import (
    PRIMARY_OPERATIONS,
    exchange_connection_test,
    exchange_identity_set,
    exchange_identity_summaries,
)
from apps.orders.services.holds import order_hold_release
from apps.orders.services.operations import order_mark_resolved, order_status_query_now
from apps.orders.services.orders import order_cancel
from apps.portal.views import PortalView, paginate
from apps.portal.views_orders import csv_response
from apps.reconciliation import selectors as recon
from apps.reconciliation.feeds.containers import FeedRefused
from apps.reconciliation.models import Discrepancy, RtaFeed
from apps.reconciliation.services.discrepancies import discrepancy_accept, discrepancy_override
from apps.reconciliation.services.eod import settings_get
from apps.reconciliation.services.imports import feed_import

OPERATE = Capability.ORDERS_OPERATE
MAX_FEED_UPLOAD = 50 * 1024 * 1024


class OperationsConsoleView(PortalView):
    nav = "operations"
    capability = OPERATE

    def get(self, request):
        status = request.GET.get("status", Discrepancy.Status.OPEN)
        status = status if status in Discrepancy.Status.values or status == "" else Discrepancy.Status.OPEN
        cause = request.GET.get("cause", "")
        cause = cause if cause in Discrepancy.Cause.values else ""
        context = {
            "discrepancies": paginate(request, recon.discrepancy_list(status=status, cause=cause)),
            "status": status, "cause": cause, "statuses": Discrepancy.Status.choices,
            "causes": Discrepancy.Cause.choices,
            "stuck": operations_selectors.orders_needing_attention(),
            "health": operations_selectors.gateway_health(),
        }  # fmt: skip
        return self.render(request, "portal/operations/console.html", context)


class DiscrepancyActionView(PortalView):
    nav = "operations"
    capability = OPERATE

    def post(self, request, public_id):
        item = recon.access_discrepancy_by_id(staff=request.staff, public_id=public_id)
        try:
            if request.POST.get("action") == "accept":
                discrepancy_accept(discrepancy=item, actor=request.user)
                messages.success(request, "Fix accepted.")
            else:
                discrepancy_override(discrepancy=item, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, "Overridden, with your reason on record.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("portal:operations"))


def _order(request, public_id):
    return operations_selectors.access_order_by_id(staff=request.staff, public_id=public_id)


class OrderOperationView(PortalView):
    nav = "operations"
    capability = OPERATE

    def post(self, request, public_id):
        order = _order(request, public_id)
        action = request.POST.get("action")
        try:
            if action == "query":
                order = order_status_query_now(order=order, actor=request.user)
                messages.success(request, f"Asked the exchange: the order is now {order.get_status_display()}.")
            elif action == "cancel":
                order_cancel(order=order, actor=request.user)
                messages.success(request, "Order cancelled.")
            elif action == "resolve":
                order_mark_resolved(order=order, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, "Order resolved as failed, with your reason on record.")
            elif action == "release":
                order_hold_release(order=order, staff=request.staff, note=request.POST.get("note", ""))
                messages.success(request, "Hold released: the order goes on to the exchange.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("portal:operations_order", args=[order.public_id]))


class OrderCallsView(PortalView):
    """One order's story: its events and every exchange call from the audit log."""

    nav = "operations"
    capability = OPERATE

    def get(self, request, public_id):
        order = _order(request, public_id)
        context = {"order": order, "events": order.events.all()[:200],
                   "calls": operations_selectors.order_calls(order=order)}  # fmt: skip
        return self.render(request, "portal/operations/order.html", context)


class FeedListView(PortalView):
    nav = "operations"
    capability = OPERATE

    def get(self, request):
        return self.render(request, "portal/operations/feeds.html", {"page": paginate(request, recon.feed_list())})

    def post(self, request):
        upload = request.FILES.get("feed")
        if upload is None or upload.size > MAX_FEED_UPLOAD:
            messages.error(request, "Choose a feed file (at most 50 MB).")
            return redirect(reverse("portal:feeds"))
        try:
            result = feed_import(content=upload.read(), filename=upload.name, password=request.POST.get("password", ""),
                                 source=RtaFeed.Source.UPLOAD, actor=request.user)  # fmt: skip
        except FeedRefused as exc:
            messages.error(request, f"{upload.name} refused: {exc.message}")
            return redirect(reverse("portal:feeds"))
        if result.duplicate:
            messages.info(request, f"{upload.name} was imported before; nothing changed.")
        else:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items())) or "no rows to reconcile"
            messages.success(request, f"{upload.name}: {result.feed.rows} rows ({counts}); "
                                      f"{len(result.discrepancies)} discrepancies.")  # fmt: skip
        return redirect(reverse("portal:feeds"))


MONTH_CHOICES = (1, 3, 6, 12)


def _months(request) -> int:
    try:
        months = int(request.GET.get("months", 3))
    except ValueError:
        return 3
    return months if months in MONTH_CHOICES else 3


def _month_range(request) -> tuple[date, date]:
    """From the first day of the month `months - 1` months back to today."""
    today = timezone.localdate()
    start = today.replace(day=1)
    for _ in range(_months(request) - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, today


class CommissionView(PortalView):
    nav = "commission"
    capability = OPERATE

    def get(self, request):
        date_from, date_to = _month_range(request)
        euin = request.GET.get("euin", "").strip().upper()[:20]
        rows = recon.commission_by_month(date_from=date_from, date_to=date_to, euin=euin)
        rate = settings_get().trail_rate_percent
        context = {"rows": rows, "date_from": date_from, "date_to": date_to, "euin": euin,
                   "months": _months(request), "month_choices": MONTH_CHOICES,
                   "total": sum((r.brokerage for r in rows), start=0), "trail_rate": rate,
                   "trail": recon.trail_estimates(month=date_to, rate_percent=rate)}  # fmt: skip
        return self.render(request, "portal/operations/commission.html", context)


class CommissionExportView(CommissionView):
    def get(self, request):
        date_from, date_to = _month_range(request)
        euin = request.GET.get("euin", "").strip().upper()[:20]
        rows = [["month", "amc", "scheme", "euin", "transactions", "amount", "brokerage"]] + [
            [f"{r.month:%Y-%m}", r.amc, r.scheme, r.euin, r.transactions, r.amount, r.brokerage]
            for r in recon.commission_by_month(date_from=date_from, date_to=date_to, euin=euin)
        ]
        stamp = timezone.localdate().isoformat()
        return csv_response(rows, filename=f"commission-{request.tenant.schema_name}-{stamp}.csv")


class ExchangeSettingsView(PortalView):
    """The owner sets the distributor's exchange identity; passwords are never shown, only replaced."""

    nav = "exchange"
    capability = Capability.SETTINGS_MANAGE
    template_name = "portal/operations/exchange.html"

    def _owner_only(self, request):
        if request.staff.role != StaffRole.OWNER:
            return render(request, "portal/forbidden.html", {"capability": "owner"}, status=403)
        return None

    def _context(self, **extra):
        return {"identities": exchange_identity_summaries(), "operations": PRIMARY_OPERATIONS,
                "gateways": Gateway.choices, **extra}  # fmt: skip

    def get(self, request):
        return self._owner_only(request) or self.render(request, self.template_name, self._context())

    def post(self, request):
        refused = self._owner_only(request)
        if refused:
            return refused
        gateway = request.POST.get("gateway", "")
        if request.POST.get("action") == "test":
            result = exchange_connection_test(gateway=gateway, actor=request.user)
            (messages.success if result.ok else messages.error)(request, f"{gateway}: {result.message}")
            return redirect(reverse("portal:exchange"))
        try:
            exchange_identity_set(
                gateway=gateway, account_id=request.POST.get("account_id", ""),
                login_id=request.POST.get("login_id", ""), password=request.POST.get("password", ""),
                primary_for=tuple(request.POST.getlist("primary_for")) or None, actor=request.user,
            )  # fmt: skip
        except ApplicationError as exc:
            return self.render(request, self.template_name, self._context(error=exc.message, error_gateway=gateway),
                               status=400)  # fmt: skip
        messages.success(request, "Saved. The password is stored encrypted and will not be shown again.")
        return redirect(reverse("portal:exchange"))
