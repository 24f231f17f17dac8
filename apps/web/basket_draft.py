"""The investor's draft basket on the web pages: the funds chosen so far (from a fund's page or the basket
page's search) and the amounts typed beside them, kept in the session until the basket is placed.

Only AMFI codes and the amounts as typed live here, never orders: the basket is checked and written by the
orders services when the investor continues to confirm. The draft belongs to the investor who made it (a
session that changes hands starts an empty one) and holds at most BASKET_MAX_LINES funds, each one that can
be bought through this distributor."""

from dataclasses import dataclass

from apps.accounts.models import Investor
from apps.funds.models import Scheme
from apps.funds.operations import fund_operations_get
from apps.orders.services.baskets import BASKET_MAX_LINES

SESSION_KEY = "web_basket_draft"
AMOUNT_MAX_CHARS = 20


class BasketDraftRefused(Exception):
    """A fund that cannot go into the draft; the message is for the investor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DraftLine:
    amfi_code: str
    amount: str = ""  # as typed; checked when the basket is placed


class BasketDraft:
    def __init__(self, session, investor: Investor):
        self._session = session
        self._owner = str(investor.public_id)

    def lines(self) -> list[DraftLine]:
        stored = self._session.get(SESSION_KEY)
        if not isinstance(stored, dict) or stored.get("investor") != self._owner:
            return []
        return [DraftLine(amfi_code=str(code), amount=str(amount)) for code, amount in stored.get("lines", [])]

    def codes(self) -> list[str]:
        return [line.amfi_code for line in self.lines()]

    def add(self, scheme: Scheme) -> bool:
        """Adds the fund (False: it was already there). Refuses a fund that cannot be bought here, and an
        eleventh fund."""
        lines = self.lines()
        if scheme.amfi_code in {line.amfi_code for line in lines}:
            return False
        operations = fund_operations_get(scheme=scheme)
        if not operations.purchase_allowed:
            reason = operations.refusals.get("purchase") or "It cannot be bought through us."
            raise BasketDraftRefused(f"{scheme.name} cannot go into a basket: {reason}")
        if len(lines) >= BASKET_MAX_LINES:
            raise BasketDraftRefused(
                f"A basket holds at most {BASKET_MAX_LINES} funds. Remove one to add {scheme.name}."
            )
        self._save([*lines, DraftLine(amfi_code=scheme.amfi_code)])
        return True

    def remove(self, amfi_code: str) -> None:
        self._save([line for line in self.lines() if line.amfi_code != amfi_code])

    def keep_amounts(self, amounts: dict[str, str]) -> None:
        """Remembers the amounts typed beside the funds (by AMFI code), so that adding or removing a fund
        does not lose them."""
        kept = []
        for line in self.lines():
            amount = str(amounts.get(line.amfi_code, line.amount))[:AMOUNT_MAX_CHARS]
            kept.append(DraftLine(amfi_code=line.amfi_code, amount=amount))
        self._save(kept)

    def clear(self) -> None:
        self._session.pop(SESSION_KEY, None)

    def _save(self, lines: list[DraftLine]) -> None:
        self._session[SESSION_KEY] = {
            "investor": self._owner,
            "lines": [[line.amfi_code, line.amount] for line in lines[:BASKET_MAX_LINES]],
        }
