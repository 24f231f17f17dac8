"""The bulk path shared by the NAV importers and the demo: COPY into temporary staging tables, then
set-based SQL that changes only what differs.

- Schemes: UPDATE the existing ones where a merged value IS DISTINCT FROM the stored one, then INSERT the
  new ones. Merging rules: a blank (unknown plan or option, "-" ISIN, bare 8-column name) never overwrites a
  known value; a generic "IDCW" is refined by a statement of the facility; two known values that disagree are
  reported as contradictions and the stored value is kept (a person decides).
- Codes (AMFI code, ISINs): INSERT ... ON CONFLICT (source, code) DO UPDATE WHERE the scheme differs. An
  ISIN the file gives to two schemes is ambiguous: reported, not mapped.
- NAVs: INSERT ... ON CONFLICT (scheme, date) DO UPDATE WHERE the NAV differs, counting inserts and
  updates with RETURNING (xmax = 0).

The caller owns the transaction; everything here runs inside it. An advisory lock serialises imports."""

# SQL here is built from model table names and fixed expressions only; values always go as parameters.
# ruff: noqa: S608

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.text import slugify

from apps.funds.categories import SchemeCategory
from apps.funds.models import Amc, NavHistory, Scheme, SchemeCode
from apps.funds.naming import options_agree

IMPORT_LOCK_KEY = 7_304_112_001  # pg_advisory_xact_lock key shared by every funds importer


@dataclass(slots=True)
class SchemeRecord:
    """One scheme as a file describes it."""

    line_no: int
    amfi_code: str
    isin_growth: str
    isin_reinvest: str
    name: str
    name_is_bare: bool
    amc_name: str
    category: SchemeCategory | None
    plan: str
    option: str
    evidence: str = ""
    row_date: date | None = None
    latest_nav: Decimal | None = None  # the latest of the file's NAV points for this scheme
    latest_nav_date: date | None = None


@dataclass(slots=True)
class NavPoint:
    line_no: int
    amfi_code: str
    nav_date: date
    nav: Decimal


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


@dataclass
class LoadResult:
    amcs: Counts = field(default_factory=Counts)
    schemes: Counts = field(default_factory=Counts)
    codes: Counts = field(default_factory=Counts)
    navs: Counts = field(default_factory=Counts)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    ambiguous_codes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in (self.amcs, self.schemes, self.codes, self.navs))

    @property
    def report(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "amcs": self.amcs.as_dict(),
            "schemes": self.schemes.as_dict(),
            "codes": self.codes.as_dict(),
            "navs": self.navs.as_dict(),
            "contradictions": self.contradictions,
            "ambiguous_codes": self.ambiguous_codes,
        }


def import_lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def amcs_ensure(cursor, names: Iterable[str]) -> tuple[dict[str, int], Counts]:
    """AMC ids by name, creating the AMCs not yet known. An AMC is matched by name or by its slug (so a
    change of case in AMFI's spelling does not create a second AMC)."""
    wanted = {name: slugify(name)[:80] for name in set(names) if name}
    counts = Counts()
    if not wanted:
        return {}, counts
    table = Amc._meta.db_table
    names_list, codes_list = list(wanted), list(wanted.values())
    cursor.execute(
        f"""
        INSERT INTO {table} (created_at, updated_at, code, name)
        SELECT now(), now(), t.code, t.name FROM unnest(%s::text[], %s::text[]) AS t(name, code)
        WHERE NOT EXISTS (SELECT 1 FROM {table} a WHERE a.code = t.code OR a.name = t.name)
        ON CONFLICT DO NOTHING
        """,
        [names_list, codes_list],
    )
    counts.inserted = max(cursor.rowcount, 0)
    counts.unchanged = len(wanted) - counts.inserted
    cursor.execute(
        f"SELECT id, code, name FROM {table} WHERE code = ANY(%s) OR name = ANY(%s)", [codes_list, names_list]
    )
    by_code, by_name = {}, {}
    for amc_id, code, name in cursor.fetchall():
        by_code[code], by_name[name] = amc_id, amc_id
    ids = {name: by_name.get(name) or by_code[code] for name, code in wanted.items()}
    return ids, counts


_STAGE_SCHEME = """
CREATE TEMP TABLE funds_stage_scheme (
    line_no integer NOT NULL,
    amfi_code varchar(12) NOT NULL PRIMARY KEY,
    isin_growth varchar(12) NOT NULL,
    isin_reinvest varchar(12) NOT NULL,
    name varchar(300) NOT NULL,
    name_is_bare boolean NOT NULL,
    amc_id bigint,
    has_category boolean NOT NULL,
    category varchar(120) NOT NULL,
    sub_category varchar(120) NOT NULL,
    asset_class varchar(10) NOT NULL,
    is_liquid boolean NOT NULL,
    is_open_ended boolean NOT NULL,
    lock_in_days integer NOT NULL,
    plan varchar(10) NOT NULL,
    option varchar(16) NOT NULL,
    evidence text NOT NULL,
    latest_nav numeric(20, 8),
    latest_nav_date date
) ON COMMIT DROP
"""
_STAGE_SCHEME_COLUMNS = (
    "line_no, amfi_code, isin_growth, isin_reinvest, name, name_is_bare, amc_id, has_category, category, "
    "sub_category, asset_class, is_liquid, is_open_ended, lock_in_days, plan, option, evidence, latest_nav, "
    "latest_nav_date"
)
_STAGE_NAV = """
CREATE TEMP TABLE funds_stage_nav (
    line_no integer NOT NULL,
    amfi_code varchar(12) NOT NULL,
    nav_date date NOT NULL,
    nav numeric(20, 8) NOT NULL
) ON COMMIT DROP
"""


def nav_stage_create(cursor) -> None:
    """An empty funds_stage_nav (NAV points a file gave, one per code and date) for this transaction."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_nav")
    cursor.execute(_STAGE_NAV)


def _navs_copy(cursor, navs: Sequence[NavPoint]) -> None:
    nav_stage_create(cursor)
    with cursor.copy("COPY funds_stage_nav (line_no, amfi_code, nav_date, nav) FROM STDIN") as copy:
        for p in navs:
            copy.write_row((p.line_no, p.amfi_code, p.nav_date, p.nav))


def _latest_navs_carry(schemes: Sequence[SchemeRecord], navs: Sequence[NavPoint]) -> None:
    """Gives each record the latest of its NAV points (the database-side parser reads it with the row)."""
    latest: dict[str, NavPoint] = {}
    for point in navs:
        current = latest.get(point.amfi_code)
        if current is None or point.nav_date > current.nav_date:
            latest[point.amfi_code] = point
    for record in schemes:
        point = latest.get(record.amfi_code)
        if point is not None:
            record.latest_nav, record.latest_nav_date = point.nav, point.nav_date


def _stage(cursor, schemes: Sequence[SchemeRecord], amc_ids: dict[str, int]) -> None:
    """Stages the schemes, each with the latest of its NAV points."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_scheme")
    cursor.execute(_STAGE_SCHEME)
    unknown = Scheme.AssetClass.UNKNOWN
    with cursor.copy(f"COPY funds_stage_scheme ({_STAGE_SCHEME_COLUMNS}) FROM STDIN") as copy:
        for r in schemes:
            c = r.category
            copy.write_row(
                (
                    r.line_no,
                    r.amfi_code,
                    r.isin_growth,
                    r.isin_reinvest,
                    r.name,
                    r.name_is_bare,
                    amc_ids.get(r.amc_name),
                    c is not None,
                    c.category if c else "",
                    c.sub_category if c else "",
                    c.asset_class(name=r.name) if c else unknown,
                    c.is_liquid if c else False,
                    c.is_open_ended if c else True,
                    c.lock_in_days if c else 0,
                    r.plan,
                    r.option,
                    r.evidence,
                    r.latest_nav,
                    r.latest_nav_date,
                )
            )


_OPTION_FACILITIES = "('idcw_payout', 'idcw_reinvest')"
_PLAN_MERGE = "CASE WHEN st.plan = 'unknown' THEN s.plan WHEN s.plan = 'unknown' THEN st.plan ELSE s.plan END"
_OPTION_MERGE = (
    "CASE WHEN st.option = 'unknown' THEN s.option WHEN s.option = 'unknown' THEN st.option "
    f"WHEN s.option = 'idcw' AND st.option IN {_OPTION_FACILITIES} THEN st.option ELSE s.option END"
)
_LATEST_MOVES = (
    "(st.latest_nav_date IS NOT NULL AND (s.latest_nav_date IS NULL OR st.latest_nav_date >= s.latest_nav_date))"
)

# Column -> merged value, in the UPDATE of existing schemes. `s` is the stored row, `st` the staged one.
_MERGE_AUTHORITATIVE = {
    "isin_growth": "COALESCE(NULLIF(st.isin_growth, ''), s.isin_growth)",
    "isin_reinvest": "COALESCE(NULLIF(st.isin_reinvest, ''), s.isin_reinvest)",
    # an 8-column row without Plan and Option names only the fund: it does not replace a fuller name
    "name": "CASE WHEN st.name_is_bare AND starts_with(lower(s.name), lower(st.name)) THEN s.name ELSE st.name END",
    "amc_id": "COALESCE(st.amc_id, s.amc_id)",
    "category": "CASE WHEN st.has_category THEN st.category ELSE s.category END",
    "sub_category": "CASE WHEN st.has_category THEN st.sub_category ELSE s.sub_category END",
    "asset_class": "CASE WHEN st.has_category THEN st.asset_class ELSE s.asset_class END",
    "is_liquid": "CASE WHEN st.has_category THEN st.is_liquid ELSE s.is_liquid END",
    "is_open_ended": "CASE WHEN st.has_category THEN st.is_open_ended ELSE s.is_open_ended END",
    "lock_in_days": "CASE WHEN st.has_category THEN st.lock_in_days ELSE s.lock_in_days END",
    "plan": _PLAN_MERGE,
    "option": _OPTION_MERGE,
    "latest_nav": f"CASE WHEN {_LATEST_MOVES} THEN st.latest_nav ELSE s.latest_nav END",
    "latest_nav_date": f"CASE WHEN {_LATEST_MOVES} THEN st.latest_nav_date ELSE s.latest_nav_date END",
}
_FILL = "CASE WHEN s.category = '' AND st.has_category THEN st.{0} ELSE s.{0} END"
# An old history report adds what is missing and never overwrites today's master data.
_MERGE_FILL_ONLY = {
    "isin_growth": "CASE WHEN s.isin_growth = '' THEN st.isin_growth ELSE s.isin_growth END",
    "isin_reinvest": "CASE WHEN s.isin_reinvest = '' THEN st.isin_reinvest ELSE s.isin_reinvest END",
    "name": "CASE WHEN s.name = '' THEN st.name ELSE s.name END",
    "amc_id": "COALESCE(s.amc_id, st.amc_id)",
    # (every SET expression of an UPDATE reads the stored row as it was before the statement)
    **{
        column: _FILL.format(column)
        for column in ("category", "sub_category", "asset_class", "is_liquid", "is_open_ended", "lock_in_days")
    },
    "plan": _PLAN_MERGE,
    "option": _OPTION_MERGE,
    "latest_nav": _MERGE_AUTHORITATIVE["latest_nav"],
    "latest_nav_date": _MERGE_AUTHORITATIVE["latest_nav_date"],
}
_INSERT_COLUMNS = (
    "isin_growth, isin_reinvest, name, amc_id, category, sub_category, asset_class, is_liquid, is_open_ended, "
    "lock_in_days, plan, option, latest_nav, latest_nav_date"
)


def _contradictions(cursor) -> list[dict[str, Any]]:
    table = Scheme._meta.db_table
    cursor.execute(
        f"""
        SELECT st.line_no, st.amfi_code, s.plan, st.plan, s.option, st.option, st.evidence
        FROM funds_stage_scheme st JOIN {table} s ON s.amfi_code = st.amfi_code
        WHERE (s.plan <> 'unknown' AND st.plan <> 'unknown' AND s.plan <> st.plan)
           OR (s.option <> 'unknown' AND st.option <> 'unknown' AND s.option <> st.option)
        ORDER BY st.line_no
        """
    )
    found = []
    for line_no, amfi_code, stored_plan, file_plan, stored_option, file_option, evidence in cursor.fetchall():
        base = {"line": line_no, "amfi_code": amfi_code, "evidence": evidence}
        if Scheme.Plan.UNKNOWN not in (stored_plan, file_plan) and stored_plan != file_plan:
            found.append({**base, "field": "plan", "stored": stored_plan, "file": file_plan})
        if not options_agree(stored_option, file_option):
            found.append({**base, "field": "option", "stored": stored_option, "file": file_option})
    return found


def _schemes_upsert(cursor, *, authoritative: bool, staged: int) -> Counts:
    table = Scheme._meta.db_table
    merge = _MERGE_AUTHORITATIVE if authoritative else _MERGE_FILL_ONLY
    assignments = ", ".join(f"{column} = {expression}" for column, expression in merge.items())
    stored = ", ".join(f"s.{column}" for column in merge)
    merged = ", ".join(merge.values())
    cursor.execute(
        f"""
        UPDATE {table} s SET {assignments}, updated_at = now()
        FROM funds_stage_scheme st
        WHERE s.amfi_code = st.amfi_code AND ({stored}) IS DISTINCT FROM ({merged})
        """
    )
    updated = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {table} (
            created_at, updated_at, amfi_code, {_INSERT_COLUMNS},
            purchase_allowed, redemption_allowed, sip_allowed, switch_allowed
        )
        SELECT now(), now(), st.amfi_code, {", ".join("st." + c.strip() for c in _INSERT_COLUMNS.split(","))},
            true, true, true, true
        FROM funds_stage_scheme st
        WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.amfi_code = st.amfi_code)
        ON CONFLICT (amfi_code) DO NOTHING
        """
    )
    inserted = cursor.rowcount
    return Counts(inserted=inserted, updated=updated, unchanged=staged - inserted - updated)


_STAGE_CODE = """
CREATE TEMP TABLE funds_stage_code (
    scheme_id bigint NOT NULL,
    source varchar(10) NOT NULL,
    code varchar(40) NOT NULL
) ON COMMIT DROP
"""
_CODE_SOURCES = (SchemeCode.Source.AMFI.value, SchemeCode.Source.ISIN.value)


def _scheme_codes(schemes: Sequence[SchemeRecord]) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """(amfi_code, source, code) for each scheme's AMFI code and ISINs; an ISIN the file gives to two
    schemes is left out and reported."""
    amfi, isin = SchemeCode.Source.AMFI.value, SchemeCode.Source.ISIN.value
    rows = [(r.amfi_code, amfi, r.amfi_code) for r in schemes]  # AMFI codes are unique per file
    owners: dict[str, list[SchemeRecord]] = {}
    for r in schemes:
        if r.isin_growth:
            owners.setdefault(r.isin_growth, []).append(r)
        if r.isin_reinvest and r.isin_reinvest != r.isin_growth:
            owners.setdefault(r.isin_reinvest, []).append(r)
    ambiguous = []
    for code, records in owners.items():
        if len(records) == 1:
            rows.append((records[0].amfi_code, isin, code))
        else:
            ambiguous.append(
                {
                    "source": isin,
                    "code": code,
                    "amfi_codes": [r.amfi_code for r in records],
                    "lines": [r.line_no for r in records],
                }
            )
    ambiguous.sort(key=lambda item: item["lines"][0])
    return rows, ambiguous


def _codes_upsert(cursor, schemes: Sequence[SchemeRecord], *, authoritative: bool) -> tuple[Counts, list[dict]]:
    """Maps AMFI codes and ISINs to schemes. The stored map is read once and compared here, so only new
    or moved codes are written (a re-import writes nothing)."""
    scheme_table, code_table = Scheme._meta.db_table, SchemeCode._meta.db_table
    rows, ambiguous = _scheme_codes(schemes)
    cursor.execute(f"SELECT amfi_code, id FROM {scheme_table}")
    scheme_ids = dict(cursor.fetchall())
    cursor.execute(f"SELECT source, code, scheme_id FROM {code_table} WHERE source IN (%s, %s)", list(_CODE_SOURCES))
    stored = {(source, code): scheme_id for source, code, scheme_id in cursor.fetchall()}
    counts = Counts()
    changes = []
    for amfi_code, source, code in rows:
        scheme_id = scheme_ids[amfi_code]
        current = stored.get((source, code))
        if current == scheme_id:
            counts.unchanged += 1
        elif current is None:
            counts.inserted += 1
            changes.append((scheme_id, source, code))
        elif authoritative:  # the file now gives this ISIN to another scheme
            counts.updated += 1
            changes.append((scheme_id, source, code))
        else:
            counts.unchanged += 1
    if changes:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_code")
        cursor.execute(_STAGE_CODE)
        with cursor.copy("COPY funds_stage_code (scheme_id, source, code) FROM STDIN") as copy:
            for change in changes:
                copy.write_row(change)
        cursor.execute(
            f"""
            INSERT INTO {code_table} AS c (created_at, updated_at, scheme_id, source, code)
            SELECT now(), now(), scheme_id, source, code FROM funds_stage_code
            ON CONFLICT (source, code) DO UPDATE SET scheme_id = EXCLUDED.scheme_id, updated_at = EXCLUDED.updated_at
            """
        )
    return counts, ambiguous


def _navs_changed_notify(scheme_ids: list[int]) -> None:
    """Tells the apps that value holdings (settings.FUNDS_NAVS_CHANGED_HOOKS) which schemes got new NAVs; each
    hook runs inside this transaction and should defer its work to on_commit."""
    if not scheme_ids:
        return
    for path in settings.FUNDS_NAVS_CHANGED_HOOKS:
        import_string(path)(scheme_ids=scheme_ids)


def _navs_upsert(cursor) -> Counts:
    schemes, navs = Scheme._meta.db_table, NavHistory._meta.db_table
    cursor.execute(
        f"""
        WITH written AS (
            INSERT INTO {navs} AS n (scheme_id, date, nav)
            SELECT s.id, st.nav_date, st.nav FROM funds_stage_nav st JOIN {schemes} s ON s.amfi_code = st.amfi_code
            ON CONFLICT (scheme_id, date) DO UPDATE SET nav = EXCLUDED.nav WHERE n.nav <> EXCLUDED.nav
            RETURNING n.scheme_id, (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               coalesce(array_agg(DISTINCT scheme_id), '{{}}') FROM written
        """
    )
    inserted, updated, changed_scheme_ids = cursor.fetchone()
    _navs_changed_notify(changed_scheme_ids)
    cursor.execute("SELECT count(*) FROM funds_stage_nav")
    (staged,) = cursor.fetchone()
    return Counts(inserted=inserted, updated=updated, unchanged=staged - inserted - updated)


def nav_records_load(
    *, schemes: Sequence[SchemeRecord], navs: Sequence[NavPoint] | None, authoritative: bool
) -> LoadResult:
    """Loads one file's schemes and NAVs. `schemes` has one record per AMFI code and `navs` one point per
    code and date (the parsers guarantee both); `navs=None` loads the points already in funds_stage_nav
    (the database-side parser stages them, and gives each record its latest point). Must run inside the
    caller's transaction."""
    result = LoadResult()
    with connection.cursor() as cursor:
        import_lock(cursor)
        amc_ids, result.amcs = amcs_ensure(cursor, (r.amc_name for r in schemes))
        if navs is not None:
            _navs_copy(cursor, navs)
            _latest_navs_carry(schemes, navs)
        _stage(cursor, schemes, amc_ids)
        result.contradictions = _contradictions(cursor)
        result.schemes = _schemes_upsert(cursor, authoritative=authoritative, staged=len(schemes))
        result.codes, result.ambiguous_codes = _codes_upsert(cursor, schemes, authoritative=authoritative)
        result.navs = _navs_upsert(cursor)
        cursor.execute(
            "DROP TABLE IF EXISTS pg_temp.funds_stage_scheme, pg_temp.funds_stage_nav, pg_temp.funds_stage_code"
        )
    return result
