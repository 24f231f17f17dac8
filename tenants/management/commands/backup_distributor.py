from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.backups import BackupError, distributor_backup


class Command(BaseCommand):
    help = "Writes one distributor's schema and its public rows (distributor, domains, branding) to a file."

    def add_arguments(self, parser):
        parser.add_argument("schema", help="the distributor's schema name")
        parser.add_argument("path", type=Path, help="the backup file to write (a tar archive)")

    def handle(self, *args, **opts):
        try:
            result = distributor_backup(schema_name=opts["schema"], path=opts["path"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.schema_name}: {result.tables} tables written to {result.path}")
