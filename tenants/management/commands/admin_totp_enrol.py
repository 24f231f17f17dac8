"""Enrols a platform staff member's authenticator app for the platform admin (/admin/ on the platform's host),
which asks for its code after the password (config/admin_site.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.totp_qr import qr_terminal, secret_grouped
from apps.core.audit import audit_record
from apps.users.models import User

DEVICE_NAME = "Platform admin authenticator"


class Command(BaseCommand):
    help = (
        "Sets up the platform admin's second factor for EMAIL (a platform staff account) and prints the QR code "
        "and key to add to an authenticator app. Refuses when one is set up, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--replace", action="store_true", help="remove the existing authenticator first")
        parser.add_argument("--no-qr", action="store_true", help="print the key and link only")

    def handle(self, *args, **opts):
        with schema_context(get_public_schema_name()), transaction.atomic():
            user = User.objects.filter(email__iexact=opts["email"].strip(), is_active=True, is_staff=True).first()
            if user is None:
                raise CommandError(f"No active platform staff account has the e-mail {opts['email']}.")
            existing = TOTPDevice.objects.select_for_update().filter(user=user)
            if existing.exists() and not opts["replace"]:
                raise CommandError("An authenticator is already set up for this account; use --replace to change it.")
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
            audit_record(action="admin.totp_enrolled", actor_label="manage.py admin_totp_enrol", target=user)
        uri = device.config_url
        secret = uri.split("secret=", 1)[1].split("&", 1)[0]
        if not opts["no_qr"]:
            self.stdout.write(qr_terminal(uri))
        self.stdout.write(f"Key (time-based, 6 digits, 30 seconds): {secret_grouped(secret)}")
        self.stdout.write(f"Link: {uri}")
        self.stdout.write(
            self.style.SUCCESS(f"Authenticator set up for {user.email}: the admin now asks for its code.")
        )
