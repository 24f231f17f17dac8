"""The investor's draft basket (apps/web/basket_draft.py) through the basket page: funds are added from a
fund's page or the page's own search and shown by name, removed, capped at the basket's limit; a fund that
cannot be bought here is refused beside the search; amounts typed survive adding and removing; the draft is
the investor's own and goes once the basket is placed."""

import pytest

from apps.orders.services.baskets import BASKET_MAX_LINES
from apps.web.tests.test_orders import signed_in
from tests.factories import SchemeFactory, make_investor, unique

pytestmark = pytest.mark.django_db
URL = "/web/orders/basket/"


def _rows(response) -> list[tuple[str, str]]:
    """(AMFI code, amount) of each fund row the page shows."""
    return [(form["amfi_code"].value(), form["amount"].value() or "") for form in response.context["formset"].forms]


def _sent(response, **amounts) -> dict:
    """The basket form as the page rendered it, with amounts typed in (by row index)."""
    formset = response.context["formset"]
    data = {"request_key": str(response.context["key_form"]["request_key"].value())}
    data.update({f"lines-{key}": value for key, value in formset.management_form.initial.items()})
    for i, form in enumerate(formset.forms):
        data[f"lines-{i}-amfi_code"] = form["amfi_code"].value()
        data[f"lines-{i}-amount"] = amounts.get(f"row{i}", form["amount"].value() or "")
    return data


def test_a_fund_added_from_its_page_shows_by_name_with_a_hidden_code(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    fund = SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)

    fund_page = client.get(f"/web/funds/{fund.amfi_code}/").content.decode()
    assert 'data-testid="fund-add-to-basket"' in fund_page and f'value="{fund.amfi_code}"' in fund_page
    added = client.post(URL, {"add_fund": fund.amfi_code})
    again = client.post(URL, {"add_fund": fund.amfi_code})  # twice is still once

    assert added.status_code == 302 and added["Location"] == URL and again.status_code == 302
    page = client.get(URL)
    html = page.content.decode()
    assert _rows(page) == [(fund.amfi_code, "")]
    assert fund.name in html
    assert f'<input type="hidden" name="lines-0-amfi_code" value="{fund.amfi_code}"' in html
    assert 'type="text" name="lines-0-amfi_code"' not in html and "AMFI code" not in html


def test_the_search_on_the_basket_page_adds_a_fund_and_keeps_the_amounts_typed(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    word = unique("Wombat").replace("-", "").replace("_", "")
    first = SchemeFactory(orderable=True)
    found = SchemeFactory(orderable=True, name=f"Alpha {word} Flexi Cap Fund - Direct Plan - Growth")
    client = signed_in(tenant_alpha, investor.user)
    client.post(URL, {"add_fund": first.amfi_code})

    searched = client.get(URL, {"q": word.lower()})
    html = searched.content.decode()
    assert found.name in html
    assert f'form="web-basket-form" name="add_fund" value="{found.amfi_code}"' in html
    # the investor typed an amount for the first fund, then tapped "Add" beside the search result
    response = client.post(URL, {**_sent(searched, row0="7000"), "add_fund": found.amfi_code})

    assert response.status_code == 302
    assert _rows(client.get(URL)) == [(first.amfi_code, "7000"), (found.amfi_code, "")]
    assert "In your basket" in client.get(URL, {"q": word.lower()}).content.decode()


def test_remove_takes_one_fund_out_and_keeps_the_others_amounts(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    first, second = SchemeFactory(orderable=True), SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)
    for fund in (first, second):
        client.post(URL, {"add_fund": fund.amfi_code})
    page = client.get(URL)
    assert f'name="remove" value="{first.amfi_code}"' in page.content.decode()

    response = client.post(URL, {**_sent(page, row0="1000", row1="2500"), "remove": first.amfi_code})

    assert response.status_code == 302
    assert _rows(client.get(URL)) == [(second.amfi_code, "2500")]


def test_the_draft_holds_at_most_the_baskets_limit(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    schemes = [SchemeFactory(orderable=True) for _ in range(BASKET_MAX_LINES + 1)]
    client = signed_in(tenant_alpha, investor.user)
    for fund in schemes[:BASKET_MAX_LINES]:
        assert client.post(URL, {"add_fund": fund.amfi_code}).status_code == 302

    refused = client.post(URL, {"add_fund": schemes[-1].amfi_code})

    assert refused.status_code == 400
    assert f"A basket holds at most {BASKET_MAX_LINES} funds" in refused.context["picker_error"]
    assert 'id="basket-add-error"' in refused.content.decode()
    page = client.get(URL)
    assert [code for code, _ in _rows(page)] == [s.amfi_code for s in schemes[:BASKET_MAX_LINES]]
    assert "Your basket is full" in page.content.decode()


def test_a_fund_that_cannot_be_bought_here_is_refused_beside_the_search(tenant_alpha):
    investor = make_investor(tenant_alpha, ready_to_invest=True)
    closed = SchemeFactory()  # no exchange code: it cannot be bought through this distributor
    client = signed_in(tenant_alpha, investor.user)
    assert 'data-testid="fund-add-to-basket"' not in client.get(f"/web/funds/{closed.amfi_code}/").content.decode()

    refused = client.post(URL, {"add_fund": closed.amfi_code})
    unknown = client.post(URL, {"add_fund": "999999999"})

    assert refused.status_code == 400 and refused.context["picker_error"].startswith(f"{closed.name} cannot go")
    assert unknown.status_code == 400 and "no longer listed" in unknown.context["picker_error"]
    assert _rows(client.get(URL)) == []


def test_the_draft_is_the_investors_own(tenant_alpha, tenant_beta):
    fund = SchemeFactory(orderable=True)
    mine = signed_in(tenant_alpha, make_investor(tenant_alpha, ready_to_invest=True).user)
    mine.post(URL, {"add_fund": fund.amfi_code})
    session = mine.session

    # the same session handed to another investor of the same distributor starts empty
    other = signed_in(tenant_alpha, make_investor(tenant_alpha, ready_to_invest=True).user)
    stolen = other.session
    stolen["web_basket_draft"] = session["web_basket_draft"]
    stolen.save()
    assert _rows(other.get(URL)) == []
    # another distributor's investor has a draft of their own
    assert _rows(signed_in(tenant_beta, make_investor(tenant_beta, ready_to_invest=True).user).get(URL)) == []
    assert _rows(mine.get(URL)) == [(fund.amfi_code, "")]


def test_placing_the_basket_clears_the_draft_and_a_refusal_keeps_it(tenant_alpha):
    from apps.orders.models import OrderBasket

    investor = make_investor(tenant_alpha, ready_to_invest=True)
    fund = SchemeFactory(orderable=True)
    client = signed_in(tenant_alpha, investor.user)
    client.post(URL, {"add_fund": fund.amfi_code})
    page = client.get(URL)

    missing = client.post(URL, {**_sent(page), "action": "place"})
    assert missing.status_code == 400
    assert 'id="id_lines-0-amount_error"' in missing.content.decode()  # beside its field
    assert _rows(client.get(URL)) == [(fund.amfi_code, "")]

    placed = client.post(URL, {**_sent(page, row0="5000"), "action": "place"})

    assert placed.status_code == 302 and placed["Location"].startswith("/web/orders/baskets/")
    assert OrderBasket.objects.filter(investor=investor).count() == 1
    assert _rows(client.get(URL)) == []
