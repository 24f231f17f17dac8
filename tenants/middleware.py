from django.shortcuts import render
from django_tenants.utils import get_public_schema_name


class TenantStatusMiddleware:
    """A suspended distributor's hosts answer 503 with a clear page (JSON for the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.schema_name != get_public_schema_name() and not tenant.is_active:
            return self._suspended(request, tenant)
        return self.get_response(request)

    @staticmethod
    def _suspended(request, tenant):
        message = f"{tenant.name} is temporarily unavailable. Please contact your distributor."
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            response = JsonResponse({"code": "distributor_suspended", "message": message, "extra": {}}, status=503)
        else:
            response = render(request, "tenants/suspended.html", {"message": message, "tenant": tenant}, status=503)
        response["Retry-After"] = "3600"
        return response
