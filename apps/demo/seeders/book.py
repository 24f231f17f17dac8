"""A distributor's book for the demo (make run): in each demo distributor two relationship managers and
twenty families of three (sixty investors), each family with one relationship manager, the head seeing the
others' portfolios; most money in regular plans of the fictional fund universe (apps.demo.seeders.funds);
a past CAS import per investor through the real ledger import (the generator's statement, classified as
the parser would, without rendering and re-reading a PDF: that is what keeps the seed fast); SIPs on
approved mandates with their instalment history; and orders in every state.

Deterministic (names, PANs, statements and amounts follow from the distributor and the family number) and
idempotent (a family whose head exists is left alone). Runs after the funds, accounts, portfolio and orders
seeders."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from casparser.parsers._classify import get_transaction_type
from casparser.types import CASData
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import BankAccount, Investor, KycStatus, Nominee, StaffMember, StaffRole
from apps.accounts.services import staff_create
from apps.core.timezones import IST
from apps.demo.casgen import CasStatement, SchemeSpec, statement_build
from apps.demo.seeders.distributors import DISTRIBUTORS
from apps.funds.models import NavHistory, Scheme, SchemeCode
from apps.orders.models import (
    Gateway,
    Mandate,
    MandateStatus,
    Order,
    OrderKind,
    OrderStatus,
    SipInstalment,
    SipRegistration,
    SipStatus,
)
from apps.portfolio.models import BookSnapshot, CasImport, FamilyLink
from apps.portfolio.services.book import book_snapshots_refresh
from apps.portfolio.services.cas_import import cas_data_import
from apps.users.models import User
from tenants.models import Distributor

FAMILIES = 20
SCHEMES_PER_INVESTOR = 3
STATEMENT_MONTHS = 12  # a year of history, like the SIPs; longer statements cost seeding time
SIP_MONTHS_DONE = 12  # instalments already run
SIP_INSTALMENTS = 60

RMS = [
    ("rm1", "Ravi Menon", "E100001"),
    ("rm2", "Sunita Kulkarni", "E100002"),
]
SURNAMES = [
    "Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Banerjee", "Kapoor", "Joshi", "Desai",
    "Pillai", "Chatterjee", "Malhotra", "Rao", "Kulkarni", "Agarwal", "Bhat", "Saxena", "Das", "Menon",
]  # fmt: skip
HEADS = [
    "Rajesh", "Lakshmi", "Amit", "Srinivas", "Deepa", "Sanjay", "Ananya", "Vikas", "Meera", "Prakash",
    "Kavitha", "Arnab", "Rohit", "Padma", "Nitin", "Pooja", "Girish", "Swati", "Subhash", "Anil",
]  # fmt: skip
SPOUSES = [
    "Sunita", "Venkatesh", "Neha", "Padmini", "Arun", "Kavya", "Rahul", "Rina", "Suresh", "Anjali",
    "Mahesh", "Priya", "Shalini", "Krishna", "Sneha", "Manish", "Shobha", "Ajay", "Mita", "Rekha",
]  # fmt: skip
THIRDS = [
    ("Aarav", "son"), ("Kamala", "mother"), ("Isha", "daughter"), ("Ramesh", "father"), ("Aditya", "son"),
]  # fmt: skip
BANKS = ["HDFC0000001", "ICIC0000003", "SBIN0000004", "UTIB0000002", "KKBK0000005"]
REGULAR_SHARE = 4  # four investors in five hold regular plans only; the fifth direct plans


def rm_password(schema: str) -> str:
    return f"{settings.DEMO_PASSWORD}-{schema}-rm"


# --- who --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    family: int
    member: int  # 0 head, 1 spouse, 2 child or parent
    full_name: str
    relationship: str
    pan: str
    email: str
    mobile: str


def _letters(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        out = chr(ord("A") + n % 26) + out
        n //= 26
    return out


def family_people(schema: str, family: int) -> list[Person]:
    """The three members of a demo family (deterministic; PANs of a fourth letter P, a person)."""
    code = DISTRIBUTORS_INDEX[schema]
    surname = SURNAMES[family % len(SURNAMES)]
    third, third_relation = THIRDS[family % len(THIRDS)]
    names = [(HEADS[family % len(HEADS)], "self"), (SPOUSES[family % len(SPOUSES)], "spouse"), (third, third_relation)]
    people = []
    for member, (first, relationship) in enumerate(names):
        serial = family * 3 + member
        pan = f"D{_letters(code, 1)}{_letters(serial // 10, 1)}P{surname[0]}{1100 + serial:04d}{_letters(serial, 1)}"
        people.append(
            Person(
                family=family,
                member=member,
                full_name=f"{first} {surname}",
                relationship=relationship,
                pan=pan,
                email=f"{first.lower()}.{surname.lower()}{family:02d}@investors.{schema}.localhost",
                mobile=f"+919{code}{70000000 + serial:08d}",
            )
        )
    return people


DISTRIBUTORS_INDEX = {spec["schema_name"]: index + 1 for index, spec in enumerate(DISTRIBUTORS)}


# --- seeding ----------------------------------------------------------------------------------------------


def _rms_ensure(schema: str, log) -> list[StaffMember]:
    members = []
    for key, name, euin in RMS:
        email = f"{key}@{schema}.localhost"
        member = StaffMember.objects.filter(user__email__iexact=email).first()
        if member is None:
            member = staff_create(
                email=email, role=StaffRole.RELATIONSHIP_MANAGER, full_name=name, password=rm_password(schema),
                euin=f"{euin[:-1]}{DISTRIBUTORS_INDEX[schema]}", actor="demo seed",
            )  # fmt: skip
            log(f"book: {schema} relationship manager {email}")
        members.append(member)
    return members


def _investor_create(person: Person, rm: StaffMember, now: datetime) -> Investor:
    user = User.objects.create_user(email=person.email, mobile=person.mobile, password=None, full_name=person.full_name)
    investor = Investor.objects.create(
        user=user, full_name=person.full_name, email=person.email, mobile=person.mobile, pan=person.pan,
        date_of_birth=date(1960 + (person.family * 7 + person.member * 13) % 40, 1 + person.family % 12, 10),
        occupation=Investor.Occupation.SERVICE_PRIVATE, address_line1=f"{10 + person.family} Demo Nagar",
        city="Mumbai", state="Maharashtra", pincode="400001", country_of_birth="India", place_of_birth="Mumbai",
        income_slab=Investor.IncomeSlab.L10_TO_25L, wealth_source=Investor.WealthSource.SALARY,
        politically_exposed=False, tax_resident_outside_india=False, fatca_declared_at=now,
        kyc_status=KycStatus.VERIFIED, kyc_source_code="02", kyc_checked_at=now, relationship_manager=rm,
    )  # fmt: skip
    BankAccount.objects.create(
        investor=investor, account_number=f"5010{investor.pan[5:9]}{person.family:04d}{person.member}",
        ifsc=BANKS[person.family % len(BANKS)], bank_name="Demo Bank", is_primary=True, is_verified=True,
    )  # fmt: skip
    Nominee.objects.create(
        investor=investor, name="Demo Nominee", relationship=Nominee.Relationship.SPOUSE, share_percent=100
    )
    return investor


class _NavCache:
    """Each scheme's NAV history, read once for all the statements that hold it."""

    def __init__(self):
        self._lookups: dict[int, Callable[[date], Decimal]] = {}

    def lookup(self, scheme: Scheme) -> Callable[[date], Decimal]:
        if scheme.pk not in self._lookups:
            rows = dict(NavHistory.objects.filter(scheme=scheme).values_list("date", "nav"))
            first = min(rows)

            def nav_at(day: date, rows=rows, first=first) -> Decimal:
                while day not in rows and day > first:
                    day -= timedelta(days=1)
                return rows.get(day, rows[first])

            self._lookups[scheme.pk] = nav_at
        return self._lookups[scheme.pk]


def _candidates(plan: str) -> list[Scheme]:
    """Open-ended growth schemes of the demo universe in one plan, with their registrar codes."""
    return list(
        Scheme.objects.filter(
            is_open_ended=True, plan=plan, option=Scheme.Option.GROWTH, latest_nav__isnull=False, amc__isnull=False
        )
        .exclude(isin_growth="")
        .exclude(category="")
        .select_related("amc")
        .prefetch_related("codes")
        .order_by("amfi_code")
    )


def _specs(person: Person, schemes: list[Scheme], navs: _NavCache) -> list[SchemeSpec]:
    digest = int(hashlib.sha256(person.pan.encode()).hexdigest(), 16)
    chosen: list[Scheme] = []
    index, step = digest % len(schemes), 1 + digest % 11
    while len(chosen) < SCHEMES_PER_INVESTOR:
        scheme = schemes[index % len(schemes)]
        if scheme not in chosen:
            chosen.append(scheme)
        index += step
    specs = []
    for scheme in chosen:
        registrar = "KFINTECH" if scheme.pk % 2 else "CAMS"
        source = SchemeCode.Source.KFINTECH if registrar == "KFINTECH" else SchemeCode.Source.CAMS
        code = next((c.code for c in scheme.codes.all() if c.source == source), f"D{scheme.amfi_code}")
        specs.append(
            SchemeSpec(
                amc=scheme.amc.name, name=scheme.name, isin=scheme.isin_growth, rta_code=code, registrar=registrar,
                equity=scheme.asset_class == Scheme.AssetClass.EQUITY, nav_at=navs.lookup(scheme),
            )
        )  # fmt: skip
    return specs


def casparser_data(statement: CasStatement, *, pan: str) -> CASData:
    """The generator's statement as the parser's output (what reading its PDF would give), each line
    classified by the parser's own rules."""

    def lines(scheme):
        out = []
        for t in scheme.transactions:
            kind, rate = get_transaction_type(t.description, t.units)
            out.append(
                {
                    "date": t.date, "description": t.description, "amount": t.amount, "units": t.units,
                    "nav": t.nav, "balance": t.balance, "type": kind, "dividend_rate": rate,
                }
            )  # fmt: skip
        return out

    folios = [
        {
            "folio": folio.number, "amc": folio.amc, "name": folio.holder, "PAN": pan, "KYC": "OK",
            "schemes": [
                {
                    "scheme": s.name, "advisor": s.advisor, "rta_code": s.rta_code, "rta": s.registrar,
                    "isin": s.isin, "open": s.opening, "close": s.close, "close_calculated": s.close,
                    "valuation": {"date": s.nav_date, "nav": s.nav, "value": s.market_value, "cost": s.cost_value},
                    "transactions": lines(s),
                }
                for s in folio.schemes
            ],
        }
        for folio in statement.folios
    ]  # fmt: skip
    return CASData.model_validate(
        {
            "statement_period": {"from": f"{statement.period_from:%d-%b-%Y}", "to": f"{statement.period_to:%d-%b-%Y}"},
            "investor_info": {
                "name": statement.investor_name, "email": statement.email, "mobile": statement.mobile,
                "address": "\n".join(statement.address),
            },
            "cas_type": "DETAILED", "file_type": statement.issuer, "folios": folios,
        }
    )  # fmt: skip


def _past_cas_import(investor: Investor, person: Person, specs: list[SchemeSpec], end: date) -> CasImport:
    issuer = "CAMS" if person.family % 2 == 0 else "KFINTECH"
    start = date(end.year - STATEMENT_MONTHS // 12, end.month, 1)
    statement = statement_build(
        seed=int(person.pan[5:9]), issuer=issuer, investor_name=person.full_name, email=person.email,
        mobile=person.mobile, pan=person.pan, specs=specs, period_from=start, period_to=end,
    )  # fmt: skip
    cas_import = CasImport.objects.create(
        investor=investor, original_name=f"CAS_{issuer}_{end:%d%m%Y}.pdf", status=CasImport.Status.RUNNING
    )
    return cas_data_import(cas_import=cas_import, data=casparser_data(statement, pan=person.pan))


class _Refs:
    """Client references unique within a distributor: DB<schema code><kind><serial>."""

    def __init__(self, schema: str):
        self.prefix = f"DB{DISTRIBUTORS_INDEX[schema]}"

    def __call__(self, kind: str, serial: int) -> str:
        return f"{self.prefix}{kind}{serial:09d}"


def _ist(day: date, hour: int = 11) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=IST)


def _sip_with_history(investor: Investor, scheme: Scheme, serial: int, today: date, refs: _Refs) -> None:
    """An active monthly SIP on an approved e-NACH mandate, twelve instalments run (one bounced) and the
    next ones scheduled."""
    amount = Decimal(str([1000, 2000, 2500, 5000, 10000][serial % 5]))
    started = date(today.year - 1, today.month, 1 + serial % 28)
    account = investor.bank_accounts.first()
    mandate = Mandate.objects.create(
        investor=investor, bank_account=account, amount_limit=Decimal("25000"), start_date=started - timedelta(days=10),
        end_date=date(started.year + 30, 12, 31), status=MandateStatus.APPROVED, gateway=Gateway.BSE_STARMF,
        exchange_mandate_id=f"{refs.prefix}M{serial:07d}",
        registered_at=_ist(started - timedelta(days=10)), approved_at=_ist(started - timedelta(days=8)),
    )  # fmt: skip
    sip = SipRegistration.objects.create(
        investor=investor, scheme=scheme, mandate=mandate, amount=amount, start_date=started,
        instalments=SIP_INSTALMENTS, status=SipStatus.ACTIVE, gateway=Gateway.BSE_STARMF, gateway_pinned=True,
        client_ref=refs("S", serial), exchange_reg_id=f"{refs.prefix[2:]}{70000000 + serial}",
        registered_at=_ist(started - timedelta(days=5)),
    )  # fmt: skip
    nav_at = dict(NavHistory.objects.filter(scheme=scheme, date__gte=started).values_list("date", "nav"))
    rows, orders = [], []
    for number in range(1, SIP_MONTHS_DONE + 4):
        due = _month_add(started, number - 1)
        if due >= today:
            rows.append(SipInstalment(sip=sip, number=number, due_date=due))
            continue
        bounced = number == 5 and serial % 2 == 1  # one bounced debit in half the SIPs
        nav_day = max((d for d in nav_at if d <= due), default=None)
        order = Order(
            investor=investor, kind=OrderKind.PURCHASE, scheme=scheme, amount=amount, sip=sip,
            status=OrderStatus.FAILED if bounced else OrderStatus.SUCCESSFUL, gateway=Gateway.BSE_STARMF,
            gateway_pinned=True, client_ref=refs("I", serial * 100 + number), placed_at=_ist(due, 9),
            expected_nav_date=due, exchange_order_id=f"{serial * 100 + number:010d}",
        )  # fmt: skip
        if bounced:
            order.failed_at, order.failure_code = _ist(due, 18), "mandate_debit_failed"
            order.failure_reason = "The bank returned the debit: insufficient funds."
        elif nav_day is not None:
            nav = nav_at[nav_day]
            order.allotted_nav, order.nav_date, order.allotted_amount = nav, nav_day, amount
            order.allotted_units = (amount / nav).quantize(Decimal("0.001"))
            order.successful_at = _ist(due + timedelta(days=2), 10)
        orders.append(order)
        status = SipInstalment.Status.FAILED if bounced else SipInstalment.Status.SUCCESSFUL
        rows.append(SipInstalment(sip=sip, number=number, due_date=due, status=status, order=order))
    Order.objects.bulk_create(orders)
    SipInstalment.objects.bulk_create(rows)


def _month_add(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


ORDER_STATES = [
    (OrderStatus.PENDING_OTP, {}),
    (OrderStatus.QUEUED, {"queued_at": 0}),
    (OrderStatus.SUBMITTED, {"queued_at": 0, "submitted_at": 0}),
    (OrderStatus.UNKNOWN, {"queued_at": 0, "submitted_at": 0, "unknown_at": 0}),
    (OrderStatus.ACCEPTED, {"queued_at": 0, "submitted_at": 0, "accepted_at": 0}),
    (OrderStatus.PAYMENT_PENDING, {"queued_at": 0, "submitted_at": 0, "accepted_at": 0, "payment_pending_at": 0}),
    (OrderStatus.SUCCESSFUL, {"queued_at": 0, "submitted_at": 0, "accepted_at": 0, "successful_at": 2}),
    (OrderStatus.REJECTED, {"queued_at": 0, "submitted_at": 0, "rejected_at": 0}),
    (OrderStatus.FAILED, {"queued_at": 0, "failed_at": 0}),
    (OrderStatus.CANCELLED, {"cancelled_at": 0}),
    (OrderStatus.REVERSED, {"queued_at": 0, "submitted_at": 0, "accepted_at": 0, "successful_at": 2, "reversed_at": 9}),
]
ORDER_REASONS = {
    OrderStatus.REJECTED: ("exchange_rejected", "FAILED: MINIMUM INVESTMENT AMOUNT NOT MET"),
    OrderStatus.FAILED: ("payment_failed", "The payment was not made before the cut-off."),
    OrderStatus.REVERSED: ("registrar_reversal", "The registrar reversed the allotment: cheque returned."),
}


def _orders_in_every_state(investors: list[Investor], schemes: list[Scheme], today: date, refs: _Refs) -> None:
    """One lump-sum purchase in each state an order can be in, spread over the book's investors."""
    orders = []
    for index, (status, stamps) in enumerate(ORDER_STATES):
        investor, scheme = investors[index * 5 % len(investors)], schemes[index % len(schemes)]
        placed = today - timedelta(days=index % 4)
        order = Order(
            investor=investor, kind=OrderKind.PURCHASE, scheme=scheme, amount=Decimal(5000 + 2500 * index),
            status=status, gateway="" if status == OrderStatus.PENDING_OTP else Gateway.BSE_STARMF,
            client_ref=refs("O", index + 1), placed_at=_ist(placed, 10), expected_nav_date=placed,
        )  # fmt: skip
        for field, days in stamps.items():
            setattr(order, field, _ist(placed + timedelta(days=days), 12))
        if status in (OrderStatus.SUCCESSFUL, OrderStatus.REVERSED) and scheme.latest_nav:
            order.allotted_nav, order.nav_date, order.allotted_amount = scheme.latest_nav, placed, order.amount
            order.allotted_units = (order.amount / scheme.latest_nav).quantize(Decimal("0.001"))
        if status in ORDER_REASONS:
            order.failure_code, order.failure_reason = ORDER_REASONS[status]
        if status not in (OrderStatus.PENDING_OTP, OrderStatus.QUEUED, OrderStatus.CANCELLED):
            order.exchange_order_id = f"{refs.prefix}{index + 1:09d}"
        orders.append(order)
    Order.objects.bulk_create(orders)


def _family_seed(schema: str, family: int, rms, plans, navs, today: date, end: date, refs: _Refs) -> list[Investor]:
    people = family_people(schema, family)
    rm = rms[family % len(rms)]
    now = timezone.now()
    investors = []
    with transaction.atomic():
        for person in people:
            investor = _investor_create(person, rm, now)
            serial = family * 3 + person.member
            schemes = plans["regular"] if serial % 5 < REGULAR_SHARE else plans["direct"]
            specs = _specs(person, schemes, navs)
            _past_cas_import(investor, person, specs, end)
            if person.member < 2:  # the head and the spouse invest monthly
                held = next(s for s in schemes if s.name == specs[0].name)
                _sip_with_history(investor, held, serial + 1, today, refs)
            investors.append(investor)
        head = investors[0]
        FamilyLink.objects.bulk_create(
            [
                FamilyLink(owner=head, member=member, relationship=person.relationship,
                           status=FamilyLink.Status.ACTIVE, consented_at=now)
                for member, person in zip(investors[1:], people[1:], strict=True)
            ]
        )  # fmt: skip
    return investors


def seed(*, log) -> None:
    plans = {"regular": _candidates(Scheme.Plan.REGULAR), "direct": _candidates(Scheme.Plan.DIRECT)}
    if len(plans["regular"]) < SCHEMES_PER_INVESTOR or len(plans["direct"]) < SCHEMES_PER_INVESTOR:
        log("book: no fund universe yet; skipped")
        return
    today = timezone.now().astimezone(IST).date()
    end = min(s.latest_nav_date for s in plans["regular"][:10])
    navs = _NavCache()
    for spec in DISTRIBUTORS:
        schema = spec["schema_name"]
        distributor = Distributor.objects.filter(schema_name=schema).first()
        if distributor is None:
            continue
        with tenant_context(distributor):
            rms = _rms_ensure(schema, log)
            refs = _Refs(schema)
            _demo_investors_assign(schema, rms)
            created: list[Investor] = []
            for family in range(FAMILIES):
                head = family_people(schema, family)[0]
                if User.objects.filter(email__iexact=head.email).exists():
                    continue
                created += _family_seed(schema, family, rms, plans, navs, today, end, refs)
            if created and not Order.objects.filter(client_ref=refs("O", 1)).exists():
                _orders_in_every_state(created, plans["regular"], today, refs)
            if created:
                log(f"book: {schema} has {len(created)} more investors in {len(created) // 3} families")
            if created or not BookSnapshot.objects.exists():  # the dashboards' charts, as the nightly job takes them
                book_snapshots_refresh()


def _demo_investors_assign(schema: str, rms: list[StaffMember]) -> None:
    """The demo's sign-in investors belong to a relationship manager too (the first to each)."""
    for rm, investor in zip(
        rms, Investor.objects.filter(relationship_manager__isnull=True).order_by("id")[:2], strict=False
    ):
        if not investor.email.endswith(f"@{schema}.localhost"):
            continue
        investor.relationship_manager = rm
        investor.save(update_fields=["relationship_manager", "updated_at"])


def credentials(creds: dict) -> None:
    for spec in DISTRIBUTORS:
        info = creds["distributors"].get(spec["schema_name"])
        if info is None:
            continue
        info["relationship_managers"] = [
            {"email": f"{key}@{spec['schema_name']}.localhost", "password": rm_password(spec["schema_name"]),
             "name": name}
            for key, name, _euin in RMS
        ]  # fmt: skip
