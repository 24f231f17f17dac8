"""The outside systems and how we reach them (apps.core.http for every call): the exchanges (BSE StAR MF,
MF Utilities) with their rate limits and circuit breaker, the KRA for KYC, AMFI's NAV file. Defaults point
at the sandbox simulators on this machine (`make run`: port 8000 or $PORT); production sets every URL and
secret from the environment."""

from .environment import BASE_DIR, env
from .tenancy import PLATFORM_DOMAIN

# Gateways. Defaults point at the sandbox on this machine (`make run`: port 8000 or $PORT); production
# sets every URL and secret from the environment. The MFOrder WSDL is loaded from the order URL
# (?singleWsdl) unless BSE_STARMF_ORDER_WSDL names another place; the StarMFWebService WSDL is ours.
_ORDERS_SANDBOX = env("ORDERS_SANDBOX_BASE_URL", default=f"http://localhost:{env.int('PORT', default=8000)}/sandbox")
_BSE_ORDER_URL = env("BSE_STARMF_ORDER_URL", default=f"{_ORDERS_SANDBOX}/bse/MFOrderEntry/MFOrder.svc")
# Where the exchanges are. Who trades there is each distributor's own identity (configure_gateway).
ORDER_GATEWAYS = {
    "bse_starmf": {
        "BACKEND": "apps.orders.gateways.bse_starmf.gateway.BseStarMfGateway",
        "ORDER_URL": _BSE_ORDER_URL,
        "ORDER_WSDL": env("BSE_STARMF_ORDER_WSDL", default="") or f"{_BSE_ORDER_URL}?singleWsdl",
        "SERVICES_URL": env(
            "BSE_STARMF_SERVICES_URL", default=f"{_ORDERS_SANDBOX}/bse/StarMFWebService/StarMFWebService.svc/Basic"
        ),
        "SERVICES_WSDL": str(BASE_DIR / "apps/orders/gateways/bse_starmf/wsdl/StarMFWebService.wsdl"),
        "TIMEOUT": env.float("BSE_STARMF_TIMEOUT", default=20.0),
    },
    "mfu": {
        "BACKEND": "apps.orders.gateways.mfu.gateway.MfuGateway",
        "BASE_URL": env("MFU_BASE_URL", default=f"{_ORDERS_SANDBOX}/mfu"),
        # AES-256 key (base64) for reqBody / respBody; UNVERIFIED scheme, see apps/orders/gateways/mfu.
        # No default here: development and tests use the sandbox's (throwaway_secrets.py).
        "AES_KEY": env("MFU_AES_KEY", default=""),
        "VERSION": env("MFU_API_VERSION", default="1.0"),
        "TIMEOUT": env.float("MFU_TIMEOUT", default=20.0),
    },
}
ORDER_GATEWAY_DEFAULT = env("ORDER_GATEWAY_DEFAULT", default="bse_starmf")
# zeep and requests reach loopback and these hosts only (never a schemaLocation elsewhere)
ORDER_GATEWAY_ALLOWED_HOSTS = env.list("ORDER_GATEWAY_ALLOWED_HOSTS", default=[])
ORDER_GATEWAY_RATE_LIMITS = {
    "default": {"rate": 20.0, "burst": 20.0},
    "bse_starmf": {
        "rate": env.float("BSE_STARMF_RATE_PER_SECOND", default=20.0),
        "burst": env.float("BSE_STARMF_RATE_BURST", default=20.0),
    },
    "mfu": {"rate": env.float("MFU_RATE_PER_SECOND", default=10.0), "burst": env.float("MFU_RATE_BURST", default=10.0)},
}
ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT = env.float("ORDER_GATEWAY_RATE_LIMIT_MAX_WAIT", default=10.0)
ORDER_GATEWAY_CIRCUIT = {
    "threshold": env.int("ORDER_GATEWAY_CIRCUIT_THRESHOLD", default=5),
    "cooldown_seconds": env.float("ORDER_GATEWAY_CIRCUIT_COOLDOWN", default=30.0),
}

# --- KYC: the KRA's PAN-status service ---
KYC_PROVIDER = env("KYC_PROVIDER", default="apps.accounts.kyc.kra.provider.KraKycProvider")
KRA_BASE_URL = env("KRA_BASE_URL", default=f"http://{PLATFORM_DOMAIN}:{env.int('PORT', default=8000)}/sandbox/kra/")
KRA_USERNAME = env("KRA_USERNAME", default="")
KRA_PASSWORD = env("KRA_PASSWORD", default="")
KRA_POS_CODE = env("KRA_POS_CODE", default="SANDBOX")
KRA_TIMEOUT_SECONDS = env.float("KRA_TIMEOUT_SECONDS", default=5.0)
KRA_MAX_ATTEMPTS = env.int("KRA_MAX_ATTEMPTS", default=3)

# --- AMFI's daily NAV file (timeouts, retries with backoff on transient faults) ---
# BSE StAR MF's scheme master (BSE codes, minimums, allowed operations): a URL or a path. By default the
# sandbox BSE's, which lists every scheme of the AMFI master; production points it at BSE's file.
FUNDS_BSE_SCHEME_MASTER_URL = env("FUNDS_BSE_SCHEME_MASTER_URL", default=f"{_ORDERS_SANDBOX}/bse/SchemeMaster.txt")
FUNDS_AMFI_NAV_URL = env("FUNDS_AMFI_NAV_URL", default="https://portal.amfiindia.com/spages/NAVAll.txt")
FUNDS_HTTP_CONNECT_TIMEOUT = env.float("FUNDS_HTTP_CONNECT_TIMEOUT", default=10.0)
FUNDS_HTTP_READ_TIMEOUT = env.float("FUNDS_HTTP_READ_TIMEOUT", default=60.0)
FUNDS_HTTP_RETRIES = env.int("FUNDS_HTTP_RETRIES", default=3)
FUNDS_HTTP_BACKOFF_SECONDS = env.float("FUNDS_HTTP_BACKOFF_SECONDS", default=5.0)
FUNDS_HTTP_MAX_BYTES = env.int("FUNDS_HTTP_MAX_BYTES", default=64 * 1024 * 1024)
FUNDS_HTTP_USER_AGENT = env("FUNDS_HTTP_USER_AGENT", default="mfd-platform-nav-import/1.0")

# Investor notifications (apps/notifications): SMS through MSG91's Flow API, push through FCM HTTP v1.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
MSG91_BASE_URL = env("MSG91_BASE_URL", default=f"{_ORDERS_SANDBOX}/msg91")
MSG91_AUTH_KEY = env("MSG91_AUTH_KEY", default="")
MSG91_TEMPLATE_ID = env("MSG91_TEMPLATE_ID", default="")
MSG91_TIMEOUT = env.float("MSG91_TIMEOUT", default=10.0)
FCM_BASE_URL = env("FCM_BASE_URL", default=f"{_ORDERS_SANDBOX}/fcm")
# the service account JSON itself, or a path to it; empty: push is off
FCM_SERVICE_ACCOUNT = env("FCM_SERVICE_ACCOUNT", default="")
FCM_TIMEOUT = env.float("FCM_TIMEOUT", default=10.0)

# Registrar feeds (apps/reconciliation): each distributor's drop folder is RECON_DROP_ROOT/<schema>/.
RECON_DROP_ROOT = env("RECON_DROP_ROOT", default=str(BASE_DIR / ".data" / "rta-drop"))
