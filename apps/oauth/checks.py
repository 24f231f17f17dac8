from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    if getattr(settings, "OIDC_DEV_KEY_IN_USE", False):
        return [
            Error(
                "Tokens are signed with the development key from .data/.",
                hint="Set OIDC_RSA_PRIVATE_KEY (PEM) or OIDC_RSA_PRIVATE_KEY_FILE.",
                id="oauth.E001",
            )
        ]
    return []


@register(Tags.security)
def access_tokens_short_lived(app_configs, **kwargs):
    seconds = settings.OAUTH2_PROVIDER.get("ACCESS_TOKEN_EXPIRE_SECONDS", 0)
    if not 0 < seconds <= 600:
        return [Error("Access tokens must live at most 10 minutes.", id="oauth.E002")]
    return []
