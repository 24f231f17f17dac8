import re
import uuid

from apps.core.context import set_request_id

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the caller or makes one; logs and audit rows carry it, and the
    response echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain returns,
        # and those lines must carry the id too. The next request on this thread sets its own.
        set_request_id(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before tenant routing: probes come by IP address or any host name,
    and a suspended distributor's host still reports the process's health."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from apps.core import health

        view = {"/healthz": health.healthz, "/readyz": health.readyz}.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
