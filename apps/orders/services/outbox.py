"""The transactional outbox's write side: a message is written in the caller's transaction and its task is
sent after commit. This is the one place in the services that starts a task: by its registered name, so
that the services never import the task modules (which import the services)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.orders.models import OutboxMessage
from config.celery import app as celery_app

PROCESS_TASK = "orders.process_outbox_message"


class Retry(Exception):
    """The outbox should run this message again after `delay` seconds."""

    def __init__(self, reason: str, *, delay: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


def outbox_enqueue(*, kind: str, order=None, sip=None, mandate=None, delay: float = 0.0) -> OutboxMessage:
    """Writes the outbox row in the caller's transaction and starts its task after commit."""
    message = OutboxMessage.objects.create(
        kind=kind, order=order, sip=sip, mandate=mandate, available_at=timezone.now() + timedelta(seconds=delay)
    )
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk, countdown=delay))
    return message


def outbox_dispatch(*, message_id: int, countdown: float = 0.0) -> None:
    """Sends the task for a message. With eager tasks (tests) a delayed retry is left to the sweeper."""
    if countdown > 0 and settings.CELERY_TASK_ALWAYS_EAGER:
        return
    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    task = celery_app.tasks[PROCESS_TASK]
    if countdown > 0:
        task.apply_async(args=[message_id], countdown=countdown)
    else:
        task.delay(message_id)
