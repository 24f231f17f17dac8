"""Error pages of the distributor hosts, in the distributor's brand. Django's own 500 handler renders
without a request context; this one adds the brand (from the request's tenant) and falls back to a plain
page when even that fails, so a fault never turns into a second one or a debug page."""

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.template import loader

from tenants.branding import PLATFORM_BRAND, branding_for_request

logger = logging.getLogger(__name__)

PLAIN_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error</title></head>'
    "<body><h1>Something went wrong</h1><p>We have been told about it. Please try again in a little while.</p>"
    "</body></html>"
)


def server_error(request):
    """handler500 of the distributor hosts: the API's error shape under /api/, the branded page elsewhere."""
    if request.path.startswith("/api/"):
        message = "Something went wrong on our side. Please try again in a little while."
        return JsonResponse({"code": "server_error", "message": message, "extra": {}}, status=500)
    try:
        brand = branding_for_request(request)
    except Exception:  # the database may be what failed
        brand = PLATFORM_BRAND
    try:
        body = loader.get_template("500.html").render({"brand": brand, "request": request})
    except Exception:
        logger.exception("the branded 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)
