"""Read selectors of the portfolio app."""

from apps.portfolio.selectors.holdings import units_free_for_redemption

__all__ = ["units_free_for_redemption"]
