"""The investor's goals API (mounted under /api/v1/): goals with their projection, and the holdings and
SIPs linked to them. Goals and links are reached through access selectors: another investor's ids
answer 404."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import investor_get_for_user
from apps.goals import selectors, services

MONEY = {"max_digits": 18, "decimal_places": 2}
PROJECTED = {"max_digits": 40, "decimal_places": 2}  # future values compound past the 18 digits money is stored in
PERCENT = {"max_digits": 5, "decimal_places": 2}
PAISA = Decimal("0.01")


def _investor(request):
    return investor_get_for_user(user=request.user)


class ProjectionSerializer(serializers.Serializer):
    months_left = serializers.IntegerField()
    target_future = serializers.DecimalField(**PROJECTED, help_text="the target in the money of the target date")
    current_value = serializers.DecimalField(**PROJECTED, help_text="the goal's share of the linked holdings today")
    projected_holdings = serializers.DecimalField(**PROJECTED)
    projected_sips = serializers.DecimalField(**PROJECTED)
    projected_total = serializers.DecimalField(**PROJECTED)
    shortfall = serializers.DecimalField(**PROJECTED)
    monthly_sip_needed = serializers.DecimalField(**PROJECTED, help_text="more a month to reach the target")
    sip_needed_return = serializers.DecimalField(**PERCENT)
    on_track = serializers.BooleanField()
    progress_percent = serializers.DecimalField(**PERCENT)


class LinkSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    type = serializers.SerializerMethodField()
    holding_id = serializers.UUIDField(source="holding.public_id", allow_null=True, default=None)
    sip_id = serializers.UUIDField(source="sip.public_id", allow_null=True, default=None)
    name = serializers.SerializerMethodField()
    share = serializers.DecimalField(**PERCENT)
    value = serializers.SerializerMethodField(help_text="holding: the goal's share of today's value")

    def get_type(self, link) -> str:
        return "holding" if link.holding_id else "sip"

    def get_name(self, link) -> str:
        if link.holding_id:
            return link.holding.scheme.name if link.holding.scheme_id else link.holding.source_name
        return f"SIP of {link.sip.amount} in {link.sip.scheme.name}"

    def get_value(self, link) -> str | None:
        if not link.holding_id:
            return None
        return str((link.holding.value * link.share / 100).quantize(PAISA))


class GoalOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="goal.public_id")
    name = serializers.CharField(source="goal.name")
    target_amount = serializers.DecimalField(**MONEY, source="goal.target_amount")
    target_date = serializers.DateField(source="goal.target_date")
    inflation = serializers.DecimalField(**PERCENT, source="goal.inflation")
    return_equity = serializers.DecimalField(**PERCENT, source="goal.return_equity")
    return_hybrid = serializers.DecimalField(**PERCENT, source="goal.return_hybrid")
    return_debt = serializers.DecimalField(**PERCENT, source="goal.return_debt")
    return_other = serializers.DecimalField(**PERCENT, source="goal.return_other")
    links = LinkSerializer(many=True)
    projection = ProjectionSerializer()


class GoalInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    target_amount = serializers.DecimalField(**MONEY, help_text="in today's money")
    target_date = serializers.DateField()
    inflation = serializers.DecimalField(**PERCENT, required=False)
    return_equity = serializers.DecimalField(**PERCENT, required=False)
    return_hybrid = serializers.DecimalField(**PERCENT, required=False)
    return_debt = serializers.DecimalField(**PERCENT, required=False)
    return_other = serializers.DecimalField(**PERCENT, required=False)


def _goal_response(goal, *, status_code=status.HTTP_200_OK) -> Response:
    return Response(GoalOutputSerializer(selectors.goal_view(goal=goal)).data, status=status_code)


class GoalListCreateApi(APIView):
    @extend_schema(tags=["goals"], operation_id="goals_list", responses=GoalOutputSerializer(many=True))
    def get(self, request):
        views = selectors.goal_views(investor=_investor(request))
        return Response(GoalOutputSerializer(views, many=True).data)

    @extend_schema(tags=["goals"], request=GoalInputSerializer, responses={201: GoalOutputSerializer})
    def post(self, request):
        investor = _investor(request)
        data = GoalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = services.goal_create(investor=investor, actor=request.user, **data.validated_data)
        return _goal_response(selectors.access_goal_by_id(investor=investor, public_id=goal.public_id),
                              status_code=status.HTTP_201_CREATED)  # fmt: skip


class GoalDetailApi(APIView):
    @extend_schema(tags=["goals"], responses=GoalOutputSerializer)
    def get(self, request, goal_id):
        return _goal_response(selectors.access_goal_by_id(investor=_investor(request), public_id=goal_id))

    @extend_schema(tags=["goals"], request=GoalInputSerializer(partial=True), responses=GoalOutputSerializer)
    def patch(self, request, goal_id):
        investor = _investor(request)
        goal = selectors.access_goal_by_id(investor=investor, public_id=goal_id)
        data = GoalInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.goal_update(goal=goal, actor=request.user, **data.validated_data)
        return _goal_response(selectors.access_goal_by_id(investor=investor, public_id=goal_id))

    @extend_schema(tags=["goals"], responses={204: None})
    def delete(self, request, goal_id):
        goal = selectors.access_goal_by_id(investor=_investor(request), public_id=goal_id)
        services.goal_delete(goal=goal, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GoalLinkCreateApi(APIView):
    @extend_schema_serializer(component_name="GoalLinkRequest")
    class InputSerializer(serializers.Serializer):
        holding_id = serializers.UUIDField(required=False)
        sip_id = serializers.UUIDField(required=False)
        share = serializers.DecimalField(**PERCENT, required=False, default=Decimal("100"))

        def validate(self, attrs):
            if bool(attrs.get("holding_id")) == bool(attrs.get("sip_id")):
                raise serializers.ValidationError("Give either holding_id or sip_id.")
            return attrs

    @extend_schema(tags=["goals"], request=InputSerializer, responses={201: GoalOutputSerializer})
    def post(self, request, goal_id):
        investor = _investor(request)
        goal = selectors.access_goal_by_id(investor=investor, public_id=goal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        share = data.validated_data["share"]
        if data.validated_data.get("holding_id"):
            services.goal_link_holding(goal=goal, actor=request.user, holding_id=data.validated_data["holding_id"],
                                       share=share)  # fmt: skip
        else:
            services.goal_link_sip(goal=goal, actor=request.user, sip_id=data.validated_data["sip_id"], share=share)
        return _goal_response(selectors.access_goal_by_id(investor=investor, public_id=goal_id),
                              status_code=status.HTTP_201_CREATED)  # fmt: skip


class GoalLinkDeleteApi(APIView):
    @extend_schema(tags=["goals"], responses={204: None})
    def delete(self, request, goal_id, link_id):
        goal = selectors.access_goal_by_id(investor=_investor(request), public_id=goal_id)
        services.goal_unlink(link=selectors.access_goal_link_by_id(goal=goal, public_id=link_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
