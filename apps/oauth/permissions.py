"""Scope checks for requests made with an OAuth access token."""

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

READ_SCOPE = "read"
WRITE_SCOPE = "write"


class TokenScopeForMethod(BasePermission):
    """A token needs the `read` scope for safe methods and `write` for the others. Requests not made
    with a token (session, force_authenticate in tests) are left to the other permission classes."""

    message = "The access token does not carry the scope this request needs."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, AbstractAccessToken):
            return True
        needed = READ_SCOPE if request.method in SAFE_METHODS else WRITE_SCOPE
        return token.allow_scopes([needed])
