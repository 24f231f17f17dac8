"""Read replica routing: heavy read-only analytics go to a streaming replica, everything else to the primary.

Reads go to the replica only when all of these hold:
- DATABASE_REPLICA_URL is set (the "replica" alias exists);
- the request is a safe method on a route listed in REPLICA_READ_ROUTES (portfolio history and
  performance, dashboards, fund search), or code runs inside `replica_reads()`;
- this request has not written anything, and this client has not written in the last
  REPLICA_PIN_SECONDS (a cookie set after a write: read-your-writes across the replica's lag);
- the replica answered its last health check (it is asked again after REPLICA_RETRY_SECONDS).
Anything else reads from the primary; a replica that stops answering sends reads back to the primary.

The replica connection is put on the same tenant schema as the primary connection before each use.
"""

import contextvars
import logging
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "mfd_primary_until"
_reads_on_replica = contextvars.ContextVar("reads_on_replica", default=False)
_wrote = contextvars.ContextVar("wrote", default=False)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_usable() -> bool:
    """Asked once per request (or `replica_reads()` block); a failure keeps the replica out of use for
    REPLICA_RETRY_SECONDS."""
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.ensure_connection()
        if not replica.is_usable():
            raise DatabaseError("replica connection is not usable")
    except DatabaseError as exc:
        _replica_mark_down(exc)
        return False
    return True


def _replica_mark_down(exc: Exception) -> None:
    global _replica_down_until
    _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning("read replica unavailable, reading from the primary for %ss: %s",
                   settings.REPLICA_RETRY_SECONDS, exc)  # fmt: skip
    with suppress(DatabaseError):
        connections[REPLICA].close()


def _replica_on_current_tenant() -> None:
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    tenant = getattr(primary, "tenant", None)
    if tenant is not None and getattr(replica, "tenant", None) is not tenant:
        replica.set_tenant(tenant)


@contextmanager
def replica_reads():
    """Reads inside go to the replica when it is safe (see the module's rules)."""
    wrote_token = _wrote.set(False)  # a scope of its own: writes before it were committed already
    token = _reads_on_replica.set(replica_configured() and _replica_usable())
    try:
        yield
    finally:
        _reads_on_replica.reset(token)
        _wrote.reset(wrote_token)


class ReplicaRouter:
    """Read routing to the replica. Listed before django-tenants' TenantSyncRouter, which keeps deciding
    which schema gets which migrations."""

    def db_for_read(self, model, **hints):
        if not _reads_on_replica.get() or _wrote.get() or time.monotonic() < _replica_down_until:
            return DEFAULT_DB_ALIAS
        _replica_on_current_tenant()
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """Marks the requests whose reads may go to the replica, and pins a client that wrote to the primary
    for REPLICA_PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote_token = _wrote.set(request.method not in ("GET", "HEAD", "OPTIONS"))
        reads_token = _reads_on_replica.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and replica_configured():
                pin_until = int(time.time() + settings.REPLICA_PIN_SECONDS)
                response.set_cookie(PIN_COOKIE, str(pin_until), max_age=settings.REPLICA_PIN_SECONDS,
                                    httponly=True, samesite="Lax", secure=request.is_secure())  # fmt: skip
            return response
        finally:
            _reads_on_replica.reset(reads_token)
            _wrote.reset(wrote_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_READ_ROUTES or _wrote.get():
            return None
        try:
            pinned = int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
        except ValueError:
            pinned = False
        if not pinned and replica_configured() and _replica_usable():
            _reads_on_replica.set(True)
        return None

    def process_exception(self, request, exception):
        """The replica went away during this read-only request: answer it again from the primary."""
        if not (_reads_on_replica.get() and isinstance(exception, DatabaseError)) or _wrote.get():
            return None
        if request.method not in ("GET", "HEAD") or getattr(request, "_replica_retried", False):
            return None
        _replica_mark_down(exception)
        _reads_on_replica.set(False)
        request._replica_retried = True
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        return response.render() if hasattr(response, "render") and not response.is_rendered else response
