"""Fund reference data, one copy in the public schema for every distributor."""

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models

from apps.core.models import TimeStampedModel


class Amc(TimeStampedModel):
    """An asset management company (fund house)."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AMC"

    def __str__(self) -> str:
        return self.name


class Scheme(TimeStampedModel):
    """One plan-option of a mutual-fund scheme as AMFI lists it (its AMFI code is its identity)."""

    class Plan(models.TextChoices):
        DIRECT = "direct", "Direct"
        REGULAR = "regular", "Regular"
        UNKNOWN = "unknown", "Unknown"

    class Option(models.TextChoices):
        GROWTH = "growth", "Growth"
        # AMFI often lists one code for an IDCW option with both a payout and a reinvestment ISIN, and
        # names it only "IDCW": the facility is then chosen by ISIN, not by the code.
        IDCW = "idcw", "IDCW (payout / reinvestment not stated)"
        IDCW_PAYOUT = "idcw_payout", "IDCW payout"
        IDCW_REINVEST = "idcw_reinvest", "IDCW reinvestment"
        BONUS = "bonus", "Bonus"
        UNKNOWN = "unknown", "Unknown"

    class AssetClass(models.TextChoices):
        """For tax: equity-oriented (>= 65% domestic equity), debt, hybrid, other (FoF, gold, international)."""

        EQUITY = "equity", "Equity-oriented"
        DEBT = "debt", "Debt"
        HYBRID = "hybrid", "Hybrid"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    amfi_code = models.CharField("AMFI code", max_length=12, unique=True)
    # Indexed in Meta.indexes (plain btree: ISINs are looked up by equality, never by LIKE prefix).
    isin_growth = models.CharField("ISIN (growth / IDCW payout)", max_length=12, blank=True)
    isin_reinvest = models.CharField("ISIN (IDCW reinvestment)", max_length=12, blank=True)
    name = models.CharField(max_length=300)
    amc = models.ForeignKey(Amc, on_delete=models.PROTECT, related_name="schemes", null=True, blank=True)
    # Not indexed: a handful of values over ~15k rows (and case-insensitive filters), where an index costs
    # every import more than it saves a query.
    category = models.CharField("SEBI category", max_length=120, blank=True)
    sub_category = models.CharField("SEBI sub-category", max_length=120, blank=True)
    plan = models.CharField(max_length=10, choices=Plan.choices, default=Plan.UNKNOWN)
    option = models.CharField(max_length=16, choices=Option.choices, default=Option.UNKNOWN)
    asset_class = models.CharField(max_length=10, choices=AssetClass.choices, default=AssetClass.UNKNOWN)
    # Set by platform staff when the category misleads (a fund's tax class follows its portfolio); the
    # importers never touch it. Blank: the asset class above decides.
    tax_asset_class_override = models.CharField(
        "asset class for tax (override)",
        max_length=10,
        choices=AssetClass.choices,
        blank=True,
        default="",
        db_default="",  # the importers' bulk inserts name only the columns they know
        help_text="Overrides the asset class for capital gains; leave blank to follow the category.",
    )
    is_liquid = models.BooleanField(default=False, help_text="Liquid or overnight: 1:30 pm purchase cut-off")
    is_open_ended = models.BooleanField(default=True)
    lock_in_days = models.PositiveIntegerField(default=0, help_text="e.g. 1095 for ELSS")

    min_purchase = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    min_additional = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    purchase_multiple = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    min_sip = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    sip_multiple = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    min_redemption_units = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    purchase_allowed = models.BooleanField(default=True)
    redemption_allowed = models.BooleanField(default=True)
    sip_allowed = models.BooleanField(default=True)
    switch_allowed = models.BooleanField(default=True)

    # Denormalised latest NAV, kept by the NAV importers, so lists and valuations need no join.
    # moved by every daily import: the table keeps half of each page free (fillfactor, migration 0005) so the
    # new row versions are heap-only and no index is written; an index on either column would undo that
    latest_nav = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    latest_nav_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest_nav__isnull=True) | models.Q(latest_nav__gt=0),
                name="funds_scheme_latest_nav_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["isin_growth"], name="funds_scheme_isin_growth"),
            models.Index(fields=["isin_reinvest"], name="funds_scheme_isin_reinvest"),
            # Full-text search on the name (apps/funds/search.py builds the same expression). Built-in
            # Postgres, no extension: the embedded server has no pg_trgm.
            GinIndex(SearchVector("name", config="simple"), name="funds_scheme_name_fts"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.amfi_code})"

    @property
    def tax_asset_class(self) -> str:
        """The asset class capital gains are computed by: the staff override, else the category's."""
        return self.tax_asset_class_override or self.asset_class


class SchemeCode(TimeStampedModel):
    """Every identifier a scheme is known by. Unique per source: one BSE code names one scheme."""

    class Source(models.TextChoices):
        ISIN = "isin", "ISIN"
        AMFI = "amfi", "AMFI code"
        BSE = "bse", "BSE scheme code"
        BSE_RTA = "bse_rta", "BSE RTA scheme code"
        CAMS = "cams", "CAMS product code"
        KFINTECH = "kfintech", "KFintech product code"
        AMC = "amc", "AMC scheme code"
        MFU = "mfu", "MFU scheme code"

    # no index of its own: the (scheme, source) index serves lookups by scheme
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="codes", db_index=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    code = models.CharField(max_length=40)

    class Meta:
        ordering = ["source", "code"]
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="funds_schemecode_source_code_unique")]
        indexes = [models.Index(fields=["scheme", "source"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.code}"


class NavHistory(models.Model):
    # no index of its own: the (scheme, date) unique index serves every lookup by scheme
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="navs", db_index=False)
    date = models.DateField()
    nav = models.DecimalField(max_digits=20, decimal_places=8)

    class Meta:
        ordering = ["scheme_id", "-date"]
        verbose_name_plural = "NAV history"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "date"], name="funds_navhistory_scheme_date_unique"),
            models.CheckConstraint(condition=models.Q(nav__gt=Decimal("0")), name="funds_navhistory_nav_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.date} {self.nav}"


class TradingHoliday(TimeStampedModel):
    """Days the exchanges do not trade: no NAV date falls on them (order cut-off rules skip them)."""

    date = models.DateField(unique=True)
    description = models.CharField(max_length=200)
    is_demo = models.BooleanField(
        default=False, help_text="Generated by the demo seed, not taken from an exchange circular"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"


class ImportRun(TimeStampedModel):
    """One run of an importer over one file: what it read, what it changed and what it refused. Written in
    the import's own transaction when it succeeds, and after the rollback when it fails."""

    class Kind(models.TextChoices):
        AMFI_NAVS = "amfi_navs", "AMFI daily NAVs"
        AMFI_NAV_HISTORY = "amfi_nav_history", "AMFI NAV history"
        BSE_SCHEME_MASTER = "bse_scheme_master", "BSE scheme master"
        DEMO = "demo", "Demo fund universe"

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        REFUSED = "refused", "Refused (not a valid file)"
        FAILED = "failed", "Failed (source unavailable or error)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=500, help_text="path or URL the file came from")
    layout = models.CharField(max_length=30, blank=True, help_text="file layout recognised from its header")
    content_sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="rows not recorded; reasons in the report")
    nav_date = models.DateField(null=True, blank=True, help_text="latest NAV date in the file")
    expected_nav_date = models.DateField(null=True, blank=True, help_text="latest trading day past its deadline")
    is_stale = models.BooleanField(default=False, help_text="the file lacks the expected trading day's NAVs")
    error = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="funds_importrun_kind_started")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def changed(self) -> bool:
        return self.status == self.Status.SUCCEEDED and bool(self.report.get("changed"))
