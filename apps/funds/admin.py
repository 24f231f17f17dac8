"""Platform admin (public host) for fund reference data and import runs."""

import json

from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html

from apps.funds.cache import catalog_version_bump
from apps.funds.models import Amc, ImportRun, Scheme, SchemeCode, TradingHoliday


class CatalogAdmin(admin.ModelAdmin):
    """Edits change what the fund API serves: its cached responses are invalidated after commit."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalog_version_bump)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(catalog_version_bump)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(catalog_version_bump)


@admin.register(Amc)
class AmcAdmin(CatalogAdmin):
    list_display = ("name", "code", "created_at")
    search_fields = ("name", "code")


class SchemeCodeInline(admin.TabularInline):
    model = SchemeCode
    extra = 0
    fields = ("source", "code")


@admin.register(Scheme)
class SchemeAdmin(CatalogAdmin):
    list_display = (
        "amfi_code",
        "name",
        "amc",
        "sub_category",
        "plan",
        "option",
        "asset_class",
        "tax_asset_class_override",
        "is_liquid",
        "latest_nav",
        "latest_nav_date",
    )
    list_filter = (
        "plan",
        "option",
        "asset_class",
        "tax_asset_class_override",
        "is_liquid",
        "is_open_ended",
        "category",
        "amc",
    )
    search_fields = ("amfi_code", "name", "isin_growth", "isin_reinvest", "codes__code")
    list_select_related = ("amc",)
    readonly_fields = ("latest_nav", "latest_nav_date", "created_at", "updated_at")
    autocomplete_fields = ("amc",)
    inlines = (SchemeCodeInline,)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("amfi_code", "name", "amc", "isin_growth", "isin_reinvest")}),
        (
            "Classification",
            {
                "fields": (
                    "category",
                    "sub_category",
                    "plan",
                    "option",
                    "asset_class",
                    "tax_asset_class_override",
                    "is_liquid",
                    "is_open_ended",
                    "lock_in_days",
                )
            },
        ),
        (
            "Minimums and allowed operations",
            {
                "fields": (
                    ("min_purchase", "min_additional", "purchase_multiple"),
                    ("min_sip", "sip_multiple", "min_redemption_units"),
                    ("purchase_allowed", "redemption_allowed", "sip_allowed", "switch_allowed"),
                )
            },
        ),
        ("NAV", {"fields": ("latest_nav", "latest_nav_date", "created_at", "updated_at")}),
    )


@admin.register(SchemeCode)
class SchemeCodeAdmin(CatalogAdmin):
    list_display = ("source", "code", "scheme")
    list_filter = ("source",)
    search_fields = ("code", "scheme__name", "scheme__amfi_code")
    raw_id_fields = ("scheme",)
    list_select_related = ("scheme",)
    show_full_result_count = False


@admin.register(TradingHoliday)
class TradingHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "description", "is_demo")
    list_filter = ("is_demo",)
    date_hierarchy = "date"
    search_fields = ("description",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the importers."""

    list_display = (
        "started_at",
        "kind",
        "status",
        "layout",
        "inserted",
        "updated",
        "unchanged",
        "skipped",
        "contradiction_count",
        "nav_date",
        "is_stale",
    )
    list_filter = ("kind", "status", "is_stale")
    search_fields = ("source", "error")
    date_hierarchy = "started_at"
    exclude = ("report",)
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "report"] + ["report_pretty"]

    @admin.display(description="contradictions")
    def contradiction_count(self, run: ImportRun) -> int:
        return len(run.report.get("contradictions", []))

    @admin.display(description="report")
    def report_pretty(self, run: ImportRun) -> str:
        return format_html("<pre>{}</pre>", json.dumps(run.report, indent=2, sort_keys=True))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
