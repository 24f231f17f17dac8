from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from apps.core.exceptions import NotFoundError
from apps.oauth.models import DeviceSession


def device_session_list_active(*, user) -> QuerySet[DeviceSession]:
    """The user's signed-in devices: not signed out, within their lifetime, holding a live refresh
    token (a family revoked for reuse drops out by itself)."""
    live_refresh = get_refresh_token_model().objects.filter(token_family=OuterRef("token_family"), revoked__isnull=True)
    return (
        DeviceSession.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .filter(Exists(live_refresh))
        .select_related("application")
    )


def access_device_session_by_id(*, user, public_id) -> DeviceSession:
    session = device_session_list_active(user=user).filter(public_id=public_id).first()
    if session is None:
        raise NotFoundError("No such device session.")
    return session


def device_session_family_for_token(access_token):
    """The refresh-token family the access token of a request belongs to."""
    if access_token is None or getattr(access_token, "pk", None) is None:
        return None
    return (
        get_refresh_token_model()
        .objects.filter(access_token=access_token)
        .values_list("token_family", flat=True)
        .first()
    )
