"""One shape for every API error: {"code": ..., "message": ..., "extra": {...}}."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A business rule said no. Services raise it; the API renders it with its code and status."""

    code = "invalid"
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        status_code: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class NotFoundError(ApplicationError, Http404):
    """Also an Http404: a page view that lets it propagate answers the branded 404 page, and the API's
    handler renders it as the JSON error (ApplicationError is matched first)."""

    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class ConflictError(ApplicationError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT


_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
    exceptions.ValidationError: "validation_error",
    PayloadTooLarge: "request_too_large",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        response = Response({"code": exc.code, "message": exc.message, "extra": exc.extra}, status=exc.status_code)
        if "retry_after" in exc.extra:  # rate limits raised by services (OTP sends) say when to come back
            response["Retry-After"] = str(int(exc.extra["retry_after"]))
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    # DRF sets the headers that belong to the error (Retry-After, WWW-Authenticate, Allow).
    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    code = next((c for klass, c in _CODES.items() if isinstance(exc, klass)), "error")
    if isinstance(exc, exceptions.ValidationError):
        message, extra = "Some fields are not valid.", {"fields": response.data}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        message, extra = str(detail), {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra = {"retry_after": int(exc.wait) + (0 if exc.wait == int(exc.wait) else 1)}
    response.data = {"code": code, "message": message, "extra": extra}
    return response


def not_found(request, exception=None):
    """handler404 of the distributor hosts: an API path that matches no URL (a malformed id included)
    answers in the API's error shape; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found.", "extra": {}}, status=404)
    return page_not_found(request, exception)
