from django.apps import AppConfig


class OauthConfig(AppConfig):
    name = "apps.oauth"
    label = "oauth"
    verbose_name = "OAuth"

    def ready(self) -> None:
        from apps.oauth import (
            checks,  # noqa: F401 (registers the system checks)
            receivers,  # noqa: F401 (connects the receivers of other apps' events)
        )
