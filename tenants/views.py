from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.branding import branding_for_request


class TenantHomeView(TemplateView):
    template_name = "tenants/home.html"


class BrandingApi(APIView):
    """The distributor's brand for the white-label app. No sign-in: the app needs it on its first screen."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        display_name = serializers.CharField()
        primary_color = serializers.CharField()
        accent_color = serializers.CharField()
        logo_url = serializers.CharField(allow_null=True)
        support_email = serializers.CharField(allow_blank=True)
        support_phone = serializers.CharField(allow_blank=True)

    @extend_schema(responses=OutputSerializer, operation_id="branding_retrieve")
    def get(self, request):
        brand = branding_for_request(request)
        data = self.OutputSerializer(brand.as_dict()).data
        if brand.logo_url:
            data["logo_url"] = request.build_absolute_uri(brand.logo_url)
        response = Response(data)
        response["Cache-Control"] = "public, max-age=300"
        return response
