"""Parsing an AMFI NAV file in the database. The file's lines are COPYed as they are into a temporary table
(numbered as in the file), and set-based SQL splits them, validates codes, names, NAVs and dates, reports
skipped rows by reason with their line numbers, and stages the good NAV points for the loader. Python sees
only the header, the category and AMC lines, and one row per scheme (the row that describes it), which it
turns into SchemeRecords with the naming rules. The work in Python therefore grows with the number of
schemes, not with the number of rows, and nothing holds the rows in memory.

The rules are those of the row-by-row reading AMFI's format asks for:
- a line without ";" is a category line or, failing that, an AMC line; both apply to the rows after it;
- a row is skipped (with a reason) when it has the wrong number of columns, an AMFI code that is not 1-12
  digits, a code seen before in a daily file (the first row with a name wins), or no name;
- a row's NAV is skipped (the row still describes its scheme) when it is not a positive number, its date is
  not DD-Mon-YYYY, or the file gave that scheme and date already;
- a scheme is described by its latest-dated row (its first row when none has a date)."""

# SQL here is built from fixed expressions and column positions only; values always go as parameters.
# ruff: noqa: S608

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from apps.funds.categories import SchemeCategory, category_parse
from apps.funds.importers.base import MAX_LINES_PER_REASON, LineLog
from apps.funds.importers.loader import SchemeRecord, nav_stage_create
from apps.funds.models import Scheme
from apps.funds.naming import clean_text, isin_is_valid, option_from_text, plan_from_text, plan_option_from_name

# COPY reads each line whole: CSV mode with a delimiter and a quote character that text never contains
# (they are replaced before sending), and a marker before each line so an empty line is a row too.
_COPY_LINES = "COPY funds_stage_line (line) FROM STDIN (FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e')"
_MARK = "|"
CHUNK_CHARS = 4 * 1024 * 1024

_STAGE_LINE = """
CREATE TEMP TABLE funds_stage_line (
    line_no bigint GENERATED ALWAYS AS IDENTITY,
    line text
) ON COMMIT DROP
"""

# Whitespace at either end, as Python's str.strip() for what AMFI files contain.
_TRIM = "btrim({0}, E' \\t\\n\\r\\x0b\\x0c')"
_MONTHS = "ARRAY['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']"


@dataclass(frozen=True)
class Columns:
    """Positions (0-based) of the header's columns and the number of columns a row must have."""

    width: int
    amfi_code: int
    isin_growth: int
    isin_reinvest: int
    name: int
    nav: int
    date: int
    plan: int | None = None
    option: int | None = None


@dataclass
class StagedFile:
    """What parsing found; the NAV points wait in funds_stage_nav for the loader."""

    rows: int
    schemes: list[SchemeRecord]
    navs: int
    nav_date: date | None
    skipped: LineLog = field(default_factory=LineLog)
    warnings: LineLog = field(default_factory=LineLog)


def lines_copy(cursor, chunks: Iterable[str]) -> None:
    """COPYs the file's text (decoded, in pieces of any size) into funds_stage_line, one row per line."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_line")
    cursor.execute(_STAGE_LINE)
    with cursor.copy(_COPY_LINES) as copy:
        for piece in _marked(chunks):
            copy.write(piece)


def _marked(chunks: Iterable[str]) -> Iterator[str]:
    """The text with line endings normalised, the two COPY control characters blanked and the marker at
    the start of every line. A "\\r" that ends one chunk is held back until the next shows whether "\\n"
    follows."""
    pending = ""
    first = True
    for chunk in chunks:
        text = pending + chunk
        pending = ""
        if text.endswith("\r"):
            text, pending = text[:-1], "\r"
        text = text.replace("\r\n", "\n").replace("\r", " ").replace("\x1f", " ").replace("\x1e", " ")
        text = text.replace("\n", "\n" + _MARK)
        if first:
            text, first = _MARK + text, False
        yield text
    if pending:
        yield " "


def _field(index: int | None) -> str:
    return "''" if index is None else f"coalesce(f[{index + 1}], '')"


_DATE_SQL = """
    CASE WHEN cardinality(d) = 3 AND d[1] ~ '^[0-9]{1,9}$' AND d[3] ~ '^[0-9]{4}$' AND d[3] <> '0000'
              AND month IS NOT NULL
         THEN CASE WHEN d[1]::int BETWEEN 1 AND extract(day FROM make_date(d[3]::int, month, 1)
                                                        + interval '1 month - 1 day')
                   THEN make_date(d[3]::int, month, d[1]::int) END
    END"""


def _rows_sql(columns: Columns, *, header_line: int, daily: bool) -> str:
    """One row per data line with its fields and the reason it (or its NAV) is skipped, in the order the
    rules are applied. Subqueries fenced with OFFSET 0 keep each line split once (inlined, every reference
    to a field would split it again); a date string is parsed once however many rows carry it; codes
    compare bytewise (COLLATE "C"), which is all they need. A daily file needs the first named row of each
    code (later ones are duplicates), a history report the first row of each code and day; each sorts once."""
    code, nav = _TRIM.format(_field(columns.amfi_code)), _TRIM.format(_field(columns.nav))
    name = _TRIM.format(_field(columns.name))  # its inner whitespace is collapsed in Python
    if daily:
        window = "min(line_no) FILTER (WHERE code_ok AND name <> '') OVER (PARTITION BY amfi_code) AS first"
        duplicate_code, duplicate_nav = "first < line_no", "NULL::text"
    else:  # the history report: one row per scheme and day
        window = (
            "row_number() OVER (PARTITION BY amfi_code, nav_date, wide_enough AND code_ok AND name <> '' "
            "AND nav_skip IS NULL ORDER BY line_no) AS first"
        )
        duplicate_code = "false"
        duplicate_nav = "CASE WHEN row_skip IS NULL AND nav_skip IS NULL AND first > 1 THEN 'duplicate_nav' END"
    return f"""
    CREATE TEMP TABLE funds_stage_row ON COMMIT DROP AS
    WITH fields AS MATERIALIZED (
        SELECT line_no, wide_enough,
            CASE WHEN wide_enough THEN {code} END COLLATE "C" AS amfi_code,
            CASE WHEN wide_enough THEN {name} END AS name,
            CASE WHEN wide_enough THEN {nav} END AS nav_raw,
            CASE WHEN wide_enough THEN {_TRIM.format(_field(columns.date))} END AS date_raw,
            {_field(columns.isin_growth)} AS isin_growth, {_field(columns.isin_reinvest)} AS isin_reinvest,
            {_field(columns.plan)} AS plan_text, {_field(columns.option)} AS option_text
        FROM (SELECT line_no, f, cardinality(f) = {columns.width} AS wide_enough
              FROM (SELECT line_no, string_to_array(substr(line, 2), ';') AS f FROM funds_stage_line
                    WHERE line_no > {header_line} AND strpos(line, ';') > 0 OFFSET 0) lines
              OFFSET 0) split
    ), dates AS (
        SELECT date_raw, {_DATE_SQL} AS nav_date
        FROM (SELECT date_raw, d, array_position({_MONTHS}, lower(left(d[2], 3))) AS month
              FROM (SELECT date_raw, string_to_array(date_raw, '-') AS d
                    FROM (SELECT DISTINCT date_raw FROM fields) distinct_dates OFFSET 0) parts OFFSET 0) parsed
    ), judged AS (
        SELECT *,
            CASE WHEN nav_raw !~ '^[0-9]{{1,12}}(\\.[0-9]*)?$' THEN 'unparsable_nav'
                 WHEN nav_raw::numeric <= 0 THEN 'zero_nav'
                 WHEN nav_date IS NULL THEN 'unparsable_date' END AS nav_skip
        FROM (SELECT fields.*, dates.nav_date, amfi_code ~ '^[0-9]{{1,12}}$' AS code_ok
              FROM fields LEFT JOIN dates ON dates.date_raw = fields.date_raw OFFSET 0) coded
    ), ranked AS (
        SELECT *, {window} FROM judged
    ), skipped AS (
        SELECT *,
            CASE WHEN NOT wide_enough THEN 'malformed_row'
                 WHEN NOT code_ok THEN 'invalid_amfi_code'
                 WHEN {duplicate_code} THEN 'duplicate_amfi_code'
                 WHEN name = '' THEN 'missing_scheme_name' END AS row_skip
        FROM ranked
    )
    SELECT line_no, amfi_code, name, nav_date, isin_growth, isin_reinvest, plan_text, option_text, row_skip,
        nav_skip, {duplicate_nav} AS duplicate_skip,
        CASE WHEN nav_skip IS NULL THEN nav_raw::numeric END AS nav
    FROM skipped
    """


def rows_parse(cursor, columns: Columns, *, header_line: int, daily: bool) -> StagedFile:
    """Parses the staged lines: NAV points into funds_stage_nav, scheme records and the skip log back."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.funds_stage_row")
    cursor.execute(_rows_sql(columns, header_line=header_line, daily=daily))
    nav_stage_create(cursor)
    cursor.execute(
        """
        INSERT INTO funds_stage_nav (line_no, amfi_code, nav_date, nav)
        SELECT line_no, amfi_code, nav_date, nav FROM funds_stage_row
        WHERE row_skip IS NULL AND nav_skip IS NULL AND duplicate_skip IS NULL
        """
    )
    cursor.execute("SELECT count(*), max(nav_date) FROM funds_stage_nav")
    navs, nav_date = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM funds_stage_row")
    (rows,) = cursor.fetchone()
    staged = StagedFile(rows=rows, schemes=[], navs=navs, nav_date=nav_date, skipped=_skip_log(cursor))
    staged.schemes = _scheme_records(cursor, columns, header_line=header_line, warnings=staged.warnings)
    return staged


def _skip_log(cursor) -> LineLog:
    cursor.execute(
        f"""
        SELECT reason, count(*), (array_agg(line_no ORDER BY line_no))[1:{MAX_LINES_PER_REASON}]
        FROM (SELECT line_no, coalesce(row_skip, nav_skip, duplicate_skip) AS reason FROM funds_stage_row) r
        WHERE reason IS NOT NULL GROUP BY reason
        """
    )
    log = LineLog()
    for reason, count, lines in cursor.fetchall():
        log.counts[reason], log.reasons[reason] = count, list(lines)
    return log


@dataclass(frozen=True)
class _Context:
    """What the category and AMC lines above a row say."""

    starts: list[int]
    states: list[tuple[SchemeCategory | None, str]]

    def at(self, line_no: int) -> tuple[SchemeCategory | None, str]:
        index = bisect_right(self.starts, line_no) - 1
        return self.states[index] if index >= 0 else (None, "")


def _context(cursor, header_line: int) -> _Context:
    cursor.execute(
        """
        SELECT line_no, substr(line, 2) FROM funds_stage_line
        WHERE line_no > %s AND strpos(line, ';') = 0 AND substr(line, 2) !~ '^\\s*$' ORDER BY line_no
        """,
        [header_line],
    )
    starts, states = [], []
    category: SchemeCategory | None = None
    for line_no, line in cursor.fetchall():
        parsed = category_parse(line)
        if parsed is not None:
            category, amc_name = parsed, ""
        else:
            amc_name = clean_text(line)[:200]
        starts.append(line_no)
        states.append((category, amc_name))
    return _Context(starts, states)


def _scheme_records(cursor, columns: Columns, *, header_line: int, warnings: LineLog) -> list[SchemeRecord]:
    context = _context(cursor, header_line)
    # each scheme's describing row, with the latest of its staged NAV points
    cursor.execute(
        """
        SELECT d.line_no, d.amfi_code, d.name, d.nav_date, d.isin_growth, d.isin_reinvest, d.plan_text,
            d.option_text, latest.nav, latest.nav_date
        FROM (
            SELECT DISTINCT ON (amfi_code) * FROM funds_stage_row WHERE row_skip IS NULL
            ORDER BY amfi_code, nav_date DESC NULLS LAST, line_no
        ) d
        LEFT JOIN (
            SELECT DISTINCT ON (amfi_code) amfi_code, nav_date, nav FROM funds_stage_nav
            ORDER BY amfi_code, nav_date DESC
        ) latest ON latest.amfi_code = d.amfi_code
        ORDER BY d.line_no
        """
    )
    eight_columns = columns.plan is not None and columns.option is not None
    records = []
    for row in cursor.fetchall():
        line_no, amfi_code, name, nav_date, isin_g, isin_r, plan_text, option_text, latest_nav, latest_date = row
        category, amc_name = context.at(line_no)
        name = clean_text(name)
        if eight_columns:
            described = _plan_option_from_columns(name, clean_text(plan_text), clean_text(option_text))
        else:
            described = _plan_option_from_name(name)
        plan, option, name_is_bare, full_name, evidence = described
        records.append(
            SchemeRecord(
                line_no=line_no,
                amfi_code=amfi_code,
                isin_growth=_isin(isin_g, line_no=line_no, warnings=warnings),
                isin_reinvest=_isin(isin_r, line_no=line_no, warnings=warnings),
                name=full_name[:300],
                name_is_bare=name_is_bare,
                amc_name=amc_name,
                category=category,
                plan=plan,
                option=option,
                evidence=evidence[:500],
                row_date=nav_date,
                latest_nav=latest_nav,
                latest_nav_date=latest_date,
            )
        )
    return records


def _plan_option_from_columns(name: str, plan_text: str, option_text: str) -> tuple[str, str, bool, str, str]:
    """(plan, option, name is bare, full name, evidence) of an 8-column row: the Plan and Option columns
    first, the option text for a plan it states ("Direct Growth"), the name for what neither says."""
    plan = plan_from_text(plan_text) if plan_text else Scheme.Plan.UNKNOWN
    if plan == Scheme.Plan.UNKNOWN and option_text:
        plan = plan_from_text(option_text)  # "Payout of IDCW option - Direct", "Direct Growth"
    option = option_from_text(option_text) if option_text else Scheme.Option.UNKNOWN
    if Scheme.Plan.UNKNOWN in (plan, option):  # fall back to the name
        name_plan, name_option = plan_option_from_name(name)
        plan = name_plan if plan == Scheme.Plan.UNKNOWN else plan
        option = name_option if option == Scheme.Option.UNKNOWN else option
    full_name = " - ".join(part for part in (name, plan_text, option_text) if part)
    evidence = f"Plan: {plan_text!r}; Option: {option_text!r}; Name: {name!r}"
    return plan, option, not plan_text and not option_text, full_name, evidence


def _plan_option_from_name(name: str) -> tuple[str, str, bool, str, str]:
    plan, option = plan_option_from_name(name)
    return plan, option, False, name, name


def _isin(raw: str, *, line_no: int, warnings: LineLog) -> str:
    value = raw.strip().upper()
    if value in ("", "-"):
        return ""
    if isin_is_valid(value):
        return value
    warnings.add("invalid_isin", line_no)
    return ""
