"""Celery tasks: one delivery per task; transient provider failures retry with backoff."""

from celery import shared_task


class DeliveryRetry(Exception):
    """A transient failure: the task tries again later."""


@shared_task(name="notifications.deliver", bind=True, max_retries=5, acks_late=True)
def deliver(self, delivery_id: int) -> str:
    from apps.notifications.services import notification_deliver

    try:
        return notification_deliver(delivery_id=delivery_id)
    except DeliveryRetry as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
