"""The one way to write an audit row."""

from typing import Any

from django.db import models

from apps.core.context import current_request_id
from apps.core.logging import mask_pii
from apps.core.models import AuditLog


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    target: models.Model | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=actor_label or (str(actor) if actor is not None and user is None else ""),
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        request_id=current_request_id() or "",
        extra=mask_pii(extra or {}),
    )
