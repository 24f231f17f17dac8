"""Password sign-in with an e-mail address or an Indian mobile number."""

from django.contrib.auth.backends import ModelBackend

from apps.accounts.validators import InvalidInput, identifier_parse
from apps.users.models import User


def user_find_by_identifier(value: str) -> User | None:
    try:
        identifier = identifier_parse(value)
    except InvalidInput:
        return None
    if identifier.is_email:
        return User.objects.filter(email__iexact=identifier.value).first()
    return User.objects.filter(mobile=identifier.value).first()


class EmailOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_find_by_identifier(username)
        if user is None:
            # same work as a real check, so timing does not tell whether the account exists
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
