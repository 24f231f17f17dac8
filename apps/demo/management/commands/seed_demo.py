from django.core.management.base import BaseCommand

from apps.demo.registry import seed_all


class Command(BaseCommand):
    help = "Seeds the demo (idempotent): platform host, two branded distributors, their data."

    def handle(self, *args, **opts):
        seed_all(log=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
