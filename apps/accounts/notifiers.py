"""How one-time passwords and messages reach people. The backend is chosen by settings.NOTIFIER_BACKEND."""

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from apps.core.logging import mask_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundMessage:
    channel: str  # "sms" or "email"
    target: str
    subject: str
    body: str


class Notifier(ABC):
    @abstractmethod
    def send(self, message: OutboundMessage) -> None: ...


class ConsoleNotifier(Notifier):
    """Development: writes the message to the log (target masked; the body is the point of a demo)."""

    def send(self, message: OutboundMessage) -> None:
        logger.info("notify %s to %s: %s", message.channel, mask_text(message.target), message.body)


class EmailNotifier(Notifier):
    """E-mail through Django's mail backend; SMS is handed to the configured SMS notifier."""

    def send(self, message: OutboundMessage) -> None:
        if message.channel == "email":
            send_mail(message.subject, message.body, None, [message.target])
        else:
            import_string(settings.SMS_NOTIFIER_BACKEND)().send(message)


class LocmemNotifier(Notifier):
    """Tests: keeps every message in `outbox`."""

    outbox: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> None:
        LocmemNotifier.outbox.append(message)


def notifier() -> Notifier:
    return import_string(settings.NOTIFIER_BACKEND)()
