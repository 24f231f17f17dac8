"""Imports one registrar feed file (as mailed: DBF, XLS, XLSX, CSV, pipe-separated, or a ZIP of one) for
a distributor and reconciles it. --json prints the counts per outcome and the discrepancies with causes."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from apps.reconciliation.feeds.containers import FeedRefused
from apps.reconciliation.models import RtaFeed
from apps.reconciliation.selectors import discrepancy_as_dict
from apps.reconciliation.services.imports import feed_import
from tenants.models import Distributor


class Command(BaseCommand):
    help = "Imports and reconciles a CAMS or KFintech feed file for a distributor."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--distributor", required=True, metavar="SCHEMA")
        parser.add_argument("--password", default="", help="the ZIP file's password, as mailed")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        distributor = Distributor.objects.distributors().filter(schema_name=opts["distributor"]).first()
        if distributor is None:
            raise CommandError(f"No distributor with schema {opts['distributor']!r}.")
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        with tenant_context(distributor):
            try:
                result = feed_import(content=path.read_bytes(), filename=path.name, password=opts["password"],
                                     source=RtaFeed.Source.COMMAND)  # fmt: skip
            except FeedRefused as exc:
                if opts["json"]:
                    self.stdout.write(json.dumps({"refused": True, "code": exc.code, "reason": exc.message}))
                raise CommandError(f"Refused ({exc.code}): {exc.message}") from None
            feed = result.feed
            report = {
                "feed": str(feed.public_id), "registrar": feed.registrar, "layout": feed.layout,
                "container": feed.container, "rows": feed.rows, "rows_new": feed.rows_new,
                "duplicate": result.duplicate, "outcomes": result.outcomes, "folios_linked": result.folios_linked,
                "discrepancies": [discrepancy_as_dict(d) for d in result.discrepancies],
            }  # fmt: skip
        if opts["json"]:
            self.stdout.write(json.dumps(report, default=str))
            return
        verb = "already imported" if result.duplicate else "imported"
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {feed.layout} ({feed.container}) {verb}, {feed.rows} rows"))
        for outcome, count in sorted(result.outcomes.items()):
            self.stdout.write(f"  {outcome}: {count}")
        for item in report["discrepancies"]:
            self.stdout.write(f"  ! {item['cause']} [{item['status']}] {item['detail']}")
