"""Write services of the portal: staff sign-in checks, the TOTP second factor and branding settings.
Views call these; the session itself (django.contrib.auth.login) is set by the view once a service
has said yes."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.portal import crypto, totp
from apps.portal.colours import MIN_TEXT_CONTRAST, WHITE, contrast_ratio
from apps.portal.lockout import lockout_check, lockout_clear, lockout_record_failure
from apps.portal.models import StaffTotpDevice
from tenants.models import COLOUR_RE, Branding

STAFF_SCOPE = "staff"
GENERIC_SIGN_IN_ERROR = "The e-mail or password is not right."


class SignInError(ApplicationError):
    code = "sign_in_failed"


class TotpError(ApplicationError):
    code = "totp_invalid"


@dataclass(frozen=True)
class StaffSignIn:
    user: object
    needs_totp: bool


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
    """The second step for staff with an authenticator: wrong codes count against the same lockout."""
    lockout_check(scope=STAFF_SCOPE, account=email, ip=ip)
    try:
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
        StaffTotpDevice.objects.create(user=user, secret_encrypted=crypto.encrypt(secret))
    else:
        device.secret_encrypted = crypto.encrypt(secret)
        device.last_step = -1
        device.save(update_fields=["secret_encrypted", "last_step", "updated_at"])
    return secret


def _verify_locked(device: StaffTotpDevice, code: str) -> None:
    secret = crypto.decrypt(device.secret_encrypted)
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
    audit_record(action="portal.totp_disabled", actor=user, target=user)


# --- Branding --------------------------------------------------------------------------------------


class BrandingError(ApplicationError):
    code = "invalid_branding"


LOGO_MAX_BYTES_DEFAULT = 512 * 1024
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}


def _logo_kind(data: bytes) -> str | None:
    """The logo's real type from its content (never from its name or the browser's claim)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return "svg"
    return None


_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}


def _svg_check(data: bytes) -> None:
    """An SVG is a document that can carry scripts: accept only plain drawings. No DTD or entities
    (entity expansion), no scripts or event handlers, no links out of the file."""
    import xml.etree.ElementTree as ET  # noqa: S405 - DTDs are refused before parsing

    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise BrandingError("SVG logos may not contain a DOCTYPE or entities.")
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError:
        raise BrandingError("The SVG file cannot be read.") from None
    if root.tag.rsplit("}", 1)[-1].lower() != "svg":
        raise BrandingError("The file is not an SVG image.")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in _SVG_FORBIDDEN_TAGS:
            raise BrandingError(f"SVG logos may not contain <{tag}> elements.")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise BrandingError("SVG logos may not contain event handlers.")
            if local == "href" and not value.strip().startswith("#"):
                raise BrandingError("SVG logos may not link to other files.")
            if "javascript:" in value.lower() or "url(http" in value.lower().replace(" ", ""):
                raise BrandingError("SVG logos may not reference scripts or outside resources.")
        if tag == "style" and element.text and ("@import" in element.text or "url(" in element.text):
            raise BrandingError("SVG logos may not load outside styles or resources.")


def logo_validate(*, data: bytes, max_bytes: int) -> str:
    """Checks an uploaded logo and returns its extension. PNG, JPEG or SVG, at most max_bytes."""
    if not data:
        raise BrandingError("The logo file is empty.")
    if len(data) > max_bytes:
        raise BrandingError(f"The logo is {len(data) // 1024} KB; the limit is {max_bytes // 1024} KB.")
    kind = _logo_kind(data)
    if kind is None:
        raise BrandingError("The logo must be a PNG, JPEG or SVG image.")
    if kind == "svg":
        _svg_check(data)
    return kind


def _colour(label: str, value: str) -> str:
    value = (value or "").strip()
    if not COLOUR_RE.match(value):
        raise BrandingError(f"The {label} colour must look like #RRGGBB.")
    return value.upper()


def branding_update(
    *,
    distributor,
    actor,
    display_name: str,
    primary_color: str,
    accent_color: str,
    support_email: str = "",
    support_phone: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Branding:
    """Updates the distributor's brand (public schema). Everything is checked before anything is
    written; the old logo file is removed only after the new brand is committed."""
    from django.conf import settings

    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 100:
        raise BrandingError("The display name is required (at most 100 characters).")
    primary = _colour("primary", primary_color)
    accent = _colour("accent", accent_color)
    if primary == accent:
        raise BrandingError("The primary and accent colours must differ.")
    if contrast_ratio(primary, WHITE) < MIN_TEXT_CONTRAST:
        raise BrandingError(
            f"White text on the primary colour {primary} has a contrast of "
            f"{contrast_ratio(primary, WHITE):.1f}:1; pick a darker colour (at least {MIN_TEXT_CONTRAST}:1)."
        )
    support_email = (support_email or "").strip().lower()
    if support_email:
        try:
            validate_email(support_email)
        except ValidationError:
            raise BrandingError("The support e-mail address is not valid.") from None
    support_phone = (support_phone or "").strip()
    if len(support_phone) > 20:
        raise BrandingError("The support phone number is too long.")
    extension = None
    if logo is not None:
        extension = logo_validate(
            data=logo, max_bytes=getattr(settings, "PORTAL_LOGO_MAX_BYTES", LOGO_MAX_BYTES_DEFAULT)
        )

    new_logo_name = ""
    try:
        with transaction.atomic():
            branding = Branding.objects.select_for_update().get(distributor=distributor)
            old_logo_name = branding.logo.name if branding.logo else ""
            branding.display_name = display_name
            branding.primary_color = primary
            branding.accent_color = accent
            branding.support_email = support_email
            branding.support_phone = support_phone
            fields = ["display_name", "primary_color", "accent_color", "support_email", "support_phone", "updated_at"]
            if logo is not None:
                branding.logo.save(
                    f"{distributor.schema_name}-{secrets.token_hex(8)}.{extension}", ContentFile(logo), save=False
                )
                new_logo_name = branding.logo.name
                fields.append("logo")
            elif remove_logo and old_logo_name:
                branding.logo = ""
                fields.append("logo")
            branding.save(update_fields=fields)
            audit_record(
                action="branding.updated",
                actor=actor,
                target=branding,
                extra={
                    "primary": primary,
                    "accent": accent,
                    "logo": "new" if logo is not None else ("removed" if remove_logo else "kept"),
                },
            )
            if old_logo_name and "logo" in fields:
                storage = branding.logo.storage
                transaction.on_commit(lambda: storage.delete(old_logo_name))
    except Exception:
        if new_logo_name:  # the row kept its old logo: do not leave the new file behind
            Branding._meta.get_field("logo").storage.delete(new_logo_name)
        raise
    return branding


# --- Orders on an investor's behalf -------------------------------------------------------------------


class OrderOnBehalfError(ApplicationError):
    code = "order_refused"


WEB_ORDER_SCOPE = "web.orders.place"
PORTAL_ORDER_SCOPE = "portal.orders.place"


def order_place_from_form(
    *,
    investor,
    idempotency_key: str,
    kind: str,
    amfi_code: str,
    amount=None,
    units=None,
    folio_number: str = "",
    member=None,
):
    """An order from a web form: the investor's own, or one a staff member records on their behalf
    (`member`; the caller fetched the investor through the access selector). It goes through the same
    orders service and idempotency store as the mobile API: the form's one-time key makes a double submit
    answer with the order the first submit wrote instead of writing a second one. Either way the order
    waits for the investor's OTP; nothing reaches the exchange until they confirm."""
    from apps.accounts.permissions import Capability, role_has_capability
    from apps.funds.selectors import fund_get
    from apps.orders.selectors import access_order_by_id
    from apps.orders.services import idempotency
    from apps.orders.services.orders import order_place

    if member is not None and not role_has_capability(member.role, Capability.ORDERS_PLACE):
        raise OrderOnBehalfError("Your role may not place orders.", code="forbidden")

    amfi_code = (amfi_code or "").strip()
    folio_number = (folio_number or "").strip()
    request = {"kind": kind, "scheme": amfi_code, "amount": amount, "units": units, "folio_number": folio_number}

    def create() -> dict:
        order = order_place(
            investor=investor,
            kind=kind,
            scheme=fund_get(amfi_code=amfi_code),
            amount=amount,
            units=units,
            folio_number=folio_number,
            placed_by=member.user if member is not None else None,
        )
        return {"order_id": str(order.public_id)}

    try:
        body, _ = idempotency.idempotent_create(
            investor=investor,
            scope=PORTAL_ORDER_SCOPE if member is not None else WEB_ORDER_SCOPE,
            key=idempotency_key,
            request_data=request,
            create=create,
        )
    except idempotency.IdempotencyKeyReused:
        raise OrderOnBehalfError(
            "This form was sent already with other values. Open a new order form.", code="form_reused"
        ) from None
    except idempotency.IdempotencyInFlight:
        raise OrderOnBehalfError(
            "This order is still being recorded. Look at your orders in a moment.", code="form_in_flight"
        ) from None
    return access_order_by_id(investor=investor, public_id=body["order_id"])
