"""URLs of apps.accounts, mounted by config/urls_tenants.py (or urls_public.py for the sandbox)."""

urlpatterns: list = []
