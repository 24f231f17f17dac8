"""The investors list shows each investor's AUM (their latest valuation) and sorts by it."""

from decimal import Decimal

from django_tenants.utils import tenant_context

from apps.portfolio.models import InvestorValuation
from tests.factories import make_investor


def _valued(tenant, name: str, value: str | None):
    investor = make_investor(tenant, full_name=name)
    if value is not None:
        with tenant_context(tenant):
            InvestorValuation.objects.create(investor=investor, value=Decimal(value))
    return investor


def test_the_list_shows_aum_and_sorts_by_it_both_ways(tenant_alpha, staff_client):
    # given three investors worth 300, nothing yet and 1,25,000.50
    client = staff_client(tenant_alpha, role="owner")
    small = _valued(tenant_alpha, "Asha Small", "300")
    unvalued = _valued(tenant_alpha, "Bela Unvalued", None)
    large = _valued(tenant_alpha, "Chitra Large", "125000.50")

    # when staff sort by AUM, highest first, then lowest first, then by name
    highest = client.get("/portal/investors/", {"sort": "-aum"})
    lowest = client.get("/portal/investors/", {"sort": "aum"})
    by_name = client.get("/portal/investors/", {"sort": "anything else"})

    # then the order follows the valuation (none counts as 0), and the column shows it in rupees
    assert [i.pk for i in highest.context["page"]] == [large.pk, small.pk, unvalued.pk]
    assert [i.pk for i in lowest.context["page"]] == [unvalued.pk, small.pk, large.pk]
    assert [i.pk for i in by_name.context["page"]] == [small.pk, unvalued.pk, large.pk]
    assert by_name.context["sort"] == "name"
    html = highest.content.decode()
    assert ">AUM</th>" in html and "1,25,000.50" in html
    assert '<option value="-aum" selected>' in html
