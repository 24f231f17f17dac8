"""`{% goals_summary investor url_name [investor_public_id] %}`: the investor's goals with their projection,
for the portfolio pages (investor web pages and the staff portal's investor page)."""

from django import template

from apps.goals.selectors import goal_views

register = template.Library()


@register.inclusion_tag("goals/_goals_summary.html")
def goals_summary(investor, url_name: str, investor_public_id=None) -> dict:
    return {
        "goals": goal_views(investor=investor),
        "goal_url_name": url_name,
        "investor_public_id": investor_public_id,
    }
