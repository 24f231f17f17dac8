"""The investor's tax reports and statements (mounted under /api/v1/). Figures come from
apps.reports.selectors; statements are made by apps.reports.services and fetched through access
selectors, so another investor's ids answer 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import investor_get_for_user
from apps.core.exceptions import ApplicationError
from apps.core.openapi_responses import page_of, page_parameters
from apps.core.pagination import PagePagination
from apps.core.throttling import ScopedRateThrottle
from apps.reports import selectors
from apps.reports.capital_gains import CapitalGainsError, financial_year_parse
from apps.reports.models import StatementKind, StatementStatus
from apps.reports.schedule_112a import schedule_112a_csv
from apps.reports.services import statement_download_token, statement_for_download, statement_request

MONEY = {"max_digits": 18, "decimal_places": 2}
UNITS = {"max_digits": 20, "decimal_places": 4}
RATE = {"max_digits": 5, "decimal_places": 2, "allow_null": True}


def _investor(request):
    return investor_get_for_user(user=request.user)


def _financial_year(request) -> str:
    label = request.query_params.get("fy", "")
    if not label:
        return selectors.financial_year_label(selectors.financial_year_start(selectors.today_ist()))
    try:
        financial_year_parse(label)
    except CapitalGainsError as exc:
        raise ApplicationError(str(exc), code="invalid_financial_year", extra={"fy": label}) from exc
    return label


class TaxSchemeSerializer(serializers.Serializer):
    isin = serializers.CharField()
    name = serializers.CharField(source="scheme_name")


class LotGainOutputSerializer(serializers.Serializer):
    scheme = TaxSchemeSerializer(source="*")
    folio = serializers.CharField()
    buy_date = serializers.DateField()
    sell_date = serializers.DateField()
    sale_kind = serializers.CharField(help_text="redemption, switch_out (switches, STP and SWP legs are sales)")
    units = serializers.DecimalField(**UNITS)
    purchase_value = serializers.DecimalField(**MONEY, allow_null=True, help_text="stamp duty included")
    fmv_31jan2018 = serializers.DecimalField(**MONEY, allow_null=True, help_text="where grandfathering used it")
    fmv_nav_31jan2018 = serializers.DecimalField(max_digits=20, decimal_places=8, allow_null=True)
    indexed_cost = serializers.DecimalField(**MONEY, allow_null=True)
    cost_used = serializers.DecimalField(**MONEY, allow_null=True)
    sale_value = serializers.DecimalField(**MONEY)
    gain = serializers.DecimalField(**MONEY, allow_null=True)
    term = serializers.CharField(help_text="short or long")
    section = serializers.CharField(help_text="111A, 112A, 112, 50AA, slab (or 10(38) before 1-Apr-2018)")
    rate = serializers.DecimalField(**RATE, help_text="percent; null where the slab rate applies")
    tax_class_at_purchase = serializers.CharField()
    tax_class_at_sale = serializers.CharField()
    stt = serializers.DecimalField(**MONEY, help_text="shown, not deducted")
    grandfathered = serializers.BooleanField()
    fmv_missing = serializers.BooleanField(help_text="no 31-Jan-2018 NAV is known: actual cost used, review")
    cost_known = serializers.BooleanField()


class SectionSummarySerializer(serializers.Serializer):
    section = serializers.CharField()
    term = serializers.CharField()
    rate = serializers.DecimalField(**RATE)
    lots = serializers.IntegerField()
    sale_value = serializers.DecimalField(**MONEY)
    cost = serializers.DecimalField(**MONEY)
    gains = serializers.DecimalField(**MONEY)
    losses = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)
    exemption = serializers.DecimalField(**MONEY)
    taxable = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY, allow_null=True, help_text="null at slab rate")


class YearSummarySerializer(serializers.Serializer):
    financial_year = serializers.CharField()
    rows = SectionSummarySerializer(many=True)
    exemption_112a_limit = serializers.DecimalField(**MONEY)
    exemption_112a_used = serializers.DecimalField(**MONEY)
    tax_estimated = serializers.DecimalField(**MONEY, help_text="at the fixed rates, before cess and surcharge")
    slab_gains = serializers.DecimalField(**MONEY, help_text="added to income, taxed at the slab rate")
    lots_without_cost = serializers.IntegerField()
    lots_missing_fmv = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


class IncomeLineSerializer(serializers.Serializer):
    date = serializers.DateField()
    scheme = TaxSchemeSerializer(source="*")
    folio = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class CapitalGainsOutputSerializer(serializers.Serializer):
    financial_year = serializers.CharField()
    lots = LotGainOutputSerializer(many=True)
    summary = YearSummarySerializer()
    idcw = IncomeLineSerializer(many=True, help_text="IDCW payouts: income at slab rate, not capital gains")
    idcw_total = serializers.DecimalField(**MONEY)
    tds_total = serializers.DecimalField(**MONEY)


class UnrealisedOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    financial_year = serializers.CharField()
    value = serializers.DecimalField(**MONEY)
    cost = serializers.DecimalField(**MONEY)
    short_term_gain = serializers.DecimalField(**MONEY)
    long_term_gain = serializers.DecimalField(**MONEY)
    by_section = serializers.DictField(child=serializers.DecimalField(**MONEY))
    ltcg_112a_realised = serializers.DecimalField(**MONEY, help_text="this financial year, net")
    exemption_112a_limit = serializers.DecimalField(**MONEY)
    exemption_112a_left = serializers.DecimalField(**MONEY)
    ltcg_tax_free_available = serializers.DecimalField(
        **MONEY, help_text="equity LTCG that could still be realised this year within the exemption"
    )
    lots_without_cost = serializers.IntegerField()
    lots_without_nav = serializers.IntegerField()
    lots = LotGainOutputSerializer(many=True)


class FinancialYearFilterSerializer(serializers.Serializer):
    fy = serializers.CharField(required=False, help_text="financial year, e.g. 2024-25 (default: the current one)")


class CapitalGainsApi(APIView):
    @extend_schema(tags=["tax"], parameters=[FinancialYearFilterSerializer], responses=CapitalGainsOutputSerializer)
    def get(self, request):
        report = selectors.capital_gains_get(investor=_investor(request), financial_year=_financial_year(request))
        return Response(CapitalGainsOutputSerializer(report).data, headers={"Cache-Control": "private, no-store"})


class UnrealisedGainsApi(APIView):
    @extend_schema(tags=["tax"], responses=UnrealisedOutputSerializer)
    def get(self, request):
        report = selectors.unrealised_get(investor=_investor(request))
        return Response(UnrealisedOutputSerializer(report).data, headers={"Cache-Control": "private, no-store"})


class Schedule112ACsvApi(APIView):
    @extend_schema(
        tags=["tax"],
        parameters=[FinancialYearFilterSerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Schedule 112A, ITR utility CSV")},
    )
    def get(self, request):
        label = _financial_year(request)
        report = selectors.capital_gains_get(investor=_investor(request), financial_year=label)
        response = HttpResponse(
            schedule_112a_csv(gains=report.lots, fy_start=financial_year_parse(label)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="schedule-112a-{label}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response


# ------------------------------------------------------------------------------------ statements


class StatementOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    period_from = serializers.DateField(allow_null=True)
    period_to = serializers.DateField(allow_null=True)
    financial_year = serializers.CharField()
    status = serializers.CharField(help_text="queued, running, done, failed")
    percent = serializers.IntegerField()
    error_message = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    file_size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text="signed link, valid for a few minutes; present once the statement is done"
    )

    def get_download_url(self, statement) -> str | None:
        if statement.status != StatementStatus.DONE:
            return None
        token = statement_download_token(statement=statement)
        path = reverse("v1:statement-download", kwargs={"statement_id": statement.public_id})
        return self.context["request"].build_absolute_uri(f"{path}?{urlencode({'token': token})}")


class StatementListCreateApi(APIView):
    """The investor's statements, newest first (paged), and asking for a new one (throttled: each is a PDF
    to render)."""

    throttle_scope = "statements"

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ScopedRateThrottle()] if self.request.method == "POST" else throttles

    @extend_schema_serializer(component_name="StatementRequest")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=StatementKind.choices)
        period_from = serializers.DateField(required=False, help_text="transactions: first day")
        period_to = serializers.DateField(required=False, help_text="transactions: last day")
        financial_year = serializers.CharField(required=False, default="", help_text="capital gains: e.g. 2024-25")

    @extend_schema(
        tags=["statements"],
        operation_id="statements_list",
        parameters=page_parameters(),
        responses=page_of(StatementOutputSerializer, name="StatementPage"),
    )
    def get(self, request):
        paginator = PagePagination()
        page = paginator.paginate_queryset(selectors.statement_list(investor=_investor(request)), request, view=self)
        data = StatementOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(tags=["statements"], request=InputSerializer, responses={202: StatementOutputSerializer})
    def post(self, request):
        investor = _investor(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = statement_request(investor=investor, requested_by=request.user, **data.validated_data)
        return Response(
            StatementOutputSerializer(statement, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class StatementDetailApi(APIView):
    @extend_schema(tags=["statements"], responses=StatementOutputSerializer)
    def get(self, request, statement_id):
        statement = selectors.access_statement_by_id(investor=_investor(request), public_id=statement_id)
        return Response(
            StatementOutputSerializer(statement, context={"request": request}).data,
            headers={"Cache-Control": "private, no-store"},
        )


class StatementDownloadApi(APIView):
    """The PDF, for whoever holds an unexpired signed link (a browser or the app's viewer, without a token)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["statements"],
        auth=[],
        parameters=[OpenApiParameter("token", str, required=True, description="from download_url")],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: OpenApiResponse()},
    )
    def get(self, request, statement_id):
        statement, path = statement_for_download(token=request.query_params.get("token", ""), statement_id=statement_id)
        response = FileResponse(path.open("rb"), content_type="application/pdf", filename=statement.file_name)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
