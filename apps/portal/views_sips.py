"""SIPs in the portal: the SIP book (next due dates on the market calendar, instalments paid and missed,
due this week), a SIP's page with cancellation, and a SIP started on an investor's behalf (it waits for
the investor's OTP). Relationship managers reach only their own investors' SIPs (the access selectors)."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from apps.accounts import selectors as accounts_selectors
from apps.core.exceptions import ApplicationError
from apps.orders import selectors as orders_selectors
from apps.orders.models import SipStatus
from apps.orders.services.sips import sip_cancel, sip_start_from_form
from apps.orders.sip_forms import SipCancelForm, SipStartForm
from apps.portal import permissions
from apps.portal.forms import SipFilterForm
from apps.portal.views import PortalView, paginate
from apps.portal.views_orders import CsvExportMixin, SipListView


class SipBookView(SipListView):
    template_name = "portal/sips.html"
    export_name = "portal:sips_export"

    def filter_form(self, request) -> SipFilterForm:
        return SipFilterForm(request.GET or None, statuses=self.statuses, kinds=self.kinds, kind_label=self.kind_label)

    def queryset(self, request, filters: dict):
        due_from = due_to = None
        if filters.get("due") == SipFilterForm.DUE_THIS_WEEK:
            due_from, due_to = orders_selectors.sip_week_bounds(today=timezone.localdate())
        return orders_selectors.sip_list_for_investors(
            investors=accounts_selectors.investors_visible_to(staff=request.staff),
            status=filters.get("status", ""),
            frequency=filters.get("kind", ""),
            start_from=filters.get("date_from"),
            start_to=filters.get("date_to"),
            due_from=due_from,
            due_to=due_to,
        )

    def get(self, request):
        form = self.filter_form(request)
        page = paginate(request, self.queryset(request, form.filters()))
        page.object_list = orders_selectors.sips_with_debit_dates(page.object_list)
        can_export = accounts_selectors.staff_can(staff=request.staff, capability=permissions.EXPORT)
        export_url = f"{reverse(self.export_name)}?{request.GET.urlencode()}" if can_export else ""
        return self.render(request, self.template_name, {"form": form, "page": page, "export_url": export_url})


class SipBookExportView(CsvExportMixin, SipBookView):
    filename = "sips"

    def rows(self, items):
        return orders_selectors.sip_csv_rows(sips=items)


class SipDetailView(PortalView):
    """One SIP of the staff member's book: its instalments, and cancellation with a reason."""

    nav = "sips"
    capability = permissions.ORDERS_VIEW
    template_name = "portal/sip_detail.html"

    def _render(self, request, sip, cancel_form=None, status=200, error=""):
        context = {
            "sip": sip,
            "investor": sip.investor,
            **orders_selectors.sip_instalments_overview(sip=sip),
            "cancel_form": cancel_form or SipCancelForm(),
            "can_cancel": sip.status in (SipStatus.PENDING_OTP, SipStatus.QUEUED, SipStatus.ACTIVE)
            and accounts_selectors.staff_can(staff=request.staff, capability=permissions.ORDER_ON_BEHALF),
            "error": error,
        }
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, public_id):
        return self._render(request, orders_selectors.access_sip_for_staff(staff=request.staff, public_id=public_id))

    def post(self, request, public_id):
        sip = orders_selectors.access_sip_for_staff(staff=request.staff, public_id=public_id)
        if not accounts_selectors.staff_can(staff=request.staff, capability=permissions.ORDER_ON_BEHALF):
            return self.render(request, "portal/forbidden.html", {"capability": permissions.ORDER_ON_BEHALF}, 403)
        form = SipCancelForm(request.POST)
        if not form.is_valid():
            return self._render(request, sip, form, status=400)
        try:
            sip_cancel(sip=sip, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            return self._render(request, sip, form, status=exc.status_code, error=exc.message)
        messages.success(request, "The SIP is being stopped." if sip.status == SipStatus.ACTIVE else "SIP stopped.")
        return redirect(reverse("portal:sip", args=[sip.public_id]))


class SipStartView(PortalView):
    """A SIP on an investor's behalf into ?scheme=<AMFI code> (found with the scheme picker), debiting one
    of the investor's registered mandates; it waits for the investor's OTP on their web pages or app."""

    nav = "investors"
    capability = permissions.ORDER_ON_BEHALF
    template_name = "portal/sip_start.html"

    def _form(self, investor, scheme, data=None):
        return SipStartForm(
            data,
            options=orders_selectors.sip_options(scheme=scheme),
            today=timezone.localdate(),
            mandates=list(orders_selectors.mandate_list_usable(investor=investor)),
            initial={"request_key": uuid.uuid4(), "frequency": "MONTHLY", "day": 5, "instalments": 12},
        )

    def _investor(self, request, public_id):
        return accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)

    def _pick(self, request, investor, status=200):
        query = request.GET.get("q", "")[:100]
        picks = orders_selectors.sip_scheme_search(query=query)
        context = {"investor": investor, "picking": True, "q": query, "picks": picks}
        return self.render(request, self.template_name, context, status=status)

    def get(self, request, public_id):
        investor = self._investor(request, public_id)
        scheme = orders_selectors.sip_scheme_get(amfi_code=request.GET.get("scheme", ""))
        if scheme is None:
            return self._pick(request, investor)
        context = {"investor": investor, "scheme": scheme, "form": self._form(investor, scheme)}
        return self.render(request, self.template_name, context)

    def post(self, request, public_id):
        investor = self._investor(request, public_id)
        scheme = orders_selectors.sip_scheme_get(amfi_code=request.GET.get("scheme", ""))
        if scheme is None:
            return self._pick(request, investor, status=400)
        form = self._form(investor, scheme, request.POST)
        if form.is_valid():
            try:
                sip = sip_start_from_form(
                    member=request.staff, investor=investor, scheme=scheme, mandate=form.chosen_mandate(),
                    **form.sip_arguments(),
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"SIP {sip.client_ref} recorded. It waits for {investor.full_name}'s OTP; nothing is sent "
                    "to the exchange until they confirm it.",
                )
                return redirect(reverse("portal:sip", args=[sip.public_id]))
        context = {"investor": investor, "scheme": scheme, "form": form}
        return self.render(request, self.template_name, context, status=400)
