"""Renders a queued statement to its private file (the statements queue's task calls it), and purges
statements past their retention."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.reports.models import Statement, StatementStatus
from apps.reports.pdf import statement_pdf_render
from apps.reports.statements import statement_document_build

logger = logging.getLogger(__name__)


def _private_dir() -> Path:
    directory = Path(settings.PRIVATE_STORAGE_ROOT) / "statements" / connection.schema_name
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def statement_path(statement: Statement) -> Path | None:
    if not statement.stored_path:
        return None
    return Path(settings.PRIVATE_STORAGE_ROOT) / statement.stored_path


def _progress_saver(statement_id: int):
    last = {"percent": -1}

    def save(fraction: float) -> None:
        percent = max(5, min(int(fraction * 100), 99))
        if percent >= last["percent"] + 5:  # at most twenty writes per statement
            last["percent"] = percent
            Statement.objects.filter(pk=statement_id).update(percent=percent, updated_at=timezone.now())

    return save


def statement_render(*, statement_id: int) -> Statement:
    """Renders a queued statement to its private file. Safe to run twice (a finished one is left alone)."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update().select_related("investor").get(pk=statement_id)
        if statement.status == StatementStatus.DONE:
            return statement
        statement.status, statement.percent, statement.started_at = StatementStatus.RUNNING, 1, timezone.now()
        statement.save(update_fields=["status", "percent", "started_at", "updated_at"])
    try:
        document = statement_document_build(statement=statement)
        rendered = statement_pdf_render(document, progress=_progress_saver(statement.pk))
        path = _private_dir() / f"{statement.public_id}.pdf"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(rendered.content)
    except Exception as exc:
        logger.exception("statement %s failed", statement.public_id)
        statement.status, statement.error_message = StatementStatus.FAILED, f"Could not render: {type(exc).__name__}"
        statement.finished_at = timezone.now()
        statement.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
        return statement
    statement.status, statement.percent = StatementStatus.DONE, 100
    statement.stored_path = str(path.relative_to(settings.PRIVATE_STORAGE_ROOT))
    statement.page_count, statement.file_size = rendered.pages, len(rendered.content)
    statement.finished_at = timezone.now()
    statement.save(
        update_fields=["status", "percent", "stored_path", "page_count", "file_size", "finished_at", "updated_at"]
    )
    return statement


def statements_purge_expired(*, older_than_days: int | None = None) -> int:
    """Deletes statements (rows and files) older than the retention period; returns how many."""
    days = settings.REPORTS_STATEMENT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    expired = list(Statement.objects.filter(created_at__lt=cutoff).only("id", "stored_path"))
    for statement in expired:
        path = statement_path(statement)
        if path is not None:
            path.unlink(missing_ok=True)
    Statement.objects.filter(pk__in=[s.pk for s in expired]).delete()
    return len(expired)
