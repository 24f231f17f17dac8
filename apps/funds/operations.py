"""What can be done with a fund HERE: bought, SIPed, redeemed, switched, through the distributor's own
order gateways, with the SIP frequencies and days those gateways take.

The fund catalogue is shared by every distributor and knows nothing of gateways (funds sits below orders),
so the answer comes from a resolver that the orders app registers when it loads
(apps/orders/transactability.py). Without one, the scheme master's own flags answer and no SIP schedule is
offered."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from apps.funds.models import Scheme

OPERATIONS = ("purchase", "sip", "redemption", "switch")


@dataclass(frozen=True)
class FundOperations:
    purchase_allowed: bool
    sip_allowed: bool
    redemption_allowed: bool
    switch_allowed: bool
    sip_frequencies: tuple[str, ...] = ()
    sip_days: tuple[int, ...] = ()
    # operation -> why it cannot be done here, in words an investor understands
    refusals: dict[str, str] = field(default_factory=dict)

    def allowed(self, operation: str) -> bool:
        return getattr(self, f"{operation}_allowed")


Resolver = Callable[[list[Scheme]], dict[int, FundOperations]]
_resolver: Resolver | None = None


def fund_operations_resolver_set(resolver: Resolver | None) -> None:
    """Called once by the orders app's ready(); None restores the flags-only answer."""
    global _resolver
    _resolver = resolver


def _from_flags(schemes: list[Scheme]) -> dict[int, FundOperations]:
    return {
        scheme.pk: FundOperations(
            purchase_allowed=scheme.purchase_allowed,
            sip_allowed=scheme.sip_allowed,
            redemption_allowed=scheme.redemption_allowed,
            switch_allowed=scheme.switch_allowed,
        )
        for scheme in schemes
    }


def fund_operations(*, schemes: Iterable[Scheme]) -> dict[int, FundOperations]:
    """scheme id -> what can be done with it here."""
    schemes = list(schemes)
    if not schemes:
        return {}
    return (_resolver or _from_flags)(schemes)


def fund_operations_get(*, scheme: Scheme) -> FundOperations:
    return fund_operations(schemes=[scheme])[scheme.pk]
