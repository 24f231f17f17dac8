"""The operations access selectors: a discrepancy and any order of the distributor are reached by staff
who operate orders, by public id; other staff and malformed ids get 404."""

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from apps.core.exceptions import NotFoundError
from apps.orders.operations_selectors import access_order_by_id
from apps.reconciliation.models import Discrepancy
from apps.reconciliation.selectors import access_discrepancy_by_id
from tests.factories import SchemeFactory, make_investor, make_order, make_staff

pytestmark = pytest.mark.django_db


def test_operations_staff_reach_them_and_other_roles_do_not(tenant_alpha):
    operations = make_staff(tenant_alpha, role="operations")
    rm = make_staff(tenant_alpha, role="rm")
    order = make_order(tenant_alpha, make_investor(tenant_alpha, ready_to_invest=True), SchemeFactory(orderable=True))
    with tenant_context(tenant_alpha):
        item = Discrepancy.objects.create(
            fingerprint="access:test", cause="balance_differs", suggested_fix="review_ledger", folio="1/1",
            detail="differs", ours=Decimal(1), theirs=Decimal(2),
        )  # fmt: skip
        assert access_discrepancy_by_id(staff=operations, public_id=item.public_id) == item
        assert access_order_by_id(staff=operations, public_id=order.public_id) == order
        for call, public_id in ((access_discrepancy_by_id, item.public_id), (access_order_by_id, order.public_id)):
            with pytest.raises(NotFoundError):
                call(staff=rm, public_id=public_id)
            with pytest.raises(NotFoundError):
                call(staff=operations, public_id=uuid.uuid4())
