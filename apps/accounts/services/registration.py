"""Sign-up and sign-in codes, registration, and invitations by staff (an invited investor registers
with the code sent to them)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import (
    Investor,
    InvestorReview,
    Invitation,
    KycStatus,
    OtpChallenge,
    StaffMember,
    StaffRole,
)
from apps.accounts.notifiers import OutboundMessage, notifier
from apps.accounts.otp import otp_issue, otp_verify
from apps.accounts.selectors import INVITATION_SALT, investor_by_pan, investor_pan_taken
from apps.accounts.services.common import (
    OTP_PURPOSE_INVITATION,
    OTP_PURPOSE_LOGIN,
    OTP_PURPOSE_REGISTER,
    ProfileError,
    field_error,
    identifier_or_error,
    password_check,
    user_with_identifier,
)
from apps.accounts.services.kyc import kyc_check_after_commit
from apps.accounts.services.reviews import investor_review_open
from apps.accounts.validators import (
    Identifier,
    InvalidInput,
    pan_normalize,
)
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.core.logging import mask_pan
from apps.users.models import User
from tenants.selectors import distributor_base_url

# --- registration and sign-in codes -------------------------------------------------------------------


def registration_otp_send(*, identifier: str) -> OtpChallenge:
    """Sends a sign-up code to an e-mail address or mobile number (limits in apps/accounts/otp.py).
    Whether an account exists is not revealed here: that is only said after the code is proven."""
    parsed = identifier_or_error(identifier)
    return otp_issue(purpose=OTP_PURPOSE_REGISTER, channel=parsed.channel, target=parsed.value)


def login_otp_send(*, identifier: str) -> OtpChallenge | None:
    """Sends a sign-in code when an active account has this identifier; None otherwise (the caller
    answers the same either way)."""
    parsed = identifier_or_error(identifier)
    user = user_with_identifier(parsed)
    if user is None or not user.is_active:
        return None
    return otp_issue(purpose=OTP_PURPOSE_LOGIN, channel=parsed.channel, target=parsed.value)


def login_otp_verify(*, challenge_id, code: str) -> User:
    challenge = otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_LOGIN)
    user = user_with_identifier(Identifier(channel=challenge.channel, value=challenge.target))
    if user is None or not user.is_active:
        raise ApplicationError("This account cannot sign in.", code="account_inactive")
    return user


def _create_investor_user(
    *, identifier: Identifier, full_name: str, password: str | None, pan: str | None = None, rm=None
) -> Investor:
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=identifier.value if identifier.is_email else None,
                mobile=None if identifier.is_email else identifier.value,
                password=password,
                full_name=full_name,
            )
            investor = Investor.objects.create(
                user=user,
                full_name=full_name,
                email=user.email or "",
                mobile=user.mobile or "",
                pan=pan or None,
                relationship_manager=rm,
            )
    except IntegrityError:
        raise ConflictError(
            "An account with this e-mail address or mobile number already exists. Sign in instead.",
            code="account_exists",
        ) from None
    return investor


def investor_register(
    *, challenge_id, code: str, full_name: str = "", password: str | None = None, request_ip: str = ""
) -> Investor:
    """Creates the investor once the sign-up code is proven. The password is optional: investors may
    sign in with codes only."""
    full_name = (full_name or "").strip()
    if len(full_name) > 200:
        raise field_error("full_name", "Name is too long.")
    password_check(password)
    challenge = otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_REGISTER)
    identifier = Identifier(channel=challenge.channel, value=challenge.target)
    if user_with_identifier(identifier) is not None:
        raise ConflictError(
            "An account with this e-mail address or mobile number already exists. Sign in instead.",
            code="account_exists",
        )
    with transaction.atomic():
        investor = _create_investor_user(identifier=identifier, full_name=full_name, password=password)
        audit_record(
            action="investor.registered",
            actor=investor.user,
            target=investor,
            extra={"channel": identifier.channel, "ip": request_ip},
        )
    return investor


# --- invitations by staff -----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    """The invitation page itself (/web/invite/<token>/); the older /invite/<token>/ still redirects to it."""
    return f"{distributor_base_url(distributor=connection.tenant)}/web/invite/{invitation_token(invitation)}/"


def _invitation_messages(invitation: Invitation, link: str) -> list[OutboundMessage]:
    """One message per contact the distributor gave: the e-mail address and the mobile number."""
    name = connection.tenant.name
    body = f"{name} invites you to invest with them. Open {link} to create your account."
    contacts = [("email", invitation.email), ("sms", invitation.mobile)]
    return [
        OutboundMessage(channel=channel, target=target, subject=f"{name} invites you", body=body)
        for channel, target in contacts
        if target
    ]


def _invitation_send_after_commit(invitation: Invitation, link: str) -> None:
    messages = _invitation_messages(invitation, link)

    def send() -> None:
        for message in messages:
            notifier().send(message)

    transaction.on_commit(send)


def invitation_create(
    *,
    staff: StaffMember,
    full_name: str,
    email: str = "",
    mobile: str = "",
    pan: str = "",
    relationship_manager: StaffMember | None = None,
) -> tuple[Invitation, str]:
    """An invitation to register, pre-filled with what the distributor already knows. Returns it with
    its link (also sent to the invitee)."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise field_error("full_name", "Give the investor's name.")
    if not email and not mobile:
        raise ProfileError("Give an e-mail address or a mobile number.", extra={"fields": {"email": ["required"]}})
    email_id = identifier_or_error(email, field="email") if email else None
    mobile_id = identifier_or_error(mobile, field="mobile") if mobile else None
    if email_id is not None and not email_id.is_email:
        raise field_error("email", "Give a valid e-mail address.")
    if mobile_id is not None and mobile_id.is_email:
        raise field_error("mobile", "Give a mobile number.")
    if pan:
        try:
            pan = pan_normalize(pan)
        except InvalidInput as exc:
            raise field_error("pan", str(exc)) from None
    for identifier in filter(None, [email_id, mobile_id]):
        if user_with_identifier(identifier) is not None:
            raise ConflictError("This person already has an account here.", code="account_exists")
    if pan and investor_pan_taken(pan=pan):
        raise ConflictError("An investor with this PAN already exists here.", code="pan_taken")
    if staff.role == StaffRole.RELATIONSHIP_MANAGER:
        relationship_manager = staff  # an RM's invitations join the RM's own book
    with transaction.atomic():
        invitation = Invitation.objects.create(
            invited_by=staff,
            relationship_manager=relationship_manager,
            full_name=full_name,
            email=email_id.value if email_id else "",
            mobile=mobile_id.value if mobile_id else "",
            pan=pan,
            expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS),
        )
        link = invitation_url(invitation)
        audit_record(action="invitation.created", actor=staff.user, target=invitation)
        _invitation_send_after_commit(invitation, link)
    return invitation, link


def invitation_resend(*, invitation: Invitation, staff: StaffMember) -> tuple[Invitation, str]:
    """Sends a pending invitation again, to every contact on it, with its validity renewed from now (the
    invitation fetched through access_invitation_by_id). Accepted and revoked invitations are refused."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ConflictError("This invitation was already accepted.", code="invitation_used")
        if locked.revoked_at is not None:
            raise ConflictError("This invitation was revoked; invite the investor again.", code="invitation_revoked")
        locked.expires_at = timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS)
        locked.save(update_fields=["expires_at", "updated_at"])
        link = invitation_url(locked)
        audit_record(action="invitation.resent", actor=staff.user, target=locked)
        _invitation_send_after_commit(locked, link)
    return locked, link


def invitation_revoke(*, invitation: Invitation, staff: StaffMember) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ConflictError("This invitation was already accepted.", code="invitation_used")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at", "updated_at"])
            audit_record(action="invitation.revoked", actor=staff.user, target=invitation)
    return invitation


def invitation_otp_send(*, invitation: Invitation, channel: str = "") -> OtpChallenge:
    """The code goes to the contact the distributor invited, which the invitee thereby proves."""
    if channel == "sms" or (not channel and not invitation.email):
        if not invitation.mobile:
            raise field_error("channel", "This invitation has no mobile number.")
        channel, target = "sms", invitation.mobile
    else:
        if not invitation.email:
            raise field_error("channel", "This invitation has no e-mail address.")
        channel, target = "email", invitation.email
    return otp_issue(purpose=OTP_PURPOSE_INVITATION, channel=channel, target=target, subject=str(invitation.public_id))


def invitation_accept(*, invitation: Invitation, challenge_id, code: str, password: str | None = None) -> Investor:
    """Creates the investor from the invitation (single use: a second acceptance finds it used)."""
    password_check(password)
    challenge = otp_verify(
        challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_INVITATION, subject=str(invitation.public_id)
    )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None or locked.expires_at <= timezone.now():
            raise ConflictError("This invitation link is not valid any more.", code="invitation_used")
        duplicate_pan = bool(locked.pan) and investor_by_pan(pan=locked.pan) is not None
        pan = locked.pan if locked.pan and not duplicate_pan else None
        investor = _create_investor_user(
            identifier=Identifier(channel=challenge.channel, value=challenge.target),
            full_name=locked.full_name,
            password=password,
            pan=pan,
            rm=locked.relationship_manager,
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = investor.user
        locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_record(action="invitation.accepted", actor=investor.user, target=locked)
        if duplicate_pan:
            # the invited PAN is another investor's here: the account opens without it, and staff look
            investor_review_open(
                investor=investor,
                kind=InvestorReview.Kind.PAN_DUPLICATE,
                detail=f"Invited with PAN {mask_pan(locked.pan)}, which another investor of this distributor holds.",
            )
        if pan:
            investor.kyc_status = KycStatus.PENDING
            investor.save(update_fields=["kyc_status", "updated_at"])
            kyc_check_after_commit(investor=investor)
    return investor
