"""Staff sign-in: the password check under the sign-in lockout and the TOTP second factor (with single-use
backup codes for when the authenticator is not at hand).
The portal's views call these; the session itself (django.contrib.auth.login) is set by the view once a
service has said yes.

The lockout uses the staff limits (PORTAL_LOCKOUT_*) over the shared counters in apps.core.signin_limits:
an account locks after PORTAL_LOCKOUT_MAX_PER_ACCOUNT failures and an IP after PORTAL_LOCKOUT_MAX_PER_IP,
each within PORTAL_LOCKOUT_WINDOW seconds; a lock lasts that long and a successful sign-in clears the
account's count."""

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from apps.accounts import totp, totp_secrets
from apps.accounts.models import StaffBackupCode, StaffTotpDevice
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.core.signin_limits import SignInLimits, signin_failure_record, signin_failures_clear, signin_locked

STAFF_SCOPE = "staff"
GENERIC_SIGN_IN_ERROR = "The e-mail or password is not right."


class SignInError(ApplicationError):
    code = "sign_in_failed"


class TotpError(ApplicationError):
    code = "totp_invalid"


class SignInLocked(ApplicationError):
    code = "sign_in_locked"
    status_code = 429


@dataclass(frozen=True)
class StaffSignIn:
    user: object
    needs_totp: bool


# --- Lockout -----------------------------------------------------------------------------------------


def _limits() -> SignInLimits:
    return SignInLimits(
        max_per_identifier=settings.PORTAL_LOCKOUT_MAX_PER_ACCOUNT,
        max_per_ip=settings.PORTAL_LOCKOUT_MAX_PER_IP,
        window=settings.PORTAL_LOCKOUT_WINDOW,
    )


def lockout_check(*, scope: str, account: str, ip: str) -> None:
    """Raises SignInLocked while the account or the IP is locked."""
    limits = _limits()
    if signin_locked(scope=scope, limits=limits, identifier=account, ip=ip):
        minutes = max(1, limits.window // 60)
        raise SignInLocked(
            f"Too many failed sign-in attempts. Try again in {minutes} minutes.",
            extra={"retry_after": limits.window},
        )


def lockout_record_failure(*, scope: str, account: str, ip: str) -> bool:
    """Counts a failed attempt; True if this failure locked the account or the IP."""
    return signin_failure_record(scope=scope, limits=_limits(), identifier=account, ip=ip)


def lockout_clear(*, scope: str, account: str) -> None:
    signin_failures_clear(scope=scope, identifier=account)


# --- Password and second step ------------------------------------------------------------------------


def _active_staff(user) -> bool:
    member = getattr(user, "staff", None)
    return bool(user and user.is_active and member is not None and member.is_active)


def staff_sign_in_check(*, request, email: str, password: str, ip: str) -> StaffSignIn:
    """Checks a staff member's password under the lockout. Investors and deactivated staff get the
    same answer as a wrong password. Raises SignInLocked or SignInError."""
    email = (email or "").strip()
    lockout_check(scope=STAFF_SCOPE, account=email, ip=ip)
    user = authenticate(request, email=email, password=password or "")
    if user is None or not _active_staff(user):
        locked = lockout_record_failure(scope=STAFF_SCOPE, account=email, ip=ip)
        if locked:
            audit_record(action="portal.sign_in_locked", actor_label=email[:200], extra={"ip": ip})
        raise SignInError(GENERIC_SIGN_IN_ERROR)
    device = StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        lockout_clear(scope=STAFF_SCOPE, account=email)
    return StaffSignIn(user=user, needs_totp=device is not None)


def staff_sign_in_totp_check(*, user, email: str, code: str, ip: str) -> None:
    """The second step for staff with an authenticator: a code from the app or one of the backup codes.
    Wrong codes count against the same lockout."""
    lockout_check(scope=STAFF_SCOPE, account=email, ip=ip)
    try:
        if backup_code_shaped(code):
            staff_backup_code_use(user=user, code=code)
        else:
            staff_totp_verify(user=user, code=code)
    except TotpError:
        lockout_record_failure(scope=STAFF_SCOPE, account=email, ip=ip)
        raise
    lockout_clear(scope=STAFF_SCOPE, account=email)


def staff_signed_in(*, user, ip: str) -> None:
    audit_record(action="portal.signed_in", actor=user, target=user, extra={"ip": ip})


# --- TOTP ------------------------------------------------------------------------------------------


@transaction.atomic
def staff_totp_begin(*, user) -> str:
    """Starts (or restarts) enrolment: a new secret that counts only once confirmed. Returns it, to be
    shown once. Refused while a confirmed device exists (disable it first)."""
    device = StaffTotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        raise TotpError("Two-step sign-in is already on. Turn it off first to enrol another device.")
    secret = totp.secret_generate()
    if device is None:
        StaffTotpDevice.objects.create(user=user, secret_encrypted=totp_secrets.encrypt(secret))
    else:
        device.secret_encrypted = totp_secrets.encrypt(secret)
        device.last_step = -1
        device.save(update_fields=["secret_encrypted", "last_step", "updated_at"])
    return secret


def _verify_locked(device: StaffTotpDevice, code: str) -> None:
    secret = totp_secrets.decrypt(device.secret_encrypted)
    if secret is None:
        raise TotpError("The authenticator can no longer be read. Ask an administrator to reset it.")
    step = totp.totp_match(secret, code, after_step=device.last_step)
    if step is None:
        raise TotpError("The code is not right or was already used.")
    device.last_step = step


@transaction.atomic
def staff_totp_confirm(*, user, code: str) -> StaffTotpDevice:
    device = StaffTotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise TotpError("Start the set-up again.")
    _verify_locked(device, code)
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at", "last_step", "updated_at"])
    audit_record(action="portal.totp_enabled", actor=user, target=user)
    return device


def staff_totp_verify(*, user, code: str) -> None:
    """Checks a code of the confirmed device; each code works once. Raises TotpError."""
    with transaction.atomic():
        device = StaffTotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if device is None:
            raise TotpError("Two-step sign-in is not set up.")
        _verify_locked(device, code)
        device.save(update_fields=["last_step", "updated_at"])


@transaction.atomic
def staff_totp_disable(*, user, code: str) -> None:
    """Turning it off needs a current code, so a stolen session alone cannot remove the second factor."""
    device = StaffTotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise TotpError("Two-step sign-in is not on.")
    _verify_locked(device, code)
    device.delete()
    StaffBackupCode.objects.filter(user=user).delete()
    audit_record(action="portal.totp_disabled", actor=user, target=user)


@transaction.atomic
def staff_totp_enrol(*, user, code: str) -> list[str]:
    """Confirms the authenticator being set up and makes its backup codes; returns them, to show once."""
    staff_totp_confirm(user=user, code=code)
    return _backup_codes_replace(user=user)


# --- Backup codes ----------------------------------------------------------------------------------

BACKUP_CODE_COUNT = 10
# lower case letters and digits a reader cannot confuse (no 0/o, 1/l/i); 10 of them carry ~49 bits
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10


def _backup_code_normal(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch not in " -")


def backup_code_shaped(code: str) -> bool:
    """Whether `code` is written like a backup code (so not an authenticator's six digits)."""
    normal = _backup_code_normal(code)
    return len(normal) == BACKUP_CODE_LENGTH and set(normal) <= set(BACKUP_CODE_ALPHABET)


def _backup_code_hash(code: str) -> str:
    return hashlib.sha256(f"staff-backup-code:{_backup_code_normal(code)}".encode()).hexdigest()


def _backup_code_new() -> str:
    raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _backup_codes_replace(*, user) -> list[str]:
    codes = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(_backup_code_new())
    codes = sorted(codes)
    StaffBackupCode.objects.filter(user=user).delete()
    StaffBackupCode.objects.bulk_create(StaffBackupCode(user=user, code_hash=_backup_code_hash(c)) for c in codes)
    audit_record(action="portal.backup_codes_generated", actor=user, target=user, extra={"count": len(codes)})
    return codes


@transaction.atomic
def staff_backup_codes_regenerate(*, user, code: str) -> list[str]:
    """A new set of backup codes, the old ones void; needs a current authenticator code, so a stolen
    session alone cannot mint codes. Returns the new codes, to show once."""
    device = StaffTotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise TotpError("Two-step sign-in is not on.")
    _verify_locked(device, code)
    device.save(update_fields=["last_step", "updated_at"])
    return _backup_codes_replace(user=user)


def staff_backup_code_use(*, user, code: str) -> int:
    """Spends one backup code of a member with a confirmed authenticator; returns how many are left.
    Raises TotpError for a wrong or spent code."""
    with transaction.atomic():
        if not StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            raise TotpError("Two-step sign-in is not set up.")
        row = (
            StaffBackupCode.objects.select_for_update()
            .filter(user=user, code_hash=_backup_code_hash(code), used_at__isnull=True)
            .first()
        )
        if row is None:
            raise TotpError("The backup code is not right or was already used.")
        row.used_at = timezone.now()
        row.save(update_fields=["used_at", "updated_at"])
        remaining = StaffBackupCode.objects.filter(user=user, used_at__isnull=True).count()
        audit_record(action="portal.backup_code_used", actor=user, target=user, extra={"remaining": remaining})
    return remaining
