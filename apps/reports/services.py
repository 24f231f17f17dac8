"""Writes of the reports app: asking for statements (one, or a staff batch for every investor) and the
signed, expiring download link. Rendering is apps.reports.rendering, run by the statements queue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.reports.capital_gains import CapitalGainsError, financial_year_bounds, financial_year_parse
from apps.reports.models import Statement, StatementBatch, StatementKind, StatementStatus
from apps.reports.rendering import statement_path
from config.celery import app as celery_app

# sent by its registered name: the tasks import the rendering service, never the other way round
STATEMENT_RENDER_TASK = "reports.statement_render"

DOWNLOAD_SALT = "reports.statement.download"
MAX_TRANSACTION_PERIOD_DAYS = 366 * 10


def _validate(*, kind: str, period_from: date | None, period_to: date | None, financial_year: str) -> dict:
    if kind not in StatementKind.values:
        raise ApplicationError(f"Unknown statement kind {kind!r}.", code="invalid_statement_kind")
    fields = {"period_from": None, "period_to": None, "financial_year": ""}
    if kind == StatementKind.TRANSACTIONS:
        if period_from is None or period_to is None:
            raise ApplicationError("A transaction statement needs period_from and period_to.", code="period_required")
        if period_from > period_to:
            raise ApplicationError("period_from is after period_to.", code="invalid_period")
        if (period_to - period_from).days > MAX_TRANSACTION_PERIOD_DAYS:
            raise ApplicationError("A transaction statement covers at most ten years.", code="invalid_period")
        fields.update(period_from=period_from, period_to=period_to)
    if kind == StatementKind.CAPITAL_GAINS:
        try:
            financial_year_parse(financial_year)
        except CapitalGainsError as exc:
            raise ApplicationError(str(exc), code="invalid_financial_year") from exc
        fields["financial_year"] = financial_year
    return fields


def statement_request(
    *,
    investor: Investor,
    kind: str,
    requested_by=None,
    period_from: date | None = None,
    period_to: date | None = None,
    financial_year: str = "",
) -> Statement:
    """Queues a statement; the PDF is rendered by the statements queue's worker after commit."""
    fields = _validate(kind=kind, period_from=period_from, period_to=period_to, financial_year=financial_year)
    with transaction.atomic():
        statement = Statement.objects.create(investor=investor, kind=kind, requested_by=requested_by, **fields)
        audit_record(
            action="reports.statement_requested",
            actor=requested_by,
            target=statement,
            extra={"kind": kind, "investor": str(investor.public_id), **{k: str(v) for k, v in fields.items() if v}},
        )
        transaction.on_commit(lambda: celery_app.tasks[STATEMENT_RENDER_TASK].delay(statement.pk))
    return statement


def statement_batch_request(*, kind: str, financial_year: str, requested_by, investors=None) -> StatementBatch:
    """Staff: one statement per investor (all of the distributor's investors unless given) for a financial
    year; a transaction statement covers that year."""
    if kind == StatementKind.FAMILY:
        raise ApplicationError("Family statements are asked for one family at a time.", code="invalid_statement_kind")
    try:
        start, end = financial_year_bounds(financial_year_parse(financial_year))
    except CapitalGainsError as exc:
        raise ApplicationError(str(exc), code="invalid_financial_year") from exc
    fields = _validate(
        kind=kind, period_from=start, period_to=min(end, timezone.localdate()), financial_year=financial_year
    )
    fields["financial_year"] = financial_year
    investors = list(investors if investors is not None else Investor.objects.all().order_by("id"))
    with transaction.atomic():
        batch = StatementBatch.objects.create(
            kind=kind, financial_year=financial_year, requested_by=requested_by, total=len(investors)
        )
        statements = Statement.objects.bulk_create(
            [
                Statement(investor=investor, kind=kind, requested_by=requested_by, batch=batch, **fields)
                for investor in investors
            ]
        )
        audit_record(
            action="reports.statement_batch_requested",
            actor=requested_by,
            target=batch,
            extra={"kind": kind, "financial_year": financial_year, "investors": len(investors)},
        )
        ids = [s.pk for s in statements]
        transaction.on_commit(lambda: [celery_app.tasks[STATEMENT_RENDER_TASK].delay(pk) for pk in ids])
    return batch


# ------------------------------------------------------------------------------- signed links


def statement_download_token(*, statement: Statement) -> str:
    """A token naming the tenant and the statement, signed with the secret key; it expires after
    settings.REPORTS_STATEMENT_LINK_SECONDS."""
    return signing.dumps(
        {"t": connection.schema_name, "s": str(statement.public_id)}, salt=DOWNLOAD_SALT, compress=True
    )


def statement_for_download(*, token: str, statement_id) -> tuple[Statement, Path]:
    """The statement and its file when the token is valid, unexpired, for this tenant and this statement;
    NotFoundError otherwise (never a hint which)."""
    try:
        payload = signing.loads(token, salt=DOWNLOAD_SALT, max_age=settings.REPORTS_STATEMENT_LINK_SECONDS)
    except signing.BadSignature as exc:  # expired links are bad signatures too
        raise NotFoundError("No such statement.") from exc
    if payload.get("t") != connection.schema_name or payload.get("s") != str(statement_id):
        raise NotFoundError("No such statement.")
    statement = Statement.objects.filter(public_id=payload["s"], status=StatementStatus.DONE).first()
    path = statement_path(statement) if statement else None
    if path is None or not path.exists():
        raise NotFoundError("No such statement.")
    return statement, path
