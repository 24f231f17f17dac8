"""Deployment checks of core's settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxy_count_check(app_configs, **kwargs):
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not isinstance(count, int) or count < 0:
        return [Error("TRUSTED_PROXY_COUNT must be a whole number, 0 or more.", id="core.E001")]
    if count == 0 and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return [
            Warning(
                "The app trusts a proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) but TRUSTED_PROXY_COUNT is 0: "
                "every client would share the proxy's address, so per-IP sign-in limits and throttles would "
                "lock everyone out together.",
                hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the app (usually 1).",
                id="core.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_hash_key_check(app_configs, **kwargs):
    if len(getattr(settings, "FIELD_HASH_KEY", "") or "") < 32:
        return [
            Error(
                "FIELD_HASH_KEY (the key of the hashes PANs and bank account numbers are looked up by) needs "
                "32+ characters.",
                hint="Set FIELD_HASH_KEY to its own random secret; it has no default in production.",
                id="core.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_encryption_keys_check(app_configs, **kwargs):
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    if any(len(key) < 32 for key in keys):
        return [Error("Each FIELD_ENCRYPTION_KEYS secret needs 32+ characters.", id="core.E002")]
    if not keys or settings.SECRET_KEY in keys:
        return [
            Warning(
                "FIELD_ENCRYPTION_KEYS falls back to SECRET_KEY: rotating SECRET_KEY would make stored secrets "
                "(TOTP, CAS passwords) unreadable.",
                hint="Set FIELD_ENCRYPTION_KEYS to its own secret (newest first when rotating).",
                id="core.W002",
            )
        ]
    return []
