"""Reads of goals: an investor's goals, one goal by its public id, and each goal's projection."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.core.exceptions import NotFoundError
from apps.goals.models import Goal, GoalLink
from apps.goals.projection import GoalProjection, LinkedHolding, LinkedSip, goal_project, months_between, new_sip_return
from apps.orders.models import SipFrequency, SipStatus

ZERO = Decimal("0")
# SIPs that still pay in (or are on their way to): the rest add nothing to a goal
LIVE_SIP_STATUSES = frozenset(
    {SipStatus.PENDING_OTP, SipStatus.QUEUED, SipStatus.SUBMITTED, SipStatus.UNKNOWN, SipStatus.ACTIVE}
)
_MONTHLY_FACTOR = {SipFrequency.MONTHLY: Decimal(1), SipFrequency.QUARTERLY: Decimal(1) / 3,
                   SipFrequency.WEEKLY: Decimal(52) / 12}  # fmt: skip
_MONTHS_PER_INSTALMENT = {SipFrequency.MONTHLY: 1, SipFrequency.QUARTERLY: 3, SipFrequency.WEEKLY: Decimal(12) / 52}


@dataclass(frozen=True, slots=True)
class GoalView:
    goal: Goal
    links: list[GoalLink]
    projection: GoalProjection


def _uuid(value, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"No such {what}.") from exc


def _with_links(goals: QuerySet) -> QuerySet:
    return goals.prefetch_related(
        Prefetch(
            "links",
            queryset=GoalLink.objects.select_related("holding__scheme", "holding__folio", "sip__scheme").order_by("id"),
        )
    )


def goal_list(*, investor) -> QuerySet:
    return _with_links(Goal.objects.filter(investor=investor))


def access_goal_by_id(*, investor, public_id) -> Goal:
    """One of the investor's own goals; 404 for anyone else's or a malformed id."""
    goal = _with_links(Goal.objects.filter(investor=investor, public_id=_uuid(public_id, "goal"))).first()
    if goal is None:
        raise NotFoundError("No such goal.")
    return goal


def access_goal_link_by_id(*, goal: Goal, public_id) -> GoalLink:
    """One link of a goal the caller already reached through access_goal_by_id; 404 otherwise."""
    link = GoalLink.objects.filter(goal=goal, public_id=_uuid(public_id, "link")).first()
    if link is None:
        raise NotFoundError("No such link.")
    return link


def _asset_class(scheme) -> str:
    return scheme.tax_asset_class if scheme is not None else "other"


def _sip_months_left(sip, today: date) -> int:
    per = _MONTHS_PER_INSTALMENT[sip.frequency]
    total_months = int(Decimal(sip.instalments) * Decimal(per))
    return max(total_months - months_between(sip.start_date, today), 0)


def goal_view(*, goal: Goal, today: date | None = None) -> GoalView:
    """The goal, its links (prefetched) and its projection."""
    today = today or timezone.localdate()
    links = list(goal.links.all())
    holdings, sips = [], []
    for link in links:
        share = link.share / 100
        if link.holding_id:
            holding = link.holding
            rate = goal.expected_return(_asset_class(holding.scheme))
            holdings.append(LinkedHolding(value=holding.value * share, annual_return=rate))
        elif link.sip.status in LIVE_SIP_STATUSES:
            sip = link.sip
            sips.append(
                LinkedSip(
                    monthly_amount=sip.amount * _MONTHLY_FACTOR[sip.frequency] * share,
                    months_left=_sip_months_left(sip, today),
                    annual_return=goal.expected_return(_asset_class(sip.scheme)),
                )
            )
    months = months_between(today, goal.target_date)
    projection = goal_project(
        target_amount=goal.target_amount,
        inflation=goal.inflation,
        today=today,
        target_date=goal.target_date,
        holdings=holdings,
        sips=sips,
        sip_return=new_sip_return(
            months_left=months, equity=goal.return_equity, hybrid=goal.return_hybrid, debt=goal.return_debt
        ),
    )
    return GoalView(goal=goal, links=links, projection=projection)


def goal_views(*, investor, today: date | None = None) -> list[GoalView]:
    return [goal_view(goal=goal, today=today) for goal in goal_list(investor=investor)]


def holding_shares_taken(*, holding_ids: list[int]) -> dict[int, Decimal]:
    """Percent of each holding already set aside for goals."""
    taken: dict[int, Decimal] = {}
    for holding_id, share in GoalLink.objects.filter(holding_id__in=holding_ids).values_list("holding_id", "share"):
        taken[holding_id] = taken.get(holding_id, ZERO) + share
    return taken
