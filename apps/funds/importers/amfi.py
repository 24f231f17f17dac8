"""AMFI's NAV files: the daily NAVAll file (6 columns until 18-Aug-2026, 8 columns with Plan and Option
since 19-Aug-2026) and the NAV history report (its own column order, with repurchase and sale prices).

The layout is recognised from the header's column names, never from positions. Between the rows come
category lines (``Open Ended Schemes(Debt Scheme - Liquid Fund)``), AMC lines and blank or whitespace
lines. Each row carries its own date (stale schemes keep publishing an old one). The AMFI code is a
scheme's identity in every layout."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from apps.funds.categories import SchemeCategory, category_parse
from apps.funds.importers.base import (
    ImportRefused,
    LineLog,
    RunOutcome,
    content_digest,
    run_record_failure,
    run_record_success,
)
from apps.funds.importers.loader import NavPoint, SchemeRecord, nav_records_load
from apps.funds.models import ImportRun, Scheme
from apps.funds.naming import (
    clean_text,
    isin_is_valid,
    option_from_text,
    plan_from_text,
    plan_option_from_name,
)
from apps.funds.selectors import nav_expected_date
from apps.funds.sources import NavSource, SourceUnavailable, nav_source_for


class Layout(StrEnum):
    NAVALL_6 = "navall_6col"
    NAVALL_8 = "navall_8col"
    HISTORY = "nav_history"


DAILY_LAYOUTS = frozenset({Layout.NAVALL_6, Layout.NAVALL_8})

# Header names, lower-cased without spaces, to the field each column holds.
_COLUMNS = {
    "schemecode": "amfi_code",
    "isindivpayout/isingrowth": "isin_growth",
    "isindivreinvestment": "isin_reinvest",
    "schemename": "name",
    "plan": "plan",
    "option": "option",
    "netassetvalue": "nav",
    "repurchaseprice": "repurchase_price",
    "saleprice": "sale_price",
    "date": "date",
}
_REQUIRED = {"amfi_code", "isin_growth", "isin_reinvest", "name", "nav", "date"}
_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_NAV = re.compile(r"^\d{1,12}(?:\.\d*)?$")
_HTML = re.compile(r"^\s*<|<\s*(?:html|head|body|title)\b|<!doctype", re.IGNORECASE)


@dataclass
class ParsedNavFile:
    layout: Layout
    schemes: list[SchemeRecord]
    navs: list[NavPoint]
    rows: int
    skipped: LineLog = field(default_factory=LineLog)
    warnings: LineLog = field(default_factory=LineLog)
    ignored_columns: list[str] = field(default_factory=list)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


@lru_cache(maxsize=4096)
def _parse_date(raw: str) -> date | None:
    parts = raw.strip().split("-")
    if len(parts) != 3:
        return None
    day, month, year = parts
    month_no = _MONTHS.get(month[:3].lower())
    if month_no is None or not day.isdigit() or not year.isdigit() or len(year) != 4:
        return None
    try:
        return date(int(year), month_no, int(day))
    except ValueError:
        return None


def _header_layout(header: str) -> tuple[Layout, dict[str, int], list[str]]:
    names = [re.sub(r"\s+", "", name).lower() for name in header.split(";")]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(names):
        column = _COLUMNS.get(name)
        if column is None or column in columns:
            ignored.append(header.split(";")[index].strip())
        else:
            columns[column] = index
    missing = _REQUIRED - columns.keys()
    if missing:
        raise ImportRefused(
            "Not an AMFI NAV file: the header lacks " + ", ".join(sorted(missing)) + ".",
            extra={"header": header[:300]},
        )
    if "repurchase_price" in columns or "sale_price" in columns:
        layout = Layout.HISTORY
    elif "plan" in columns and "option" in columns:
        layout = Layout.NAVALL_8
    elif "plan" in columns or "option" in columns:
        raise ImportRefused("Not an AMFI NAV file: Plan and Option come together.", extra={"header": header[:300]})
    else:
        layout = Layout.NAVALL_6
    return layout, columns, ignored


def _isin(raw: str, *, line_no: int, warnings: LineLog) -> str:
    value = raw.strip().upper()
    if value in ("", "-"):
        return ""
    if isin_is_valid(value):
        return value
    warnings.add("invalid_isin", line_no)
    return ""


def nav_file_parse(content: bytes, *, accept: frozenset[Layout] | set[Layout]) -> ParsedNavFile:
    """Reads a NAV file into scheme records and NAV points, or refuses it (ImportRefused)."""
    if not content.strip():
        raise ImportRefused("The file is empty.")
    text = _decode(content)
    if "\x00" in text:
        raise ImportRefused("Not an AMFI NAV file: it is binary.")
    lines = text.split("\n")
    header_index = next(i for i, line in enumerate(lines) if line.strip())
    header = lines[header_index].strip()
    if _HTML.search(header):
        raise ImportRefused(
            "Not an AMFI NAV file: it is an HTML page (the download was redirected or failed).",
            extra={"first_line": header[:200]},
        )
    layout, columns, ignored = _header_layout(header)
    if layout not in accept:
        wanted = " or ".join(sorted(accept))
        raise ImportRefused(f"This is an AMFI {layout} file; this importer reads {wanted}.", extra={"layout": layout})

    width = len(header.split(";"))
    index = columns.__getitem__
    i_code, i_name, i_nav, i_date = index("amfi_code"), index("name"), index("nav"), index("date")
    i_isin_g, i_isin_r = index("isin_growth"), index("isin_reinvest")
    i_plan, i_option = columns.get("plan"), columns.get("option")
    is_daily = layout in DAILY_LAYOUTS

    parsed = ParsedNavFile(layout=layout, schemes=[], navs=[], rows=0, ignored_columns=ignored)
    skipped, warnings = parsed.skipped, parsed.warnings
    records: dict[str, SchemeRecord] = {}
    nav_keys: set[tuple[str, date]] = set()
    category: SchemeCategory | None = None
    amc_name = ""

    for line_no, raw_line in enumerate(lines[header_index + 1 :], start=header_index + 2):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        if ";" not in line:
            parsed_category = category_parse(line)
            if parsed_category is not None:
                category, amc_name = parsed_category, ""
            else:
                amc_name = clean_text(line)[:200]
            continue
        parsed.rows += 1
        fields = line.split(";")
        if len(fields) != width:
            skipped.add("malformed_row", line_no)
            continue
        amfi_code = fields[i_code].strip()
        if not amfi_code.isdigit() or len(amfi_code) > 12:
            skipped.add("invalid_amfi_code", line_no)
            continue
        if is_daily and amfi_code in records:
            skipped.add("duplicate_amfi_code", line_no)
            continue
        name = clean_text(fields[i_name])
        if not name:
            skipped.add("missing_scheme_name", line_no)
            continue

        nav_raw = fields[i_nav].strip()
        nav_date = _parse_date(fields[i_date])
        nav: Decimal | None = None
        if not _NAV.match(nav_raw):
            skipped.add("unparsable_nav", line_no)
        elif (value := Decimal(nav_raw)) <= 0:
            skipped.add("zero_nav", line_no)
        elif nav_date is None:
            skipped.add("unparsable_date", line_no)
        elif (amfi_code, nav_date) in nav_keys:
            skipped.add("duplicate_nav", line_no)
        else:
            nav = value
            nav_keys.add((amfi_code, nav_date))
            parsed.navs.append(NavPoint(line_no=line_no, amfi_code=amfi_code, nav_date=nav_date, nav=nav))

        # history report: one row per scheme and date; the scheme is described by its latest row
        existing = records.get(amfi_code)
        if existing is not None and (
            nav_date is None or (existing.row_date is not None and nav_date <= existing.row_date)
        ):
            continue

        if i_plan is not None and i_option is not None:
            plan_text, option_text = clean_text(fields[i_plan]), clean_text(fields[i_option])
            plan = plan_from_text(plan_text) if plan_text else Scheme.Plan.UNKNOWN
            if plan == Scheme.Plan.UNKNOWN and option_text:
                plan = plan_from_text(option_text)  # "Payout of IDCW option - Direct", "Direct Growth"
            option = option_from_text(option_text) if option_text else Scheme.Option.UNKNOWN
            if Scheme.Plan.UNKNOWN in (plan, option):  # fall back to the name
                name_plan, name_option = plan_option_from_name(name)
                plan = name_plan if plan == Scheme.Plan.UNKNOWN else plan
                option = name_option if option == Scheme.Option.UNKNOWN else option
            name_is_bare = not plan_text and not option_text
            full_name = " - ".join(part for part in (name, plan_text, option_text) if part)
            evidence = f"Plan: {plan_text!r}; Option: {option_text!r}; Name: {name!r}"
        else:
            plan, option = plan_option_from_name(name)
            name_is_bare, full_name, evidence = False, name, name

        records[amfi_code] = SchemeRecord(
            line_no=line_no,
            amfi_code=amfi_code,
            isin_growth=_isin(fields[i_isin_g], line_no=line_no, warnings=warnings),
            isin_reinvest=_isin(fields[i_isin_r], line_no=line_no, warnings=warnings),
            name=full_name[:300],
            name_is_bare=name_is_bare,
            amc_name=amc_name,
            category=category,
            plan=plan,
            option=option,
            evidence=evidence[:500],
            row_date=nav_date,
        )

    if parsed.rows == 0:
        raise ImportRefused("The file has a NAV header but no scheme rows (a truncated download?).")
    parsed.schemes = list(records.values())
    return parsed


@dataclass(frozen=True)
class NavImportJob:
    kind: str
    accept: frozenset[Layout]
    authoritative: bool  # False: fill only what the master lacks
    check_freshness: bool


DAILY_JOB = NavImportJob(kind=ImportRun.Kind.AMFI_NAVS, accept=DAILY_LAYOUTS, authoritative=True, check_freshness=True)


def nav_file_import(job: NavImportJob, *, source: str | NavSource, actor_label: str, now=None) -> ImportRun:
    """Fetch, parse and load one NAV file in one transaction, and record the run (see NavImportJob)."""
    started_at = timezone.now()
    nav_source = nav_source_for(source) if isinstance(source, str) else source
    origin, digest, layout = nav_source.describe(), "", ""
    try:
        document = nav_source.fetch()
        origin, digest = document.origin, content_digest(document.content)
        parsed = nav_file_parse(document.content, accept=job.accept)
        layout = parsed.layout
        with transaction.atomic():
            result = nav_records_load(schemes=parsed.schemes, navs=parsed.navs, authoritative=job.authoritative)
            nav_date = max((point.nav_date for point in parsed.navs), default=None)
            expected = nav_expected_date(at=now or timezone.now()) if job.check_freshness else None
            report = {
                "rows": parsed.rows,
                **result.report,
                "skipped_reasons": parsed.skipped.as_dict(),
                "warnings": parsed.warnings.as_dict(),
            }
            if parsed.ignored_columns:
                report["ignored_columns"] = parsed.ignored_columns
            outcome = RunOutcome(
                layout=layout,
                inserted=result.navs.inserted,
                updated=result.navs.updated,
                unchanged=result.navs.unchanged,
                skipped=parsed.skipped.total,
                report=report,
                nav_date=nav_date,
                expected_nav_date=expected,
                is_stale=bool(expected and (nav_date is None or nav_date < expected)),
            )
            return run_record_success(
                kind=job.kind,
                source=origin,
                digest=digest,
                started_at=started_at,
                outcome=outcome,
                actor_label=actor_label,
            )
    except ImportRefused as exc:
        exc.run = run_record_failure(
            kind=job.kind,
            source=origin,
            started_at=started_at,
            status=ImportRun.Status.REFUSED,
            error=exc.message,
            actor_label=actor_label,
            digest=digest,
            layout=layout,
            report={"extra": exc.extra},
        )
        raise
    except SourceUnavailable as exc:
        exc.run = run_record_failure(
            kind=job.kind,
            source=origin,
            started_at=started_at,
            status=ImportRun.Status.FAILED,
            error=exc.message,
            actor_label=actor_label,
            report={"transient": exc.transient, "attempts": exc.attempts},
        )
        raise


def import_amfi_navs(*, source: str | NavSource, actor_label: str = "", now=None) -> ImportRun:
    """Imports AMFI's daily NAVAll file (either layout) from a path or URL. One transaction for the file;
    a refused file raises ImportRefused and writes only the failed ImportRun. `now` (default: the clock)
    decides which trading day's NAVs the file should have (staleness)."""
    return nav_file_import(DAILY_JOB, source=source, actor_label=actor_label, now=now)
