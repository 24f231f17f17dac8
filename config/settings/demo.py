"""The demo (`make run`, tests): the demo app and its seeders. Development and test settings import this;
production settings do not, so production neither installs apps.demo nor can seed demo data."""

from .environment import env
from .tenancy import INSTALLED_APPS, SHARED_APPS

SHARED_APPS = [*SHARED_APPS, "apps.demo"]
INSTALLED_APPS = [*INSTALLED_APPS, "apps.demo"]
# Seeders run in this order; each is idempotent (apps/demo/registry.py). The fund universe comes right
# after the distributors: later seeders place orders in its schemes.
DEMO_SEEDERS = [
    "apps.demo.seeders.distributors",
    "apps.demo.seeders.funds",
    "apps.demo.seeders.accounts",
    # demo portfolios from generated CAS PDFs; needs the demo investors (accounts) and fund universe (funds)
    "apps.demo.seeders.portfolio",
    "apps.demo.seeders.orders",
    # a distributor's book: RMs, families, past CAS imports, SIPs with instalments, orders in every state
    "apps.demo.seeders.book",
]
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-pass-2026")
