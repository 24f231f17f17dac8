"""Bank accounts and nominees."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import (
    BankAccount,
    Investor,
    Nominee,
)
from apps.accounts.services.common import (
    MAX_BANK_ACCOUNTS,
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


def bank_account_add(
    *,
    investor: Investor,
    account_number: str,
    ifsc: str,
    account_type: str = BankAccount.AccountType.SAVINGS,
    bank_name: str = "",
    make_primary: bool = False,
    actor=None,
) -> BankAccount:
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
    with transaction.atomic():
        investor = Investor.objects.select_for_update().get(pk=investor.pk)  # serialises primary changes
        existing = list(BankAccount.objects.filter(investor=investor))
        if len(existing) >= MAX_BANK_ACCOUNTS:
            raise ConflictError(f"At most {MAX_BANK_ACCOUNTS} bank accounts.", code="too_many_bank_accounts")
        if any(a.account_number == number and a.ifsc == ifsc for a in existing):
            raise ConflictError("This bank account is already registered.", code="bank_account_exists")
        primary = make_primary or not existing
        if primary:
            BankAccount.objects.filter(investor=investor, is_primary=True).update(
                is_primary=False, updated_at=timezone.now()
            )
        account = BankAccount.objects.create(
            investor=investor,
            account_number=number,
            ifsc=ifsc,
            bank_name=(bank_name or "").strip()[:120] or bank_name_for_ifsc(ifsc),
            account_type=account_type,
            is_primary=primary,
        )
        audit_record(
            action="bank_account.added",
            actor=actor,
            target=account,
            extra={"ifsc": ifsc, "account": f"****{number[-4:]}", "primary": primary},
        )
    return account


def bank_account_set_primary(*, investor: Investor, bank_account: BankAccount, actor=None) -> BankAccount:
    with transaction.atomic():
        Investor.objects.select_for_update().get(pk=investor.pk)
        BankAccount.objects.filter(investor=investor, is_primary=True).exclude(pk=bank_account.pk).update(
            is_primary=False, updated_at=timezone.now()
        )
        if not bank_account.is_primary:
            bank_account.is_primary = True
            bank_account.save(update_fields=["is_primary", "updated_at"])
        audit_record(action="bank_account.primary_set", actor=actor, target=bank_account)
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
                successor.is_primary = True
                successor.save(update_fields=["is_primary", "updated_at"])


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
