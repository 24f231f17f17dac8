"""Test fixtures shared by every test module.

The test database gets the platform's public tenant and the two demo distributors (alpha on
alpha.localhost, beta on beta.localhost) once per session; each test then runs in a transaction that is
rolled back. Tests that need a real HTTP server use `live_server` together with `live_db`: their writes
are committed (use unique identifiers), and the server sees them.

The distributors: `tenant_alpha` / `tenant_beta` (in a rolled-back test), `live_alpha` / `live_beta` (with
the live server). The people (tests/factories.py makes more): `alpha_investor` and `alpha_investor_2`
(two investors of alpha, each ready to invest; the second must get 404 on the first's ids),
`beta_investor` (the same at beta, for isolation), and alpha's staff by role: `alpha_owner`, `alpha_admin`,
`alpha_rm`, `alpha_operations`, `alpha_read_only`."""

import socket

import pytest
from django.db import connection

from tests.shared_data import SHARED_DATA

ALPHA_HOST = "alpha.localhost"
BETA_HOST = "beta.localhost"


def pytest_sessionstart(session):
    """The suite replays real public data; without it a run would pass with those tests missing."""
    if not (SHARED_DATA / "MANIFEST.md").is_file():
        raise pytest.UsageError(f"{SHARED_DATA} is missing: put the shared data beside the repository")


@pytest.fixture(scope="session", autouse=True)
def _resolve_localhost_subdomains():
    """*.localhost is loopback (RFC 6761); browsers know it, the C resolver here does not."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    yield
    socket.getaddrinfo = real_getaddrinfo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.demo.seeders.distributors import seed

    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError("Refusing to seed a database that is not a test database.")
    with django_db_blocker.unblock():
        seed(log=lambda line: None)
        connection.set_schema_to_public()
    yield
    # Worker and server threads may still hold connections; the test database can only be dropped without them.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    """A request through the tenant middleware leaves the connection on that tenant's schema."""
    yield
    connection.set_schema_to_public()


@pytest.fixture
def tenant_alpha(db):
    from tenants.models import Distributor

    return Distributor.objects.select_related("branding").get(schema_name="alpha")


@pytest.fixture
def tenant_beta(db):
    from tenants.models import Distributor

    return Distributor.objects.select_related("branding").get(schema_name="beta")


@pytest.fixture
def live_alpha(live_db):
    """Alpha for live tests: rows created with it are committed, so the live server sees them."""
    from tenants.models import Distributor

    return Distributor.objects.select_related("branding").get(schema_name="alpha")


@pytest.fixture
def live_beta(live_db):
    from tenants.models import Distributor

    return Distributor.objects.select_related("branding").get(schema_name="beta")


@pytest.fixture
def in_alpha(tenant_alpha):
    """The connection on alpha's schema for the whole test (for calling services and factories directly)."""
    from django_tenants.utils import tenant_context

    with tenant_context(tenant_alpha):
        yield tenant_alpha


@pytest.fixture
def api_for(db):
    """Makes an API client on a tenant's host signed in as the investor's user: `api_for(investor)`."""
    from rest_framework.test import APIClient

    def make(investor, host: str = ALPHA_HOST):
        client = APIClient(HTTP_HOST=host)
        client.force_authenticate(investor.user)
        return client

    return make


# --- Personas ------------------------------------------------------------------------------------------


@pytest.fixture
def alpha_investor(tenant_alpha):
    from tests.factories import make_investor

    return make_investor(tenant_alpha, full_name="Asha Alpha", ready_to_invest=True)


@pytest.fixture
def alpha_investor_2(tenant_alpha):
    from tests.factories import make_investor

    return make_investor(tenant_alpha, full_name="Bharat Alpha", ready_to_invest=True)


@pytest.fixture
def beta_investor(tenant_beta):
    from tests.factories import make_investor

    return make_investor(tenant_beta, full_name="Chitra Beta", ready_to_invest=True)


def _alpha_staff(role: str):
    @pytest.fixture
    def staff(tenant_alpha):
        from tests.factories import make_staff

        return make_staff(tenant_alpha, role=role)

    staff.__doc__ = f"A staff member of alpha with the {role!r} role (password tests.factories.PASSWORD)."
    return staff


alpha_owner = _alpha_staff("owner")
alpha_admin = _alpha_staff("admin")
alpha_rm = _alpha_staff("rm")
alpha_operations = _alpha_staff("operations")
alpha_read_only = _alpha_staff("read_only")


def _api_client(host):
    from rest_framework.test import APIClient

    return APIClient(HTTP_HOST=host)


@pytest.fixture
def alpha_api(db):
    """An API client talking to alpha's host (not signed in)."""
    return _api_client(ALPHA_HOST)


@pytest.fixture
def beta_api(db):
    return _api_client(BETA_HOST)


@pytest.fixture
def public_api(db):
    return _api_client("localhost")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached responses must not leak from one test into the next."""
    yield
    from django.conf import settings

    if settings.REDIS_URL:
        # only this run's keys: other runs may share the Redis server
        from django_redis import get_redis_connection

        redis = get_redis_connection("default")
        keys = list(redis.scan_iter(f"*:{settings.CACHE_KEY_PREFIX}:*", count=1000))
        if keys:
            redis.delete(*keys)
    # Without Redis the cache is a database table: each test's transaction rollback already empties it.


@pytest.fixture
def tenant_template_dirs(settings, tmp_path):
    """Points the per-tenant template overrides (MULTITENANT_TEMPLATE_DIRS) at a scratch
    tmp_path/<schema>/templates tree, with the loaders' memories of directories and compiled templates
    emptied before and after."""
    from django.template import engines

    def forget():
        for cached in engines["django"].engine.template_loaders:
            cached.reset()  # compiled templates (tenants/template_loader.py)
            for loader in cached.loaders:
                getattr(loader, "_dirs", {}).clear()  # django-tenants' loader: each schema's directories

    settings.MULTITENANT_TEMPLATE_DIRS = [str(tmp_path / "%s" / "templates")]
    forget()
    yield tmp_path
    forget()


@pytest.fixture
def celery_eager():
    """Tasks run in-process when sent. Celery reads its configuration once, so the Django setting alone
    would not reach an app whose configuration is already loaded."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


class LiveServer:
    def __init__(self, port: int):
        self.port = port

    def url(self, host: str = ALPHA_HOST, path: str = "") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(autouse=True)
def _live_server_helper():
    """Replaces pytest-django's autouse helper of the same name, which adds `transactional_db` to every test
    using a fixture called live_server and flushes every table afterwards (the session's tenants too).
    Our live_server is the one below; live_db gives those tests the database."""
    yield


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """A threaded HTTP server on 127.0.0.1 serving the whole site; reach tenants by host name."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield LiveServer(thread.port)
    thread.terminate()


@pytest.fixture
def live_db(django_db_setup, django_db_blocker, live_server):
    """Database access in autocommit mode, shared with the live server's threads. Writes persist until
    the end of the session. (It asks for live_server because pytest-django looks for that name to decide
    that the test database is needed, even when no test of the selection asks for `db`.)"""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
