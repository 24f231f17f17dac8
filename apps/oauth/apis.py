"""/api/v1/me/sessions: the investor's signed-in devices (one per refresh-token family). Biometric
unlock lives in the app, which keeps the refresh token behind the device's biometrics; here the
investor sees the devices and signs one or all of them out."""

from drf_spectacular.utils import extend_schema, inline_serializer
from oauth2_provider.models import AbstractAccessToken
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.openapi import name_nested_serializers
from apps.oauth import selectors, services


def _current_family(request):
    token = request.auth if isinstance(request.auth, AbstractAccessToken) else None
    return selectors.device_session_family_for_token(token) if token is not None else None


class DeviceSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    device_name = serializers.CharField()
    application = serializers.CharField(source="application.name")
    user_agent = serializers.CharField()
    signed_in_at = serializers.DateTimeField(source="created_at")
    last_used_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, session) -> bool:
        return session.token_family == self.context.get("current_family")


class DeviceSessionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeviceSessionSerializer(many=True), operation_id="me_sessions_list")
    def get(self, request):
        sessions = selectors.device_session_list_active(user=request.user)
        context = {"current_family": _current_family(request)}
        return Response(DeviceSessionSerializer(sessions, many=True, context=context).data)

    class FilterSerializer(serializers.Serializer):
        keep_current = serializers.BooleanField(
            required=False, default=False, help_text="keep the device making this call signed in"
        )

        def validate_keep_current(self, value: bool) -> bool:
            # DRF reads many spellings as booleans; the API takes exactly the two it documents
            given = self.initial_data.get("keep_current")
            if given is not None and given not in ("true", "false"):
                raise serializers.ValidationError('Give "true" or "false".')
            return value

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: inline_serializer("SessionsRevoked", fields={"revoked": serializers.IntegerField()})},
        operation_id="me_sessions_revoke_all",
    )
    def delete(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        keep = filters.validated_data["keep_current"]
        count = services.device_sessions_revoke_all(
            user=request.user, actor=request.user, keep_family=_current_family(request) if keep else None
        )
        return Response({"revoked": count})


class DeviceSessionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None}, operation_id="me_sessions_revoke")
    def delete(self, request, session_id):
        session = selectors.access_device_session_by_id(user=request.user, public_id=session_id)
        services.device_session_revoke(session=session, reason="user_signed_out", actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


name_nested_serializers(globals())
