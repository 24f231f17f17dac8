import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

_seq = itertools.count(1)


@pytest.fixture
def savers(in_alpha):
    """Asha holds an equity fund worth 2,00,000 and has a monthly SIP of 10,000; Bala holds one too."""
    from apps.accounts.models import BankAccount, Investor
    from apps.funds.models import Amc, Scheme
    from apps.orders.models import Mandate, SipRegistration
    from apps.portfolio.services import transaction_record
    from apps.portfolio.services.valuation import holdings_revalue
    from apps.users.models import User

    n = next(_seq)
    amc, _ = Amc.objects.get_or_create(name="Goals Test AMC Mutual Fund", defaults={"code": "goals-test-amc"})
    scheme = Scheme.objects.create(
        amfi_code=f"7{n:05d}", isin_growth=f"INFG{n:07d}X", name=f"Goals Flexi Cap {n} - Direct - Growth", amc=amc,
        category="Equity Scheme - Flexi Cap Fund", asset_class="equity", latest_nav=Decimal("20"),
        latest_nav_date=date(2026, 8, 18),
    )  # fmt: skip
    people = {}
    for name in ("Asha", "Bala"):
        user = User.objects.create_user(email=f"goals-{name.lower()}{n}@example.com", password=None)
        investor = Investor.objects.create(
            user=user, full_name=name, email=user.email, mobile=f"96{n:04d}{len(people)}0000"
        )
        transaction_record(
            investor=investor, scheme=scheme, folio_number="G1", kind="purchase", trade_date=date(2024, 1, 2),
            amount=Decimal("100000"), units=Decimal("10000"), nav=Decimal("10"), source="order",
            source_ref=f"goals-{n}-{name}",
        )  # fmt: skip
        holdings_revalue(holdings=list(investor.holdings.select_related("scheme")))
        people[name] = investor
    asha = people["Asha"]
    bank = BankAccount.objects.create(investor=asha, account_number="1234567890", ifsc="HDFC0000001")
    mandate = Mandate.objects.create(
        investor=asha, bank_account=bank, amount_limit=Decimal("50000"), start_date=date(2026, 1, 1),
        end_date=date(2036, 1, 1),
    )  # fmt: skip
    sip = SipRegistration.objects.create(
        investor=asha, scheme=scheme, mandate=mandate, amount=Decimal("10000"), start_date=date.today(),
        instalments=600, status="active", client_ref=f"GOALSIP{n}",
    )  # fmt: skip
    return {
        "asha": asha,
        "bala": people["Bala"],
        "holding": asha.holdings.get(),
        "bala_holding": people["Bala"].holdings.get(),
        "sip": sip,
        "target_date": date.today().replace(day=1) + timedelta(days=366 * 10),
    }
