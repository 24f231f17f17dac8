"""Business rules per domain that deployments may tune: funds, orders, portfolio, branding."""

from .environment import env

# --- Funds (apps.funds) ---
# A trading day's NAVs are due by this time (IST); an import after it without them is flagged stale.
FUNDS_NAV_DEADLINE_IST = env("FUNDS_NAV_DEADLINE_IST", default="23:00")
# Fund API responses: cached by the catalogue version (bumped by imports), and client caching.
FUNDS_API_CACHE_SECONDS = env.int("FUNDS_API_CACHE_SECONDS", default=6 * 3600)
FUNDS_API_MAX_AGE = env.int("FUNDS_API_MAX_AGE", default=300)
FUNDS_NAV_HISTORY_MAX_DAYS = env.int("FUNDS_NAV_HISTORY_MAX_DAYS", default=3700)
# Apps told which schemes got new NAVs (inside the import's transaction) so precomputed valuations refresh.
FUNDS_NAVS_CHANGED_HOOKS = ["apps.portfolio.services.valuation.valuations_refresh_schedule"]

# --- Accounts (apps.accounts) ---
# Pending and on-hold KYC is asked again this often (per tenant).
KYC_RECHECK_AFTER_SECONDS = env.int("KYC_RECHECK_AFTER_SECONDS", default=6 * 3600)

# --- Orders (apps.orders) ---
# An attempt whose outcome is unknown is looked up at the exchange no sooner than this after it was sent,
# and is taken as absent (safe to send again under a new TransNo) only when the query ran this late.
ORDERS_UNKNOWN_SETTLE_SECONDS = env.float("ORDERS_UNKNOWN_SETTLE_SECONDS", default=30.0)
ORDERS_OUTBOX_LEASE_SECONDS = env.int("ORDERS_OUTBOX_LEASE_SECONDS", default=120)
ORDERS_OUTBOX_STUCK_SECONDS = env.int("ORDERS_OUTBOX_STUCK_SECONDS", default=60)
ORDERS_OUTBOX_MAX_ATTEMPTS = env.int("ORDERS_OUTBOX_MAX_ATTEMPTS", default=12)
ORDERS_RETRY_BASE_SECONDS = env.float("ORDERS_RETRY_BASE_SECONDS", default=2.0)
ORDERS_RETRY_MAX_SECONDS = env.float("ORDERS_RETRY_MAX_SECONDS", default=300.0)
ORDERS_POLL_BATCH = env.int("ORDERS_POLL_BATCH", default=200)
# A SIP instalment with no order this many trading days after its due date is recorded as missed.
SIPS_MISSED_AFTER_TRADING_DAYS = env.int("SIPS_MISSED_AFTER_TRADING_DAYS", default=3)
ORDERS_IDEMPOTENCY_HOURS = env.int("ORDERS_IDEMPOTENCY_HOURS", default=72)
ORDERS_IDEMPOTENCY_LOCK_SECONDS = env.int("ORDERS_IDEMPOTENCY_LOCK_SECONDS", default=60)
# Free units for redemptions and switches come from the portfolio ledger through this selector.
ORDERS_FREE_UNITS_SELECTOR = env(
    "ORDERS_FREE_UNITS_SELECTOR", default="apps.orders.selectors.free_units_from_portfolio"
)
ORDERS_PAYMENT_RETURN_URL = env("ORDERS_PAYMENT_RETURN_URL", default="")
# The most one order, SIP instalment or mandate may be for (rupees; ₹10,00,00,000), and the most units one
# redemption or switch may name. Amounts and units are taken as plain ASCII decimals only (apps.core.fields).
ORDERS_MAX_AMOUNT = env("ORDERS_MAX_AMOUNT", default="100000000.00")
ORDERS_MAX_UNITS = env("ORDERS_MAX_UNITS", default="10000000.0000")

# --- Portfolio (apps.portfolio) ---
# CAS uploads: size and page limits; files live under PRIVATE_STORAGE_ROOT/cas/<schema>/ until parsed.
CAS_UPLOAD_MAX_BYTES = env.int("CAS_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CAS_UPLOAD_MAX_PAGES = env.int("CAS_UPLOAD_MAX_PAGES", default=60)

# --- Branding (tenants, the portal's branding page) ---
PORTAL_LOGO_MAX_BYTES = env.int("PORTAL_LOGO_MAX_BYTES", default=512 * 1024)

# --- Reports (apps.reports) ---
# The signed download link of a PDF statement works this long; statements are kept this long.
REPORTS_STATEMENT_LINK_SECONDS = env.int("REPORTS_STATEMENT_LINK_SECONDS", default=10 * 60)
REPORTS_STATEMENT_RETENTION_DAYS = env.int("REPORTS_STATEMENT_RETENTION_DAYS", default=30)
