"""What apps.oauth does when another app says so (connected in OauthConfig.ready)."""

from django.dispatch import receiver

from apps.accounts.signals import contact_changed
from apps.oauth import selectors, services


@receiver(contact_changed, dispatch_uid="oauth.contact_changed.sign_out_other_devices")
def sign_out_other_devices(sender, *, user, keep_access_token=None, **kwargs) -> None:
    """A changed sign-in contact signs every other device out (as DELETE /me/sessions?keep_current=true)."""
    keep = selectors.device_session_family_for_token(keep_access_token)
    services.device_sessions_revoke_all(user=user, actor=user, keep_family=keep)
