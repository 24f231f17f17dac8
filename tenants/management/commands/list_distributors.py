import json

from django.core.management.base import BaseCommand

from tenants.selectors import distributor_list


class Command(BaseCommand):
    help = "Lists distributors with their status and domains."

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=["active", "suspended"])
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        rows = [
            {
                "schema": d.schema_name,
                "name": d.name,
                "arn": d.arn,
                "status": d.status,
                "domains": [dom.domain for dom in d.domains.all()],
                "created_at": d.created_at.isoformat(),
            }
            for d in distributor_list(status=opts["status"])
        ]
        if opts["json"]:
            self.stdout.write(json.dumps(rows))
            return
        if not rows:
            self.stdout.write("No distributors.")
        for row in rows:
            domains = ", ".join(row["domains"])
            self.stdout.write(f"{row['schema']:<20} {row['status']:<10} {row['arn']:<14} {row['name']:<30} {domains}")
