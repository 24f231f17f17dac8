"""Thin zeep wrapper around BSE StAR MF's two SOAP services.

- MFOrder (orders): built from BSE's single-file WSDL (in production loaded from the configured BSE URL
  `?singleWsdl`; in development from the sandbox; in tests from BSE's real file).
- StarMFWebService (additional services, status, statements): built from the WSDL committed beside this
  file, because BSE publishes only that service's binding; pointed at the configured address.

Both need a session from their own getPassword (an hour for orders, five minutes for the rest). Logins
are serialised across workers (a Postgres advisory lock) and shared through the cache, because a new
login makes BSE refuse the previous session's password."""

import secrets
import string
import threading
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.db import connection, transaction
from zeep import Client, Settings
from zeep.helpers import serialize_object
from zeep.wsa import WsAddressingPlugin

from apps.orders.gateways.base import guarded_call
from apps.orders.gateways.bse_starmf import consts
from apps.orders.gateways.bse_starmf.parsing import parse_code_reply, raise_for_remarks
from apps.orders.gateways.interface import CallContext, GatewayError, GatewayNotSent, GatewayRejected
from apps.orders.gateways.transport import GuardedTransport

_clients: dict[tuple[str, float], Client] = {}
_clients_lock = threading.Lock()


def zeep_client(wsdl: str, *, timeout: float) -> Client:
    """One zeep client per WSDL and timeout per process (parsing a WSDL is slow)."""
    key = (wsdl, timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = Client(
                wsdl,
                transport=GuardedTransport(timeout=timeout),
                settings=Settings(strict=False, xml_huge_tree=False),
                plugins=[WsAddressingPlugin()],
            )
            _clients[key] = client
        return client


@dataclass(frozen=True)
class BseCredentials:
    member_id: str
    user_id: str
    password: str


def _passkey() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))


class BseStarMfClient:
    name = "bse_starmf"

    def __init__(
        self,
        *,
        credentials: BseCredentials,
        order_wsdl: str,
        order_url: str,
        services_wsdl: str,
        services_url: str,
        timeout: float,
    ):
        self.credentials = credentials
        self.order_wsdl = order_wsdl
        self.order_url = order_url
        self.services_wsdl = services_wsdl
        self.services_url = services_url
        self.timeout = timeout

    # --- services -----------------------------------------------------------------------------------

    def _order_service(self):
        return zeep_client(self.order_wsdl, timeout=self.timeout).create_service(consts.ORDER_BINDING, self.order_url)

    def _services_service(self):
        client = zeep_client(self.services_wsdl, timeout=self.timeout)
        return client.create_service(consts.SERVICES_BINDING, self.services_url)

    def services_type(self, name: str):
        client = zeep_client(self.services_wsdl, timeout=self.timeout)
        return client.get_type(f"{{{consts.DATACONTRACT_NS}}}{name}")

    # --- sessions -----------------------------------------------------------------------------------

    def _session_key(self, kind: str) -> str:
        return f"orders:bse:session:{kind}:{self.credentials.member_id}:{self.credentials.user_id}"

    def _session(self, kind: str, *, call: CallContext | None) -> tuple[str, str]:
        cache = caches["gateways"]
        key = self._session_key(kind)
        session = cache.get(key)
        if session:
            return tuple(session)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
            session = cache.get(key)  # another worker may have logged in while we waited
            if session:
                return tuple(session)
            try:
                session = self._login(kind, call=call)
            except GatewayError as exc:
                failure = exc  # raised after the block commits, so the failed login's audit row is kept
            else:
                seconds = consts.ORDER_SESSION_SECONDS if kind == "order" else consts.SERVICES_SESSION_SECONDS
                cache.set(key, list(session), timeout=seconds - consts.SESSION_MARGIN_SECONDS)
                return session
        raise failure

    def login_check(self) -> None:
        """A fresh order-service login (replacing any cached session): raises when BSE refuses it."""
        self.drop_session("order")
        self._session("order", call=None)

    def drop_session(self, kind: str) -> None:
        caches["gateways"].delete(self._session_key(kind))

    def _login(self, kind: str, *, call: CallContext | None) -> tuple[str, str]:
        passkey = _passkey()
        creds = self.credentials

        def check(reply: str) -> None:
            ok, value = parse_code_reply(reply, operation="getPassword")
            if not ok:
                raise_for_remarks(value, raw=reply)

        if kind == "order":
            request = {"UserId": creds.user_id, "Password": creds.password, "PassKey": passkey}
            reply = guarded_call(
                gateway=self.name, operation="MFOrder.getPassword", call=call, request=request, side_effect=False,
                invoke=lambda: self._order_service().getPassword(**request), check=check,
            )  # fmt: skip
        else:
            param = {"MemberId": creds.member_id, "UserId": creds.user_id, "Password": creds.password,
                     "PassKey": passkey}  # fmt: skip
            result = guarded_call(
                gateway=self.name, operation="StarMFWebService.getPassword", call=call, request=param,
                side_effect=False, invoke=lambda: self._services_service().getPassword(Param=param),
                describe=lambda r: f"{getattr(r, 'Status', '')}|{getattr(r, 'ResponseString', '')}",
                check=lambda r: check(f"{r.Status}|{r.ResponseString}") if r is not None else check(""),
            )  # fmt: skip
            reply = f"{result.Status}|{result.ResponseString}"
        _, encrypted = parse_code_reply(reply, operation="getPassword")
        return encrypted, passkey

    # --- calls --------------------------------------------------------------------------------------

    def order_call(self, operation: str, params: dict[str, Any], *, call: CallContext | None, side_effect: bool) -> str:
        """Calls an MFOrder operation with the session filled in and returns its pipe-separated result.
        A reply saying the session is no longer valid drops the cached session (the caller retries)."""
        encrypted, passkey = self._session("order", call=call)
        request = {**params, "Password": encrypted, "PassKey": passkey}
        reply = guarded_call(
            gateway=self.name, operation=f"MFOrder.{operation}", call=call, request=request,
            side_effect=side_effect, invoke=lambda: getattr(self._order_service(), operation)(**request),
        )  # fmt: skip
        reply = reply or ""
        if "INVALID ENCRYPTED PASSWORD" in reply.upper() or "SESSION EXPIRED" in reply.upper():
            self.drop_session("order")
        return reply

    def mfapi(self, flag: str, param: str, *, call: CallContext | None) -> str:
        """StarMFWebService.MFAPI: returns the text after "100|"; raises on "101|..."."""
        encrypted, _ = self._session("services", call=call)
        request = {"Flag": flag, "UserId": self.credentials.user_id, "EncryptedPassword": encrypted, "param": param}

        def check(reply: str) -> None:
            ok, value = parse_code_reply(reply, operation=f"MFAPI {flag}")
            if not ok:
                if "PASSWORD" in value.upper():
                    self.drop_session("services")
                raise_for_remarks(value, raw=reply)

        reply = guarded_call(
            gateway=self.name, operation=f"StarMFWebService.MFAPI.{flag}", call=call, request=request,
            side_effect=flag not in (consts.FLAG_PAYMENT_STATUS,),
            invoke=lambda: self._services_service().MFAPI(Param=request), check=check,
        )  # fmt: skip
        return parse_code_reply(reply, operation=f"MFAPI {flag}")[1]

    def services_query(self, operation: str, param: dict[str, Any], *, call: CallContext | None, password_field: str):
        """A read on StarMFWebService (OrderStatus, AllotmentStatement ...): returns the serialised result
        as plain dicts and lists."""
        encrypted, _ = self._session("services", call=call)
        request = {**param, password_field: encrypted}

        def check(result) -> None:
            status = str(getattr(result, "Status", "") or "")
            message = str(getattr(result, "Message", None) or getattr(result, "Remarks", None) or "")
            if status not in ("100", "0"):
                if "NO DATA" in message.upper() or "NOT FOUND" in message.upper():
                    return
                if "PASSWORD" in message.upper():
                    self.drop_session("services")
                    raise GatewayNotSent(message, code="session_expired")
                raise GatewayRejected(message or f"{operation} failed.", code="query_failed")

        result = guarded_call(
            gateway=self.name, operation=f"StarMFWebService.{operation}", call=call, request=request,
            side_effect=False, invoke=lambda: getattr(self._services_service(), operation)(Param=request),
            describe=lambda r: str(serialize_object(r))[:4000], check=check,
        )  # fmt: skip
        return serialize_object(result, target_cls=dict)
