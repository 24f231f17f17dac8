"""The platform admin's "Feature flags" page of a distributor: each feature's state and where it comes
from (the plan, or an override), with buttons to switch it on or off for this distributor or to return it
to the plan's default. The flags live in the distributor's own schema (django-waffle)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods
from django_tenants.utils import tenant_context

from tenants.flags import FeatureStateError, feature_set, feature_states


class FeatureFlagsAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.feature_flags_view))
        return [path("<int:pk>/features/", view, name="tenants_distributor_features"), *super().get_urls()]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "feature_flags_link"]

    @admin.display(description="Feature flags")
    def feature_flags_link(self, obj):
        url = reverse("admin:tenants_distributor_features", args=[obj.pk])
        return format_html('<a href="{}">Feature flags</a>', url)

    def feature_flags_view(self, request, pk):
        distributor = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            if not self.has_change_permission(request, distributor):
                raise PermissionDenied
            name, state = request.POST.get("feature", ""), request.POST.get("state", "")
            try:
                with tenant_context(distributor):
                    feature_set(distributor=distributor, name=name, state=state, actor=request.user)
            except FeatureStateError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"{distributor}: {name} is now {state}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        if not self.has_view_permission(request, distributor):
            raise PermissionDenied
        with tenant_context(distributor):
            states = feature_states(distributor=distributor)
        context = {
            **self.admin_site.each_context(request),
            "distributor": distributor,
            "states": states,
            "can_change": self.has_change_permission(request, distributor),
            "title": "Feature flags",
        }
        return TemplateResponse(request, "admin/tenants/feature_flags.html", context)
