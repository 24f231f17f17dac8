"""Celery tasks: ids in, a service call, nothing else. Each runs in the schema it was sent from."""

from celery import shared_task


@shared_task(name="orders.process_outbox_message", acks_late=True)
def process_outbox_message(message_id: int) -> str:
    from apps.orders.services.outbox import outbox_process

    return outbox_process(message_id=message_id)


@shared_task(name="orders.outbox_sweep")
def outbox_sweep() -> int:
    from apps.orders.services.outbox import outbox_sweep as sweep

    return sweep()


@shared_task(name="orders.poll_open")
def poll_open() -> dict:
    from apps.orders.services.polling import orders_poll_open

    return orders_poll_open()


@shared_task(name="orders.idempotency_purge")
def idempotency_purge() -> int:
    from apps.orders.services.idempotency import idempotency_purge as purge

    return purge()
