"""What the fund API says can be done with a fund HERE: through this distributor's gateways, for the
fund's codes there, within the scheme master's flags; and the order rules refuse by the same answer."""

from decimal import Decimal

import pytest

from apps.funds.cache import catalog_version_bump
from apps.funds.models import SchemeCode

pytestmark = pytest.mark.django_db

LIST = "/api/v1/funds/"


def _detail(api, scheme) -> dict:
    catalog_version_bump()  # each request below must be answered afresh, not from the catalogue cache
    response = api.get(f"{LIST}{scheme.amfi_code}/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def listed(make_scheme):
    scheme = make_scheme(
        name="Aravalli Listed Fund - Direct Plan - Growth", min_purchase=Decimal("500"),
        min_additional=Decimal("100"), min_sip=Decimal("250"), min_redemption_units=Decimal("0.001"),
    )  # fmt: skip
    SchemeCode.objects.create(scheme=scheme, source=SchemeCode.Source.BSE, code="ARV01-GR")
    return scheme


def test_a_fund_listed_at_the_distributors_exchange_can_be_traded_here(api, listed):
    body = _detail(api, listed)
    assert (body["purchase_allowed"], body["sip_allowed"], body["redemption_allowed"], body["switch_allowed"]) == (
        True, True, True, True,
    )  # fmt: skip
    assert body["sip_frequencies"] == ["MONTHLY", "QUARTERLY", "WEEKLY"]
    assert body["sip_dates"] == list(range(1, 29))
    assert body["not_allowed_reasons"] == {}
    assert body["minimums"]["purchase"] == "500.00"
    assert body["minimums"]["additional_purchase"] == "100.00"
    assert body["minimums"]["sip"] == "250.00"
    assert body["minimums"]["redemption_units"] == "0.0010"


def test_a_fund_the_exchange_does_not_list_cannot_be_traded_here(api, make_scheme):
    unlisted = make_scheme(name="Aravalli Unlisted Fund - Direct Plan - Growth")
    body = _detail(api, unlisted)
    assert not any(body[f"{op}_allowed"] for op in ("purchase", "sip", "redemption", "switch"))
    assert body["sip_frequencies"] == [] and body["sip_dates"] == []
    assert body["not_allowed_reasons"]["redemption"] == (
        "This fund cannot be redeemed through BSE StAR MF: it is not listed there."
    )
    assert body["operations"]["purchase"] is True  # the fund house allows it; this distributor cannot


def test_the_scheme_masters_flags_still_apply(api, listed):
    listed.redemption_allowed = False
    listed.save(update_fields=["redemption_allowed"])
    body = _detail(api, listed)
    assert body["purchase_allowed"] is True and body["redemption_allowed"] is False
    assert body["not_allowed_reasons"] == {"redemption": "This fund cannot be redeemed through BSE StAR MF now."}


def test_the_answer_follows_the_distributors_gateways(api, listed, settings):
    # given a platform whose only gateway is MF Utilities, which registers no SIPs (and trades BSE codes)
    settings.ORDER_GATEWAYS = {"mfu": settings.ORDER_GATEWAYS["mfu"]}
    body = _detail(api, listed)
    assert body["purchase_allowed"] is True and body["redemption_allowed"] is True
    assert body["sip_allowed"] is False and body["sip_frequencies"] == []
    assert "SIP" in body["not_allowed_reasons"]["sip"] or "bought by SIP" in body["not_allowed_reasons"]["sip"]


def test_list_carries_the_same_fields(api, listed, make_scheme):
    make_scheme(name="Aravalli Unlisted Fund - Direct Plan - Growth")
    catalog_version_bump()
    rows = {row["name"]: row for row in api.get(LIST, {"q": "aravalli"}).json()["results"]}
    assert rows["Aravalli Listed Fund - Direct Plan - Growth"]["purchase_allowed"] is True
    assert rows["Aravalli Listed Fund - Direct Plan - Growth"]["minimums"]["sip"] == "250.00"
    assert rows["Aravalli Unlisted Fund - Direct Plan - Growth"]["purchase_allowed"] is False


def test_openapi_documents_the_fields(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for component in ("FundListItem", "FundDetail"):
        properties = schema["components"]["schemas"][component]["properties"]
        for field in ("purchase_allowed", "sip_allowed", "redemption_allowed", "switch_allowed", "sip_frequencies",
                      "sip_dates", "minimums", "not_allowed_reasons"):  # fmt: skip
            assert field in properties, (component, field)
