"""Importing a registrar feed: read the file as mailed, recognise its layout by the header, store its
rows and reconcile them, in one transaction. A file that cannot be read is refused with its reason and
changes nothing (an audit row records the refusal); the same file again changes nothing; the same rows
in another file or form add nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import connection, transaction

from apps.accounts.selectors import investor_ids_by_pan
from apps.core.audit import audit_record
from apps.core.bulk import bulk_insert_copy
from apps.core.logging import mask_pan
from apps.funds.models import Scheme, SchemeCode
from apps.portfolio.models import Folio
from apps.reconciliation.feeds.containers import FeedRefused, table_read
from apps.reconciliation.feeds.layouts import Kind, layout_detect
from apps.reconciliation.feeds.records import BalanceRecord, InvestorRecord, TxnRecord, records_from_table
from apps.reconciliation.models import Discrepancy, FolioLink, RegistrarBalance, RegistrarTransaction, RtaFeed
from apps.reconciliation.services.matching import ReconcileResult, balances_reconcile, transactions_reconcile

MAX_FEED_BYTES = 100 * 1024 * 1024
ANALYZE_AFTER_ROWS = 5000


@dataclass
class FeedImportResult:
    feed: RtaFeed
    duplicate: bool = False
    outcomes: dict[str, int] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    folios_linked: int = 0


def feed_import(*, content: bytes, filename: str, source: str, password: str = "", actor=None) -> FeedImportResult:
    """Imports and reconciles one feed file of the current distributor. Raises FeedRefused."""
    if len(content) > MAX_FEED_BYTES:
        raise FeedRefused("The file is larger than a feed can be.", code="too_large")
    digest = hashlib.sha256(content).hexdigest()
    existing = RtaFeed.objects.filter(sha256=digest).first()
    if existing is not None:
        return FeedImportResult(feed=existing, duplicate=True, outcomes=dict(existing.outcomes))
    try:
        table = table_read(content=content, filename=filename, password=password)
        layout = layout_detect(table.header)
        if layout is None:
            raise FeedRefused(
                "The header matches no CAMS or KFintech layout this product reads.", code="unknown_layout",
                extra={"header": table.header[:12]},
            )  # fmt: skip
        records = records_from_table(table=table, layout=layout)
    except FeedRefused as exc:
        audit_record(action="reconciliation.feed.refused", actor=actor, actor_label="" if actor else source,
                     extra={"name": filename[:200], "code": exc.code, "reason": exc.message[:300]})  # fmt: skip
        raise
    with transaction.atomic():
        feed = RtaFeed.objects.create(
            registrar=layout.registrar, layout=layout.code, kind=layout.kind, container=table.container,
            original_name=filename[:255], sha256=digest, source=source, imported_by=_user(actor), rows=len(records),
        )  # fmt: skip
        result = FeedImportResult(feed=feed)
        if layout.kind == Kind.TRANSACTIONS:
            _transactions_store(feed=feed, records=records)
            _apply(result, transactions_reconcile(feed=feed))
        elif layout.kind == Kind.AUM:
            _balances_store(feed=feed, records=records)
            _apply(result, balances_reconcile(feed=feed))
        else:
            result.folios_linked = _folios_link(feed=feed, records=records)
            feed.rows_new = result.folios_linked
            feed.save(update_fields=["rows_new", "updated_at"])
        audit_record(
            action="reconciliation.feed.imported", actor=actor, actor_label="" if actor else source, target=feed,
            extra={"layout": layout.code, "container": table.container, "rows": len(records),
                   "outcomes": result.outcomes},
        )  # fmt: skip
    return result


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _apply(result: FeedImportResult, reconciled: ReconcileResult) -> None:
    result.outcomes = reconciled.outcomes
    result.discrepancies = reconciled.discrepancies


# --- lookups: one query per kind of key, never one per row ----------------------------------------------


def schemes_by_code(*, registrar: str, codes: set[str], isins: set[str]) -> dict[str, int]:
    """Registrar product code or ISIN -> scheme id (ISIN first, then the registrar's code)."""
    source = SchemeCode.Source.CAMS if registrar == "cams" else SchemeCode.Source.KFINTECH
    found: dict[str, int] = {}
    for code, scheme_id in SchemeCode.objects.filter(source=source, code__in=codes).values_list("code", "scheme_id"):
        found[code] = scheme_id
    if isins:
        for isin, scheme_id in SchemeCode.objects.filter(source=SchemeCode.Source.ISIN, code__in=isins).values_list(
            "code", "scheme_id"
        ):
            found[isin] = scheme_id
        for scheme_id, growth in Scheme.objects.filter(isin_growth__in=isins).values_list("id", "isin_growth"):
            found.setdefault(growth, scheme_id)
    return found


def _investors_by_folio_and_pan(records: list[TxnRecord]) -> tuple[dict[str, int], dict[str, int]]:
    folios = {r.folio for r in records}
    by_folio = dict(FolioLink.objects.filter(folio__in=folios).values_list("folio", "investor_id"))
    by_folio.update(Folio.objects.filter(folio_number__in=folios).values_list("folio_number", "investor_id"))
    pans = {r.pan for r in records if r.pan and r.folio not in by_folio}
    by_pan = investor_ids_by_pan(pans=pans)
    return by_folio, by_pan


def _transactions_store(*, feed: RtaFeed, records: list[TxnRecord]) -> None:
    schemes = schemes_by_code(
        registrar=feed.registrar, codes={r.scheme_code for r in records}, isins={r.isin for r in records if r.isin}
    )
    by_folio, by_pan = _investors_by_folio_and_pan(records)
    rows = [
        RegistrarTransaction(
            feed=feed, registrar=r.registrar, amc=r.amc[:20], txn_no=r.txn_no[:40], is_reversal=r.reversal,
            original_txn_no=r.original_txn_no[:40], user_txn_no=r.user_txn_no[:40],
            application_no=r.application_no[:40], folio=r.folio[:40],
            scheme_id=schemes.get(r.isin) or schemes.get(r.scheme_code), scheme_code=r.scheme_code[:40],
            scheme_name=r.scheme_name[:300], isin=r.isin[:12], pan_masked=mask_pan(r.pan)[:10], kind=r.kind,
            txn_type=r.txn_type[:20], trade_date=r.trade_date, units=r.units, amount=r.amount, nav=r.nav,
            broker_code=r.broker_code[:20], euin=r.euin[:20], brokerage=r.brokerage,
            brokerage_percent=r.brokerage_percent, exchange_flag=r.exchange_flag[:20],
            investor_id=by_folio.get(r.folio) or by_pan.get(r.pan),
        )
        for r in records
    ]  # fmt: skip
    bulk_insert_copy(rows)  # a row the registrar sent before (same identity) is kept as it was
    _statistics_refresh(RegistrarTransaction, rows=len(rows))
    dates = [r.trade_date for r in records]
    feed.rows_new = feed.transactions.count()
    feed.period_from, feed.period_to = min(dates), max(dates)
    feed.save(update_fields=["rows_new", "period_from", "period_to", "updated_at"])


def _statistics_refresh(model, *, rows: int) -> None:
    """After a large insert in this transaction the planner still believes the table is small and would
    join it row by row; ANALYZE (allowed in a transaction, and seeing our own rows) corrects that."""
    if rows >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608 - a model's table name


def _balances_store(*, feed: RtaFeed, records: list[BalanceRecord]) -> None:
    schemes = schemes_by_code(
        registrar=feed.registrar, codes={r.scheme_code for r in records}, isins={r.isin for r in records if r.isin}
    )
    as_of = max((r.as_of for r in records if r.as_of), default=feed.created_at.date())
    rows = [
        RegistrarBalance(
            feed=feed, registrar=r.registrar, folio=r.folio[:40], scheme_code=r.scheme_code[:40],
            scheme_id=schemes.get(r.isin) or schemes.get(r.scheme_code), scheme_name=r.scheme_name[:300],
            units=r.units, nav=r.nav, value=r.value, as_of=r.as_of or as_of,
        )
        for r in records
    ]  # fmt: skip
    bulk_insert_copy(rows)
    _statistics_refresh(RegistrarBalance, rows=len(rows))
    feed.rows_new = feed.balances.count()
    feed.period_from = feed.period_to = as_of
    feed.save(update_fields=["rows_new", "period_from", "period_to", "updated_at"])


def _folios_link(*, feed: RtaFeed, records: list[InvestorRecord]) -> int:
    """Investor masters (WBR9, MFSD211): a folio whose holder's PAN is one of our investors is linked to
    that investor, so the folio's transactions made elsewhere reach the right ledger."""
    pans = {r.pan for r in records if r.pan}
    investors = investor_ids_by_pan(pans=pans)
    links = {
        r.folio: FolioLink(
            feed=feed,
            registrar=r.registrar,
            folio=r.folio[:40],
            investor_id=investors[r.pan],
            holder_name=r.investor_name[:200],
        )  # fmt: skip
        for r in records
        if r.pan in investors
    }
    FolioLink.objects.bulk_create(links.values(), ignore_conflicts=True)
    return FolioLink.objects.filter(feed=feed).count()
