"""The demo book looks like a distributor's: at least sixty investors in families, split between two
relationship managers, most in regular plans, each with a past CAS import, SIPs on approved mandates with
their instalment history, and orders in every state. Seeding twice changes nothing."""

from collections import Counter

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor, StaffMember
from apps.accounts.selectors import investor_by_pan
from apps.demo.seeders import accounts, book, funds
from apps.orders.models import Mandate, Order, OrderStatus, SipInstalment, SipRegistration
from apps.portfolio.models import CasImport, FamilyLink, Holding

pytestmark = pytest.mark.django_db


def _census(tenant) -> dict:
    with tenant_context(tenant):
        return {
            "investors": Investor.objects.count(),
            "rm_split": Counter(
                Investor.objects.exclude(relationship_manager=None).values_list(
                    "relationship_manager__user__email", flat=True
                )
            ),
            "rms": StaffMember.objects.filter(role="rm", is_active=True).count(),
            "families": FamilyLink.objects.filter(status="active").values("owner").distinct().count(),
            "imports_done": CasImport.objects.filter(status="done").values("investor").distinct().count(),
            "holdings": Counter(Holding.objects.filter(units__gt=0).values_list("scheme__plan", flat=True)),
            "held_codes": set(Holding.objects.values_list("scheme__amfi_code", flat=True)),
            "ordered_codes": set(Order.objects.values_list("scheme__amfi_code", flat=True)),
            "order_states": set(Order.objects.values_list("status", flat=True)),
            "sips_active": SipRegistration.objects.filter(status="active", mandate__status="approved").count(),
            "instalments": Counter(SipInstalment.objects.values_list("status", flat=True)),
            "mandates": Mandate.objects.count(),
            "orders": Order.objects.count(),
        }


def test_the_demo_book_looks_like_a_distributors(tenant_alpha, tenant_beta):
    logged: list[str] = []
    funds.seed(log=logged.append)
    accounts.seed(log=logged.append)

    book.seed(log=logged.append)

    demo_codes = {s.amfi_code for s in funds.demo_schemes()}
    for tenant in (tenant_alpha, tenant_beta):
        census = _census(tenant)
        assert census["investors"] >= 60
        assert census["rms"] == 2
        # two relationship managers share the book, families kept together
        split = census["rm_split"]
        assert len(split) == 2 and min(split.values()) >= 25 and sum(split.values()) == census["investors"]
        assert census["families"] == book.FAMILIES
        assert census["imports_done"] >= 60
        assert census["holdings"]["regular"] > 2 * census["holdings"]["direct"] > 0  # most in regular plans
        assert census["order_states"] == set(OrderStatus.values)  # every state
        assert census["sips_active"] >= 40 and census["mandates"] >= 40
        assert census["instalments"]["successful"] >= 40 * 10 and census["instalments"]["failed"] >= 1
        assert census["instalments"]["scheduled"] >= 40
        # the fictional fund universe only: no figure is invented for a real fund
        assert census["held_codes"] | census["ordered_codes"] <= demo_codes

    # deterministic and idempotent: the same people, and a second run adds nothing
    before = {t.schema_name: _census(t) for t in (tenant_alpha, tenant_beta)}
    with tenant_context(tenant_alpha):
        head = book.family_people("alpha", 0)[0]
        assert investor_by_pan(pan=head.pan).full_name == head.full_name
    book.seed(log=logged.append)
    assert {t.schema_name: _census(t) for t in (tenant_alpha, tenant_beta)} == before
