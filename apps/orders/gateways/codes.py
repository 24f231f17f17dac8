"""Scheme codes as an exchange knows them, looked up in the scheme master (funds.SchemeCode)."""

from apps.funds.models import Scheme, SchemeCode
from apps.orders.gateways.interface import GatewayRejected


def scheme_code_lookup(*, scheme: Scheme, sources: tuple[str, ...]) -> str:
    """The first code found among `sources`, in order of preference."""
    for source in sources:
        code = SchemeCode.objects.filter(scheme=scheme, source=source).values_list("code", flat=True).first()
        if code is not None:
            return code
    raise GatewayRejected(f"No {sources[0]} code for scheme {scheme.amfi_code}.", code="scheme_not_available")
