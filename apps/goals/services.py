"""Writes of goals: create, change and delete a goal; link a share of a holding or SIP to it, unlink."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.goals.models import Goal, GoalLink
from apps.orders.models import SipRegistration
from apps.orders.selectors import access_sip_by_id
from apps.portfolio.models import Holding
from apps.portfolio.selectors.holdings import access_holding_by_id

EDITABLE = ("name", "target_amount", "target_date", "inflation", "return_equity", "return_hybrid", "return_debt",
            "return_other")  # fmt: skip
HUNDRED = Decimal("100")
MAX_HORIZON_DAYS = 60 * 366  # projections compound over at most 60 years
MAX_TARGET = Decimal("1000000000000")  # Rs 1 lakh crore


def _validate(fields: dict) -> None:
    if "name" in fields and not str(fields["name"]).strip():
        raise ApplicationError("A goal needs a name.", code="invalid_goal", extra={"field": "name"})
    if "target_amount" in fields and fields["target_amount"] <= 0:
        raise ApplicationError("The target amount must be more than zero.", code="invalid_goal",
                               extra={"field": "target_amount"})  # fmt: skip
    if "target_date" in fields and not (
        timezone.localdate() < fields["target_date"] <= timezone.localdate() + timedelta(days=MAX_HORIZON_DAYS)
    ):
        raise ApplicationError("The target date must be in the future, at most 60 years away.", code="invalid_goal",
                               extra={"field": "target_date"})  # fmt: skip
    if "target_amount" in fields and fields["target_amount"] > MAX_TARGET:
        raise ApplicationError("The target amount is too large.", code="invalid_goal",
                               extra={"field": "target_amount"})  # fmt: skip
    if "inflation" in fields and not (0 <= fields["inflation"] <= 30):
        raise ApplicationError("Inflation must be between 0 and 30 percent.", code="invalid_goal",
                               extra={"field": "inflation"})  # fmt: skip
    for key in ("return_equity", "return_hybrid", "return_debt", "return_other"):
        if key in fields and not (-50 <= fields[key] <= 50):
            raise ApplicationError("Expected returns must be between -50 and 50 percent.", code="invalid_goal",
                                   extra={"field": key})  # fmt: skip


def goal_create(*, investor, actor, name: str, target_amount: Decimal, target_date: date, **assumptions) -> Goal:
    fields = {"name": name.strip(), "target_amount": target_amount, "target_date": target_date, **assumptions}
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"Unknown goal fields: {', '.join(sorted(unknown))}.", code="invalid_goal")
    _validate(fields)
    with transaction.atomic():
        goal = Goal.objects.create(investor=investor, **fields)
        audit_record(action="goals.goal_created", actor=actor, target=goal, extra={"name": goal.name})
    return goal


def goal_update(*, goal: Goal, actor, **changes) -> Goal:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"Unknown goal fields: {', '.join(sorted(unknown))}.", code="invalid_goal")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
    _validate(changes)
    if not changes:
        return goal
    with transaction.atomic():
        for key, value in changes.items():
            setattr(goal, key, value)
        goal.save(update_fields=[*changes, "updated_at"])
        audit_record(action="goals.goal_updated", actor=actor, target=goal, extra={"fields": sorted(changes)})
    return goal


def goal_delete(*, goal: Goal, actor) -> None:
    with transaction.atomic():
        audit_record(action="goals.goal_deleted", actor=actor, target=goal, extra={"name": goal.name})
        goal.delete()


def _public_id(value, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"No such {what}.") from exc


def _check_share(share: Decimal) -> None:
    if not (0 < share <= HUNDRED):
        raise ApplicationError("The share must be more than 0 and at most 100 percent.", code="invalid_share")


def goal_link_holding(*, goal: Goal, actor, holding_id, share: Decimal = HUNDRED) -> GoalLink:
    """Sets aside `share` percent of one of the investor's holdings for the goal (replacing an earlier share
    for the same goal). Across goals a holding is never set aside more than 100%."""
    _check_share(share)
    holding = access_holding_by_id(investor=goal.investor, public_id=_public_id(holding_id, "holding"))
    with transaction.atomic():
        Holding.objects.select_for_update().filter(pk=holding.pk).first()  # one writer per holding
        taken = GoalLink.objects.filter(holding=holding).exclude(goal=goal).aggregate(total=Sum("share"))["total"] or 0
        if taken + share > HUNDRED:
            raise ApplicationError(
                f"Only {HUNDRED - taken}% of this holding is not set aside for other goals.",
                code="share_exceeded",
                extra={"available": str(HUNDRED - taken)},
            )
        link, _ = GoalLink.objects.update_or_create(goal=goal, holding=holding, defaults={"share": share})
        audit_record(action="goals.holding_linked", actor=actor, target=goal,
                     extra={"holding": str(holding.public_id), "share": str(share)})  # fmt: skip
    return link


def goal_link_sip(*, goal: Goal, actor, sip_id, share: Decimal = HUNDRED) -> GoalLink:
    _check_share(share)
    sip = access_sip_by_id(investor=goal.investor, public_id=_public_id(sip_id, "SIP"))
    with transaction.atomic():
        SipRegistration.objects.select_for_update().filter(pk=sip.pk).first()
        taken = GoalLink.objects.filter(sip=sip).exclude(goal=goal).aggregate(total=Sum("share"))["total"] or 0
        if taken + share > HUNDRED:
            raise ApplicationError(
                f"Only {HUNDRED - taken}% of this SIP is not set aside for other goals.",
                code="share_exceeded",
                extra={"available": str(HUNDRED - taken)},
            )
        link, _ = GoalLink.objects.update_or_create(goal=goal, sip=sip, defaults={"share": share})
        audit_record(action="goals.sip_linked", actor=actor, target=goal,
                     extra={"sip": str(sip.public_id), "share": str(share)})  # fmt: skip
    return link


def goal_unlink(*, link: GoalLink, actor) -> None:
    with transaction.atomic():
        audit_record(action="goals.unlinked", actor=actor, target=link.goal, extra={"link": str(link.public_id)})
        link.delete()
