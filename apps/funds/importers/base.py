"""What every importer shares: the refusal error, the skip / warning log with line numbers, and the
ImportRun record written at the end of each run."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.funds.cache import catalog_version_bump
from apps.funds.models import ImportRun

logger = logging.getLogger(__name__)

# Line numbers kept per reason in a run's report (the count is always exact).
MAX_LINES_PER_REASON = 1000


class ImportRefused(ApplicationError):
    """The file is not what the importer reads (an HTML error page, another layout, no rows). Nothing is
    written except the failed ImportRun."""

    code = "import_refused"

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None):
        super().__init__(message, extra=extra)
        self.run: ImportRun | None = None


@dataclass
class LineLog:
    """Lines grouped by reason: rows skipped, or imported with a warning."""

    reasons: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, line_no: int) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        lines = self.reasons.setdefault(reason, [])
        if len(lines) < MAX_LINES_PER_REASON:
            lines.append(line_no)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {reason: {"count": self.counts[reason], "lines": self.reasons[reason]} for reason in sorted(self.counts)}


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class RunOutcome:
    """What a successful load tells the ImportRun."""

    layout: str
    inserted: int
    updated: int
    unchanged: int
    skipped: int
    report: dict[str, Any]
    nav_date: date | None = None
    expected_nav_date: date | None = None
    is_stale: bool = False


def run_record_success(
    *,
    kind: str,
    source: str,
    digest: str,
    started_at: datetime,
    outcome: RunOutcome,
    actor_label: str,
) -> ImportRun:
    """Called inside the import's transaction: the run commits or rolls back with the data."""
    changed = bool(outcome.report.get("changed"))
    run = ImportRun.objects.create(
        kind=kind,
        status=ImportRun.Status.SUCCEEDED,
        source=source[:500],
        layout=outcome.layout,
        content_sha256=digest,
        started_at=started_at,
        finished_at=timezone.now(),
        inserted=outcome.inserted,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        skipped=outcome.skipped,
        nav_date=outcome.nav_date,
        expected_nav_date=outcome.expected_nav_date,
        is_stale=outcome.is_stale,
        report=outcome.report,
    )
    audit_record(
        action=f"funds.import.{kind}",
        actor_label=actor_label,
        target=run,
        extra={"status": run.status, "inserted": run.inserted, "updated": run.updated, "skipped": run.skipped},
    )
    if changed:
        # cached fund API responses name the catalogue version: a new version misses them all
        transaction.on_commit(catalog_version_bump)
    if outcome.is_stale:
        logger.warning(
            "NAV file is stale",
            extra={"source": source, "nav_date": str(outcome.nav_date), "expected": str(outcome.expected_nav_date)},
        )
    return run


def run_record_failure(
    *,
    kind: str,
    source: str,
    started_at: datetime,
    status: str,
    error: str,
    actor_label: str,
    digest: str = "",
    layout: str = "",
    report: dict[str, Any] | None = None,
) -> ImportRun:
    """Called after the import's transaction rolled back: only this row is written."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            status=status,
            source=source[:500],
            layout=layout,
            content_sha256=digest,
            started_at=started_at,
            finished_at=timezone.now(),
            error=error,
            report=report or {},
        )
        audit_record(
            action=f"funds.import.{kind}", actor_label=actor_label, target=run, extra={"status": status, "error": error}
        )
    logger.error("funds import %s", status, extra={"kind": kind, "source": source, "error": error})
    return run


def run_summary(run: ImportRun) -> dict[str, Any]:
    """One JSON object per run (the --json output of the import commands)."""
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "source": run.source,
        "layout": run.layout,
        "content_sha256": run.content_sha256,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "inserted": run.inserted,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "nav_date": run.nav_date.isoformat() if run.nav_date else None,
        "expected_nav_date": run.expected_nav_date.isoformat() if run.expected_nav_date else None,
        "is_stale": run.is_stale,
        "error": run.error,
        **run.report,
    }


Log = Callable[[str], None]
