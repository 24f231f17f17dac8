from django.conf import settings
from django.utils.module_loading import import_string

from apps.accounts.kyc.interface import KycProvider


def kyc_provider() -> KycProvider:
    """The configured provider (settings.KYC_PROVIDER, a dotted path to a KycProvider class)."""
    return import_string(settings.KYC_PROVIDER)()
