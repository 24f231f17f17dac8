"""The fund API through HTTP, as the app uses it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.funds.models import NavHistory, Scheme, SchemeCode

pytestmark = pytest.mark.django_db

LIST = "/api/v1/funds/"


@pytest.fixture
def universe(make_scheme):
    """A small catalogue: two AMCs, equity / debt / liquid, both plans and options."""
    S = Scheme
    made = {
        "flexi_dg": make_scheme(name="Aravalli Flexi Cap Fund - Direct Plan - Growth", sub_category="Flexi Cap Fund"),
        "flexi_rg": make_scheme(
            name="Aravalli Flexi Cap Fund - Regular Plan - Growth", sub_category="Flexi Cap Fund", plan=S.Plan.REGULAR
        ),
        "flexi_di": make_scheme(
            name="Aravalli Flexi Cap Fund - Direct Plan - IDCW", sub_category="Flexi Cap Fund", option=S.Option.IDCW
        ),
        "bluechip": make_scheme(name="Aravalli Bluechip Fund - Direct Plan - Growth", sub_category="Large Cap Fund"),
        "liquid": make_scheme(
            amc_name="Konkan Mutual Fund",
            name="Konkan Liquid Fund - Direct Plan - Growth",
            category="Debt Scheme",
            sub_category="Liquid Fund",
            asset_class=S.AssetClass.DEBT,
            is_liquid=True,
            nav="1234.5678",
        ),
        "smallcap": make_scheme(
            amc_name="Konkan Mutual Fund",
            name="Konkan Small Cap Fund - Regular Plan - IDCW Payout",
            sub_category="Small Cap Fund",
            plan=S.Plan.REGULAR,
            option=S.Option.IDCW_PAYOUT,
            nav=None,
        ),
    }
    return made


def _codes(response) -> list[str]:
    return [row["amfi_code"] for row in response.json()["results"]]


def test_list_requires_sign_in(alpha_api, universe):
    response = alpha_api.get(LIST)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_public_host_has_no_fund_api(public_api, app_user, universe):
    public_api.force_authenticate(app_user)
    assert public_api.get(LIST).status_code == 404


def test_list_fields_and_nav_date(api, universe):
    response = api.get(LIST, {"q": "konkan liquid"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row == {
        "amfi_code": universe["liquid"].amfi_code,
        "name": "Konkan Liquid Fund - Direct Plan - Growth",
        "amc": {"code": "konkan-mutual-fund", "name": "Konkan Mutual Fund"},
        "category": "Debt Scheme",
        "sub_category": "Liquid Fund",
        "plan": "direct",
        "option": "growth",
        "asset_class": "debt",
        "is_liquid": True,
        "latest_nav": "1234.5678",
        "nav_date": "2026-08-19",
        # listed at no exchange in this catalogue: nothing can be done with it here, and the reasons say so
        "purchase_allowed": False,
        "sip_allowed": False,
        "redemption_allowed": False,
        "switch_allowed": False,
        "sip_frequencies": [],
        "sip_dates": [],
        "not_allowed_reasons": {
            "purchase": "This fund cannot be bought through BSE StAR MF: it is not listed there.",
            "sip": "This fund cannot be bought by SIP through BSE StAR MF: it is not listed there.",
            "redemption": "This fund cannot be redeemed through BSE StAR MF: it is not listed there.",
            "switch": "This fund cannot be switched through BSE StAR MF: it is not listed there.",
        },
        "minimums": {
            "purchase": None,
            "additional_purchase": None,
            "purchase_multiple": None,
            "sip": None,
            "sip_multiple": None,
            "redemption_units": None,
        },
    }


def test_search_is_word_order_tolerant_and_prefix_matching(api, universe):
    assert set(_codes(api.get(LIST, {"q": "cap flexi aravalli"}))) == {
        universe[k].amfi_code for k in ("flexi_dg", "flexi_rg", "flexi_di")
    }
    assert _codes(api.get(LIST, {"q": "blue"})) == [universe["bluechip"].amfi_code]
    assert _codes(api.get(LIST, {"q": "no such fund anywhere"})) == []


def test_search_tolerates_typos(api, universe):
    # "aravali" (one letter short), "flexy" (one letter wrong), "bluechp" (one letter missing), "konakn"
    assert set(_codes(api.get(LIST, {"q": "aravali flexy"}))) == {
        universe[k].amfi_code for k in ("flexi_dg", "flexi_rg", "flexi_di")
    }
    assert _codes(api.get(LIST, {"q": "bluechp"})) == [universe["bluechip"].amfi_code]
    assert _codes(api.get(LIST, {"q": "konakn liqiud"})) == [universe["liquid"].amfi_code]
    # a short word is not "corrected" into something else
    assert _codes(api.get(LIST, {"q": "xyz"})) == []


def test_search_by_code_or_isin(api, universe):
    scheme = universe["bluechip"]
    scheme.isin_growth = "INF209K01157"
    scheme.save(update_fields=["isin_growth"])
    assert _codes(api.get(LIST, {"q": scheme.amfi_code})) == [scheme.amfi_code]
    assert _codes(api.get(LIST, {"q": "inf209k01157"})) == [scheme.amfi_code]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"amc": "konkan-mutual-fund"}, {"liquid", "smallcap"}),
        ({"plan": "regular"}, {"flexi_rg", "smallcap"}),
        ({"option": "idcw"}, {"flexi_di"}),
        ({"option": "idcw_payout"}, {"smallcap"}),
        ({"asset_class": "debt"}, {"liquid"}),
        ({"category": "debt scheme"}, {"liquid"}),
        ({"sub_category": "Flexi Cap Fund", "plan": "direct"}, {"flexi_dg", "flexi_di"}),
        ({"q": "fund", "amc": "aravalli-mutual-fund", "option": "growth"}, {"flexi_dg", "flexi_rg", "bluechip"}),
    ],
)
def test_filters(api, universe, params, expected):
    assert set(_codes(api.get(LIST, params))) == {universe[k].amfi_code for k in expected}


def test_invalid_filter_is_a_validation_error(api, universe):
    response = api.get(LIST, {"plan": "platinum"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "plan" in response.json()["extra"]["fields"]


def test_pagination_with_a_maximum_page_size(api, make_scheme, settings):
    for n in range(7):
        make_scheme(name=f"Paged Fund {n:02d} - Direct Plan - Growth")
    first = api.get(LIST, {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert [r["name"][:13] for r in first["results"]] == ["Paged Fund 00", "Paged Fund 01", "Paged Fund 02"]
    third = api.get(first["next"].replace("http://alpha.localhost", "")).json()
    third = api.get(third["next"].replace("http://alpha.localhost", "")).json()
    assert [r["name"][:13] for r in third["results"]] == ["Paged Fund 06"] and third["next"] is None

    settings.API_MAX_PAGE_SIZE = 5
    assert len(api.get(LIST, {"page_size": 5}).json()["results"]) == 5
    # out of range is refused, not clamped or answered 404 (tests/test_api_contract.py has the rest)
    assert api.get(LIST, {"page_size": 6}).status_code == 400
    assert api.get(LIST, {"page": 99}).status_code == 400


def test_etag_and_304(api, universe):
    first = api.get(LIST, {"q": "aravalli"})
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert first["Cache-Control"].startswith("private, max-age=")

    again = api.get(LIST, {"q": "aravalli"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert api.get(LIST, {"q": "aravalli"}, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert api.get(LIST, {"q": "konkan"}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # another resource


def test_cached_responses_need_no_query_and_imports_invalidate_them(
    api, universe, django_assert_max_num_queries, django_capture_on_commit_callbacks, amfi_dir
):
    from apps.funds.importers.amfi import import_amfi_navs

    first = api.get(LIST, {"plan": "direct"})
    with django_assert_max_num_queries(2):  # the signed-in user only: the body comes from Redis
        cached = api.get(LIST, {"plan": "direct"})
    assert cached.json() == first.json() and cached["ETag"] == first["ETag"]

    # an import that changes data bumps the catalogue version after commit
    with django_capture_on_commit_callbacks(execute=True):
        import_amfi_navs(source=str(amfi_dir / "mfscreener_fixture_amfi_8_column.txt"))
    fresh = api.get(LIST, {"plan": "direct"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh.json()["count"] == first.json()["count"] + 1


def test_detail(api, universe):
    scheme = universe["liquid"]
    scheme.isin_growth, scheme.min_purchase, scheme.min_sip = "INF209K01157", Decimal("500"), None
    scheme.sip_allowed = False
    scheme.save()
    SchemeCode.objects.create(scheme=scheme, source=SchemeCode.Source.BSE, code="KNKLQDG")

    response = api.get(f"{LIST}{scheme.amfi_code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["latest_nav"] == "1234.5678" and body["nav_date"] == "2026-08-19"
    assert body["codes"] == [{"source": "bse", "code": "KNKLQDG"}]
    assert body["minimums"] == {
        "purchase": "500.00",
        "additional_purchase": None,
        "purchase_multiple": None,
        "sip": None,
        "sip_multiple": None,
        "redemption_units": None,
    }
    assert body["operations"] == {"purchase": True, "redemption": True, "sip": False, "switch": True}
    assert body["is_liquid"] is True and body["lock_in_days"] == 0
    assert api.get(f"{LIST}999999999/").status_code == 404
    assert api.get(f"{LIST}999999999/").json()["code"] == "not_found"


def _navs(scheme, start: date, values: list[str]) -> None:
    day, points = start, []
    for value in values:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        points.append(NavHistory(scheme=scheme, date=day, nav=Decimal(value)))
        day += timedelta(days=1)
    NavHistory.objects.bulk_create(points)


def test_nav_history_over_a_date_range(api, universe):
    scheme = universe["bluechip"]
    _navs(scheme, date(2026, 8, 3), ["10", "10.5", "10.25", "11", "11.125", "11.5", "12"])  # 3..11 Aug

    response = api.get(f"{LIST}{scheme.amfi_code}/navs/", {"start": "2026-08-04", "end": "2026-08-07"})

    assert response.status_code == 200
    assert response.json() == {
        "amfi_code": scheme.amfi_code,
        "start": "2026-08-04",
        "end": "2026-08-07",
        "navs": [
            {"date": "2026-08-04", "nav": "10.5000"},
            {"date": "2026-08-05", "nav": "10.2500"},
            {"date": "2026-08-06", "nav": "11.0000"},
            {"date": "2026-08-07", "nav": "11.1250"},
        ],
    }
    default = api.get(f"{LIST}{scheme.amfi_code}/navs/").json()  # a year to the latest NAV date
    assert default["end"] == "2026-08-19" and default["start"] == "2025-08-19" and len(default["navs"]) == 7
    bad = api.get(f"{LIST}{scheme.amfi_code}/navs/", {"start": "2026-08-07", "end": "2026-08-01"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_range"


def test_trailing_returns(api, make_scheme):
    scheme = make_scheme(nav="150", nav_date=date(2026, 8, 19))
    NavHistory.objects.bulk_create(
        [
            NavHistory(scheme=scheme, date=date(2026, 8, 19), nav=Decimal("150")),
            NavHistory(scheme=scheme, date=date(2026, 7, 17), nav=Decimal("148.5")),  # 1M target 19-Jul is a Sunday
            NavHistory(scheme=scheme, date=date(2025, 8, 19), nav=Decimal("120")),
            NavHistory(scheme=scheme, date=date(2023, 8, 18), nav=Decimal("100")),  # 3Y target 19-Aug-2023 Saturday
            NavHistory(scheme=scheme, date=date(2021, 7, 1), nav=Decimal("50")),  # too early for 5Y
        ]
    )

    body = api.get(f"{LIST}{scheme.amfi_code}/returns/").json()

    by_period = {r["period"]: r for r in body["returns"]}
    assert body["nav_date"] == "2026-08-19"
    assert list(by_period) == ["1M", "3M", "6M", "1Y", "3Y", "5Y"]
    assert by_period["1M"]["return_pct"] == "1.01" and by_period["1M"]["start_date"] == "2026-07-17"
    assert by_period["1Y"]["return_pct"] == "25.00" and by_period["1Y"]["annualised"] is False
    # CAGR over 1097 days: 1.5 ** (365 / 1097) - 1
    expected_3y = (1.5 ** (365 / 1097) - 1) * 100
    assert by_period["3Y"]["annualised"] is True and abs(float(by_period["3Y"]["return_pct"]) - expected_3y) < 0.006
    assert by_period["3M"]["return_pct"] is None and by_period["5Y"]["return_pct"] is None  # no NAV near the start


def test_amc_list(api, universe):
    body = api.get(f"{LIST}amcs/").json()
    assert body == [
        {"code": "aravalli-mutual-fund", "name": "Aravalli Mutual Fund", "scheme_count": 4},
        {"code": "konkan-mutual-fund", "name": "Konkan Mutual Fund", "scheme_count": 2},
    ]


def test_list_query_count_does_not_grow_with_results(api, make_scheme, django_assert_max_num_queries):
    for n in range(30):
        make_scheme(name=f"Counted Fund {n} - Direct Plan - Growth", amc_name=f"AMC {n % 4} Mutual Fund")
    api.get(LIST, {"page_size": 1})  # the distributor's routing row is made on first use, as in production once
    # tenant lookup, two search_path switches, count, one page with its AMCs joined; then what can be done
    # here: the distributor's routing, its gateway feature flag (flag, plan), the page's exchange codes
    with django_assert_max_num_queries(10):
        response = api.get(LIST, {"page_size": 30})
    assert len(response.json()["results"]) == 30
