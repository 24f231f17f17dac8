"""Demo data of apps.accounts (make run): in each demo distributor, a KYC-verified investor who signs
in with a password, a second investor, and the mobile app's OAuth client (distributors created before
the onboarding hook existed get theirs here). Idempotent."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context
from oauth2_provider.models import get_application_model

from apps.accounts.models import BankAccount, Investor, KycStatus, Nominee
from apps.accounts.validators import bank_name_for_ifsc
from apps.demo.seeders.distributors import DISTRIBUTORS
from apps.oauth.services import MOBILE_APP_NAME, mobile_app_ensure
from apps.users.models import User
from tenants.models import Distributor

# PANs from the KRA simulator's "verified" range (apps/sandbox/kra/behaviour.py)
DEMO_INVESTORS = {
    "alpha": [
        {
            "email": "investor@alpha.localhost",
            "mobile": "+919800000101",
            "full_name": "Asha Rao",
            "pan": "ABCPR1001A",
            "date_of_birth": date(1985, 4, 12),
            "city": "Mumbai",
            "state": "Maharashtra",
            "pincode": "400001",
            "bank": ("50100012345678", "HDFC0000001"),
        },
        {
            "email": "investor2@alpha.localhost",
            "mobile": "+919800000102",
            "full_name": "Vikram Mehta",
            "pan": "ABCPM1002B",
            "date_of_birth": date(1979, 11, 3),
            "city": "Pune",
            "state": "Maharashtra",
            "pincode": "411001",
            "bank": ("912010012345678", "UTIB0000002"),
        },
    ],
    "beta": [
        {
            "email": "investor@beta.localhost",
            "mobile": "+919800000201",
            "full_name": "Neha Iyer",
            "pan": "ABCPI1003C",
            "date_of_birth": date(1990, 1, 25),
            "city": "Bengaluru",
            "state": "Karnataka",
            "pincode": "560001",
            "bank": ("000101234567", "ICIC0000003"),
        },
        {
            "email": "investor2@beta.localhost",
            "mobile": "+919800000202",
            "full_name": "Arjun Singh",
            "pan": "ABCPS1004D",
            "date_of_birth": date(1982, 7, 9),
            "city": "Chennai",
            "state": "Tamil Nadu",
            "pincode": "600001",
            "bank": ("30012345678", "SBIN0000004"),
        },
    ],
}


def investor_password(schema: str) -> str:
    return f"{settings.DEMO_PASSWORD}-investor-{schema}"


@transaction.atomic
def _seed_investor(spec: dict, *, password: str, log) -> None:
    if User.objects.filter(email__iexact=spec["email"]).exists():
        return
    from django.utils import timezone

    user = User.objects.create_user(
        email=spec["email"], mobile=spec["mobile"], password=password, full_name=spec["full_name"]
    )
    investor = Investor.objects.create(
        user=user,
        full_name=spec["full_name"],
        email=spec["email"],
        mobile=spec["mobile"],
        pan=spec["pan"],
        date_of_birth=spec["date_of_birth"],
        occupation=Investor.Occupation.SERVICE_PRIVATE,
        address_line1="1 Demo Street",
        city=spec["city"],
        state=spec["state"],
        pincode=spec["pincode"],
        country_of_birth="India",
        place_of_birth=spec["city"],
        income_slab=Investor.IncomeSlab.L10_TO_25L,
        wealth_source=Investor.WealthSource.SALARY,
        politically_exposed=False,
        tax_resident_outside_india=False,
        fatca_declared_at=timezone.now(),
        kyc_status=KycStatus.VERIFIED,
        kyc_source_code="02",
        kyc_checked_at=timezone.now(),
    )
    number, ifsc = spec["bank"]
    BankAccount.objects.create(
        investor=investor, account_number=number, ifsc=ifsc, bank_name=bank_name_for_ifsc(ifsc), is_primary=True
    )
    Nominee.objects.create(
        investor=investor, name="Demo Nominee", relationship=Nominee.Relationship.SPOUSE, share_percent=100
    )
    log(f"created investor {spec['email']}")


def seed(*, log) -> None:
    for schema, specs in DEMO_INVESTORS.items():
        distributor = Distributor.objects.filter(schema_name=schema).first()
        if distributor is None:
            continue
        with tenant_context(distributor):
            mobile_app_ensure(schema_name=schema)
            for spec in specs:
                _seed_investor(spec, password=investor_password(schema), log=log)


def credentials(creds: dict) -> None:
    for spec in DISTRIBUTORS:
        schema = spec["schema_name"]
        info = creds["distributors"].get(schema)
        distributor = Distributor.objects.filter(schema_name=schema).first()
        if info is None or distributor is None:
            continue
        with tenant_context(distributor):
            app = get_application_model().objects.filter(name=MOBILE_APP_NAME).first()
        first = DEMO_INVESTORS[schema][0]
        info["investor"] = {"email": first["email"], "mobile": first["mobile"], "password": investor_password(schema)}
        if app is not None:
            info["mobile_app"] = {"client_id": app.client_id, "redirect_uri": app.redirect_uris.split()[0]}
