"""What every API response has in common: one error shape, throttles with Retry-After, request ids, the
OpenAPI schema."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from apps.core.exceptions import ApplicationError, ConflictError, api_exception_handler


def _render(exc):
    return api_exception_handler(exc, {"request": APIRequestFactory().get("/")})


def test_method_not_allowed_uses_the_error_shape(alpha_api):
    response = alpha_api.post("/api/v1/branding", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": 'Method "POST" not allowed.', "extra": {}}


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.ValidationError({"pan": ["Enter a valid PAN."]}), 400, "validation_error"),
        (DjangoValidationError({"ifsc": ["Bad IFSC."]}), 400, "validation_error"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (ConflictError("Order already submitted."), 409, "conflict"),
        (ApplicationError("Below the minimum.", code="below_minimum", extra={"minimum": "500"}), 400, "below_minimum"),
    ],
)
def test_every_error_renders_as_code_message_extra(exc, status, code):
    response = _render(exc)
    assert response.status_code == status
    assert set(response.data) == {"code", "message", "extra"}
    assert response.data["code"] == code
    if code == "validation_error":
        assert response.data["extra"]["fields"]
    if code == "below_minimum":
        assert response.data["extra"] == {"minimum": "500"}


def test_throttling_answers_429_with_retry_after(alpha_api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"ip": "3/min", "user": "600/min"}}
    statuses = [alpha_api.get("/api/v1/branding").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = alpha_api.get("/api/v1/branding")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    assert response.json()["extra"]["retry_after"] == int(response["Retry-After"])


def test_throttle_counters_are_per_distributor(alpha_api, beta_api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"ip": "2/min", "user": "600/min"}}
    assert [alpha_api.get("/api/v1/branding").status_code for _ in range(3)] == [200, 200, 429]
    assert beta_api.get("/api/v1/branding").status_code == 200


def test_a_throttle_is_one_sliding_window_check_in_redis(alpha_api, settings):
    # make test runs with Redis, where each throttle is one atomic script (apps/core/throttling.py); DRF's
    # own read-then-write (two round-trips, racy between workers) is only for the database cache
    assert settings.REDIS_URL, "this test needs Redis, as make test and production have"
    from django_redis import get_redis_connection

    assert alpha_api.get("/api/v1/branding").status_code == 200
    redis = get_redis_connection("default")
    keys = list(redis.scan_iter(f"*:{settings.CACHE_KEY_PREFIX}:*throttle_ip_*", count=1000))
    assert keys and {redis.type(key) for key in keys} == {b"zset"}

    # a history in DRF's own format (the database cache's path, or an older release) is replaced, not a 500
    for key in keys:
        redis.set(key, b"a pickled list of times")
    assert alpha_api.get("/api/v1/branding").status_code == 200
    assert {redis.type(key) for key in keys} == {b"zset"}


def test_request_id_is_echoed_or_made(alpha_api):
    given = alpha_api.get("/api/v1/branding", HTTP_X_REQUEST_ID="req-12345678")
    assert given["X-Request-ID"] == "req-12345678"
    made = alpha_api.get("/api/v1/branding", HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(made["X-Request-ID"]) == 32


def test_openapi_schema_and_docs(alpha_api, client):
    schema = alpha_api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/branding" in schema.json()["paths"]
    assert client.get("/api/docs/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_service_rate_limit_says_when_to_come_back():
    response = _render(
        ApplicationError("Too many codes.", code="otp_rate_limited", status_code=429, extra={"retry_after": 42})
    )
    assert response.status_code == 429 and response["Retry-After"] == "42"
