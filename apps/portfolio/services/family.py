"""Family view: an investor (the owner) invites another investor of the same distributor; the member
consents by OTP sent to their own registered mobile or e-mail (they tell the owner the code, the way
registrars confirm a family declaration); either of them can unlink, which ends access at once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Investor, Notification
from apps.accounts.otp import otp_issue, otp_verify
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, ConflictError, NotFoundError
from apps.portfolio.models import FamilyLink

OTP_PURPOSE = "family"
MAX_FAMILY_MEMBERS = 10


def _member_find(*, owner, pan: str = "", email: str = "", mobile: str = "") -> Investor:
    candidates = Investor.objects.exclude(pk=owner.pk)
    if pan:
        member = candidates.filter(pan=pan.strip().upper()).first()
    elif email:
        member = candidates.filter(email__iexact=email.strip()).first()
    elif mobile:
        member = candidates.filter(mobile=mobile.strip()).first()
    else:
        raise ApplicationError("Give the family member's PAN, e-mail or mobile.", code="member_required")
    if member is None:
        raise NotFoundError("No investor with these details at this distributor.", code="member_not_found")
    return member


def _otp_send(link: FamilyLink) -> None:
    member = link.member
    if member.mobile:
        channel, target = "sms", member.mobile
    elif member.email:
        channel, target = "email", member.email
    else:
        raise ApplicationError("The family member has no mobile or e-mail to confirm with.", code="member_unreachable")
    challenge = otp_issue(purpose=OTP_PURPOSE, channel=channel, target=target, subject=str(link.public_id))
    link.otp_challenge_id = challenge.public_id
    link.save(update_fields=["otp_challenge_id", "updated_at"])


def family_invite(
    *, owner, pan: str = "", email: str = "", mobile: str = "", relationship: str = "", actor=None
) -> FamilyLink:
    """Creates (or re-sends) a pending link and sends the member a consent code."""
    member = _member_find(owner=owner, pan=pan, email=email, mobile=mobile)
    with transaction.atomic():
        existing = (
            FamilyLink.objects.select_for_update()
            .filter(owner=owner, member=member, status__in=[FamilyLink.Status.PENDING, FamilyLink.Status.ACTIVE])
            .select_related("member")
            .first()
        )
        if existing is not None and existing.status == FamilyLink.Status.ACTIVE:
            raise ConflictError("This family member is already linked.", code="already_linked")
        if existing is None:
            active = FamilyLink.objects.filter(owner=owner, status=FamilyLink.Status.ACTIVE).count()
            if active >= MAX_FAMILY_MEMBERS:
                raise ApplicationError(f"A family can have at most {MAX_FAMILY_MEMBERS} members.", code="family_full")
            try:
                with transaction.atomic():
                    existing = FamilyLink.objects.create(owner=owner, member=member, relationship=relationship[:40])
            except IntegrityError as exc:
                raise ConflictError("An invitation is already pending.", code="invitation_pending") from exc
        _otp_send(existing)
        audit_record(
            action="portfolio.family_invited",
            actor=actor or owner.user,
            target=existing,
            extra={"owner": owner.pk, "member": member.pk},
        )
    return existing


def family_consent(*, owner, link: FamilyLink, code: str, actor=None) -> FamilyLink:
    """Activates the link with the code the member received."""
    if link.owner_id != owner.pk:
        raise NotFoundError("No such invitation.")
    if link.status != FamilyLink.Status.PENDING or link.otp_challenge_id is None:
        raise ConflictError("This invitation is not waiting for consent.", code="not_pending")
    otp_verify(challenge_id=link.otp_challenge_id, code=code, purpose=OTP_PURPOSE, subject=str(link.public_id))
    with transaction.atomic():
        link = FamilyLink.objects.select_for_update().select_related("owner", "member").get(pk=link.pk)
        if link.status != FamilyLink.Status.PENDING:
            raise ConflictError("This invitation is not waiting for consent.", code="not_pending")
        link.status = FamilyLink.Status.ACTIVE
        link.consented_at = timezone.now()
        link.save(update_fields=["status", "consented_at", "updated_at"])
        Notification.objects.create(
            user=link.member.user,
            kind="family_linked",
            title="Family view linked",
            body=f"{link.owner.full_name or 'A family member'} can now see your portfolio summary. "
            "You can unlink at any time.",
            data={"link": str(link.public_id)},
        )
        audit_record(action="portfolio.family_consented", actor=actor or owner.user, target=link)
    return link


def family_unlink(*, investor, link: FamilyLink, actor=None) -> FamilyLink:
    """Either side ends the link; the owner loses access with this commit."""
    if investor.pk not in (link.owner_id, link.member_id):
        raise NotFoundError("No such family link.")
    with transaction.atomic():
        link = FamilyLink.objects.select_for_update().get(pk=link.pk)
        if link.status == FamilyLink.Status.REVOKED:
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
