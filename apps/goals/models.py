"""An investor's goals and what is set aside for them: holdings (a share of each) and SIPs linked to a goal.

Projections are computed when asked (apps.goals.projection), never stored: they move with every NAV."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}

# Long-run assumptions a distributor would show by default; the investor can change them per goal.
DEFAULT_INFLATION = Decimal("6.00")
DEFAULT_RETURNS = {
    "equity": Decimal("12.00"),
    "hybrid": Decimal("9.50"),
    "debt": Decimal("7.00"),
    "other": Decimal("8.00"),
}


class Goal(PublicIdModel):
    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=100)
    target_amount = models.DecimalField(**MONEY, help_text="in today's money")
    target_date = models.DateField()
    inflation = models.DecimalField(**PERCENT, default=DEFAULT_INFLATION, help_text="percent a year")
    return_equity = models.DecimalField(**PERCENT, default=DEFAULT_RETURNS["equity"])
    return_hybrid = models.DecimalField(**PERCENT, default=DEFAULT_RETURNS["hybrid"])
    return_debt = models.DecimalField(**PERCENT, default=DEFAULT_RETURNS["debt"])
    return_other = models.DecimalField(**PERCENT, default=DEFAULT_RETURNS["other"])

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(target_amount__gt=0), name="goals_goal_target_positive"),
            models.CheckConstraint(condition=Q(inflation__gte=0) & Q(inflation__lte=30), name="goals_goal_inflation"),
            models.CheckConstraint(
                condition=Q(return_equity__gte=-50, return_equity__lte=50)
                & Q(return_hybrid__gte=-50, return_hybrid__lte=50)
                & Q(return_debt__gte=-50, return_debt__lte=50)
                & Q(return_other__gte=-50, return_other__lte=50),
                name="goals_goal_returns_in_range",
            ),
        ]
        indexes = [models.Index(fields=["investor", "target_date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.target_date})"

    def expected_return(self, asset_class: str) -> Decimal:
        return {
            "equity": self.return_equity,
            "hybrid": self.return_hybrid,
            "debt": self.return_debt,
        }.get(asset_class, self.return_other)


class GoalLink(PublicIdModel):
    """A share of a holding, or of a SIP's instalments, set aside for a goal. The shares of one holding (or
    SIP) across goals add up to at most 100% (apps.goals.services checks it under a row lock)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="links")
    holding = models.ForeignKey("portfolio.Holding", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sip = models.ForeignKey("orders.SipRegistration", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    share = models.DecimalField(**PERCENT, default=Decimal("100"), help_text="percent of the holding or SIP")

    class Meta:
        ordering = ["goal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(holding__isnull=False) & Q(sip__isnull=True))
                | (Q(holding__isnull=True) & Q(sip__isnull=False)),
                name="goals_link_holding_xor_sip",
            ),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=100), name="goals_link_share_range"),
            models.UniqueConstraint(fields=["goal", "holding"], name="goals_link_goal_holding"),
            models.UniqueConstraint(fields=["goal", "sip"], name="goals_link_goal_sip"),
        ]

    def __str__(self) -> str:
        return f"{self.share}% of {self.holding_id or self.sip_id} for goal {self.goal_id}"
