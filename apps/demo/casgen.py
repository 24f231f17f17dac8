"""Generates password-protected CAS PDFs in the layout CAMS and KFintech use for their detailed
statements, so tests and the demo can exercise the real parser (casparser) on realistic files.

Two parts:
- `statement_build` makes a statement's content: folios of several AMCs, each scheme's history of
  SIPs (with stamp duty), lump sums, redemptions (with STT), switches between schemes of an AMC,
  IDCW payouts and reinvestments, running unit balances, closing balances and valuation;
- `statement_render_pdf` draws it with reportlab: investor block top-left of page 1, the issuer's
  watermark code, AMC lines, folio lines, the scheme header with ISIN / advisor / registrar, and the
  six-column transaction table (Date, Transaction, Amount, Units, Price, Unit Balance) repeated on
  each page, encrypted with the given password (RC4-128, like the registrars' files).

Nothing here touches the database: NAVs come from a callable per scheme."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
NAV_PLACES = Decimal("0.0001")
STAMP_DUTY_RATE = Decimal("0.00005")  # 0.005% of the purchase amount, since 1-Jul-2020
STT_RATE = Decimal("0.00001")  # 0.001% of an equity fund redemption


def _q(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------------- content


@dataclass
class CasTransaction:
    date: date
    description: str
    amount: Decimal | None
    units: Decimal | None = None
    nav: Decimal | None = None
    balance: Decimal | None = None


@dataclass
class CasScheme:
    rta_code: str
    name: str
    isin: str
    registrar: str  # "CAMS" | "KFINTECH"
    advisor: str = "ARN-112233"
    opening: Decimal = Decimal("0")
    transactions: list[CasTransaction] = field(default_factory=list)
    nav_date: date | None = None
    nav: Decimal = Decimal("0")
    nav_at: Callable[[date], Decimal] | None = field(default=None, repr=False, compare=False)

    @property
    def close(self) -> Decimal:
        units = sum((t.units for t in self.transactions if t.units is not None), Decimal("0"))
        return self.opening + units

    @property
    def market_value(self) -> Decimal:
        return _q(self.close * self.nav, CENT)

    @property
    def cost_value(self) -> Decimal:
        """FIFO cost of the units held (what the statement prints as Total Cost Value)."""
        lots: list[list[Decimal]] = []
        for t in self.transactions:
            if t.units is None or t.amount is None:
                continue
            if t.units > 0:
                lots.append([t.units, t.amount])
            else:
                take = -t.units
                while take > 0 and lots:
                    units, cost = lots[0]
                    used = min(units, take)
                    lots[0] = [units - used, cost - cost * used / units]
                    take -= used
                    if lots[0][0] <= 0:
                        lots.pop(0)
        return _q(sum((cost for _, cost in lots), Decimal("0")), CENT)


@dataclass
class CasFolio:
    amc: str
    number: str
    pan: str
    holder: str
    schemes: list[CasScheme] = field(default_factory=list)
    kyc_ok: bool = True


@dataclass
class CasStatement:
    issuer: str  # "CAMS" | "KFINTECH"
    period_from: date
    period_to: date
    investor_name: str
    email: str
    mobile: str
    address: list[str]
    folios: list[CasFolio] = field(default_factory=list)

    @property
    def transaction_count(self) -> int:
        return sum(len(s.transactions) for f in self.folios for s in f.schemes)


@dataclass
class SchemeSpec:
    """A scheme the generator may put in a statement."""

    amc: str  # as printed: "... Mutual Fund"
    name: str
    isin: str
    rta_code: str
    registrar: str = "CAMS"
    equity: bool = True
    idcw: str = ""  # "" for growth, "payout" or "reinvest"
    nav_at: Callable[[date], Decimal] | None = None


def synthetic_nav_series(*, seed: int, start: date, end: date, start_nav: Decimal, drift: float = 0.12) -> dict:
    """A deterministic geometric random walk of NAVs for every calendar day in [start, end]."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    navs = {}
    log_nav = math.log(float(start_nav))
    day = start
    daily_drift = drift / 365
    while day <= end:
        navs[day] = _q(Decimal(repr(math.exp(log_nav))), NAV_PLACES)
        log_nav += daily_drift + rng.gauss(0, 0.009)
        day += timedelta(days=1)
    return navs


def _business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _month_add(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


class _SchemeLedger:
    def __init__(self, cas_scheme: CasScheme, spec: SchemeSpec):
        self.scheme = cas_scheme
        self.spec = spec
        self.balance = cas_scheme.opening

    def nav(self, day: date) -> Decimal:
        return self.spec.nav_at(day)

    def add(self, day: date, description: str, amount: Decimal | None, units: Decimal | None, nav=None):
        if units is not None:
            self.balance += units
        self.scheme.transactions.append(
            CasTransaction(
                date=day,
                description=description,
                amount=amount,
                units=units,
                nav=nav,
                balance=self.balance if units is not None else None,
            )
        )

    def buy(self, day: date, gross: Decimal, description: str, *, stamp: bool = True):
        nav = self.nav(day)
        duty = _q(gross * STAMP_DUTY_RATE / (1 + STAMP_DUTY_RATE), CENT) if stamp else Decimal("0")
        net = gross - duty
        units = _q(net / nav, MILLI)
        self.add(day, description, net, units, nav)
        if duty:
            self.add(day, "*** Stamp Duty ***", duty, None)
        return units

    def sell(self, day: date, units: Decimal, description: str):
        units = min(units, self.balance)
        if units <= 0:
            return Decimal("0")
        nav = self.nav(day)
        value = _q(units * nav, CENT)
        self.add(day, description, -value, -units, nav)
        if self.spec.equity and description.startswith(("Redemption", "Switch")):
            stt = _q(value * STT_RATE, CENT)
            if stt > 0:
                self.add(day, "*** STT Paid ***", stt, None)
        return value


def statement_build(
    *,
    seed: int,
    issuer: str,
    investor_name: str,
    email: str,
    mobile: str,
    pan: str,
    specs: list[SchemeSpec],
    period_from: date,
    period_to: date,
    sip_amounts: tuple[int, ...] = (1000, 2000, 2500, 5000, 10000),
    folios_per_amc: int = 1,
    sip_every_days: int = 0,
) -> CasStatement:
    """A statement whose history runs from period_from to period_to: for each scheme a monthly SIP (or
    every `sip_every_days` days), a lump sum, sometimes a redemption, IDCW for IDCW options, and one
    switch within each AMC that holds two schemes. Deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    statement = CasStatement(
        issuer=issuer,
        period_from=period_from,
        period_to=period_to,
        investor_name=investor_name,
        email=email,
        mobile=mobile,
        address=["12 Residency Road", "Bengaluru 560025", "Karnataka India"],
    )
    by_amc: dict[str, list[SchemeSpec]] = {}
    for spec in specs:
        by_amc.setdefault(spec.amc, []).append(spec)

    for amc_index, (amc, amc_specs) in enumerate(by_amc.items()):
        folios = [
            CasFolio(
                amc=amc,
                number=f"{rng.randint(10_000_000, 99_999_999)}" + (f" / {rng.randint(10, 99)}" if k else ""),
                pan=pan,
                holder=investor_name,
            )
            for k in range(max(1, min(folios_per_amc, len(amc_specs))))
        ]
        ledgers: list[_SchemeLedger] = []
        for index, spec in enumerate(amc_specs):
            scheme = CasScheme(
                rta_code=spec.rta_code, name=spec.name, isin=spec.isin, registrar=spec.registrar, nav_at=spec.nav_at
            )
            folios[index % len(folios)].schemes.append(scheme)
            ledgers.append(_SchemeLedger(scheme, spec))
        for index, ledger in enumerate(ledgers):
            _history(rng, ledger, period_from, period_to, sip_amounts, sip_every_days, amc_index + index)
        if len(ledgers) >= 2:
            _switch(rng, ledgers[0], ledgers[1], period_from, period_to)
        for ledger in ledgers:
            ledger.scheme.transactions.sort(key=lambda t: t.date)
            # running balances after sorting (a switch lands between SIPs)
            balance = ledger.scheme.opening
            for t in ledger.scheme.transactions:
                if t.units is not None:
                    balance += t.units
                    t.balance = balance
            ledger.scheme.nav_date = period_to
            ledger.scheme.nav = ledger.nav(period_to)
        statement.folios.extend(folios)
    return statement


def _history(rng, ledger: _SchemeLedger, start: date, end: date, sip_amounts, sip_every_days: int, salt: int):
    spec = ledger.spec
    sip_amount = Decimal(rng.choice(sip_amounts))
    first = _business_day(start + timedelta(days=rng.randint(0, 20)))
    ledger.buy(first, Decimal(rng.choice((5000, 10000, 25000, 50000))), "Purchase - Via Internet")
    day = first + timedelta(days=7)
    sip_dates = []
    while True:
        day = day + timedelta(days=sip_every_days) if sip_every_days else _month_add(day, 1)
        if day > end:
            break
        sip_dates.append(_business_day(day))
    total = len(sip_dates)
    redeem_at = set()
    if total > 6 and rng.random() < 0.7:
        redeem_at.add(sip_dates[rng.randint(total // 2, total - 1)])
    for installment, day in enumerate(sip_dates, start=1):
        if spec.registrar == "KFINTECH":
            desc = f"Systematic Investment ({installment})"
        else:
            desc = f"SIP Purchase - Instalment No {installment}/{total}"
        ledger.buy(day, sip_amount, desc)
        if day in redeem_at:
            ledger.sell(day + timedelta(days=1), _q(ledger.balance * Decimal("0.3"), MILLI), "Redemption")
        if spec.idcw and installment % 12 == 6:
            rate = _q(Decimal(rng.uniform(0.2, 1.5)), CENT)
            div_day = _business_day(day + timedelta(days=3))
            amount = _q(ledger.balance * rate, CENT)
            if spec.idcw == "reinvest":
                ledger.buy(div_day, amount, f"IDCW Reinvestment @ Rs.{rate} per unit", stamp=False)
            else:
                ledger.add(div_day, f"IDCW Paid @ Rs.{rate} per unit", amount, None)
                if amount > 5000:
                    ledger.add(div_day, "*** TDS on above ***", _q(amount * Decimal("0.1"), CENT), None)
    if salt % 5 == 3 and sip_dates:
        # a bounced SIP and its reversal
        day = sip_dates[len(sip_dates) // 3]
        units = ledger.buy(day, sip_amount, "SIP Purchase - Instalment (bounced)", stamp=False)
        ledger.add(day + timedelta(days=2), "Reversal - Payment not received", -sip_amount, -units, ledger.nav(day))


def _switch(rng, source: _SchemeLedger, target: _SchemeLedger, start: date, end: date) -> None:
    day = _business_day(start + (end - start) * 3 // 4)
    held = sum((t.units for t in source.scheme.transactions if t.units is not None and t.date <= day), Decimal("0"))
    units = _q(held * Decimal("0.25"), MILLI)
    if units <= 0:
        return
    nav = source.nav(day)
    value = _q(units * nav, CENT)
    source.balance -= units
    source.scheme.transactions.append(
        CasTransaction(day, f"Switch-Out - To {target.spec.name[:24]}", -value, -units, nav)
    )
    if source.spec.equity:
        stt = _q(value * STT_RATE, CENT)
        if stt > 0:
            source.scheme.transactions.append(CasTransaction(day, "*** STT Paid ***", stt))
    in_day = _business_day(day + timedelta(days=1))
    target_nav = target.nav(in_day)
    target_units = _q(value / target_nav, MILLI)
    target.balance += target_units
    target.scheme.transactions.append(
        CasTransaction(in_day, f"Switch-In - From {source.spec.name[:24]}", value, target_units, target_nav)
    )


def statement_window(statement: CasStatement, *, period_from: date, period_to: date) -> CasStatement:
    """The same investor's statement for a narrower period, as the registrar would issue it: units
    before the period become the opening balance; later transactions are left out."""
    window = CasStatement(
        issuer=statement.issuer,
        period_from=period_from,
        period_to=period_to,
        investor_name=statement.investor_name,
        email=statement.email,
        mobile=statement.mobile,
        address=list(statement.address),
    )
    for folio in statement.folios:
        copy = CasFolio(amc=folio.amc, number=folio.number, pan=folio.pan, holder=folio.holder, kyc_ok=folio.kyc_ok)
        for scheme in folio.schemes:
            before = [t for t in scheme.transactions if t.date < period_from]
            inside = [t for t in scheme.transactions if period_from <= t.date <= period_to]
            opening = scheme.opening + sum((t.units for t in before if t.units is not None), Decimal("0"))
            nav = scheme.nav_at(period_to) if scheme.nav_at else scheme.nav
            copy.schemes.append(
                CasScheme(
                    rta_code=scheme.rta_code,
                    name=scheme.name,
                    isin=scheme.isin,
                    registrar=scheme.registrar,
                    advisor=scheme.advisor,
                    opening=opening,
                    transactions=inside,
                    nav_date=period_to,
                    nav=nav,
                    nav_at=scheme.nav_at,
                )
            )
        window.folios.append(copy)
    return window


# ----------------------------------------------------------------------------------- rendering

PAGE_W, PAGE_H = 595.0, 842.0
LEFT = 30.0
TOP = 800.0
BOTTOM = 50.0
ROW = 10.5
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
SIZE = 7.5
# right edges of the numeric columns; left edges of Date and Transaction
X_DATE, X_TXN, X_AMOUNT, X_UNITS, X_PRICE, X_BALANCE = LEFT, 88.0, 345.0, 415.0, 480.0, 555.0
WATERMARK = {"CAMS": "CAMSCASWS", "KFINTECH": "KFINCASWS"}


def _fmt_money(value: Decimal) -> str:
    text = f"{abs(value):,.2f}"
    return f"({text})" if value < 0 else text


def _fmt_units(value: Decimal) -> str:
    text = f"{abs(value):,.3f}"
    return f"({text})" if value < 0 else text


def _fmt_date(day: date) -> str:
    return day.strftime("%d-%b-%Y")


class _Pages:
    def __init__(self, canvas, statement: CasStatement):
        self.c = canvas
        self.statement = statement
        self.y = TOP
        self.page = 1

    def text(self, x, value, *, size=SIZE, bold=False, right=False):
        self.c.setFont(FONT_BOLD if bold else FONT, size)
        if right:
            self.c.drawRightString(x, self.y, value)
        else:
            self.c.drawString(x, self.y, value)

    def newline(self, rows: float = 1.0):
        self.y -= ROW * rows

    def table_header(self):
        if self.statement.issuer == "KFINTECH":
            # KFintech spreads the header over four baselines
            self.text(X_AMOUNT, "Amount", right=True, bold=True)
            self.text(X_PRICE, "Price", right=True, bold=True)
            self.y -= 3
            self.text(X_BALANCE, "Unit", right=True, bold=True)
            self.y -= 3
            self.text(X_DATE, "Date", bold=True)
            self.text(X_TXN, "Transaction", bold=True)
            self.text(X_UNITS, "Units", right=True, bold=True)
            self.y -= 3
            self.text(X_AMOUNT, "(INR)", right=True)
            self.text(X_PRICE, "(INR)", right=True)
            self.text(X_BALANCE, "Balance", right=True, bold=True)
        else:
            self.text(X_DATE, "Date", bold=True)
            self.text(X_TXN, "Transaction", bold=True)
            self.text(X_AMOUNT, "Amount", right=True, bold=True)
            self.text(X_UNITS, "Units", right=True, bold=True)
            self.text(X_PRICE, "Price", right=True, bold=True)
            self.text(X_BALANCE, "Unit", right=True, bold=True)
            self.y -= 8
            self.text(X_AMOUNT, "(INR)", right=True)
            self.text(X_PRICE, "(INR)", right=True)
            self.text(X_BALANCE, "Balance", right=True, bold=True)
        self.newline(2)

    def footer(self):
        saved = self.y
        self.y = 25
        code = WATERMARK[self.statement.issuer]
        self.text(PAGE_W - 40, f"{code}-{self.statement.period_to:%d%m%Y}  Page {self.page}", size=6, right=True)
        self.y = saved

    def new_page(self):
        self.footer()
        self.c.showPage()
        self.page += 1
        self.y = TOP
        self.table_header()

    def ensure(self, rows: float):
        if self.y - rows * ROW < BOTTOM:
            self.new_page()


def statement_render_pdf(
    statement: CasStatement, *, password: str, title: str = "Consolidated Account Statement"
) -> bytes:
    """The statement as a PDF encrypted with `password` (the registrars use the investor's PAN).
    `title` is the heading on page 1 (the registrars' other documents have other headings)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, ownerPassword=password + "-owner", strength=128, canModify=0)
    c = canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H), encrypt=encrypt, invariant=1, pageCompression=1)
    c.setTitle(title)
    p = _Pages(c, statement)

    # heading and period (right column, clear of the investor block)
    p.text(PAGE_W / 2 + 20, title, size=11, bold=True)
    p.newline(1.4)
    p.text(PAGE_W / 2 + 20, f"{_fmt_date(statement.period_from)} To {_fmt_date(statement.period_to)}", size=8)
    p.newline(2)
    # investor block: top-left column, one text object per field
    p.text(LEFT, f"Email Id: {statement.email}", size=8)
    p.newline()
    p.text(LEFT, statement.investor_name, size=8, bold=True)
    p.newline()
    for line in statement.address:
        p.text(LEFT, line, size=8)
        p.newline()
    p.text(LEFT, f"Mobile: {statement.mobile}", size=8)
    p.newline(2)
    p.table_header()

    for folio in statement.folios:
        p.ensure(8)
        p.text(LEFT, folio.amc, size=9, bold=True)
        p.newline(1.3)
        for scheme in folio.schemes:
            p.ensure(7)
            kyc = "OK" if folio.kyc_ok else "NOT OK"
            p.text(LEFT, f"Folio No: {folio.number}", bold=True)
            p.text(LEFT + 170, f"PAN: {folio.pan}")
            p.text(LEFT + 260, f"KYC: {kyc}")
            p.text(LEFT + 320, f"PAN: {kyc}")
            p.newline()
            p.text(LEFT, folio.holder)
            p.newline()
            p.text(LEFT, f"{scheme.rta_code}-{scheme.name} - ISIN: {scheme.isin}(Advisor: {scheme.advisor})")
            p.newline()
            p.text(LEFT, f"Registrar : {scheme.registrar}")
            p.newline()
            p.text(X_TXN, f"Opening Unit Balance: {_fmt_units(scheme.opening)}", bold=True)
            p.newline()
            for t in scheme.transactions:
                p.ensure(1)
                p.text(X_DATE, _fmt_date(t.date))
                p.text(X_TXN, t.description)
                if t.amount is not None:
                    p.text(X_AMOUNT, _fmt_money(t.amount), right=True)
                if t.units is not None:
                    p.text(X_UNITS, _fmt_units(t.units), right=True)
                if t.nav is not None:
                    p.text(X_PRICE, f"{t.nav:,.4f}", right=True)
                if t.balance is not None:
                    p.text(X_BALANCE, _fmt_units(t.balance), right=True)
                p.newline()
            p.ensure(3)
            p.text(X_TXN, f"Closing Unit Balance: {_fmt_units(scheme.close)}", bold=True)
            p.newline()
            p.text(X_TXN, f"NAV on {_fmt_date(scheme.nav_date or statement.period_to)}: INR {scheme.nav:,.4f}")
            p.text(X_AMOUNT - 20, f"Total Cost Value: {scheme.cost_value:,.2f}")
            p.newline()
            market = (
                f"Market Value on {_fmt_date(scheme.nav_date or statement.period_to)}: INR {scheme.market_value:,.2f}"
            )
            p.text(X_TXN, market)
            p.newline(1.6)
    p.footer()
    c.showPage()
    c.save()
    return buffer.getvalue()
