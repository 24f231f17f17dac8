"""The KYC provider interface: one question, "what is the KYC status of this PAN?", answered in our
own terms whatever the provider speaks."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime

from apps.accounts.models import KycStatus


@dataclass(frozen=True)
class KycLookup:
    pan: str
    date_of_birth: date | None = None


@dataclass(frozen=True)
class KycResult:
    pan: str
    status: KycStatus
    reason: str = ""  # why not verified (hold / rejection remarks), in the provider's words
    name: str = ""  # the name the KRA holds
    date_of_birth: date | None = None  # the date of birth the KRA holds, when it says
    source_code: str = ""  # the provider's own status code, kept for support
    checked_at: datetime | None = None


class KycProviderError(Exception):
    """The provider could not answer. `transient` faults (timeouts, 5xx) are worth retrying."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class KycProvider(ABC):
    name: str = ""

    @abstractmethod
    def pan_status(self, lookup: KycLookup) -> KycResult:
        """Raises KycProviderError when there is no answer."""
