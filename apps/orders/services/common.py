"""Small pieces the order, SIP and mandate services share: the OTP to the investor and the actor label."""

from apps.accounts.models import Investor
from apps.accounts.otp import otp_issue


def otp_send(*, investor: Investor, purpose: str, subject: str, what: str = ""):
    """The SEBI second factor: a code to the investor's registered mobile (else e-mail). `what` names
    what the code confirms in the text (apps.accounts.otp.otp_message_body)."""
    if investor.mobile:
        return otp_issue(purpose=purpose, channel="sms", target=investor.mobile, subject=subject, what=what)
    return otp_issue(purpose=purpose, channel="email", target=investor.email, subject=subject, what=what)


def actor_label(user) -> str:
    if user is None:
        return "system"
    return f"user:{user.pk}"
