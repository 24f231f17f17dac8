"""Reads of apps.accounts. Everything an investor owns is fetched through an access_* selector that
takes the investor: another investor's id is simply not found (404), never forbidden (403), so ids
leak nothing."""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone

from apps.accounts import totp_secrets
from apps.accounts.models import (
    PAN_PURPOSE,
    BankAccount,
    Investor,
    InvestorReview,
    Invitation,
    KycStatus,
    Nominee,
    StaffBackupCode,
    StaffMember,
    StaffRole,
    StaffTotpDevice,
)
from apps.accounts.permissions import Capability, capabilities_for_role, role_has_capability, staff_member_for_user
from apps.core.crypto import keyed_hash, normalise_identifier
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
    """One investor this staff member may see (relationship managers: their own book); 404 otherwise,
    a malformed id included."""
    try:
        investor = investors_visible_to(staff=staff).filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        investor = None
    if investor is None:
        raise NotFoundError("No such investor.")
    return investor


PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")


def investor_list_for_staff(
    *, staff: StaffMember, search: str = "", kyc_status: str = "", relationship_manager: StaffMember | None = None
) -> QuerySet[Investor]:
    """The staff member's investors, searched by name, e-mail, mobile (4+ digits) or PAN, optionally of
    one KYC status and one relationship manager's book."""
    qs = investors_visible_to(staff=staff)
    search = (search or "").strip()
    if search:
        condition = Q(full_name__icontains=search) | Q(email__icontains=search) | Q(user__email__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(mobile__contains=digits) | Q(user__mobile__contains=digits)
        if PAN_RE.match(search.upper()):
            condition |= Q(pan_hash=pan_hash(search))
        qs = qs.filter(condition)
    if kyc_status:
        qs = qs.filter(kyc_status=kyc_status)
    if relationship_manager is not None:
        qs = qs.filter(relationship_manager=relationship_manager)
    return qs.order_by("full_name", "id")


def investor_kyc_counts(*, investors: QuerySet[Investor]) -> dict[str, int]:
    """How many of these investors are in each KYC status."""
    return dict(investors.order_by().values_list("kyc_status").annotate(n=Count("id")))


def investor_kyc_attention(*, kyc_counts: dict[str, int]) -> list[dict]:
    """What the staff dashboard flags about KYC, from investor_kyc_counts."""
    attention = []
    pending = kyc_counts.get(KycStatus.PENDING, 0) + kyc_counts.get(KycStatus.ON_HOLD, 0)
    if pending:
        attention.append(
            {"kind": "kyc", "count": pending, "label": f"investor{pluralize(pending)} with KYC pending or on hold"}
        )
    if kyc_counts.get(KycStatus.REJECTED):
        attention.append({"kind": "kyc_rejected", "count": kyc_counts[KycStatus.REJECTED], "label": "KYC rejected"})
    return attention


def staff_member_for(*, user) -> StaffMember | None:
    """The active staff record of a signed-in user of this tenant, or None (investors, deactivated staff)."""
    return staff_member_for_user(user)


def staff_can(*, staff: StaffMember, capability: str) -> bool:
    return capability in capabilities_for_role(staff.role)


def staff_capabilities(*, staff: StaffMember) -> frozenset[str]:
    return capabilities_for_role(staff.role)


def staff_list() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").order_by("-is_active", "user__email")


def relationship_manager_list() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("user").filter(role=StaffRole.RELATIONSHIP_MANAGER, is_active=True)


def relationship_manager_get(*, public_id) -> StaffMember | None:
    """An active relationship manager by public id; None for an unknown or malformed id."""
    try:
        return relationship_manager_list().filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None


def staff_totp_enabled(*, user) -> bool:
    return StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def staff_backup_codes_remaining(*, user) -> int:
    return StaffBackupCode.objects.filter(user=user, used_at__isnull=True).count()


def staff_totp_pending_secret(*, user) -> str | None:
    """The secret of an enrolment not yet confirmed, to show again while the user sets the app up."""
    device = StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return totp_secrets.decrypt(device.secret_encrypted) if device else None


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


# --- PANs are encrypted at rest: every lookup by PAN goes through the keyed hash of its normalised form


def pan_hash(pan: str) -> str:
    """The keyed hash an investor's PAN is stored and looked up by ("abcde 1234f" = "ABCDE1234F")."""
    return keyed_hash(pan, purpose=PAN_PURPOSE)


def investor_by_pan(*, pan: str, exclude: Investor | None = None) -> Investor | None:
    """The investor of this distributor with this PAN, if any."""
    if not normalise_identifier(pan):
        return None
    qs = Investor.objects.filter(pan_hash=pan_hash(pan))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def investor_pan_taken(*, pan: str, exclude: Investor | None = None) -> bool:
    return investor_by_pan(pan=pan, exclude=exclude) is not None


def investor_ids_by_pan(*, pans: Iterable[str]) -> dict[str, int]:
    """{PAN as given: investor id} for the PANs that are investors here (one query)."""
    by_hash = {pan_hash(pan): pan for pan in pans if normalise_identifier(pan)}
    if not by_hash:
        return {}
    rows = Investor.objects.filter(pan_hash__in=by_hash).values_list("pan_hash", "id")
    return {by_hash[digest]: investor_id for digest, investor_id in rows}


# --- invitations, staff side ---------------------------------------------------------------------------

INVITATION_STATES = {"pending": "Pending", "accepted": "Accepted", "expired": "Expired", "revoked": "Revoked"}


def _invitations_visible_to(*, staff: StaffMember) -> QuerySet[Invitation]:
    """Relationship managers see the invitations they sent and those that join their book."""
    qs = Invitation.objects.select_related("invited_by__user", "relationship_manager__user")
    if staff.role == StaffRole.RELATIONSHIP_MANAGER:
        qs = qs.filter(Q(invited_by=staff) | Q(relationship_manager=staff))
    return qs


def _invitation_state_filter(state: str) -> Q:
    now = timezone.now()
    return {
        "pending": Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now),
        "accepted": Q(accepted_at__isnull=False),
        "expired": Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now),
        "revoked": Q(accepted_at__isnull=True, revoked_at__isnull=False),
    }[state]


def invitation_state(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "pending" if invitation.expires_at > timezone.now() else "expired"


def invitation_list_for_staff(*, staff: StaffMember, state: str = "") -> QuerySet[Invitation]:
    """The invitations this staff member may see, newest first, optionally of one state."""
    qs = _invitations_visible_to(staff=staff)
    if state:
        qs = qs.filter(_invitation_state_filter(state))
    return qs.order_by("-created_at", "-id")


def invitation_counts_for_staff(*, staff: StaffMember) -> dict[str, int]:
    qs = _invitations_visible_to(staff=staff).order_by()
    counts = qs.aggregate(**{state: Count("id", filter=_invitation_state_filter(state)) for state in INVITATION_STATES})
    return {state: counts[state] for state in INVITATION_STATES}


def access_invitation_by_id(*, staff: StaffMember, public_id: uuid.UUID) -> Invitation:
    """One invitation this staff member may see; 404 otherwise (another distributor's, another RM's)."""
    try:
        invitation = _invitations_visible_to(staff=staff).filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        invitation = None
    if invitation is None:
        raise NotFoundError("No such invitation.")
    return invitation


def staff_book_is_empty(*, staff: StaffMember) -> bool:
    """A relationship manager with no investors assigned (other roles see the whole book, never "empty")."""
    return (
        staff.role == StaffRole.RELATIONSHIP_MANAGER
        and not Investor.objects.filter(relationship_manager=staff).exists()
    )


# --- staff review items ----------------------------------------------------------------------------------


def investor_review_list(*, investor: Investor, open_only: bool = True) -> QuerySet[InvestorReview]:
    qs = InvestorReview.objects.filter(investor=investor).select_related("resolved_by")
    return qs.filter(resolved_at__isnull=True) if open_only else qs


def access_investor_review_by_id(*, staff: StaffMember, public_id: uuid.UUID) -> InvestorReview:
    """A review item of an investor this staff member may see; 404 otherwise."""
    try:
        review = (
            InvestorReview.objects.select_related("investor")
            .filter(public_id=public_id, investor__in=investors_visible_to(staff=staff))
            .first()
        )
    except (ValueError, ValidationError):
        review = None
    if review is None:
        raise NotFoundError("No such review item.")
    return review


# --- bank accounts recently changed (redemption holds) ---------------------------------------------------

PAYOUT_ACCOUNT_COOLING_OFF = timedelta(hours=24)


def payout_account_recently_changed(*, investor: Investor, now: datetime | None = None) -> str:
    """Why a redemption paid now should wait for staff: the payout (primary) bank account was added as
    primary, or made primary, within the last 24 hours (the services stamp primary_since; accounts loaded
    by staff or imports carry none). Empty when it need not wait."""
    now = now or timezone.now()
    account = BankAccount.objects.filter(investor=investor, is_primary=True).first()
    if account is None or account.primary_since is None or account.primary_since < now - PAYOUT_ACCOUNT_COOLING_OFF:
        return ""
    ending = account.account_number[-4:]
    if account.primary_since - account.created_at < timedelta(minutes=1):
        return f"The bank account ending {ending} was added less than 24 hours ago."
    return f"The bank account ending {ending} became your primary account less than 24 hours ago."


# --- the onboarding checklist ------------------------------------------------------------------------------


class StepState:
    DONE = "done"
    TODO = "todo"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class OnboardingStep:
    key: str  # profile, kyc, bank, nomination, fatca: also the step's page and an order refusal's extra.step
    title: str
    state: str  # StepState
    message: str  # in plain words: what is there, or what to do next


@dataclass(frozen=True)
class Onboarding:
    steps: list[OnboardingStep]

    @property
    def complete(self) -> bool:
        return all(step.state == StepState.DONE for step in self.steps)

    @property
    def next_step(self) -> OnboardingStep | None:
        return next((step for step in self.steps if step.state == StepState.TODO), None)


ONBOARDING_STEP_KEYS = ("profile", "kyc", "bank", "nomination", "fatca")

# What each KRA outcome means and what to do next, in plain words (the KRA's own remark is added when it
# gave one).
KYC_MESSAGES = {
    KycStatus.VERIFIED: "Your KYC is verified at the KRA. Nothing more to do here.",
    KycStatus.PENDING: (
        "Under process: the KRA has your KYC but has not finished checking it. This usually takes two to three "
        "working days. Check again later; we also check for you every few hours."
    ),
    KycStatus.ON_HOLD: (
        "On hold: the KRA needs something corrected before it verifies your KYC. Update it with the KRA "
        "(your distributor can help), then check again."
    ),
    KycStatus.REJECTED: (
        "Rejected: the KRA did not accept your KYC. It has to be done again with new documents; ask your "
        "distributor to start a fresh KYC, then check again."
    ),
    KycStatus.NOT_STARTED: (
        "Not found: the KRA has no KYC for your PAN. Complete KYC once (your distributor can do it with you), "
        "then check again."
    ),
}


def _profile_step(investor: Investor) -> OnboardingStep:
    missing = []
    if not investor.full_name.strip():
        missing.append("your name as on PAN")
    if not investor.pan:
        missing.append("your PAN")
    if investor.date_of_birth is None:
        missing.append("your date of birth")
    if not investor.occupation:
        missing.append("your occupation")
    if not all([investor.address_line1, investor.city, investor.state, investor.pincode]):
        missing.append("your address")
    if missing:
        return OnboardingStep("profile", "Your details", StepState.TODO, "Add " + ", ".join(missing) + ".")
    return OnboardingStep("profile", "Your details", StepState.DONE, "Your name, PAN, date of birth and address.")


def _kyc_step(investor: Investor, open_reviews: set[str]) -> OnboardingStep:
    if not (investor.pan and investor.date_of_birth and investor.full_name.strip()):
        return OnboardingStep(
            "kyc", "KYC", StepState.BLOCKED, "Add your name, PAN and date of birth first: the KRA is asked by PAN."
        )
    status = KycStatus(investor.kyc_status)
    if status == KycStatus.VERIFIED:
        return OnboardingStep("kyc", "KYC", StepState.DONE, KYC_MESSAGES[status])
    if InvestorReview.Kind.KYC_MISMATCH in open_reviews:
        message = (
            f"{investor.kyc_reason} Correct your name or date of birth in your details to match your PAN card, "
            "then check again. We have also asked your distributor to look at it."
        )
        return OnboardingStep("kyc", "KYC", StepState.TODO, message.strip())
    if InvestorReview.Kind.PAN_DUPLICATE in open_reviews:
        return OnboardingStep(
            "kyc",
            "KYC",
            StepState.BLOCKED,
            "This PAN is already registered with another account here. Your distributor is looking into it.",
        )
    message = KYC_MESSAGES[status]
    if status in (KycStatus.ON_HOLD, KycStatus.REJECTED) and investor.kyc_reason:
        message = f"{message} The KRA says: {investor.kyc_reason}"
    return OnboardingStep("kyc", "KYC", StepState.TODO, message)


def investor_onboarding(*, investor: Investor) -> Onboarding:
    """The investor's way to a first order, one step per page: details, KYC, bank account, nomination and
    FATCA, each done, to do, or blocked by an earlier step. Three queries."""
    accounts = list(bank_account_list(investor=investor))
    primary = next((a for a in accounts if a.is_primary), None)
    nominees = Nominee.objects.filter(investor=investor).count()
    open_reviews = set(investor_review_list(investor=investor).values_list("kind", flat=True))
    steps = [_profile_step(investor), _kyc_step(investor, open_reviews)]
    if primary is not None:
        steps.append(
            OnboardingStep(
                "bank",
                "Bank account",
                StepState.DONE,
                f"Money is paid to {primary.bank_name or primary.ifsc} account ending {primary.account_number[-4:]}.",
            )
        )
    else:
        steps.append(
            OnboardingStep(
                "bank", "Bank account", StepState.TODO, "Add the bank account your money comes from and goes to."
            )
        )
    if nominees:
        steps.append(
            OnboardingStep(
                "nomination", "Nominees", StepState.DONE, f"{nominees} nominee{'s' if nominees > 1 else ''}."
            )
        )
    elif investor.nomination_opted_out:
        steps.append(OnboardingStep("nomination", "Nominees", StepState.DONE, "You chose not to name a nominee."))
    else:
        steps.append(
            OnboardingStep(
                "nomination", "Nominees", StepState.TODO, "Name up to three nominees, or declare that you opt out."
            )
        )
    if investor.fatca_declared_at is not None:
        steps.append(OnboardingStep("fatca", "FATCA declaration", StepState.DONE, "Declared."))
    else:
        steps.append(
            OnboardingStep(
                "fatca", "FATCA declaration", StepState.TODO, "Declare your tax residency and source of income."
            )
        )
    return Onboarding(steps=steps)
