from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # registers the system checks, and the Celery tasks in every process (the services send them by name)
        from apps.accounts import checks, tasks  # noqa: F401
