"""Response headers that Django's SecurityMiddleware and django-csp do not set on their own.

- Permissions-Policy on every response: the pages use no camera, microphone, location, payment or USB.
- `Cache-Control: no-store` on API responses (personal and financial data), unless the view chose its
  own caching (the portfolio reads answer `private, no-cache` with an ETag so clients revalidate).
- HSTS `includeSubDomains; preload` only on the platform's own domain and its subdomains: a distributor's
  own domain gets a plain max-age, because preloading it or its siblings is the distributor's decision.
  Django's setting for both stays off (see config/settings/prod.py); this middleware adds them.
"""

from django.conf import settings

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def is_platform_host(host: str) -> bool:
    domain = settings.PLATFORM_DOMAIN.lower()
    host = host.split(":", 1)[0].lower()
    return host == domain or host.endswith("." + domain)


class SecurityHeadersMiddleware:
    """Listed first, so it sees every response, with the HSTS header SecurityMiddleware set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith("/api/v1/") and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        hsts = response.get("Strict-Transport-Security")
        if hsts and settings.HSTS_PRELOAD_PLATFORM_DOMAIN and is_platform_host(request.get_host()):
            response["Strict-Transport-Security"] = f"{hsts}; includeSubDomains; preload"
        return response
