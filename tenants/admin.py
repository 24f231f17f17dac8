from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django_tenants.utils import tenant_context

from apps.core.exceptions import ApplicationError
from tenants import services
from tenants.admin_flags import FeatureFlagsAdminMixin
from tenants.logos import BrandingError, LogoError
from tenants.models import Branding, Distributor, Domain, Plan


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class BrandingInlineForm(forms.ModelForm):
    """The brand as platform staff edit it: checked by the same rules as the portal's branding page
    (`services.branding_check`, the SVG sanitiser included) and saved by `services.branding_update`."""

    class Meta:
        model = Branding
        fields = ("display_name", "logo", "primary_color", "accent_color", "support_email", "support_phone")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        upload = data.get("logo")
        self.logo_bytes = upload.read(settings.PORTAL_LOGO_MAX_BYTES + 1) if isinstance(upload, UploadedFile) else None
        try:
            services.branding_check(
                display_name=data.get("display_name", ""),
                primary_color=data.get("primary_color", ""),
                accent_color=data.get("accent_color", ""),
                support_email=data.get("support_email", ""),
                support_phone=data.get("support_phone", ""),
                logo=self.logo_bytes,
            )
        except BrandingError as exc:
            self.add_error("logo" if isinstance(exc, LogoError) else None, exc.message)
        return data


class BrandingInline(admin.StackedInline):
    model = Branding
    form = BrandingInlineForm
    can_delete = False


@admin.register(Distributor)
class DistributorAdmin(FeatureFlagsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "schema_name", "arn", "status", "suspension_reason", "plan", "primary_domain", "created_at")
    list_filter = ("status", "plan")
    search_fields = ("name", "legal_name", "schema_name", "arn", "domains__domain")
    readonly_fields = (
        "schema_name",
        "public_id",
        "status",
        "suspended_at",
        "suspension_reason",
        "created_at",
        "updated_at",
    )
    fields = (
        "name",
        "legal_name",
        "schema_name",
        "arn",
        "contact_email",
        "contact_phone",
        "plan",
        "staff_totp_required",
        "status",
        "suspended_at",
        "suspension_reason",
        "public_id",
        "created_at",
        "updated_at",
    )
    inlines = [DomainInline, BrandingInline]
    actions = ["suspend", "activate"]

    def get_queryset(self, request):
        return super().get_queryset(request).distributors().select_related("plan").prefetch_related("domains")

    def has_add_permission(self, request):
        # Onboarding creates a schema, an owner and an OAuth client: it goes through
        # `manage.py create_distributor`, never a bare row.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Branding:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for branding_form in formset.forms:  # the brand goes through the service, never a bare save
            if not branding_form.has_changed():
                continue
            data = branding_form.cleaned_data
            formset.changed_objects.append((branding_form.instance, branding_form.changed_data))
            services.branding_update(
                distributor=form.instance,
                actor=request.user,
                display_name=data["display_name"],
                primary_color=data["primary_color"],
                accent_color=data["accent_color"],
                support_email=data["support_email"],
                support_phone=data["support_phone"],
                logo=branding_form.logo_bytes,
                remove_logo=data.get("logo") is False,
            )
        return None

    def get_urls(self):
        view = self.admin_site.admin_view(self.gateway_calls_view)
        return [path("<int:pk>/gateway-calls/", view, name="tenants_distributor_gateway_calls"), *super().get_urls()]

    @admin.display(description="Gateway audit log")
    def gateway_calls_link(self, obj):
        url = reverse("admin:tenants_distributor_gateway_calls", args=[obj.pk])
        return format_html('<a href="{}">External calls (BSE, MFU), masked</a>', url)

    def gateway_calls_view(self, request, pk):
        """Read-only: the distributor's audit rows of external calls live in its own schema."""
        from apps.orders.models import GatewayCall
        from apps.orders.selectors import gateway_call_list_recent

        if not self.has_view_permission(request):
            raise PermissionDenied
        distributor = get_object_or_404(self.get_queryset(request), pk=pk)
        outcome = request.GET.get("outcome") or None
        if outcome not in dict(GatewayCall.Outcome.choices):
            outcome = None
        with tenant_context(distributor):
            calls = gateway_call_list_recent(outcome=outcome)
        context = {
            **self.admin_site.each_context(request),
            "distributor": distributor,
            "calls": calls,
            "outcomes": GatewayCall.Outcome.choices,
            "title": "Gateway calls",
        }
        return TemplateResponse(request, "admin/tenants/gateway_calls.html", context)

    @admin.display(description="Primary domain")
    def primary_domain(self, obj):
        return next((d.domain for d in obj.domains.all() if d.is_primary), "")

    def _apply(self, request, queryset, service, verb):
        for distributor in queryset:
            try:
                service(schema_name=distributor.schema_name, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{distributor}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{distributor}: {verb}.", messages.SUCCESS)

    @admin.action(description="Suspend selected distributors")
    def suspend(self, request, queryset):
        """Asks for confirmation and a reason first (an intermediate page); the reason is stored on each
        distributor, in its audit row and shown on its admin page."""
        reason = " ".join(request.POST.get("reason", "").split())
        error = ""
        if request.POST.get("confirm") == "yes":
            if reason:
                suspend = partial(services.distributor_suspend, reason=reason)
                self._apply(request, queryset, suspend, "suspended")
                return None
            error = "Say why these distributors are suspended; the reason is kept with them."
        context = {
            **self.admin_site.each_context(request),
            "title": "Suspend distributors?",
            "distributors": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "reason": reason,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/tenants/suspend_confirm.html", context, status=400 if error else 200)

    @admin.action(description="Activate selected distributors")
    def activate(self, request, queryset):
        self._apply(request, queryset, services.distributor_activate, "activated")


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "tenant", "is_primary")
    search_fields = ("domain", "tenant__name")
    list_select_related = ("tenant",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "max_investors")
