"""PDF statements an investor or the distributor's staff asked for, and the staff's yearly batches.

A statement's PDF lives under settings.PRIVATE_STORAGE_ROOT/statements/<schema>/ and is never served from a
public URL: the API hands out a signed link that expires (apps.reports.services.statement_download_token)."""

from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel


class StatementKind(models.TextChoices):
    PORTFOLIO = "portfolio", "Portfolio valuation"
    TRANSACTIONS = "transactions", "Transaction statement"
    CAPITAL_GAINS = "capital_gains", "Capital gains statement"
    FAMILY = "family", "Family portfolio statement"


class StatementStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Rendering"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class StatementBatch(PublicIdModel):
    """Staff asked for one kind of statement for every investor (or one) for a financial year."""

    kind = models.CharField(max_length=16, choices=StatementKind.choices)
    financial_year = models.CharField(max_length=7, help_text="e.g. 2024-25")
    requested_by = models.ForeignKey("users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.financial_year} ({self.total})"


class Statement(PublicIdModel):
    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=16, choices=StatementKind.choices)
    # transactions: the date range; capital gains: the financial year; portfolio and family: as of today
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    financial_year = models.CharField(max_length=7, blank=True)
    requested_by = models.ForeignKey("users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey(
        StatementBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )

    status = models.CharField(
        max_length=8, choices=StatementStatus.choices, default=StatementStatus.QUEUED, db_index=True
    )
    percent = models.PositiveSmallIntegerField(default=0)
    error_message = models.CharField(max_length=500, blank=True)
    # path relative to settings.PRIVATE_STORAGE_ROOT
    stored_path = models.CharField(max_length=300, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="reports_statement_percent_max_100"),
            models.CheckConstraint(
                condition=~Q(kind="transactions") | (Q(period_from__isnull=False) & Q(period_to__isnull=False)),
                name="reports_statement_transactions_have_a_period",
            ),
            models.CheckConstraint(
                condition=~Q(kind="capital_gains") | ~Q(financial_year=""),
                name="reports_statement_capital_gains_have_a_year",
            ),
        ]
        indexes = [models.Index(fields=["investor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id} ({self.status})"

    @property
    def file_name(self) -> str:
        period = self.financial_year or (
            f"{self.period_from:%Y%m%d}-{self.period_to:%Y%m%d}" if self.period_from and self.period_to else ""
        )
        stamp = f"{self.created_at:%Y%m%d}" if self.created_at else ""
        return "-".join(part for part in (self.kind.replace("_", "-"), period or stamp) if part) + ".pdf"
