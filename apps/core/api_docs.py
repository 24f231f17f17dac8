"""Swagger UI and ReDoc for the API, from vendored builds (drf-spectacular-sidecar), under the CSP.

Swagger UI loads its start-up script as a separate file (no inline script). Both render with styles they
inject at run time, and ReDoc with a web worker from a blob: URL: their pages alone are allowed those.
Scripts stay restricted to our own files on these pages too."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class SwaggerUiView(SpectacularSwaggerSplitView):
    pass


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocView(SpectacularRedocView):
    pass
