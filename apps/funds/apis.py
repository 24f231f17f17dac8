"""Fund API on distributors' hosts (signed-in app users): search, detail, NAV history, trailing returns.

Responses are the same for every distributor and change only when an import (or a platform admin) changes
fund data. Each is cached in Redis under the catalogue version, which every change bumps, and carries a
strong ETag (a hash of its body) and Cache-Control; a request whose If-None-Match names the current ETag
gets 304 without the body.

The list and detail also say what can be done with each fund HERE (`purchase_allowed`, `sip_allowed`,
`redemption_allowed`, `switch_allowed`, SIP frequencies and days, and why not): that depends on the
distributor's gateways (apps/funds/operations.py), so it is computed per request host, and is part of the
host's cached response; a change of the distributor's routing shows once the entry ages out
(FUNDS_API_CACHE_SECONDS)."""

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.core.etags import not_modified
from apps.core.exceptions import ApplicationError
from apps.core.openapi_responses import page_of, page_parameters
from apps.core.pagination import PagePagination
from apps.funds.cache import catalog_version, funds_cache
from apps.funds.models import Scheme
from apps.funds.operations import fund_operations
from apps.funds.selectors import (
    FundFilters,
    amc_list,
    fund_get,
    fund_list,
    fund_nav_history,
    fund_trailing_returns,
)

_NAV_QUANTUM = Decimal("0.0001")


class NavField(serializers.DecimalField):
    """A NAV as a string: four decimals, more only when the NAV has them ("139.8100", "1213044.96912")."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=20, decimal_places=8, coerce_to_string=True, **kwargs)

    def to_representation(self, value: Decimal) -> str:
        exact = value.normalize()
        return format(exact if -exact.as_tuple().exponent > 4 else value.quantize(_NAV_QUANTUM), "f")


class CachedCatalogApi(APIView):
    """GET answered from the funds cache. `build` runs only on a miss; errors it raises are not cached."""

    permission_classes = [IsAuthenticated]

    def cached(self, request, build: Callable[[], Any]) -> HttpResponse:
        query = urlencode(sorted(request.query_params.lists()), doseq=True)
        fingerprint = hashlib.sha256(f"{request.get_host()}|{request.path}|{query}".encode()).hexdigest()
        key = f"api:{catalog_version()}:{fingerprint}"
        cache = funds_cache()
        entry = cache.get(key)
        if entry is None:
            body = JSONRenderer().render(build())
            entry = (f'"{hashlib.sha256(body).hexdigest()[:40]}"', body)
            cache.set(key, entry, timeout=settings.FUNDS_API_CACHE_SECONDS)
        etag, body = entry
        if not_modified(request, etag):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = f"private, max-age={settings.FUNDS_API_MAX_AGE}"
        return response


class AmcOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FundAmc"

    code = serializers.CharField()
    name = serializers.CharField()


class FundMinimumsSerializer(serializers.Serializer):
    class Meta:
        ref_name = "FundMinimums"

    purchase = serializers.DecimalField(max_digits=14, decimal_places=2, source="min_purchase", allow_null=True)
    additional_purchase = serializers.DecimalField(
        max_digits=14, decimal_places=2, source="min_additional", allow_null=True
    )
    purchase_multiple = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    sip = serializers.DecimalField(max_digits=14, decimal_places=2, source="min_sip", allow_null=True)
    sip_multiple = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    redemption_units = serializers.DecimalField(
        max_digits=18, decimal_places=4, source="min_redemption_units", allow_null=True
    )


class FundHereSerializer(serializers.Serializer):
    """What can be done with the fund through this distributor's gateways. Mixed into list and detail."""

    purchase_allowed = serializers.BooleanField(
        source="here.purchase_allowed", help_text="Can be bought (lump sum) through this distributor."
    )
    sip_allowed = serializers.BooleanField(source="here.sip_allowed", help_text="A SIP can be registered here.")
    redemption_allowed = serializers.BooleanField(source="here.redemption_allowed", help_text="Can be redeemed here.")
    switch_allowed = serializers.BooleanField(source="here.switch_allowed", help_text="Can be switched out of here.")
    sip_frequencies = serializers.ListField(
        child=serializers.CharField(), source="here.sip_frequencies", help_text="e.g. MONTHLY, QUARTERLY, WEEKLY"
    )
    sip_dates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=31),
        source="here.sip_days",
        help_text="Days of the month a SIP instalment may fall on.",
    )
    not_allowed_reasons = serializers.DictField(
        child=serializers.CharField(),
        source="here.refusals",
        help_text="operation (purchase, sip, redemption, switch) -> why it cannot be done here",
    )
    minimums = FundMinimumsSerializer(source="*")


def _with_operations(schemes) -> list[Scheme]:
    """The schemes, each with `here`: what can be done with it through this distributor's gateways."""
    schemes = list(schemes)
    operations = fund_operations(schemes=schemes)
    for scheme in schemes:
        scheme.here = operations[scheme.pk]
    return schemes


class FundListApi(CachedCatalogApi):
    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FundListFilter"

        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        amc = serializers.SlugField(required=False, max_length=80)
        category = serializers.CharField(required=False, max_length=120)
        sub_category = serializers.CharField(required=False, max_length=120)
        plan = serializers.ChoiceField(choices=Scheme.Plan.choices, required=False)
        option = serializers.ChoiceField(choices=Scheme.Option.choices, required=False)
        asset_class = serializers.ChoiceField(choices=Scheme.AssetClass.choices, required=False)

    class OutputSerializer(FundHereSerializer):
        class Meta:
            ref_name = "FundListItem"

        amfi_code = serializers.CharField()
        name = serializers.CharField()
        amc = AmcOutputSerializer(allow_null=True)
        category = serializers.CharField()
        sub_category = serializers.CharField()
        plan = serializers.CharField()
        option = serializers.CharField()
        asset_class = serializers.CharField()
        is_liquid = serializers.BooleanField()
        latest_nav = NavField(allow_null=True)
        nav_date = serializers.DateField(source="latest_nav_date", allow_null=True)

    @extend_schema(
        operation_id="funds_list",
        parameters=[FilterSerializer, *page_parameters()],
        responses=page_of(OutputSerializer, name="FundPage"),
    )
    def get(self, request):
        def build():
            filters = self.FilterSerializer(data=request.query_params)
            filters.is_valid(raise_exception=True)
            qs = fund_list(filters=FundFilters(**filters.validated_data))
            paginator = PagePagination()
            page = paginator.paginate_queryset(qs, request, view=self)
            rows = self.OutputSerializer(_with_operations(page), many=True).data
            return paginator.get_paginated_response(rows).data

        return self.cached(request, build)


class AmcListApi(CachedCatalogApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AmcListItem"

        code = serializers.CharField()
        name = serializers.CharField()
        scheme_count = serializers.IntegerField()

    @extend_schema(operation_id="funds_amcs_list", responses=OutputSerializer(many=True))
    def get(self, request):
        return self.cached(request, lambda: self.OutputSerializer(amc_list(), many=True).data)


class FundDetailApi(CachedCatalogApi):
    class OutputSerializer(FundHereSerializer):
        class Meta:
            ref_name = "FundDetail"

        class CodeSerializer(serializers.Serializer):
            class Meta:
                ref_name = "FundCode"

            source = serializers.CharField()
            code = serializers.CharField()

        class OperationsSerializer(serializers.Serializer):
            """The scheme master's flags: what the fund house accepts through the exchanges at all."""

            class Meta:
                ref_name = "FundOperations"

            purchase = serializers.BooleanField(source="purchase_allowed")
            redemption = serializers.BooleanField(source="redemption_allowed")
            sip = serializers.BooleanField(source="sip_allowed")
            switch = serializers.BooleanField(source="switch_allowed")

        amfi_code = serializers.CharField()
        name = serializers.CharField()
        amc = AmcOutputSerializer(allow_null=True)
        isin_growth = serializers.CharField()
        isin_reinvest = serializers.CharField()
        codes = CodeSerializer(many=True)
        category = serializers.CharField()
        sub_category = serializers.CharField()
        plan = serializers.CharField()
        option = serializers.CharField()
        asset_class = serializers.CharField()
        is_liquid = serializers.BooleanField()
        is_open_ended = serializers.BooleanField()
        lock_in_days = serializers.IntegerField()
        latest_nav = NavField(allow_null=True)
        nav_date = serializers.DateField(source="latest_nav_date", allow_null=True)
        operations = OperationsSerializer(
            source="*", help_text="What the fund house accepts at all; *_allowed say what can be done here."
        )

    @extend_schema(operation_id="funds_retrieve", responses=OutputSerializer)
    def get(self, request, amfi_code: str):
        return self.cached(
            request, lambda: self.OutputSerializer(_with_operations([fund_get(amfi_code=amfi_code)])[0]).data
        )


class FundNavHistoryApi(CachedCatalogApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FundNavHistoryQuery"

        start = serializers.DateField(required=False)
        end = serializers.DateField(required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FundNavHistory"

        class PointSerializer(serializers.Serializer):
            class Meta:
                ref_name = "FundNavPoint"

            date = serializers.DateField()
            nav = NavField()

        amfi_code = serializers.CharField()
        start = serializers.DateField()
        end = serializers.DateField()
        navs = PointSerializer(many=True)

    @extend_schema(
        operation_id="funds_navs_list",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="default: a year before `end`"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="default: the latest NAV date"),
        ],
        responses=OutputSerializer,
    )
    def get(self, request, amfi_code: str):
        def build():
            params = self.InputSerializer(data=request.query_params)
            params.is_valid(raise_exception=True)
            scheme = fund_get(amfi_code=amfi_code)
            end = params.validated_data.get("end") or scheme.latest_nav_date or dt.date.today()
            start = params.validated_data.get("start") or end - dt.timedelta(days=365)
            if start > end:
                raise ApplicationError("`start` is after `end`.", code="invalid_range")
            if (end - start).days > settings.FUNDS_NAV_HISTORY_MAX_DAYS:
                raise ApplicationError(
                    f"At most {settings.FUNDS_NAV_HISTORY_MAX_DAYS} days per request.", code="range_too_long"
                )
            navs = fund_nav_history(scheme=scheme, start=start, end=end)
            return self.OutputSerializer({"amfi_code": scheme.amfi_code, "start": start, "end": end, "navs": navs}).data

        return self.cached(request, build)


class FundReturnsApi(CachedCatalogApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FundReturns"

        class ReturnSerializer(serializers.Serializer):
            class Meta:
                ref_name = "FundTrailingReturn"

            period = serializers.CharField()
            annualised = serializers.BooleanField()
            return_pct = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
            start_date = serializers.DateField(allow_null=True)
            start_nav = NavField(allow_null=True)
            end_date = serializers.DateField(allow_null=True)
            end_nav = NavField(allow_null=True)

        amfi_code = serializers.CharField()
        nav_date = serializers.DateField(allow_null=True)
        returns = ReturnSerializer(many=True)

    @extend_schema(operation_id="funds_returns_retrieve", responses=OutputSerializer)
    def get(self, request, amfi_code: str):
        def build():
            scheme = fund_get(amfi_code=amfi_code)
            return self.OutputSerializer(
                {
                    "amfi_code": scheme.amfi_code,
                    "nav_date": scheme.latest_nav_date,
                    "returns": fund_trailing_returns(scheme=scheme),
                }
            ).data

        return self.cached(request, build)
