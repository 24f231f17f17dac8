"""Bank accounts and nominees. Adding a bank account or making one primary changes where redemptions are
paid: each needs a code sent to the investor's registered mobile (else e-mail), bound to that very
account, and a redemption to an account added or made primary in the last 24 hours waits for staff
(apps.orders)."""

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import (
    BankAccount,
    Investor,
    Nominee,
    OtpChallenge,
)
from apps.accounts.otp import otp_issue, otp_verify
from apps.accounts.services.common import (
    MAX_BANK_ACCOUNTS,
    OTP_PURPOSE_BANK,
    age_on,
    field_error,
)
from apps.accounts.validators import (
    InvalidInput,
    account_number_normalize,
    bank_name_for_ifsc,
    ifsc_normalize,
)
from apps.core.audit import audit_record
from apps.core.exceptions import ConflictError

# --- bank accounts ------------------------------------------------------------------------------------


def _bank_otp_send(*, investor: Investor, subject: str, what: str) -> OtpChallenge:
    if investor.mobile:
        return otp_issue(purpose=OTP_PURPOSE_BANK, channel="sms", target=investor.mobile, subject=subject, what=what)
    if investor.email:
        return otp_issue(purpose=OTP_PURPOSE_BANK, channel="email", target=investor.email, subject=subject, what=what)
    raise ConflictError("Add a mobile number or e-mail address first: the code goes there.", code="contact_missing")


def _add_subject(investor: Investor, number: str, ifsc: str) -> str:
    """The code confirms this account for this investor, nothing else (64 hex characters)."""
    return hashlib.sha256(f"bank-add:{investor.public_id}:{number}:{ifsc}".encode()).hexdigest()


def _primary_subject(bank_account: BankAccount) -> str:
    return f"bank-primary:{bank_account.public_id}"


def _account_input(*, investor: Investor, account_number: str, ifsc: str, account_type: str) -> tuple[str, str]:
    try:
        number = account_number_normalize(account_number)
    except InvalidInput as exc:
        raise field_error("account_number", str(exc)) from None
    try:
        ifsc = ifsc_normalize(ifsc)
    except InvalidInput as exc:
        raise field_error("ifsc", str(exc)) from None
    if account_type not in BankAccount.AccountType.values:
        raise field_error("account_type", "Unknown account type.")
    nri_types = {BankAccount.AccountType.NRE, BankAccount.AccountType.NRO}
    if account_type in nri_types and investor.tax_status != Investor.TaxStatus.NRI:
        raise field_error("account_type", "NRE and NRO accounts are for non-resident investors.")
    return number, ifsc


def _room_check(existing: list[BankAccount], number: str, ifsc: str) -> None:
    if len(existing) >= MAX_BANK_ACCOUNTS:
        raise ConflictError(f"At most {MAX_BANK_ACCOUNTS} bank accounts.", code="too_many_bank_accounts")
    if any(a.account_number == number and a.ifsc == ifsc for a in existing):
        raise ConflictError("This bank account is already registered.", code="bank_account_exists")


def bank_account_add_otp_send(
    *, investor: Investor, account_number: str, ifsc: str, account_type: str = BankAccount.AccountType.SAVINGS
) -> OtpChallenge:
    """Checks the account's details and sends the code that confirms adding it."""
    number, ifsc = _account_input(
        investor=investor, account_number=account_number, ifsc=ifsc, account_type=account_type
    )
    _room_check(list(BankAccount.objects.filter(investor=investor)), number, ifsc)
    return _bank_otp_send(
        investor=investor,
        subject=_add_subject(investor, number, ifsc),
        what=f"to add the bank account ending {number[-4:]}",
    )


def bank_account_add(
    *,
    investor: Investor,
    account_number: str,
    ifsc: str,
    challenge_id,
    code: str,
    account_type: str = BankAccount.AccountType.SAVINGS,
    bank_name: str = "",
    make_primary: bool = False,
    actor=None,
) -> BankAccount:
    """Adds the account once the code sent for exactly these details is proven. The first account is
    the primary (payout) one."""
    number, ifsc = _account_input(
        investor=investor, account_number=account_number, ifsc=ifsc, account_type=account_type
    )
    _room_check(list(BankAccount.objects.filter(investor=investor)), number, ifsc)
    otp_verify(
        challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_BANK, subject=_add_subject(investor, number, ifsc)
    )
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)  # serialises primary changes
        existing = list(BankAccount.objects.filter(investor=investor))
        _room_check(existing, number, ifsc)
        primary = make_primary or not existing
        now = timezone.now()
        if primary:
            BankAccount.objects.filter(investor=investor, is_primary=True).update(is_primary=False, updated_at=now)
        account = BankAccount.objects.create(
            investor=investor,
            account_number=number,
            ifsc=ifsc,
            bank_name=(bank_name or "").strip()[:120] or bank_name_for_ifsc(ifsc),
            account_type=account_type,
            is_primary=primary,
            primary_since=now if primary else None,
        )
        audit_record(
            action="bank_account.added",
            actor=actor,
            target=account,
            extra={"ifsc": ifsc, "account": f"****{number[-4:]}", "primary": primary, "otp": str(challenge_id)},
        )
    return account


def bank_account_primary_otp_send(*, investor: Investor, bank_account: BankAccount) -> OtpChallenge:
    """The code that confirms making this account (fetched through access_bank_account_by_id) primary."""
    if bank_account.is_primary:
        raise ConflictError("This account is already your primary one.", code="already_primary")
    return _bank_otp_send(
        investor=investor,
        subject=_primary_subject(bank_account),
        what=f"to make the bank account ending {bank_account.account_number[-4:]} your primary one",
    )


def bank_account_set_primary(
    *, investor: Investor, bank_account: BankAccount, challenge_id, code: str, actor=None
) -> BankAccount:
    otp_verify(challenge_id=challenge_id, code=code, purpose=OTP_PURPOSE_BANK, subject=_primary_subject(bank_account))
    with transaction.atomic():
        Investor.objects.select_for_update().get(pk=investor.pk)
        now = timezone.now()
        BankAccount.objects.filter(investor=investor, is_primary=True).exclude(pk=bank_account.pk).update(
            is_primary=False, updated_at=now
        )
        if not bank_account.is_primary:
            bank_account.is_primary, bank_account.primary_since = True, now
            bank_account.save(update_fields=["is_primary", "primary_since", "updated_at"])
        audit_record(
            action="bank_account.primary_set", actor=actor, target=bank_account, extra={"otp": str(challenge_id)}
        )
    return bank_account


def bank_account_remove(*, investor: Investor, bank_account: BankAccount, actor=None) -> None:
    """Removes an account; if it was the primary one, the oldest remaining becomes primary."""
    with transaction.atomic():
        Investor.objects.select_for_update().get(pk=investor.pk)
        was_primary = bank_account.is_primary
        audit_record(
            action="bank_account.removed",
            actor=actor,
            target=bank_account,
            extra={"ifsc": bank_account.ifsc, "account": f"****{bank_account.account_number[-4:]}"},
        )
        bank_account.delete()
        if was_primary:
            successor = BankAccount.objects.filter(investor=investor).order_by("created_at").first()
            if successor is not None:
                successor.is_primary, successor.primary_since = True, timezone.now()
                successor.save(update_fields=["is_primary", "primary_since", "updated_at"])


# --- nominees -------------------------------------------------------------------------------------------


def nominees_replace(
    *, investor: Investor, nominees: list[dict[str, Any]], opt_out: bool = False, actor=None
) -> Investor:
    """Sets the whole nomination at once: up to three nominees whose shares add up to exactly 100, or
    an explicit opt-out (SEBI requires one or the other). A minor nominee needs a guardian. Returns the
    investor as now stored."""
    if opt_out and nominees:
        raise field_error("nominees", "Opt out of nomination or name nominees, not both.")
    if not opt_out and not nominees:
        raise field_error("nominees", "Name at least one nominee, or opt out.")
    if len(nominees) > Nominee.MAX_PER_INVESTOR:
        raise field_error("nominees", f"At most {Nominee.MAX_PER_INVESTOR} nominees.")
    today = timezone.localdate()
    rows = []
    total = Decimal("0")
    for index, item in enumerate(nominees):
        name = (item.get("name") or "").strip()
        if not name:
            raise field_error(f"nominees[{index}].name", "Give the nominee's name.")
        relationship = item.get("relationship")
        if relationship not in Nominee.Relationship.values:
            raise field_error(f"nominees[{index}].relationship", "Unknown relationship.")
        try:
            share = Decimal(str(item.get("share_percent")))
        except (InvalidOperation, ValueError):
            raise field_error(f"nominees[{index}].share_percent", "Give the share as a number.") from None
        if not share.is_finite() or share <= 0 or share > 100 or share != share.quantize(Decimal("0.01")):
            raise field_error(
                f"nominees[{index}].share_percent", "A share is more than 0 and at most 100, two decimals."
            )
        born = item.get("date_of_birth")
        guardian = (item.get("guardian_name") or "").strip()
        if born is not None and born > today:
            raise field_error(f"nominees[{index}].date_of_birth", "Give a real date of birth.")
        if born is not None and age_on(born, today) < 18 and not guardian:
            raise field_error(f"nominees[{index}].guardian_name", "A minor nominee needs a guardian.")
        total += share
        rows.append(
            Nominee(
                investor=investor,
                name=name,
                relationship=relationship,
                date_of_birth=born,
                share_percent=share,
                guardian_name=guardian,
            )
        )
    if rows and total != Decimal("100"):
        raise field_error("nominees", f"Shares must add up to 100 (they add up to {total.normalize()}).")
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)
        Nominee.objects.filter(investor=investor).delete()
        created = Nominee.objects.bulk_create(rows)
        if investor.nomination_opted_out != opt_out:
            investor.nomination_opted_out = opt_out
            investor.save(update_fields=["nomination_opted_out", "updated_at"])
        audit_record(
            action="investor.nomination_set",
            actor=actor,
            target=investor,
            extra={"nominees": len(created), "opted_out": opt_out},
        )
    return investor
