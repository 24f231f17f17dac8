"""Assigning investors to relationship managers: one or many at a time, by owners and admins."""

import uuid
from collections.abc import Sequence

from django.db import transaction

from apps.accounts.models import Investor, StaffMember, StaffRole
from apps.accounts.permissions import Capability, role_has_capability
from apps.accounts.services.common import field_error
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, NotFoundError

MAX_INVESTORS_PER_ASSIGNMENT = 500


def investors_assign_relationship_manager(
    *,
    actor_staff: StaffMember,
    investor_ids: Sequence[uuid.UUID],
    relationship_manager: StaffMember | None,
) -> int:
    """Assigns these investors (public ids) to an active relationship manager, or to nobody when
    `relationship_manager` is None. All or nothing: an unknown id, an inactive manager or a colleague who
    is not a relationship manager changes no investor. Returns how many investors changed hands; each
    change leaves an audit row with the manager before and after."""
    if not role_has_capability(actor_staff.role, Capability.INVESTORS_ASSIGN):
        raise ApplicationError("Only owners and admins assign investors.", code="permission_denied", status_code=403)
    wanted = set(investor_ids)
    if not wanted:
        raise field_error("investors", "Choose at least one investor.")
    if len(wanted) > MAX_INVESTORS_PER_ASSIGNMENT:
        raise field_error("investors", f"Assign at most {MAX_INVESTORS_PER_ASSIGNMENT} investors at a time.")
    with transaction.atomic():
        if relationship_manager is not None:
            relationship_manager = (
                StaffMember.objects.select_for_update()
                .filter(pk=relationship_manager.pk, role=StaffRole.RELATIONSHIP_MANAGER, is_active=True)
                .first()
            )
            if relationship_manager is None:
                raise field_error("relationship_manager", "Choose an active relationship manager.")
        investors = list(Investor.objects.select_for_update().filter(public_id__in=wanted).order_by("id"))
        if len(investors) != len(wanted):
            raise NotFoundError("One of the chosen investors does not exist here.")
        new_id = relationship_manager.pk if relationship_manager else None
        changed = [inv for inv in investors if inv.relationship_manager_id != new_id]
        for investor in changed:
            before = investor.relationship_manager_id
            investor.relationship_manager = relationship_manager
            investor.save(update_fields=["relationship_manager", "updated_at"])
            audit_record(
                action="investor.relationship_manager_changed",
                actor=actor_staff.user,
                target=investor,
                extra={"before": before, "after": new_id},
            )
    return len(changed)
