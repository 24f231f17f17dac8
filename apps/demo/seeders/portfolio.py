"""Demo portfolios (make run): each demo investor of each distributor gets a CAS statement generated from
the demo fund universe (apps.demo.seeders.funds) and its NAV history, rendered as an encrypted PDF with the
investor's PAN as its password, and imported through the real pipeline (private storage, casparser,
ledger, valuations). Runs after the accounts and funds seeders; does nothing for an investor who has
already imported a statement, and nothing at all when there are no investors or no funds yet."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from apps.accounts.models import Investor
from apps.demo.casgen import SchemeSpec, statement_build, statement_render_pdf
from apps.funds.models import NavHistory, Scheme, SchemeCode
from apps.portfolio.models import CasImport
from apps.portfolio.services.cas_import import cas_import_process, cas_upload_accept
from tenants.selectors import distributor_list_active

SCHEMES_PER_INVESTOR = 6
MIN_HISTORY_DAYS = 400


def _nav_lookup(scheme: Scheme) -> Callable[[date], Decimal] | None:
    rows = list(NavHistory.objects.filter(scheme=scheme).order_by("date").values_list("date", "nav"))
    if len(rows) < 30:
        return None
    navs = dict(rows)
    first = rows[0][0]

    def nav_at(day: date) -> Decimal:
        probe = day
        while probe >= first:  # the last NAV on or before the day (weekends, holidays)
            if probe in navs:
                return navs[probe]
            probe -= timedelta(days=1)
        return rows[0][1]

    nav_at.first_date = first  # type: ignore[attr-defined]
    nav_at.last_date = rows[-1][0]  # type: ignore[attr-defined]
    return nav_at


def _registrar_code(scheme: Scheme, registrar: str) -> str:
    source = SchemeCode.Source.KFINTECH if registrar == "KFINTECH" else SchemeCode.Source.CAMS
    code = scheme.codes.filter(source=source).values_list("code", flat=True).first()
    return code or f"D{scheme.amfi_code}"


def _specs_for(investor, candidates: list[Scheme]) -> list[SchemeSpec]:
    """A deterministic choice of schemes for this investor, over several AMCs."""
    digest = int(hashlib.sha256(f"{investor.pan}:{investor.pk}".encode()).hexdigest(), 16)
    chosen: list[Scheme] = []
    amcs_seen: dict[int, int] = {}
    step = 1 + digest % 7
    index = digest % len(candidates)
    for _ in range(len(candidates)):
        scheme = candidates[index % len(candidates)]
        index += step
        if amcs_seen.get(scheme.amc_id, 0) >= 2 or scheme in chosen:
            continue
        chosen.append(scheme)
        amcs_seen[scheme.amc_id] = amcs_seen.get(scheme.amc_id, 0) + 1
        if len(chosen) == SCHEMES_PER_INVESTOR:
            break
    specs = []
    for scheme in chosen:
        nav_at = _nav_lookup(scheme)
        if nav_at is None:
            continue
        registrar = "KFINTECH" if scheme.pk % 2 else "CAMS"
        idcw = {"idcw_payout": "payout", "idcw_reinvest": "reinvest"}.get(scheme.option, "")
        specs.append(
            SchemeSpec(
                amc=scheme.amc.name,
                name=scheme.name,
                isin=(scheme.isin_reinvest if idcw == "reinvest" else scheme.isin_growth) or scheme.isin_growth,
                rta_code=_registrar_code(scheme, registrar),
                registrar=registrar,
                equity=scheme.asset_class == Scheme.AssetClass.EQUITY,
                idcw=idcw,
                nav_at=nav_at,
            )
        )
    return specs


def _candidates() -> list[Scheme]:
    """Open-ended schemes of the fund universe with a NAV history long enough for a statement."""
    schemes = (
        Scheme.objects.filter(
            is_open_ended=True, amc__isnull=False, latest_nav__isnull=False, isin_growth__gt="", amfi_code__gt=""
        )
        .exclude(category="")
        .select_related("amc")
        .order_by("amfi_code")
    )
    cutoff = date.today() - timedelta(days=MIN_HISTORY_DAYS)
    with_history = set(
        NavHistory.objects.filter(scheme__in=schemes, date__lte=cutoff).values_list("scheme_id", flat=True).distinct()
    )
    return [s for s in schemes if s.pk in with_history]


def portfolio_seed_for(*, investor, candidates: list[Scheme], issuer: str, log) -> CasImport | None:

    if not investor.pan:
        return None
    specs = _specs_for(investor, candidates)
    if len(specs) < 2:
        return None
    start = max(s.nav_at.first_date for s in specs) + timedelta(days=7)
    end = min(s.nav_at.last_date for s in specs)
    statement = statement_build(
        seed=investor.pk,
        issuer=issuer,
        investor_name=investor.full_name or "Demo Investor",
        email=investor.email or "investor@example.com",
        mobile=investor.mobile or "+919800000000",
        pan=investor.pan,
        specs=specs,
        period_from=start,
        period_to=end,
    )
    pdf = statement_render_pdf(statement, password=investor.pan)
    upload = SimpleUploadedFile(f"CAS_{issuer}_{end:%d%m%Y}.pdf", pdf, content_type="application/pdf")
    cas_import = cas_upload_accept(investor=investor, upload=upload, password=investor.pan, enqueue=False)
    cas_import = cas_import_process(import_id=cas_import.pk)
    log(
        f"  {investor.full_name}: {issuer} CAS with {statement.transaction_count} lines -> "
        f"{cas_import.status} ({cas_import.transactions_created} recorded)"
    )
    return cas_import


def seed(*, log) -> None:
    candidates = _candidates()
    if len(candidates) < SCHEMES_PER_INVESTOR:
        log("portfolio demo: no fund universe with NAV history yet; skipped")
        return
    for distributor in distributor_list_active():
        with tenant_context(distributor):
            investors = list(Investor.objects.filter(pan__isnull=False).order_by("id"))
            for number, investor in enumerate(investors):
                if CasImport.objects.filter(investor=investor, status=CasImport.Status.DONE).exists():
                    continue
                issuer = "CAMS" if number % 2 == 0 else "KFINTECH"
                portfolio_seed_for(investor=investor, candidates=candidates, issuer=issuer, log=log)
