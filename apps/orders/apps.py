from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"

    def ready(self):
        # registers the Celery tasks in every process (web too), so that the outbox can send them by name
        from apps.funds.operations import fund_operations_resolver_set
        from apps.orders import tasks  # noqa: F401
        from apps.orders.transactability import fund_operations_here

        # the fund API and pages say what can be done with a fund through this distributor's gateways
        fund_operations_resolver_set(fund_operations_here)
