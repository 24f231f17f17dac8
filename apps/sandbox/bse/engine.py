"""The simulated BSE StAR MF: sessions, client master, order book, XSIPs, mandates, payments and
allotments. Time moves lazily: paying, allotting and approving happen when someone next looks, once the
configured delays have passed."""

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from apps.orders.gateways.bse_starmf import consts
from apps.sandbox import market
from apps.sandbox.models import BseClient, BseMandate, BseOrder, BseSession, BseUser, BseXsip

MAX_LOGIN_ATTEMPTS = 5


def _dec(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value not in ("", None) else None
    except InvalidOperation:
        return None


def _date(value: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except (TypeError, ValueError):
            continue
    return None


def _fmt(value) -> str:
    return "" if value is None else str(value)


# --- sessions --------------------------------------------------------------------------------------


def login(*, user_id: str, password: str, passkey: str, service: str) -> tuple[bool, str]:
    """getPassword: (True, encrypted password) or (False, BSE's error text)."""
    if not user_id:
        return False, "USER ID SHOULD NOT BE BLANK"
    if not password:
        return False, "PASSWORD SHOULD NOT BE BLANK"
    if not passkey:
        return False, "PASSKEY SHOULD NOT BE BLANK"
    with transaction.atomic():
        user, _ = BseUser.objects.select_for_update().get_or_create(user_id=user_id)
        if user.locked:
            return False, "YOU HAVE EXCEEDED MAXIMUM LOGIN ATTEMPTS. CONTACT ADMIN"
        if password != settings.SANDBOX_BSE_PASSWORD:
            user.failed_logins += 1
            user.locked = user.failed_logins >= MAX_LOGIN_ATTEMPTS
            user.save(update_fields=["failed_logins", "locked"])
            if user.locked:
                return False, "YOU HAVE EXCEEDED MAXIMUM LOGIN ATTEMPTS. CONTACT ADMIN"
            return False, "INVALID ACCOUNT INFORMATION"
        if user.failed_logins:
            user.failed_logins = 0
            user.save(update_fields=["failed_logins"])
        # a new login ends the previous session of this user at this service
        BseSession.objects.filter(user_id=user_id, service=service, active=True).update(active=False)
        seconds = consts.ORDER_SESSION_SECONDS if service == "order" else consts.SERVICES_SESSION_SECONDS
        encrypted = secrets.token_urlsafe(30)
        BseSession.objects.create(
            user_id=user_id, service=service, encrypted=encrypted, passkey=passkey,
            expires_at=timezone.now() + timedelta(seconds=seconds),
        )  # fmt: skip
    return True, encrypted


def session_valid(*, encrypted: str, service: str, passkey: str | None = None, user_id: str = "") -> bool:
    qs = BseSession.objects.filter(encrypted=encrypted, service=service, active=True, expires_at__gt=timezone.now())
    if passkey is not None:
        qs = qs.filter(passkey=passkey)
    if user_id:
        qs = qs.filter(user_id=user_id)
    return bool(encrypted) and qs.exists()


# --- lazy time --------------------------------------------------------------------------------------


def advance(*, member_id: str) -> None:
    """Pays, allots, approves and generates SIP instalments whose time has come."""
    now = timezone.now()
    auto_pay = settings.SANDBOX_AUTO_PAY_SECONDS
    delay = timedelta(seconds=settings.SANDBOX_ALLOTMENT_DELAY_SECONDS)
    BseMandate.objects.filter(
        member_id=member_id, approved_at__isnull=True, status="REGISTERED BY MEMBER",
        created_at__lte=now - timedelta(seconds=settings.SANDBOX_MANDATE_APPROVAL_SECONDS),
    ).update(status="APPROVED", approved_at=now)  # fmt: skip
    for xsip in BseXsip.objects.filter(member_id=member_id, status="ACTIVE"):
        _xsip_children(xsip)
    if auto_pay >= 0:
        BseOrder.objects.filter(
            member_id=member_id, kind="purchase", status="VALID", paid_at__isnull=True,
            created_at__lte=now - timedelta(seconds=auto_pay),
        ).update(paid_at=now)  # fmt: skip
    due = BseOrder.objects.filter(member_id=member_id, status="VALID", allotted_at__isnull=True).filter(
        Q(kind__in=["purchase", "sip"], paid_at__lte=now - delay)
        | Q(kind__in=["redemption", "switch"], created_at__lte=now - delay)
    )
    for order_id in due.order_by("id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            order = BseOrder.objects.select_for_update(skip_locked=True).filter(pk=order_id, allotted_at__isnull=True)
            order = order.first()
            if order is not None:
                _allot(order)


def _allot(order: BseOrder) -> None:
    scheme = market.scheme_for(source="bse", code=order.scheme_code)
    if scheme is None:
        order.status, order.remarks = "INVALID", "SCHEME NOT FOUND"
        order.save(update_fields=["status", "remarks"])
        return
    kind = "purchase" if order.kind in ("purchase", "sip") else "redemption"
    moment = order.paid_at if kind == "purchase" else order.created_at
    nav, nav_date = market.nav_for(scheme=scheme, on=market.nav_date_for(moment, scheme=scheme, kind=kind))
    if kind == "purchase":
        units = market.purchase_units(amount=order.amount, nav=nav)
        amount = order.amount
        if not order.folio_number:
            order.folio_number = _folio_for(order, scheme)
    else:
        if order.all_units:
            units = holdings(member_id=order.member_id, client_code=order.client_code, scheme_code=order.scheme_code)
        elif order.units is not None:
            units = order.units
        else:
            units = market.units_for_amount(amount=order.amount, nav=nav)
        if units <= 0:
            order.status, order.remarks = "INVALID", "FAILED: INSUFFICIENT UNITS"
            order.save(update_fields=["status", "remarks"])
            return
        amount = market.redemption_amount(units=units, nav=nav)
        if order.kind == "switch":
            target = market.scheme_for(source="bse", code=order.to_scheme_code)
            to_nav, _ = market.nav_for(scheme=target, on=nav_date) if target else (nav, nav_date)
            order.to_nav = to_nav
            order.to_units = market.purchase_units(amount=amount, nav=to_nav)
    order.nav, order.nav_date, order.allotted_units, order.allotted_amount = nav, nav_date, units, amount
    order.allotted_at = timezone.now()
    order.save()


def _folio_for(order: BseOrder, scheme) -> str:
    existing = (
        BseOrder.objects.filter(member_id=order.member_id, client_code=order.client_code, allotted_at__isnull=False)
        .exclude(folio_number="")
        .values_list("folio_number", flat=True)
        .first()
    )
    amc = (scheme.amc.code if scheme.amc_id else "X")[:4].upper()
    return existing or f"{amc}{secrets.randbelow(10**8):08d}"


def holdings(*, member_id: str, client_code: str, scheme_code: str) -> Decimal:
    base = BseOrder.objects.filter(member_id=member_id, client_code=client_code, allotted_at__isnull=False)
    bought = base.filter(kind__in=["purchase", "sip"], scheme_code=scheme_code).aggregate(s=Sum("allotted_units"))["s"]
    switched_in = base.filter(kind="switch", to_scheme_code=scheme_code).aggregate(s=Sum("to_units"))["s"]
    sold = base.filter(kind__in=["redemption", "switch"], scheme_code=scheme_code).aggregate(s=Sum("allotted_units"))[
        "s"
    ]
    return (bought or 0) + (switched_in or 0) - (sold or 0)


def _xsip_children(xsip: BseXsip) -> None:
    today = timezone.localdate()
    step = {"WEEKLY": timedelta(weeks=1)}.get(xsip.frequency)
    due_dates = []
    if xsip.first_order_today:
        due_dates.append(xsip.created_at.date())
    for n in range(xsip.instalments):
        if step is not None:
            due = xsip.start_date + step * n
        else:
            months = n * (3 if xsip.frequency == "QUARTERLY" else 1)
            year, month = divmod(xsip.start_date.month - 1 + months, 12)
            day = min(xsip.start_date.day, 28)
            due = date(xsip.start_date.year + year, month + 1, day)
        if due > today:
            break
        due_dates.append(due)
    mandate = BseMandate.objects.filter(mandate_id=xsip.mandate_id).first()
    approved = mandate is not None and mandate.status == "APPROVED"
    for due in due_dates:
        if BseOrder.objects.filter(xsip=xsip, due_date=due).exists():
            continue
        try:
            with transaction.atomic():
                order = BseOrder.objects.create(
                    member_id=xsip.member_id, trans_no=f"XSIP{xsip.reg_id}{due:%Y%m%d}", ref_no=xsip.internal_ref,
                    client_code=xsip.client_code, kind="sip", scheme_code=xsip.scheme_code, amount=xsip.amount,
                    xsip=xsip, due_date=due, paid_at=timezone.now() if approved else None,
                    # the debit needs an approved mandate on the due date: without one the instalment fails
                    status="VALID" if approved else "INVALID",
                    remarks="" if approved else "FAILED: MANDATE NOT APPROVED ON THE DEBIT DATE",
                )  # fmt: skip
                order.order_number = str(7_000_000 + order.pk)
                order.save(update_fields=["order_number"])
        except IntegrityError:
            continue


# --- order entry ----------------------------------------------------------------------------------


def client_get(*, member_id: str, client_code: str) -> BseClient | None:
    return BseClient.objects.filter(member_id=member_id, client_code=client_code, ucc_at__isnull=False).first()


def order_entry(fields: dict[str, str], *, switch: bool = False) -> str:
    """orderEntryParam / switchOrderEntryParam. Returns the 8-field pipe reply."""
    trans_code = fields.get("TransCode", "")
    trans_no = fields.get("TransNo", "")
    user_id = fields.get("UserID") or fields.get("UserId", "")
    member_id = fields.get("MemberId", "")
    client_code = fields.get("ClientCode", "")

    def reply(order_id: str, remarks: str, flag: str) -> str:
        return "|".join([trans_code, trans_no, order_id, user_id, member_id, client_code, remarks, flag])

    if not session_valid(
        encrypted=fields.get("Password", ""), passkey=fields.get("PassKey", ""), service="order", user_id=user_id
    ):
        return reply("", "FAILED: INVALID ENCRYPTED PASSWORD", "1")
    if not member_id:
        return reply("", "FAILED: MEMBER CODE MANDATORY", "1")
    if trans_code not in ("NEW", "CXL"):
        return reply("", "FAILED: INVALID TRANSACTION CODE", "1")
    if len(trans_no) != 19 or not trans_no.isdigit() or trans_no[8 : 8 + len(member_id)] != member_id:
        return reply("", "FAILED: INVALID TRANSACTION NUMBER", "1")
    if client_get(member_id=member_id, client_code=client_code) is None:
        return reply("", "FAILED: INVALID CLIENT CODE", "1")
    if trans_code == "CXL":
        return _cancel(fields, reply, member_id=member_id, trans_no=trans_no)
    scheme_code = fields.get("FromSchemeCd" if switch else "SchemeCd", "")
    if market.scheme_for(source="bse", code=scheme_code) is None:
        return reply("", "FAILED: SCHEME NOT FOUND", "1")
    to_scheme = fields.get("ToSchemeCd", "") if switch else ""
    if switch and market.scheme_for(source="bse", code=to_scheme) is None:
        return reply("", "FAILED: SCHEME NOT FOUND", "1")
    amount = _dec(fields.get("OrderVal", ""))
    units = _dec(fields.get("SwitchUnits" if switch else "Qty", ""))
    all_units = (fields.get("AllUnitsFlag" if switch else "AllRedeem", "N") or "N").upper() == "Y"
    buy_sell = fields.get("BuySell", "")
    kind = "switch" if switch else ("purchase" if buy_sell == "P" else "redemption")
    if kind == "purchase" and (amount is None or amount <= 0):
        return reply("", "FAILED: MINIMUM PURCHASE AMOUNT NOT MET", "1")
    if kind != "purchase" and not all_units and not (amount or units):
        return reply("", "FAILED: INVALID ORDER VALUE OR QUANTITY", "1")
    try:
        with transaction.atomic():
            order = BseOrder.objects.create(
                member_id=member_id, trans_no=trans_no, ref_no=fields.get("RefNo", "") or fields.get("Remarks", ""),
                client_code=client_code, kind=kind, additional=fields.get("BuySellType") == "ADDITIONAL",
                scheme_code=scheme_code, to_scheme_code=to_scheme, amount=amount if not all_units else None,
                units=units if not all_units else None, all_units=all_units,
                folio_number=fields.get("FolioNo", ""),
            )  # fmt: skip
            order.order_number = str(7_000_000 + order.pk)
            order.save(update_fields=["order_number"])
    except IntegrityError:
        return reply("", "FAILED: TRANSACTION NUMBER ALREADY EXISTS", "1")
    what = {"purchase": "PURCHASE", "redemption": "REDEMPTION", "switch": "SWITCH"}[kind]
    quantity = f"{amount:.3f}" if amount is not None else (f"{units:.3f} UNITS" if units else "ALL UNITS")
    remarks = (
        f"ORD CONF: Your Request for FRESH {what} {quantity} in SCHEME: {scheme_code} THRO : PHYSICAL is "
        f"confirmed for CLIENT : (Code: {client_code}) CONFIRMATION TIME: {timezone.localtime():%b %d %Y %I:%M%p} "
        f"ENTRY BY: ORDER NO: {order.order_number}"
    )
    return reply(order.order_number, remarks, "0")


def _cancel(fields, reply, *, member_id: str, trans_no: str) -> str:
    order_id = fields.get("OrderId", "")
    with transaction.atomic():
        order = (
            BseOrder.objects.select_for_update()
            .filter(member_id=member_id, order_number=order_id, client_code=fields.get("ClientCode", ""))
            .first()
        )
        if order is None:
            return reply(order_id, f"FAILED: ORDER NOT FOUND FOR ORDER ID- {order_id}", "1")
        if order.status != "VALID":
            return reply(order_id, f"FAILED: ORDER ALREADY MARKED AS INVALID FOR ORDER ID- {order_id}", "1")
        if order.paid_at is not None or order.allotted_at is not None:
            return reply(order_id, f"FAILED: ORDER CANCELLATION NOT ALLOWED ON ORDER ID- {order_id}", "1")
        order.status, order.remarks = "CANCELLED", "CANCELLED BY MEMBER"
        order.save(update_fields=["status", "remarks"])
    return reply(order_id, f"ORD CXL: ORDER NO: {order_id} CANCELLED", "0")


def xsip_entry(fields: dict[str, str]) -> str:
    code = fields.get("TransactionCode", "")
    ref = fields.get("UniqueRefNo", "")
    member_id = fields.get("MemberCode", "")
    client_code = fields.get("ClientCode", "")
    user_id = fields.get("UserId", "")

    def reply(reg_id: str, remarks: str, flag: str) -> str:
        return "|".join([code, ref, member_id, client_code, user_id, reg_id, remarks, flag])

    if not session_valid(
        encrypted=fields.get("Password", ""), passkey=fields.get("PassKey", ""), service="order", user_id=user_id
    ):
        return reply("", "FAILED: INVALID ENCRYPTED PASSWORD", "1")
    if client_get(member_id=member_id, client_code=client_code) is None:
        return reply("", "FAILED: INVALID CLIENT CODE", "1")
    if code == "CXL":
        reg_id = fields.get("XsipRegID", "")
        updated = BseXsip.objects.filter(member_id=member_id, reg_id=reg_id, client_code=client_code, status="ACTIVE")
        if not updated.update(status="CANCELLED"):
            return reply(reg_id, "FAILED: INVALID XSIP REGISTRATION NUMBER", "1")
        return reply(reg_id, f"X-SIP CANCELLATION REQUEST RECEIVED FOR REG NO {reg_id}", "0")
    if code != "NEW":
        return reply("", "FAILED: INVALID TRANSACTION CODE", "1")
    if market.scheme_for(source="bse", code=fields.get("SchemeCode", "")) is None:
        return reply("", "FAILED: SCHEME NOT FOUND", "1")
    mandate_id = fields.get("MandateID", "")
    if not BseMandate.objects.filter(mandate_id=mandate_id, client_code=client_code).exists():
        return reply("", "FAILED: INVALID MANDATE NUMBER", "1")
    start = _date(fields.get("StartDate", ""))
    amount = _dec(fields.get("InstallmentAmount", ""))
    instalments = int(fields.get("NoOfInstallment") or 0)
    if start is None or amount is None or amount <= 0 or instalments < 1:
        return reply("", "FAILED: INVALID PARAM STRING FORMAT", "1")
    try:
        with transaction.atomic():
            xsip = BseXsip.objects.create(
                member_id=member_id, unique_ref_no=ref, internal_ref=fields.get("InternalRefNo", ""),
                client_code=client_code, scheme_code=fields["SchemeCode"], amount=amount,
                frequency=fields.get("FrequencyType", "MONTHLY"), start_date=start, instalments=instalments,
                mandate_id=mandate_id, first_order_today=fields.get("FirstOrderFlag") == "Y",
            )  # fmt: skip
            xsip.reg_id = str(90_000_000 + xsip.pk)
            xsip.save(update_fields=["reg_id"])
    except IntegrityError:
        return reply("", "FAILED: TRANSACTION NUMBER ALREADY EXISTS", "1")
    return reply(xsip.reg_id, f"X-SIP HAS BEEN REGISTERED, REG NO IS : {xsip.reg_id}", "0")


# --- additional services (MFAPI) -----------------------------------------------------------------


def mfapi(*, flag: str, user_id: str, encrypted: str, param: str, base_url: str) -> str:
    """The MFAPI additional services: one handler per flag, each given the pipe-separated parameters."""
    if not session_valid(encrypted=encrypted, service="services", user_id=user_id):
        return "101|PASSWORD EXPIRED"
    parts = param.split("|")
    if flag == consts.FLAG_PAYMENT_STATUS:
        return _mfapi_payment_status(parts)
    handlers = {
        consts.FLAG_UCC: (consts.UCC_PARAM_FIELDS, _mfapi_ucc),
        consts.FLAG_FATCA: (consts.FATCA_PARAM_FIELDS, _mfapi_fatca),
        consts.FLAG_MANDATE_REGISTER: (consts.MANDATE_PARAM_FIELDS, _mfapi_mandate_register),
        consts.FLAG_PAYMENT_LINK: (consts.PAYMENT_LINK_PARAM_FIELDS, _mfapi_payment_link),
    }
    if flag not in handlers:
        return "101|INVALID ACTION CODE"
    field_names, handler = handlers[flag]
    if len(parts) != len(field_names):
        return "101|INVALID PARAM STRING FORMAT"
    return handler(dict(zip(field_names, parts, strict=True)), member_id=_member_of(user_id), base_url=base_url)


def _mfapi_ucc(data: dict[str, str], *, member_id: str, base_url: str) -> str:
    client, _ = BseClient.objects.get_or_create(member_id=member_id, client_code=data["ClientCode"])
    client.name, client.pan, client.ucc_at = data["Name"], data["PAN"], client.ucc_at or timezone.now()
    client.save()
    return "100|RECORD INSERTED SUCCESSFULLY"


def _mfapi_fatca(data: dict[str, str], *, member_id: str, base_url: str) -> str:
    updated = BseClient.objects.filter(member_id=member_id, client_code=data["ClientCode"]).update(
        fatca_at=timezone.now()
    )
    return "100|RECORD INSERTED SUCCESSFULLY" if updated else "101|INVALID CLIENT CODE"


def _mfapi_mandate_register(data: dict[str, str], *, member_id: str, base_url: str) -> str:
    if client_get(member_id=member_id, client_code=data["ClientCode"]) is None:
        return "101|INVALID CLIENT CODE"
    amount = _dec(data["Amount"])
    if amount is None or amount <= 0:
        return "101|INVALID PARAM STRING FORMAT"
    mandate = BseMandate.objects.create(
        member_id=member_id, client_code=data["ClientCode"], mandate_id="pending",
        mandate_type=data["MandateType"], amount=amount,
    )  # fmt: skip
    # XSIP mandate ids are under 15 digits; ISIP ids are 15 characters starting with BSE
    mandate.mandate_id = f"BSE{mandate.pk:012d}" if data["MandateType"] == "I" else str(1_200_000 + mandate.pk)
    mandate.save(update_fields=["mandate_id"])
    return f"100|{mandate.mandate_id}"


def _mfapi_payment_link(data: dict[str, str], *, member_id: str, base_url: str) -> str:
    if data["Mode"] not in ("DIRECT", "NODAL"):
        return "101|INVALID PAYMENT MODE"
    numbers = [n for n in data["Orders"].split(",") if n]
    if not numbers:
        return "101|SELECT AT LEAST ONE ORDER"
    orders = list(BseOrder.objects.filter(order_number__in=numbers, client_code=data["ClientCode"], kind="purchase"))
    if len(orders) != len(numbers):
        return "101|INVALID ORDER NUMBER"
    if any(order.paid_at for order in orders):
        return "101|PAYMENT DONE FOR THIS ORDER NUMBER"
    total = sum((order.amount for order in orders), Decimal("0"))
    if _dec(data["Total"]) != total:
        return "101|INVALID TOTAL ORDER AMOUNT"
    token = secrets.token_urlsafe(16)
    BseOrder.objects.filter(pk__in=[order.pk for order in orders]).update(payment_token=token)
    # like BSE's, the payment page sends the investor back to the member's LogoutURL when they are done
    return f"100|{base_url}/sandbox/bse/pay/{token}?{urlencode({'return': data['LogoutURL']})}"


def _mfapi_payment_status(parts: list[str]) -> str:
    if len(parts) != len(consts.PAYMENT_STATUS_PARAM_FIELDS) or parts[2] != "BSEMF":
        return "101|INVALID SEGMENT VALUE"
    order = BseOrder.objects.filter(order_number=parts[1]).first()
    if order is None:
        return "101|INVALID ORDER NUMBER"
    if order.client_code != parts[0]:
        return "101|INVALID ORDER NUMBER FOR GIVEN CLIENT"
    advance(member_id=order.member_id)
    order.refresh_from_db()
    if order.paid_at is not None:
        return "100|APPROVED ( DIRECT )"
    if order.payment_token:
        return "100|AWAITING FOR FUNDS CONFIRMATION ( DIRECT )"
    return "100|PAYMENT NOT INITIATED FOR GIVEN ORDER"


def _member_of(user_id: str) -> str:
    """BSE user ids are the member code followed by a two-digit user number."""
    return user_id[:-2] if len(user_id) > 2 else user_id


def payment_orders(*, token: str) -> list[BseOrder]:
    """The orders a payment link covers (empty for an unknown token)."""
    return list(BseOrder.objects.filter(payment_token=token).order_by("id")) if token else []


def pay(*, token: str) -> int:
    return BseOrder.objects.filter(payment_token=token, paid_at__isnull=True, status="VALID").update(
        paid_at=timezone.now()
    )


# --- reports ----------------------------------------------------------------------------------------


def _period(param: dict[str, str]) -> tuple[date, date]:
    today = timezone.localdate()
    return _date(param.get("FromDate", "")) or today, _date(param.get("ToDate", "")) or today


def _in_period(qs, param):
    start, end = _period(param)
    return qs.filter(created_at__date__gte=start, created_at__date__lte=end)


def order_status_rows(param: dict[str, str]) -> list[tuple[str, list]]:
    member_id = param.get("MemberCode", "")
    advance(member_id=member_id)
    qs = BseOrder.objects.filter(member_id=member_id)
    if param.get("ClientCode"):
        qs = qs.filter(client_code=param["ClientCode"])
    qs = qs.filter(order_number=param["OrderNo"]) if param.get("OrderNo") else _in_period(qs, param)
    rows = []
    for order in qs.order_by("id")[:1000]:
        local = timezone.localtime(order.created_at)
        rows.append(
            (
                "OrderDetails",
                [
                    ("ALLUnits", "Y" if order.all_units else "N"), ("Amount", _fmt(order.amount)),
                    ("BuySell", "P" if order.kind in ("purchase", "sip") else "R"), ("BuySellType", "FRESH"),
                    ("ClientCode", order.client_code), ("Date", f"{local:%d/%m/%Y}"), ("FolioNo", order.folio_number),
                    ("InternalRefNo", order.ref_no), ("MemberCode", order.member_id),
                    ("OrderNumber", order.order_number), ("OrderRemarks", order.remarks),
                    ("OrderStatus", order.status), ("OrderType", "XSIP" if order.xsip_id else "NRM"),
                    ("SIPRegnNo", order.xsip.reg_id if order.xsip_id else ""), ("SchemeCode", order.scheme_code),
                    ("SettType", "MF"), ("SubOrderType", "SWITCH" if order.kind == "switch" else "NRM"),
                    ("Time", f"{local:%H:%M:%S}"), ("Units", _fmt(order.units)),
                ],
            )
        )  # fmt: skip
    return rows


def allotment_rows(param: dict[str, str], *, redemption: bool) -> list[tuple[str, list]]:
    member_id = param.get("MemberCode", "")
    advance(member_id=member_id)
    start, end = _period(param)
    qs = BseOrder.objects.filter(
        member_id=member_id, allotted_at__isnull=False, allotted_at__date__gte=start, allotted_at__date__lte=end
    )
    if param.get("ClientCode"):
        qs = qs.filter(client_code=param["ClientCode"])
    rows = []
    for order in qs.select_related("xsip").order_by("id")[:1000]:
        is_switch = order.kind == "switch"
        if redemption and order.kind in ("redemption", "switch"):
            rows.append(
                (
                    "RedemptionDetails",
                    [
                        ("Amount", _fmt(order.amount)), ("Amt", _fmt(order.allotted_amount)),
                        ("ClientCode", order.client_code), ("FolioNo", order.folio_number), ("ISIN", ""),
                        ("MemberCode", member_id), ("Nav", _fmt(order.nav)),
                        ("OrderDate", f"{timezone.localtime(order.created_at):%d/%m/%Y}"),
                        ("OrderNo", order.order_number), ("OrderType", "SWITCH" if is_switch else "NRM"),
                        ("Qty", _fmt(order.units)), ("RTASchemeCode", ""), ("RTATransNo", f"R{order.pk:09d}"),
                        ("Remarks", ""), ("ReportDate", f"{order.nav_date:%d/%m/%Y}"),
                        ("SchemeCode", order.scheme_code), ("SettNo", ""), ("SettType", "MF"),
                        ("SubOrderType", "NRM"), ("Unit", _fmt(order.allotted_units)), ("ValidFlag", "Y"),
                    ],
                )
            )  # fmt: skip
        if not redemption and (order.kind in ("purchase", "sip") or is_switch):
            units, nav, amount = (
                (order.to_units, order.to_nav, order.allotted_amount)
                if is_switch
                else (order.allotted_units, order.nav, order.allotted_amount)
            )
            rows.append(
                (
                    "AllotmentDetails",
                    [
                        ("AllottedAmt", _fmt(amount)), ("AllottedNav", _fmt(nav)), ("AllottedUnit", _fmt(units)),
                        ("Amount", _fmt(order.amount)), ("ClientCode", order.client_code),
                        ("FolioNo", order.folio_number), ("ISIN", ""), ("InternalRefNo", order.ref_no),
                        ("MemberCode", member_id),
                        ("OrderDate", f"{timezone.localtime(order.created_at):%d/%m/%Y}"),
                        ("OrderNo", order.order_number), ("OrderType", "SWITCH" if is_switch else "NRM"),
                        ("Qty", ""), ("RTASchemeCode", ""), ("RTATransNo", f"A{order.pk:09d}"), ("Remarks", ""),
                        ("ReportDate", f"{order.nav_date:%d/%m/%Y}"),
                        ("SIPRegnNo", order.xsip.reg_id if order.xsip_id else ""),
                        ("SchemeCode", order.to_scheme_code if is_switch else order.scheme_code),
                        ("SettNo", ""), ("SettType", "MF"), ("SubOrderType", "NRM"), ("ValidFlag", "Y"),
                    ],
                )
            )  # fmt: skip
    return rows


def mandate_rows(param: dict[str, str]) -> list[tuple[str, list]]:
    advance(member_id=param.get("MemberCode", ""))
    qs = BseMandate.objects.filter(client_code=param.get("ClientCode", ""))
    if param.get("MandateId"):
        qs = qs.filter(mandate_id=param["MandateId"])
    return [
        (
            "MandateDetails",
            [
                ("Amount", _fmt(m.amount)), ("ApprovedDate", f"{m.approved_at:%d/%m/%Y}" if m.approved_at else ""),
                ("BankName", ""), ("ClientCode", m.client_code), ("MandateId", m.mandate_id),
                ("MandateType", m.mandate_type), ("RegnDate", f"{m.created_at:%d/%m/%Y}"), ("Remarks", ""),
                ("Status", m.status),
            ],
        )
        for m in qs.order_by("id")
    ]  # fmt: skip


def child_order_rows(param: dict[str, str]) -> list[tuple[str, list]]:
    advance(member_id=param.get("MemberCode", ""))
    xsip = BseXsip.objects.filter(reg_id=param.get("RegnNo", ""), client_code=param.get("ClientCode", "")).first()
    if xsip is None:
        return []
    return [
        (
            "ChildOrderDetails",
            [
                ("Amount", _fmt(o.amount)), ("BSESchemeCode", o.scheme_code), ("ClientCode", o.client_code),
                ("Date", f"{o.due_date:%d/%m/%Y}"), ("OrderNumber", o.order_number), ("RegnNo", xsip.reg_id),
                ("SchemeName", ""),
            ],
        )
        for o in xsip.children.order_by("due_date")
    ]  # fmt: skip
