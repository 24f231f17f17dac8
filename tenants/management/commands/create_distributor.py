import json

from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from tenants.services import distributor_create


class Command(BaseCommand):
    help = "Onboards a distributor: schema, domain(s), branding, owner account (prints a set-password link)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="schema name, e.g. alpha")
        parser.add_argument("--name", required=True, help="display name shown to investors")
        parser.add_argument(
            "--domain",
            action="append",
            required=True,
            dest="domains",
            help="host name; repeat for more (the first is primary)",
        )
        parser.add_argument("--arn", required=True, help="AMFI registration number, ARN-<digits>")
        parser.add_argument("--admin-email", required=True, help="the first owner's e-mail")
        parser.add_argument("--primary-color", default="#1F4E79")
        parser.add_argument("--accent-color", default="#F2A900")
        parser.add_argument("--legal-name", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--contact-phone", default="")
        parser.add_argument("--plan", default=None, help="plan code")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **opts):
        try:
            result = distributor_create(
                schema_name=opts["schema"],
                display_name=opts["name"],
                domains=opts["domains"],
                arn=opts["arn"],
                admin_email=opts["admin_email"],
                primary_color=opts["primary_color"],
                accent_color=opts["accent_color"],
                legal_name=opts["legal_name"],
                contact_email=opts["contact_email"],
                contact_phone=opts["contact_phone"],
                plan_code=opts["plan"],
                actor="manage.py create_distributor",
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        distributor = result.distributor
        extra = result.extras
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "schema": distributor.schema_name,
                        "domains": [d.domain for d in distributor.domains.all()],
                        "owner_email": result.owner_email,
                        "set_password_url": result.set_password_url,
                        **extra,
                    }
                )
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Created distributor {distributor.name} ({distributor.schema_name})."))
        self.stdout.write(f"Owner: {result.owner_email}")
        self.stdout.write(f"One-time set-password link: {result.set_password_url}")
        for key, value in extra.items():
            self.stdout.write(f"{key.replace('_', ' ').capitalize()}: {value}")
