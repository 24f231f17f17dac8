from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"

    def ready(self):
        # registers the Celery tasks in every process (web too), so that the outbox can send them by name
        from apps.orders import tasks  # noqa: F401
