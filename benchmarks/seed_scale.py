"""A large distributor's book, for the scale benchmarks: one distributor (schema "scale", host
scale.localhost) with N investors (default 20,000), each with a bank account and an approved mandate, 2.5
SIPs, 100 ledger transactions over a handful of schemes (FIFO lots, holdings and valuations built from them)
and 15 orders across every order state; 2,000 synthetic schemes of fictional fund houses with 5 years of
weekday NAVs, loaded through the AMFI history importer (its COPY path). Each SIP has its whole schedule of
instalment rows, as sip_create writes it (120 each: 6,000,000 at 20,000 investors).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python benchmarks/seed_scale.py [--investors 20000] [--reuse]

Quick run: --investors 2000. The distributor is onboarded through distributor_create; staff through
staff_create. Investors and their records go in with bulk inserts (the ledger with COPY), in batches of
--batch investors, each batch in its own transaction; the lots are replayed by the ledger's own FIFO book
(the code holding_rebuild runs) and holdings and investor totals are valued by the valuation services
(holdings_revalue; investor totals in grouped queries, checked against investor_valuation_refresh). Last,
each staff book's dashboard snapshot is taken, as the nightly job takes it after the NAV import.
At the end a sample of holdings is rebuilt with holding_rebuild and compared: the seeded state must be
the one the services would have produced. --reuse keeps an existing "scale" distributor and adds
investors up to N. Prints its own time and the database size; the last line is one JSON object.

Runs with production settings (like scale_pages.py and load.py, which serve this data): the keys of the
encrypted fields are fixed benchmark values unless the environment gives them."""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCHEMA = "scale"
HOST = "scale.localhost"
OWNER_EMAIL = "owner@scale.localhost"
STAFF_PASSWORD = "scale-bench-password-2026"  # benchmark-only data, never a real account
EMAIL_DOMAIN = "investors.scale.localhost"
AMFI_BASE = 880_000  # synthetic AMFI codes 880000..: a namespace no real scheme uses
AMCS = 40
RMS = 20
SIP_DAY = 7
REVALUE_CHUNK = 5000  # holdings per holdings_revalue call (a batch's holdings: its queries are set-based)
CENT = Decimal("0.01")
UNIT = Decimal("0.0001")
NAV_PLACES = Decimal("0.0001")
HISTORY_HEADER = (
    "Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;Scheme Name;Net Asset Value;"
    "Repurchase Price;Sale Price;Date"
)
CATEGORIES = (
    "Open Ended Schemes(Equity Scheme - Flexi Cap Fund)",
    "Open Ended Schemes(Debt Scheme - Liquid Fund)",
    "Open Ended Schemes(Hybrid Scheme - Balanced Advantage)",
)


# What production settings require (config/settings/safety.py), as fixed benchmark values: the encrypted and
# hashed fields seeded by one run must open in the next. Exchanges and providers get addresses that never
# resolve (nothing here calls them). The environment wins where it sets a value.
BENCHMARK_SETTINGS = {
    "DJANGO_SECRET_KEY": "scale-benchmark-secret-key-not-for-production-0123456789abcdef",
    "FIELD_HASH_KEY": "scale-benchmark-field-hash-key-not-for-production",
    "FIELD_ENCRYPTION_KEYS": "scale-benchmark-field-encryption-key-not-for-production",
    "NOTIFIER_BACKEND": "apps.accounts.notifiers.EmailNotifier",
    "SMS_NOTIFIER_BACKEND": "apps.notifications.channels.sms.Msg91Notifier",
    "MSG91_BASE_URL": "https://msg91.invalid",
    "MSG91_AUTH_KEY": "scale-benchmark-msg91-key",
    "MSG91_TEMPLATE_ID": "scale-benchmark-template",
    "KRA_BASE_URL": "https://kra.invalid/",
    "KRA_USERNAME": "scale-benchmark",
    "KRA_PASSWORD": "scale-benchmark-kra-password",
    "BSE_STARMF_ORDER_URL": "https://bse.invalid/MFOrderEntry/MFOrder.svc",
    "BSE_STARMF_SERVICES_URL": "https://bse.invalid/StarMFWebService/StarMFWebService.svc/Basic",
    "FUNDS_BSE_SCHEME_MASTER_URL": "https://bse.invalid/SchemeMaster.txt",
    "MFU_BASE_URL": "https://mfu.invalid/",
    "MFU_AES_KEY": "c2NhbGUtYmVuY2htYXJrLW1mdS1rZXktMzItYnl0ZXM=",  # 32 bytes, base64
    "SANDBOX_ENABLED": "false",
    "DJANGO_DEBUG": "false",
    "LOG_LEVEL": "WARNING",
}


def benchmark_environment() -> None:
    """Production settings with fixed benchmark keys, shared by seed_scale, scale_pages and load. The token
    signing key is one generated once under .data/benchmark (never committed)."""
    from apps.oauth.keys import DEV_KEY_FILENAME, dev_key_load_or_create

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    for name, value in BENCHMARK_SETTINGS.items():
        os.environ.setdefault(name, value)
    if not os.environ.get("OIDC_RSA_PRIVATE_KEY"):
        directory = ROOT / ".data" / "benchmark"
        dev_key_load_or_create(directory)
        os.environ.setdefault("OIDC_RSA_PRIVATE_KEY_FILE", str(directory / DEV_KEY_FILENAME))


# --- NAVs: one deterministic walk per scheme, so the ledger can price a day without a query ---------------


def weekdays(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def nav_on(scheme_no: int, day_no: int) -> Decimal:
    """NAV of synthetic scheme `scheme_no` on the `day_no`-th weekday of the history: a drift with a wave."""
    base = 10 + (scheme_no * 7) % 90
    growth = 1 + (0.00035 + (scheme_no % 5) * 0.00005) * day_no
    wave = 1 + 0.04 * math.sin(day_no / (20 + scheme_no % 13))
    return Decimal(f"{base * growth * wave:.4f}")


def history_write(path: Path, *, schemes: int, days: list[date]) -> int:
    """An AMFI NAV history file (AMFI's layout: header, category and fund-house lines, rows of scheme;
    ISINs blank) for the synthetic schemes."""
    stamps = [d.strftime("%d-%b-%Y") for d in days]
    rows = 0
    per_amc = -(-schemes // AMCS)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HISTORY_HEADER + "\r\n\r\n")
        for s in range(schemes):
            if s % per_amc == 0:
                amc = s // per_amc
                out.write(f"{CATEGORIES[amc % 3]}\r\n\r\nScalewell {amc} Mutual Fund\r\n\r\n")
            name = f"Scalewell {s // per_amc} Fund {s} - Direct Plan - Growth"
            code = AMFI_BASE + s
            out.write("".join(f"{code};;;{name};{nav_on(s, d)};;;{stamps[d]}\r\n" for d in range(len(days))))
            rows += len(days)
    return rows


def schemes_seed(*, count: int, years: int, log) -> tuple[list, list[date], dict]:
    """The synthetic schemes (imported once), the weekdays of their history and {scheme id: scheme no}."""
    from apps.funds.importers.history import import_amfi_nav_history
    from apps.funds.models import Scheme

    last = date.today() - timedelta(days=1)
    while last.weekday() >= 5:
        last -= timedelta(days=1)
    days = weekdays(last - timedelta(days=365 * years), last)
    codes = [str(AMFI_BASE + s) for s in range(count)]
    existing = Scheme.objects.filter(amfi_code__in=codes).count()
    if existing < count:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "scale_nav_history.txt"
            started = time.perf_counter()
            rows = history_write(path, schemes=count, days=days)
            log(f"  NAV history file: {rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB")
            run = import_amfi_nav_history(source=str(path), actor_label="seed_scale")
            log(f"  imported {run.inserted:,} NAVs in {time.perf_counter() - started:.1f} s (file written and read)")
    schemes = list(Scheme.objects.filter(amfi_code__in=codes).select_related("amc").order_by("amfi_code"))
    missing_nav = [s.amfi_code for s in schemes if not s.latest_nav]
    if len(schemes) != count or missing_nav:
        sys.exit(f"the synthetic schemes did not import ({len(schemes)} of {count}; {len(missing_nav)} without NAV)")
    return schemes, days, {s.pk: int(s.amfi_code) - AMFI_BASE for s in schemes}


# --- COPY for the ledger's three big tables ------------------------------------------------------------


def ids_reserve(model, count: int) -> list[int]:
    """`count` primary keys from the table's own sequence, so rows can be COPYed with their ids known."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def copy_models(model, objects: list) -> None:
    """COPY model instances (ids set) into their table. Only for models whose fields are plain values
    (numbers, dates, text, UUIDs: what psycopg adapts itself); auto_now(_add) stamps are set to now."""
    from django.db import connection
    from django.utils import timezone

    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    now = timezone.now()
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([now if name in stamped else getattr(obj, name) for name in names])


def copy_new(model, objects: list) -> list:
    """COPY new instances (of a model copy_models can write) with ids from the table's sequence."""
    for obj, pk in zip(objects, ids_reserve(model, len(objects)), strict=True):
        obj.pk = pk
    copy_models(model, objects)
    return objects


def ledger_copy(lines: list, books: list) -> tuple[list, list]:
    """COPYs the transactions and the lots and disposals their books made; returns (lots, disposals)."""
    from apps.portfolio.models import Lot, LotDisposal, Transaction

    for line, pk in zip(lines, ids_reserve(Transaction, len(lines)), strict=True):
        line.pk = pk
    copy_models(Transaction, lines)

    lots = [lot for book in books for lot in book.all_lots]
    for lot, pk in zip(lots, ids_reserve(Lot, len(lots)), strict=True):
        lot.pk = pk
    for lot in lots:
        lot.transaction_id = lot.transaction.pk
    copy_models(Lot, lots)
    disposals = []
    for book in books:
        for lot, disposal in book.disposals:
            disposal.lot = lot
            disposal.transaction_id = disposal.transaction.pk
            disposals.append(disposal)
    for disposal, pk in zip(disposals, ids_reserve(LotDisposal, len(disposals)), strict=True):
        disposal.pk = pk
    copy_models(LotDisposal, disposals)
    return lots, disposals


def pan_for(n: int) -> str:
    """A distinct individual's PAN (fourth letter P) per investor number."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head = f"{letters[n % 26]}{letters[n // 26 % 26]}{letters[n // 676 % 26]}P{letters[n // 17576 % 26]}"
    return f"{head}{n % 10000:04d}{letters[(n * 7) % 26]}"


# --- One batch of investors --------------------------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Book:
    def __init__(self, *, schemes: list, days: list[date], scheme_no: dict, rms: list, seed: int):
        self.schemes = schemes
        self.days = days
        self.day_index = {d: i for i, d in enumerate(days)}
        self.scheme_no = scheme_no
        self.rms = rms
        self.rng = random.Random(seed)
        # a realistic spread: a few popular schemes hold most of the book
        self.weights = [1 / (1 + i) ** 0.8 for i in range(len(schemes))]
        self.counts: dict[str, int] = {}

    def _count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def trade_day(self, day: date) -> tuple[int, date]:
        """The first NAV day on or after `day` (its index and date)."""
        while day not in self.day_index:
            day += timedelta(days=1)
            if day > self.days[-1]:
                return len(self.days) - 1, self.days[-1]
        return self.day_index[day], day

    def seed_batch(self, start: int, count: int) -> None:
        from django.db import transaction

        from apps.accounts.models import BankAccount, Investor, KycStatus
        from apps.users.models import User

        rng = self.rng
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"investor{n:06d}@{EMAIL_DOMAIN}",
                        mobile=f"+9197{n:08d}",
                        full_name=self.name(n),
                        password="!",  # unusable: these investors sign in with OTPs or JWTs minted by load.py
                    )
                    for n in range(start, start + count)
                ]
            )
            pan_field = Investor._meta.get_field("pan")
            investors = []
            for n, user in zip(range(start, start + count), users, strict=True):
                kyc = rng.choices(
                    [KycStatus.VERIFIED, KycStatus.PENDING, KycStatus.ON_HOLD, KycStatus.REJECTED], [90, 5, 3, 2]
                )[0]
                pan = pan_for(n)
                investors.append(
                    Investor(
                        user=user,
                        full_name=user.full_name,
                        email=user.email,
                        mobile=user.mobile,
                        pan=pan,
                        pan_hash=pan_field.hash_of(pan),
                        kyc_status=kyc,
                        relationship_manager=self.rms[n % len(self.rms)],
                        date_of_birth=date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                        city=["Mumbai", "Pune", "Bengaluru", "Chennai", "Delhi", "Kolkata"][n % 6],
                        pincode=f"{400001 + n % 500}",
                        nomination_opted_out=True,
                    )
                )
            Investor.objects.bulk_create(investors)
            number_field = BankAccount._meta.get_field("account_number")
            banks = BankAccount.objects.bulk_create(
                [
                    BankAccount(
                        investor=inv,
                        account_number=f"5010{inv.pk:010d}",
                        account_number_hash=number_field.hash_of(f"5010{inv.pk:010d}"),
                        ifsc="HDFC0001234",
                        bank_name="HDFC Bank",
                        is_primary=True,
                        is_verified=True,
                    )
                    for inv in investors
                ]
            )
            self._count("investors", len(investors))
            self.ledger_seed(investors)
            self.orders_seed(investors, banks, start)
        self.valuations_seed(investors)

    @staticmethod
    def name(n: int) -> str:
        first = ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Rahul", "Sneha", "Karan"]
        last = ["Sharma", "Iyer", "Patel", "Reddy", "Gupta", "Nair", "Menon", "Singh", "Das", "Joshi", "Kulkarni"]
        return f"{first[n % 11]} {last[(n // 11) % 11]} {n:06d}"

    def holding_lines(self, holding, n_lines: int) -> list:
        """Monthly SIP instalments on the 7th (a lumpsum now and then), a yearly redemption of 30%."""
        from apps.portfolio.models import Transaction, TransactionKind
        from apps.portfolio.services.ledger import transaction_cash_flow

        rng, lines = self.rng, []
        s_no = self.scheme_no[holding.scheme_id]
        first = max(len(self.days) - 1 - rng.randint(n_lines * 22, len(self.days) - 1), 0)
        units_held = Decimal("0")
        month = self.days[first].replace(day=1)
        for k in range(n_lines):
            month = (month + timedelta(days=32)).replace(day=1)
            idx, day = self.trade_day(month.replace(day=SIP_DAY))
            nav = nav_on(s_no, idx)
            if k % 12 == 11 and units_held > 0:
                units = -(units_held * Decimal("0.3")).quantize(UNIT)
                kind, amount = TransactionKind.REDEMPTION, _money(units * nav)
            else:
                kind = TransactionKind.SIP if k % 7 else TransactionKind.PURCHASE
                amount = Decimal(rng.choice([500, 1000, 2000, 5000, 10000]) * (5 if k % 7 == 0 else 1))
                units = (amount / nav).quantize(UNIT)
            units_held += units
            lines.append(
                Transaction(
                    investor_id=holding.investor_id,
                    folio_id=holding.folio_id,
                    holding=holding,
                    scheme_id=holding.scheme_id,
                    kind=kind,
                    trade_date=day,
                    amount=amount,
                    units=units,
                    nav=nav,
                    balance=units_held,
                    cash_flow=transaction_cash_flow(kind=kind, amount=amount),
                    source="order",
                    source_ref=f"scale-{holding.pk}-{k}",
                )
            )
        return lines

    def ledger_seed(self, investors: list) -> None:
        """Folios, holdings and 100 transactions per investor (monthly SIP purchases, lumpsums and some
        redemptions), then FIFO lots and disposals replayed by the ledger's book, COPYed."""
        from apps.portfolio.models import Folio, Holding, MappedBy
        from apps.portfolio.services.ledger import _LotBook

        rng = self.rng
        plans = []  # (investor, [scheme, ...])
        for inv in investors:
            held, target = [], rng.randint(5, 10)
            while len(held) < target:
                scheme = rng.choices(self.schemes, self.weights)[0]
                if scheme not in held:
                    held.append(scheme)
            plans.append((inv, held))
        folios = Folio.objects.bulk_create(
            [
                Folio(investor=inv, amc_id=amc_id, amc_name=amc_name, folio_number=f"{inv.pk}/{amc_id:04d}")
                for inv, held in plans
                for amc_id, amc_name in {s.amc_id: s.amc.name for s in held}.items()
            ]
        )
        folio_of = {(f.investor_id, f.amc_id): f for f in folios}
        # ids first, so the ledger can be replayed before anything is written and each row goes in once
        holdings = [
            Holding(
                investor=inv,
                folio=folio_of[inv.pk, s.amc_id],
                scheme=s,
                source_name=s.name,
                source_amfi_code=s.amfi_code,
                mapped_by=MappedBy.AMFI,
            )
            for inv, held in plans
            for s in held
        ]
        for holding, pk in zip(holdings, ids_reserve(Holding, len(holdings)), strict=True):
            holding.pk = pk
        by_investor: dict[int, list] = {}
        for h in holdings:
            by_investor.setdefault(h.investor_id, []).append(h)

        lines, books, dates = [], [], {}
        for inv, _held in plans:
            mine = by_investor[inv.pk]
            per = [100 // len(mine) + (1 if i < 100 % len(mine) else 0) for i in range(len(mine))]
            for holding, n_lines in zip(mine, per, strict=True):
                book = _LotBook(holding=holding)
                mine_lines = self.holding_lines(holding, n_lines)
                for line in mine_lines:
                    book.replay(line)
                lines.extend(mine_lines)
                books.append(book)
                dates[holding.pk] = (mine_lines[0].trade_date, mine_lines[-1].trade_date)
        # the holding's figures exactly as holding_rebuild sets them from the same book
        for book in books:
            holding = book.holding
            holding.units = book.units_held().quantize(UNIT)
            holding.invested = _money(book.invested())
            holding.realised_gain = _money(book.realised)
            holding.dividends = _money(book.dividends)
            holding.units_without_cost = book.units_without_cost()
            holding.cost_incomplete = book.shortfall or holding.units_without_cost > 0
            holding.first_trade_date, holding.last_trade_date = dates[holding.pk]
            holding.valuation_stale = True
        copy_models(Holding, holdings)
        lots, disposals = ledger_copy(lines, books)
        self._count("holdings", len(holdings))
        self._count("transactions", len(lines))
        self._count("lots", len(lots))
        self._count("disposals", len(disposals))

    def _instalments(self, sip, today: date) -> list:
        """Every instalment of the SIP's schedule, as sip_create writes them, in the state its life left
        them: paid before today (one in 25 missed or failed), scheduled from today, cancelled after a
        cancellation or a completion and for a SIP the exchange rejected; all scheduled while the OTP waits."""
        from apps.orders.models import SipInstalment, SipStatus
        from apps.orders.services.sips import sip_schedule

        status_of = SipInstalment.Status
        schedule = sip_schedule(start=sip.start_date, frequency=sip.frequency, count=sip.instalments)
        rows = []
        for number, due in enumerate(schedule, start=1):
            status, reason = status_of.SCHEDULED, ""
            if sip.status == SipStatus.REJECTED:
                status = status_of.CANCELLED
            elif sip.status != SipStatus.PENDING_OTP and due < today:
                if (sip.pk + number) % 25 == 0:
                    status, reason = status_of.MISSED, "No order was placed by its due date."
                elif (sip.pk + number) % 25 == 1:
                    status, reason = status_of.FAILED, "The bank returned the debit: insufficient funds."
                else:
                    status = status_of.SUCCESSFUL
            elif sip.status in (SipStatus.CANCELLED, SipStatus.COMPLETED):
                status = status_of.CANCELLED
            rows.append(SipInstalment(sip=sip, number=number, due_date=due, status=status, reason=reason))
        return rows

    def orders_seed(self, investors: list, banks: list, start: int) -> None:
        """An approved mandate each, 2 or 3 SIPs (2.5 on average) with their instalments, and 15 orders over
        every order state."""
        from django.utils import timezone

        from apps.orders.models import (
            Mandate,
            MandateStatus,
            Order,
            OrderKind,
            OrderStatus,
            SipInstalment,
            SipRegistration,
            SipStatus,
        )

        rng, now = self.rng, timezone.now()
        today = timezone.localdate()
        mandates = copy_new(
            Mandate,
            [
                Mandate(
                    investor=inv,
                    bank_account=bank,
                    amount_limit=Decimal("100000"),
                    start_date=today - timedelta(days=700),
                    end_date=today + timedelta(days=3650),
                    status=MandateStatus.APPROVED,
                    gateway="bse",
                    exchange_mandate_id=f"SCM{inv.pk:09d}",
                    registered_at=now - timedelta(days=700),
                    approved_at=now - timedelta(days=695),
                )
                for inv, bank in zip(investors, banks, strict=True)
            ],
        )
        sip_states = [SipStatus.ACTIVE] * 6 + [
            SipStatus.CANCELLED,
            SipStatus.COMPLETED,
            SipStatus.PENDING_OTP,
            SipStatus.REJECTED,
        ]
        sips, orders = [], []
        statuses = list(OrderStatus)
        for offset, (inv, mandate) in enumerate(zip(investors, mandates, strict=True)):
            n = start + offset
            for k in range(2 + (n % 2)):
                status = rng.choice(sip_states)
                # on one of the exchange's SIP days (1-28); a SIP still waiting for its OTP was set up just now,
                # so its first instalment is at least 7 days away, as sip_create requires
                if status == SipStatus.PENDING_OTP:
                    start_date = today + timedelta(days=rng.randint(10, 40))
                else:
                    start_date = today - timedelta(days=rng.randint(30, 900))
                start_date = start_date.replace(day=min(start_date.day, 28))
                sips.append(
                    SipRegistration(
                        investor=inv,
                        scheme=rng.choices(self.schemes, self.weights)[0],
                        mandate=mandate,
                        amount=Decimal(rng.choice([1000, 2000, 5000])),
                        start_date=start_date,
                        instalments=120,
                        status=status,
                        gateway="bse",
                        client_ref=f"SS{n:07d}{k}",
                        exchange_reg_id=f"SR{n:07d}{k}" if status != SipStatus.PENDING_OTP else "",
                        registered_at=now - timedelta(days=30) if status != SipStatus.PENDING_OTP else None,
                        cancelled_at=now - timedelta(days=3) if status == SipStatus.CANCELLED else None,
                    )
                )
            for k in range(15):
                status = statuses[k % len(statuses)] if k < len(statuses) else rng.choice(statuses)
                placed = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
                kind = OrderKind.PURCHASE if k % 4 else OrderKind.REDEMPTION
                scheme = rng.choices(self.schemes, self.weights)[0]
                order = Order(
                    investor=inv,
                    kind=kind,
                    scheme=scheme,
                    amount=Decimal(rng.choice([1000, 5000, 10000, 25000])),
                    folio_number="" if kind == OrderKind.PURCHASE else f"{inv.pk}/{scheme.amc_id:04d}",
                    status=status,
                    gateway="" if status == OrderStatus.PENDING_OTP else "bse",
                    client_ref=f"SO{n:07d}{k:02d}",
                    placed_at=placed,
                    expected_nav_date=(placed + timedelta(days=1)).date(),
                )
                self._order_stamps(order, placed)
                orders.append(order)
        copy_new(SipRegistration, sips)
        instalments = copy_new(SipInstalment, [row for sip in sips for row in self._instalments(sip, today)])
        copy_new(Order, orders)
        self._count("sips", len(sips))
        self._count("sip_instalments", len(instalments))
        self._count("orders", len(orders))

    @staticmethod
    def _order_stamps(order, placed: datetime) -> None:
        """The timestamps and exchange fields the order's state implies."""
        from apps.orders.models import OrderStatus

        s = order.status
        if s == OrderStatus.PENDING_OTP:
            return
        order.queued_at = placed + timedelta(seconds=30)
        if s == OrderStatus.QUEUED:
            return
        order.submitted_at = placed + timedelta(seconds=40)
        order.exchange_ref = f"T{order.client_ref}"
        if s == OrderStatus.SUBMITTED:
            return
        if s == OrderStatus.UNKNOWN:
            order.unknown_at = placed + timedelta(seconds=70)
            return
        if s == OrderStatus.CANCELLED:
            order.cancelled_at = placed + timedelta(hours=1)
            return
        if s in (OrderStatus.REJECTED, OrderStatus.FAILED):
            order.rejected_at = order.failed_at = None
            setattr(order, f"{s}_at", placed + timedelta(seconds=60))
            order.failure_code = "exchange_rejected" if s == OrderStatus.REJECTED else "gateway_error"
            order.failure_reason = "Rejected by the exchange" if s == OrderStatus.REJECTED else "The gateway failed"
            return
        order.accepted_at = placed + timedelta(seconds=60)
        order.exchange_order_id = f"E{order.client_ref}"
        if s == OrderStatus.ACCEPTED:
            return
        order.payment_pending_at = placed + timedelta(minutes=2)
        if s == OrderStatus.PAYMENT_PENDING:
            return
        order.payment_confirmed_at = placed + timedelta(minutes=30)
        order.successful_at = placed + timedelta(days=1)
        order.nav_date = order.expected_nav_date
        order.allotted_nav = Decimal("25.0000")
        order.allotted_amount = order.amount
        order.allotted_units = (order.amount / order.allotted_nav).quantize(UNIT)
        if s == OrderStatus.REVERSED:
            order.reversed_at = placed + timedelta(days=3)

    def valuations_seed(self, investors: list) -> None:
        """Values the holdings with holdings_revalue, then each investor's totals (InvestorValuation) in a
        few grouped queries for the whole batch: the figures investor_valuation_refresh computes one
        investor at a time (valuations_verify compares a sample with it at the end)."""
        from apps.core.bulk import bulk_update_from_arrays
        from apps.portfolio.models import Holding, InvestorValuation
        from apps.portfolio.services.valuation import holdings_revalue

        holdings = list(Holding.objects.filter(investor__in=investors).select_related("scheme").order_by("pk"))
        for start in range(0, len(holdings), REVALUE_CHUNK):
            holdings_revalue(holdings=holdings[start : start + REVALUE_CHUNK])
        ids = [inv.pk for inv in investors]
        totals, allocation, xirr = valuation_totals(ids), valuation_allocations(ids), None
        now = timezone_now()
        rows = []
        for investor_id in ids:
            t = totals.get(investor_id, {})
            value = t.get("value") or ZERO
            xirr = valuation_xirr(investor_id, t, value)
            rows.append(
                InvestorValuation(
                    investor_id=investor_id,
                    version=1,
                    value=value,
                    invested=t.get("invested") or ZERO,
                    unrealised_gain=t.get("unrealised") or ZERO,
                    realised_gain=t.get("realised") or ZERO,
                    dividends=t.get("dividends") or ZERO,
                    day_change=t.get("day_change") or ZERO,
                    holdings_count=t.get("holdings") or 0,
                    folios_count=t.get("folios") or 0,
                    needs_review_count=t.get("review") or 0,
                    nav_date=t.get("nav_date"),
                    allocation=allocation.get(investor_id, {"asset_class": [], "category": [], "amc": []}),
                    xirr=xirr,
                    valued_at=now,
                )
            )
        InvestorValuation.objects.bulk_create(rows, batch_size=1000)
        # the copy of the value the staff book sorts on, as investor_valuation_refresh keeps it
        value_of = {row.investor_id: row.value for row in rows}
        for investor in investors:
            investor.aum = value_of[investor.pk]
        bulk_update_from_arrays(investors, ["aum"])


ZERO = Decimal("0")


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def valuation_totals(ids: list[int]) -> dict[int, dict]:
    """investor_valuation_refresh's aggregate, grouped by investor."""
    from django.db.models import Count, Q, Sum

    from apps.portfolio.models import Holding
    from apps.portfolio.services.valuation import valuation_totals_expressions

    open_only = Q(units__gt=0)
    rows = (
        Holding.objects.filter(investor_id__in=ids)
        .values("investor_id")
        .annotate(
            **valuation_totals_expressions(),
            incomplete=Count("id", filter=open_only & Q(cost_incomplete=True)),
        )
        .order_by()
    )
    totals = {row["investor_id"]: row for row in rows}
    flows: dict[int, list] = {}
    from apps.portfolio.models import Transaction

    lines = (
        Transaction.objects.filter(investor_id__in=ids)
        .exclude(cash_flow=0)
        .values_list("investor_id", "trade_date")
        .annotate(flow=Sum("cash_flow"))
        .order_by("investor_id", "trade_date")
    )
    for investor_id, day, flow in lines:
        flows.setdefault(investor_id, []).append((day, flow))
    for investor_id, row in totals.items():
        row["flows"] = flows.get(investor_id, [])
    return totals


def valuation_allocations(ids: list[int]) -> dict[int, dict]:
    """allocation_compute per investor, from one grouped query for all of them."""
    from collections import defaultdict

    from django.db.models import Sum

    from apps.funds.models import Scheme
    from apps.portfolio.models import Holding
    from apps.portfolio.selectors.analytics import _weights

    rows = (
        Holding.objects.filter(investor_id__in=ids, units__gt=0)
        .values("investor_id", "scheme__asset_class", "scheme__category", "scheme__amc__name", "folio__amc_name")
        .annotate(total=Sum("value"))
        .order_by()
    )
    buckets: dict[int, tuple] = defaultdict(lambda: (defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)))
    for row in rows:
        by_class, by_category, by_amc = buckets[row["investor_id"]]
        by_class[row["scheme__asset_class"] or Scheme.AssetClass.UNKNOWN] += row["total"]
        by_category[row["scheme__category"] or "Unknown"] += row["total"]
        by_amc[row["scheme__amc__name"] or row["folio__amc_name"] or "Unknown"] += row["total"]
    result = {}
    for investor_id, (by_class, by_category, by_amc) in buckets.items():
        total = sum(by_class.values(), ZERO)
        result[investor_id] = {
            "asset_class": _weights(by_class, dict(Scheme.AssetClass.choices), total),
            "category": _weights(by_category, {}, total),
            "amc": _weights(by_amc, {}, total),
        }
    return result


def valuation_xirr(investor_id: int, totals: dict, value: Decimal):
    """portfolio_xirr from the grouped flows."""
    from apps.portfolio.xirr import cash_flows_with_terminal, xirr_decimal

    flows = totals.get("flows") or []
    if totals.get("incomplete") or not flows:
        return None
    as_of = totals.get("nav_date")
    last_trade = flows[-1][0]
    as_of = max(as_of, last_trade) if as_of else last_trade
    days, amounts = cash_flows_with_terminal(flows, value=value, as_of=as_of)
    return xirr_decimal(days, amounts)


def valuations_verify(*, sample: int, rng: random.Random) -> int:
    """Recomputes a sample of investors' totals with investor_valuation_refresh (rolled back) and counts
    those that differ from the seeded ones (the AUM copied on the investor included)."""
    from django.db import transaction

    from apps.accounts.models import Investor
    from apps.portfolio.models import InvestorValuation
    from apps.portfolio.services.valuation import investor_valuation_refresh

    fields = (
        "value",
        "invested",
        "unrealised_gain",
        "realised_gain",
        "day_change",
        "holdings_count",
        "folios_count",
        "nav_date",
        "allocation",
        "xirr",
    )
    ids = list(InvestorValuation.objects.values_list("investor_id", flat=True).order_by("investor_id"))
    differ = 0
    for investor_id in rng.sample(ids, min(sample, len(ids))):
        seeded = InvestorValuation.objects.get(investor_id=investor_id)
        seeded_aum = Investor.objects.values_list("aum", flat=True).get(pk=investor_id)
        with transaction.atomic():
            fresh = investor_valuation_refresh(investor=Investor.objects.get(pk=investor_id))
            transaction.set_rollback(True)
        differ += [getattr(seeded, f) for f in fields] + [seeded_aum] != [getattr(fresh, f) for f in fields] + [
            fresh.value
        ]
    return differ


def distributor_get(*, reuse: bool, log):
    from django_tenants.utils import tenant_context

    from apps.accounts.models import StaffRole
    from apps.accounts.services.staff import staff_create
    from tenants.models import Distributor
    from tenants.services import distributor_create

    existing = Distributor.objects.filter(schema_name=SCHEMA).first()
    if existing is not None and not reuse:
        sys.exit(f'a "{SCHEMA}" distributor exists: pass --reuse to add to it, or drop its schema first')
    if existing is None:
        log("onboarding the scale distributor ...")
        existing = distributor_create(
            schema_name=SCHEMA,
            display_name="Scalewell Wealth",
            domains=[HOST],
            arn="ARN-777001",
            admin_email=OWNER_EMAIL,
            admin_password=STAFF_PASSWORD,
            primary_color="#0b4f6c",
            accent_color="#f2a541",
        ).distributor
    with tenant_context(existing):
        from apps.accounts.models import StaffMember

        have = StaffMember.objects.filter(role=StaffRole.RELATIONSHIP_MANAGER).count()
        for i in range(have, RMS):
            staff_create(
                email=f"rm{i:02d}@scale.localhost",
                role=StaffRole.RELATIONSHIP_MANAGER,
                full_name=f"Relationship Manager {i:02d}",
                password=STAFF_PASSWORD,
                euin=f"E{770000 + i}",
            )
    return existing


def holdings_verify(*, sample: int, rng: random.Random) -> int:
    """Rebuilds a sample of holdings with holding_rebuild and counts those whose figures changed."""
    from django.db import transaction

    from apps.portfolio.models import Holding, Lot
    from apps.portfolio.services.ledger import holding_rebuild

    ids = list(Holding.objects.values_list("pk", flat=True).order_by("pk"))
    fields = ("units", "invested", "realised_gain", "units_without_cost", "first_trade_date", "last_trade_date")
    differ = 0
    for pk in rng.sample(ids, min(sample, len(ids))):
        with transaction.atomic():
            holding = Holding.objects.select_for_update().get(pk=pk)
            before = [getattr(holding, f) for f in fields] + [Lot.objects.filter(holding=holding).count()]
            holding_rebuild(holding=holding)
            after = [getattr(holding, f) for f in fields] + [Lot.objects.filter(holding=holding).count()]
            transaction.set_rollback(True)  # a check, not a change
        differ += before != after
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--investors", type=int, default=20_000)
    parser.add_argument("--schemes", type=int, default=2_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--batch", type=int, default=500, help="investors per transaction")
    parser.add_argument("--reuse", action="store_true", help='add to an existing "scale" distributor')
    parser.add_argument("--verify", type=int, default=200, help="holdings to rebuild and compare at the end")
    args = parser.parse_args()

    benchmark_environment()
    import django

    django.setup()
    from django.db import connection
    from django_tenants.utils import tenant_context

    from apps.accounts.models import Investor, StaffMember, StaffRole
    from apps.portfolio.services import book_snapshots_refresh
    from benchmarks.scratch import platform_ready

    def log(line: str) -> None:
        print(line, flush=True)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # a seeder's commits need not wait for the disk (a crash would mean seeding again, nothing lost)
        cursor.execute("SET synchronous_commit TO off")
    platform_ready()
    distributor = distributor_get(reuse=args.reuse, log=log)
    t = time.perf_counter()
    log(f"schemes: {args.schemes:,} with {args.years} years of NAVs ...")
    schemes, days, scheme_no = schemes_seed(count=args.schemes, years=args.years, log=log)
    schemes_seconds = time.perf_counter() - t

    with tenant_context(distributor):
        have = Investor.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}").count()
        rms = list(StaffMember.objects.filter(role=StaffRole.RELATIONSHIP_MANAGER).order_by("pk"))
        book = Book(schemes=schemes, days=days, scheme_no=scheme_no, rms=rms, seed=have or 1)
        t = time.perf_counter()
        for start in range(have, args.investors, args.batch):
            count = min(args.batch, args.investors - start)
            book.seed_batch(start, count)
            done = start + count - have
            rate = done / (time.perf_counter() - t)
            log(f"  investors {start + count:>7,} / {args.investors:,}  ({rate:,.0f} investors/s)")
        investors_seconds = time.perf_counter() - t
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # what the nightly job does after the NAV import: each staff book's dashboard snapshot
        t = time.perf_counter()
        books = book_snapshots_refresh()
        snapshots_seconds = time.perf_counter() - t
        log(f"  {books} book snapshots (the whole book and each relationship manager's) in {snapshots_seconds:.1f} s")
        differ = holdings_verify(sample=args.verify, rng=random.Random(7))
        differ += valuations_verify(sample=args.verify, rng=random.Random(8))
        totals = {
            "investors": Investor.objects.count(),
        }
    elapsed = time.perf_counter() - started
    cpu_seconds = time.process_time()  # this process only (Python); on a shared machine the steadier figure
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size_bytes,) = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(%s::bigint)", [size_bytes])
        (size_pretty,) = cursor.fetchone()
    log(f"seeded {book.counts} (tenant now has {totals['investors']:,} investors)")
    log(
        f"check: {args.verify} holdings rebuilt with holding_rebuild and {args.verify} investors revalued with "
        f"investor_valuation_refresh; differing from the seeded rows: {differ}"
    )
    log(
        f"time: {elapsed:.1f} s (schemes and NAVs {schemes_seconds:.1f} s, investors {investors_seconds:.1f} s, "
        f"book snapshots {snapshots_seconds:.1f} s); the seeder's own CPU time {cpu_seconds:.1f} s"
    )
    log(f"database size: {size_pretty}")
    print(
        json.dumps(
            {
                "benchmark": "seed_scale",
                "investors_requested": args.investors,
                "investors_in_tenant": totals["investors"],
                "seeded": book.counts,
                "schemes": len(schemes),
                "nav_days": len(days),
                "seconds": round(elapsed, 1),
                "seeder_cpu_seconds": round(cpu_seconds, 1),
                "schemes_seconds": round(schemes_seconds, 1),
                "investors_seconds": round(investors_seconds, 1),
                "book_snapshots_seconds": round(snapshots_seconds, 1),
                "database_bytes": size_bytes,
                "rows_differing_from_services": differ,
                "target_seconds_at_20000": 1200,
                "met": differ == 0 and (args.investors < 20_000 or elapsed <= 1200),
            }
        )
    )
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
