from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def kyc_provider_is_not_the_sandbox(app_configs, **kwargs):
    if "/sandbox/" in settings.KRA_BASE_URL:
        return [
            Warning(
                "KYC checks go to the sandbox KRA simulator.",
                hint="Set KRA_BASE_URL (and KRA_USERNAME, KRA_PASSWORD, KRA_POS_CODE) to the KRA's service.",
                id="accounts.W001",
            )
        ]
    return []
