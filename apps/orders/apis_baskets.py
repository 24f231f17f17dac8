"""Investor API for baskets: several orders confirmed with one OTP. One view per operation, explicit
serializers, the basket only through its access selector (someone else's id answers 404)."""

from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.openapi import name_nested_serializers
from apps.orders.apis import IDEMPOTENCY_HEADER, OrderOutputSerializer, OtpInputSerializer, _created_once, _investor
from apps.orders.cutoff import IST
from apps.orders.models import OrderKind
from apps.orders.selectors import access_basket_by_id, otp_challenge_of
from apps.orders.services.baskets import (
    BASKET_KINDS,
    BASKET_MAX_LINES,
    BasketLine,
    BasketLineInvalid,
    basket_cancel,
    basket_payment_link,
    basket_place,
)
from apps.orders.services.confirmation import otp_confirm, otp_resend

LINE_ERROR = OpenApiResponse(
    description="A line is refused (its shape, or a rule such as the scheme's minimum): `extra.line` is its "
    "number (1 = the first), `extra.reason` the rule's code, `extra.fields` the fields at fault. Nothing is "
    "written. Also the Idempotency-Key used with another request, or past its window."
)
OTP_REFUSED = OpenApiResponse(
    description="A wrong, expired or used code (`extra.attempts_left` after a wrong one)."
)  # fmt: skip
OTP_LIMITED = OpenApiResponse(
    description="Too many codes sent to the investor: `extra.retry_after` (seconds) and Retry-After say when "
    "to ask again. Sign-in and registration codes never use up this budget."
)


class BasketChallengeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    channel = serializers.CharField()
    expires_at = serializers.DateTimeField(default_timezone=IST)


class BasketOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    status = serializers.CharField()
    placed_at = serializers.DateTimeField(default_timezone=IST)
    confirmed_at = serializers.DateTimeField(default_timezone=IST, allow_null=True)
    total_amount = serializers.SerializerMethodField()
    orders = OrderOutputSerializer(many=True)
    challenge = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2))
    def get_total_amount(self, basket) -> str:
        """The amounts of its orders (redemptions by units add nothing)."""
        return f"{sum((o.amount or Decimal('0') for o in basket.orders.all()), Decimal('0')):.2f}"

    @extend_schema_field(BasketChallengeSerializer(allow_null=True))
    def get_challenge(self, basket) -> dict | None:
        """The code waiting to confirm the basket: where it went and until when it works."""
        if basket.status != "pending_otp":
            return None
        challenge = otp_challenge_of(target=basket)
        return BasketChallengeSerializer(challenge).data if challenge else None


class BasketLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in BASKET_KINDS], default=OrderKind.PURCHASE)
    scheme = serializers.CharField(max_length=12, help_text="AMFI code")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    units = serializers.DecimalField(max_digits=20, decimal_places=4, required=False, allow_null=True)
    folio_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


def _basket(request, basket_id):
    return access_basket_by_id(investor=_investor(request), public_id=basket_id)


class BasketCreateApi(APIView):
    throttle_scope = "orders"

    class InputSerializer(serializers.Serializer):
        orders = BasketLineSerializer(many=True, help_text=f"1 to {BASKET_MAX_LINES} orders")

    @extend_schema(
        request=InputSerializer, parameters=[IDEMPOTENCY_HEADER], operation_id="baskets_place",
        responses={201: BasketOutputSerializer, 422: LINE_ERROR, 429: OTP_LIMITED},
        description="Several purchases (a lumpsum split over funds) and redemptions, validated all or nothing, "
        "confirmed with one OTP whose text names the count and the total.",
    )  # fmt: skip
    def post(self, request):
        investor = _investor(request)
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            _raise_first_line_error(serializer.errors)
        lines = [
            BasketLine(kind=line["kind"], scheme_code=line["scheme"], amount=line.get("amount"),
                       units=line.get("units"), folio_number=line["folio_number"])
            for line in serializer.validated_data["orders"]
        ]  # fmt: skip

        def create():
            basket = basket_place(investor=investor, lines=lines)
            return BasketOutputSerializer(access_basket_by_id(investor=investor, public_id=basket.public_id)).data

        return _created_once(request, investor=investor, scope="baskets.place", create=create)


def _raise_first_line_error(errors: dict) -> None:
    """A malformed line answers like a refused one: 422 naming the line."""
    lines = errors.get("orders")
    # DRF names the bad items of a list by index: a dict {index: errors} (a list, in older versions)
    if isinstance(lines, list) and lines and isinstance(lines[0], dict):
        lines = dict(enumerate(lines))
    if isinstance(lines, dict):
        for index, fields in sorted(lines.items()):
            if fields:
                first = next(iter(fields.values()))[0]
                raise BasketLineInvalid(
                    f"Line {index + 1}: {first}", extra={"line": index + 1, "reason": "invalid", "fields": fields}
                )
    raise serializers.ValidationError(errors)


class BasketDetailApi(APIView):
    @extend_schema(responses=BasketOutputSerializer, operation_id="baskets_detail")
    def get(self, request, basket_id):
        return Response(BasketOutputSerializer(_basket(request, basket_id)).data)


class BasketConfirmApi(APIView):
    @extend_schema(
        request=OtpInputSerializer, responses={200: BasketOutputSerializer, 400: OTP_REFUSED},
        operation_id="baskets_confirm",
        description="The basket's one code confirms every order still waiting in it; each is then sent to the "
        "exchange once.",
    )  # fmt: skip
    def post(self, request, basket_id):
        basket = _basket(request, basket_id)
        serializer = OtpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        otp_confirm(target=basket, code=serializer.validated_data["code"], actor=request.user)
        return Response(BasketOutputSerializer(_basket(request, basket_id)).data)


class BasketOtpResendApi(APIView):
    throttle_scope = "orders"

    @extend_schema(
        request=None, responses={200: BasketOutputSerializer, 429: OTP_LIMITED}, operation_id="baskets_otp_resend"
    )
    def post(self, request, basket_id):
        otp_resend(target=_basket(request, basket_id))
        return Response(BasketOutputSerializer(_basket(request, basket_id)).data)


class BasketCancelApi(APIView):
    @extend_schema(request=None, responses=BasketOutputSerializer, operation_id="baskets_cancel")
    def post(self, request, basket_id):
        basket_cancel(basket=_basket(request, basket_id), actor=request.user)
        return Response(BasketOutputSerializer(_basket(request, basket_id)).data)


class BasketPaymentLinkApi(APIView):
    @extend_schema(
        request=None, operation_id="baskets_payment_link",
        responses=inline_serializer("BasketPaymentLink", {"url": serializers.CharField()}),
        description="One payment at the exchange for every purchase of the basket waiting for funds.",
    )  # fmt: skip
    def post(self, request, basket_id):
        return_url = settings.ORDERS_PAYMENT_RETURN_URL or request.build_absolute_uri("/")
        return Response({"url": basket_payment_link(basket=_basket(request, basket_id), return_url=return_url)})


name_nested_serializers(globals())
