"""Investor API for orders, SIPs and mandates: one view per operation, explicit serializers, objects only
through the access selectors (someone else's id answers 404)."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import access_bank_account_by_id, investor_get_for_user
from apps.core.exceptions import ApplicationError
from apps.core.fields import AmountField, UnitsField
from apps.core.openapi import name_nested_serializers
from apps.core.openapi_responses import page_of, page_parameters
from apps.core.pagination import PagePagination
from apps.core.throttling import ScopedRateThrottle
from apps.funds.models import Scheme
from apps.orders.cutoff import IST
from apps.orders.models import Mandate, OrderKind, SipFrequency
from apps.orders.selectors import (
    access_mandate_by_id,
    access_order_by_id,
    access_sip_by_id,
    mandate_list,
    order_list,
    sip_list,
)
from apps.orders.services import idempotency
from apps.orders.services.confirmation import otp_confirm, otp_resend
from apps.orders.services.mandates import mandate_create
from apps.orders.services.orders import order_cancel, order_payment_link, order_place
from apps.orders.services.sips import sip_cancel, sip_create
from apps.orders.states import ORDER_TIMESTAMP

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="Unique per request you mean once; kept 72 hours. Replays answer with Idempotent-Replayed: true.",
)  # fmt: skip


def _scheme(code: str, field: str) -> Scheme:
    scheme = Scheme.objects.filter(amfi_code=code).select_related("amc").first()
    if scheme is None:
        raise ApplicationError("Unknown scheme.", code="unknown_scheme", extra={"field": field})
    return scheme


def _created_once(request, *, investor, scope: str, create) -> Response:
    """201 with what `create` wrote, once per Idempotency-Key; a replay answers with the stored body."""
    body, replayed = idempotency.idempotent_create(
        investor=investor, scope=scope, key=request.headers.get("Idempotency-Key", ""), request_data=request.data,
        create=create,
    )  # fmt: skip
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class SchemeRefSerializer(serializers.Serializer):
    amfi_code = serializers.CharField()
    name = serializers.CharField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    status = serializers.CharField()
    scheme = SchemeRefSerializer()
    to_scheme = SchemeRefSerializer(allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    units = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    all_units = serializers.BooleanField()
    folio_number = serializers.CharField()
    reference = serializers.CharField(source="client_ref")
    gateway = serializers.CharField()
    exchange_order_id = serializers.CharField()
    placed_at = serializers.DateTimeField(default_timezone=IST)
    expected_nav_date = serializers.DateField()
    nav_date = serializers.DateField(allow_null=True)
    allotted_units = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    allotted_nav = serializers.DecimalField(max_digits=20, decimal_places=8, allow_null=True)
    allotted_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    payment_url = serializers.CharField()
    failure_code = serializers.CharField()
    failure_reason = serializers.CharField()
    held_for_review = serializers.BooleanField(
        source="is_held", help_text="a redemption to a bank account changed in the last 24 hours waits for staff"
    )
    hold_reason = serializers.CharField(help_text="why it is (or was) held; empty when never held")
    otp_challenge_id = serializers.UUIDField(allow_null=True)
    placed_by_staff = serializers.SerializerMethodField()
    sip_id = serializers.SerializerMethodField()

    def get_placed_by_staff(self, order) -> bool:
        return order.placed_by_id is not None

    def get_sip_id(self, order) -> str | None:
        return str(order.sip.public_id) if order.sip_id else None


class OrderDetailOutputSerializer(OrderOutputSerializer):
    events = EventSerializer(many=True)
    timestamps = serializers.SerializerMethodField()

    def get_timestamps(self, order) -> dict:
        return {status: getattr(order, field) for status, field in ORDER_TIMESTAMP.items() if getattr(order, field)}


class OtpInputSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^\d{6}$")


def _investor(request):
    return investor_get_for_user(user=request.user)


class OrderListCreateApi(APIView):
    throttle_scope = "orders"

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=OrderKind.choices)
        scheme = serializers.CharField(help_text="AMFI code")
        to_scheme = serializers.CharField(required=False, allow_blank=True, help_text="AMFI code (switch)")
        amount = AmountField(required=False, allow_null=True)
        units = UnitsField(required=False, allow_null=True)
        all_units = serializers.BooleanField(required=False, default=False)
        folio_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    class FilterSerializer(serializers.Serializer):
        status = serializers.CharField(required=False)
        kind = serializers.ChoiceField(choices=OrderKind.choices, required=False)
        placed_from = serializers.DateField(required=False)
        placed_to = serializers.DateField(required=False)

    def get_throttles(self):
        return (
            [*super().get_throttles(), ScopedRateThrottle()]
            if self.request.method == "POST"
            else super().get_throttles()
        )

    @extend_schema(
        parameters=[FilterSerializer, *page_parameters()],
        responses=page_of(OrderOutputSerializer, name="OrderPage"),
        operation_id="orders_list",
    )
    def get(self, request):
        investor = _investor(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = order_list(investor=investor, **filters.validated_data).select_related("sip")
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrderOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: OrderOutputSerializer}, parameters=[IDEMPOTENCY_HEADER],
        operation_id="orders_place",
    )  # fmt: skip
    def post(self, request):
        investor = _investor(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def create():
            order = order_place(
                investor=investor, kind=data["kind"], scheme=_scheme(data["scheme"], "scheme"),
                to_scheme=_scheme(data["to_scheme"], "to_scheme") if data.get("to_scheme") else None,
                amount=data.get("amount"), units=data.get("units"), all_units=data["all_units"],
                folio_number=data["folio_number"],
            )  # fmt: skip
            return OrderOutputSerializer(order).data

        return _created_once(request, investor=investor, scope="orders.place", create=create)


class OrderDetailApi(APIView):
    @extend_schema(responses=OrderDetailOutputSerializer, operation_id="orders_detail")
    def get(self, request, order_id):
        order = access_order_by_id(investor=_investor(request), public_id=order_id)
        return Response(OrderDetailOutputSerializer(order).data)


class OrderConfirmApi(APIView):
    @extend_schema(request=OtpInputSerializer, responses=OrderOutputSerializer, operation_id="orders_confirm")
    def post(self, request, order_id):
        order = access_order_by_id(investor=_investor(request), public_id=order_id)
        serializer = OtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = otp_confirm(target=order, code=serializer.validated_data["code"], actor=request.user)
        return Response(OrderOutputSerializer(order).data)


class OrderOtpResendApi(APIView):
    throttle_scope = "orders"

    @extend_schema(request=None, responses=OrderOutputSerializer, operation_id="orders_otp_resend")
    def post(self, request, order_id):
        order = access_order_by_id(investor=_investor(request), public_id=order_id)
        return Response(OrderOutputSerializer(otp_resend(target=order)).data)


class OrderCancelApi(APIView):
    @extend_schema(request=None, responses=OrderOutputSerializer, operation_id="orders_cancel")
    def post(self, request, order_id):
        order = access_order_by_id(investor=_investor(request), public_id=order_id)
        order = order_cancel(order=order, actor=request.user)
        return Response(OrderOutputSerializer(order).data)


class OrderPaymentLinkApi(APIView):
    @extend_schema(
        request=None, operation_id="orders_payment_link",
        responses=inline_serializer("PaymentLink", {"url": serializers.CharField()}),
    )  # fmt: skip
    def post(self, request, order_id):
        order = access_order_by_id(investor=_investor(request), public_id=order_id)
        return_url = settings.ORDERS_PAYMENT_RETURN_URL or request.build_absolute_uri("/")
        return Response({"url": order_payment_link(order=order, return_url=return_url)})


# --- SIPs -------------------------------------------------------------------------------------------


class InstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    order_id = serializers.SerializerMethodField()

    def get_order_id(self, row) -> str | None:
        return str(row.order.public_id) if row.order_id else None


class SipOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    scheme = SchemeRefSerializer()
    mandate_id = serializers.UUIDField(source="mandate.public_id")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    frequency = serializers.CharField()
    start_date = serializers.DateField()
    instalments = serializers.IntegerField()
    folio_number = serializers.CharField()
    reference = serializers.CharField(source="client_ref")
    exchange_reg_id = serializers.CharField()
    failure_reason = serializers.CharField()
    otp_challenge_id = serializers.UUIDField(allow_null=True)


class SipDetailOutputSerializer(SipOutputSerializer):
    instalment_list = InstalmentSerializer(source="instalment_rows", many=True)


class SipListCreateApi(APIView):
    throttle_scope = "orders"

    class InputSerializer(serializers.Serializer):
        scheme = serializers.CharField(help_text="AMFI code")
        mandate = serializers.UUIDField()
        amount = AmountField()
        frequency = serializers.ChoiceField(choices=SipFrequency.choices, default=SipFrequency.MONTHLY)
        start_date = serializers.DateField()
        instalments = serializers.IntegerField(min_value=1, max_value=600)
        folio_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        first_order_today = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=page_parameters(), responses=page_of(SipOutputSerializer, name="SipPage"), operation_id="sips_list"
    )
    def get(self, request):
        qs = sip_list(investor=_investor(request), status=request.query_params.get("status"))
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SipOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: SipOutputSerializer}, parameters=[IDEMPOTENCY_HEADER],
                   operation_id="sips_create")  # fmt: skip
    def post(self, request):
        investor = _investor(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def create():
            mandate = access_mandate_by_id(investor=investor, public_id=data["mandate"])
            sip = sip_create(
                investor=investor, scheme=_scheme(data["scheme"], "scheme"), mandate=mandate,
                amount=data["amount"], frequency=data["frequency"], start_date=data["start_date"],
                instalments=data["instalments"], folio_number=data["folio_number"],
                first_order_today=data["first_order_today"],
            )  # fmt: skip
            return SipOutputSerializer(sip).data

        return _created_once(request, investor=investor, scope="sips.create", create=create)


class SipDetailApi(APIView):
    @extend_schema(responses=SipDetailOutputSerializer, operation_id="sips_detail")
    def get(self, request, sip_id):
        return Response(SipDetailOutputSerializer(access_sip_by_id(investor=_investor(request), public_id=sip_id)).data)


class SipConfirmApi(APIView):
    @extend_schema(request=OtpInputSerializer, responses=SipOutputSerializer, operation_id="sips_confirm")
    def post(self, request, sip_id):
        sip = access_sip_by_id(investor=_investor(request), public_id=sip_id)
        serializer = OtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sip = otp_confirm(target=sip, code=serializer.validated_data["code"], actor=request.user)
        return Response(SipOutputSerializer(sip).data)


class SipCancelApi(APIView):
    @extend_schema(request=None, responses=SipOutputSerializer, operation_id="sips_cancel")
    def post(self, request, sip_id):
        sip = access_sip_by_id(investor=_investor(request), public_id=sip_id)
        sip = sip_cancel(sip=sip, actor=request.user)
        return Response(SipOutputSerializer(sip).data)


# --- mandates ------------------------------------------------------------------------------------------


class MandateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    mandate_type = serializers.CharField()
    amount_limit = serializers.DecimalField(max_digits=16, decimal_places=2)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    bank_account_id = serializers.UUIDField(source="bank_account.public_id")
    exchange_mandate_id = serializers.CharField()
    failure_reason = serializers.CharField()
    otp_challenge_id = serializers.UUIDField(allow_null=True)


class MandateListCreateApi(APIView):
    throttle_scope = "orders"

    class InputSerializer(serializers.Serializer):
        bank_account = serializers.UUIDField()
        amount_limit = AmountField()
        mandate_type = serializers.ChoiceField(
            choices=Mandate.MandateType.choices, default=Mandate.MandateType.EMANDATE
        )
        start_date = serializers.DateField()
        end_date = serializers.DateField()

    @extend_schema(
        parameters=page_parameters(),
        responses=page_of(MandateOutputSerializer, name="MandatePage"),
        operation_id="mandates_list",
    )
    def get(self, request):
        qs = mandate_list(investor=_investor(request))
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(MandateOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: MandateOutputSerializer}, operation_id="mandates_create")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        investor = _investor(request)
        bank_account = access_bank_account_by_id(investor=investor, public_id=data["bank_account"])
        mandate = mandate_create(
            investor=investor, bank_account=bank_account, amount_limit=data["amount_limit"],
            mandate_type=data["mandate_type"], start_date=data["start_date"], end_date=data["end_date"],
        )  # fmt: skip
        return Response(MandateOutputSerializer(mandate).data, status=status.HTTP_201_CREATED)


class MandateDetailApi(APIView):
    @extend_schema(responses=MandateOutputSerializer, operation_id="mandates_detail")
    def get(self, request, mandate_id):
        mandate = access_mandate_by_id(investor=_investor(request), public_id=mandate_id)
        return Response(MandateOutputSerializer(mandate).data)


class MandateConfirmApi(APIView):
    @extend_schema(request=OtpInputSerializer, responses=MandateOutputSerializer, operation_id="mandates_confirm")
    def post(self, request, mandate_id):
        mandate = access_mandate_by_id(investor=_investor(request), public_id=mandate_id)
        serializer = OtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mandate = otp_confirm(target=mandate, code=serializer.validated_data["code"], actor=request.user)
        return Response(MandateOutputSerializer(mandate).data)


name_nested_serializers(globals())
