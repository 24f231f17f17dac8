"""The number of queries of the busy pages and endpoints does not grow with the book: each is counted on
a small book (3 investors), then again after the book has grown (12 investors, a larger portfolio, more
orders, SIPs and schemes), and the two counts must be equal. An N+1 anywhere (a row that fetches its
scheme, its investor or its relationship manager, a total per investor) makes the second count larger.

No timings here: benchmarks/scale_pages.py measures the same pages on a 20,000-investor book."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Investor
from apps.orders.models import OrderStatus, SipStatus
from apps.portfolio.services import book_snapshots_refresh
from apps.portfolio.tests.factories import portfolio_build, schemes_ensure
from tests.factories import PASSWORD, InvestorFactory, OrderFactory, SipRegistrationFactory, make_staff

pytestmark = pytest.mark.django_db

ORDER_STATES = list(OrderStatus.values)
SIP_STATES = [SipStatus.ACTIVE, SipStatus.CANCELLED, SipStatus.PENDING_OTP]


@dataclass
class Book:
    """What has been built so far in alpha, and the investor whose pages are counted."""

    rm: object
    schemes: list = field(default_factory=list)
    investors: list[Investor] = field(default_factory=list)
    focus: Investor | None = None

    def grow(self, *, investors: int, schemes: int, transactions: int, orders: int, sips: int) -> None:
        """Adds investors, each with a portfolio over `schemes` schemes, `orders` orders over every state
        and `sips` SIPs; the last one added becomes the investor whose pages are counted."""
        self.schemes = schemes_ensure(count=max(schemes, len(self.schemes)), prefix="QCB")
        for _ in range(investors):
            investor = InvestorFactory(ready_to_invest=True, relationship_manager=self.rm)
            portfolio_build(investor=investor, schemes=self.schemes[:schemes], transactions=transactions)
            for k in range(orders):
                OrderFactory(investor=investor, scheme=self.schemes[k % schemes], status=ORDER_STATES[k % 11])
            for k in range(sips):
                SipRegistrationFactory(investor=investor, scheme=self.schemes[k % schemes], status=SIP_STATES[k % 3])
            self.investors.append(investor)
            self.focus = investor
        book_snapshots_refresh()  # the nightly job's dashboard snapshots, of the book as it now is


def _signed_in(tenant, member) -> Client:
    client = Client(HTTP_HOST=tenant.domains.get(is_primary=True).domain)
    response = client.post("/portal/login/", {"email": member.user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _count(client, url: str) -> int:
    """Queries of one GET (a streamed body read to its end) with the shared cache cold; the process's own
    memos (routing, feature flags) warmed by a first GET, as they are in a running server."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _portal_urls(book: Book) -> dict[str, str]:
    return {
        "dashboard": "/portal/",
        "investors": "/portal/investors/",
        "investors searched, filtered, by AUM": "/portal/investors/?q=Test&kyc=verified&sort=-aum",
        "investors by AUM, second page": "/portal/investors/?sort=-aum&page=2",
        "an investor's page": f"/portal/investors/{book.focus.public_id}/",
        "orders": "/portal/orders/",
        "orders filtered": "/portal/orders/?status=successful&kind=purchase&date_from=2020-01-01",
        "orders, second page": "/portal/orders/?page=2",
        "SIP book": "/portal/sips/",
        "orders CSV export": "/portal/orders/export.csv",
    }


API_URLS = {
    "summary": "/api/v1/portfolio/summary",
    "holdings": "/api/v1/portfolio/holdings",
    "transactions": "/api/v1/portfolio/transactions?page_size=50",
    "orders": "/api/v1/orders",
    "fund search": "/api/v1/funds/?q=QCB%20Scheme",
}


def _counts(book: Book, staff, api_for) -> dict[str, int]:
    counts = {f"portal {name}": _count(staff, url) for name, url in _portal_urls(book).items()}
    api = api_for(book.focus)
    counts.update({f"API {name}": _count(api, url) for name, url in API_URLS.items()})
    return counts


def test_queries_per_page_and_endpoint_do_not_grow_with_the_book(tenant_alpha, in_alpha, api_for):
    # given a small book of 3 investors, an owner and a relationship manager
    rm = make_staff(tenant_alpha, role="rm")
    book = Book(rm=rm)
    book.grow(investors=3, schemes=3, transactions=12, orders=11, sips=1)
    staff = _signed_in(tenant_alpha, make_staff(tenant_alpha, role="owner"))
    small = _counts(book, staff, api_for)

    # when the book grows to 12 investors with bigger portfolios, every order state and more SIPs
    book.grow(investors=9, schemes=8, transactions=160, orders=15, sips=3)
    assert Investor.objects.count() == 12 and book.focus.orders.count() == 15
    big = _counts(book, staff, api_for)

    # then every page and endpoint makes exactly as many queries as before
    grown = {name: (small[name], big[name]) for name in small if big[name] != small[name]}
    assert not grown, f"queries grew with the book (small, big): {grown}"


def test_a_relationship_managers_pages_do_not_grow_with_their_book(tenant_alpha, in_alpha):
    # given a relationship manager's own book of 2 investors
    rm = make_staff(tenant_alpha, role="rm")
    rm_client = _signed_in(tenant_alpha, rm)
    book = Book(rm=rm)
    book.grow(investors=2, schemes=2, transactions=6, orders=11, sips=1)
    small = {name: _count(rm_client, url) for name, url in _portal_urls(book).items()}

    # when it grows to 6 with more of everything
    book.grow(investors=4, schemes=6, transactions=60, orders=15, sips=3)
    big = {name: _count(rm_client, url) for name, url in _portal_urls(book).items()}

    # then no page of theirs makes more queries
    grown = {name: (small[name], big[name]) for name in small if big[name] != small[name]}
    assert not grown, f"queries grew with the book (small, big): {grown}"
