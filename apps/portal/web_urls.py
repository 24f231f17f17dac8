"""Investor web pages on the tenant host (session sign-in), mounted under /web/."""

urlpatterns: list = []
