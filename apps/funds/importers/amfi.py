"""AMFI's NAV files: the daily NAVAll file (6 columns until 18-Aug-2026, 8 columns with Plan and Option
since 19-Aug-2026) and the NAV history report (its own column order, with repurchase and sale prices).

The layout is recognised from the header's column names, never from positions. Between the rows come
category lines (``Open Ended Schemes(Debt Scheme - Liquid Fund)``), AMC lines and blank or whitespace
lines. Each row carries its own date (stale schemes keep publishing an old one). The AMFI code is a
scheme's identity in every layout."""

import codecs
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from apps.core.memory import cyclic_gc_paused
from apps.funds.importers.base import (
    ImportRefused,
    RunOutcome,
    content_digest,
    run_record_failure,
    run_record_success,
)
from apps.funds.importers.loader import import_lock, nav_records_load
from apps.funds.importers.staging import CHUNK_CHARS, Columns, StagedFile, lines_copy, rows_parse
from apps.funds.models import ImportRun
from apps.funds.selectors import nav_expected_date
from apps.funds.sources import LocalFileSource, NavDocument, NavSource, SourceUnavailable, nav_source_for


class Layout(StrEnum):
    NAVALL_6 = "navall_6col"
    NAVALL_8 = "navall_8col"
    HISTORY = "nav_history"


DAILY_LAYOUTS = frozenset({Layout.NAVALL_6, Layout.NAVALL_8})
# Local files larger than this (history reports) are read in pieces, never whole (see nav_text_streamed).
STREAM_ABOVE_BYTES = 32 * 1024 * 1024
READ_BYTES = 4 * 1024 * 1024
HEAD_BYTES = 64 * 1024  # enough for the header and what may come before it

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


@dataclass(frozen=True)
class NavFileHead:
    """What the header says: the layout, where each column is, what was ignored, and its line number."""

    layout: Layout
    columns: Columns
    header_line: int
    ignored_columns: list[str] = field(default_factory=list)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


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


def nav_file_head(text: str, *, accept: frozenset[Layout] | set[Layout]) -> NavFileHead:
    """Reads the header of a decoded NAV file, or refuses the file (ImportRefused) before anything is
    written: empty, binary, an HTML page, a header without AMFI's columns, or a layout this job does not
    read."""
    if not text.strip():
        raise ImportRefused("The file is empty.")
    if "\x00" in text:
        raise ImportRefused("Not an AMFI NAV file: it is binary.")
    leading = len(text) - len(text.lstrip())
    header_line = text.count("\n", 0, leading) + 1
    header = text[leading:].split("\n", 1)[0].strip()
    if _HTML.search(header):
        raise ImportRefused(
            "Not an AMFI NAV file: it is an HTML page (the download was redirected or failed).",
            extra={"first_line": header[:200]},
        )
    layout, found, ignored = _header_layout(header)
    if layout not in accept:
        wanted = " or ".join(sorted(accept))
        raise ImportRefused(f"This is an AMFI {layout} file; this importer reads {wanted}.", extra={"layout": layout})
    # repurchase and sale prices (history report) are recognised but not read
    used = {name: index for name, index in found.items() if name not in ("repurchase_price", "sale_price")}
    columns = Columns(width=len(header.split(";")), **used)
    return NavFileHead(layout=layout, columns=columns, header_line=header_line, ignored_columns=ignored)


@dataclass(frozen=True)
class NavText:
    """A NAV file's text, read in pieces: its digest, its beginning (for the header) and its pieces."""

    digest: str
    head: str
    pieces: Callable[[], Iterator[str]]


def nav_text_of(document: NavDocument) -> NavText:
    text = _decode(document.content)
    return NavText(
        digest=content_digest(document.content),
        head=text,
        pieces=lambda: (text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)),
    )


def nav_text_streamed(path: Path) -> NavText:
    """A large file is never held in memory: one pass hashes it and finds its encoding (UTF-8, else
    cp1252, as _decode), the import reads it again piece by piece."""
    digest, encoding = hashlib.sha256(), "utf-8-sig"
    checker = codecs.getincrementaldecoder("utf-8-sig")()
    with path.open("rb") as file:
        while block := file.read(READ_BYTES):
            digest.update(block)
            if encoding == "utf-8-sig":
                try:
                    checker.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
    if encoding == "utf-8-sig":
        try:
            checker.decode(b"", final=True)  # a character cut off at the end
        except UnicodeDecodeError:
            encoding = "cp1252"

    def pieces() -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        with path.open("rb") as file:
            while block := file.read(READ_BYTES):
                text = decoder.decode(block)
                if "\x00" in text:
                    raise ImportRefused("Not an AMFI NAV file: it is binary.")
                yield text
            yield decoder.decode(b"", final=True)

    with path.open("rb") as file:
        head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(file.read(HEAD_BYTES))
    return NavText(digest=digest.hexdigest(), head=head, pieces=pieces)


def nav_text_fetch(nav_source: NavSource) -> tuple[str, NavText]:
    """(origin, text) of the source's file; local files above STREAM_ABOVE_BYTES are streamed."""
    if isinstance(nav_source, LocalFileSource):
        try:
            size = nav_source.path.stat().st_size
        except OSError:
            size = 0  # fetch() reports it
        if size > STREAM_ABOVE_BYTES:
            return nav_source.describe(), nav_text_streamed(nav_source.path)
    document = nav_source.fetch()
    return document.origin, nav_text_of(document)


def nav_file_stage(cursor, pieces: Iterable[str], head: NavFileHead) -> StagedFile:
    """Parses the file in the database (apps/funds/importers/staging.py): its NAV points wait in
    funds_stage_nav, its scheme records and skip log come back. Refuses a file without rows."""
    lines_copy(cursor, pieces)
    staged = rows_parse(cursor, head.columns, header_line=head.header_line, daily=head.layout in DAILY_LAYOUTS)
    if staged.rows == 0:
        raise ImportRefused("The file has a NAV header but no scheme rows (a truncated download?).")
    return staged


@dataclass(frozen=True)
class NavImportJob:
    kind: str
    accept: frozenset[Layout]
    authoritative: bool  # False: fill only what the master lacks
    check_freshness: bool


DAILY_JOB = NavImportJob(kind=ImportRun.Kind.AMFI_NAVS, accept=DAILY_LAYOUTS, authoritative=True, check_freshness=True)


def nav_file_import(job: NavImportJob, *, source: str | NavSource, actor_label: str, now=None) -> ImportRun:
    """Fetch, parse and load one NAV file in one transaction, and record the run (see NavImportJob). A file
    identical to the one the latest funds import read is not parsed again (see _unchanged_since)."""
    started_at = timezone.now()
    nav_source = nav_source_for(source) if isinstance(source, str) else source
    origin, digest, layout = nav_source.describe(), "", ""
    try:
        origin, text = nav_text_fetch(nav_source)
        digest = text.digest
        head = nav_file_head(text.head, accept=job.accept)
        layout = head.layout
        with transaction.atomic():
            expected = nav_expected_date(at=now or timezone.now()) if job.check_freshness else None
            previous = _unchanged_since(kind=job.kind, digest=digest)
            if previous is not None:
                outcome = _outcome_repeated(previous, expected=expected)
            else:
                outcome = _outcome_loaded(job, text=text, head=head, expected=expected)
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


def _outcome_loaded(job: NavImportJob, *, text: NavText, head: NavFileHead, expected) -> RunOutcome:
    with cyclic_gc_paused():  # a record per scheme (14,000 in a daily file)
        with connection.cursor() as cursor:
            staged = nav_file_stage(cursor, text.pieces(), head)
        result = nav_records_load(schemes=staged.schemes, navs=None, authoritative=job.authoritative)
    report = {
        "rows": staged.rows,
        **result.report,
        "skipped_reasons": staged.skipped.as_dict(),
        "warnings": staged.warnings.as_dict(),
    }
    if head.ignored_columns:
        report["ignored_columns"] = head.ignored_columns
    return RunOutcome(
        layout=head.layout,
        inserted=result.navs.inserted,
        updated=result.navs.updated,
        unchanged=result.navs.unchanged,
        skipped=staged.skipped.total,
        report=report,
        nav_date=staged.nav_date,
        expected_nav_date=expected,
        is_stale=bool(expected and (staged.nav_date is None or staged.nav_date < expected)),
    )


def _unchanged_since(*, kind: str, digest: str) -> ImportRun | None:
    """The latest successful funds import, when it was this job reading this very file: loading the file
    again would change nothing, so it is not parsed again. Any other import since (another file, the
    history report, the BSE master) means the file is loaded in full. Read under the import lock, so a
    concurrent import cannot slip in between."""
    with connection.cursor() as cursor:
        import_lock(cursor)
    latest = ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).order_by("-finished_at", "-id").first()
    if latest is not None and latest.kind == kind and latest.content_sha256 == digest:
        return latest
    return None


def _outcome_repeated(previous: ImportRun, *, expected) -> RunOutcome:
    """The outcome of reading again the file `previous` read: every count unchanged, the same skips."""
    report = dict(previous.report)
    for entity in ("amcs", "schemes", "codes", "navs"):
        counts = report.get(entity) or {}
        report[entity] = {"inserted": 0, "updated": 0, "unchanged": sum(counts.values())}
    report["changed"] = False
    report["same_file_as_run"] = previous.pk
    return RunOutcome(
        layout=previous.layout,
        inserted=0,
        updated=0,
        unchanged=previous.inserted + previous.updated + previous.unchanged,
        skipped=previous.skipped,
        report=report,
        nav_date=previous.nav_date,
        expected_nav_date=expected,
        is_stale=bool(expected and (previous.nav_date is None or previous.nav_date < expected)),
    )


def import_amfi_navs(*, source: str | NavSource, actor_label: str = "", now=None) -> ImportRun:
    """Imports AMFI's daily NAVAll file (either layout) from a path or URL. One transaction for the file;
    a refused file raises ImportRefused and writes only the failed ImportRun. `now` (default: the clock)
    decides which trading day's NAVs the file should have (staleness)."""
    return nav_file_import(DAILY_JOB, source=source, actor_label=actor_label, now=now)
