"""The investor's profile: personal details, the FATCA declaration, a verified change of contact."""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import (
    Investor,
    InvestorReview,
    KycStatus,
    OtpChallenge,
)
from apps.accounts.notifiers import OutboundMessage, notifier
from apps.accounts.otp import OtpError, otp_issue, otp_verify
from apps.accounts.selectors import investor_by_pan
from apps.accounts.services.common import (
    OTP_PURPOSE_CONTACT,
    ProfileError,
    age_on,
    field_error,
    identifier_or_error,
    user_with_identifier,
)
from apps.accounts.services.kyc import kyc_check_after_commit
from apps.accounts.services.reviews import investor_review_open
from apps.accounts.signals import contact_changed
from apps.accounts.validators import (
    Identifier,
    InvalidInput,
    pan_normalize,
    pincode_normalize,
)
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.core.logging import mask_pan, mask_text
from apps.core.models import AuditLog

# --- profile --------------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "full_name",
    "date_of_birth",
    "tax_status",
    "occupation",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "pincode",
    "country",
    "pan",
)


def _clean_profile_value(investor: Investor, field: str, value: Any) -> Any:
    if field in ("full_name", "address_line1", "address_line2", "city", "state", "country"):
        value = (value or "").strip()
        if field == "full_name" and not value:
            raise field_error(field, "Name cannot be empty.")
        return value
    if field == "pincode":
        try:
            return pincode_normalize(value)
        except InvalidInput as exc:
            raise field_error(field, str(exc)) from None
    if field == "date_of_birth":
        if value is None:
            return None
        if value > timezone.localdate() or value.year < 1900:
            raise field_error(field, "Give a real date of birth.")
        return value
    if field == "tax_status":
        if value not in Investor.TaxStatus.values:
            raise field_error(field, "Unknown tax status.")
        return value
    if field == "occupation":
        if value and value not in Investor.Occupation.values:
            raise field_error(field, "Unknown occupation.")
        return value or ""
    if field == "pan":
        try:
            return pan_normalize(value)
        except InvalidInput as exc:
            raise field_error(field, str(exc)) from None
    raise field_error(field, "This field cannot be changed.")


PAN_CHANGED_ACTION = "investor.pan_changed"
PAN_CHANGE_MAX = 3  # PANs set or changed per investor in PAN_CHANGE_WINDOW
PAN_CHANGE_WINDOW = timedelta(days=7)


class _DuplicatePan(Exception):
    def __init__(self, pan: str):
        self.pan = pan


def investor_update_profile(*, investor: Investor, data: dict[str, Any], actor=None) -> Investor:
    """Updates the fields an investor may change. The PAN is locked once KYC is verified, may be set or
    changed at most PAN_CHANGE_MAX times a week, and a PAN another investor here holds is refused with a
    staff review item (the same person twice, or a mistyped PAN). A new PAN restarts the KYC check.
    Anything else in `data` is refused."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ProfileError(
            "Some fields cannot be changed here.", extra={"fields": {f: ["read-only"] for f in sorted(unknown)}}
        )
    try:
        return _profile_update(investor=investor, data=data, actor=actor)
    except _DuplicatePan as duplicate:
        # nothing of the update was kept; staff hear of it all the same
        investor_review_open(
            investor=investor,
            kind=InvestorReview.Kind.PAN_DUPLICATE,
            detail=f"Tried to use PAN {mask_pan(duplicate.pan)}, which another investor of this distributor holds.",
        )
        raise ConflictError(
            "This PAN is already registered with another account here. We have asked your distributor to look "
            "into it: check the PAN, or contact them.",
            code="pan_taken",
        ) from None


def _pan_change_limit_check(investor: Investor) -> None:
    since = timezone.now() - PAN_CHANGE_WINDOW
    changes = AuditLog.objects.filter(
        action=PAN_CHANGED_ACTION, target_type=Investor._meta.label, target_id=str(investor.pk), created_at__gte=since
    ).count()
    if changes >= PAN_CHANGE_MAX:
        raise ApplicationError(
            f"Your PAN was changed {changes} times in the last {PAN_CHANGE_WINDOW.days} days. Contact your "
            "distributor to change it again.",
            code="pan_change_limit",
            status_code=429,
            extra={"retry_after": int(PAN_CHANGE_WINDOW.total_seconds())},
        )


@transaction.atomic
def _profile_update(*, investor: Investor, data: dict[str, Any], actor) -> Investor:
    investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
    cleaned = {field: _clean_profile_value(investor, field, value) for field, value in data.items()}
    born = cleaned.get("date_of_birth", investor.date_of_birth)
    tax_status = cleaned.get("tax_status", investor.tax_status)
    adult_statuses = (Investor.TaxStatus.INDIVIDUAL, Investor.TaxStatus.NRI)
    if born is not None and tax_status in adult_statuses and age_on(born, timezone.localdate()) < 18:
        raise field_error("date_of_birth", "Investors under 18 invest through a guardian (tax status minor).")
    pan_changed = "pan" in cleaned and cleaned["pan"] != investor.pan
    if pan_changed:
        if investor.kyc_status == KycStatus.VERIFIED:
            raise ConflictError("Your PAN cannot change once your KYC is verified.", code="pan_locked")
        _pan_change_limit_check(investor)
        if investor_by_pan(pan=cleaned["pan"], exclude=investor) is not None:
            raise _DuplicatePan(cleaned["pan"])
    changed = [field for field, value in cleaned.items() if getattr(investor, field) != value]
    for field in changed:
        setattr(investor, field, cleaned[field])
    if pan_changed:
        investor.kyc_status = KycStatus.PENDING
        investor.kyc_reason = "Checking with the KRA."
        investor.kyc_source_code = ""
        changed += ["kyc_status", "kyc_reason", "kyc_source_code"]
    if "full_name" in changed:
        investor.user.full_name = investor.full_name
        investor.user.save(update_fields=["full_name", "updated_at"])
    if not changed:
        return investor
    investor.save(update_fields=[*changed, "updated_at"])
    extra: dict[str, Any] = {"fields": sorted(set(changed))}
    if pan_changed:
        extra["pan"] = mask_pan(investor.pan)
        audit_record(action=PAN_CHANGED_ACTION, actor=actor, target=investor, extra={"pan": mask_pan(investor.pan)})
    audit_record(action="investor.profile_updated", actor=actor, target=investor, extra=extra)
    if pan_changed:
        kyc_check_after_commit(investor=investor)
    return investor


def investor_declare_fatca(
    *,
    investor: Investor,
    country_of_birth: str,
    place_of_birth: str,
    income_slab: str,
    wealth_source: str,
    politically_exposed: bool,
    tax_resident_outside_india: bool,
    actor=None,
) -> Investor:
    country_of_birth, place_of_birth = (country_of_birth or "").strip(), (place_of_birth or "").strip()
    if not country_of_birth or not place_of_birth:
        raise field_error("place_of_birth", "Give your country and place of birth.")
    if income_slab not in Investor.IncomeSlab.values:
        raise field_error("income_slab", "Unknown income slab.")
    if wealth_source not in Investor.WealthSource.values:
        raise field_error("wealth_source", "Unknown source of wealth.")
    if tax_resident_outside_india:
        # reporting of foreign tax residency (TIN per country) is done with the distributor, on paper
        raise ConflictError(
            "Investors who are tax residents of another country must complete FATCA with the distributor.",
            code="fatca_foreign_tax_residency",
        )
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)
        investor.country_of_birth = country_of_birth
        investor.place_of_birth = place_of_birth
        investor.income_slab = income_slab
        investor.wealth_source = wealth_source
        investor.politically_exposed = politically_exposed
        investor.tax_resident_outside_india = tax_resident_outside_india
        investor.fatca_declared_at = timezone.now()
        investor.save(
            update_fields=[
                "country_of_birth",
                "place_of_birth",
                "income_slab",
                "wealth_source",
                "politically_exposed",
                "tax_resident_outside_india",
                "fatca_declared_at",
                "updated_at",
            ]
        )
        audit_record(action="investor.fatca_declared", actor=actor, target=investor)
    return investor


@dataclass(frozen=True)
class ContactChallenges:
    new: OtpChallenge  # proves the new e-mail address or mobile number
    current: OtpChallenge  # proves the person holds a contact the account already has


def _current_contact(investor: Investor, channel: str) -> Identifier:
    """The contact already on the account that must confirm a change: the one being replaced, else the
    other one (adding an e-mail address is confirmed from the mobile, and the other way round)."""
    user = investor.user
    email, mobile = Identifier("email", user.email or ""), Identifier("sms", user.mobile or "")
    ordered = (email, mobile) if channel == "email" else (mobile, email)
    for contact in ordered:
        if contact.value:
            return contact
    raise ConflictError("This account has no contact to confirm the change from.", code="contact_missing")


def contact_change_otp_send(*, investor: Investor, identifier: str) -> ContactChallenges:
    """Adding or changing the e-mail address or mobile number used for codes: one code to the new
    contact, and one to the current contact (the same kind, else the other), so that a stolen session
    alone cannot move the account's codes elsewhere."""
    parsed = identifier_or_error(identifier)
    if parsed.value in {(investor.user.email or "").lower(), investor.user.mobile or ""}:
        raise field_error("identifier", "This is already your contact.")
    current = _current_contact(investor, parsed.channel)
    new = otp_issue(
        purpose=OTP_PURPOSE_CONTACT, channel=parsed.channel, target=parsed.value, subject=str(investor.public_id)
    )
    confirm = otp_issue(
        purpose=OTP_PURPOSE_CONTACT,
        channel=current.channel,
        target=current.value,
        subject=_current_subject(new),
        what=f"to confirm changing your contact details to {mask_text(parsed.value)}",
    )
    return ContactChallenges(new=new, current=confirm)


def _current_subject(new: OtpChallenge) -> str:
    return f"current:{new.public_id}"


def contact_change_verify(
    *,
    investor: Investor,
    challenge_id,
    code: str,
    current_challenge_id,
    current_code: str,
    keep_session_key: str = "",
    keep_access_token=None,
) -> Investor:
    """Both codes proven, the contact changes; a notice goes to the contact it replaces; every other
    sign-in of the user ends (web sessions but `keep_session_key`, device sessions and their refresh
    tokens but the one of `keep_access_token`)."""
    pending = OtpChallenge.objects.filter(
        public_id=challenge_id, purpose=OTP_PURPOSE_CONTACT, subject=str(investor.public_id), consumed_at=None
    ).first()
    if pending is None:
        raise OtpError("Unknown verification request.")
    # the current contact's code first: a wrong one leaves the new contact's code unused
    confirmation = otp_verify(
        challenge_id=current_challenge_id,
        code=current_code,
        purpose=OTP_PURPOSE_CONTACT,
        subject=_current_subject(pending),
    )
    challenge = otp_verify(
        challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_CONTACT, subject=str(investor.public_id)
    )
    identifier = Identifier(channel=challenge.channel, value=challenge.target)
    other = user_with_identifier(identifier)
    if other is not None and other.pk != investor.user_id:
        raise ConflictError("This contact belongs to another account.", code="contact_taken")
    with transaction.atomic():
        investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
        user = investor.user
        if confirmation.target not in {(user.email or "").lower(), (user.mobile or "").lower()}:
            raise ConflictError("Your contact details changed meanwhile. Start again.", code="contact_moved_on")
        field = "email" if identifier.is_email else "mobile"
        previous = getattr(user, field) or ""
        setattr(user, field, identifier.value)
        setattr(investor, field, identifier.value)
        try:
            with transaction.atomic():
                user.save(update_fields=[field, "updated_at"])
        except IntegrityError:
            raise ConflictError("This contact belongs to another account.", code="contact_taken") from None
        investor.save(update_fields=[field, "updated_at"])
        audit_record(
            action="investor.contact_changed",
            actor=user,
            target=investor,
            extra={"field": field, "from": mask_text(previous), "to": mask_text(identifier.value)},
        )
        ended = _other_web_sessions_end(user=user, keep_session_key=keep_session_key)
        contact_changed.send(sender=Investor, user=user, keep_access_token=keep_access_token)
        audit_record(action="investor.signed_out_elsewhere", actor=user, target=investor, extra={"web": ended})
        if previous:
            _old_contact_notice(field=field, previous=previous, new=identifier.value)
    return investor


def _old_contact_notice(*, field: str, previous: str, new: str) -> None:
    noun = "e-mail address" if field == "email" else "mobile number"
    message = OutboundMessage(
        channel="email" if field == "email" else "sms",
        target=previous,
        subject=f"Your {noun} was changed",
        body=(
            f"The {noun} of your investment account was changed to {mask_text(new)}, and you were signed out "
            "everywhere else. If this was not you, contact your distributor at once."
        ),
    )
    transaction.on_commit(lambda: notifier().send(message))


def _other_web_sessions_end(*, user, keep_session_key: str) -> int:
    """Ends the user's other web sessions. Sessions are found by reading the live ones: a contact change
    is rare, and this keeps the session store as Django has it."""
    ended = 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep_session_key or None)
    for session in live.iterator(chunk_size=500):
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
