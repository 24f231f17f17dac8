import logging

from celery import shared_task
from oauth2_provider.models import clear_expired

from apps.oauth.services import code_uses_clear

logger = logging.getLogger(__name__)


@shared_task(name="oauth.clear_expired")
def clear_expired_tokens() -> int:
    """Periodic (beat, per tenant): drops expired grants and tokens and old code claims. Revoked
    refresh tokens are kept until they expire: reuse detection needs them."""
    clear_expired()
    return code_uses_clear()
