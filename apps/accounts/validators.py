"""Checks and normal forms for what investors type: PAN, IFSC, Indian mobile numbers, e-mail addresses,
PIN codes. Pure functions; services call them and raise ApplicationError with the message."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

PAN_RE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
# 4th character of an individual's PAN is P; others (C company, H HUF, F firm ...) are not persons
PAN_HOLDER_TYPES = {
    "P": "individual",
    "H": "huf",
    "C": "company",
    "F": "firm",
    "A": "association",
    "T": "trust",
    "B": "body_of_individuals",
    "L": "local_authority",
    "J": "artificial_juridical_person",
    "G": "government",
}
IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
ACCOUNT_NUMBER_RE = re.compile(r"^[0-9]{9,18}$")
PINCODE_RE = re.compile(r"^[1-9][0-9]{5}$")
INDIAN_MOBILE_RE = re.compile(r"^[6-9][0-9]{9}$")

# Bank codes (the first four letters of an IFSC) of the banks most investors use. An unknown code is
# not an error: the RBI adds banks; the name is then left for the investor to give.
BANK_NAMES = {
    "SBIN": "State Bank of India",
    "HDFC": "HDFC Bank",
    "ICIC": "ICICI Bank",
    "UTIB": "Axis Bank",
    "KKBK": "Kotak Mahindra Bank",
    "PUNB": "Punjab National Bank",
    "BARB": "Bank of Baroda",
    "CNRB": "Canara Bank",
    "UBIN": "Union Bank of India",
    "IDIB": "Indian Bank",
    "BKID": "Bank of India",
    "MAHB": "Bank of Maharashtra",
    "IOBA": "Indian Overseas Bank",
    "UCBA": "UCO Bank",
    "CBIN": "Central Bank of India",
    "PSIB": "Punjab & Sind Bank",
    "INDB": "IndusInd Bank",
    "YESB": "Yes Bank",
    "IDFB": "IDFC FIRST Bank",
    "FDRL": "Federal Bank",
    "SIBL": "South Indian Bank",
    "KARB": "Karnataka Bank",
    "KVBL": "Karur Vysya Bank",
    "CIUB": "City Union Bank",
    "RATN": "RBL Bank",
    "AUBL": "AU Small Finance Bank",
    "BDBL": "Bandhan Bank",
    "DBSS": "DBS Bank India",
    "SCBL": "Standard Chartered Bank",
    "HSBC": "HSBC",
    "CITI": "Citibank",
}


class InvalidInput(ValueError):
    """The value is not acceptable; the message says why in words an investor understands."""


def pan_normalize(value: str) -> str:
    pan = (value or "").strip().upper()
    if not PAN_RE.match(pan):
        raise InvalidInput("PAN must be 5 letters, 4 digits and a letter, e.g. ABCDE1234F.")
    return pan


def ifsc_normalize(value: str) -> str:
    ifsc = (value or "").strip().upper()
    if not IFSC_RE.match(ifsc):
        raise InvalidInput("IFSC must be 4 letters, a zero and 6 letters or digits, e.g. HDFC0001234.")
    return ifsc


def bank_name_for_ifsc(ifsc: str) -> str:
    return BANK_NAMES.get(ifsc[:4], "")


def account_number_normalize(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if not ACCOUNT_NUMBER_RE.match(number):
        raise InvalidInput("Account number must be 9 to 18 digits.")
    return number


def pincode_normalize(value: str) -> str:
    pincode = (value or "").strip()
    if pincode and not PINCODE_RE.match(pincode):
        raise InvalidInput("PIN code must be 6 digits and cannot start with 0.")
    return pincode


def mobile_normalize(value: str) -> str:
    """Indian mobile numbers in E.164: +91 and 10 digits starting 6-9."""
    digits = re.sub(r"[\s()-]", "", value or "")
    if digits.startswith("+91"):
        digits = digits[3:]
    elif digits.startswith("0091"):
        digits = digits[4:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if not INDIAN_MOBILE_RE.match(digits):
        raise InvalidInput("Give a 10-digit Indian mobile number, e.g. 98123 45678.")
    return "+91" + digits


def email_normalize(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Give a valid e-mail address.") from None
    return email


@dataclass(frozen=True)
class Identifier:
    """What a person signs in or registers with: an e-mail address or a mobile number."""

    channel: str  # "email" or "sms" (the OTP channel that reaches it)
    value: str

    @property
    def is_email(self) -> bool:
        return self.channel == "email"


def identifier_parse(value: str) -> Identifier:
    value = (value or "").strip()
    if "@" in value:
        return Identifier(channel="email", value=email_normalize(value))
    return Identifier(channel="sms", value=mobile_normalize(value))
