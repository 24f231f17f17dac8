from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Investor notifications"

    def ready(self) -> None:
        # registers the Celery tasks in every process (services send them by name)
        from apps.notifications import tasks  # noqa: F401
