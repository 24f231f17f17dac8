from django.contrib import admin, messages

from apps.core.exceptions import ApplicationError
from tenants import services
from tenants.models import Branding, Distributor, Domain, Plan


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class BrandingInline(admin.StackedInline):
    model = Branding
    can_delete = False


@admin.register(Distributor)
class DistributorAdmin(admin.ModelAdmin):
    list_display = ("name", "schema_name", "arn", "status", "plan", "primary_domain", "created_at")
    list_filter = ("status", "plan")
    search_fields = ("name", "legal_name", "schema_name", "arn", "domains__domain")
    readonly_fields = ("schema_name", "public_id", "status", "created_at", "updated_at")
    fields = (
        "name",
        "legal_name",
        "schema_name",
        "arn",
        "contact_email",
        "contact_phone",
        "plan",
        "status",
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
        self._apply(request, queryset, services.distributor_suspend, "suspended")

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
