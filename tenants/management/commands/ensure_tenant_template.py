from django.core.management.base import BaseCommand

from tenants.schema_template import template_schema_ensure


class Command(BaseCommand):
    help = "Creates or migrates the template schema new distributors are cloned from."

    def handle(self, *args, **opts):
        changed = template_schema_ensure(verbosity=max(0, opts["verbosity"] - 1))
        self.stdout.write("Template schema migrated." if changed else "Template schema is up to date.")
