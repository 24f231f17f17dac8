from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from tenants.services import domain_add


class Command(BaseCommand):
    help = "Adds a host name to a distributor."

    def add_arguments(self, parser):
        parser.add_argument("schema")
        parser.add_argument("domain")
        parser.add_argument("--primary", action="store_true", help="make it the primary domain")

    def handle(self, *args, **opts):
        try:
            domain = domain_add(
                schema_name=opts["schema"], domain=opts["domain"], primary=opts["primary"], actor="manage.py add_domain"
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"Added {domain.domain} to {opts['schema']}."))
