"""Feed files built in the tests from the registrars' real header lists (../shared/data/rta), written in
every form they are mailed in: DBF, XLS, XLSX, CSV, pipe-separated and password-protected ZIP."""

from __future__ import annotations

import csv
import io
import re
import struct
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyzipper
import xlwt
from django.conf import settings

RTA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "rta"
HEADER_FILE = RTA_DIR / "rta_feed_header_lines_from_code_constants.txt"


def _header_sections() -> dict[str, list[str]]:
    sections, label = {}, ""
    for line in HEADER_FILE.read_text().splitlines():
        if line.startswith("# ["):
            label = line[3 : line.index("]")]
        elif line and not line.startswith("#") and label:
            sections[label] = line.split(",")
            label = ""
    return sections


def header(name: str) -> list[str]:
    """cams_dbf, cams_long, kfintech_dbf, kfintech_excel, cams_wbr9, kfintech_aum (real header lines);
    cams_wbr22 and kfintech_mfsd203 (the real field lists of the CDM files)."""
    sections = _header_sections()
    by_name = {
        "cams_dbf": "CAMS transaction feed, DBF-style 10-char field names",
        "cams_long": "CAMS transaction feed, long field names + app-added BatchNumber",
        "kfintech_dbf": "KFintech (Karvy) transaction feed, DBF-style",
        "kfintech_excel": "KFintech (Karvy) transaction feed, Excel-style long names",
        "cams_wbr9": "CAMS folio/investor master (WBR9), DBF-style",
        "kfintech_aum": "KFintech (Karvy) AUM / holdings feed + app-added BatchNumber",
    }
    if name in by_name:
        return sections[by_name[name]]
    cdm = {
        "cams_wbr22": "rta_cams_WBR22_aum_fields_cdm.json",
        "kfintech_mfsd203": "rta_kfintech_MFSD203_aum_fields_cdm.json",
    }
    text = (RTA_DIR / cdm[name]).read_text()  # not valid JSON: read the attribute names with a pattern
    names = [n.strip() for n in re.findall(r'"name":\s*"([^"]+)"', text) if n.strip() not in ("versionNumber", "level")]
    return list(dict.fromkeys(names))


def rows_for(head: list[str], records: list[dict[str, object]]) -> list[list[object]]:
    """Each record's values (by column name, any case) in the header's order; the rest left empty."""
    lower = [h.strip().lower() for h in head]
    out = []
    for record in records:
        values = {k.lower(): v for k, v in record.items()}
        missing = set(values) - set(lower)
        assert not missing, f"not in the real header: {missing}"
        out.append([values.get(name, "") for name in lower])
    return out


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def as_csv(head, rows, *, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return buffer.getvalue().encode()


def as_pipe(head, rows) -> bytes:
    return as_csv(head, rows, delimiter="|")


def as_xlsx(head, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_xls(head, rows) -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, name in enumerate(head):
        sheet.write(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, float(value) if isinstance(value, Decimal) else value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_dbf(head, rows) -> bytes:
    """dBase III: dates as D, Decimals as N (with their decimals), the rest as C; names cut to 10 characters
    as DBF does."""
    fields = []
    for position, name in enumerate(head):
        sample = next((row[position] for row in rows if row[position] not in ("", None)), "")
        if isinstance(sample, date):
            fields.append((name[:10], "D", 8, 0))
        elif isinstance(sample, Decimal):
            places = max(max(-v.as_tuple().exponent, 0) for v in (row[position] for row in rows) if v != "")
            fields.append((name[:10], "N", 18, places))
        else:
            width = max([1] + [len(_text(row[position]).encode("latin-1")) for row in rows])
            fields.append((name[:10], "C", min(254, width), 0))
    record_size = 1 + sum(f[2] for f in fields)
    header_size = 32 + 32 * len(fields) + 1
    today = date.today()
    out = bytearray(struct.pack("<BBBBIHH20x", 0x03, today.year - 1900, today.month, today.day, len(rows),
                                header_size, record_size))  # fmt: skip
    for name, kind, size, places in fields:
        out += struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode(), size, places)
    out += b"\r"
    for row in rows:
        out += b" "
        for (_, kind, size, places), value in zip(fields, row, strict=True):
            if kind == "D":
                out += (value.strftime("%Y%m%d") if value else "").ljust(8).encode()
            elif kind == "N":
                out += (f"{value:.{places}f}" if value != "" else "").rjust(size).encode()
            else:
                out += _text(value).ljust(size).encode("latin-1")
    out += b"\x1a"
    return bytes(out)


def as_zip(content: bytes, *, inner_name: str, password: str = "", aes: bool = True) -> bytes:
    buffer = io.BytesIO()
    if password and aes:
        with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
            zf.setpassword(password.encode())
            zf.writestr(inner_name, content)
    else:
        with pyzipper.ZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED) as zf:
            zf.writestr(inner_name, content)
    return buffer.getvalue()
