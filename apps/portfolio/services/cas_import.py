"""CAS import: an uploaded PDF (kept privately, deleted once parsed) is parsed by casparser in a Celery
task and written into the ledger in one database transaction.

Stages reported on the CasImport row: uploaded -> parsing -> mapping -> recording -> valuing ->
finished (or failed with an error code and a message a person can act on)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import audit_record
from apps.core.exceptions import ApplicationError
from apps.core.logging import mask_pan
from apps.funds.models import Amc
from apps.portfolio.models import (
    CasImport,
    Folio,
    Holding,
    Registrar,
    Transaction,
    TransactionKind,
    TransactionSource,
)
from apps.portfolio.services.ledger import (
    UNIT_PLACES,
    folio_get_or_create,
    holding_get_or_create,
    holding_rebuild,
    transaction_cash_flow,
)
from apps.portfolio.services.mapping import SchemeMatcher
from apps.portfolio.services.valuation import holdings_revalue, investor_valuation_refresh
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

CAS_IMPORT_TASK = "portfolio.cas_import_process"

Error = CasImport.Error
Stage = CasImport.Stage
UNITS_TOLERANCE = Decimal("0.002")  # statements print units to 3 places

# casparser's transaction types -> ledger kinds. MISC rows (nominee registration, address change)
# carry no money and no units and are not ledger lines; gifts move units without cash, like a switch.
KIND_BY_CAS_TYPE = {
    "PURCHASE": TransactionKind.PURCHASE,
    "PURCHASE_SIP": TransactionKind.SIP,
    "REDEMPTION": TransactionKind.REDEMPTION,
    "SWITCH_IN": TransactionKind.SWITCH_IN,
    "SWITCH_IN_MERGER": TransactionKind.SWITCH_IN,
    "SWITCH_OUT": TransactionKind.SWITCH_OUT,
    "SWITCH_OUT_MERGER": TransactionKind.SWITCH_OUT,
    "DIVIDEND_PAYOUT": TransactionKind.DIVIDEND_PAYOUT,
    "DIVIDEND_REINVEST": TransactionKind.DIVIDEND_REINVEST,
    "STT_TAX": TransactionKind.STT,
    "STAMP_DUTY_TAX": TransactionKind.STAMP_DUTY,
    "TDS_TAX": TransactionKind.TDS,
    "SEGREGATION": TransactionKind.SEGREGATION,
    "REVERSAL": TransactionKind.REVERSAL,
    "GIFT_IN": TransactionKind.SWITCH_IN,
    "GIFT_OUT": TransactionKind.SWITCH_OUT,
}

OVER_LIMITS = "reading it took more time or memory than a statement may (a damaged or unusually large PDF)."
MESSAGES = {
    Error.WRONG_PASSWORD: "The password does not open this PDF. CAS files are usually protected with the "
    "password you chose when you requested the statement.",
    Error.NOT_A_CAS: "This PDF is not a consolidated account statement from CAMS, KFintech, NSDL or CDSL.",
    Error.CORRUPT_PDF: "The file is not a readable PDF. Download the statement again and upload it as it came.",
    Error.TOO_LARGE: "The file is larger than {limit_mb} MB.",
    Error.TOO_MANY_PAGES: "The statement has {pages} pages; at most {limit} can be imported at once.",
    Error.UNSUPPORTED: "This kind of statement cannot be imported: {detail}",
    Error.PAN_MISMATCH: "This statement belongs to another PAN than the investor's.",
    Error.INTERNAL: "The statement could not be imported because of an error on our side. Try again later.",
}


class CasImportError(ApplicationError):
    code = "cas_import_failed"

    def __init__(self, error: str, detail: str = "", *, message: str = "", **fmt):
        message = message or MESSAGES[error].format(detail=detail, **fmt)
        super().__init__(message, code=error, status_code=413 if error == Error.TOO_LARGE else None)
        self.error = error
        self.cas_import: CasImport | None = None


# ----------------------------------------------------------------------------- private storage


CAS_PASSWORD_PURPOSE = "portfolio.cas-password"


def password_seal(password: str) -> str:
    return crypto.encrypt(password, purpose=CAS_PASSWORD_PURPOSE)


def password_open(token: str) -> str:
    try:
        return crypto.decrypt(token, purpose=CAS_PASSWORD_PURPOSE)
    except crypto.DecryptionFailed as exc:  # the key was dropped since the upload
        raise CasImportError(Error.INTERNAL) from exc


def _private_dir() -> Path:
    directory = Path(settings.PRIVATE_STORAGE_ROOT) / "cas" / connection.schema_name
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def private_path(cas_import: CasImport) -> Path | None:
    if not cas_import.stored_path:
        return None
    return Path(settings.PRIVATE_STORAGE_ROOT) / cas_import.stored_path


def _store_private(upload, cas_import: CasImport) -> Path:
    path = _private_dir() / f"{cas_import.public_id}.pdf"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _delete_private(cas_import: CasImport) -> None:
    path = private_path(cas_import)
    if path is not None:
        path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- upload


def _pdf_check(path: Path, password: str) -> int:
    """Opens the PDF as casparser will: the page count, or the error a person can act on."""
    # the PDF and statement parsers are heavy native libraries: loaded only when a statement is imported
    import pypdfium2 as pdfium
    from pypdfium2._helpers.misc import PdfiumError

    with open(path, "rb") as handle:
        if not handle.read(1024).lstrip().startswith(b"%PDF-"):
            raise CasImportError(Error.CORRUPT_PDF)
    try:
        document = pdfium.PdfDocument(str(path), password=password or None)
    except PdfiumError as exc:
        if "password" in str(exc).lower():
            raise CasImportError(Error.WRONG_PASSWORD) from exc
        raise CasImportError(Error.CORRUPT_PDF) from exc
    try:
        return len(document)
    finally:
        document.close()


def cas_upload_accept(*, investor, upload, password: str, uploaded_by=None, enqueue: bool = True) -> CasImport:
    """Records an upload and queues its import (after commit; enqueue=False leaves running
    cas_import_process to the caller). The file goes to private storage (never a public URL). Size, PDF
    structure, password and page count are checked at once; a failed check leaves a failed import with
    its reason (and no file) and raises CasImportError."""
    max_bytes = settings.CAS_UPLOAD_MAX_BYTES
    cas_import = CasImport.objects.create(
        investor=investor,
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
        original_name=(getattr(upload, "name", "") or "")[:200],
        file_size=upload.size or 0,
    )
    try:
        if (upload.size or 0) > max_bytes:
            raise CasImportError(Error.TOO_LARGE, limit_mb=max_bytes // (1024 * 1024))
        path = _store_private(upload, cas_import)
        cas_import.stored_path = str(path.relative_to(settings.PRIVATE_STORAGE_ROOT))
        pages = _pdf_check(path, password)
        cas_import.page_count = pages
        if pages > settings.CAS_UPLOAD_MAX_PAGES:
            raise CasImportError(Error.TOO_MANY_PAGES, pages=pages, limit=settings.CAS_UPLOAD_MAX_PAGES)
    except CasImportError as exc:
        _delete_private(cas_import)
        _fail(cas_import, exc.error, exc.message)
        exc.cas_import = cas_import
        raise
    cas_import.password_encrypted = password_seal(password)
    cas_import.save(update_fields=["stored_path", "page_count", "password_encrypted", "updated_at"])
    audit_record(
        action="portfolio.cas_uploaded",
        actor=uploaded_by,
        target=cas_import,
        extra={"size": cas_import.file_size, "pages": cas_import.page_count},
    )
    if enqueue:
        # sent by its registered name: the tasks import the services, never the other way round
        transaction.on_commit(lambda: celery_app.tasks[CAS_IMPORT_TASK].delay(cas_import.pk))
    return cas_import


def _fail(cas_import: CasImport, error: str, message: str) -> None:
    cas_import.status = CasImport.Status.FAILED
    cas_import.error_code = error
    cas_import.error_message = message[:500]
    cas_import.stored_path = ""
    cas_import.password_encrypted = ""
    cas_import.finished_at = timezone.now()
    cas_import.save(
        update_fields=[
            "status",
            "error_code",
            "error_message",
            "stored_path",
            "password_encrypted",
            "finished_at",
            "updated_at",
        ]
    )


def _progress(cas_import: CasImport, stage: str, percent: int) -> None:
    """Visible at once to a poller (an UPDATE outside the ledger transaction)."""
    cas_import.stage, cas_import.percent = stage, percent
    CasImport.objects.filter(pk=cas_import.pk).update(stage=stage, percent=percent, updated_at=timezone.now())


# ----------------------------------------------------------------------------- processing


def cas_parse(path: Path, password: str):
    """casparser on the file, its exceptions turned into our error codes."""
    # heavy, loaded only when a statement is imported (as pypdfium2 above)
    import casparser
    from casparser.exceptions import CASParseError, IncorrectPasswordError, ParserException

    try:
        return casparser.read_cas_pdf(str(path), password)
    except IncorrectPasswordError as exc:
        raise CasImportError(Error.WRONG_PASSWORD) from exc
    except CASParseError as exc:
        text = str(exc)
        if "identify the CAS issuer" in text:
            raise CasImportError(Error.NOT_A_CAS) from exc
        if "DETAILED or" in text:
            raise CasImportError(Error.UNSUPPORTED, detail="neither a detailed nor a summary statement.") from exc
        if "investor info" in text:
            raise CasImportError(Error.UNSUPPORTED, detail="the investor block could not be read.") from exc
        raise CasImportError(Error.CORRUPT_PDF) from exc
    except ParserException as exc:
        raise CasImportError(Error.UNSUPPORTED, detail=str(exc)[:200]) from exc
    except (ValueError, KeyError, IndexError, TypeError, ArithmeticError) as exc:
        # casparser met a layout it does not know (pydantic validation, a missing column)
        raise CasImportError(Error.UNSUPPORTED, detail="its layout is not one casparser reads.") from exc


def cas_import_process(*, import_id: int) -> CasImport:
    """Parses the stored PDF and imports it. Always deletes the file and the sealed password."""
    cas_import = CasImport.objects.select_related("investor").get(pk=import_id)
    if cas_import.status not in (CasImport.Status.QUEUED, CasImport.Status.RUNNING):
        return cas_import  # a redelivered task after the work was done
    path = private_path(cas_import)
    if path is None or not path.exists():
        _fail(cas_import, Error.INTERNAL, "The uploaded file is no longer there. Upload it again.")
        return cas_import
    cas_import.status = CasImport.Status.RUNNING
    cas_import.started_at = timezone.now()
    cas_import.save(update_fields=["status", "started_at", "updated_at"])
    try:
        _progress(cas_import, Stage.PARSING, 10)
        data = cas_parse(path, password_open(cas_import.password_encrypted))
        _delete_private(cas_import)  # parsed: the file is not needed any more
        cas_data_import(cas_import=cas_import, data=data)
    except CasImportError as exc:
        _delete_private(cas_import)
        _fail(cas_import, exc.error, exc.message)
    except (SoftTimeLimitExceeded, MemoryError):
        logger.warning("CAS import over its time or memory limit", extra={"import": str(cas_import.public_id)})
        _delete_private(cas_import)
        _fail(cas_import, Error.UNSUPPORTED, MESSAGES[Error.UNSUPPORTED].format(detail=OVER_LIMITS))
    except Exception:
        logger.exception("CAS import failed", extra={"import": str(cas_import.public_id)})
        _delete_private(cas_import)
        _fail(cas_import, Error.INTERNAL, MESSAGES[Error.INTERNAL])
    cas_import.refresh_from_db()
    return cas_import


# ----------------------------------------------------------------------------- into the ledger


@dataclass
class _SchemeRows:
    """One scheme of the statement, normalised from CAMS/KFin or NSDL/CDSL output."""

    folio_number: str
    amc_name: str
    name: str
    isin: str
    amfi: str
    rta_code: str
    rta: str
    opening: Decimal
    close: Decimal
    nav: Decimal | None
    nav_date: date | None
    cost: Decimal | None
    transactions: list
    holders: list[str]
    pan: str
    kyc: str | None


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from dateutil import parser as dateparse

    try:
        return dateparse.parse(str(value)).date()
    except (ValueError, OverflowError):
        return None


def _registrar(value: str) -> str:
    value = (value or "").upper()
    if value.startswith("CAMS"):
        return Registrar.CAMS
    if value.startswith(("KFIN", "KARVY")):
        return Registrar.KFINTECH
    return Registrar.UNKNOWN


def _rows_from(data) -> tuple[str, str, date | None, date | None, list[_SchemeRows]]:
    """(statement_type, registrar, period_from, period_to, schemes) of either casparser output."""
    from casparser.types import CASData, NSDLCASData

    period = data.statement_period
    period_from, period_to = _as_date(period.from_), _as_date(period.to)
    rows: list[_SchemeRows] = []
    if isinstance(data, CASData):
        for folio in data.folios:
            for s in folio.schemes:
                rows.append(
                    _SchemeRows(
                        folio_number=folio.folio,
                        amc_name=folio.amc,
                        name=s.scheme,
                        isin=s.isin or "",
                        amfi=s.amfi or "",
                        rta_code=s.rta_code or "",
                        rta=s.rta or "",
                        opening=Decimal(s.open or 0),
                        close=Decimal(s.close or 0),
                        nav=Decimal(s.valuation.nav) if s.valuation and s.valuation.nav else None,
                        nav_date=_as_date(s.valuation.date) if s.valuation else None,
                        cost=Decimal(s.valuation.cost) if s.valuation and s.valuation.cost is not None else None,
                        transactions=list(s.transactions),
                        holders=[folio.name] if folio.name else [],
                        pan=folio.PAN or "",
                        kyc=folio.KYC,
                    )
                )
        return str(data.cas_type), str(data.file_type), period_from, period_to, rows
    if isinstance(data, NSDLCASData):
        for account in data.accounts:
            demat = f"{account.dp_id or ''}{account.client_id or ''}".strip() or account.name
            owners = [o.name for o in account.owners]
            pan = account.owners[0].PAN if account.owners else ""
            for mf in account.mutual_funds:
                rows.append(
                    _SchemeRows(
                        folio_number=(mf.folio or demat)[:40],
                        amc_name="",
                        name=mf.name or mf.isin,
                        isin=mf.isin,
                        amfi=mf.amfi or "",
                        rta_code="",
                        rta="",
                        opening=Decimal(mf.balance),
                        close=Decimal(mf.balance),
                        nav=Decimal(mf.nav) if mf.nav else None,
                        nav_date=period_to,
                        cost=Decimal(mf.total_cost) if mf.total_cost is not None else None,
                        transactions=[],
                        holders=owners,
                        pan=pan or "",
                        kyc=None,
                    )
                )
        return "HOLDINGS", str(data.file_type), period_from, period_to, rows
    raise CasImportError(Error.UNSUPPORTED, detail="unknown statement data.")


def _line_key(investor, row: _SchemeRows, txn_date: date, kind: str, amount, units, balance) -> str:
    identity = row.isin or row.rta_code or row.name
    raw = f"{investor.public_id}|{row.folio_number}|{identity}|{txn_date}|{kind}|{amount}|{units}|{balance}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


HONORIFICS = frozenset({"MR", "MRS", "MS", "MISS", "DR", "SHRI", "SMT", "KUM", "MASTER", "LATE"})


def _name_words(name: str) -> frozenset[str]:
    """The words of a name that identify a person: no honorifics, no initials, any case or punctuation."""
    return frozenset(w for w in re.findall(r"[A-Z]+", (name or "").upper()) if len(w) > 1 and w not in HONORIFICS)


def holder_name_matches(*, investor_name: str, holder_name: str) -> bool:
    """Whether a statement's holder name is the investor's: the identifying words of one are all in the
    other ("Asha Rao" and "MRS ASHA K RAO" match; "Asha Rao" and "Vikram Mehta" do not)."""
    mine, theirs = _name_words(investor_name), _name_words(holder_name)
    return bool(mine and theirs) and (mine <= theirs or theirs <= mine)


def _statement_holder_names(data, rows: list[_SchemeRows]) -> list[str]:
    info = getattr(data, "investor_info", None)
    names = [getattr(info, "name", "") or ""] + [row.holders[0] for row in rows if row.holders]
    return [name for name in dict.fromkeys(n.strip() for n in names) if name]


def _check_holder(investor, data, rows: list[_SchemeRows]) -> None:
    """The statement must be the investor's: by PAN when both sides have one, else by the holder's name.
    A statement of someone else is refused with the reason, before anything is written."""
    pans = {row.pan.upper() for row in rows if row.pan}
    if investor.pan and pans:
        if investor.pan.upper() not in pans:
            theirs = ", ".join(sorted(mask_pan(p) for p in pans))
            raise CasImportError(
                Error.PAN_MISMATCH,
                message=f"This statement belongs to PAN {theirs}, not the investor's ({mask_pan(investor.pan)}). "
                "Upload the investor's own statement.",
            )
        return
    holders = _statement_holder_names(data, rows)
    if not (investor.full_name or "").strip() or not holders:
        raise CasImportError(
            Error.PAN_MISMATCH,
            message="Whose statement this is cannot be checked: neither a PAN on both sides nor the holder's name "
            "to compare. Add the investor's PAN or name first.",
        )
    if not any(holder_name_matches(investor_name=investor.full_name, holder_name=h) for h in holders):
        raise CasImportError(
            Error.PAN_MISMATCH,
            message=f"This statement is in the name of {holders[0]}, not {investor.full_name}, and carries no PAN "
            "to tell otherwise. Upload the investor's own statement.",
        )


def cas_data_import(*, cas_import: CasImport, data) -> CasImport:
    """Writes a parsed statement into the investor's ledger in one transaction: folios, holdings
    (mapped to the funds master or kept for review), de-duplicated lines, FIFO lots and valuations.
    Each scheme's units are checked against the statement's closing balance; mismatches are listed
    on the import. Any error rolls everything back."""
    investor = cas_import.investor
    statement_type, registrar, period_from, period_to, rows = _rows_from(data)
    _check_holder(investor, data, rows)
    _progress(cas_import, Stage.MAPPING, 35)
    matcher = SchemeMatcher(
        isins=[r.isin for r in rows], amfi_codes=[r.amfi for r in rows], rta_codes=[r.rta_code for r in rows]
    )
    matches = [
        matcher.match(isin=r.isin, amfi_code=r.amfi, rta_code=r.rta_code, rta=_registrar(r.rta), name=r.name)
        for r in rows
    ]
    amcs_by_name = {a.name.lower(): a for a in Amc.objects.filter(name__in={r.amc_name for r in rows if r.amc_name})}
    _progress(cas_import, Stage.RECORDING, 55)

    counts: Counter = Counter()
    mismatches: list[dict] = []
    holdings: list[Holding] = []
    with transaction.atomic():
        for row, match in zip(rows, matches, strict=True):
            amc = match.scheme.amc if match.scheme is not None and match.scheme.amc_id else None
            amc = amc or amcs_by_name.get(row.amc_name.lower())
            folio = _folio_for(investor, row, amc)
            holding = holding_get_or_create(
                folio=folio,
                scheme=match.scheme,
                mapped_by=match.mapped_by,
                source_name=row.name[:300],
                source_isin=row.isin,
                source_amfi_code=row.amfi,
                source_rta_code=row.rta_code[:40],
                source_rta=_registrar(row.rta),
            )
            holding = Holding.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=holding.pk)
            _holding_identity_update(holding, row, match)
            _opening_update(holding, row, period_from, statement_type)
            created, duplicate, skipped = _lines_record(cas_import, investor, folio, holding, row)
            counts.update(created=created, duplicate=duplicate, skipped=skipped, found=len(row.transactions))
            holding_rebuild(holding=holding)
            _statement_nav_keep(holding, row)
            holdings.append(holding)
            mismatch = _closing_check(holding, row, period_to)
            if mismatch:
                mismatches.append(mismatch)
            counts["unmapped"] += 0 if match.mapped else 1

        cas_import.stage, cas_import.percent = Stage.VALUING, 85
        holdings_revalue(
            holdings=list(Holding.objects.select_related("scheme").filter(pk__in=[h.pk for h in holdings]))
        )
        investor_valuation_refresh(investor=investor)

        cas_import.status = CasImport.Status.DONE
        cas_import.stage = Stage.FINISHED
        cas_import.percent = 100
        cas_import.statement_type = statement_type[:12]
        cas_import.registrar = registrar[:16]
        cas_import.period_from = period_from
        cas_import.period_to = period_to
        cas_import.transactions_found = counts["found"]
        cas_import.transactions_created = counts["created"]
        cas_import.transactions_duplicate = counts["duplicate"]
        cas_import.schemes_found = len(rows)
        cas_import.schemes_unmapped = counts["unmapped"]
        cas_import.mismatches = mismatches
        cas_import.warnings = [str(w)[:300] for w in getattr(data, "parse_warnings", [])][:50]
        cas_import.password_encrypted = ""
        cas_import.stored_path = ""
        cas_import.finished_at = timezone.now()
        cas_import.save()
        audit_record(
            action="portfolio.cas_imported",
            target=cas_import,
            actor_label="cas-import",
            extra={
                "created": counts["created"],
                "duplicates": counts["duplicate"],
                "skipped": counts["skipped"],
                "schemes": len(rows),
                "unmapped": counts["unmapped"],
                "mismatches": len(mismatches),
            },
        )
    return cas_import


def _folio_for(investor, row: _SchemeRows, amc) -> Folio:
    folio = folio_get_or_create(
        investor=investor,
        folio_number=row.folio_number[:40],
        amc=amc,
        amc_name=row.amc_name[:200],
        registrar=_registrar(row.rta),
    )
    changed = []
    if row.holders and folio.holders != row.holders:
        folio.holders = row.holders
        changed.append("holders")
    if row.pan:
        masked = mask_pan(row.pan)[:10]
        if folio.pan_masked != masked:
            folio.pan_masked = masked
            changed.append("pan_masked")
    if row.kyc is not None and folio.kyc_ok != (row.kyc.upper() == "OK"):
        folio.kyc_ok = row.kyc.upper() == "OK"
        changed.append("kyc_ok")
    if row.amc_name and not folio.amc_name:
        folio.amc_name = row.amc_name[:200]
        changed.append("amc_name")
    if changed:
        folio.save(update_fields=[*changed, "updated_at"])
    return folio


def _holding_identity_update(holding: Holding, row: _SchemeRows, match) -> None:
    """A holding first seen through an order learns the registrar's identity of its scheme."""
    changed = []
    for field, value in (
        ("source_isin", row.isin),
        ("source_amfi_code", row.amfi),
        ("source_rta_code", row.rta_code[:40]),
    ):
        if value and not getattr(holding, field):
            setattr(holding, field, value)
            changed.append(field)
    if row.rta and holding.source_rta == Registrar.UNKNOWN and _registrar(row.rta) != Registrar.UNKNOWN:
        holding.source_rta = _registrar(row.rta)
        changed.append("source_rta")
    if changed:
        holding.save(update_fields=[*changed, "updated_at"])


def _opening_update(holding: Holding, row: _SchemeRows, period_from: date | None, statement_type: str) -> None:
    """The opening balance of the earliest statement is the holding's starting point (units bought
    before it have no known cost, unless the statement printed their cost)."""
    snapshot = statement_type in ("SUMMARY", "HOLDINGS")
    if snapshot:
        # a holdings-only statement: its balance is the start of a holding we know nothing else about
        if holding.transactions.exists() or holding.opening_date is not None:
            return
        holding.opening_units, holding.opening_date, holding.opening_cost = row.close, row.nav_date, row.cost
    else:
        start = period_from or (row.transactions[0].date if row.transactions else None)
        if start is None:
            return
        if holding.transactions.filter(trade_date__lt=start).exists():
            return
        if holding.opening_date is not None and start >= holding.opening_date:
            return
        holding.opening_units, holding.opening_date = row.opening, start
        holding.opening_cost = Decimal("0") if row.opening == 0 else None
    holding.save(update_fields=["opening_units", "opening_date", "opening_cost", "updated_at"])


def _lines_record(cas_import, investor, folio: Folio, holding: Holding, row: _SchemeRows) -> tuple[int, int, int]:
    """Adds the statement's lines the ledger does not have yet. Returns (created, duplicates, skipped)."""
    candidates: list[Transaction] = []
    seen: Counter = Counter()
    skipped = 0
    for t in row.transactions:
        kind = KIND_BY_CAS_TYPE.get(str(getattr(t.type, "value", t.type)))
        if kind is None or (t.amount is None and t.units is None):
            skipped += 1
            continue
        trade_date = _as_date(t.date)
        units = Decimal(t.units or 0).quantize(UNIT_PLACES)
        amount = Decimal(t.amount or 0)
        if kind == TransactionKind.DIVIDEND_PAYOUT:
            units = Decimal("0")
        base = _line_key(investor, row, trade_date, kind, amount, units, t.balance)
        seen[base] += 1
        candidates.append(
            Transaction(
                investor=investor,
                folio=folio,
                holding=holding,
                scheme_id=holding.scheme_id,
                kind=kind,
                trade_date=trade_date,
                amount=amount.quantize(Decimal("0.01")),
                units=units,
                nav=Decimal(t.nav) if t.nav else None,
                balance=Decimal(t.balance) if t.balance is not None else None,
                cash_flow=transaction_cash_flow(kind=kind, amount=amount),
                description=(t.description or "")[:300],
                source=TransactionSource.CAS,
                # identical lines on one day (two equal SIPs) stay apart by their occurrence
                source_ref=f"{base}#{seen[base]}",
                cas_import=cas_import,
            )
        )
    if not candidates:
        return 0, 0, skipped
    known = set(
        Transaction.objects.filter(
            source=TransactionSource.CAS, source_ref__in=[c.source_ref for c in candidates]
        ).values_list("source_ref", flat=True)
    )
    # the same allotment may already be in the ledger from our own order or a registrar feed
    other_sources = Counter(
        Transaction.objects.filter(holding=holding)
        .filter(~Q(source=TransactionSource.CAS))
        .values_list("trade_date", "kind", "units")
    )
    fresh = []
    duplicates = 0
    for line in candidates:
        if line.source_ref in known:
            duplicates += 1
            continue
        key = (line.trade_date, line.kind, line.units)
        if line.units and other_sources.get(key):
            other_sources[key] -= 1
            duplicates += 1
            continue
        fresh.append(line)
    Transaction.objects.bulk_create(fresh, batch_size=1000)
    return len(fresh), duplicates, skipped


def _statement_nav_keep(holding: Holding, row: _SchemeRows) -> None:
    """Keeps the statement's NAV for a scheme the funds master cannot value (unmapped, or no NAV yet)."""
    if row.nav is None or row.nav_date is None:
        return
    if holding.scheme_id and holding.scheme.latest_nav:
        return
    if holding.nav_date is None or row.nav_date >= holding.nav_date:
        holding.nav, holding.nav_date = row.nav, row.nav_date
        holding.save(update_fields=["nav", "nav_date", "updated_at"])


def _closing_check(holding: Holding, row: _SchemeRows, period_to: date | None) -> dict | None:
    lines = Transaction.objects.filter(holding=holding)
    as_of = period_to or row.nav_date
    if as_of is not None:
        lines = lines.filter(trade_date__lte=as_of)
    ledger = holding.opening_units + (lines.aggregate(total=Sum("units"))["total"] or Decimal("0"))
    if abs(ledger - row.close) <= UNITS_TOLERANCE:
        return None
    return {
        "holding": str(holding.public_id),
        "folio": row.folio_number,
        "scheme": row.name,
        "isin": row.isin,
        "statement_units": str(row.close),
        "ledger_units": str(ledger),
        "difference": str(ledger - row.close),
    }
