"""What the three import commands share: PATH_OR_URL, --json, a summary, and a non-zero exit on refusal."""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.funds.importers.base import ImportRefused, run_summary
from apps.funds.models import ImportRun
from apps.funds.sources import SourceUnavailable


class ImportCommand(BaseCommand):
    service: Callable[..., ImportRun]
    source_help = "path or http(s) URL of the file"
    # the setting that names the source when none is given (None: a source must be given)
    source_setting: str | None = None

    def add_arguments(self, parser):
        if self.source_setting:
            parser.add_argument(
                "source", metavar="PATH_OR_URL", nargs="?", help=f"{self.source_help}; default: {self.source_setting}"
            )
        else:
            parser.add_argument("source", metavar="PATH_OR_URL", help=self.source_help)
        parser.add_argument("--json", action="store_true", help="print the run's counts as one JSON object")

    def handle(self, *args, source: str, json: bool = False, **options):
        actor = f"manage.py {self.__module__.rsplit('.', 1)[-1]}"
        source = source or getattr(settings, self.source_setting or "", "")
        if not source:
            raise CommandError("Name the file to import.")
        try:
            run = self.service(source=source, actor_label=actor)
        except (ImportRefused, SourceUnavailable) as exc:
            if json and exc.run is not None:
                self._print_json(run_summary(exc.run))
            raise CommandError(exc.message) from None
        if json:
            self._print_json(run_summary(run))
        else:
            self._print_text(run)

    def _print_json(self, payload: dict) -> None:
        self.stdout.write(json_dumps(payload))

    def _print_text(self, run: ImportRun) -> None:
        report = run.report
        self.stdout.write(self.style.SUCCESS(f"{run.get_kind_display()} from {run.source}: {run.layout}"))
        for entity in ("amcs", "schemes", "codes", "navs"):
            if entity in report:
                counts = report[entity]
                self.stdout.write(
                    f"  {entity:8} inserted {counts['inserted']:>7}  updated {counts['updated']:>7}  "
                    f"unchanged {counts['unchanged']:>7}"
                )
        for reason, detail in report.get("skipped_reasons", {}).items():
            self.stdout.write(f"  skipped  {detail['count']:>7}  {reason} (lines {_lines(detail['lines'])})")
        for reason, detail in report.get("warnings", {}).items():
            self.stdout.write(f"  warning  {detail['count']:>7}  {reason} (lines {_lines(detail['lines'])})")
        contradictions = report.get("contradictions", [])
        if contradictions:
            self.stdout.write(self.style.WARNING(f"  {len(contradictions)} contradictions (kept the stored value):"))
            for item in contradictions:
                self.stdout.write(
                    f"    line {item['line']} AMFI {item['amfi_code']} {item['field']}: "
                    f"stored {item['stored']}, file {item['file']}"
                )
        if run.is_stale:
            self.stdout.write(
                self.style.WARNING(f"  stale: newest NAV {run.nav_date}, expected {run.expected_nav_date}")
            )


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10])
    return shown + (", ..." if len(lines) > 10 else "")


def json_dumps(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True)
