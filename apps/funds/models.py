"""Fund reference data, one copy in the public schema for every distributor."""

from decimal import Decimal

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
        IDCW_PAYOUT = "idcw_payout", "IDCW payout"
        IDCW_REINVEST = "idcw_reinvest", "IDCW reinvestment"
        UNKNOWN = "unknown", "Unknown"

    class AssetClass(models.TextChoices):
        """For tax: equity-oriented (>= 65% domestic equity), debt, hybrid, other (FoF, gold, international)."""

        EQUITY = "equity", "Equity-oriented"
        DEBT = "debt", "Debt"
        HYBRID = "hybrid", "Hybrid"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    amfi_code = models.CharField("AMFI code", max_length=12, unique=True)
    isin_growth = models.CharField("ISIN (growth / IDCW payout)", max_length=12, blank=True, db_index=True)
    isin_reinvest = models.CharField("ISIN (IDCW reinvestment)", max_length=12, blank=True, db_index=True)
    name = models.CharField(max_length=300)
    amc = models.ForeignKey(Amc, on_delete=models.PROTECT, related_name="schemes", null=True, blank=True)
    category = models.CharField("SEBI category", max_length=120, blank=True, db_index=True)
    sub_category = models.CharField("SEBI sub-category", max_length=120, blank=True, db_index=True)
    plan = models.CharField(max_length=10, choices=Plan.choices, default=Plan.UNKNOWN, db_index=True)
    option = models.CharField(max_length=16, choices=Option.choices, default=Option.UNKNOWN, db_index=True)
    asset_class = models.CharField(max_length=10, choices=AssetClass.choices, default=AssetClass.UNKNOWN, db_index=True)
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

    def __str__(self) -> str:
        return f"{self.name} ({self.amfi_code})"


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

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="codes")
    source = models.CharField(max_length=10, choices=Source.choices)
    code = models.CharField(max_length=40)

    class Meta:
        ordering = ["source", "code"]
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="funds_schemecode_source_code_unique")]
        indexes = [models.Index(fields=["scheme", "source"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.code}"


class NavHistory(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="navs")
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

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"
