"""Celery tasks: one delivery per task (transient provider failures retry with backoff); the KYC notice
that the accounts app asks for by task name."""

from celery import shared_task


@shared_task(name="notifications.deliver", bind=True, max_retries=5, acks_late=True)
def deliver(self, delivery_id: int) -> str:
    from apps.notifications.services import DeliveryRetry, notification_deliver

    try:
        return notification_deliver(delivery_id=delivery_id)
    except DeliveryRetry as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc


@shared_task(name="notifications.kyc_changed")
def kyc_changed(investor_id: int, status_label: str, reason: str) -> None:
    from apps.accounts.models import Investor
    from apps.notifications.services import kyc_change_notify

    investor = Investor.objects.filter(pk=investor_id).first()
    if investor is not None:
        kyc_change_notify(investor=investor, status_label=status_label, reason=reason)
