"""The staff TOTP device moved from the portal to identity without moving its table: a device enrolled
before the move (a row the portal wrote into portal_stafftotpdevice, its secret under the older key)
still verifies, and the two migrations of the move run no SQL."""

import base64
import hashlib
import io
import time

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts import totp
from apps.accounts.models import StaffTotpDevice
from apps.accounts.services import staff_auth
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_model_keeps_the_portal_table():
    assert StaffTotpDevice._meta.db_table == "portal_stafftotpdevice"


def test_a_device_enrolled_before_the_move_still_verifies(tenant_alpha, settings):
    settings.PORTAL_TOTP_KEY = "an-older-portal-key"
    older = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"portal-totp-secret:an-older-portal-key").digest()))
    member = make_staff(tenant_alpha, role="owner")
    with tenant_context(tenant_alpha), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_stafftotpdevice (created_at, updated_at, user_id, secret_encrypted, confirmed_at,"
            " last_step) VALUES (%s, %s, %s, %s, %s, -1)",
            [timezone.now(), timezone.now(), member.user_id, older.encrypt(SECRET.encode()).decode(), timezone.now()],
        )
        staff_auth.staff_totp_verify(user=member.user, code=totp.totp_at(SECRET, time.time()))
        device = StaffTotpDevice.objects.get(user=member.user)
        assert device.is_confirmed and device.last_step == totp.step_at(time.time())
        with pytest.raises(staff_auth.TotpError):  # and a code still works once only
            staff_auth.staff_totp_verify(user=member.user, code=totp.totp_at(SECRET, time.time()))


@pytest.mark.parametrize(
    ("app", "name"), [("accounts", "0006_stafftotpdevice"), ("portal", "0002_stafftotpdevice_moved_to_accounts")]
)
def test_the_move_touches_no_table(app, name):
    out = io.StringIO()
    call_command("sqlmigrate", app, name, stdout=out)
    statements = [line for line in out.getvalue().splitlines() if line.strip() and not line.startswith("--")]
    assert statements in ([], ["BEGIN;", "COMMIT;"])
