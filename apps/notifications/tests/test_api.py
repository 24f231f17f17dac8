"""The inbox API: unread counts, mark-read, delta sync with updated_since, ETag/304; another investor's or
another tenant's notifications are never reached."""

import pytest
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from tests.factories import make_investor


def _client(investor, host="alpha.localhost"):
    client = APIClient(HTTP_HOST=host)
    client.force_authenticate(investor.user)
    return client


@pytest.fixture
def inbox(tenant_alpha):
    from apps.notifications.services import notification_send

    with tenant_context(tenant_alpha):
        alice, bob = make_investor(tenant_alpha), make_investor(tenant_alpha)
        sent = [
            notification_send(investor=alice, event="kyc_changed", context={"status": "verified"}),
            notification_send(
                investor=alice, event="order_payment_due", context={"amount": "5000.00", "scheme": "Test Fund"}
            ),  # fmt: skip
            notification_send(investor=bob, event="kyc_changed", context={"status": "on hold"}),
        ]
    return alice, bob, sent


def test_list_counts_unread_marks_read_and_syncs_by_delta_with_etag(tenant_alpha, inbox):
    alice, bob, (first, second, bobs) = inbox
    client = _client(alice)

    listed = client.get("/api/v1/notifications")
    assert listed.status_code == 200
    body = listed.json()
    assert body["unread_count"] == 2 and body["count"] == 2
    assert {item["id"] for item in body["results"]} == {str(first.public_id), str(second.public_id)}
    assert body["results"][0]["title"] == "Payment due"
    assert body["results"][0]["body"].startswith("Alpha")  # in the distributor's brand
    etag = listed["ETag"]
    assert client.get("/api/v1/notifications", HTTP_IF_NONE_MATCH=etag).status_code == 304

    # marking another investor's notification read changes nothing; one's own does
    assert client.post("/api/v1/notifications/read", {"ids": [str(bobs.public_id)]}, format="json").json() == {
        "updated": 0, "unread_count": 2,
    }  # fmt: skip
    since = body["server_time"]
    marked = client.post("/api/v1/notifications/read", {"ids": [str(first.public_id)]}, format="json")
    assert marked.json() == {"updated": 1, "unread_count": 1}
    # the list changed: the old ETag no longer matches, and the delta holds just the read one
    assert client.get("/api/v1/notifications", HTTP_IF_NONE_MATCH=etag).status_code == 200
    delta = client.get("/api/v1/notifications", {"updated_since": since}).json()
    assert [(item["id"], item["read"]) for item in delta["results"]] == [(str(first.public_id), True)]
    assert client.post("/api/v1/notifications/read", {"all": True}, format="json").json()["unread_count"] == 0
    with tenant_context(tenant_alpha):
        bobs.refresh_from_db()
        assert bobs.read_at is None


def test_other_tenants_and_non_investors_get_404(tenant_alpha, tenant_beta, inbox):
    alice, _, _ = inbox
    outsider = make_investor(tenant_beta)
    # a beta investor at alpha's host is nobody there
    assert _client(outsider).get("/api/v1/notifications").status_code == 404
    # and at beta's own host sees only beta's (none)
    assert _client(outsider, host="beta.localhost").get("/api/v1/notifications").json()["count"] == 0
    assert APIClient(HTTP_HOST="alpha.localhost").get("/api/v1/notifications").status_code in (401, 403)


def test_preferences_and_devices(tenant_alpha, inbox):
    from apps.notifications.models import PushDevice
    from apps.notifications.services import channels_for

    alice, bob, _ = inbox
    client = _client(alice)
    assert client.get("/api/v1/notifications/preferences").json() == {"email": True, "sms": True, "push": True}
    assert client.put("/api/v1/notifications/preferences", {"email": True, "sms": False, "push": True},
                      format="json").status_code == 200  # fmt: skip
    device = client.post("/api/v1/notifications/devices", {"token": "fcm-token-1", "platform": "android"},
                         format="json")  # fmt: skip
    assert device.status_code == 201
    # bob cannot remove alice's device, nor learn that it exists
    assert _client(bob).delete(f"/api/v1/notifications/devices/{device.json()['id']}").status_code == 404
    with tenant_context(tenant_alpha):
        assert PushDevice.objects.get(token="fcm-token-1").active
        assert channels_for(alice) == ["email"]  # no SMS by choice, no push until FCM is configured
    assert client.delete(f"/api/v1/notifications/devices/{device.json()['id']}").status_code == 204
    with tenant_context(tenant_alpha):
        assert not PushDevice.objects.get(token="fcm-token-1").active
