"""Read side of the portal: who the staff member is, what they may do and see."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Investor, KycStatus, StaffMember, StaffRole
from apps.core.exceptions import NotFoundError
from apps.portal import crypto, permissions
from apps.portal.models import StaffTotpDevice
from apps.portal.permissions import capabilities_for_role

PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")


def staff_member_for_user(*, user) -> StaffMember | None:
    """The active staff record of a signed-in user of this tenant, or None (investors, deactivated staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return StaffMember.objects.select_related("user").filter(user=user, is_active=True).first()


def staff_can(*, member: StaffMember, capability: str) -> bool:
    return capability in capabilities_for_role(member.role)


def staff_capabilities(*, member: StaffMember) -> frozenset[str]:
    return capabilities_for_role(member.role)


def staff_totp_enabled(*, user) -> bool:
    return StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def staff_totp_pending_secret(*, user) -> str | None:
    device = StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return crypto.decrypt(device.secret_encrypted) if device else None


# --- Investors as staff see them --------------------------------------------------------------------


def investor_scope_for_staff(*, member: StaffMember) -> QuerySet[Investor]:
    """Every investor of this distributor, or, for a relationship manager (no investor.view_all), only
    the investors assigned to them."""
    qs = Investor.objects.select_related("user", "relationship_manager__user")
    if not staff_can(member=member, capability=permissions.VIEW_ALL_INVESTORS):
        qs = qs.filter(relationship_manager=member)
    return qs


def investor_list_for_staff(
    *, member: StaffMember, search: str = "", kyc_status: str = "", relationship_manager_id: int | None = None
) -> QuerySet[Investor]:
    qs = investor_scope_for_staff(member=member)
    search = (search or "").strip()
    if search:
        condition = Q(full_name__icontains=search) | Q(email__icontains=search) | Q(user__email__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(mobile__contains=digits) | Q(user__mobile__contains=digits)
        if PAN_RE.match(search.upper()):
            condition |= Q(pan=search.upper())
        qs = qs.filter(condition)
    if kyc_status:
        qs = qs.filter(kyc_status=kyc_status)
    if relationship_manager_id:
        qs = qs.filter(relationship_manager_id=relationship_manager_id)
    return qs.order_by("full_name", "id")


def access_investor_for_staff(*, member: StaffMember, public_id) -> Investor:
    """One investor this staff member may see; NotFoundError (404) for anyone else's or a bad id."""
    try:
        return investor_scope_for_staff(member=member).get(public_id=public_id)
    except (Investor.DoesNotExist, ValueError, ValidationError):
        raise NotFoundError("No such investor.") from None


def relationship_managers() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").filter(role=StaffRole.RELATIONSHIP_MANAGER, is_active=True)


# --- Dashboard ---------------------------------------------------------------------------------------


@dataclass
class DashboardFigures:
    investor_count: int
    kyc_counts: dict[str, int]
    attention: list[dict] = field(default_factory=list)


def dashboard_figures(*, member: StaffMember) -> DashboardFigures:
    investors = investor_scope_for_staff(member=member)
    kyc_counts = dict(investors.order_by().values_list("kyc_status").annotate(n=Count("id")))
    attention = []
    pending_kyc = kyc_counts.get(KycStatus.PENDING, 0) + kyc_counts.get(KycStatus.ON_HOLD, 0)
    if pending_kyc:
        attention.append({"kind": "kyc", "count": pending_kyc, "label": "investors with KYC pending or on hold"})
    if kyc_counts.get(KycStatus.REJECTED):
        attention.append({"kind": "kyc_rejected", "count": kyc_counts[KycStatus.REJECTED], "label": "KYC rejected"})
    return DashboardFigures(investor_count=sum(kyc_counts.values()), kyc_counts=kyc_counts, attention=attention)


@dataclass
class InvestorOverview:
    bank_accounts: list


def investor_overview_for_staff(*, investor: Investor) -> InvestorOverview:
    return InvestorOverview(bank_accounts=list(investor.bank_accounts.all()))
