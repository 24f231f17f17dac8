"""CAS upload on an investor's behalf, with a progress bar that htmx refreshes until the import ends."""

import math

from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts import selectors as accounts_selectors
from apps.core.exceptions import ApplicationError
from apps.core.throttling import page_throttle_wait, throttled_message
from apps.portal import permissions
from apps.portal.views import PortalView
from apps.portfolio.forms import CasUploadForm
from apps.portfolio.selectors.holdings import access_cas_import_by_id
from apps.portfolio.services.cas_import import cas_upload_accept


def _investor(request, public_id):
    return accounts_selectors.access_investor_by_id(staff=request.staff, public_id=public_id)


def _import(investor, import_id):
    return access_cas_import_by_id(investor=investor, public_id=import_id)


class CasUploadView(PortalView):
    nav = "investors"
    capability = permissions.CAS_UPLOAD
    template_name = "portal/cas_upload.html"

    def get(self, request, public_id):
        investor = _investor(request, public_id)
        return self.render(request, self.template_name, {"investor": investor, "form": CasUploadForm()})

    def post(self, request, public_id):
        investor = _investor(request, public_id)
        form = CasUploadForm(request.POST, request.FILES)
        wait = page_throttle_wait(request, scope="cas_upload")
        if wait is not None:
            form.add_error(None, throttled_message(wait))
            response = self.render(request, self.template_name, {"investor": investor, "form": form}, status=429)
            response["Retry-After"] = str(math.ceil(wait))
            return response
        if not form.is_valid():
            return self.render(request, self.template_name, {"investor": investor, "form": form}, status=400)
        try:
            cas_import = cas_upload_accept(
                investor=investor,
                upload=form.cleaned_data["statement"],
                password=form.cleaned_data["password"],
                uploaded_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render(request, self.template_name, {"investor": investor, "form": form}, status=400)
        return redirect(reverse("portal:cas_import", args=[investor.public_id, cas_import.public_id]))


class CasImportView(PortalView):
    """The import's page: the progress partial, refreshed by htmx while the import runs."""

    nav = "investors"
    capability = permissions.VIEW

    def get(self, request, public_id, import_id):
        investor = _investor(request, public_id)
        cas_import = _import(investor, import_id)
        template = "portal/_import_progress.html" if request.headers.get("HX-Request") else "portal/cas_import.html"
        context = {
            "investor": investor,
            "import": cas_import,
            "progress_url": request.path,
            "retry_url": reverse("portal:cas_upload", args=[investor.public_id]),
            "holdings_url": reverse("portal:investor", args=[investor.public_id]) + "#holdings",
        }
        return self.render(request, template, context)
