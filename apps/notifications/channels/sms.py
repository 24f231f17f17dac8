"""SMS through MSG91's Flow API (POST {MSG91_BASE_URL}/api/v5/flow with the authkey header): India's DLT
rules allow only pre-registered templates, so each message is the registered template MSG91_TEMPLATE_ID
with the text in its variable. Serves the OTP sender (settings.SMS_NOTIFIER_BACKEND) and notifications."""

from __future__ import annotations

import requests
from django.conf import settings

from apps.accounts.notifiers import Notifier, OutboundMessage


class SmsError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def msisdn(mobile: str) -> str:
    """Indian mobile numbers in the international form MSG91 expects, without the plus: 91XXXXXXXXXX."""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    if len(digits) == 10:
        return f"91{digits}"
    if len(digits) == 12 and digits.startswith("91"):
        return digits
    raise SmsError(f"Not an Indian mobile number: {len(digits)} digits.", transient=False)


class Msg91Notifier(Notifier):
    def __init__(self, *, base_url: str = "", auth_key: str = "", template_id: str = "", timeout: float = 0):
        self.base_url = (base_url or settings.MSG91_BASE_URL).rstrip("/")
        self.auth_key = auth_key or settings.MSG91_AUTH_KEY
        self.template_id = template_id or settings.MSG91_TEMPLATE_ID
        self.timeout = timeout or settings.MSG91_TIMEOUT

    def send(self, message: OutboundMessage) -> str:
        """Returns MSG91's request id. Raises SmsError."""
        body = {"template_id": self.template_id, "short_url": "0",
                "recipients": [{"mobiles": msisdn(message.target), "message": message.body[:500]}]}  # fmt: skip
        try:
            response = requests.post(
                f"{self.base_url}/api/v5/flow", json=body, timeout=self.timeout,
                headers={"authkey": self.auth_key, "accept": "application/json"},
            )  # fmt: skip
        except requests.RequestException as exc:
            raise SmsError(f"MSG91 did not answer: {exc}", transient=True) from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200 and data.get("type") == "success":
            return str(data.get("message", ""))
        raise SmsError(f"MSG91: {data.get('message') or response.status_code}", transient=response.status_code >= 500)
