"""Celery tasks: ids in, a service call, nothing else. Each runs in the schema it was sent from."""

from celery import shared_task

from apps.orders.services import idempotency, outbox_runner, polling, sips


@shared_task(name="orders.process_outbox_message", acks_late=True)
def process_outbox_message(message_id: int) -> str:
    return outbox_runner.outbox_process(message_id=message_id)


@shared_task(name="orders.outbox_sweep")
def outbox_sweep() -> int:
    return outbox_runner.outbox_sweep()


@shared_task(name="orders.poll_open")
def poll_open() -> dict:
    return polling.orders_poll_open()


@shared_task(name="orders.idempotency_purge")
def idempotency_purge() -> int:
    return idempotency.idempotency_purge()


@shared_task(name="orders.sip_instalments_process")
def sip_instalments_process() -> dict:
    return sips.sip_instalments_process()
