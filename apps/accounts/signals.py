"""Events of apps.accounts that other apps act on without accounts importing them.

contact_changed: sent by the contact-change service, inside its transaction, once the investor's e-mail
address or mobile number changed. Receivers end what their app holds of the user's sign-ins (apps.oauth
revokes every device session and its refresh tokens but the one of `keep_access_token`).
Arguments: user, keep_access_token (the access token of the request that made the change, or None)."""

from django.dispatch import Signal

contact_changed = Signal()
