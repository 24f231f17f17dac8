"""The investors list shows each investor's AUM (their latest valuation) and sorts by it."""

import uuid
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor
from apps.portfolio.models import InvestorValuation
from tests.factories import make_investor


def _valued(tenant, name: str, value: str | None, **fields):
    """An investor with a valuation worth `value`, copied on the investor as investor_valuation_refresh
    does (apps/portfolio/tests/test_scale_and_refresh.py checks the service keeps the copy)."""
    investor = make_investor(tenant, full_name=name, **fields)
    if value is not None:
        with tenant_context(tenant):
            InvestorValuation.objects.create(investor=investor, value=Decimal(value))
            Investor.objects.filter(pk=investor.pk).update(aum=Decimal(value))
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


def test_the_aum_column_and_sort_in_a_browser_at_1366_and_390_px(browser, live_server, live_alpha, screenshot):
    from apps.portal.tests.conftest import sign_in
    from tests.factories import make_staff, unique

    # given two valued investors (searched by their shared tag: other tests' investors share the live database),
    # one with an e-mail address as long as a firm's addresses get
    tag = unique("Aumsort")
    rich, modest = f"{tag} Rich Rao", f"{tag} Modest Mehta"
    _valued(live_alpha, modest, "1500", email=f"{tag.lower()}.modest.mehta.family.office@investors.example.co.in")
    _valued(live_alpha, rich, "2500000")
    owner = make_staff(live_alpha, role="owner")
    for width, height in ((1366, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        sign_in(tab, live_server.url("alpha.localhost", "/portal/login/"), owner.user.email)
        tab.wait_for_url("**/portal/")

        # when staff open the investors list sorted by AUM, highest first
        tab.goto(live_server.url("alpha.localhost", f"/portal/investors/?q={tag}&sort=-aum"))

        # then the richest comes first with the AUM in rupees, and the page never scrolls sideways
        rows = tab.get_by_test_id("investor-table").locator("tbody tr")
        assert rich in rows.nth(0).inner_text() and "25,00,000.00" in rows.nth(0).inner_text()
        assert modest in rows.nth(1).inner_text() and rows.count() == 2
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if width == 1366:
            # the column the list is sorted by is in view: the table fits without scrolling sideways
            table = tab.get_by_test_id("investor-table")
            assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
            assert tab.get_by_role("columnheader", name="AUM").is_visible()
        screenshot(tab, f"portal-investors-by-aum-{width}")
        context.close()


def test_a_search_is_paged_from_one_read_of_its_keys(tenant_alpha, staff_client):
    # given 30 investors matching a search (more than a page of 25) and one that does not
    tag = uuid.uuid4().hex[:8]
    matching = [_valued(tenant_alpha, f"Devi {tag} {n:02d}", str(100 + n)) for n in range(30)]
    _valued(tenant_alpha, "Someone Else", "5")
    client = staff_client(tenant_alpha, role="owner")

    # when the first and second pages of the search are read, by AUM highest first
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/portal/investors/", {"q": tag, "sort": "-aum"})
    # (read before the next request empties the log) the whole list searched, not just the page's rows by key
    searches = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"] and '"id" IN (' not in q["sql"]]
    second = client.get("/portal/investors/", {"q": tag, "sort": "-aum", "page": 2})

    # then the count is the whole search's, the pages follow the sort, and the list was searched once
    assert first.context["page"].paginator.count == 30
    by_aum = [i.pk for i in sorted(matching, key=lambda i: -int(i.full_name[-2:]))]
    assert [i.pk for i in first.context["page"]] + [i.pk for i in second.context["page"]] == by_aum
    assert len(searches) == 1


def test_a_large_books_dashboard_reads_in_crore_with_the_exact_amount_beside(tenant_alpha, staff_client):
    # given a relationship manager whose book is worth ₹12,69,00,81,640 (a 13-digit figure)
    client = staff_client(tenant_alpha, role="rm")
    _valued(tenant_alpha, "Kiran Crore", "12690081640", relationship_manager=client.member)

    # when they open the dashboard
    page = client.get("/portal/").content.decode()

    # then the figure card leads with crore, which fits the card, and still shows every rupee
    aum_card = page.split('data-testid="kpi-aum"', 1)[1].split("</div>", 1)[0]
    assert '<span class="kpi__value">₹1,269.01 Cr</span>' in aum_card
    assert "₹12,69,00,81,640" in aum_card


def test_a_small_books_dashboard_shows_its_exact_aum_once(tenant_alpha, staff_client):
    # given a relationship manager whose book is worth ₹86,190 (under a lakh)
    client = staff_client(tenant_alpha, role="rm")
    _valued(tenant_alpha, "Kiran Small", "86190", relationship_manager=client.member)

    # when they open the dashboard
    page = client.get("/portal/").content.decode()

    # then the exact amount is the headline, not repeated beneath it
    aum_card = page.split('data-testid="kpi-aum"', 1)[1].split("</div>", 1)[0]
    assert '<span class="kpi__value">₹86,190</span>' in aum_card and aum_card.count("₹86,190") == 1


def test_counts_read_with_indian_grouping():
    from apps.portal.templatetags.portal_tags import count, inr_short

    assert [count(n) for n in (7, 20000, 120000, None)] == ["7", "20,000", "1,20,000", "—"]
    assert inr_short("") == "—" and inr_short(Decimal("250000")) == "₹2.50 L"
