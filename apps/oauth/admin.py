"""django-oauth-toolkit's tables live in each distributor's schema only; the admin runs on the public
host, where they do not exist. Its admin pages are taken down so they cannot fail there."""

from django.contrib import admin
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

for model in (
    get_application_model(),
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
