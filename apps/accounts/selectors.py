from apps.accounts.models import Investor
from apps.core.exceptions import NotFoundError


def investor_get_for_user(*, user) -> Investor:
    """The signed-in user's own investor profile; 404 for anyone who is not an investor here."""
    if not getattr(user, "is_authenticated", False):
        raise NotFoundError("No investor profile.")
    investor = Investor.objects.filter(user=user).select_related("user").first()
    if investor is None:
        raise NotFoundError("No investor profile.")
    return investor
