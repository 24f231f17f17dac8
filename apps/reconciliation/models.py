"""Registrar feeds and what reconciling them found.

The registrar (CAMS, KFintech) is the legal record of every unit: its transaction feed is matched
against our orders and the investor ledger, its AUM feed against our holdings, and every difference
becomes a Discrepancy with its cause and a suggested fix. Units Decimal(20, 4), money Decimal(16, 2)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel, TimeStampedModel

MONEY = {"max_digits": 16, "decimal_places": 2}
UNITS = {"max_digits": 20, "decimal_places": 4}
NAV = {"max_digits": 20, "decimal_places": 8}


class Registrar(models.TextChoices):
    CAMS = "cams", "CAMS"
    KFINTECH = "kfintech", "KFintech"


class RtaFeed(PublicIdModel):
    """One imported file. The same bytes are imported once (sha256); refused files leave an audit row only."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Portal upload"
        COMMAND = "command", "Command line"
        DROP_FOLDER = "drop_folder", "Drop folder"

    registrar = models.CharField(max_length=10, choices=Registrar.choices)
    layout = models.CharField(max_length=30)
    kind = models.CharField(max_length=12)  # transactions / aum / investors
    container = models.CharField(max_length=12, help_text="dbf, xls, xlsx, csv, pipe; zip+... when zipped")
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0, help_text="rows not already known from an earlier feed")
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    outcomes = models.JSONField(default=dict, blank=True, help_text="rows per reconciliation outcome")
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_registrar_display()} {self.layout} {self.original_name}"


class FolioLink(TimeStampedModel):
    """A registrar folio tied to one of our investors by the registrar's investor master (the holder's PAN)."""

    feed = models.ForeignKey(RtaFeed, on_delete=models.PROTECT, related_name="folio_links")
    registrar = models.CharField(max_length=10, choices=Registrar.choices)
    folio = models.CharField(max_length=40)
    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="+")
    holder_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["folio"]
        constraints = [models.UniqueConstraint(fields=["registrar", "folio"], name="reconciliation_foliolink_unique")]

    def __str__(self) -> str:
        return f"{self.registrar}:{self.folio}"


class Outcome(models.TextChoices):
    """What reconciling found for a registrar row. Reconciliation is by exception: a row that agrees with
    our ledger is not written, so its stored outcome stays NONE (matched once its feed is reconciled,
    pending before); MATCHED and PENDING name those rows in a feed's counts."""

    NONE = "", "No exception"
    MATCHED = "matched", "Matches our order and ledger"
    COMPLETED = "completed", "Completed our order from the registrar"
    REVERSED = "reversed", "Reversal applied"
    OUTSIDE = "outside", "Made outside the platform: added to the ledger"
    KNOWN = "known", "Already in the ledger from the registrar"
    DIFFERS = "differs", "Differs from our records"
    UNRESOLVED = "unresolved", "Could not be placed (see its discrepancy)"
    PENDING = "pending", "Not reconciled yet"


class RegistrarTransaction(TimeStampedModel):
    """A transaction as the registrar reports it. (registrar, amc, txn_no, is_reversal) is the registrar's
    own identity of the row: the same row in another file or form adds nothing."""

    # few indexes: importing writes every row of a feed once, and each index costs on that write
    feed = models.ForeignKey(RtaFeed, on_delete=models.PROTECT, related_name="transactions", db_index=False)
    registrar = models.CharField(max_length=10, choices=Registrar.choices)
    amc = models.CharField(max_length=20)
    txn_no = models.CharField(max_length=40)
    is_reversal = models.BooleanField(default=False)
    original_txn_no = models.CharField(max_length=40, blank=True)
    user_txn_no = models.CharField(max_length=40, blank=True)
    application_no = models.CharField(max_length=40, blank=True)
    folio = models.CharField(max_length=40)
    scheme = models.ForeignKey(
        "funds.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    scheme_code = models.CharField(max_length=40)
    scheme_name = models.CharField(max_length=300, blank=True)
    isin = models.CharField(max_length=12, blank=True)
    pan_masked = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=20)
    txn_type = models.CharField(max_length=20, blank=True)
    trade_date = models.DateField()
    units = models.DecimalField(**UNITS)
    amount = models.DecimalField(**MONEY)
    nav = models.DecimalField(**NAV, null=True, blank=True)
    broker_code = models.CharField(max_length=20, blank=True)
    euin = models.CharField(max_length=20, blank=True)
    brokerage = models.DecimalField(**MONEY, default=0)
    brokerage_percent = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    exchange_flag = models.CharField(max_length=20, blank=True)

    investor = models.ForeignKey(
        "accounts.Investor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ledger = models.ForeignKey(
        "portfolio.Transaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.NONE, blank=True)

    class Meta:
        ordering = ["-trade_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrar", "amc", "txn_no", "is_reversal"], name="reconciliation_registrartxn_identity"
            ),
            models.CheckConstraint(condition=Q(units__gte=0) & Q(amount__gte=0), name="reconciliation_txn_unsigned"),
        ]
        indexes = [
            models.Index(fields=["feed", "outcome"]),
            models.Index(fields=["feed", "folio"]),
            models.Index(fields=["trade_date", "euin"]),
        ]

    def __str__(self) -> str:
        return f"{self.registrar}:{self.amc}:{self.txn_no}"

    @property
    def key(self) -> str:
        return f"{self.registrar}:{self.amc}:{self.txn_no}"


class RegistrarBalance(TimeStampedModel):
    """Units the registrar holds for a folio and scheme on a date (AUM feeds: CAMS WBR22, KFintech MFSD203)."""

    feed = models.ForeignKey(RtaFeed, on_delete=models.PROTECT, related_name="balances")
    registrar = models.CharField(max_length=10, choices=Registrar.choices)
    folio = models.CharField(max_length=40)
    scheme = models.ForeignKey("funds.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scheme_code = models.CharField(max_length=40)
    scheme_name = models.CharField(max_length=300, blank=True)
    units = models.DecimalField(**UNITS)
    nav = models.DecimalField(**NAV, null=True, blank=True)
    value = models.DecimalField(**MONEY, null=True, blank=True)
    as_of = models.DateField()

    class Meta:
        ordering = ["-as_of", "folio"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrar", "folio", "scheme_code", "as_of"], name="reconciliation_balance_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.folio} {self.scheme_code} {self.units} on {self.as_of}"


class Discrepancy(PublicIdModel):
    """A difference between the registrar and us, with its cause and a suggested fix. Corrections the
    registrar dictates without doubt (an allotment we lacked, a reversal, a transaction made elsewhere)
    are applied at once and kept here as `corrected`; the rest wait for operations staff to accept the
    fix or override it with a reason."""

    class Cause(models.TextChoices):
        MISSING_AT_REGISTRAR = "missing_at_registrar", "Missing at the registrar"
        MISSING_IN_LEDGER = "missing_in_ledger", "Missing in our ledger"
        UNITS_DIFFER = "units_differ", "Units differ"
        AMOUNT_DIFFERS = "amount_differs", "Amount differs"
        REVERSED = "reversed", "Reversed by the registrar"
        BALANCE_DIFFERS = "balance_differs", "Balance differs"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CORRECTED = "corrected", "Corrected from the registrar"
        ACCEPTED = "accepted", "Fix accepted"
        OVERRIDDEN = "overridden", "Overridden"

    class Fix(models.TextChoices):
        RECORD_FROM_REGISTRAR = "record_from_registrar", "Record the registrar's transaction in the ledger"
        ADJUST_TO_REGISTRAR = "adjust_to_registrar", "Adjust our ledger to the registrar's figures"
        REVERSE_ORDER = "reverse_order", "Reverse the order and its ledger lines"
        QUERY_REGISTRAR = "query_registrar", "Ask the registrar about the transaction"
        LINK_INVESTOR = "link_investor", "Link the folio to an investor, then record it"
        REVIEW_LEDGER = "review_ledger", "Review the folio's ledger against the registrar"

    fingerprint = models.CharField(max_length=160, unique=True, help_text="the same difference is recorded once")
    cause = models.CharField(max_length=24, choices=Cause.choices, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    suggested_fix = models.CharField(max_length=24, choices=Fix.choices)
    detail = models.CharField(max_length=500, blank=True)
    feed = models.ForeignKey(RtaFeed, null=True, blank=True, on_delete=models.PROTECT, related_name="discrepancies")
    registrar_txn = models.ForeignKey(
        RegistrarTransaction, null=True, blank=True, on_delete=models.CASCADE, related_name="discrepancies"
    )
    balance = models.ForeignKey(
        RegistrarBalance, null=True, blank=True, on_delete=models.CASCADE, related_name="discrepancies"
    )
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    investor = models.ForeignKey(
        "accounts.Investor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    folio = models.CharField(max_length=40, blank=True)
    scheme = models.ForeignKey("funds.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ours = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True, help_text="our figure")
    theirs = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True, help_text="the registrar's")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "cause"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="overridden") | ~Q(resolution=""), name="reconciliation_override_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} ({self.status})"


class ReconciliationSettings(TimeStampedModel):
    """The distributor's reconciliation settings (one row per tenant schema)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    feed_zip_password_encrypted = models.TextField(
        blank=True, help_text="the password the registrars protect mailed ZIPs with (encrypted)"
    )
    confirmation_grace_days = models.PositiveSmallIntegerField(
        default=3, help_text="business days after the expected NAV date before an unconfirmed order is flagged"
    )
    trail_rate_percent = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("0.5"),
        help_text="yearly trail estimate on AUM where feeds have none",
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="reconciliation_settings_singleton")]

    def __str__(self) -> str:
        return "reconciliation settings"
