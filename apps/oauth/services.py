"""Writes of the OAuth side: device sessions (refresh-token families), authorization-code claims and
the distributor's mobile-app client."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model, get_refresh_token_model

from apps.accounts.services.password_reset import password_reset_complete
from apps.core.audit import audit_record
from apps.oauth.models import AuthorizationCodeUse, DeviceSession

logger = logging.getLogger(__name__)

MOBILE_APP_NAME = "Mobile app"


def _family_revoke(token_family: uuid.UUID) -> None:
    """Revokes every refresh token of the family and deletes its access tokens (DOT's set-based
    family revocation), so the JWTs it issued stop working at once."""
    get_refresh_token_model().revoke_family(token_family)


# --- device sessions ---------------------------------------------------------------------------------


def device_session_start(
    *,
    user,
    application,
    token_family: uuid.UUID,
    device_name: str = "",
    user_agent: str = "",
    ip_address: str | None = None,
) -> DeviceSession:
    now = timezone.now()
    return DeviceSession.objects.create(
        user=user,
        application=application,
        token_family=token_family,
        device_name=(device_name or "").strip()[:100],
        user_agent=(user_agent or "")[:300],
        ip_address=ip_address or None,
        last_used_at=now,
        expires_at=now + timedelta(seconds=settings.OAUTH_SESSION_ABSOLUTE_SECONDS),
    )


def device_session_touch(*, token_family: uuid.UUID) -> None:
    DeviceSession.objects.filter(token_family=token_family).update(
        last_used_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def device_session_revoke(*, session: DeviceSession, reason: str, actor=None) -> DeviceSession:
    """Signs one device out: its refresh tokens stop refreshing and its access tokens stop working."""
    _family_revoke(session.token_family)
    if session.revoked_at is None:
        session.revoked_at = timezone.now()
        session.revoked_reason = reason
        session.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit_record(
        action="oauth.session_revoked",
        actor=actor,
        target=session,
        extra={"reason": reason, "device": session.device_name},
    )
    return session


@transaction.atomic
def device_sessions_revoke_all(*, user, actor=None, keep_family: uuid.UUID | None = None) -> int:
    """Signs every device of `user` out (but the one holding `keep_family`, when given)."""
    sessions = DeviceSession.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if keep_family is not None:
        sessions = sessions.exclude(token_family=keep_family)
    count = 0
    for session in sessions:
        device_session_revoke(session=session, reason="user_signed_out_all", actor=actor)
        count += 1
    return count


def device_session_mark_compromised(*, token_family: uuid.UUID, reason: str) -> None:
    """A replayed refresh token or authorization code: the family was revoked by the validator; the
    session shows it and the audit log keeps the event."""
    session = DeviceSession.objects.filter(token_family=token_family).first()
    if session is None:
        return
    if session.revoked_at is None:
        session.revoked_at = timezone.now()
        session.revoked_reason = reason
        session.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit_record(action=f"oauth.{reason}", actor=session.user, target=session, extra={"device": session.device_name})
    logger.warning("OAuth %s: token family revoked", reason)


# --- authorization codes --------------------------------------------------------------------------------


def code_use_claim(*, application, code_checksum: str) -> bool:
    """Claims an authorization code for its one exchange. False when it was claimed before."""
    try:
        with transaction.atomic():
            AuthorizationCodeUse.objects.create(application=application, code_checksum=code_checksum)
    except IntegrityError:
        return False
    return True


def code_use_replayed(*, application, code_checksum: str) -> bool:
    """A code is presented again. Marks the replay and revokes the tokens the first exchange issued
    (RFC 6749 section 4.1.2). Returns True when the code had indeed been used before."""
    with transaction.atomic():
        use = (
            AuthorizationCodeUse.objects.select_for_update()
            .filter(application=application, code_checksum=code_checksum)
            .first()
        )
        if use is None:
            return False
        if use.replayed_at is None:
            use.replayed_at = timezone.now()
            use.save(update_fields=["replayed_at", "updated_at"])
        family = use.token_family
    if family is not None:
        _family_revoke(family)
        device_session_mark_compromised(token_family=family, reason="authorization_code_replayed")
    else:
        audit_record(action="oauth.authorization_code_replayed", actor_label=f"client {application.client_id}")
    return True


def code_use_record_issue(*, application, code_checksum: str, token_family: uuid.UUID | None) -> bool:
    """Remembers which refresh-token family a code's exchange issued. Returns True when the code was
    replayed meanwhile, in which case the caller must revoke what it just issued."""
    with transaction.atomic():
        use = (
            AuthorizationCodeUse.objects.select_for_update()
            .filter(application=application, code_checksum=code_checksum)
            .first()
        )
        if use is None:
            return False
        use.token_family = token_family
        use.save(update_fields=["token_family", "updated_at"])
        return use.replayed_at is not None


def code_uses_clear(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Claims outlive their codes (60 s) only to catch replays; a day is plenty."""
    deleted, _ = AuthorizationCodeUse.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


# --- the distributor's mobile app ---------------------------------------------------------------------


def mobile_app_redirect_uri(*, schema_name: str) -> str:
    scheme = schema_name.replace("_", "-").lower()
    return settings.MOBILE_APP_REDIRECT_URI_TEMPLATE.format(scheme=scheme, schema=schema_name)


def mobile_app_ensure(*, schema_name: str, actor=None):
    """The distributor's white-label mobile app as an OAuth client, in the current tenant schema:
    public (no secret: an app cannot keep one), Authorization Code + PKCE only, one exact redirect URI,
    ID tokens signed with RS256, no consent screen (the app is the distributor's own). Idempotent."""
    application_model = get_application_model()
    existing = application_model.objects.filter(name=MOBILE_APP_NAME).first()
    if existing is not None:
        return existing
    redirect_uri = mobile_app_redirect_uri(schema_name=schema_name)
    application = application_model(
        name=MOBILE_APP_NAME,
        client_type=application_model.CLIENT_PUBLIC,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=application_model.RS256_ALGORITHM,
        skip_authorization=True,
        client_secret="",
        hash_client_secret=False,
    )
    application.save()
    audit_record(
        action="oauth.application_created",
        actor=actor,
        actor_label="" if actor is not None else "onboarding",
        target=application,
        extra={"client_id": application.client_id, "redirect_uri": redirect_uri},
    )
    return application


def investor_password_reset(*, challenge_id, code: str, password: str):
    """A forgotten password replaced with a code (apps.accounts.services.password_reset), then every device
    signed out: its refresh tokens stop refreshing. Web sessions end too, as the password they were signed in
    with is gone (Django checks each session's password hash)."""
    user = password_reset_complete(challenge_id=challenge_id, code=code, password=password)
    device_sessions_revoke_all(user=user, actor=user)
    return user
