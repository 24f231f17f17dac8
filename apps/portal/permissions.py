"""The capabilities portal pages ask for: names for identity's role -> capability table
(apps.accounts.permissions), so the portal and the API enforce one map."""

from apps.accounts.permissions import Capability

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
