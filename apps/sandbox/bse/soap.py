"""SOAP 1.2 + WS-Addressing as BSE's WCF services speak it: read a request, write a reply or a fault."""

import re
from dataclasses import dataclass

from lxml import etree

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_ACTION_RE = re.compile(r'action\s*=\s*"?([^";]+)"?', re.IGNORECASE)


class SoapError(Exception):
    def __init__(self, code: str, reason: str, status: int = 500):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status


@dataclass
class SoapRequest:
    action: str
    operation: str
    namespace: str
    body: etree._Element
    raw: str

    def fields(self) -> dict[str, str]:
        """Children of the operation element by local name (text, '' when empty or nil)."""
        return {etree.QName(child).localname: (child.text or "").strip() for child in self.body}

    def param(self) -> dict[str, str]:
        """Children of the operation's Param element (StarMFWebService data contracts)."""
        for child in self.body:
            if etree.QName(child).localname == "Param":
                return {etree.QName(item).localname: (item.text or "").strip() for item in child}
        return {}


def parse_request(body: bytes, content_type: str) -> SoapRequest:
    if "application/soap+xml" not in (content_type or "").lower():
        raise SoapError("s:Sender", "Cannot process the message because the content type is not SOAP 1.2.", 415)
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise SoapError("s:Sender", f"The message is not well-formed XML: {exc}", 400) from exc
    if etree.QName(root).namespace != SOAP12 or etree.QName(root).localname != "Envelope":
        raise SoapError("s:VersionMismatch", "Expected a SOAP 1.2 envelope.")
    header_action = root.findtext(f"{{{SOAP12}}}Header/{{{WSA}}}Action")
    match = _ACTION_RE.search(content_type or "")
    action = (header_action or (match.group(1) if match else "")).strip()
    if not action:
        raise SoapError("a:ActionNotSupported", "The message has no WS-Addressing Action.")
    soap_body = root.find(f"{{{SOAP12}}}Body")
    if soap_body is None or len(soap_body) == 0:
        raise SoapError("s:Sender", "Empty SOAP body.")
    element = soap_body[0]
    qname = etree.QName(element)
    return SoapRequest(
        action=action, operation=qname.localname, namespace=qname.namespace or "", body=element,
        raw=body.decode("utf-8", "replace"),
    )  # fmt: skip


def _envelope(action: str) -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP12}}}Envelope", nsmap={"s": SOAP12, "a": WSA})
    header = etree.SubElement(envelope, f"{{{SOAP12}}}Header")
    action_el = etree.SubElement(header, f"{{{WSA}}}Action")
    action_el.set(f"{{{SOAP12}}}mustUnderstand", "1")
    action_el.text = action
    body = etree.SubElement(envelope, f"{{{SOAP12}}}Body")
    return envelope, body


def string_reply(*, action: str, namespace: str, operation: str, result: str) -> bytes:
    """<opResponse xmlns=ns><opResult>text</opResult></opResponse>"""
    envelope, body = _envelope(action + "Response")
    response = etree.SubElement(body, f"{{{namespace}}}{operation}Response", nsmap={None: namespace})
    etree.SubElement(response, f"{{{namespace}}}{operation}Result").text = result
    return etree.tostring(envelope, xml_declaration=False, encoding="utf-8")


def contract_reply(*, action: str, namespace: str, operation: str, contract_ns: str, fields: list) -> bytes:
    """<opResponse><opResult xmlns:b=contract> ...fields... </opResult></opResponse>, where fields is a list of
    (name, value) with value a string, None (nil) or a list of (item_name, [(name, value), ...]) rows."""
    envelope, body = _envelope(action + "Response")
    response = etree.SubElement(body, f"{{{namespace}}}{operation}Response", nsmap={None: namespace})
    result = etree.SubElement(response, f"{{{namespace}}}{operation}Result", nsmap={"b": contract_ns, "i": XSI})
    _fill(result, fields, contract_ns)
    return etree.tostring(envelope, xml_declaration=False, encoding="utf-8")


def _fill(parent, fields, ns):
    for name, value in fields:
        element = etree.SubElement(parent, f"{{{ns}}}{name}")
        if value is None:
            element.set(f"{{{XSI}}}nil", "true")
        elif isinstance(value, list):
            for item_name, item_fields in value:
                _fill(etree.SubElement(element, f"{{{ns}}}{item_name}"), item_fields, ns)
        else:
            element.text = str(value)


def fault_reply(*, code: str, reason: str) -> bytes:
    envelope, body = _envelope("http://www.w3.org/2005/08/addressing/soap/fault")
    fault = etree.SubElement(body, f"{{{SOAP12}}}Fault")
    code_el = etree.SubElement(fault, f"{{{SOAP12}}}Code")
    etree.SubElement(code_el, f"{{{SOAP12}}}Value").text = "s:Receiver" if not code.startswith(("s:", "a:")) else code
    reason_el = etree.SubElement(fault, f"{{{SOAP12}}}Reason")
    text = etree.SubElement(reason_el, f"{{{SOAP12}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    text.text = reason
    return etree.tostring(envelope, xml_declaration=False, encoding="utf-8")
