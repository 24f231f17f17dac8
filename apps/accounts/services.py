from django.db import transaction

from apps.accounts.models import StaffMember, StaffRole
from apps.core.audit import audit_record
from apps.users.models import User


@transaction.atomic
def staff_create(*, email: str, role: str, full_name: str = "", password: str | None = None, actor=None) -> StaffMember:
    """Creates a staff user in the current tenant schema. Without a password the user gets an unusable
    one and sets it through a one-time link."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    member = StaffMember.objects.create(user=user, role=StaffRole(role))
    audit_record(action="staff.created", actor=actor, target=member, extra={"role": role})
    return member
