"""Throwaway secrets for development and tests: the credentials the sandbox simulators accept (apps.sandbox).
dev.py and test.py import this; production does not, so there every secret comes from the environment and
config/settings/safety.py refuses what is missing. A value set in the environment still wins."""

from .gateways import KRA_PASSWORD, KRA_USERNAME, MSG91_AUTH_KEY, MSG91_TEMPLATE_ID, ORDER_GATEWAYS
from .sandbox import SANDBOX_BSE_PASSWORD, SANDBOX_MFU_PASSWORD

ORDER_GATEWAYS["mfu"]["AES_KEY"] = ORDER_GATEWAYS["mfu"]["AES_KEY"] or "c2FuZGJveC1vbmx5LWtleS0zMi1ieXRlcy1sb25nISE="
KRA_USERNAME = KRA_USERNAME or "sandbox"
KRA_PASSWORD = KRA_PASSWORD or "sandbox"
MSG91_AUTH_KEY = MSG91_AUTH_KEY or "sandbox-only"
MSG91_TEMPLATE_ID = MSG91_TEMPLATE_ID or "sandbox-template"
SANDBOX_BSE_PASSWORD = SANDBOX_BSE_PASSWORD or "sandbox-only"
SANDBOX_MFU_PASSWORD = SANDBOX_MFU_PASSWORD or "sandbox-only"
