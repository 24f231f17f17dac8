"""The investor's portfolio API (mounted under /api/v1/). One view per operation; objects are reached
through access selectors, so another investor's ids answer 404.

Offline-first clients: lists take `updated_since` (ISO 8601) and then answer the rows changed after it,
oldest change first, plus `deleted` (ids removed since) and `synced_at` (pass it as the next
updated_since). Summary, holdings and the family summary carry a weak ETag and answer If-None-Match
with 304 Not Modified."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import investor_get_for_user
from apps.core.etags import not_modified
from apps.core.fields import BoundedDateTimeField
from apps.core.pagination import CursorPagePagination
from apps.core.throttling import ScopedRateThrottle
from apps.portfolio.models import Tombstone, TransactionKind
from apps.portfolio.selectors import family as family_selectors
from apps.portfolio.selectors import holdings as selectors
from apps.portfolio.selectors.nav_freshness import nav_freshness_get
from apps.portfolio.selectors.performance import performance_series
from apps.portfolio.services.cas_import import CasImportError, cas_upload_accept
from apps.portfolio.services.family import (
    family_request_accept,
    family_request_create,
    family_request_decline,
    family_unlink,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
UNITS = {"max_digits": 20, "decimal_places": 4}
NAV = {"max_digits": 20, "decimal_places": 8}


# ------------------------------------------------------------------------------------- helpers


def _investor(request):
    return investor_get_for_user(user=request.user)


def _with_etag(request, key: str, build) -> Response:
    """304 when the client has this version, else the built response with its ETag. Private data:
    caches may keep it but must revalidate."""
    etag = f'W/"{key}"'
    response = Response(status=status.HTTP_304_NOT_MODIFIED) if not_modified(request, etag) else build()
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    return response


class SyncCursorPagination(CursorPagePagination):
    """Cursor pages; ordered by change time when the client syncs with updated_since."""

    page_size = 50
    ordering = "-created_at"
    sync_ordering = ("updated_at", "id")

    def get_ordering(self, request, queryset, view):
        if getattr(view, "syncing", False):
            return self.sync_ordering
        return getattr(view, "ordering", self.ordering)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        extra = getattr(self, "sync_extra", None)
        if extra is not None:
            response.data.update(extra)
        return response


class _FilterSerializer(serializers.Serializer):
    updated_since = BoundedDateTimeField(required=False)


def _sync_page(name: str, item) -> serializers.Serializer:
    """OpenAPI shape of a delta-sync cursor page."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "deleted": serializers.ListField(
                child=serializers.UUIDField(), required=False, help_text="with updated_since, first page only"
            ),
            "synced_at": serializers.DateTimeField(required=False, help_text="the next updated_since"),
        },
    )


NOT_MODIFIED = {304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)")}


class _SyncListApi(APIView):
    """List view with delta sync. Subclasses give `tombstone_entity`, `ordering`, `rows(...)`."""

    pagination_class = SyncCursorPagination
    tombstone_entity = ""
    ordering: tuple = ("-created_at",)
    syncing = False

    class FilterSerializer(_FilterSerializer):
        pass

    def rows(self, investor, filters: dict):
        raise NotImplementedError

    def output(self, rows):
        raise NotImplementedError

    def list_response(self, request, investor, filters: dict) -> Response:
        synced_at = timezone.now()
        since = filters.get("updated_since")
        self.syncing = since is not None
        paginator = self.pagination_class()
        if since is not None:
            paginator.sync_extra = {"synced_at": synced_at.isoformat()}
            if "cursor" not in request.query_params:
                paginator.sync_extra["deleted"] = selectors.deleted_ids_since(
                    investor=investor, entity=self.tombstone_entity, since=since
                )
        page = paginator.paginate_queryset(self.rows(investor, filters), request, view=self)
        return paginator.get_paginated_response(self.output(page))

    def get(self, request):
        investor = _investor(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return self.list_response(request, investor, filters.validated_data)


# ------------------------------------------------------------------------------------- output shapes


@extend_schema_serializer(component_name="PortfolioSchemeRef")
class SchemeRefSerializer(serializers.Serializer):
    amfi_code = serializers.CharField()
    isin = serializers.CharField(source="isin_growth")
    name = serializers.CharField()
    category = serializers.CharField()
    asset_class = serializers.CharField()
    plan = serializers.CharField()
    option = serializers.CharField()
    amc = serializers.CharField(source="amc.name", default="")
    lock_in_days = serializers.IntegerField()


class FolioRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    folio_number = serializers.CharField()
    amc = serializers.CharField(source="amc_name")
    registrar = serializers.CharField()


class HoldingOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    folio = FolioRefSerializer()
    scheme = SchemeRefSerializer(allow_null=True)
    name = serializers.CharField(source="source_name")
    mapped_by = serializers.CharField()
    needs_review = serializers.BooleanField()
    units = serializers.DecimalField(**UNITS)
    invested = serializers.DecimalField(**MONEY)
    value = serializers.DecimalField(**MONEY)
    nav = serializers.DecimalField(**NAV, allow_null=True)
    nav_date = serializers.DateField(allow_null=True)
    previous_nav = serializers.DecimalField(**NAV, allow_null=True)
    day_change = serializers.DecimalField(**MONEY)
    unrealised_gain = serializers.DecimalField(**MONEY)
    realised_gain = serializers.DecimalField(**MONEY)
    dividends = serializers.DecimalField(**MONEY)
    absolute_return = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    xirr = serializers.DecimalField(max_digits=14, decimal_places=8, allow_null=True)
    cost_incomplete = serializers.BooleanField()
    first_trade_date = serializers.DateField(allow_null=True)
    valued_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class StaleHoldingOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    nav_date = serializers.DateField()


class NavFreshnessOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True, help_text="the oldest NAV date among the open holdings")
    latest = serializers.DateField(allow_null=True, help_text="the newest NAV date among the open holdings")
    mixed = serializers.BooleanField(help_text="holdings are valued at NAVs of different dates")
    expected = serializers.DateField(help_text="the last business day (market calendar, IST)")
    stale = serializers.BooleanField(help_text="some holding's NAV is older than the last business day")
    stale_holdings = StaleHoldingOutputSerializer(many=True)


class SummaryOutputSerializer(serializers.Serializer):
    value = serializers.DecimalField(**MONEY)
    invested = serializers.DecimalField(**MONEY)
    unrealised_gain = serializers.DecimalField(**MONEY)
    realised_gain = serializers.DecimalField(**MONEY)
    dividends = serializers.DecimalField(**MONEY)
    total_gain = serializers.DecimalField(**MONEY)
    absolute_return = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    day_change = serializers.DecimalField(**MONEY)
    day_change_percent = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    xirr = serializers.DecimalField(max_digits=14, decimal_places=8, allow_null=True)
    nav_date = serializers.DateField(allow_null=True)
    holdings_count = serializers.IntegerField()
    folios_count = serializers.IntegerField()
    needs_review_count = serializers.IntegerField()
    valued_at = serializers.DateTimeField(allow_null=True)
    nav_freshness = serializers.SerializerMethodField(
        help_text="The NAV date the value rests on (the oldest among the holdings) and the holdings whose NAV is "
        "older than the last business day. Null inside the family summary's members."
    )

    @extend_schema_field(NavFreshnessOutputSerializer(allow_null=True))
    def get_nav_freshness(self, summary) -> dict | None:
        freshness = self.context.get("nav_freshness")
        return NavFreshnessOutputSerializer(freshness).data if freshness is not None else None


# ------------------------------------------------------------------------------------- summary, holdings


class PortfolioSummaryApi(APIView):
    @extend_schema(tags=["portfolio"], responses={200: SummaryOutputSerializer, **NOT_MODIFIED})
    def get(self, request):
        investor = _investor(request)
        summary = selectors.portfolio_summary_get(investor=investor)
        freshness = nav_freshness_get(investor=investor)
        # staleness moves with the calendar even when the valuation does not: the business day is in the tag
        return _with_etag(
            request,
            f"s-{investor.public_id.hex[:12]}-{summary.version}-{freshness.expected:%Y%m%d}",
            lambda: Response(SummaryOutputSerializer(summary, context={"nav_freshness": freshness}).data),
        )


class HoldingListApi(_SyncListApi):
    tombstone_entity = Tombstone.Entity.HOLDING
    ordering = ("-value", "id")

    class FilterSerializer(_FilterSerializer):
        include_closed = serializers.BooleanField(required=False, default=False)

    def rows(self, investor, filters):
        return selectors.holding_list(
            investor=investor, updated_since=filters.get("updated_since"), include_closed=filters["include_closed"]
        )

    def output(self, rows):
        return HoldingOutputSerializer(rows, many=True).data

    @extend_schema(
        tags=["portfolio"],
        operation_id="portfolio_holdings_list",
        parameters=[FilterSerializer],
        responses={200: _sync_page("HoldingPage", HoldingOutputSerializer), **NOT_MODIFIED},
    )
    def get(self, request):
        investor = _investor(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        version = selectors.valuation_version(investor=investor)
        query = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:12]
        return _with_etag(
            request,
            f"h-{investor.public_id.hex[:12]}-{version}-{query}",
            lambda: self.list_response(request, investor, filters.validated_data),
        )


class HoldingDetailApi(APIView):
    @extend_schema_serializer(component_name="HoldingLot")
    class LotSerializer(serializers.Serializer):
        acquired_on = serializers.DateField()
        units = serializers.DecimalField(**UNITS)
        units_remaining = serializers.DecimalField(**UNITS)
        cost = serializers.DecimalField(**MONEY)
        cost_known = serializers.BooleanField()

    @extend_schema(
        tags=["portfolio"],
        responses=inline_serializer(
            name="HoldingDetail", fields={"holding": HoldingOutputSerializer(), "lots": LotSerializer(many=True)}
        ),
        description="The holding's fields, plus `lots`: the FIFO lots still held.",
    )
    def get(self, request, holding_id):
        holding = selectors.access_holding_by_id(investor=_investor(request), public_id=holding_id)
        data = HoldingOutputSerializer(holding).data
        data["lots"] = self.LotSerializer(holding.lots.filter(units_remaining__gt=0), many=True).data
        return Response(data)


class SchemePositionListApi(APIView):
    """Holdings folded by scheme across folios."""

    @extend_schema_serializer(component_name="SchemePosition")
    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        amfi_code = serializers.CharField()
        isin = serializers.CharField()
        category = serializers.CharField()
        asset_class = serializers.CharField()
        amc = serializers.CharField()
        folios = serializers.IntegerField()
        units = serializers.DecimalField(**UNITS)
        invested = serializers.DecimalField(**MONEY)
        value = serializers.DecimalField(**MONEY)
        unrealised_gain = serializers.DecimalField(**MONEY)
        realised_gain = serializers.DecimalField(**MONEY)
        day_change = serializers.DecimalField(**MONEY)
        nav = serializers.DecimalField(**NAV, allow_null=True)
        nav_date = serializers.DateField(allow_null=True)
        holding_ids = serializers.ListField(child=serializers.UUIDField())

    @extend_schema(
        tags=["portfolio"], responses=inline_serializer("SchemePositionList", {"results": OutputSerializer(many=True)})
    )
    def get(self, request):
        positions = selectors.scheme_positions(investor=_investor(request))
        return Response({"results": self.OutputSerializer(positions, many=True).data})


# ------------------------------------------------------------------------------------- transactions


class TransactionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    holding_id = serializers.UUIDField(source="holding.public_id")
    folio_number = serializers.CharField(source="folio.folio_number")
    scheme_name = serializers.CharField(source="holding.source_name")
    amfi_code = serializers.CharField(source="scheme.amfi_code", default=None)
    kind = serializers.CharField()
    trade_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    units = serializers.DecimalField(**UNITS)
    nav = serializers.DecimalField(**NAV, allow_null=True)
    balance = serializers.DecimalField(**UNITS, allow_null=True)
    description = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TransactionListApi(_SyncListApi):
    tombstone_entity = Tombstone.Entity.TRANSACTION
    ordering = ("-trade_date", "-id")

    class FilterSerializer(_FilterSerializer):
        holding = serializers.UUIDField(required=False)
        folio = serializers.CharField(required=False, max_length=40)
        amfi_code = serializers.CharField(required=False, max_length=12)
        kind = serializers.MultipleChoiceField(choices=TransactionKind.choices, required=False)
        source = serializers.ChoiceField(choices=["cas", "order", "rta"], required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)

        def to_internal_value(self, data):
            # ?kind=sip&kind=purchase or ?kind=sip,purchase
            if hasattr(data, "getlist") and "kind" in data:
                data = data.copy()
                kinds = [k for value in data.getlist("kind") for k in value.split(",") if k]
                data.setlist("kind", kinds)
            return super().to_internal_value(data)

    def rows(self, investor, filters):
        return selectors.transaction_list(
            investor=investor,
            updated_since=filters.get("updated_since"),
            holding_id=filters.get("holding"),
            folio_number=filters.get("folio"),
            amfi_code=filters.get("amfi_code"),
            kinds=sorted(filters.get("kind") or []),
            source=filters.get("source"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )

    def output(self, rows):
        return TransactionOutputSerializer(rows, many=True).data

    @extend_schema(
        tags=["portfolio"],
        operation_id="portfolio_transactions_list",
        parameters=[FilterSerializer],
        responses=_sync_page("TransactionPage", TransactionOutputSerializer),
    )
    def get(self, request):
        return super().get(request)


class TransactionDetailApi(APIView):
    @extend_schema(tags=["portfolio"], responses=TransactionOutputSerializer)
    def get(self, request, transaction_id):
        line = selectors.access_transaction_by_id(investor=_investor(request), public_id=transaction_id)
        return Response(TransactionOutputSerializer(line).data)


# ------------------------------------------------------------------------------------- analytics


class PerformanceApi(APIView):
    class InputSerializer(serializers.Serializer):
        start = serializers.DateField(required=False)
        end = serializers.DateField(required=False)
        interval = serializers.ChoiceField(
            choices=["daily", "weekly"], required=False, help_text="daily up to a year, weekly beyond when not given"
        )

    @extend_schema_serializer(component_name="PerformancePoint")
    class PointSerializer(serializers.Serializer):
        date = serializers.DateField(source="day")
        value = serializers.DecimalField(**MONEY)
        invested = serializers.DecimalField(**MONEY)
        gain = serializers.DecimalField(**MONEY)

    @extend_schema(
        tags=["portfolio"],
        parameters=[InputSerializer],
        responses=inline_serializer(
            "PerformanceSeries",
            {
                "start": serializers.DateField(),
                "end": serializers.DateField(),
                "interval": serializers.CharField(),
                "points": PointSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        investor = _investor(request)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        end = params.validated_data.get("end") or timezone.localdate()
        start = params.validated_data.get("start") or end.replace(year=end.year - 1)
        points = performance_series(
            investor_ids=[investor.pk], start=start, end=end, interval=params.validated_data.get("interval", "")
        )
        interval = params.validated_data.get("interval") or ("daily" if (end - start).days <= 366 else "weekly")
        return Response(
            {"start": start, "end": end, "interval": interval, "points": self.PointSerializer(points, many=True).data}
        )


class AllocationApi(APIView):
    class InputSerializer(serializers.Serializer):
        by = serializers.ChoiceField(choices=["asset_class", "category", "amc"], required=False)

    @extend_schema(
        tags=["portfolio"],
        parameters=[InputSerializer],
        responses=OpenApiTypes.OBJECT,
        description="{asset_class|category|amc: [{key, label, value, percent}]} of the current value.",
    )
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        allocation = selectors.allocation_get(investor=_investor(request))
        by = params.validated_data.get("by")
        return Response({by: allocation.get(by, [])} if by else allocation)


# ------------------------------------------------------------------------------------- family


class FamilyLinkOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    role = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    relationship = serializers.CharField()
    status = serializers.CharField()
    consented_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_role(self, link) -> str:
        return "owner" if link.owner_id == self.context["investor"].pk else "member"

    def get_name(self, link) -> str:
        if link.owner_id == self.context["investor"].pk:
            # the owner learns who the member is only once the member has accepted
            return link.member.full_name if link.status == link.Status.ACTIVE else ""
        return link.owner.full_name


class FamilyLinkListApi(APIView):
    @extend_schema(
        tags=["family"],
        responses=inline_serializer("FamilyLinkList", {"results": FamilyLinkOutputSerializer(many=True)}),
    )
    def get(self, request):
        investor = _investor(request)
        links = family_selectors.family_link_list(investor=investor)
        return Response({"results": FamilyLinkOutputSerializer(links, many=True, context={"investor": investor}).data})


class FamilyRequestCreateApi(APIView):
    """Asks an investor of this distributor to share their portfolio. The answer is the same whether or
    not anyone has these details (or is already linked, or already asked): the member answers in their
    own account, and only an accepted request shows the member in the family list and summary."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "family_invite"

    @extend_schema_serializer(component_name="FamilyInvite")
    class InputSerializer(serializers.Serializer):
        pan = serializers.RegexField(r"^[A-Za-z]{5}[0-9]{4}[A-Za-z]$", required=False)
        email = serializers.EmailField(required=False)
        mobile = serializers.CharField(required=False, max_length=15)
        relationship = serializers.CharField(required=False, max_length=40, default="")

    @extend_schema_serializer(component_name="FamilyRequestSent")
    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField()
        message = serializers.CharField()

    SENT = {
        "status": "sent",
        "message": "If an investor with these details is registered here, they will see your request in their "
        "account. They appear in your family once they accept.",
    }

    @extend_schema(tags=["family"], request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request):
        investor = _investor(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        family_request_create(owner=investor, actor=request.user, **data.validated_data)
        return Response(self.OutputSerializer(self.SENT).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_serializer(component_name="FamilyRequest")
class FamilyRequestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    from_name = serializers.CharField(source="owner.full_name", help_text="who asks to see your portfolio")
    relationship = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class FamilyRequestListApi(APIView):
    @extend_schema(
        tags=["family"],
        responses=inline_serializer("FamilyRequestList", {"results": FamilyRequestOutputSerializer(many=True)}),
        description="Requests waiting for the signed-in investor's answer.",
    )
    def get(self, request):
        requests = family_selectors.family_request_list(member=_investor(request))
        return Response({"results": FamilyRequestOutputSerializer(requests, many=True).data})


class FamilyRequestAcceptApi(APIView):
    @extend_schema(
        tags=["family"],
        request=None,
        responses=FamilyLinkOutputSerializer,
        description="The member (only) accepts: the owner sees their portfolio from now on.",
    )
    def post(self, request, request_id):
        investor = _investor(request)
        link = family_selectors.access_family_request_by_id(member=investor, public_id=request_id)
        link = family_request_accept(member=investor, link=link, actor=request.user)
        return Response(FamilyLinkOutputSerializer(link, context={"investor": investor}).data)


class FamilyRequestDeclineApi(APIView):
    @extend_schema(tags=["family"], request=None, responses={204: None}, description="The member (only) declines.")
    def post(self, request, request_id):
        investor = _investor(request)
        link = family_selectors.access_family_request_by_id(member=investor, public_id=request_id)
        family_request_decline(member=investor, link=link, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FamilyUnlinkApi(APIView):
    @extend_schema(tags=["family"], responses={204: None})
    def delete(self, request, link_id):
        investor = _investor(request)
        link = family_selectors.access_family_link_by_id(investor=investor, public_id=link_id)
        family_unlink(investor=investor, link=link, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_serializer(component_name="FamilyMember")
class FamilyMemberSerializer(serializers.Serializer):
    investor_id = serializers.CharField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    is_self = serializers.BooleanField()
    summary = SummaryOutputSerializer()


class FamilySummaryApi(APIView):
    @extend_schema_serializer(component_name="FamilySummary")
    class OutputSerializer(serializers.Serializer):
        value = serializers.DecimalField(**MONEY)
        invested = serializers.DecimalField(**MONEY)
        unrealised_gain = serializers.DecimalField(**MONEY)
        realised_gain = serializers.DecimalField(**MONEY)
        dividends = serializers.DecimalField(**MONEY)
        day_change = serializers.DecimalField(**MONEY)
        xirr = serializers.DecimalField(max_digits=14, decimal_places=8, allow_null=True)
        allocation = serializers.DictField()
        members = FamilyMemberSerializer(many=True)

    @extend_schema(tags=["family"], responses={200: OutputSerializer, **NOT_MODIFIED})
    def get(self, request):
        investor = _investor(request)
        summary = family_selectors.family_summary_get(owner=investor)

        return _with_etag(request, f"f-{summary.etag}", lambda: Response(self.OutputSerializer(summary).data))


# ------------------------------------------------------------------------------------- CAS imports


class CasImportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    stage = serializers.CharField()
    percent = serializers.IntegerField()
    error = serializers.SerializerMethodField()
    original_name = serializers.CharField()
    file_size = serializers.IntegerField()
    page_count = serializers.IntegerField(allow_null=True)
    statement_type = serializers.CharField()
    registrar = serializers.CharField()
    period_from = serializers.DateField(allow_null=True)
    period_to = serializers.DateField(allow_null=True)
    transactions_found = serializers.IntegerField()
    transactions_created = serializers.IntegerField()
    transactions_duplicate = serializers.IntegerField()
    schemes_found = serializers.IntegerField()
    schemes_unmapped = serializers.IntegerField()
    mismatches = serializers.ListField()
    warnings = serializers.ListField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_error(self, cas_import) -> dict | None:
        if not cas_import.error_code:
            return None
        return {"code": cas_import.error_code, "message": cas_import.error_message}


class CasImportCreateApi(_SyncListApi):
    """POST a CAS (multipart: file, password); GET the investor's imports."""

    parser_classes = [MultiPartParser, FormParser]
    tombstone_entity = Tombstone.Entity.IMPORT
    ordering = ("-created_at", "-id")

    throttle_scope = "cas_upload"

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ScopedRateThrottle()] if self.request.method == "POST" else throttles

    @extend_schema_serializer(component_name="CasUpload")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)
        password = serializers.CharField(
            max_length=64, required=False, allow_blank=True, default="", trim_whitespace=False
        )

    def rows(self, investor, filters):
        return selectors.cas_import_list(investor=investor, updated_since=filters.get("updated_since"))

    def output(self, rows):
        return CasImportOutputSerializer(rows, many=True).data

    @extend_schema(
        tags=["imports"],
        operation_id="imports_list",
        parameters=[_FilterSerializer],
        responses=_sync_page("CasImportPage", CasImportOutputSerializer),
    )
    def get(self, request):
        return super().get(request)

    @extend_schema(
        tags=["imports"],
        request={"multipart/form-data": InputSerializer},
        responses={
            202: CasImportOutputSerializer,
            400: OpenApiResponse(description="wrong_password, corrupt_pdf, too_many_pages (extra.import: the record)"),
            413: OpenApiResponse(description="too_large"),
        },
    )
    def post(self, request):
        investor = _investor(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cas_import = cas_upload_accept(
                investor=investor,
                upload=data.validated_data["file"],
                password=data.validated_data["password"],
                uploaded_by=request.user,
            )
        except CasImportError as exc:
            # the refused upload is on record too (with its reason, without its file)
            exc.extra = {"import": CasImportOutputSerializer(exc.cas_import).data if exc.cas_import else None}
            raise
        return Response(CasImportOutputSerializer(cas_import).data, status=status.HTTP_202_ACCEPTED)


class CasImportDetailApi(APIView):
    @extend_schema(tags=["imports"], responses=CasImportOutputSerializer)
    def get(self, request, import_id):
        cas_import = selectors.access_cas_import_by_id(investor=_investor(request), public_id=import_id)
        return Response(CasImportOutputSerializer(cas_import).data)


__all__ = [
    "AllocationApi",
    "CasImportCreateApi",
    "CasImportDetailApi",
    "FamilyLinkListApi",
    "FamilyRequestAcceptApi",
    "FamilyRequestCreateApi",
    "FamilyRequestDeclineApi",
    "FamilyRequestListApi",
    "FamilySummaryApi",
    "FamilyUnlinkApi",
    "HoldingDetailApi",
    "HoldingListApi",
    "PerformanceApi",
    "PortfolioSummaryApi",
    "SchemePositionListApi",
    "TransactionDetailApi",
    "TransactionListApi",
]
