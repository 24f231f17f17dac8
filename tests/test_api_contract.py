"""The API answers bad input with a JSON error in the documented shape, never a 5xx or an HTML page:
deep nesting, oversized bodies, out-of-range dates and pages, undocumented parameter values."""

import json

import pytest
from rest_framework.test import APIClient

from apps.core.parsers import json_depth
from tests.factories import make_investor


@pytest.fixture
def investor_api(tenant_alpha):
    investor = make_investor(tenant_alpha)
    client = APIClient(HTTP_HOST="alpha.localhost")
    client.force_authenticate(investor.user)
    return client


def _is_error(response, status: int, code: str) -> bool:
    body = response.json()
    return response.status_code == status and set(body) == {"code", "message", "extra"} and body["code"] == code


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"just a string with \\" and ["') == 0
    assert json_depth(b"[" * 1000 + b"]" * 1000) == 1000


@pytest.mark.parametrize("path", ["/api/v1/register", "/api/v1/orders"])
def test_a_body_nested_a_thousand_deep_answers_400(path, alpha_api, investor_api):
    client = investor_api if path == "/api/v1/orders" else alpha_api
    body = '{"a": ' * 1000 + "1" + "}" * 1000
    response = client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep")
    assert _is_error(response, 400, "parse_error")


def test_moderate_nesting_is_still_parsed(investor_api):
    body = json.dumps({"kind": "purchase", "scheme": "x", "amount": "1", "meta": [[[[{"a": 1}]]]]})
    response = investor_api.post("/api/v1/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="m")
    assert response.status_code == 400 and response.json()["code"] != "parse_error"


def test_an_eleven_megabyte_body_answers_a_json_413(alpha_api):
    body = json.dumps({"mobile": "9" * (11 * 1024 * 1024)})
    response = alpha_api.post("/api/v1/register", body, content_type="application/json")
    assert _is_error(response, 413, "request_too_large")


@pytest.mark.parametrize("path", ["/api/v1/portfolio/holdings", "/api/v1/portfolio/transactions", "/api/v1/imports"])
@pytest.mark.parametrize("since", ["0001-01-01", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59%2B00:00"])
def test_dates_out_of_range_answer_400(path, since, investor_api):
    response = investor_api.get(f"{path}?updated_since={since}")
    assert _is_error(response, 400, "validation_error"), response.content[:300]
    assert "updated_since" in response.json()["extra"]["fields"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=999", "page"),
     ("page_size=100000", "page_size"), ("page_size=0", "page_size"), ("page_size=1e2", "page_size")],
)  # fmt: skip
def test_pages_out_of_range_answer_400(query, field, investor_api):
    response = investor_api.get(f"/api/v1/orders?{query}")
    assert _is_error(response, 400, "validation_error")
    assert field in response.json()["extra"]["fields"]


def test_page_links_carry_only_valid_values(tenant_alpha, investor_api):
    from apps.funds.models import Amc, Scheme

    amc = Amc.objects.create(name="Contract Test Mutual Fund", code="contract-test")
    for n in (1, 2):
        Scheme.objects.create(amfi_code=f"98765{n}", name=f"Contract Test Fund {n} - Growth", amc=amc)
    response = investor_api.get("/api/v1/funds/?page_size=1&amc=contract-test")
    assert response.status_code == 200
    assert "page_size=1" in response.json()["next"] and "100000" not in response.json()["next"]


@pytest.mark.parametrize("value", ["maybe", "1", "yes", "TRUE", ""])
def test_keep_current_takes_only_documented_values(value, investor_api):
    response = investor_api.delete(f"/api/v1/me/sessions?keep_current={value}")
    assert _is_error(response, 400, "validation_error")
    assert "keep_current" in response.json()["extra"]["fields"]


def test_the_schema_documents_pages_and_every_error(alpha_api):
    schema = alpha_api.get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "extra"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "404", "429"):
                body = operation["responses"][status]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)
    for path in ("/api/v1/orders", "/api/v1/sips", "/api/v1/mandates", "/api/v1/funds/"):
        page = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        name = page["$ref"].rsplit("/", 1)[-1]
        assert set(schema["components"]["schemas"][name]["properties"]) == {"count", "next", "previous", "results"}
