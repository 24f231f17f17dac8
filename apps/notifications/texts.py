"""What each event says, in the distributor's brand. Amounts in rupees, dates as 20 Nov 2026."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from apps.notifications.models import Event
from tenants.branding import PLATFORM_BRAND, brand_for_distributor

TEMPLATES: dict[str, tuple[str, str]] = {
    Event.ORDER_ACCEPTED: ("Order accepted", "{brand}: your {kind} of {what} in {scheme} is accepted by the exchange."),
    Event.ORDER_PAYMENT_DUE: (
        "Payment due",
        "{brand}: pay Rs {amount} for your order in {scheme} before the cut-off to get today's NAV.",
    ),
    Event.ORDER_ALLOTTED: (
        "Units allotted",
        "{brand}: {units} units of {scheme} at NAV {nav} ({date}) for your {kind} of {what}.",
    ),
    Event.ORDER_REJECTED: ("Order rejected", "{brand}: your {kind} in {scheme} was rejected. {reason}"),
    Event.ORDER_FAILED: ("Order failed", "{brand}: your {kind} in {scheme} could not be placed. {reason}"),
    Event.ORDER_REVERSED: (
        "Order reversed",
        "{brand}: the registrar reversed your {kind} in {scheme} ({units} units). {reason}",
    ),
    Event.SIP_INSTALMENT_PAID: (
        "SIP instalment paid",
        "{brand}: your SIP instalment of Rs {amount} in {scheme} is paid.",
    ),
    Event.SIP_INSTALMENT_BOUNCED: (
        "SIP instalment bounced",
        "{brand}: your SIP instalment of Rs {amount} in {scheme} did not go through. {reason}",
    ),
    Event.KYC_CHANGED: ("KYC {status}", "{brand}: your KYC is {status}. {reason}"),
}


@dataclass(frozen=True)
class Text:
    title: str
    body: str
    brand: str


def brand_name() -> str:
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "pk", None):
        return PLATFORM_BRAND.display_name
    return brand_for_distributor(tenant).display_name


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def text_render(*, event: str, context: dict) -> Text:
    brand = brand_name()
    title, body = TEMPLATES[event]
    values = _Defaults({"brand": brand, **{k: v for k, v in context.items() if v is not None}})
    return Text(
        title=title.format_map(values)[:200], body=" ".join(body.format_map(values).split())[:1000], brand=brand
    )
