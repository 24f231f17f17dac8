"""Write services of the portfolio app. Import from here: `from apps.portfolio.services import transaction_record`."""

from apps.portfolio.services.book import book_snapshot_request, book_snapshot_take, book_snapshots_refresh
from apps.portfolio.services.ledger import (
    folio_get_or_create,
    holding_get_or_create,
    holding_rebuild,
    transaction_cash_flow,
    transaction_delete,
    transaction_record,
)
from apps.portfolio.services.mapping import SchemeMatcher, scheme_match
from apps.portfolio.services.valuation import (
    holding_value,
    holdings_revalue,
    investor_valuation_refresh,
    valuations_refresh_for_schemes,
    valuations_refresh_stale,
)

__all__ = [
    "SchemeMatcher",
    "book_snapshot_request",
    "book_snapshot_take",
    "book_snapshots_refresh",
    "folio_get_or_create",
    "holding_get_or_create",
    "holding_rebuild",
    "holding_value",
    "holdings_revalue",
    "investor_valuation_refresh",
    "scheme_match",
    "transaction_cash_flow",
    "transaction_delete",
    "transaction_record",
    "valuations_refresh_for_schemes",
    "valuations_refresh_stale",
]
