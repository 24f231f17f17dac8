"""The investor's notifications (mounted under /api/v1/): the inbox with its unread count, delta sync
(updated_since) and an ETag; mark read; channel preferences; push devices. Only the signed-in investor's
own notifications are ever reached: another investor's ids change nothing."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import investor_get_for_user
from apps.core.openapi import name_nested_serializers
from apps.core.openapi_responses import page_parameters
from apps.core.pagination import PagePagination
from apps.notifications import selectors, services
from apps.notifications.models import Notification


def _investor(request):
    return investor_get_for_user(user=request.user)


class NotificationOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "data", "read", "read_at", "created_at", "updated_at"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        updated_since = serializers.DateTimeField(required=False)

    @extend_schema(
        tags=["notifications"],
        operation_id="notifications_list",
        parameters=[FilterSerializer, *page_parameters()],
        responses=inline_serializer(  # the numbered page, with the unread count and the server's clock
            name="NotificationPage",
            fields={
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": NotificationOutputSerializer(many=True),
                "unread_count": serializers.IntegerField(),
                "server_time": serializers.DateTimeField(),
            },
        ),
    )
    def get(self, request):
        investor = _investor(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        etag = f'W/"{selectors.inbox_version(investor=investor, extra=request.get_full_path())}"'
        if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            rows = selectors.notification_list(investor=investor, **filters.validated_data)
            paginator = PagePagination()
            page = paginator.paginate_queryset(rows, request, view=self)
            response = paginator.get_paginated_response(NotificationOutputSerializer(page, many=True).data)
            response.data["unread_count"] = selectors.notification_unread_count(investor=investor)
            response.data["server_time"] = timezone.now().isoformat()
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie"
        return response


class NotificationReadApi(APIView):
    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=500)
        all = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            if not attrs.get("all") and not attrs.get("ids"):
                raise serializers.ValidationError("Give the ids to mark read, or all: true.")
            return attrs

    @extend_schema(
        tags=["notifications"],
        operation_id="notifications_mark_read",
        request=InputSerializer,
        responses=inline_serializer(
            "NotificationsMarkedRead",
            {"updated": serializers.IntegerField(), "unread_count": serializers.IntegerField()},
        ),
    )
    def post(self, request):
        investor = _investor(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data.get("all") else data.validated_data["ids"]
        updated = services.notifications_mark_read(investor=investor, ids=ids)
        return Response({"updated": updated, "unread_count": selectors.notification_unread_count(investor=investor)})


class ChannelPreferenceApi(APIView):
    class PreferenceSerializer(serializers.Serializer):
        email = serializers.BooleanField()
        sms = serializers.BooleanField()
        push = serializers.BooleanField()

    @extend_schema(tags=["notifications"], operation_id="notifications_preferences_get",
                   responses=PreferenceSerializer)  # fmt: skip
    def get(self, request):
        pref = selectors.channel_preference_get(investor=_investor(request))
        return Response(self.PreferenceSerializer(pref).data)

    @extend_schema(tags=["notifications"], operation_id="notifications_preferences_set",
                   request=PreferenceSerializer, responses=PreferenceSerializer)  # fmt: skip
    def put(self, request):
        data = self.PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pref = services.channel_preference_set(investor=_investor(request), **data.validated_data)
        return Response(self.PreferenceSerializer(pref).data)


class PushDeviceApi(APIView):
    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=500)
        platform = serializers.ChoiceField(choices=["android", "ios", "web"])

    @extend_schema(
        tags=["notifications"],
        operation_id="notifications_device_register",
        request=InputSerializer,
        responses={201: inline_serializer("PushDeviceRegistered", {"id": serializers.UUIDField()})},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.push_device_register(investor=_investor(request), **data.validated_data)
        return Response({"id": str(device.public_id)}, status=status.HTTP_201_CREATED)


class PushDeviceDetailApi(APIView):
    @extend_schema(tags=["notifications"], operation_id="notifications_device_remove", request=None, responses=None)
    def delete(self, request, device_id):
        services.push_device_remove(investor=_investor(request), public_id=device_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


name_nested_serializers(globals())
