"""Snapshots of staff books' dashboard figures (BookSnapshot): taken per tenant after the nightly NAV import
(celery beat), and in the background when a dashboard finds none for its book. Rebuilding a large book's
value over a year reads its whole ledger: a job's work, never a page's."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Investor
from apps.portfolio.models import BookSnapshot
from apps.portfolio.selectors.book import BOOK_ALL, book_aum_points, book_investor_ids
from config.celery import app as celery_app

BOOK_SNAPSHOTS_TASK = "portfolio.book_snapshots_refresh"
# a dashboard without a snapshot asks for one at most this often per book
REQUEST_INTERVAL_SECONDS = 600


def book_scopes() -> list[str]:
    """Every book of the tenant: the whole book and each relationship manager's own."""
    managers = (
        Investor.objects.filter(relationship_manager__isnull=False)
        .order_by("relationship_manager_id")
        .values_list("relationship_manager_id", flat=True)
        .distinct()
    )
    return [BOOK_ALL, *(f"rm{pk}" for pk in managers)]


def book_snapshot_take(*, scope: str, as_of: date | None = None) -> BookSnapshot:
    """The book's figures as of `as_of` (default today), replacing its older snapshots."""
    as_of = as_of or timezone.localdate()
    points = book_aum_points(investor_ids=book_investor_ids(scope=scope), as_of=as_of)
    with transaction.atomic():
        snapshot, _ = BookSnapshot.objects.update_or_create(scope=scope, as_of=as_of, defaults={"aum_points": points})
        BookSnapshot.objects.filter(scope=scope, as_of__lt=as_of).delete()
    return snapshot


def book_snapshots_refresh(*, scope: str = "") -> int:
    """Takes today's snapshot of one book, or of every book of the tenant; returns how many."""
    scopes = [scope] if scope else book_scopes()
    for name in scopes:
        book_snapshot_take(scope=name)
    return len(scopes)


def book_snapshot_request(*, scope: str) -> None:
    """A dashboard found no snapshot of its book: one is taken in the background (asked for at most once
    per REQUEST_INTERVAL_SECONDS per book)."""
    if cache.add(f"portfolio:book-snapshot-requested:{scope}", 1, REQUEST_INTERVAL_SECONDS):
        transaction.on_commit(lambda: celery_app.tasks[BOOK_SNAPSHOTS_TASK].delay(scope=scope))
