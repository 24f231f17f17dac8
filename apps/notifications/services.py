"""Writes: store a notification and deliver it on each channel the investor wants (after the commit, by
a task per delivery); mark notifications read; set channel preferences; register push devices."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.accounts.models import Investor
from apps.accounts.notifiers import OutboundMessage
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.notifications.channels.push import FcmClient, PushError, PushMessage, PushTokenInvalid
from apps.notifications.channels.sms import SmsError
from apps.notifications.models import Channel, ChannelPreference, Delivery, Event, Notification, PushDevice
from apps.notifications.texts import text_render
from config.celery import app as celery_app

DELIVER_TASK = "notifications.deliver"


class DeliveryRetry(Exception):
    """A transient failure: the task tries again later."""


logger = logging.getLogger(__name__)

# an order reaching one of these states tells the investor (SIP instalments have their own words)
ORDER_EVENTS = {
    "accepted": Event.ORDER_ACCEPTED, "payment_pending": Event.ORDER_PAYMENT_DUE, "successful": Event.ORDER_ALLOTTED,
    "rejected": Event.ORDER_REJECTED, "failed": Event.ORDER_FAILED, "reversed": Event.ORDER_REVERSED,
}  # fmt: skip
SIP_EVENTS = {"successful": Event.SIP_INSTALMENT_PAID, "rejected": Event.SIP_INSTALMENT_BOUNCED,
              "failed": Event.SIP_INSTALMENT_BOUNCED, "reversed": Event.SIP_INSTALMENT_BOUNCED}  # fmt: skip


def channels_for(investor: Investor) -> list[str]:
    pref = ChannelPreference.objects.filter(investor=investor).first()
    wanted = (
        {Channel.EMAIL: pref.email, Channel.SMS: pref.sms, Channel.PUSH: pref.push}
        if pref
        else dict.fromkeys(Channel.values, True)
    )
    reachable = {
        Channel.EMAIL: bool(investor.email),
        Channel.SMS: bool(investor.mobile),
        Channel.PUSH: bool(settings.FCM_SERVICE_ACCOUNT)
        and PushDevice.objects.filter(investor=investor, active=True).exists(),
    }
    return [channel for channel in Channel.values if wanted[channel] and reachable[channel]]


@transaction.atomic
def notification_send(*, investor: Investor, event: str, context: dict | None = None, data: dict | None = None):
    """Stores the notification and queues its deliveries (sent after the commit)."""
    text = text_render(event=event, context=context or {})
    notification = Notification.objects.create(
        investor=investor, event=event, title=text.title, body=text.body, data=data or {}
    )
    deliveries = Delivery.objects.bulk_create(
        [Delivery(notification=notification, channel=channel) for channel in channels_for(investor)]
    )
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: celery_app.tasks[DELIVER_TASK].delay(pk))
    return notification


def order_event_notify(*, order, status: str) -> Notification | None:
    """Called by the order state machine on every transition: tells the investor about the ones they care for."""
    event = (SIP_EVENTS if order.sip_id else ORDER_EVENTS).get(status)
    if event is None:
        return None
    amount = order.allotted_amount or order.amount
    context = {
        "kind": order.get_kind_display().lower(), "scheme": order.scheme.name,
        "what": f"Rs {amount}" if amount else (f"{order.units} units" if order.units else "all units"),
        "amount": amount, "units": order.allotted_units, "nav": order.allotted_nav,
        "date": f"{order.nav_date:%d %b %Y}" if order.nav_date else "", "reason": order.failure_reason,
    }  # fmt: skip
    return notification_send(investor=order.investor, event=event, context=context,
                             data={"order_id": str(order.public_id), "status": status})  # fmt: skip


def kyc_change_notify(*, investor: Investor, status_label: str, reason: str) -> Notification:
    return notification_send(investor=investor, event=Event.KYC_CHANGED,
                             context={"status": status_label.lower(), "reason": reason or ""},
                             data={"kyc_status": investor.kyc_status})  # fmt: skip


# --- delivery -------------------------------------------------------------------------------------------


def notification_deliver(*, delivery_id: int) -> str:
    delivery = Delivery.objects.select_related("notification__investor").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == Delivery.Status.SENT:
        return "done"
    notification = delivery.notification
    Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1, updated_at=timezone.now())
    try:
        ref = _send(delivery.channel, notification)
    except (SmsError, PushError) as exc:
        if exc.transient and delivery.attempts + 1 < settings.NOTIFICATIONS_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(error=str(exc)[:300])
            raise DeliveryRetry(str(exc)) from exc
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=str(exc)[:300])
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, provider_ref=ref[:200], error="")
    return "sent"


def _send(channel: str, notification: Notification) -> str:
    investor = notification.investor
    if channel == Channel.EMAIL:
        send_mail(notification.title, notification.body, None, [investor.email])
        return "email"
    if channel == Channel.SMS:
        sms = import_string(settings.SMS_NOTIFIER_BACKEND)()
        return str(sms.send(OutboundMessage(channel="sms", target=investor.mobile, subject="", body=notification.body))
                   or "sms")  # fmt: skip
    return _push(notification)


def _push(notification: Notification) -> str:
    client = FcmClient()
    sent = []
    data = {**notification.data, "notification_id": str(notification.public_id), "event": notification.event}
    for device in PushDevice.objects.filter(investor=notification.investor, active=True):
        try:
            sent.append(client.send(PushMessage(token=device.token, title=notification.title,
                                                body=notification.body, data=data)))  # fmt: skip
        except PushTokenInvalid:
            PushDevice.objects.filter(pk=device.pk).update(active=False, updated_at=timezone.now())
    if not sent:
        raise PushError("No device accepted the message.", transient=False)
    return ",".join(sent)


# --- the investor's own writes --------------------------------------------------------------------------


def notifications_mark_read(*, investor: Investor, ids: list | None = None, before: datetime | None = None) -> int:
    """Marks the investor's notifications read: the given ids (others' ids are ignored), or all."""
    qs = Notification.objects.filter(investor=investor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(public_id__in=ids)
    now = timezone.now()
    return qs.update(read_at=now, updated_at=now)


@transaction.atomic
def channel_preference_set(*, investor: Investor, email: bool, sms: bool, push: bool) -> ChannelPreference:
    pref, _ = ChannelPreference.objects.select_for_update().get_or_create(investor=investor)
    pref.email, pref.sms, pref.push = email, sms, push
    pref.save(update_fields=["email", "sms", "push", "updated_at"])
    audit_record(action="notifications.preferences_set", actor=investor.user, target=pref,
                 extra={"email": email, "sms": sms, "push": push})  # fmt: skip
    return pref


@transaction.atomic
def push_device_register(*, investor: Investor, token: str, platform: str) -> PushDevice:
    token = token.strip()
    if not token or len(token) > 500:
        raise ApplicationError("A device token is required.", code="invalid_token", extra={"field": "token"})
    device = PushDevice.objects.select_for_update().filter(token=token).first()
    if device is None:
        return PushDevice.objects.create(investor=investor, token=token, platform=platform)
    device.investor, device.platform, device.active = investor, platform, True  # a phone changes hands
    device.save(update_fields=["investor", "platform", "active", "updated_at"])
    return device


def push_device_remove(*, investor: Investor, public_id) -> None:
    """Stops pushes to one of the investor's devices; another's device (or none) is NotFoundError."""
    removed = PushDevice.objects.filter(investor=investor, public_id=public_id).update(
        active=False, updated_at=timezone.now()
    )
    if not removed:
        raise NotFoundError("No such device.")
