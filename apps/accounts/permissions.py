"""What each staff role may do. The API (these DRF permission classes) and the portal (the same
capability check) enforce one map, so a role cannot do through one door what the other refuses.

Usage in a DRF view:  permission_classes = [HasCapability.of(Capability.INVESTORS_INVITE)]
Usage in the portal:  staff_has_capability(user=request.user, capability=Capability.ORDERS_PLACE)
Relationship managers see only the investors assigned to them: investors_visible_to(staff=...) in
apps/accounts/selectors.py applies that scope."""

from enum import StrEnum

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from apps.accounts.models import StaffMember, StaffRole
from apps.accounts.staff_sessions import staff_session_verified
from apps.core.exceptions import ApplicationError


class Capability(StrEnum):
    INVESTORS_VIEW = "investors.view"
    INVESTORS_EDIT = "investors.edit"
    INVESTORS_INVITE = "investors.invite"
    INVESTORS_ASSIGN = "investors.assign"  # (re)assign investors to a relationship manager
    KYC_RECHECK = "kyc.recheck"
    ORDERS_VIEW = "orders.view"
    ORDERS_PLACE = "orders.place"  # on an investor's instruction
    ORDERS_OPERATE = "orders.operate"  # retries, cancellations, reconciliation
    REPORTS_VIEW = "reports.view"
    AUDIT_VIEW = "audit.view"
    STAFF_VIEW = "staff.view"
    STAFF_MANAGE = "staff.manage"
    OWNERS_MANAGE = "owners.manage"  # create or change owners
    BRANDING_MANAGE = "branding.manage"
    SETTINGS_MANAGE = "settings.manage"  # gateway credentials, plan


_VIEW = {
    Capability.INVESTORS_VIEW,
    Capability.ORDERS_VIEW,
    Capability.REPORTS_VIEW,
    Capability.STAFF_VIEW,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    StaffRole.OWNER: frozenset(Capability),
    StaffRole.ADMIN: frozenset(set(Capability) - {Capability.OWNERS_MANAGE}),
    StaffRole.RELATIONSHIP_MANAGER: frozenset(
        {
            Capability.INVESTORS_VIEW,
            Capability.INVESTORS_EDIT,
            Capability.INVESTORS_INVITE,
            Capability.KYC_RECHECK,  # their own book only: investors reach them through access_investor_by_id
            Capability.ORDERS_VIEW,
            Capability.ORDERS_PLACE,
            Capability.REPORTS_VIEW,
        }
    ),
    StaffRole.OPERATIONS: frozenset(
        _VIEW | {Capability.KYC_RECHECK, Capability.ORDERS_OPERATE, Capability.AUDIT_VIEW, Capability.INVESTORS_EDIT}
    ),
    StaffRole.READ_ONLY: frozenset(_VIEW),
}


def staff_member_for_user(user) -> StaffMember | None:
    """The active staff membership of a signed-in user of this tenant, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_staff_member_cache"):
        user._staff_member_cache = StaffMember.objects.filter(user=user, is_active=True, user__is_active=True).first()
    return user._staff_member_cache


def role_has_capability(role: str, capability: Capability | str) -> bool:
    return Capability(capability) in ROLE_CAPABILITIES.get(role, frozenset())


def capabilities_for_role(role: str) -> frozenset[str]:
    return frozenset(str(c) for c in Capability if role_has_capability(role, c))


def sees_every_investor(member: StaffMember) -> bool:
    """Relationship managers see their own book only (apps.accounts.selectors.investors_visible_to)."""
    return member.role != StaffRole.RELATIONSHIP_MANAGER


def staff_has_capability(*, user, capability: Capability | str) -> bool:
    member = staff_member_for_user(user)
    return member is not None and role_has_capability(member.role, capability)


class IsStaff(BasePermission):
    """Any active staff member of this distributor. To everyone else the staff API does not exist
    (404); staff whose role lacks a capability get 403 from HasCapability."""

    def has_permission(self, request, view):
        if not getattr(request.user, "is_authenticated", False):
            return False  # 401
        if staff_member_for_user(request.user) is None:
            raise NotFound()
        if request.auth is None and not staff_session_verified(request=request):
            # a session (or none) that did not pass the portal's sign-in and second factor
            raise ApplicationError(
                "Staff sign in at the distributor portal first.", code="staff_sign_in_required", status_code=403
            )
        return True


class HasCapability(IsStaff):
    """The signed-in user is active staff whose role grants `capability`. Build one with
    HasCapability.of(Capability.X)."""

    capability: Capability | None = None
    message = "Your role does not allow this."

    @classmethod
    def of(cls, capability: Capability) -> type["HasCapability"]:
        return type(f"Has_{capability.value.replace('.', '_')}", (cls,), {"capability": capability})

    def has_permission(self, request, view):
        if not super().has_permission(request, view) or self.capability is None:
            return False
        return staff_has_capability(user=request.user, capability=self.capability)
