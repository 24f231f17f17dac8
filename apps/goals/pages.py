"""The goal page's actions, shared by the page apps (investor web pages, staff portal): a POST with
`action` = edit (default), link, unlink or delete, carried out through the goal services."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from apps.core.exceptions import ApplicationError, NotFoundError
from apps.goals import selectors as goal_selectors
from apps.goals import services as goal_services
from apps.goals.forms import GoalForm, GoalLinkForm


@dataclass
class GoalPostOutcome:
    ok: bool = False
    redirect_to_list: bool = False
    form: GoalForm | None = None
    link_form: GoalLinkForm | None = None
    error: str = ""


def goal_page_post(request, *, goal, link_form) -> GoalPostOutcome:
    """The goal page's actions (edit, link, unlink, delete) through the goal services; shared by the
    investor's page and the staff portal's."""
    action = request.POST.get("action", "")
    try:
        if action == "delete":
            goal_services.goal_delete(goal=goal, actor=request.user)
            return GoalPostOutcome(ok=True, redirect_to_list=True)
        if action == "unlink":
            link = goal_selectors.access_goal_link_by_id(goal=goal, public_id=request.POST.get("link", ""))
            goal_services.goal_unlink(link=link, actor=request.user)
            return GoalPostOutcome(ok=True)
        if action == "link":
            if not link_form.is_valid():
                return GoalPostOutcome(link_form=link_form)
            kind, public_id = link_form.target_kind_and_id()
            share = link_form.cleaned_data["share"]
            if kind == "holding":
                goal_services.goal_link_holding(goal=goal, actor=request.user, holding_id=public_id, share=share)
            else:
                goal_services.goal_link_sip(goal=goal, actor=request.user, sip_id=public_id, share=share)
            return GoalPostOutcome(ok=True)
        form = GoalForm(request.POST)
        if not form.is_valid():
            return GoalPostOutcome(form=form)
        goal_services.goal_update(goal=goal, actor=request.user, **form.changes())
        return GoalPostOutcome(ok=True)
    except NotFoundError:
        raise Http404("No such link.") from None
    except ApplicationError as exc:
        return GoalPostOutcome(error=exc.message)
