"""An investor's mutual-fund holdings: folios, the schemes held in each folio, the transaction ledger that
all holdings derive from, FIFO lots, precomputed valuations, CAS imports and family links.

The ledger is the truth. Lots, units and valuations are derived from it by apps.portfolio.services and
can be rebuilt at any time. Money is Decimal(18, 2), units Decimal(20, 4), NAVs Decimal(20, 8)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel, TimeStampedModel

MONEY = {"max_digits": 18, "decimal_places": 2}
UNITS = {"max_digits": 20, "decimal_places": 4}
NAV = {"max_digits": 20, "decimal_places": 8}
ZERO = Decimal("0")


class Registrar(models.TextChoices):
    CAMS = "cams", "CAMS"
    KFINTECH = "kfintech", "KFintech"
    UNKNOWN = "unknown", "Unknown"


class Folio(PublicIdModel):
    """An account at one AMC. A folio holds one or more schemes of that AMC."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="folios")
    folio_number = models.CharField(max_length=40)
    amc = models.ForeignKey("funds.Amc", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amc_name = models.CharField(max_length=200, blank=True, help_text="as the statement prints it")
    registrar = models.CharField(max_length=10, choices=Registrar.choices, default=Registrar.UNKNOWN)
    holders = models.JSONField(default=list, blank=True, help_text="names of the holders, first holder first")
    pan_masked = models.CharField(max_length=10, blank=True)
    kyc_ok = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["amc_name", "folio_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "amc", "folio_number"],
                name="portfolio_folio_unique_per_amc",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.folio_number} ({self.amc_name or self.amc_id})"


class MappedBy(models.TextChoices):
    ISIN = "isin", "ISIN"
    AMFI = "amfi", "AMFI code"
    RTA_CODE = "rta_code", "Registrar code"
    NAME = "name", "Name"
    ORDER = "order", "Order"
    MANUAL = "manual", "Manual"
    UNMAPPED = "unmapped", "Not mapped"


class Holding(PublicIdModel):
    """A scheme held in a folio, with its precomputed valuation.

    `scheme` is the funds master row it maps to (ISIN, then AMFI code, then registrar code, then name);
    a scheme that does not map is kept with scheme=None and needs_review=True, never dropped. The
    valuation columns are derived (services.valuation) and refreshed when its ledger or its NAV changes."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="holdings")
    folio = models.ForeignKey(Folio, on_delete=models.CASCADE, related_name="holdings")
    scheme = models.ForeignKey("funds.Scheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # identity as the source printed it (kept for re-mapping after renames and mergers)
    source_name = models.CharField(max_length=300)
    source_isin = models.CharField(max_length=12, blank=True)
    source_amfi_code = models.CharField(max_length=12, blank=True)
    source_rta_code = models.CharField(max_length=40, blank=True)
    source_rta = models.CharField(max_length=10, choices=Registrar.choices, default=Registrar.UNKNOWN)
    mapped_by = models.CharField(max_length=10, choices=MappedBy.choices, default=MappedBy.UNMAPPED)
    needs_review = models.BooleanField(default=False, db_index=True)

    # opening balance of the earliest statement imported (units bought before it have no known cost)
    opening_units = models.DecimalField(**UNITS, default=ZERO)
    opening_date = models.DateField(null=True, blank=True)
    opening_cost = models.DecimalField(**MONEY, null=True, blank=True, help_text="when the statement printed it")
    cost_incomplete = models.BooleanField(default=False, help_text="some units have no known cost")
    units_without_cost = models.DecimalField(**UNITS, default=ZERO)

    # derived from the ledger
    units = models.DecimalField(**UNITS, default=ZERO)
    invested = models.DecimalField(**MONEY, default=ZERO, help_text="FIFO cost of the units held")
    realised_gain = models.DecimalField(**MONEY, default=ZERO)
    dividends = models.DecimalField(**MONEY, default=ZERO, help_text="IDCW paid out")
    first_trade_date = models.DateField(null=True, blank=True)
    last_trade_date = models.DateField(null=True, blank=True)

    # derived from the latest NAV
    nav = models.DecimalField(**NAV, null=True, blank=True)
    nav_date = models.DateField(null=True, blank=True)
    previous_nav = models.DecimalField(**NAV, null=True, blank=True)
    value = models.DecimalField(**MONEY, default=ZERO)
    day_change = models.DecimalField(**MONEY, default=ZERO)
    unrealised_gain = models.DecimalField(**MONEY, default=ZERO)
    xirr = models.DecimalField(max_digits=14, decimal_places=8, null=True, blank=True)
    valued_at = models.DateTimeField(null=True, blank=True)
    valuation_stale = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["source_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["folio", "scheme"], condition=Q(scheme__isnull=False), name="portfolio_holding_folio_scheme"
            ),
            models.UniqueConstraint(
                fields=["folio", "source_name"],
                condition=Q(scheme__isnull=True),
                name="portfolio_holding_folio_unmapped_name",
            ),
            models.CheckConstraint(condition=Q(units__gte=0), name="portfolio_holding_units_not_negative"),
        ]
        indexes = [
            models.Index(fields=["investor", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} in {self.folio_id}"

    @property
    def absolute_return(self) -> Decimal | None:
        """Unrealised gain on the money invested in the units held, in percent."""
        if not self.invested:
            return None
        return (self.unrealised_gain / self.invested * 100).quantize(Decimal("0.01"))


class TransactionKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    SIP = "sip", "SIP instalment"
    REDEMPTION = "redemption", "Redemption"
    SWITCH_IN = "switch_in", "Switch in"
    SWITCH_OUT = "switch_out", "Switch out"
    DIVIDEND_PAYOUT = "dividend_payout", "IDCW payout"
    DIVIDEND_REINVEST = "dividend_reinvest", "IDCW reinvestment"
    STT = "stt", "Securities transaction tax"
    STAMP_DUTY = "stamp_duty", "Stamp duty"
    TDS = "tds", "TDS"
    SEGREGATION = "segregation", "Segregated portfolio"
    REVERSAL = "reversal", "Reversal"


# Kinds that move units in (positive units) and out (negative units); the rest carry money only.
UNIT_IN_KINDS = frozenset({"purchase", "sip", "switch_in", "dividend_reinvest", "segregation"})
UNIT_OUT_KINDS = frozenset({"redemption", "switch_out"})
TAX_KINDS = frozenset({"stt", "stamp_duty", "tds"})


class TransactionSource(models.TextChoices):
    CAS = "cas", "CAS statement"
    ORDER = "order", "Our order"
    RTA = "rta", "Registrar feed"


class Transaction(PublicIdModel):
    """One line of the ledger.

    Sign conventions: `units` is the signed change of the balance (negative for redemptions and switch
    outs); `amount` is the signed money value as the registrar prints it (negative for redemptions and
    switch outs, positive for purchases; taxes and dividends positive). `cash_flow` is the investor's
    cash flow for XIRR (negative = money paid in), computed by the service from kind and amount.
    (source, source_ref) identifies the line at its source, so recording it twice adds nothing."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="portfolio_transactions")
    folio = models.ForeignKey(Folio, on_delete=models.CASCADE, related_name="transactions")
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="transactions")
    scheme = models.ForeignKey("funds.Scheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    trade_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    units = models.DecimalField(**UNITS, default=ZERO)
    nav = models.DecimalField(**NAV, null=True, blank=True)
    balance = models.DecimalField(**UNITS, null=True, blank=True, help_text="balance the source printed")
    cash_flow = models.DecimalField(**MONEY, default=ZERO)
    description = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=TransactionSource.choices)
    source_ref = models.CharField(max_length=120)
    cas_import = models.ForeignKey(
        "portfolio.CasImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="transactions"
    )

    class Meta:
        ordering = ["-trade_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="portfolio_transaction_source_ref"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(UNIT_OUT_KINDS)) | Q(units__lte=0),
                name="portfolio_transaction_out_units_not_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(UNIT_IN_KINDS)) | Q(units__gte=0),
                name="portfolio_transaction_in_units_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["investor", "trade_date"]),
            models.Index(fields=["investor", "updated_at"]),
            models.Index(fields=["holding", "trade_date", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.trade_date} {self.kind} {self.amount}"


class Lot(TimeStampedModel):
    """Units bought together (FIFO). Rebuilt from the ledger; redemptions consume the oldest first."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="lots")
    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    acquired_on = models.DateField()
    units = models.DecimalField(**UNITS, help_text="units bought")
    units_remaining = models.DecimalField(**UNITS)
    cost = models.DecimalField(**MONEY, help_text="cost of all units bought")
    cost_known = models.BooleanField(default=True)

    class Meta:
        ordering = ["holding_id", "acquired_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(units_remaining__gte=0) & Q(units_remaining__lte=models.F("units")),
                name="portfolio_lot_remaining_within_units",
            ),
        ]
        indexes = [models.Index(fields=["holding", "acquired_on"])]

    def __str__(self) -> str:
        return f"lot {self.acquired_on} {self.units_remaining}/{self.units}"


class LotDisposal(TimeStampedModel):
    """Units of a lot taken by a redemption or switch out: the basis of realised gains and tax."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="disposals")
    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="disposals")
    units = models.DecimalField(**UNITS)
    cost = models.DecimalField(**MONEY)
    proceeds = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["transaction_id", "id"]

    def __str__(self) -> str:
        return f"{self.units} of lot {self.lot_id}"


class InvestorValuation(TimeStampedModel):
    """The investor's whole portfolio, precomputed: what the summary endpoint serves in one row.

    `version` grows with every refresh; it is the ETag of the summary and holdings."""

    investor = models.OneToOneField("accounts.Investor", on_delete=models.CASCADE, related_name="valuation")
    version = models.PositiveBigIntegerField(default=0)
    value = models.DecimalField(**MONEY, default=ZERO)
    invested = models.DecimalField(**MONEY, default=ZERO)
    realised_gain = models.DecimalField(**MONEY, default=ZERO)
    unrealised_gain = models.DecimalField(**MONEY, default=ZERO)
    dividends = models.DecimalField(**MONEY, default=ZERO)
    day_change = models.DecimalField(**MONEY, default=ZERO)
    xirr = models.DecimalField(max_digits=14, decimal_places=8, null=True, blank=True)
    nav_date = models.DateField(null=True, blank=True, help_text="latest NAV date among the holdings")
    holdings_count = models.PositiveIntegerField(default=0)
    folios_count = models.PositiveIntegerField(default=0)
    needs_review_count = models.PositiveIntegerField(default=0)
    allocation = models.JSONField(default=dict, blank=True)
    valued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["investor_id"]

    def __str__(self) -> str:
        return f"valuation of {self.investor_id} v{self.version}"


class BookSnapshot(TimeStampedModel):
    """A staff book's dashboard figures that take longer to build than a page may, precomputed after the
    nightly NAV import: its value and invested amount weekly over the year to `as_of` (`aum_points`:
    [[ISO day, value, invested], ...], Decimal strings). `scope` names the book: "all" (every investor) or
    "rm<staff id>" (a relationship manager's own)."""

    scope = models.CharField(max_length=40)
    as_of = models.DateField()
    aum_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["scope", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["scope", "as_of"], name="portfolio_booksnapshot_scope_day")]

    def __str__(self) -> str:
        return f"book {self.scope} as of {self.as_of}"


class Tombstone(models.Model):
    """Remembers what was deleted, so offline clients syncing with updated_since can drop it."""

    class Entity(models.TextChoices):
        HOLDING = "holding", "Holding"
        TRANSACTION = "transaction", "Transaction"
        IMPORT = "import", "CAS import"

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="+")
    entity = models.CharField(max_length=12, choices=Entity.choices)
    public_id = models.UUIDField()
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["investor", "entity", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.entity} {self.public_id} deleted"


class CasImport(PublicIdModel):
    """One uploaded CAS PDF and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PARSING = "parsing", "Reading the statement"
        MAPPING = "mapping", "Matching schemes"
        RECORDING = "recording", "Recording transactions"
        VALUING = "valuing", "Valuing the portfolio"
        FINISHED = "finished", "Finished"

    class Error(models.TextChoices):
        WRONG_PASSWORD = "wrong_password", "Wrong password"
        NOT_A_CAS = "not_a_cas", "Not a CAS"
        CORRUPT_PDF = "corrupt_pdf", "Corrupt PDF"
        TOO_LARGE = "too_large", "File too large"
        TOO_MANY_PAGES = "too_many_pages", "Too many pages"
        UNSUPPORTED = "unsupported_statement", "Unsupported statement"
        PAN_MISMATCH = "pan_mismatch", "Statement of someone else"
        INTERNAL = "internal_error", "Internal error"

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="cas_imports")
    uploaded_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="staff or self"
    )
    original_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # path relative to settings.PRIVATE_STORAGE_ROOT; emptied once the file is deleted
    stored_path = models.CharField(max_length=300, blank=True)
    password_encrypted = models.TextField(blank=True, help_text="Fernet token; wiped once parsed")

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.UPLOADED)
    percent = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=24, choices=Error.choices, blank=True)
    error_message = models.CharField(max_length=500, blank=True)

    statement_type = models.CharField(max_length=12, blank=True, help_text="DETAILED / SUMMARY / NSDL / CDSL")
    registrar = models.CharField(max_length=16, blank=True, help_text="CAMS / KFINTECH / NSDL / CDSL")
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    transactions_found = models.PositiveIntegerField(default=0)
    transactions_created = models.PositiveIntegerField(default=0)
    transactions_duplicate = models.PositiveIntegerField(default=0)
    schemes_found = models.PositiveIntegerField(default=0)
    schemes_unmapped = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True, help_text="schemes whose units differ from the closing")
    warnings = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="portfolio_casimport_percent_max_100"),
        ]
        indexes = [models.Index(fields=["investor", "updated_at"])]

    def __str__(self) -> str:
        return f"CAS import {self.public_id} ({self.status})"


class FamilyLink(PublicIdModel):
    """`owner` sees `member`'s portfolio once the member has accepted the request in their own session.
    Until then the owner is not shown the request at all (apps.portfolio.services.family). Unlinking (by
    either) revokes it at once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the member"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    owner = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="family_members")
    member = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="family_owners")
    relationship = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(owner=models.F("member")), name="portfolio_familylink_not_self"),
            models.UniqueConstraint(
                fields=["owner", "member"],
                condition=Q(status__in=["pending", "active"]),
                name="portfolio_familylink_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} -> {self.member_id} ({self.status})"
