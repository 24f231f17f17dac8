from django.http import FileResponse, Http404
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.branding import branding_for_request
from tenants.logos import LOGO_TYPES


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


def logo_file(request, path: str):
    """The requesting distributor's current logo, and nothing else from MEDIA_ROOT. An SVG is a
    document: `Content-Security-Policy: sandbox` keeps it from running anything even if opened on its own,
    and `nosniff` keeps browsers to the stored type. deploy/nginx/platform.conf sets the same headers."""
    tenant = getattr(request, "tenant", None)
    branding = getattr(tenant, "branding", None) if tenant is not None else None
    if branding is None or not branding.logo or branding.logo.name != path:
        raise Http404("No such logo.")
    extension = path.rsplit(".", 1)[-1].lower()
    if extension not in LOGO_TYPES:
        raise Http404("No such logo.")
    try:
        handle = branding.logo.storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404("No such logo.") from None
    response = FileResponse(handle, content_type=LOGO_TYPES[extension])
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
