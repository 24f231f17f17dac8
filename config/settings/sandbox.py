"""The sandbox simulators of BSE StAR MF, MF Utilities and a KRA (apps.sandbox): never in production."""

from .environment import env

SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)
# Sandbox simulators (BSE StAR MF, MFU): credentials they accept and how fast they move.
# (empty outside development and tests: throwaway_secrets.py)
SANDBOX_BSE_PASSWORD = env("SANDBOX_BSE_PASSWORD", default="")
SANDBOX_MFU_PASSWORD = env("SANDBOX_MFU_PASSWORD", default="")
SANDBOX_AUTO_PAY_SECONDS = env.float("SANDBOX_AUTO_PAY_SECONDS", default=20.0)  # negative: never
SANDBOX_ALLOTMENT_DELAY_SECONDS = env.float("SANDBOX_ALLOTMENT_DELAY_SECONDS", default=40.0)
SANDBOX_MANDATE_APPROVAL_SECONDS = env.float("SANDBOX_MANDATE_APPROVAL_SECONDS", default=30.0)
# the KRA simulator's "slow answer" fault (PANs with digits 9408)
SANDBOX_KRA_SLOW_SECONDS = env.float("SANDBOX_KRA_SLOW_SECONDS", default=8.0)
