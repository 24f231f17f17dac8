"""What the platform sent: the test notifier keeps every message (apps.accounts.notifiers.LocmemNotifier)."""

import re


def otp_code_sent_to(target: str) -> str:
    """The last one-time code sent to this e-mail address or mobile number."""
    from apps.accounts.notifiers import LocmemNotifier

    for message in reversed(LocmemNotifier.outbox):
        if message.target == target.strip().lower():
            return re.search(r"\b(\d{6})\b", message.body).group(1)
    raise AssertionError(f"no code sent to {target}")
