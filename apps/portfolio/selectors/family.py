"""Family links and the family's aggregated portfolio."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from apps.accounts.models import Investor
from apps.core.exceptions import NotFoundError
from apps.portfolio.models import FamilyLink, InvestorValuation
from apps.portfolio.selectors.analytics import allocation_compute, portfolio_xirr
from apps.portfolio.selectors.holdings import EMPTY_SUMMARY, PortfolioSummary, summary_from_valuation

ZERO = Decimal("0")


def _visible_to(investor: Investor) -> Q:
    """An owner sees a link only once it is active (a pending request would tell them the person exists);
    the member sees it from the request on."""
    return Q(owner=investor, status=FamilyLink.Status.ACTIVE) | Q(
        member=investor, status__in=[FamilyLink.Status.PENDING, FamilyLink.Status.ACTIVE]
    )


def access_family_link_by_id(*, investor: Investor, public_id: uuid.UUID) -> FamilyLink:
    """A link the investor may see (as its active owner, or as its member)."""
    link = (
        FamilyLink.objects.select_related("owner", "member").filter(_visible_to(investor), public_id=public_id).first()
    )
    if link is None:
        raise NotFoundError("No such family link.")
    return link


def access_family_request_by_id(*, member: Investor, public_id: uuid.UUID) -> FamilyLink:
    """A request waiting for this investor's answer; anyone else (the owner too) gets 404."""
    link = (
        FamilyLink.objects.select_related("owner", "member")
        .filter(member=member, status=FamilyLink.Status.PENDING, public_id=public_id)
        .first()
    )
    if link is None:
        raise NotFoundError("No such family request.")
    return link


def family_link_list(*, investor) -> QuerySet:
    """The investor's active links, either side."""
    return FamilyLink.objects.filter(
        Q(owner=investor) | Q(member=investor), status=FamilyLink.Status.ACTIVE
    ).select_related("owner", "member")


def family_request_list(*, member) -> QuerySet:
    """Requests waiting for this investor's answer, newest first."""
    return (
        FamilyLink.objects.filter(member=member, status=FamilyLink.Status.PENDING)
        .select_related("owner")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class FamilyMember:
    investor_id: str
    name: str
    relationship: str
    is_self: bool
    summary: PortfolioSummary


@dataclass(frozen=True)
class FamilySummary:
    etag: str
    members: list[FamilyMember]
    value: Decimal
    invested: Decimal
    unrealised_gain: Decimal
    realised_gain: Decimal
    dividends: Decimal
    day_change: Decimal
    xirr: Decimal | None
    allocation: dict


def family_summary_get(*, owner) -> FamilySummary:
    """The owner and every member who consented (and has not unlinked), with totals, one XIRR over
    all their cash flows and a combined allocation. Read fresh on every call: an unlink takes effect
    with its commit."""
    links = list(
        FamilyLink.objects.filter(owner=owner, status=FamilyLink.Status.ACTIVE)
        .select_related("member")
        .order_by("consented_at", "id")
    )
    people = [(owner, "self", True)] + [(link.member, link.relationship, False) for link in links]
    ids = [person.pk for person, _, _ in people]
    valuations = {v.investor_id: v for v in InvestorValuation.objects.filter(investor_id__in=ids)}
    members = []
    for person, relationship, is_self in people:
        v = valuations.get(person.pk)
        members.append(
            FamilyMember(
                investor_id=str(person.public_id),
                name=person.full_name,
                relationship=relationship,
                is_self=is_self,
                summary=summary_from_valuation(v) if v else EMPTY_SUMMARY,
            )
        )
    value = sum((m.summary.value for m in members), ZERO)
    nav_dates = [m.summary.nav_date for m in members if m.summary.nav_date]
    versions = "|".join(f"{m.investor_id}:{m.summary.version}" for m in members)
    return FamilySummary(
        etag=hashlib.sha256(versions.encode()).hexdigest()[:24],
        members=members,
        value=value,
        invested=sum((m.summary.invested for m in members), ZERO),
        unrealised_gain=sum((m.summary.unrealised_gain for m in members), ZERO),
        realised_gain=sum((m.summary.realised_gain for m in members), ZERO),
        dividends=sum((m.summary.dividends for m in members), ZERO),
        day_change=sum((m.summary.day_change for m in members), ZERO),
        xirr=portfolio_xirr(investor_ids=ids, value=value, as_of=max(nav_dates) if nav_dates else None),
        allocation=allocation_compute(investor_ids=ids),
    )
