"""URLs of apps.goals, mounted by config/urls_tenants.py under /api/v1/."""

from django.urls import path

from apps.goals import apis

urlpatterns = [
    path("goals", apis.GoalListCreateApi.as_view(), name="goals"),
    path("goals/<uuid:goal_id>", apis.GoalDetailApi.as_view(), name="goal"),
    path("goals/<uuid:goal_id>/links", apis.GoalLinkCreateApi.as_view(), name="goal-links"),
    path("goals/<uuid:goal_id>/links/<uuid:link_id>", apis.GoalLinkDeleteApi.as_view(), name="goal-link"),
]
