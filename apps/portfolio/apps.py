from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "apps.portfolio"
    label = "portfolio"

    def ready(self):
        # registers the Celery tasks in every process, so that the services can send them by name
        from apps.portfolio import tasks  # noqa: F401
