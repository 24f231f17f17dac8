"""The capabilities portal pages ask for: names for identity's role -> capability table
(apps.accounts.permissions), so the portal and the API enforce one map."""

from apps.accounts.models import StaffMember, StaffRole
from apps.accounts.permissions import Capability, role_has_capability

VIEW = Capability.INVESTORS_VIEW
INVITE = Capability.INVESTORS_INVITE
CAS_UPLOAD = Capability.INVESTORS_EDIT  # an import changes the investor's portfolio records
ORDERS_VIEW = Capability.ORDERS_VIEW
ORDER_ON_BEHALF = Capability.ORDERS_PLACE
EXPORT = Capability.REPORTS_VIEW
BRANDING = Capability.BRANDING_MANAGE
STAFF_VIEW = Capability.STAFF_VIEW
STAFF = Capability.STAFF_MANAGE
OWNERS = Capability.OWNERS_MANAGE


def capabilities_for_role(role: str) -> frozenset[str]:
    return frozenset(str(c) for c in Capability if role_has_capability(role, c))


def sees_every_investor(member: StaffMember) -> bool:
    """Relationship managers see their own book only (apps.accounts.selectors.investors_visible_to)."""
    return member.role != StaffRole.RELATIONSHIP_MANAGER
