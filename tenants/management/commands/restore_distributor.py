from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.backups import BackupError, distributor_restore


class Command(BaseCommand):
    help = "Recreates a distributor (schema, distributor row, domains, branding) from backup_distributor's file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a file written by backup_distributor")

    def handle(self, *args, **opts):
        try:
            distributor = distributor_restore(path=opts["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{distributor.schema_name}: restored ({distributor.name})")
