import pytest

from apps.core import health
from tenants.services import distributor_suspend


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "beta.localhost", "127.0.0.1"])
def test_health_and_readiness_on_every_host(client, db, host):
    assert client.get("/healthz", HTTP_HOST=host).json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST=host)
    assert ready.status_code == 200, ready.content
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readiness_names_what_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz", HTTP_HOST="alpha.localhost")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_readiness_reports_a_broken_cache(client, db, monkeypatch):
    def broken():
        raise ConnectionError("cache unreachable")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503 and response.json()["down"] == ["cache"]


def test_suspended_host_still_reports_health(client, db):
    distributor_suspend(schema_name="alpha")
    assert client.get("/healthz", HTTP_HOST="alpha.localhost").status_code == 200
    assert client.get("/readyz", HTTP_HOST="alpha.localhost").status_code == 200
