"""Family view: an investor (the owner) asks to see another investor's portfolio; the member accepts or
declines in their own signed-in session (app or web); either of them can unlink, which ends access at once.

Asking reveals nothing about the person asked for: the owner gets the same answer whether or not an
investor with that PAN, e-mail or mobile exists here, is already linked or already asked, and sees the
member (name, holdings) only once the member has accepted."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Investor, Notification
from apps.accounts.selectors import investor_by_pan
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError, NotFoundError
from apps.portfolio.models import FamilyLink

MAX_FAMILY_MEMBERS = 10


def _member_find(*, owner: Investor, pan: str = "", email: str = "", mobile: str = "") -> Investor | None:
    if pan:
        member = investor_by_pan(pan=pan, exclude=owner)
    elif email:
        member = Investor.objects.exclude(pk=owner.pk).filter(email__iexact=email.strip()).first()
    elif mobile:
        member = Investor.objects.exclude(pk=owner.pk).filter(mobile=mobile.strip()).first()
    else:
        raise ApplicationError("Give the family member's PAN, e-mail or mobile.", code="member_required")
    return member


def family_request_create(
    *, owner: Investor, pan: str = "", email: str = "", mobile: str = "", relationship: str = "", actor=None
) -> None:
    """Asks the investor with these details (if there is one) to share their portfolio with the owner.
    Returns nothing, whatever happened: an unknown person, oneself, someone already linked or already
    asked all look the same to the owner. Only a full family (the owner's own state) is refused."""
    active = FamilyLink.objects.filter(owner=owner, status=FamilyLink.Status.ACTIVE).count()
    if active >= MAX_FAMILY_MEMBERS:
        raise ApplicationError(f"A family can have at most {MAX_FAMILY_MEMBERS} members.", code="family_full")
    member = _member_find(owner=owner, pan=pan, email=email, mobile=mobile)
    with transaction.atomic():
        audit_record(
            action="portfolio.family_requested",
            actor=actor or owner.user,
            target=owner,
            extra={"owner": owner.pk, "member": member.pk if member else None},
        )
        if member is None:
            return
        open_links = FamilyLink.objects.filter(
            owner=owner, member=member, status__in=[FamilyLink.Status.PENDING, FamilyLink.Status.ACTIVE]
        )
        if open_links.exists():
            return
        try:
            with transaction.atomic():
                link = FamilyLink.objects.create(owner=owner, member=member, relationship=relationship[:40])
        except IntegrityError:  # a concurrent request for the same pair won
            return
        Notification.objects.create(
            user=member.user,
            kind="family_request",
            title="A family member asks to see your portfolio",
            body=f"{owner.full_name or 'An investor'} asks to see your portfolio summary. "
            "Accept or decline in your account; nothing is shared until you accept.",
            data={"request": str(link.public_id)},
        )


def _pending_locked(*, member: Investor, link: FamilyLink) -> FamilyLink:
    if link.member_id != member.pk:
        raise NotFoundError("No such family request.")
    link = FamilyLink.objects.select_for_update().select_related("owner", "member").get(pk=link.pk)
    if link.status != FamilyLink.Status.PENDING:
        raise ConflictError("This request is not waiting for an answer.", code="not_pending")
    return link


def family_request_accept(*, member: Investor, link: FamilyLink, actor=None) -> FamilyLink:
    """The member, signed in as themselves, lets the owner see their portfolio from this commit on."""
    with transaction.atomic():
        link = _pending_locked(member=member, link=link)
        if FamilyLink.objects.filter(owner=link.owner, status=FamilyLink.Status.ACTIVE).count() >= MAX_FAMILY_MEMBERS:
            raise ConflictError(f"This family already has {MAX_FAMILY_MEMBERS} members.", code="family_full")
        link.status = FamilyLink.Status.ACTIVE
        link.consented_at = timezone.now()
        link.save(update_fields=["status", "consented_at", "updated_at"])
        Notification.objects.create(
            user=link.owner.user,
            kind="family_linked",
            title="Family view linked",
            body=f"{link.member.full_name or 'Your family member'} accepted: their portfolio is now in your "
            "family view.",
            data={"link": str(link.public_id)},
        )
        audit_record(action="portfolio.family_consented", actor=actor or member.user, target=link)
    return link


def family_request_decline(*, member: Investor, link: FamilyLink, actor=None) -> FamilyLink:
    """The member says no; the owner is not told who declined (they never learnt who was asked)."""
    with transaction.atomic():
        link = _pending_locked(member=member, link=link)
        link.status = FamilyLink.Status.DECLINED
        link.revoked_at = timezone.now()
        link.save(update_fields=["status", "revoked_at", "updated_at"])
        audit_record(action="portfolio.family_declined", actor=actor or member.user, target=link)
    return link


def family_unlink(*, investor, link: FamilyLink, actor=None) -> FamilyLink:
    """Either side ends an active link; the owner loses access with this commit."""
    if investor.pk not in (link.owner_id, link.member_id):
        raise NotFoundError("No such family link.")
    with transaction.atomic():
        link = FamilyLink.objects.select_for_update().get(pk=link.pk)
        if link.status in (FamilyLink.Status.REVOKED, FamilyLink.Status.DECLINED):
            return link
        link.status = FamilyLink.Status.REVOKED
        link.revoked_at = timezone.now()
        link.save(update_fields=["status", "revoked_at", "updated_at"])
        audit_record(
            action="portfolio.family_unlinked",
            actor=actor or investor.user,
            target=link,
            extra={"by": "owner" if investor.pk == link.owner_id else "member"},
        )
    return link
