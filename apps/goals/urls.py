"""URLs of apps.goals, mounted by config/urls_tenants.py under /api/v1/."""

urlpatterns = []
