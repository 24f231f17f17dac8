"""Role -> capability table the portal checks.

The roles are identity's (apps.accounts.models.StaffRole). When identity's own permission module
(apps.accounts.permissions) is present, its table is used and this one is only the fallback, so the
API and the portal enforce the same rules."""

from apps.accounts.models import StaffRole

VIEW = "investor.view"
VIEW_ALL_INVESTORS = "investor.view_all"  # without it, a relationship manager sees only their own investors
INVITE = "investor.invite"
ORDER_ON_BEHALF = "order.place_on_behalf"
CAS_UPLOAD = "cas.upload"
EXPORT = "report.export"
BRANDING = "branding.manage"
STAFF = "staff.manage"

_WRITE_CLIENT_WORK = {INVITE, ORDER_ON_BEHALF, CAS_UPLOAD}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    StaffRole.OWNER: frozenset({VIEW, VIEW_ALL_INVESTORS, EXPORT, BRANDING, STAFF, *_WRITE_CLIENT_WORK}),
    StaffRole.ADMIN: frozenset({VIEW, VIEW_ALL_INVESTORS, EXPORT, BRANDING, STAFF, *_WRITE_CLIENT_WORK}),
    StaffRole.OPERATIONS: frozenset({VIEW, VIEW_ALL_INVESTORS, EXPORT, *_WRITE_CLIENT_WORK}),
    StaffRole.RELATIONSHIP_MANAGER: frozenset({VIEW, EXPORT, *_WRITE_CLIENT_WORK}),
    StaffRole.READ_ONLY: frozenset({VIEW, VIEW_ALL_INVESTORS, EXPORT}),
}


def capabilities_for_role(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
