import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from apps.core.logging import mask_pan
from apps.core.model_fields import EncryptedCharField, KeyedHashesMixin, KeyedHashField
from apps.core.models import PublicIdModel, TimeStampedModel


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    RELATIONSHIP_MANAGER = "rm", "Relationship manager"
    OPERATIONS = "operations", "Operations"
    READ_ONLY = "read_only", "Read-only"


class StaffMember(PublicIdModel):
    """A distributor's staff member: a user of the tenant schema with a role. Addressed by its public id."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    euin = models.CharField(max_length=20, blank=True, help_text="Employee unique id (relationship managers)")
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class KycStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PENDING = "pending", "Pending"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    ON_HOLD = "on_hold", "On hold"


PAN_REGEX = r"^[A-Z]{5}[0-9]{4}[A-Z]$"
# PANs and bank account numbers are encrypted at rest (apps.core.model_fields); the database cannot check
# their format, so the field validators and the services do. Found through accounts.selectors by hash.
PAN_PURPOSE = "accounts.pan"
BANK_ACCOUNT_NUMBER_PURPOSE = "accounts.bank-account-number"
pan_validator = RegexValidator(PAN_REGEX, "Enter a PAN like ABCDE1234F.")


class Investor(KeyedHashesMixin, PublicIdModel):
    """An investor of this distributor: the person behind a user of the tenant schema."""

    class TaxStatus(models.TextChoices):
        INDIVIDUAL = "individual", "Resident individual"
        NRI = "nri", "Non-resident Indian"
        HUF = "huf", "Hindu undivided family"
        MINOR = "minor", "Minor through guardian"

    class Occupation(models.TextChoices):
        # the occupation list the exchanges' client registration uses
        BUSINESS = "business", "Business"
        SERVICE_PRIVATE = "private_sector", "Private sector service"
        SERVICE_PUBLIC = "public_sector", "Public sector service"
        GOVERNMENT = "government", "Government service"
        PROFESSIONAL = "professional", "Professional"
        AGRICULTURE = "agriculture", "Agriculture"
        RETIRED = "retired", "Retired"
        HOMEMAKER = "homemaker", "Homemaker"
        STUDENT = "student", "Student"
        OTHER = "other", "Other"

    class IncomeSlab(models.TextChoices):
        BELOW_1L = "below_1l", "Below 1 lakh"
        L1_TO_5L = "1l_5l", "1 to 5 lakh"
        L5_TO_10L = "5l_10l", "5 to 10 lakh"
        L10_TO_25L = "10l_25l", "10 to 25 lakh"
        L25_TO_1CR = "25l_1cr", "25 lakh to 1 crore"
        ABOVE_1CR = "above_1cr", "Above 1 crore"

    class WealthSource(models.TextChoices):
        SALARY = "salary", "Salary"
        BUSINESS = "business", "Business income"
        GIFT = "gift", "Gift"
        ANCESTRAL = "ancestral", "Ancestral property"
        RENTAL = "rental", "Rental income"
        PRIZE = "prize", "Prize money"
        ROYALTY = "royalty", "Royalty"
        OTHER = "other", "Other"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="investor")
    full_name = models.CharField(max_length=200, blank=True)
    pan = EncryptedCharField(
        "PAN", purpose=PAN_PURPOSE, hash_field="pan_hash", null=True, blank=True, validators=[pan_validator]
    )
    pan_hash = KeyedHashField(unique=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=15, blank=True)
    tax_status = models.CharField(max_length=12, choices=TaxStatus.choices, default=TaxStatus.INDIVIDUAL)
    kyc_status = models.CharField(
        max_length=12, choices=KycStatus.choices, default=KycStatus.NOT_STARTED, db_index=True
    )
    kyc_reason = models.CharField(max_length=300, blank=True)
    kyc_checked_at = models.DateTimeField(null=True, blank=True)
    kyc_source_code = models.CharField(max_length=10, blank=True, help_text="the KRA's own status code")
    relationship_manager = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="investors"
    )
    occupation = models.CharField(max_length=20, choices=Occupation.choices, blank=True)
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=60, blank=True)
    state = models.CharField(max_length=60, blank=True)
    pincode = models.CharField(max_length=6, blank=True)
    country = models.CharField(max_length=60, default="India")
    # FATCA / CRS self-declaration
    country_of_birth = models.CharField(max_length=60, blank=True)
    place_of_birth = models.CharField(max_length=60, blank=True)
    income_slab = models.CharField(max_length=10, choices=IncomeSlab.choices, blank=True)
    wealth_source = models.CharField(max_length=10, choices=WealthSource.choices, blank=True)
    politically_exposed = models.BooleanField(null=True, blank=True)
    tax_resident_outside_india = models.BooleanField(null=True, blank=True)
    fatca_declared_at = models.DateTimeField(null=True, blank=True)
    # SEBI: either nominees (up to 3) or an explicit opt-out
    nomination_opted_out = models.BooleanField(default=False)
    # The value of the investor's latest valuation (apps.portfolio's InvestorValuation.value, 0 before the
    # first), copied here by investor_valuation_refresh so the staff book sorts by AUM on an index.
    aum = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            # the portal's investor list by AUM, highest or lowest first (name, then id, break ties)
            models.Index(models.F("aum").desc(), "full_name", "id", name="accounts_investor_aum_desc"),
            models.Index("aum", "full_name", "id", name="accounts_investor_aum_asc"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pincode="") | models.Q(pincode__regex=r"^[1-9][0-9]{5}$"),
                name="accounts_investor_pincode_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(kyc_status="verified") | models.Q(pan__isnull=False),
                name="accounts_investor_verified_has_pan",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or str(self.user)

    @property
    def masked_pan(self) -> str:
        return mask_pan(self.pan or "")


class BankAccount(KeyedHashesMixin, PublicIdModel):
    class AccountType(models.TextChoices):
        SAVINGS = "SB", "Savings"
        CURRENT = "CA", "Current"
        NRE = "NE", "NRE"
        NRO = "NO", "NRO"

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="bank_accounts")
    account_number = EncryptedCharField(purpose=BANK_ACCOUNT_NUMBER_PURPOSE, hash_field="account_number_hash")
    account_number_hash = KeyedHashField()
    ifsc = models.CharField("IFSC", max_length=11)
    bank_name = models.CharField(max_length=120, blank=True)
    account_type = models.CharField(max_length=2, choices=AccountType.choices, default=AccountType.SAVINGS)
    is_primary = models.BooleanField(default=False)
    is_verified = models.BooleanField(default=False)
    primary_since = models.DateTimeField(
        null=True, blank=True, help_text="when it last became the primary (payout) account"
    )

    class Meta:
        ordering = ["-is_primary", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "account_number_hash", "ifsc"], name="accounts_bankaccount_unique_per_investor"
            ),
            models.UniqueConstraint(
                fields=["investor"], condition=models.Q(is_primary=True), name="accounts_bankaccount_one_primary"
            ),
            models.CheckConstraint(
                condition=models.Q(ifsc__regex=r"^[A-Z]{4}0[A-Z0-9]{6}$"), name="accounts_bankaccount_ifsc_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name or self.ifsc} ****{self.account_number[-4:]}"


class OtpChallenge(TimeStampedModel):
    """A one-time password sent to a mobile number or e-mail address. Only its hash is stored."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(max_length=40, db_index=True, help_text="e.g. register, login, order, family")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    target = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=128)
    subject = models.CharField(max_length=64, blank=True, help_text="what is being confirmed (an order id)")
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target", "created_at"])]

    def __str__(self) -> str:
        return f"OTP {self.purpose} {self.public_id}"


class Notification(PublicIdModel):
    """An in-app message for a user (order allotted, KYC verified, family invitation ...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Nominee(PublicIdModel):
    """Up to three per investor, shares adding up to 100 (enforced by accounts.services)."""

    MAX_PER_INVESTOR = 3

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", "Spouse"
        SON = "son", "Son"
        DAUGHTER = "daughter", "Daughter"
        FATHER = "father", "Father"
        MOTHER = "mother", "Mother"
        BROTHER = "brother", "Brother"
        SISTER = "sister", "Sister"
        OTHER = "other", "Other"

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="nominees")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    share_percent = models.DecimalField(max_digits=5, decimal_places=2)
    guardian_name = models.CharField(max_length=200, blank=True, help_text="required when the nominee is a minor")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_percent__gt=0) & models.Q(share_percent__lte=100),
                name="accounts_nominee_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_percent}%)"


class Invitation(PublicIdModel):
    """A distributor's staff member invites an investor: a signed, expiring, single-use link that opens
    a pre-filled registration."""

    invited_by = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="invitations")
    relationship_manager = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=15, blank=True)
    pan = EncryptedCharField("PAN", purpose=PAN_PURPOSE, blank=True, validators=[pan_validator])
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(mobile=""), name="accounts_invitation_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.full_name}"


class InvestorReview(PublicIdModel):
    """Something about an investor that a staff member must look at before it counts: the KRA's name or
    date of birth not matching the profile, a PAN already held by another investor here. At most one
    open item of each kind per investor; staff resolve it with a note."""

    class Kind(models.TextChoices):
        KYC_MISMATCH = "kyc_mismatch", "KYC details do not match the profile"
        PAN_DUPLICATE = "pan_duplicate", "PAN already held by another investor"

    investor = models.ForeignKey(Investor, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, help_text="what was found, in plain words (PANs masked)")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="accounts_investorreview_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'resolved' if self.resolved_at else 'open'})"


class StaffTotpDevice(TimeStampedModel):
    """A staff member's authenticator app, the optional second factor of the portal's sign-in. The
    shared secret is stored encrypted (apps.accounts.totp_secrets); the device counts only once confirmed
    with a first code. `last_step` stops a code being replayed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=-1)

    class Meta:
        # the table the portal created first; the model moved to identity without moving the data
        db_table = "portal_stafftotpdevice"
        ordering = ["-created_at"]
        verbose_name = "staff TOTP device"

    def __str__(self) -> str:
        return f"TOTP for {self.user} ({'on' if self.confirmed_at else 'pending'})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class StaffBackupCode(TimeStampedModel):
    """A single-use recovery code for a staff member's second step, for when the authenticator is not at
    hand. Ten are made at enrolment and shown once; only a SHA-256 digest is kept (the codes are random,
    50 bits each, so a slow hash adds nothing). Regenerating replaces the whole set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_backup_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="accounts_staffbackupcode_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"Backup code of {self.user} ({'used' if self.used_at else 'unused'})"
