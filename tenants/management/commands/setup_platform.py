"""Run after each release: migrations of every schema, the tenant template and its spares, the cache
table. `--demo` also seeds the demo through the demo app's `seed_demo` command; the demo app is installed
by the development and test settings only, so production cannot seed demo data by mistake."""

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tenants.schema_template import spare_schemas_replenish, template_schema_ensure


class Command(BaseCommand):
    help = "Brings the database up to date: migrations of every schema, the tenant template and its spares, the cache."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also seed the demo data (idempotent)")

    def handle(self, *args, **opts):
        if opts["demo"] and not apps.is_installed("apps.demo"):
            raise CommandError("--demo needs the demo app (apps.demo), which these settings do not install.")
        quiet = max(0, opts["verbosity"] - 1)
        # tenant schemas migrate in parallel (settings.TENANT_MIGRATION_EXECUTOR)
        call_command("migrate_schemas", interactive=False, verbosity=quiet, executor=settings.TENANT_MIGRATION_EXECUTOR)
        template_schema_ensure(verbosity=quiet)
        spare_schemas_replenish()
        if not settings.REDIS_URL:
            call_command("createcachetable", verbosity=quiet)
        if opts["demo"]:
            call_command("seed_demo")
