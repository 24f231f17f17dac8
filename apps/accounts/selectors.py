"""Reads of apps.accounts. Everything an investor owns is fetched through an access_* selector that
takes the investor: another investor's id is simply not found (404), never forbidden (403), so ids
leak nothing."""

import uuid
from dataclasses import dataclass

from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import (
    BankAccount,
    Investor,
    Invitation,
    KycStatus,
    Nominee,
    StaffMember,
    StaffRole,
)
from apps.accounts.permissions import Capability, role_has_capability
from apps.core.exceptions import NotFoundError

INVITATION_SALT = "accounts.invitation"


def investor_get_for_user(*, user) -> Investor:
    """The signed-in user's own investor profile; 404 for anyone who is not an investor here."""
    if not getattr(user, "is_authenticated", False):
        raise NotFoundError("No investor profile.")
    investor = Investor.objects.filter(user=user).select_related("user").first()
    if investor is None:
        raise NotFoundError("No investor profile.")
    return investor


def bank_account_list(*, investor: Investor) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(investor=investor)


def access_bank_account_by_id(*, investor: Investor, public_id: uuid.UUID) -> BankAccount:
    account = BankAccount.objects.filter(investor=investor, public_id=public_id).first()
    if account is None:
        raise NotFoundError("No such bank account.")
    return account


def nominee_list(*, investor: Investor) -> QuerySet[Nominee]:
    return Nominee.objects.filter(investor=investor)


def access_nominee_by_id(*, investor: Investor, public_id: uuid.UUID) -> Nominee:
    nominee = Nominee.objects.filter(investor=investor, public_id=public_id).first()
    if nominee is None:
        raise NotFoundError("No such nominee.")
    return nominee


# --- the profile checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class ProfileChecklist:
    items: list[ChecklistItem]

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def missing(self) -> list[str]:
        return [item.key for item in self.items if not item.done]


def investor_profile_checklist(*, investor: Investor) -> ProfileChecklist:
    """What must be in place before the first order (the exchanges' client registration needs all of
    it): identity, both contacts, address, FATCA, verified KYC, a primary bank account, and nominees or
    an explicit opt-out."""
    user = investor.user
    accounts = list(bank_account_list(investor=investor))
    has_nominees = Nominee.objects.filter(investor=investor).exists()
    kyc_detail = {
        KycStatus.NOT_STARTED: "Add your PAN to check your KYC.",
        KycStatus.PENDING: "Waiting for the KRA.",
        KycStatus.ON_HOLD: investor.kyc_reason or "On hold at the KRA.",
        KycStatus.REJECTED: investor.kyc_reason or "Rejected by the KRA.",
        KycStatus.VERIFIED: "",
    }[KycStatus(investor.kyc_status)]
    items = [
        ChecklistItem("name", "Full name as on PAN", bool(investor.full_name.strip())),
        ChecklistItem("pan", "PAN", bool(investor.pan)),
        ChecklistItem("date_of_birth", "Date of birth", investor.date_of_birth is not None),
        ChecklistItem("email", "E-mail address", bool(user.email)),
        ChecklistItem("mobile", "Mobile number", bool(user.mobile)),
        ChecklistItem("occupation", "Occupation", bool(investor.occupation)),
        ChecklistItem(
            "address",
            "Address",
            all([investor.address_line1, investor.city, investor.state, investor.pincode]),
        ),
        ChecklistItem("fatca", "FATCA declaration", investor.fatca_declared_at is not None),
        ChecklistItem("kyc", "KYC verified", investor.kyc_status == KycStatus.VERIFIED, kyc_detail),
        ChecklistItem("bank_account", "Primary bank account", any(a.is_primary for a in accounts)),
        ChecklistItem("nomination", "Nominees or nomination opt-out", has_nominees or investor.nomination_opted_out),
    ]
    return ProfileChecklist(items=items)


# --- staff side ----------------------------------------------------------------------------------------


def investors_visible_to(*, staff: StaffMember) -> QuerySet[Investor]:
    """Investors a staff member may see: relationship managers only their own book."""
    qs = Investor.objects.select_related("user", "relationship_manager__user")
    if staff.role == StaffRole.RELATIONSHIP_MANAGER:
        qs = qs.filter(relationship_manager=staff)
    return qs


def access_investor_by_id(*, staff: StaffMember, public_id: uuid.UUID) -> Investor:
    """One investor this staff member may see (relationship managers: their own book); 404 otherwise."""
    investor = investors_visible_to(staff=staff).filter(public_id=public_id).first()
    if investor is None:
        raise NotFoundError("No such investor.")
    return investor


def access_staff_by_id(*, staff: StaffMember, public_id: uuid.UUID) -> StaffMember:
    """A colleague at this distributor; staff who may not view the team reach only themselves."""
    qs = StaffMember.objects.select_related("user")
    if not role_has_capability(staff.role, Capability.STAFF_VIEW):
        qs = qs.filter(pk=staff.pk)
    member = qs.filter(public_id=public_id).first()
    if member is None:
        raise NotFoundError("No such staff member.")
    return member


def invitation_get_by_token(*, token: str, max_age: int) -> Invitation:
    """The pending invitation a link's token names. Tampered, expired, used and revoked links all
    answer the same 404."""
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        raise NotFoundError("This invitation link is not valid any more.") from None
    invitation = Invitation.objects.filter(
        public_id=public_id, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if invitation is None:
        raise NotFoundError("This invitation link is not valid any more.")
    return invitation
