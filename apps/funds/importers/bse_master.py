"""BSE StAR MF's scheme master: a pipe-separated file, one row per BSE scheme code, with BSE's documented
header (``Unique No|Scheme Code|RTA Scheme Code|AMC Scheme Code|ISIN|AMC Code|Scheme Type|Scheme Plan|
Scheme Name|Purchase Allowed|...|Switch FLAG|SETTLEMENT TYPE|...``). Columns are found by name
(case, spaces and dash styles ignored: BSE writes "Redemption Amount – Maximum" with an en dash).

A row names its scheme by ISIN. Several BSE codes share an ISIN (physical and demat codes, the "L1" codes
for large liquid purchases); all of them are mapped to the scheme. The row that fills the scheme's
minimums and allowed operations is the scheme's primary one: matched on its growth / payout ISIN,
purchase allowed, lowest minimum purchase, shortest code. Plan ("Scheme Plan") and option ("Dividend
Reinvestment Flag": Z growth, N payout, Y reinvestment) fill an unknown plan or option; a disagreement with
a known one is reported like AMFI's. The file has no SIP minimums (BSE publishes those in its SIP master),
so min_sip / sip_multiple are left as they are."""

# SQL here is built from model table names and fixed expressions only; values always go as parameters.
# ruff: noqa: S608

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.funds.importers.base import (
    ImportRefused,
    LineLog,
    RunOutcome,
    content_digest,
    run_record_failure,
    run_record_success,
)
from apps.funds.importers.loader import Counts, import_lock
from apps.funds.models import ImportRun, Scheme, SchemeCode
from apps.funds.naming import isin_is_valid, options_agree
from apps.funds.sources import NavSource, SourceUnavailable, nav_source_for

LAYOUT = "bse_scheme_master"

# Normalised header name (lower case, letters and digits only) -> field.
_COLUMNS = {
    "uniqueno": "unique_no",
    "schemecode": "bse_code",
    "rtaschemecode": "rta_code",
    "amcschemecode": "amc_scheme_code",
    "isin": "isin",
    "amccode": "amc_code",
    "schemetype": "scheme_type",
    "schemeplan": "scheme_plan",
    "schemename": "name",
    "purchaseallowed": "purchase_allowed",
    "minimumpurchaseamount": "min_purchase",
    "additionalpurchaseamount": "min_additional",
    "purchaseamountmultiplier": "purchase_multiple",
    "redemptionallowed": "redemption_allowed",
    "minimumredemptionqty": "min_redemption_units",
    "rtaagentcode": "rta_agent",
    "amcactiveflag": "amc_active",
    "dividendreinvestmentflag": "reinvest_flag",
    "sipflag": "sip_allowed",
    "switchflag": "switch_allowed",
}
_REQUIRED = {"bse_code", "isin", "name", "purchase_allowed", "redemption_allowed"}
_OPTION_BY_FLAG = {"Z": Scheme.Option.GROWTH, "N": Scheme.Option.IDCW_PAYOUT, "Y": Scheme.Option.IDCW_REINVEST}
_PLAN_BY_VALUE = {
    "DIRECT": Scheme.Plan.DIRECT,
    "D": Scheme.Plan.DIRECT,
    "NORMAL": Scheme.Plan.REGULAR,
    "REGULAR": Scheme.Plan.REGULAR,
    "R": Scheme.Plan.REGULAR,
}
_RTA_SOURCES = {
    "CAMS": SchemeCode.Source.CAMS,
    "KARVY": SchemeCode.Source.KFINTECH,
    "KFIN": SchemeCode.Source.KFINTECH,
    "KFINTECH": SchemeCode.Source.KFINTECH,
}
_AMOUNT = re.compile(r"^\d{1,12}(?:\.\d{1,4})?$")


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(slots=True)
class BseRow:
    line_no: int
    bse_code: str
    isin: str
    rta_code: str
    amc_scheme_code: str
    rta_agent: str
    plan: str
    option: str
    purchase_allowed: bool
    redemption_allowed: bool
    sip_allowed: bool | None
    switch_allowed: bool | None
    min_purchase: Decimal | None
    min_additional: Decimal | None
    purchase_multiple: Decimal | None
    min_redemption_units: Decimal | None


def _flag(value: str) -> bool | None:
    value = value.strip().upper()
    if value in ("Y", "YES", "1"):
        return True
    if value in ("N", "NO", "0"):
        return False
    return None


def _amount(value: str, *, line_no: int, warnings: LineLog) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    if not _AMOUNT.match(value):
        warnings.add("unparsable_amount", line_no)
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        warnings.add("unparsable_amount", line_no)
        return None


@dataclass
class ParsedMaster:
    rows: list[BseRow]
    data_rows: int
    skipped: LineLog
    warnings: LineLog


def bse_master_parse(content: bytes) -> ParsedMaster:
    text = content.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise ImportRefused("The file is empty.")
    header = lines[header_index].strip()
    if header.startswith("<") or "|" not in header:
        raise ImportRefused("Not a BSE scheme master: no pipe-separated header.", extra={"first_line": header[:200]})
    names = [_header_key(name) for name in header.split("|")]
    columns = {}
    for index, name in enumerate(names):
        column = _COLUMNS.get(name)
        if column and column not in columns:
            columns[column] = index
    missing = _REQUIRED - columns.keys()
    if missing:
        raise ImportRefused(
            "Not a BSE scheme master: the header lacks " + ", ".join(sorted(missing)) + ".",
            extra={"header": header[:300]},
        )
    width = len(names)
    skipped, warnings = LineLog(), LineLog()
    rows: list[BseRow] = []
    seen_codes: set[str] = set()

    def get(fields: list[str], column: str) -> str:
        index = columns.get(column)
        return fields[index].strip() if index is not None else ""

    data_rows = 0
    for line_no, raw in enumerate(lines[header_index + 1 :], start=header_index + 2):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        data_rows += 1
        fields = line.split("|")
        if len(fields) != width:
            skipped.add("malformed_row", line_no)
            continue
        bse_code = get(fields, "bse_code")
        isin = get(fields, "isin").upper()
        if not bse_code:
            skipped.add("missing_scheme_code", line_no)
            continue
        if bse_code in seen_codes:
            skipped.add("duplicate_scheme_code", line_no)
            continue
        if not isin_is_valid(isin):
            skipped.add("invalid_isin", line_no)
            continue
        purchase_allowed = _flag(get(fields, "purchase_allowed"))
        redemption_allowed = _flag(get(fields, "redemption_allowed"))
        if purchase_allowed is None or redemption_allowed is None:
            skipped.add("unparsable_flag", line_no)
            continue
        seen_codes.add(bse_code)
        rows.append(
            BseRow(
                line_no=line_no,
                bse_code=bse_code[:40],
                isin=isin,
                rta_code=get(fields, "rta_code")[:40],
                amc_scheme_code=get(fields, "amc_scheme_code")[:40],
                rta_agent=get(fields, "rta_agent").upper(),
                plan=_PLAN_BY_VALUE.get(get(fields, "scheme_plan").upper(), Scheme.Plan.UNKNOWN),
                option=_OPTION_BY_FLAG.get(get(fields, "reinvest_flag").upper(), Scheme.Option.UNKNOWN),
                purchase_allowed=purchase_allowed,
                redemption_allowed=redemption_allowed,
                sip_allowed=_flag(get(fields, "sip_allowed")),
                switch_allowed=_flag(get(fields, "switch_allowed")),
                min_purchase=_amount(get(fields, "min_purchase"), line_no=line_no, warnings=warnings),
                min_additional=_amount(get(fields, "min_additional"), line_no=line_no, warnings=warnings),
                purchase_multiple=_amount(get(fields, "purchase_multiple"), line_no=line_no, warnings=warnings),
                min_redemption_units=_amount(get(fields, "min_redemption_units"), line_no=line_no, warnings=warnings),
            )
        )
    if not data_rows:
        raise ImportRefused("The file has a BSE header but no scheme rows.")
    return ParsedMaster(rows=rows, data_rows=data_rows, skipped=skipped, warnings=warnings)


_STAGE = """
CREATE TEMP TABLE funds_stage_bse (
    scheme_id bigint NOT NULL PRIMARY KEY,
    line_no integer NOT NULL,
    bse_code varchar(40) NOT NULL,
    isin varchar(12) NOT NULL,
    plan varchar(10) NOT NULL,
    option varchar(16) NOT NULL,
    purchase_allowed boolean NOT NULL,
    redemption_allowed boolean NOT NULL,
    sip_allowed boolean,
    switch_allowed boolean,
    min_purchase numeric(14, 2),
    min_additional numeric(14, 2),
    purchase_multiple numeric(14, 2),
    min_redemption_units numeric(18, 4)
) ON COMMIT DROP
"""
_STAGE_COLUMNS = (
    "line_no, bse_code, isin, plan, option, purchase_allowed, redemption_allowed, sip_allowed, switch_allowed, "
    "min_purchase, min_additional, purchase_multiple, min_redemption_units"
)
# Column -> merged value for the scheme (s) from its primary BSE row (p). Amounts: a blank keeps the
# stored value. Plan and option: as for AMFI (fill unknown, refine a generic IDCW, keep on disagreement).
_MERGE = {
    "min_purchase": "COALESCE(p.min_purchase, s.min_purchase)",
    "min_additional": "COALESCE(p.min_additional, s.min_additional)",
    "purchase_multiple": "COALESCE(p.purchase_multiple, s.purchase_multiple)",
    "min_redemption_units": "COALESCE(p.min_redemption_units, s.min_redemption_units)",
    "purchase_allowed": "p.purchase_allowed",
    "redemption_allowed": "p.redemption_allowed",
    "sip_allowed": "COALESCE(p.sip_allowed, s.sip_allowed)",
    "switch_allowed": "COALESCE(p.switch_allowed, s.switch_allowed)",
    "plan": "CASE WHEN p.plan = 'unknown' THEN s.plan WHEN s.plan = 'unknown' THEN p.plan ELSE s.plan END",
    "option": (
        "CASE WHEN p.option = 'unknown' THEN s.option WHEN s.option = 'unknown' THEN p.option "
        "WHEN s.option = 'idcw' AND p.option IN ('idcw_payout', 'idcw_reinvest') THEN p.option ELSE s.option END"
    ),
}


def bse_rows_load(rows: list[BseRow], skipped: LineLog) -> dict[str, Any]:
    """Applies parsed rows to the schemes their ISINs name. Runs inside the caller's transaction."""
    scheme_table, code_table = Scheme._meta.db_table, SchemeCode._meta.db_table
    with connection.cursor() as cursor:
        import_lock(cursor)
        # which scheme each ISIN names (the ISIN map is unique per ISIN), and whether it is the scheme's
        # growth / payout ISIN (or its only ISIN)
        cursor.execute(
            f"""
            SELECT c.code, s.id, (s.isin_growth = c.code OR s.isin_growth = '')
            FROM {code_table} c JOIN {scheme_table} s ON s.id = c.scheme_id
            WHERE c.source = %s AND c.code = ANY(%s)
            """,
            [SchemeCode.Source.ISIN, list({row.isin for row in rows})],
        )
        by_isin = {isin: (scheme_id, primary) for isin, scheme_id, primary in cursor.fetchall()}
        matched: list[tuple[BseRow, int, bool]] = []
        for row in rows:
            found = by_isin.get(row.isin)
            if found is None:
                skipped.add("unknown_isin", row.line_no)
            else:
                matched.append((row, *found))

        primary: dict[int, BseRow] = {}
        for row, scheme_id, is_primary in sorted(
            matched,
            key=lambda m: (
                not m[2],
                not m[0].purchase_allowed,
                m[0].min_purchase is None,
                m[0].min_purchase or 0,
                len(m[0].bse_code),
                m[0].bse_code,
            ),
        ):
            primary.setdefault(scheme_id, row if is_primary else _without_option(row))

        cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_bse")
        cursor.execute(_STAGE)
        with cursor.copy(f"COPY funds_stage_bse (scheme_id, {_STAGE_COLUMNS}) FROM STDIN") as copy:
            for scheme_id, r in primary.items():
                copy.write_row(
                    (
                        scheme_id,
                        r.line_no,
                        r.bse_code,
                        r.isin,
                        r.plan,
                        r.option,
                        r.purchase_allowed,
                        r.redemption_allowed,
                        r.sip_allowed,
                        r.switch_allowed,
                        r.min_purchase,
                        r.min_additional,
                        r.purchase_multiple,
                        r.min_redemption_units,
                    )
                )
        cursor.execute(
            f"""
            SELECT p.line_no, s.amfi_code, s.plan, p.plan, s.option, p.option, p.bse_code
            FROM funds_stage_bse p JOIN {scheme_table} s ON s.id = p.scheme_id
            WHERE (s.plan <> 'unknown' AND p.plan <> 'unknown' AND s.plan <> p.plan)
               OR (s.option <> 'unknown' AND p.option <> 'unknown' AND s.option <> p.option)
            ORDER BY p.line_no
            """
        )
        contradictions = []
        for line_no, amfi_code, stored_plan, file_plan, stored_option, file_option, bse_code in cursor.fetchall():
            base = {"line": line_no, "amfi_code": amfi_code, "evidence": f"BSE scheme code {bse_code}"}
            if Scheme.Plan.UNKNOWN not in (stored_plan, file_plan) and stored_plan != file_plan:
                contradictions.append({**base, "field": "plan", "stored": stored_plan, "file": file_plan})
            if not options_agree(stored_option, file_option):
                contradictions.append({**base, "field": "option", "stored": stored_option, "file": file_option})

        assignments = ", ".join(f"{column} = {expression}" for column, expression in _MERGE.items())
        stored = ", ".join(f"s.{column}" for column in _MERGE)
        merged = ", ".join(_MERGE.values())
        cursor.execute(
            f"""
            UPDATE {scheme_table} s SET {assignments}, updated_at = now()
            FROM funds_stage_bse p
            WHERE s.id = p.scheme_id AND ({stored}) IS DISTINCT FROM ({merged})
            """
        )
        schemes = Counts(updated=cursor.rowcount, unchanged=len(primary) - cursor.rowcount)
        codes, ambiguous = _codes_write(cursor, matched, primary)
    return {
        "changed": schemes.changed or codes.changed,
        "schemes": schemes.as_dict(),
        "codes": codes.as_dict(),
        "matched_rows": len(matched),
        "contradictions": contradictions,
        "ambiguous_codes": ambiguous,
    }


def _without_option(row: BseRow) -> BseRow:
    """A row matched on a scheme's reinvestment ISIN says nothing about the option of the scheme's code."""
    return replace(row, option=Scheme.Option.UNKNOWN)


def _codes_write(cursor, matched, primary) -> tuple[Counts, list[dict[str, Any]]]:
    """BSE codes for every matched row; RTA, CAMS / KFintech and AMC scheme codes too. A code that would
    name two schemes is reported and left out."""
    code_table = SchemeCode._meta.db_table
    owners: dict[tuple[str, str], set[int]] = {}
    lines: dict[tuple[str, str], list[int]] = {}
    for row, scheme_id, _primary in matched:
        candidates = [(SchemeCode.Source.BSE.value, row.bse_code)]
        if row.rta_code:
            candidates.append((SchemeCode.Source.BSE_RTA.value, row.rta_code))
            rta_source = _RTA_SOURCES.get(row.rta_agent)
            if rta_source is not None:
                candidates.append((rta_source.value, row.rta_code))
        if row.amc_scheme_code:
            candidates.append((SchemeCode.Source.AMC.value, row.amc_scheme_code))
        for key in candidates:
            owners.setdefault(key, set()).add(scheme_id)
            lines.setdefault(key, []).append(row.line_no)
    wanted = {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}
    ambiguous = [
        {"source": source, "code": code, "lines": lines[(source, code)]}
        for (source, code), ids in owners.items()
        if len(ids) > 1
    ]
    counts = Counts()
    if not wanted:
        return counts, ambiguous
    sources = sorted({source for source, _code in wanted})
    cursor.execute(
        f"SELECT source, code, scheme_id FROM {code_table} WHERE source = ANY(%s) AND code = ANY(%s)",
        [sources, list({code for _source, code in wanted})],
    )
    stored = {(source, code): scheme_id for source, code, scheme_id in cursor.fetchall()}
    changes = []
    for key, scheme_id in wanted.items():
        current = stored.get(key)
        if current == scheme_id:
            counts.unchanged += 1
            continue
        if current is None:
            counts.inserted += 1
        else:
            counts.updated += 1
        changes.append((scheme_id, *key))
    if changes:
        cursor.execute(
            f"""
            INSERT INTO {code_table} (created_at, updated_at, scheme_id, source, code)
            SELECT now(), now(), t.scheme_id, t.source, t.code
            FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(scheme_id, source, code)
            ON CONFLICT (source, code) DO UPDATE SET scheme_id = EXCLUDED.scheme_id, updated_at = EXCLUDED.updated_at
            """,
            [[c[0] for c in changes], [c[1] for c in changes], [c[2] for c in changes]],
        )
    return counts, ambiguous


def import_bse_scheme_master(*, source: str | NavSource, actor_label: str = "") -> ImportRun:
    """Imports BSE's scheme master (a path, or a URL through the same HTTP source as AMFI's files)."""
    kind = ImportRun.Kind.BSE_SCHEME_MASTER
    started_at = timezone.now()
    file_source = nav_source_for(source) if isinstance(source, str) else source
    origin, digest = file_source.describe(), ""
    try:
        document = file_source.fetch()
        origin, digest = document.origin, content_digest(document.content)
        parsed = bse_master_parse(document.content)
        with transaction.atomic():
            loaded = bse_rows_load(parsed.rows, parsed.skipped)
            schemes = loaded["schemes"]
            outcome = RunOutcome(
                layout=LAYOUT,
                inserted=0,
                updated=schemes["updated"],
                unchanged=schemes["unchanged"],
                skipped=parsed.skipped.total,
                report={
                    **loaded,
                    "rows": parsed.data_rows,
                    "skipped_reasons": parsed.skipped.as_dict(),
                    "warnings": parsed.warnings.as_dict(),
                },
            )
            return run_record_success(
                kind=kind, source=origin, digest=digest, started_at=started_at, outcome=outcome, actor_label=actor_label
            )
    except ImportRefused as exc:
        exc.run = run_record_failure(
            kind=kind,
            source=origin,
            started_at=started_at,
            status=ImportRun.Status.REFUSED,
            error=exc.message,
            actor_label=actor_label,
            digest=digest,
            report={"extra": exc.extra},
        )
        raise
    except SourceUnavailable as exc:
        exc.run = run_record_failure(
            kind=kind,
            source=origin,
            started_at=started_at,
            status=ImportRun.Status.FAILED,
            error=exc.message,
            actor_label=actor_label,
        )
        raise
