"""Renders a statement (a `StatementDocument`: brand, investor, key figures, tables) as a branded PDF with
ReportLab. No database here: apps.reports.statements builds the document, this module only draws it.

Long tables are cut into page-sized blocks before layout, which keeps rendering linear in the number of
rows (a 10,000-line transaction statement renders in a few seconds; benchmarks/statement_pdf.py)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

ROWS_PER_BLOCK = 40
DISCLAIMERS = (
    "Mutual fund investments are subject to market risks; read all scheme-related documents carefully.",
    "Values use the latest NAV available on the date of this statement. Capital gains are computed by FIFO from "
    "the transactions recorded with us; the tax shown is an estimate at the rates in force, before surcharge and "
    "cess, and is not tax advice. Please check figures against your registrar's statement before filing.",
    "Section numbers are those of the Income-tax Act, 1961.",
)


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    arn: str = ""
    email: str = ""
    phone: str = ""
    primary: str = "#1F4E79"
    accent: str = "#F2A900"
    logo: bytes | None = None  # PNG or JPEG


@dataclass(frozen=True, slots=True)
class TableBlock:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[int] = frozenset()  # right-aligned column indexes
    totals: Sequence[str] | None = None
    widths: Sequence[float] | None = None  # fractions of the frame width


@dataclass(frozen=True, slots=True)
class StatementDocument:
    title: str
    subtitle: str
    brand: Brand
    investor_name: str
    investor_detail: str  # masked PAN, e-mail
    generated_at: datetime
    figures: Sequence[tuple[str, str]] = ()
    tables: Sequence[TableBlock] = ()
    notes: Sequence[str] = ()
    disclaimers: Sequence[str] = field(default=DISCLAIMERS)


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    content: bytes
    pages: int


def _colour(value: str, fallback: str) -> colors.Color:
    try:
        return colors.HexColor(value)
    except ValueError:
        return colors.HexColor(fallback)


def _styles(brand: Brand) -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    primary = _colour(brand.primary, "#1F4E79")
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], textColor=primary, fontSize=16, spaceAfter=2, alignment=TA_LEFT
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base["Normal"], fontSize=9, textColor=colors.HexColor("#444444")),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=primary, fontSize=11, spaceBefore=8),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=8, leading=10),
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=6.5, leading=8, textColor=colors.grey),
        "right": ParagraphStyle("right", parent=base["Normal"], fontSize=8, alignment=TA_RIGHT),
    }


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _header_block(doc: StatementDocument, styles, width: float) -> list:
    brand = doc.brand
    left = [
        Paragraph(_escape(doc.title), styles["title"]),
        Paragraph(_escape(doc.subtitle), styles["subtitle"]),
        Paragraph(f"<b>{_escape(doc.investor_name)}</b> &middot; {_escape(doc.investor_detail)}", styles["body"]),
    ]
    right = []
    if brand.logo:
        try:
            right.append(Image(io.BytesIO(brand.logo), width=30 * mm, height=12 * mm, kind="proportional"))
        except Exception:  # noqa: BLE001 - a logo ReportLab cannot read is left out, never fatal
            logger.warning("statement logo of %s could not be read", brand.name)
    right.append(Paragraph(f"<b>{_escape(brand.name)}</b>", styles["right"]))
    contact = " &middot; ".join(_escape(x) for x in (brand.arn, brand.email, brand.phone) if x)
    if contact:
        right.append(Paragraph(contact, styles["right"]))
    table = Table([[left, right]], colWidths=[width * 0.62, width * 0.38])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 2, _colour(brand.accent, "#F2A900")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [table, Spacer(1, 4 * mm)]


def _figures_block(doc: StatementDocument, styles, width: float) -> list:
    if not doc.figures:
        return []
    cells = [
        [Paragraph(f"{_escape(label)}<br/><b>{_escape(value)}</b>", styles["body"]) for label, value in doc.figures]
    ]
    table = Table(cells, colWidths=[width / len(doc.figures)] * len(doc.figures))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F4F6F8")),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#D0D5DA")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def _table_style(block: TableBlock, primary: colors.Color, rows: int, has_totals: bool) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), primary),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D0D5DA")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for index in block.numeric:
        commands.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
    if has_totals:
        commands.append(("FONT", (0, rows - 1), (-1, rows - 1), "Helvetica-Bold", 7))
        commands.append(("LINEABOVE", (0, rows - 1), (-1, rows - 1), 0.75, primary))
    return TableStyle(commands)


def _table_blocks(block: TableBlock, styles, width: float, primary: colors.Color, progress: Callable[[int], None]):
    flow = [Paragraph(_escape(block.title), styles["h2"])]
    fractions = block.widths or [1 / len(block.columns)] * len(block.columns)
    widths = [width * f for f in fractions]
    rows = [list(map(str, row)) for row in block.rows]
    if not rows:
        flow.append(Paragraph("Nothing in this period.", styles["body"]))
        return flow
    for start in range(0, len(rows), ROWS_PER_BLOCK):
        chunk = [list(block.columns), *rows[start : start + ROWS_PER_BLOCK]]
        last = start + ROWS_PER_BLOCK >= len(rows)
        if last and block.totals is not None:
            chunk.append(list(block.totals))
        table = Table(chunk, colWidths=widths, repeatRows=1)
        table.setStyle(_table_style(block, primary, len(chunk), last and block.totals is not None))
        flow.append(table)
        progress(min(start + ROWS_PER_BLOCK, len(rows)))
    return flow


def statement_pdf_render(
    document: StatementDocument, *, progress: Callable[[float], None] | None = None
) -> RenderedPdf:
    """The PDF bytes and page count. `progress` gets fractions 0..1 while the tables are laid out."""
    wide = any(len(block.columns) > 8 for block in document.tables)
    pagesize = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    margin = 12 * mm
    template = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=16 * mm,
        title=f"{document.title} - {document.brand.name}",
        author=document.brand.name,
        subject=document.subtitle,
    )
    width = pagesize[0] - 2 * margin
    styles = _styles(document.brand)
    primary = _colour(document.brand.primary, "#1F4E79")
    total_rows = max(sum(len(block.rows) for block in document.tables), 1)
    done_before = 0

    story = [*_header_block(document, styles, width), *_figures_block(document, styles, width)]
    for block in document.tables:
        offset = done_before

        def report(done: int, offset: int = offset) -> None:
            if progress is not None:
                progress(0.5 * (offset + done) / total_rows)

        story.extend(_table_blocks(block, styles, width, primary, report))
        done_before += len(block.rows)
    for note in document.notes:
        story.append(Paragraph(_escape(note), styles["body"]))
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([Paragraph(_escape(text), styles["small"]) for text in document.disclaimers]))

    pages = {"count": 0}
    footer = f"{document.brand.name}{' - ' + document.brand.arn if document.brand.arn else ''}"

    def on_page(canvas, doc_template) -> None:
        pages["count"] = doc_template.page
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(margin, 8 * mm, f"{footer} - generated {document.generated_at:%d-%b-%Y %H:%M} IST")
        canvas.drawRightString(pagesize[0] - margin, 8 * mm, f"Page {doc_template.page}")
        canvas.restoreState()
        if progress is not None and total_rows > 1:
            progress(min(0.5 + 0.5 * doc_template.page * ROWS_PER_BLOCK / total_rows, 0.99))

    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return RenderedPdf(content=buffer.getvalue(), pages=pages["count"])
