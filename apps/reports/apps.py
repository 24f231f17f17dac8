from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = "Reports and statements"

    def ready(self):
        # registers the Celery tasks in every process, so that the services can send them by name
        from apps.reports import tasks  # noqa: F401
