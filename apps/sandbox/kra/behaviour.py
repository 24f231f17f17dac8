"""How the KRA simulator answers, decided by the PAN so tests and the demo can pick an outcome.

The 4 digits of the PAN (ABCDE[1234]F):
- 9500: the service fails with HTTP 500;  9408: it answers only after SANDBOX_KRA_SLOW_SECONDS (a timeout);
- otherwise the first digit picks the APP_STATUS: 1 verified (02), 2 submitted (01), 3 on hold (03),
  4 rejected (04), 5 no record (05), 6 deactivated (06), 7 validated (07); 0, 8 and 9 verified (02).
A status set through POST /sandbox/kra/pans/<PAN> (cache, a day) wins over the pattern: that is how a
test moves a pending KYC to verified before the re-check runs. The override may also set the name and
date of birth (DD-MM-YYYY) the KRA holds; otherwise the name is one of NAMES, picked by the PAN, and the
date of birth is the one the inquiry sent (the KRA found the PAN with that date)."""

from dataclasses import dataclass

from django.core.cache import cache

FAULT_HTTP_500 = "9500"
FAULT_TIMEOUT = "9408"

_BY_FIRST_DIGIT = {
    "1": ("02", ""),
    "2": ("01", ""),
    "3": ("03", "Address proof not legible"),
    "4": ("04", "Signature does not match the PAN records"),
    "5": ("05", ""),
    "6": ("06", "KYC deactivated: re-KYC required"),
    "7": ("07", ""),
}
NAMES = ["ASHA RAO", "VIKRAM MEHTA", "NEHA IYER", "ARJUN SINGH", "PRIYA NAIR", "RAHUL GUPTA"]
OVERRIDE_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class SimulatedRecord:
    pan: str
    status: str
    remarks: str
    name: str
    dob: str = ""  # DD-MM-YYYY


def _override_key(pan: str) -> str:
    return f"sandbox:kra:pan:{pan}"


def override_set(*, pan: str, status: str, remarks: str = "", name: str = "", dob: str = "") -> None:
    cache.set(
        _override_key(pan),
        {"status": status, "remarks": remarks, "name": name, "dob": dob},
        OVERRIDE_TTL_SECONDS,
    )


def fault_for(pan: str) -> str | None:
    digits = pan[5:9]
    if digits == FAULT_HTTP_500:
        return "http_500"
    if digits == FAULT_TIMEOUT:
        return "timeout"
    return None


def record_for(pan: str, requested_dob: str = "") -> SimulatedRecord:
    override = cache.get(_override_key(pan)) or {}
    if override:
        status, remarks = override["status"], override.get("remarks", "")
    else:
        status, remarks = _BY_FIRST_DIGIT.get(pan[5:6], ("02", ""))
    if status == "05":
        return SimulatedRecord(pan=pan, status=status, remarks=remarks, name="")
    name = override.get("name") or NAMES[sum(map(ord, pan)) % len(NAMES)]
    return SimulatedRecord(pan=pan, status=status, remarks=remarks, name=name, dob=override.get("dob") or requested_dob)
