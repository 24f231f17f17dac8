from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "apps.reconciliation"
    label = "reconciliation"
    verbose_name = "Registrar reconciliation"

    def ready(self) -> None:
        # registers the Celery tasks in every process (services send them by name)
        from apps.reconciliation import tasks  # noqa: F401
