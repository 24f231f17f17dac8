"""The REST API: DRF (authentication, errors, pagination), every throttle rate in one table, the client
address rule, OpenAPI."""

from .environment import env

# Reverse proxies in front of the app whose X-Forwarded-For is trusted (nginx: 1; a load balancer and
# nginx: 2). 0: the client's address is REMOTE_ADDR. One rule for sign-in limits and throttles alike
# (apps.core.client_ip; DRF's NUM_PROXIES below).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    # Bearer JWTs first: an API request without credentials then answers 401 with WWW-Authenticate.
    # Session auth stays for the portal and the investor web pages. A token needs the "read" scope for
    # safe methods and "write" for the others, whatever the view's own permission classes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.oauth.authentication.JwtAccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttling.IpRateThrottle",
        "apps.core.throttling.UserRateThrottle",
    ],
    # 429 with Retry-After past these; scopes are named by the views' throttle_scope
    "DEFAULT_THROTTLE_RATES": {
        "ip": env("THROTTLE_RATE_IP", default="300/min"),
        "user": env("THROTTLE_RATE_USER", default="600/min"),
        # per client IP, on top of the per-target OTP limits in apps/accounts/otp.py
        "otp": env("THROTTLE_RATE_OTP", default="20/hour"),
        "registration": env("THROTTLE_RATE_REGISTRATION", default="20/hour"),
        "invitation": env("THROTTLE_RATE_INVITATION", default="30/hour"),
        "cas_upload": env("THROTTLE_RATE_CAS_UPLOAD", default="20/hour"),
        # uploads from the web and portal pages: per signed-in user (the scope) and per client IP (`_ip`)
        "cas_upload_ip": env("THROTTLE_RATE_CAS_UPLOAD_IP", default="60/hour"),
        "logo_upload": env("THROTTLE_RATE_LOGO_UPLOAD", default="20/hour"),
        "logo_upload_ip": env("THROTTLE_RATE_LOGO_UPLOAD_IP", default="60/hour"),
        "family_invite": env("THROTTLE_RATE_FAMILY_INVITE", default="10/hour"),
        "orders": env("THROTTLE_RATE_ORDERS", default="60/min"),
        "statements": env("THROTTLE_RATE_STATEMENTS", default="30/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
API_MAX_PAGE_SIZE = 100
# JSON request bodies nested deeper than this answer 400
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Distributor platform API",
    "DESCRIPTION": "Investor-facing REST API served on each distributor's domain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.openapi_responses.document_error_responses",
    ],
}
