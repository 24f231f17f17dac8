from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from tenants.services import distributor_suspend


class Command(BaseCommand):
    help = "Suspends a distributor: its hosts answer 503 until it is activated again."

    def add_arguments(self, parser):
        parser.add_argument("schema")
        parser.add_argument("--reason", default="", help="why (kept with the distributor and in the audit log)")

    def handle(self, *args, **opts):
        try:
            distributor_suspend(
                schema_name=opts["schema"], actor="manage.py suspend_distributor", reason=opts["reason"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Suspended {opts['schema']}."))
