"""Bytes as mailed -> one table (header and rows). The registrars mail DBF, XLS, XLSX, CSV or
pipe-separated text, often inside a password-protected ZIP. What is not one of these (an HTML page saved
as a feed, a cut-off download, a wrong password) is refused with its reason."""

from __future__ import annotations

import csv
import io
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pyzipper
import xlrd
from dbfread import DBF, FieldParser

from apps.core.exceptions import ApplicationError

DBF_VERSIONS = frozenset({0x02, 0x03, 0x30, 0x31, 0x32, 0x83, 0x8B, 0xF5})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBER_BYTES = 200 * 1024 * 1024


class FeedRefused(ApplicationError):
    """The file cannot be read as a feed; `code` says why (unknown_layout, html, truncated, wrong_password,
    password_required, empty, unreadable)."""

    status_code = 422


@dataclass
class Table:
    header: list[str]
    rows: list[list[object]]
    container: str  # dbf / xls / xlsx / csv / pipe / tsv, with "zip+" when it came in a ZIP


def table_read(*, content: bytes, filename: str = "", password: str = "") -> Table:
    if not content.strip():
        raise FeedRefused("The file is empty.", code="empty")
    if content[:4] == ZIP_MAGIC:
        return _zip_read(content, filename=filename, password=password)
    if content[:8] == OLE_MAGIC:
        return _xls_read(content)
    if content[0] in DBF_VERSIONS and _looks_like_dbf(content):
        return _dbf_read(content)
    return _text_read(content)


# --- ZIP (and XLSX, which is a ZIP) --------------------------------------------------------------------


def _zip_read(content: bytes, *, filename: str, password: str) -> Table:
    try:
        archive = pyzipper.AESZipFile(io.BytesIO(content))
        names = archive.namelist()
    except (zipfile.BadZipFile, pyzipper.BadZipFile, EOFError, ValueError) as exc:
        raise FeedRefused("The ZIP file is incomplete or damaged.", code="truncated") from exc
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return _xlsx_read(content)
    members = [info for info in archive.infolist() if not info.is_dir() and not info.filename.startswith("__MACOSX")]
    if len(members) != 1:
        raise FeedRefused(f"The ZIP file holds {len(members)} files; one feed per ZIP is expected.", code="unreadable")
    member = members[0]
    if member.file_size > MAX_MEMBER_BYTES:
        raise FeedRefused("The file inside the ZIP is too large.", code="unreadable")
    encrypted = bool(member.flag_bits & 0x1)
    if encrypted and not password:
        raise FeedRefused("The ZIP file is password-protected: give its password.", code="password_required")
    try:
        inner = archive.read(member, pwd=password.encode() if encrypted else None)
    except RuntimeError as exc:  # zipfile / pyzipper: "Bad password for file"
        raise FeedRefused("The password does not open this ZIP file.", code="wrong_password") from exc
    except (zipfile.BadZipFile, pyzipper.BadZipFile, zlib.error, EOFError) as exc:
        raise FeedRefused("The ZIP file is incomplete or damaged.", code="truncated") from exc
    table = table_read(content=inner, filename=member.filename)
    table.container = f"zip+{table.container}"
    return table


def _xlsx_read(content: bytes) -> Table:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FeedRefused("The Excel file is incomplete or damaged.", code="truncated") from exc
    return _table_from_rows(rows, container="xlsx")


def _xls_read(content: bytes) -> Table:
    try:
        book = xlrd.open_workbook(file_contents=content)
    except xlrd.XLRDError as exc:
        raise FeedRefused(f"The Excel file cannot be read: {exc}", code="unreadable") from exc
    except (AssertionError, IndexError, ValueError, struct.error) as exc:
        raise FeedRefused("The Excel file is incomplete or damaged.", code="truncated") from exc
    sheet = book.sheet_by_index(0)
    rows = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            else:
                row.append(cell.value)
        rows.append(row)
    return _table_from_rows(rows, container="xls")


def _table_from_rows(rows: list[list[object]], *, container: str) -> Table:
    rows = [row for row in rows if any(value not in (None, "") for value in row)]
    if not rows:
        raise FeedRefused("The file has no rows.", code="empty")
    header = [str(value or "").strip() for value in rows[0]]
    width = len(header)
    body = [(list(row) + [None] * width)[:width] for row in rows[1:]]
    return Table(header=header, rows=body, container=container)


# --- DBF -----------------------------------------------------------------------------------------------


def _looks_like_dbf(content: bytes) -> bool:
    if len(content) < 33:
        return False
    header_size = int.from_bytes(content[8:10], "little")
    record_size = int.from_bytes(content[10:12], "little")
    return 33 <= header_size <= len(content) + 1 and record_size > 0 and content[header_size - 1] == 0x0D


class _DecimalFieldParser(FieldParser):
    """Numbers as Decimal (units and amounts must not pass through float); blanks as None."""

    def parseN(self, field, data):  # noqa: N802 - dbfread's naming
        text = data.strip().strip(b"\x00").decode("ascii", "replace")
        if not text or text.strip("*") == "":
            return None
        return Decimal(text)

    parseF = parseN  # noqa: N815


def _dbf_read(content: bytes) -> Table:
    header_size = int.from_bytes(content[8:10], "little")
    record_size = int.from_bytes(content[10:12], "little")
    records = int.from_bytes(content[4:8], "little")
    if header_size + records * record_size > len(content):
        raise FeedRefused(f"The DBF file is cut off: it declares {records} records and holds fewer.", code="truncated")
    with tempfile.NamedTemporaryFile(suffix=".dbf") as handle:
        handle.write(content)
        handle.flush()
        try:
            table = DBF(handle.name, encoding="latin-1", parserclass=_DecimalFieldParser, char_decode_errors="replace")
            header = list(table.field_names)
            rows = [[record[name] for name in header] for record in table]
        except (ValueError, KeyError, ArithmeticError) as exc:
            raise FeedRefused(f"The DBF file cannot be read: {exc}", code="unreadable") from exc
    return _table_from_rows([header, *rows], container="dbf")


# --- text: CSV, pipe- or tab-separated -----------------------------------------------------------------


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _is_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<html" in head or "<body" in head


def _text_read(content: bytes) -> Table:
    text = _decode(content)
    if _is_html(text):
        raise FeedRefused("This is a web page, not a feed (a download that went wrong).", code="html")
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter, container = max(((",", "csv"), ("|", "pipe"), ("\t", "tsv")), key=lambda d: first.count(d[0]))
    if first.count(delimiter) == 0:
        raise FeedRefused("The file is neither DBF, Excel, CSV nor pipe-separated.", code="unknown_layout")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    width = len(rows[0])
    _check_complete(rows, width=width, ends_with_newline=text.endswith(("\n", "\r")))
    return Table(header=[c.strip() for c in rows[0]], rows=[list(r) for r in rows[1:]], container=container)


def _check_complete(rows: Iterable[list[str]], *, width: int, ends_with_newline: bool) -> None:
    rows = list(rows)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) == width:
            continue
        if number == len(rows) and len(row) < width and not ends_with_newline:
            raise FeedRefused(f"The file is cut off in line {number}.", code="truncated")
        raise FeedRefused(f"Line {number} has {len(row)} columns where the header has {width}.", code="unreadable")


# --- values --------------------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d-%b-%Y", "%Y-%m-%d", "%d-%b-%y", "%d/%m/%y", "%d.%m.%Y", "%Y%m%d")


def to_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def to_decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "")
    return Decimal(text) if text else None


def to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns folio and transaction numbers into floats
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()
