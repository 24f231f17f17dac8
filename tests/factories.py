"""The suite's test data: factory_boy factories for people and funds, and the few helpers that place
people inside a distributor's schema.

Factories build in whatever schema the connection is on (the funds master lives in the public schema,
people in a tenant's). `make_investor` and `make_staff` take the tenant and switch to it themselves.
Values that must be unique (e-mails, PANs, account numbers) are random rather than sequential: live-server
tests commit their rows, and a reused test database keeps them."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from django_tenants.utils import tenant_context
from factory.django import DjangoModelFactory, Password

PASSWORD = "test-pass-2026-long-enough"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def unique(prefix: str = "u") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def pan_with(digits: str) -> str:
    """A fresh individual's PAN (fourth letter P) whose 4 digits steer the KRA simulator
    (apps/sandbox/kra/behaviour.py)."""
    rnd = secrets.token_bytes(5)
    head = "".join(LETTERS[b % 26] for b in rnd[:3]) + "P" + LETTERS[rnd[3] % 26]
    return f"{head}{digits}{LETTERS[rnd[4] % 26]}"


def random_pan() -> str:
    return pan_with(f"{secrets.randbelow(10_000):04d}")


def random_isin() -> str:
    return f"INF{uuid.uuid4().hex[:8].upper()}0"


def random_mobile() -> str:
    return f"9{secrets.randbelow(10**9):09d}"


# --- People (a tenant's schema) ------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "users.User"
        skip_postgeneration_save = True

    email = factory.LazyFunction(lambda: f"{unique('user')}@example.test")
    mobile = None
    full_name = "Test Person"
    password = Password(PASSWORD)


class BankAccountFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.BankAccount"

    investor = None
    account_number = factory.LazyFunction(lambda: f"{secrets.randbelow(10**12):012d}")
    ifsc = "HDFC0001234"
    is_primary = True


class InvestorFactory(DjangoModelFactory):
    """A registered investor: by default KYC not started and no PAN, as after sign-up.
    `verified=True`: KYC verified with a PAN. `ready_to_invest=True`: verified, with a mobile number and
    a primary bank account (what an order needs)."""

    class Meta:
        model = "accounts.Investor"
        skip_postgeneration_save = True

    class Params:
        verified = factory.Trait(kyc_status="verified", pan=factory.LazyFunction(random_pan))
        ready_to_invest = factory.Trait(
            kyc_status="verified",
            pan=factory.LazyFunction(random_pan),
            mobile=factory.LazyFunction(random_mobile),
            bank_account=factory.RelatedFactory(BankAccountFactory, factory_related_name="investor"),
        )

    full_name = "Test Investor"
    email = factory.LazyFunction(lambda: f"{unique('inv')}@example.test")
    user = factory.SubFactory(
        UserFactory, email=factory.SelfAttribute("..email"), full_name=factory.SelfAttribute("..full_name")
    )
    mobile = ""
    pan = None
    kyc_status = "not_started"


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.StaffMember"

    role = "owner"
    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttribute(lambda user: f"{unique(user.factory_parent.role)}@staff.test"),
        full_name=factory.LazyAttribute(lambda user: f"{user.factory_parent.role.title()} of the distributor"),
    )
    euin = factory.LazyAttribute(lambda staff: f"E{secrets.randbelow(10**6):06d}" if staff.role == "rm" else "")


def make_investor(tenant, *, password: str | None = PASSWORD, mobile: str | None = None, **fields):
    """An investor of `tenant` (see InvestorFactory for the traits). A mobile number given here is the
    user's sign-in mobile too."""
    user_fields = {"user__password": password}
    if mobile:
        user_fields["user__mobile"] = mobile
        fields["mobile"] = mobile
    with tenant_context(tenant):
        return InvestorFactory(**user_fields, **fields)


def make_staff(tenant, *, role: str, password: str = PASSWORD, **fields):
    """A staff member of `tenant` with this role (owner, admin, rm, operations, read_only)."""
    if "email" in fields:
        fields["user__email"] = fields.pop("email")
    if "full_name" in fields:
        fields["user__full_name"] = fields.pop("full_name")
    with tenant_context(tenant):
        return StaffMemberFactory(role=role, user__password=password, **fields)


# --- Funds master (public schema) ----------------------------------------------------------------------


class AmcFactory(DjangoModelFactory):
    class Meta:
        model = "funds.Amc"
        django_get_or_create = ("code",)

    code = factory.LazyFunction(lambda: unique("amc"))
    name = factory.LazyAttribute(lambda amc: f"{amc.code} Mutual Fund")


class SchemeFactory(DjangoModelFactory):
    """A direct-growth equity scheme with a NAV. `orderable=True`: the exchange can take it (a BSE code,
    a minimum purchase)."""

    class Meta:
        model = "funds.Scheme"
        skip_postgeneration_save = True

    class Params:
        orderable = factory.Trait(
            min_purchase=Decimal("500"),
            purchase_multiple=Decimal("1"),
            bse_code=factory.RelatedFactory(
                "tests.factories.SchemeCodeFactory",
                factory_related_name="scheme",
                code=factory.LazyAttribute(lambda code: f"P{code.factory_parent.amfi_code}-GR"),
            ),
        )

    amfi_code = factory.LazyFunction(lambda: str(uuid.uuid4().int % 10**9))
    name = factory.LazyFunction(lambda: f"{unique('Test Fund')} - Direct Plan - Growth")
    amc = factory.SubFactory(AmcFactory)
    plan = "direct"
    option = "growth"
    asset_class = "equity"
    latest_nav = Decimal("50")
    latest_nav_date = date(2025, 3, 31)


class SchemeCodeFactory(DjangoModelFactory):
    class Meta:
        model = "funds.SchemeCode"

    scheme = factory.SubFactory(SchemeFactory)
    source = "bse"
    code = factory.LazyFunction(lambda: unique("BSE"))


# --- Orders (a tenant's schema) ------------------------------------------------------------------------


class OrderFactory(DjangoModelFactory):
    """An order as the investor placed it (waiting for their OTP unless `status` says otherwise); a
    purchase by amount, any other kind by units from a folio."""

    class Meta:
        model = "orders.Order"

    investor = factory.SubFactory(InvestorFactory, ready_to_invest=True)
    scheme = factory.SubFactory(SchemeFactory, orderable=True)
    kind = "purchase"
    status = "pending_otp"
    amount = factory.LazyAttribute(lambda order: Decimal("1000") if order.kind == "purchase" else None)
    units = factory.LazyAttribute(lambda order: None if order.kind == "purchase" else Decimal("10"))
    folio_number = factory.LazyAttribute(lambda order: "" if order.kind == "purchase" else "F123")
    client_ref = factory.LazyFunction(lambda: f"T{uuid.uuid4().hex[:12]}")
    placed_at = factory.LazyFunction(timezone.now)
    expected_nav_date = factory.LazyAttribute(lambda order: order.placed_at.date())


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = "orders.Mandate"

    investor = factory.SubFactory(InvestorFactory, ready_to_invest=True)
    bank_account = factory.LazyAttribute(
        lambda mandate: mandate.investor.bank_accounts.first() or BankAccountFactory(investor=mandate.investor)
    )
    amount_limit = Decimal("100000")
    start_date = date(2026, 1, 5)
    end_date = factory.LazyAttribute(lambda mandate: mandate.start_date + timedelta(days=3650))


class SipRegistrationFactory(DjangoModelFactory):
    """An active monthly SIP of 12 instalments on its own mandate."""

    class Meta:
        model = "orders.SipRegistration"

    investor = factory.SubFactory(InvestorFactory, ready_to_invest=True)
    scheme = factory.SubFactory(SchemeFactory, orderable=True)
    start_date = date(2026, 1, 5)
    mandate = factory.SubFactory(
        MandateFactory, investor=factory.SelfAttribute("..investor"), start_date=factory.SelfAttribute("..start_date")
    )
    amount = Decimal("2000")
    frequency = "MONTHLY"
    instalments = 12
    status = "active"
    client_ref = factory.LazyFunction(lambda: f"S{uuid.uuid4().hex[:12]}")


def make_order(tenant, investor, scheme, **fields):
    with tenant_context(tenant):
        return OrderFactory(investor=investor, scheme=scheme, **fields)


def make_sip(tenant, investor, scheme, **fields):
    with tenant_context(tenant):
        return SipRegistrationFactory(investor=investor, scheme=scheme, **fields)
