"""What the OpenAPI schema says about responses, so that it describes exactly what is served:

- `page_of(Serializer)`: a numbered page `{count, next, previous, results}` as PagePagination serves it,
  for list views that paginate by hand (drf-spectacular wraps only generic list views itself);
- `PAGE_PARAMETERS`: the `page` and `page_size` query parameters with their ranges;
- `document_error_responses`: a postprocessing hook that gives every operation its error statuses, each
  with the one error body `{code, message, extra}` (apps/core/exceptions.py).
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a stable machine-readable code, a message for people, and details.",
    "properties": {
        "code": {"type": "string", "example": "validation_error"},
        "message": {"type": "string"},
        "extra": {
            "type": "object",
            "additionalProperties": True,
            "description": "e.g. `fields` (field -> messages) for validation errors, `retry_after` (seconds) for 429",
        },
    },
    "required": ["code", "message", "extra"],
}
ERROR_DESCRIPTIONS = {
    "400": "The request is not valid (fields, query parameters, JSON nesting, page out of range).",
    "401": "No valid credentials.",
    "403": "Signed in, but not allowed.",
    "404": "No such resource here (another investor's or another distributor's ids answer 404 too).",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "Conflicts with the resource's state, or a request with the same Idempotency-Key is in flight.",
    "413": "The request body is too large.",
    "415": "The request body must be JSON (or multipart where the operation takes a file).",
    "422": "The Idempotency-Key was used with another request, or past its window.",
    "429": "Too many requests; Retry-After says when to come back.",
}
_ALWAYS = ("400", "404", "405", "406", "429")
_WITH_AUTH = ("401", "403")
_WITH_BODY = ("409", "413", "415", "422")


def page_of(serializer_class, *, name: str):
    """The page PagePagination serves, for an OutputSerializer of one item."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def page_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("page", int, description="1 or more; past the last page answers 400"),
        OpenApiParameter("page_size", int, description=f"1 to {settings.API_MAX_PAGE_SIZE}"),
    ]


def _error_response(status: str) -> dict:
    return {
        "description": ERROR_DESCRIPTIONS.get(status, "Error."),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
    }


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    global_security = result.get("security")
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses = list(_ALWAYS)
            security = operation.get("security", global_security) or []
            if any(requirement for requirement in security):
                statuses += _WITH_AUTH
            if method != "get":
                statuses += _WITH_BODY
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(status, _error_response(status))
            for status, response in responses.items():
                if status.startswith(("4", "5")) and "content" not in response:
                    # declared by a view with a description only: the body is still the error shape
                    response["content"] = _error_response(status)["content"]
    return result
