from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from tenants.services import distributor_activate


class Command(BaseCommand):
    help = "Activates a suspended distributor."

    def add_arguments(self, parser):
        parser.add_argument("schema")

    def handle(self, *args, **opts):
        try:
            distributor_activate(schema_name=opts["schema"], actor="manage.py activate_distributor")
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Activated {opts['schema']}."))
