"""Writes of apps.accounts: registration, invitations, profile, bank accounts, nominees, KYC, staff.

Each service validates everything before it writes, writes in one transaction, leaves an audit row
(PANs and contact details masked by audit_record) and starts follow-up work only after commit."""

import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.kyc.interface import KycLookup, KycProvider, KycProviderError
from apps.accounts.kyc.registry import kyc_provider
from apps.accounts.models import (
    BankAccount,
    Investor,
    Invitation,
    KycStatus,
    Nominee,
    OtpChallenge,
    StaffMember,
    StaffRole,
)
from apps.accounts.notifiers import OutboundMessage, notifier
from apps.accounts.otp import otp_issue, otp_verify
from apps.accounts.selectors import INVITATION_SALT
from apps.accounts.validators import (
    Identifier,
    InvalidInput,
    account_number_normalize,
    bank_name_for_ifsc,
    identifier_parse,
    ifsc_normalize,
    pan_normalize,
    pincode_normalize,
)
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError, NotFoundError
from apps.core.logging import mask_pan
from apps.notifications.services import kyc_change_notify
from apps.users.models import User

logger = logging.getLogger(__name__)

OTP_PURPOSE_REGISTER = "register"
OTP_PURPOSE_LOGIN = "login"
OTP_PURPOSE_CONTACT = "contact"
OTP_PURPOSE_INVITATION = "invitation"
MAX_BANK_ACCOUNTS = 5
EUIN_PREFIX = "E"


class ProfileError(ApplicationError):
    code = "validation_error"


def _field_error(field: str, message: str) -> ProfileError:
    return ProfileError(message, extra={"fields": {field: [message]}})


def _identifier(value: str, *, field: str = "identifier") -> Identifier:
    try:
        return identifier_parse(value)
    except InvalidInput as exc:
        raise _field_error(field, str(exc)) from None


def _user_with_identifier(identifier: Identifier) -> User | None:
    if identifier.is_email:
        return User.objects.filter(email__iexact=identifier.value).first()
    return User.objects.filter(mobile=identifier.value).first()


def _validate_password(password: str | None, *, user: User | None = None) -> None:
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise ProfileError(
                "Choose a stronger password.", extra={"fields": {"password": list(exc.messages)}}
            ) from None


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- registration and sign-in codes -------------------------------------------------------------------


def registration_otp_send(*, identifier: str) -> OtpChallenge:
    """Sends a sign-up code to an e-mail address or mobile number (limits in apps/accounts/otp.py).
    Whether an account exists is not revealed here: that is only said after the code is proven."""
    parsed = _identifier(identifier)
    return otp_issue(purpose=OTP_PURPOSE_REGISTER, channel=parsed.channel, target=parsed.value)


def login_otp_send(*, identifier: str) -> OtpChallenge | None:
    """Sends a sign-in code when an active account has this identifier; None otherwise (the caller
    answers the same either way)."""
    parsed = _identifier(identifier)
    user = _user_with_identifier(parsed)
    if user is None or not user.is_active:
        return None
    return otp_issue(purpose=OTP_PURPOSE_LOGIN, channel=parsed.channel, target=parsed.value)


def login_otp_verify(*, challenge_id, code: str) -> User:
    challenge = otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_LOGIN)
    user = _user_with_identifier(Identifier(channel=challenge.channel, value=challenge.target))
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
        raise _field_error("full_name", "Name is too long.")
    _validate_password(password)
    challenge = otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_REGISTER)
    identifier = Identifier(channel=challenge.channel, value=challenge.target)
    if _user_with_identifier(identifier) is not None:
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
    from tenants.selectors import distributor_base_url

    return f"{distributor_base_url(distributor=connection.tenant)}/invite/{invitation_token(invitation)}/"


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
        raise _field_error("full_name", "Give the investor's name.")
    if not email and not mobile:
        raise ProfileError("Give an e-mail address or a mobile number.", extra={"fields": {"email": ["required"]}})
    email_id = _identifier(email, field="email") if email else None
    mobile_id = _identifier(mobile, field="mobile") if mobile else None
    if email_id is not None and not email_id.is_email:
        raise _field_error("email", "Give a valid e-mail address.")
    if mobile_id is not None and mobile_id.is_email:
        raise _field_error("mobile", "Give a mobile number.")
    if pan:
        try:
            pan = pan_normalize(pan)
        except InvalidInput as exc:
            raise _field_error("pan", str(exc)) from None
    for identifier in filter(None, [email_id, mobile_id]):
        if _user_with_identifier(identifier) is not None:
            raise ConflictError("This person already has an account here.", code="account_exists")
    if pan and Investor.objects.filter(pan=pan).exists():
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
        message = OutboundMessage(
            channel="email" if email_id else "sms",
            target=invitation.email or invitation.mobile,
            subject=f"{connection.tenant.name} invites you",
            body=f"{connection.tenant.name} invites you to invest with them. Open {link} to create your account.",
        )
        transaction.on_commit(lambda: notifier().send(message))
    return invitation, link


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
            raise _field_error("channel", "This invitation has no mobile number.")
        channel, target = "sms", invitation.mobile
    else:
        if not invitation.email:
            raise _field_error("channel", "This invitation has no e-mail address.")
        channel, target = "email", invitation.email
    return otp_issue(purpose=OTP_PURPOSE_INVITATION, channel=channel, target=target, subject=str(invitation.public_id))


def invitation_accept(*, invitation: Invitation, challenge_id, code: str, password: str | None = None) -> Investor:
    """Creates the investor from the invitation (single use: a second acceptance finds it used)."""
    _validate_password(password)
    challenge = otp_verify(
        challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_INVITATION, subject=str(invitation.public_id)
    )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None or locked.expires_at <= timezone.now():
            raise ConflictError("This invitation link is not valid any more.", code="invitation_used")
        pan = locked.pan if locked.pan and not Investor.objects.filter(pan=locked.pan).exists() else None
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
        if pan:
            investor.kyc_status = KycStatus.PENDING
            investor.save(update_fields=["kyc_status", "updated_at"])
            _kyc_check_after_commit(investor)
    return investor


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
            raise _field_error(field, "Name cannot be empty.")
        return value
    if field == "pincode":
        try:
            return pincode_normalize(value)
        except InvalidInput as exc:
            raise _field_error(field, str(exc)) from None
    if field == "date_of_birth":
        if value is None:
            return None
        if value > timezone.localdate() or value.year < 1900:
            raise _field_error(field, "Give a real date of birth.")
        return value
    if field == "tax_status":
        if value not in Investor.TaxStatus.values:
            raise _field_error(field, "Unknown tax status.")
        return value
    if field == "occupation":
        if value and value not in Investor.Occupation.values:
            raise _field_error(field, "Unknown occupation.")
        return value or ""
    if field == "pan":
        try:
            return pan_normalize(value)
        except InvalidInput as exc:
            raise _field_error(field, str(exc)) from None
    raise _field_error(field, "This field cannot be changed.")


def investor_update_profile(*, investor: Investor, data: dict[str, Any], actor=None) -> Investor:
    """Updates the fields an investor may change. The PAN is locked once KYC is verified; a new PAN
    restarts the KYC check. Anything else in `data` is refused."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ProfileError(
            "Some fields cannot be changed here.", extra={"fields": {f: ["read-only"] for f in sorted(unknown)}}
        )
    with transaction.atomic():
        investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
        cleaned = {field: _clean_profile_value(investor, field, value) for field, value in data.items()}
        born = cleaned.get("date_of_birth", investor.date_of_birth)
        tax_status = cleaned.get("tax_status", investor.tax_status)
        adult_statuses = (Investor.TaxStatus.INDIVIDUAL, Investor.TaxStatus.NRI)
        if born is not None and tax_status in adult_statuses and _age_on(born, timezone.localdate()) < 18:
            raise _field_error("date_of_birth", "Investors under 18 invest through a guardian (tax status minor).")
        pan_changed = "pan" in cleaned and cleaned["pan"] != investor.pan
        if pan_changed:
            if investor.kyc_status == KycStatus.VERIFIED:
                raise ConflictError("Your PAN cannot change once your KYC is verified.", code="pan_locked")
            if Investor.objects.filter(pan=cleaned["pan"]).exclude(pk=investor.pk).exists():
                raise ConflictError("This PAN is already registered here.", code="pan_taken")
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
        audit_record(action="investor.profile_updated", actor=actor, target=investor, extra=extra)
        if pan_changed:
            _kyc_check_after_commit(investor)
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
        raise _field_error("place_of_birth", "Give your country and place of birth.")
    if income_slab not in Investor.IncomeSlab.values:
        raise _field_error("income_slab", "Unknown income slab.")
    if wealth_source not in Investor.WealthSource.values:
        raise _field_error("wealth_source", "Unknown source of wealth.")
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


def contact_change_otp_send(*, investor: Investor, identifier: str) -> OtpChallenge:
    """Adding or changing the e-mail address or mobile number: a code to the new one proves it."""
    parsed = _identifier(identifier)
    return otp_issue(
        purpose=OTP_PURPOSE_CONTACT, channel=parsed.channel, target=parsed.value, subject=str(investor.public_id)
    )


def contact_change_verify(*, investor: Investor, challenge_id, code: str) -> Investor:
    challenge = otp_verify(
        challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_CONTACT, subject=str(investor.public_id)
    )
    identifier = Identifier(channel=challenge.channel, value=challenge.target)
    other = _user_with_identifier(identifier)
    if other is not None and other.pk != investor.user_id:
        raise ConflictError("This contact belongs to another account.", code="contact_taken")
    with transaction.atomic():
        investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
        user = investor.user
        if identifier.is_email:
            user.email, investor.email, field = identifier.value, identifier.value, "email"
        else:
            user.mobile, investor.mobile, field = identifier.value, identifier.value, "mobile"
        try:
            with transaction.atomic():
                user.save(update_fields=[field, "updated_at"])
        except IntegrityError:
            raise ConflictError("This contact belongs to another account.", code="contact_taken") from None
        investor.save(update_fields=[field, "updated_at"])
        audit_record(action="investor.contact_changed", actor=user, target=investor, extra={"field": field})
    return investor


# --- bank accounts ------------------------------------------------------------------------------------


def bank_account_add(
    *,
    investor: Investor,
    account_number: str,
    ifsc: str,
    account_type: str = BankAccount.AccountType.SAVINGS,
    bank_name: str = "",
    make_primary: bool = False,
    actor=None,
) -> BankAccount:
    try:
        number = account_number_normalize(account_number)
    except InvalidInput as exc:
        raise _field_error("account_number", str(exc)) from None
    try:
        ifsc = ifsc_normalize(ifsc)
    except InvalidInput as exc:
        raise _field_error("ifsc", str(exc)) from None
    if account_type not in BankAccount.AccountType.values:
        raise _field_error("account_type", "Unknown account type.")
    nri_types = {BankAccount.AccountType.NRE, BankAccount.AccountType.NRO}
    if account_type in nri_types and investor.tax_status != Investor.TaxStatus.NRI:
        raise _field_error("account_type", "NRE and NRO accounts are for non-resident investors.")
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)  # serialises primary changes
        existing = list(BankAccount.objects.filter(investor=investor))
        if len(existing) >= MAX_BANK_ACCOUNTS:
            raise ConflictError(f"At most {MAX_BANK_ACCOUNTS} bank accounts.", code="too_many_bank_accounts")
        if any(a.account_number == number and a.ifsc == ifsc for a in existing):
            raise ConflictError("This bank account is already registered.", code="bank_account_exists")
        primary = make_primary or not existing
        if primary:
            BankAccount.objects.filter(investor=investor, is_primary=True).update(
                is_primary=False, updated_at=timezone.now()
            )
        account = BankAccount.objects.create(
            investor=investor,
            account_number=number,
            ifsc=ifsc,
            bank_name=(bank_name or "").strip()[:120] or bank_name_for_ifsc(ifsc),
            account_type=account_type,
            is_primary=primary,
        )
        audit_record(
            action="bank_account.added",
            actor=actor,
            target=account,
            extra={"ifsc": ifsc, "account": f"****{number[-4:]}", "primary": primary},
        )
    return account


def bank_account_set_primary(*, investor: Investor, bank_account: BankAccount, actor=None) -> BankAccount:
    with transaction.atomic():
        Investor.objects.select_for_update().get(pk=investor.pk)
        BankAccount.objects.filter(investor=investor, is_primary=True).exclude(pk=bank_account.pk).update(
            is_primary=False, updated_at=timezone.now()
        )
        if not bank_account.is_primary:
            bank_account.is_primary = True
            bank_account.save(update_fields=["is_primary", "updated_at"])
        audit_record(action="bank_account.primary_set", actor=actor, target=bank_account)
    return bank_account


def bank_account_remove(*, investor: Investor, bank_account: BankAccount, actor=None) -> None:
    """Removes an account; if it was the primary one, the oldest remaining becomes primary."""
    with transaction.atomic():
        Investor.objects.select_for_update().get(pk=investor.pk)
        was_primary = bank_account.is_primary
        audit_record(
            action="bank_account.removed",
            actor=actor,
            target=bank_account,
            extra={"ifsc": bank_account.ifsc, "account": f"****{bank_account.account_number[-4:]}"},
        )
        bank_account.delete()
        if was_primary:
            successor = BankAccount.objects.filter(investor=investor).order_by("created_at").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary", "updated_at"])


# --- nominees -------------------------------------------------------------------------------------------


def nominees_replace(*, investor: Investor, nominees: list[dict[str, Any]], opt_out: bool = False, actor=None):
    """Sets the whole nomination at once: up to three nominees whose shares add up to exactly 100, or
    an explicit opt-out (SEBI requires one or the other). A minor nominee needs a guardian."""
    if opt_out and nominees:
        raise _field_error("nominees", "Opt out of nomination or name nominees, not both.")
    if not opt_out and not nominees:
        raise _field_error("nominees", "Name at least one nominee, or opt out.")
    if len(nominees) > Nominee.MAX_PER_INVESTOR:
        raise _field_error("nominees", f"At most {Nominee.MAX_PER_INVESTOR} nominees.")
    today = timezone.localdate()
    rows = []
    total = Decimal("0")
    for index, item in enumerate(nominees):
        name = (item.get("name") or "").strip()
        if not name:
            raise _field_error(f"nominees[{index}].name", "Give the nominee's name.")
        relationship = item.get("relationship")
        if relationship not in Nominee.Relationship.values:
            raise _field_error(f"nominees[{index}].relationship", "Unknown relationship.")
        try:
            share = Decimal(str(item.get("share_percent")))
        except (InvalidOperation, ValueError):
            raise _field_error(f"nominees[{index}].share_percent", "Give the share as a number.") from None
        if not share.is_finite() or share <= 0 or share > 100 or share != share.quantize(Decimal("0.01")):
            raise _field_error(
                f"nominees[{index}].share_percent", "A share is more than 0 and at most 100, two decimals."
            )
        born = item.get("date_of_birth")
        guardian = (item.get("guardian_name") or "").strip()
        if born is not None and born > today:
            raise _field_error(f"nominees[{index}].date_of_birth", "Give a real date of birth.")
        if born is not None and _age_on(born, today) < 18 and not guardian:
            raise _field_error(f"nominees[{index}].guardian_name", "A minor nominee needs a guardian.")
        total += share
        rows.append(
            Nominee(
                investor=investor,
                name=name,
                relationship=relationship,
                date_of_birth=born,
                share_percent=share,
                guardian_name=guardian,
            )
        )
    if rows and total != Decimal("100"):
        raise _field_error("nominees", f"Shares must add up to 100 (they add up to {total.normalize()}).")
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)
        Nominee.objects.filter(investor=investor).delete()
        created = Nominee.objects.bulk_create(rows)
        if investor.nomination_opted_out != opt_out:
            investor.nomination_opted_out = opt_out
            investor.save(update_fields=["nomination_opted_out", "updated_at"])
        audit_record(
            action="investor.nomination_set",
            actor=actor,
            target=investor,
            extra={"nominees": len(created), "opted_out": opt_out},
        )
    return created


# --- KYC ------------------------------------------------------------------------------------------------


def _kyc_check_after_commit(investor: Investor) -> None:
    from apps.accounts.tasks import kyc_check_investor

    investor_id = investor.pk
    transaction.on_commit(lambda: kyc_check_investor.delay(investor_id))


def investor_kyc_check(*, investor: Investor, provider: KycProvider | None = None) -> Investor:
    """Asks the KRA for the investor's PAN status and records it. A provider fault leaves the status
    as it was and is raised (KycProviderError; `transient` says whether to try again)."""
    if not investor.pan:
        return investor
    provider = provider or kyc_provider()
    pan = investor.pan
    try:
        result = provider.pan_status(KycLookup(pan=pan, date_of_birth=investor.date_of_birth))
    except KycProviderError as exc:
        audit_record(
            action="kyc.check_failed",
            actor_label=f"kyc:{provider.name}",
            target=investor,
            extra={"pan": mask_pan(pan), "error": str(exc), "transient": exc.transient},
        )
        raise
    with transaction.atomic():
        investor = Investor.objects.select_for_update().select_related("user").get(pk=investor.pk)
        if investor.pan != pan:
            return investor  # the PAN changed while we asked; its own check is on its way
        previous = investor.kyc_status
        investor.kyc_status = result.status
        investor.kyc_reason = result.reason
        investor.kyc_source_code = result.source_code
        investor.kyc_checked_at = result.checked_at or timezone.now()
        investor.save(update_fields=["kyc_status", "kyc_reason", "kyc_source_code", "kyc_checked_at", "updated_at"])
        if previous != result.status:
            audit_record(
                action="kyc.status_changed",
                actor_label=f"kyc:{provider.name}",
                target=investor,
                extra={"pan": mask_pan(pan), "from": previous, "to": result.status, "code": result.source_code},
            )
            kyc_change_notify(
                investor=investor,
                status_label=KycStatus(result.status).label,
                reason=result.reason or ("You can invest now." if result.status == KycStatus.VERIFIED else ""),
            )
    return investor


def kyc_recheck_due_ids(*, now=None) -> list[int]:
    """Investors whose KYC is still open at the KRA (pending or on hold) and was not asked recently."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.KYC_RECHECK_AFTER_SECONDS)
    return list(
        Investor.objects.filter(pan__isnull=False, kyc_status__in=[KycStatus.PENDING, KycStatus.ON_HOLD])
        .exclude(kyc_checked_at__gt=cutoff)
        .order_by("kyc_checked_at", "id")
        .values_list("id", flat=True)
    )


# --- staff ------------------------------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    email: str,
    role: str,
    full_name: str = "",
    password: str | None = None,
    euin: str = "",
    actor=None,
) -> StaffMember:
    """Creates a staff user in the current tenant schema. Without a password the user gets an unusable
    one and sets it through a one-time link. Relationship managers need their EUIN."""
    role = StaffRole(role)
    euin = (euin or "").strip().upper()
    if role == StaffRole.RELATIONSHIP_MANAGER and not (
        euin.startswith(EUIN_PREFIX) and euin[1:].isdigit() and len(euin) == 7
    ):
        raise _field_error("euin", "A relationship manager needs an EUIN like E123456.")
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    member = StaffMember.objects.create(user=user, role=role, euin=euin)
    audit_record(action="staff.created", actor=actor, target=member, extra={"role": role})
    return member


def staff_create_by(*, actor_staff: StaffMember, email: str, role: str, full_name: str = "", euin: str = ""):
    """A staff member adds a colleague. Only owners create owners."""
    from apps.accounts.permissions import Capability, role_has_capability

    if role not in StaffRole.values:
        raise _field_error("role", "Unknown role.")
    if role == StaffRole.OWNER and not role_has_capability(actor_staff.role, Capability.OWNERS_MANAGE):
        raise ApplicationError("Only an owner can add another owner.", code="permission_denied", status_code=403)
    try:
        email_id = identifier_parse(email)
    except InvalidInput as exc:
        raise _field_error("email", str(exc)) from None
    if not email_id.is_email:
        raise _field_error("email", "Staff sign in with an e-mail address.")
    if User.objects.filter(email__iexact=email_id.value).exists():
        raise ConflictError("A user with this e-mail address exists.", code="account_exists")
    return staff_create(email=email_id.value, role=role, full_name=full_name, euin=euin, actor=actor_staff.user)


@transaction.atomic
def staff_update_by(*, actor_staff: StaffMember, member_id: int, role: str, is_active: bool, euin: str = ""):
    """An owner or admin changes a colleague's role or (de)activates them. Only owners touch owners; the
    last active owner stays; a deactivated member can no longer sign in (their sessions stop working)."""
    from apps.accounts.permissions import Capability, role_has_capability

    if not role_has_capability(actor_staff.role, Capability.STAFF_MANAGE):
        raise ApplicationError("You may not manage staff.", code="permission_denied", status_code=403)
    member = StaffMember.objects.select_for_update().select_related("user").filter(pk=member_id).first()
    if member is None:
        raise NotFoundError("No such staff member.")
    if role not in StaffRole.values:
        raise _field_error("role", "Unknown role.")
    touches_owner = StaffRole.OWNER in (member.role, role)
    if touches_owner and not role_has_capability(actor_staff.role, Capability.OWNERS_MANAGE):
        raise ApplicationError("Only an owner can change an owner.", code="permission_denied", status_code=403)
    loses_owner = member.role == StaffRole.OWNER and member.is_active and (role != StaffRole.OWNER or not is_active)
    if loses_owner:
        owners = StaffMember.objects.select_for_update().filter(role=StaffRole.OWNER, is_active=True)
        if owners.count() <= 1:
            raise ApplicationError("The distributor must keep at least one active owner.", code="last_owner")
    euin = (euin or member.euin or "").strip().upper()
    if role == StaffRole.RELATIONSHIP_MANAGER and not (
        euin.startswith(EUIN_PREFIX) and euin[1:].isdigit() and len(euin) == 7
    ):
        raise _field_error("euin", "A relationship manager needs an EUIN like E123456.")
    before = {"role": member.role, "is_active": member.is_active}
    member.role, member.is_active, member.euin = role, is_active, euin
    member.save(update_fields=["role", "is_active", "euin", "updated_at"])
    if member.user.is_active != is_active:
        member.user.is_active = is_active
        member.user.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action="staff.updated",
        actor=actor_staff.user,
        target=member,
        extra={"before": before, "after": {"role": role, "is_active": is_active}},
    )
    return member
