"""Delivery over loopback: e-mail, SMS through the MSG91 Flow API simulator and push through the FCM
HTTP v1 simulator (service-account JWT, bearer token, messages:send); an unregistered device is dropped."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django_tenants.utils import tenant_context

from tests.factories import make_investor

pytestmark = pytest.mark.live


@pytest.fixture
def providers(settings, live_server, live_db, celery_eager):
    base = live_server.url("localhost", "/sandbox")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    settings.FCM_SERVICE_ACCOUNT = json.dumps({
        "type": "service_account", "project_id": "alpha-app", "private_key_id": "k1", "private_key": pem.decode(),
        "client_email": "push@alpha-app.iam.gserviceaccount.com", "token_uri": f"{base}/fcm/token",
    })  # fmt: skip
    settings.FCM_BASE_URL = f"{base}/fcm"
    settings.MSG91_BASE_URL = f"{base}/msg91"
    settings.SMS_NOTIFIER_BACKEND = "apps.notifications.channels.sms.Msg91Notifier"
    return base


@pytest.fixture
def alpha(live_db):
    from tenants.models import Distributor

    return Distributor.objects.get(schema_name="alpha")


def test_an_order_event_reaches_email_sms_and_push_in_the_brand(providers, alpha):
    from apps.notifications.models import Delivery, PushDevice
    from apps.notifications.services import notification_send
    from apps.sandbox.messaging import sandbox_sent

    investor = make_investor(alpha, ready_to_invest=True)
    with tenant_context(alpha):
        PushDevice.objects.create(investor=investor, token="fcm-live-1", platform="android")
        PushDevice.objects.create(investor=investor, token="unregistered-old-phone", platform="ios")
        sms_before, push_before = len(sandbox_sent("sms")), len(sandbox_sent("push"))
        notification = notification_send(
            investor=investor, event="order_allotted",
            context={"kind": "purchase", "what": "Rs 5000.00", "scheme": "Test Fund", "units": "97.5720",
                     "nav": "51.2345", "date": "20 Nov 2026"},
            data={"order_id": "abc"},
        )  # fmt: skip
        statuses = dict(Delivery.objects.filter(notification=notification).values_list("channel", "status"))
        assert statuses == {"email": "sent", "sms": "sent", "push": "sent"}
        assert not PushDevice.objects.get(token="unregistered-old-phone").active
    (message,) = [m for m in mail.outbox if investor.email in m.to]
    assert message.subject == "Units allotted" and "Alpha" in message.body
    (sms,) = sandbox_sent("sms")[sms_before:]
    assert sms["mobiles"] == f"91{investor.mobile}" and "97.5720 units" in sms["message"]
    (push,) = sandbox_sent("push")[push_before:]
    assert push["token"] == "fcm-live-1" and push["notification"]["title"] == "Units allotted"
    assert push["data"]["order_id"] == "abc" and push["data"]["event"] == "order_allotted"


def test_a_wrong_service_account_key_is_refused_by_fcm(providers, settings):
    from apps.notifications.channels.push import FcmClient, PushError, PushMessage

    account = json.loads(settings.FCM_SERVICE_ACCOUNT)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    account["private_key"] = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account["client_email"] = "intruder@alpha-app.iam.gserviceaccount.com"
    with pytest.raises(PushError, match="refused the service account"):
        FcmClient(account=account).send(PushMessage(token="fcm-live-1", title="t", body="b", data={}))
