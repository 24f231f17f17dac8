"""Orders, SIP registrations and mandates, with everything needed to get each of them to an exchange
exactly once: an append-only event history, one row per exchange attempt (its reference stored before
the call), a transactional outbox, idempotency keys, the investor's registration at each exchange and an
audit row per external call.

Amounts are Decimal(16, 2), units Decimal(20, 4), NAVs Decimal(20, 8). Status changes go through
apps.orders.states only."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import PublicIdModel, TimeStampedModel

MONEY = {"max_digits": 16, "decimal_places": 2}
UNITS = {"max_digits": 20, "decimal_places": 4}
NAV = {"max_digits": 20, "decimal_places": 8}


class Gateway(models.TextChoices):
    BSE_STARMF = "bse_starmf", "BSE StAR MF"
    MFU = "mfu", "MF Utilities"


class OrderKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    REDEMPTION = "redemption", "Redemption"
    SWITCH = "switch", "Switch"


class OrderStatus(models.TextChoices):
    PENDING_OTP = "pending_otp", "Waiting for the investor's OTP"
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Sent to the exchange"
    UNKNOWN = "unknown", "Outcome unknown (checking with the exchange)"
    ACCEPTED = "accepted", "Accepted by the exchange"
    PAYMENT_PENDING = "payment_pending", "Waiting for payment"
    SUCCESSFUL = "successful", "Successful"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REVERSED = "reversed", "Reversed"


class Order(PublicIdModel):
    """A lumpsum purchase, a redemption (by amount, units or all units) or a switch between two schemes
    of one AMC. SIP instalments are orders too (sip is set)."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="staff member who placed it on the investor's behalf",
    )
    kind = models.CharField(max_length=12, choices=OrderKind.choices)
    scheme = models.ForeignKey("funds.Scheme", on_delete=models.PROTECT, related_name="+")
    to_scheme = models.ForeignKey(
        "funds.Scheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="switch target"
    )
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    units = models.DecimalField(**UNITS, null=True, blank=True)
    all_units = models.BooleanField(default=False)
    folio_number = models.CharField(max_length=40, blank=True)
    is_additional = models.BooleanField(default=False, help_text="additional purchase into an existing folio")
    sip = models.ForeignKey(
        "orders.SipRegistration", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    basket = models.ForeignKey(
        "orders.OrderBasket", null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
        help_text="confirmed with one OTP together with the basket's other items",
    )  # fmt: skip

    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING_OTP, db_index=True
    )
    # a redemption paid to a bank account added or made primary in the last 24 hours waits for staff
    hold_reason = models.CharField(max_length=300, blank=True)
    hold_released_at = models.DateTimeField(null=True, blank=True)
    hold_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gateway = models.CharField(max_length=12, choices=Gateway.choices, blank=True)
    gateway_pinned = models.BooleanField(
        default=False, help_text="an attempt reached this gateway: never route this order elsewhere"
    )
    client_ref = models.CharField(max_length=20, unique=True, help_text="our reference sent with every attempt")
    exchange_ref = models.CharField(max_length=40, blank=True, help_text="TransNo of the latest attempt")
    exchange_order_id = models.CharField(max_length=40, blank=True, db_index=True)
    exchange_message = models.CharField(max_length=500, blank=True)
    otp_challenge_id = models.UUIDField(null=True, blank=True)

    placed_at = models.DateTimeField(help_text="when the investor placed it (shown in IST)")
    expected_nav_date = models.DateField()
    payment_url = models.URLField(max_length=500, blank=True)
    payment_confirmed_at = models.DateTimeField(null=True, blank=True, help_text="funds realised")

    allotted_units = models.DecimalField(**UNITS, null=True, blank=True)
    allotted_nav = models.DecimalField(**NAV, null=True, blank=True)
    allotted_amount = models.DecimalField(**MONEY, null=True, blank=True)
    nav_date = models.DateField(null=True, blank=True, help_text="the NAV date the registrar applied")
    switch_in_units = models.DecimalField(**UNITS, null=True, blank=True)
    switch_in_nav = models.DecimalField(**NAV, null=True, blank=True)

    queued_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    unknown_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    payment_pending_at = models.DateTimeField(null=True, blank=True)
    successful_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="orders_order_amount_gt0"),
            models.CheckConstraint(condition=Q(units__isnull=True) | Q(units__gt=0), name="orders_order_units_gt0"),
            models.CheckConstraint(
                condition=~Q(kind="purchase") | (Q(amount__isnull=False) & Q(units__isnull=True) & Q(all_units=False)),
                name="orders_order_purchase_by_amount",
            ),
            models.CheckConstraint(
                condition=Q(kind="purchase")
                | (Q(amount__isnull=False) & Q(units__isnull=True) & Q(all_units=False))
                | (Q(amount__isnull=True) & Q(units__isnull=False) & Q(all_units=False))
                | (Q(amount__isnull=True) & Q(units__isnull=True) & Q(all_units=True)),
                name="orders_order_one_quantity",
            ),
            models.CheckConstraint(
                condition=(Q(kind="switch") & Q(to_scheme__isnull=False))
                | (~Q(kind="switch") & Q(to_scheme__isnull=True)),
                name="orders_order_switch_target",
            ),
        ]
        indexes = [
            models.Index(fields=["investor", "placed_at"]),
            models.Index(fields=["status", "next_check_at"]),
            # the portal's order book, newest first, a page at a time without sorting the whole book
            models.Index(fields=["-placed_at", "-id"], name="orders_order_book_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_ref} ({self.status})"

    @property
    def is_held(self) -> bool:
        """Waiting for staff to release it before it goes to the exchange (see hold_reason)."""
        return bool(self.hold_reason) and self.hold_released_at is None


class OrderEvent(models.Model):
    """Append-only history of an order: every status change and every notable fact (attempts, payment,
    allotment). A database trigger refuses UPDATE and DELETE."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.CharField(max_length=120, blank=True)
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.from_status}->{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Order events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Order events are append-only.")


class SipFrequency(models.TextChoices):
    MONTHLY = "MONTHLY", "Monthly"
    QUARTERLY = "QUARTERLY", "Quarterly"
    WEEKLY = "WEEKLY", "Weekly"


class SipStatus(models.TextChoices):
    PENDING_OTP = "pending_otp", "Waiting for the investor's OTP"
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Sent to the exchange"
    UNKNOWN = "unknown", "Outcome unknown (checking with the exchange)"
    ACTIVE = "active", "Active"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    CANCEL_REQUESTED = "cancel_requested", "Cancellation requested"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class MandateStatus(models.TextChoices):
    PENDING_OTP = "pending_otp", "Waiting for the investor's OTP"
    QUEUED = "queued", "Queued"
    SUBMITTED = "submitted", "Sent to the exchange"
    REGISTERED = "registered", "Registered, waiting for the bank"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Mandate(PublicIdModel):
    """A debit mandate on the investor's bank account (XSIP / ISIP / e-NACH), registered at an exchange."""

    class MandateType(models.TextChoices):
        XSIP = "X", "XSIP (physical)"
        ISIP = "I", "ISIP (net banking)"
        EMANDATE = "N", "e-NACH"

    investor = models.ForeignKey("accounts.Investor", on_delete=models.PROTECT, related_name="mandates")
    bank_account = models.ForeignKey("accounts.BankAccount", on_delete=models.PROTECT, related_name="mandates")
    mandate_type = models.CharField(max_length=1, choices=MandateType.choices, default=MandateType.EMANDATE)
    amount_limit = models.DecimalField(**MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=MandateStatus.choices, default=MandateStatus.PENDING_OTP, db_index=True
    )
    gateway = models.CharField(max_length=12, choices=Gateway.choices, blank=True)
    exchange_mandate_id = models.CharField(max_length=40, blank=True, db_index=True)
    otp_challenge_id = models.UUIDField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_limit__gt=0), name="orders_mandate_limit_gt0"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="orders_mandate_dates"),
        ]

    def __str__(self) -> str:
        return f"Mandate {self.exchange_mandate_id or self.public_id} ({self.status})"


class SipRegistration(PublicIdModel):
    """An exchange SIP (XSIP): the exchange creates one child order per instalment and debits the mandate."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.PROTECT, related_name="sips")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheme = models.ForeignKey("funds.Scheme", on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="sips")
    amount = models.DecimalField(**MONEY)
    frequency = models.CharField(max_length=10, choices=SipFrequency.choices, default=SipFrequency.MONTHLY)
    start_date = models.DateField()
    instalments = models.PositiveIntegerField()
    folio_number = models.CharField(max_length=40, blank=True)
    first_order_today = models.BooleanField(default=False)
    basket = models.ForeignKey(
        "orders.OrderBasket", null=True, blank=True, on_delete=models.PROTECT, related_name="sips",
        help_text="confirmed with one OTP together with the basket's other items",
    )  # fmt: skip
    status = models.CharField(max_length=16, choices=SipStatus.choices, default=SipStatus.PENDING_OTP, db_index=True)
    gateway = models.CharField(max_length=12, choices=Gateway.choices, blank=True)
    gateway_pinned = models.BooleanField(default=False)
    client_ref = models.CharField(max_length=20, unique=True)
    exchange_ref = models.CharField(max_length=40, blank=True)
    exchange_reg_id = models.CharField(max_length=40, blank=True, db_index=True)
    otp_challenge_id = models.UUIDField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orders_sip_amount_gt0"),
            models.CheckConstraint(condition=Q(instalments__gte=1), name="orders_sip_instalments_ge1"),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="orders_sip_book_newest")]

    def __str__(self) -> str:
        return f"SIP {self.client_ref} ({self.status})"


class SipInstalment(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ORDERED = "ordered", "Order generated"
        SUCCESSFUL = "successful", "Successful"
        FAILED = "failed", "Failed"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    sip = models.ForeignKey(SipRegistration, on_delete=models.CASCADE, related_name="instalment_rows")
    number = models.PositiveIntegerField()
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="instalment")
    # why an instalment was missed (no order by its due date, or the exchange dropped its order)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["sip_id", "number"]
        constraints = [models.UniqueConstraint(fields=["sip", "number"], name="orders_sipinstalment_unique_number")]
        # a book's instalments by state and due day: due this week, missed in the last 30 days, falling due
        # today (sip_instalments_process); each SIP's whole schedule is stored, 120 rows for a 10-year SIP
        indexes = [models.Index(fields=["status", "due_date"], name="orders_instalment_status_due")]

    def __str__(self) -> str:
        return f"{self.sip_id} #{self.number} {self.due_date}"


class ExchangeAttempt(TimeStampedModel):
    """One try at an exchange. The reference (BSE TransNo) is saved here before the call; the outcome
    after it. An attempt still `pending` after its worker died has an unknown outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "In progress"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        NOT_SENT = "not_sent", "Not received by the exchange"
        UNKNOWN = "unknown", "Outcome unknown"
        FOUND = "found", "Found by a status query"
        ABSENT = "absent", "Absent by a status query"

    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts")
    sip = models.ForeignKey(SipRegistration, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts")
    gateway = models.CharField(max_length=12, choices=Gateway.choices)
    operation = models.CharField(max_length=40)
    trans_no = models.CharField(max_length=40, unique=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)
    error_code = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(sip__isnull=False), name="orders_attempt_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trans_no} {self.outcome}"


class OutboxMessage(TimeStampedModel):
    """Work to be done outside the database, written in the same transaction as the change that needs
    it. A Celery task started on commit handles it; a beat job re-sends rows that got stuck."""

    class Kind(models.TextChoices):
        ORDER_SUBMIT = "order_submit", "Submit an order"
        ORDER_CANCEL = "order_cancel", "Cancel an order at the exchange"
        SIP_REGISTER = "sip_register", "Register a SIP"
        SIP_CANCEL = "sip_cancel", "Cancel a SIP"
        MANDATE_REGISTER = "mandate_register", "Register a mandate"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        DEAD = "dead", "Gave up"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    sip = models.ForeignKey(SipRegistration, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    mandate = models.ForeignKey(Mandate, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    available_at = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["available_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "order"],
                condition=Q(status__in=["pending", "processing"], order__isnull=False),
                name="orders_outbox_one_open_per_order",
            ),
            models.UniqueConstraint(
                fields=["kind", "sip"],
                condition=Q(status__in=["pending", "processing"], sip__isnull=False),
                name="orders_outbox_one_open_per_sip",
            ),
            models.UniqueConstraint(
                fields=["kind", "mandate"],
                condition=Q(status__in=["pending", "processing"], mandate__isnull=False),
                name="orders_outbox_one_open_per_mandate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class IdempotencyRecord(TimeStampedModel):
    """The first response to an Idempotency-Key, kept per investor (at least 72 hours)."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        COMPLETED = "completed", "Completed"

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    locked_until = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["investor", "scope", "key"], name="orders_idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.state})"


class ExchangeClient(TimeStampedModel):
    """The investor's registration at one exchange: UCC (client master) and FATCA at BSE, a CAN at MFU."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.CASCADE, related_name="exchange_clients")
    gateway = models.CharField(max_length=12, choices=Gateway.choices)
    client_code = models.CharField(max_length=20)
    ucc_registered_at = models.DateTimeField(null=True, blank=True)
    fatca_registered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["investor_id", "gateway"]
        constraints = [
            models.UniqueConstraint(fields=["investor", "gateway"], name="orders_exchangeclient_one_per_gateway"),
            models.UniqueConstraint(fields=["gateway", "client_code"], name="orders_exchangeclient_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.client_code}"

    @property
    def is_registered(self) -> bool:
        return self.ucc_registered_at is not None and self.fatca_registered_at is not None


class GatewayRouting(TimeStampedModel):
    """This distributor's exchange identity and its choice of primary gateway per operation (one row per
    tenant schema). Passwords are stored encrypted only."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    primary = models.JSONField(
        default=dict, blank=True, help_text='operation -> gateway, e.g. {"purchase": "bse_starmf"}; missing: default'
    )
    default_gateway = models.CharField(max_length=12, choices=Gateway.choices, default=Gateway.BSE_STARMF)
    fallback_enabled = models.BooleanField(default=True)
    bse_member_id = models.CharField(max_length=10, blank=True, help_text="the distributor's BSE member code")
    bse_user_id = models.CharField(max_length=10, blank=True)
    mfu_entity_id = models.CharField(max_length=20, blank=True)
    # The distributor's own exchange credentials (apps/orders/identity.py): encrypted, never shown again.
    bse_password_encrypted = models.TextField(blank=True)
    mfu_username = models.CharField(max_length=60, blank=True)
    mfu_password_encrypted = models.TextField(blank=True)
    bse_rotated_at = models.DateTimeField(null=True, blank=True, help_text="when the BSE password was last set")
    mfu_rotated_at = models.DateTimeField(null=True, blank=True, help_text="when the MFU password was last set")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="orders_gatewayrouting_singleton")]

    def __str__(self) -> str:
        return f"routing (default {self.default_gateway})"


class GatewayCall(models.Model):
    """Audit row for every call to an external gateway (payloads masked, secrets removed)."""

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        REJECTED = "rejected", "Rejected"
        TRANSIENT = "transient", "Transient failure"
        UNKNOWN = "unknown", "Outcome unknown"
        ERROR = "error", "Error"
        THROTTLED = "throttled", "Rate limited"
        CIRCUIT_OPEN = "circuit_open", "Circuit open"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    gateway = models.CharField(max_length=12, choices=Gateway.choices)
    operation = models.CharField(max_length=60, db_index=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="gateway_calls")
    sip = models.ForeignKey(SipRegistration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mandate = models.ForeignKey(Mandate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    request = models.JSONField(default=dict, blank=True)
    response = models.TextField(blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    error_code = models.CharField(max_length=40, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.gateway}.{self.operation} {self.outcome}"


class BasketStatus(models.TextChoices):
    PENDING_OTP = "pending_otp", "Waiting for the investor's OTP"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class OrderBasket(PublicIdModel):
    """Several confirmable items (orders now; SIP registrations join through SipRegistration.basket) that
    the investor confirms with one OTP. Each item keeps its own life afterwards: its outbox row, attempts,
    payment and allotment. The OTP text names the count and the total."""

    investor = models.ForeignKey("accounts.Investor", on_delete=models.PROTECT, related_name="baskets")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(max_length=20, unique=True, help_text="our reference shown to the investor")
    status = models.CharField(
        max_length=16, choices=BasketStatus.choices, default=BasketStatus.PENDING_OTP, db_index=True
    )
    otp_challenge_id = models.UUIDField(null=True, blank=True)
    placed_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["investor", "placed_at"])]

    def __str__(self) -> str:
        return f"Basket {self.reference} ({self.status})"


MONEY_ZERO = Decimal("0.00")
