"""Sets a distributor's own identity at an exchange. The password is read from an environment variable
(--password-env) or standard input (--password-stdin), never from the command line, where it would
stay in the shell history and the process list."""

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from apps.core.exceptions import ApplicationError
from apps.orders.services.exchange_identity import (
    PRIMARY_OPERATIONS,
    exchange_connection_test,
    exchange_identity_set,
)
from tenants.models import Distributor


class Command(BaseCommand):
    help = "Sets a distributor's BSE StAR MF or MF Utilities identity (and optionally its primary rail)."

    def add_arguments(self, parser):
        parser.add_argument("schema", help="the distributor's schema name")
        parser.add_argument("--gateway", required=True, choices=["bse_starmf", "mfu"])
        parser.add_argument("--member-id", help="BSE member code")
        parser.add_argument("--user-id", help="BSE user id (member code + user number)")
        parser.add_argument("--entity-id", help="MFU entity id")
        parser.add_argument("--username", help="MFU user name")
        parser.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        parser.add_argument(
            "--primary-for", default="", help=f"comma-separated operations ({', '.join(PRIMARY_OPERATIONS)})"
        )
        parser.add_argument("--test", action="store_true", help="sign in to the exchange afterwards")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def _password(self, opts) -> str:
        if opts["password_env"]:
            value = os.environ.get(opts["password_env"], "")
            if not value:
                raise CommandError(f"The environment variable {opts['password_env']} is empty or unset.")
            return value
        if opts["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        return ""  # keeps the stored password

    def handle(self, *args, **opts):
        distributor = Distributor.objects.distributors().filter(schema_name=opts["schema"]).first()
        if distributor is None:
            raise CommandError(f"No distributor with schema {opts['schema']!r}.")
        bse = opts["gateway"] == "bse_starmf"
        account_id = (opts["member_id"] if bse else opts["entity_id"]) or ""
        login_id = (opts["user_id"] if bse else opts["username"]) or ""
        primary = tuple(op.strip() for op in opts["primary_for"].split(",") if op.strip())
        with tenant_context(distributor):
            try:
                exchange_identity_set(
                    gateway=opts["gateway"], account_id=account_id, login_id=login_id,
                    password=self._password(opts), primary_for=primary or None,
                    actor_label="manage.py configure_gateway",
                )  # fmt: skip
            except ApplicationError as exc:
                field = exc.extra.get("field", "")
                raise CommandError(f"{exc.message} ({field})" if field else exc.message) from None
            result = exchange_connection_test(gateway=opts["gateway"]) if opts["test"] else None
        outcome = {"schema": distributor.schema_name, "gateway": opts["gateway"], "account_id": account_id,
                   "login_id": login_id, "primary_for": list(primary),
                   "connection": None if result is None else {"ok": result.ok, "message": result.message}}  # fmt: skip
        if opts["json"]:
            self.stdout.write(json.dumps(outcome))
        else:
            self.stdout.write(self.style.SUCCESS(f"{distributor.schema_name}: {opts['gateway']} identity set."))
            if result is not None:
                style = self.style.SUCCESS if result.ok else self.style.ERROR
                self.stdout.write(style(f"Connection test: {result.message}"))
        if result is not None and not result.ok:
            raise CommandError("The exchange refused the login.")
