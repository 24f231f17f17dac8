"""Staff members: created by the platform (first owner) or by colleagues, roles and deactivation."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import (
    StaffMember,
    StaffRole,
)
from apps.accounts.permissions import Capability, role_has_capability
from apps.accounts.services.common import (
    EUIN_PREFIX,
    field_error,
)
from apps.accounts.validators import (
    InvalidInput,
    identifier_parse,
)
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError
from apps.users.models import User

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
        raise field_error("euin", "A relationship manager needs an EUIN like E123456.")
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    member = StaffMember.objects.create(user=user, role=role, euin=euin)
    audit_record(action="staff.created", actor=actor, target=member, extra={"role": role})
    return member


def staff_create_by(*, actor_staff: StaffMember, email: str, role: str, full_name: str = "", euin: str = ""):
    """A staff member adds a colleague. Only owners create owners."""
    if role not in StaffRole.values:
        raise field_error("role", "Unknown role.")
    if role == StaffRole.OWNER and not role_has_capability(actor_staff.role, Capability.OWNERS_MANAGE):
        raise ApplicationError("Only an owner can add another owner.", code="permission_denied", status_code=403)
    try:
        email_id = identifier_parse(email)
    except InvalidInput as exc:
        raise field_error("email", str(exc)) from None
    if not email_id.is_email:
        raise field_error("email", "Staff sign in with an e-mail address.")
    if User.objects.filter(email__iexact=email_id.value).exists():
        raise ConflictError("A user with this e-mail address exists.", code="account_exists")
    return staff_create(email=email_id.value, role=role, full_name=full_name, euin=euin, actor=actor_staff.user)


DEACTIVATION_REASON_MAX = 300


@transaction.atomic
def staff_update_by(
    *, actor_staff: StaffMember, member: StaffMember, role: str, is_active: bool, euin: str = "", reason: str = ""
) -> StaffMember:
    """An owner or admin changes a colleague's role or (de)activates them (the colleague fetched through
    access_staff_by_id). Only owners touch owners; the last active owner stays; a deactivated member can
    no longer sign in (their sessions stop working). Deactivating needs a reason, kept on the member and in
    the audit row. Returns the member as now stored."""
    if not role_has_capability(actor_staff.role, Capability.STAFF_MANAGE):
        raise ApplicationError("You may not manage staff.", code="permission_denied", status_code=403)
    member = StaffMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if role not in StaffRole.values:
        raise field_error("role", "Unknown role.")
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
        raise field_error("euin", "A relationship manager needs an EUIN like E123456.")
    reason = " ".join((reason or "").split())
    deactivating = member.is_active and not is_active
    if deactivating and not reason:
        raise field_error("reason", "Say why you are deactivating this colleague.")
    if len(reason) > DEACTIVATION_REASON_MAX:
        raise field_error("reason", f"Keep the reason under {DEACTIVATION_REASON_MAX} characters.")
    before = {"role": member.role, "is_active": member.is_active}
    member.role, member.is_active, member.euin = role, is_active, euin
    if deactivating:
        member.deactivated_at, member.deactivation_reason = timezone.now(), reason
    elif is_active:
        member.deactivated_at, member.deactivation_reason = None, ""
    member.save(update_fields=["role", "is_active", "euin", "deactivated_at", "deactivation_reason", "updated_at"])
    if member.user.is_active != is_active:
        member.user.is_active = is_active
        member.user.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action="staff.updated",
        actor=actor_staff.user,
        target=member,
        extra={"before": before, "after": {"role": role, "is_active": is_active}, "reason": reason},
    )
    return member
