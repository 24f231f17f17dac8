"""Django itself: secret key, hosts, middleware, templates, language and time, static and media files,
security headers."""

from csp.constants import NONCE

from .environment import BASE_DIR, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Unknown hosts are refused by the tenant middleware (404), so host validation happens there;
# ALLOWED_HOSTS can still be narrowed per deployment.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

MIDDLEWARE = [
    # outermost: its headers reach every response, health probes and unknown hosts included
    "apps.core.security_headers.SecurityHeadersMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.middleware.HealthCheckMiddleware",
    # django-tenants' middleware with the host lookup cached (tenants/lookup.py)
    "tenants.lookup.CachedTenantMainMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the platform admin's second factor (its devices live in the public schema)
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.branding",
            ],
            # Per-tenant overrides in tenants/<schema>/templates win over the system templates. Compiled
            # templates are cached, per distributor only where it has overrides (tenants/template_loader.py);
            # in development the autoreloader empties the cache when a template changes.
            "loaders": [
                (
                    "tenants.template_loader.Loader",
                    [
                        "django_tenants.template.loaders.filesystem.Loader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Files that must never be public (CAS PDFs): outside MEDIA_ROOT, never served by URL.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / ".data" / "private")

# --- Security headers: CSP with a per-request nonce, Referrer-Policy, HSTS (apps/core/security_headers.py) ----
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts load only from our own static files (vendored, no CDN); an inline <script> or <style> runs only
# with the request's nonce. Style attributes stay allowed (brand colours in the branding preview).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# includeSubDomains and preload go only on PLATFORM_DOMAIN and its subdomains, never a distributor's own domain
HSTS_PRELOAD_PLATFORM_DOMAIN = env.bool("HSTS_PRELOAD_PLATFORM_DOMAIN", default=True)
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (one round-trip) and written through to the tenant's table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
