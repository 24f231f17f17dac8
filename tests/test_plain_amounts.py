"""Amounts and units are plain ASCII decimals within a documented maximum, in the API and in the order
forms of the web pages and the portal; cursor pages refuse an out-of-range page_size like numbered ones."""

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from apps.orders.forms import OrderForm
from tests.factories import make_investor

pytestmark = pytest.mark.django_db

NOT_PLAIN = [
    "1e5", "1E5", "१२३४", "١٢٣", "５０００", "+500", "-500", " 500", "500 ", "5,000", "5 000", "0x10",
    "NaN", "Infinity", "500.", ".5", "500.123", "۵۰۰",
]  # fmt: skip


@pytest.fixture
def investor_api(tenant_alpha):
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(make_investor(tenant_alpha).user)
    return client


def _field_errors(response) -> dict:
    body = response.json()
    assert response.status_code == 400 and set(body) == {"code", "message", "extra"}, body
    return body["extra"]["fields"]


def _post(client, path, raw: str):
    return client.post(path, raw, content_type="application/json")


@pytest.mark.parametrize("value", NOT_PLAIN)
def test_api_refuses_amounts_that_are_not_plain_decimals(investor_api, value):
    body = json.dumps({"kind": "purchase", "scheme": "100001", "amount": value})
    assert "amount" in _field_errors(_post(investor_api, "/api/v1/orders", body))


@pytest.mark.parametrize("literal", ["1e5", "100000", "5000.5", "true"])
def test_api_refuses_json_numbers_for_amounts(investor_api, literal):
    # a JSON number has lost its written form (1e5 and 100000.0 parse alike): amounts are strings
    body = f'{{"kind": "purchase", "scheme": "100001", "amount": {literal}}}'
    assert "amount" in _field_errors(_post(investor_api, "/api/v1/orders", body))


@pytest.mark.parametrize("value", ["1e2", "+5", "١٢", "5,0"])
def test_api_refuses_units_that_are_not_plain_decimals(investor_api, value):
    body = json.dumps({"kind": "redemption", "scheme": "100001", "units": value, "folio_number": "1"})
    assert "units" in _field_errors(_post(investor_api, "/api/v1/orders", body))


def test_api_refuses_amounts_over_the_maximum_and_takes_the_maximum(investor_api, settings):
    over = json.dumps({"kind": "purchase", "scheme": "100001", "amount": "100000000.01"})
    assert "amount" in _field_errors(_post(investor_api, "/api/v1/orders", over))
    at_max = json.dumps({"kind": "purchase", "scheme": "100001", "amount": "100000000.00"})
    response = _post(investor_api, "/api/v1/orders", at_max)
    assert "amount" not in response.json().get("extra", {}).get("fields", {})


@pytest.mark.parametrize(("path", "field"), [("/api/v1/sips", "amount"), ("/api/v1/mandates", "amount_limit")])
def test_sip_and_mandate_amounts_are_plain_too(investor_api, path, field):
    assert field in _field_errors(_post(investor_api, path, json.dumps({field: "1e3"})))


def test_the_schema_documents_the_format_and_the_maximum(alpha_api):
    schema = alpha_api.get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/v1/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][name]["properties"]
    assert props["amount"]["pattern"] == r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
    assert "100000000.00" in props["amount"]["description"]
    assert props["units"]["pattern"] == r"^[0-9]{1,12}(\.[0-9]{1,4})?$"


# --- The order form (web pages and portal) ---------------------------------------------------------------


def _form(**values):
    data = {"request_key": "9b1d1b1e-5d5b-4a7c-8d8b-1f1f1f1f1f1f", "kind": "purchase", "amfi_code": "100001"}
    return OrderForm({**data, **values})


@pytest.mark.parametrize("value", ["1e5", "१२३४", "+500", "-500", "0x10", "NaN", "5.5.5", "500.123", "1,0,0"])
def test_form_refuses_amounts_that_are_not_plain_decimals(value):
    form = _form(amount=value)
    assert not form.is_valid()
    assert form.errors["amount"] == ["Enter the amount in rupees with the digits 0-9, e.g. 5000 or 5000.50."]


@pytest.mark.parametrize(("value", "expected"), [("5000", "5000"), (" 5000.50 ", "5000.50"), ("1,00,000", "100000")])
def test_form_takes_plain_amounts_with_indian_or_western_grouping(value, expected):
    form = _form(amount=value)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(expected)


def test_form_refuses_an_amount_over_the_maximum_and_bad_units():
    assert "amount" in _form(amount="100000000.01").errors
    redemption = _form(kind="redemption", units="1e1", folio_number="1")
    assert redemption.errors["units"] == ["Enter the units with the digits 0-9 and at most 4 decimals, e.g. 12.5."]


# --- Cursor pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["101", "100000", "0", "1e2", "-1", "٥"])
def test_cursor_pages_refuse_an_out_of_range_page_size(investor_api, page_size):
    response = investor_api.get(f"/api/v1/portfolio/transactions?page_size={page_size}")
    assert "page_size" in _field_errors(response)


def test_cursor_pages_take_a_page_size_in_range(investor_api):
    assert investor_api.get("/api/v1/portfolio/transactions?page_size=100").status_code == 200
