"""State of the exchange simulators (public schema: one simulated BSE and MFU for the whole platform)."""

from django.db import models
from django.db.models import Q


class Fault(models.Model):
    """An injected fault: the next `remaining` calls of `operation` (or any, "*") at `target` whose raw
    request contains `match` (empty: any) get `kind`. Made by tests and the control endpoint."""

    class Kind(models.TextChoices):
        LATENCY = "latency", "Answer late (then normally)"
        TIMEOUT_BEFORE = "timeout_before", "Hang, then drop the request unrecorded"
        TIMEOUT_AFTER = "timeout_after", "Record the request, then hang"
        HTTP_500 = "http_500", "HTTP 500 (unrecorded)"
        SOAP_FAULT = "soap_fault", "SOAP fault (unrecorded)"
        ERROR_REPLY = "error_reply", "The exchange's own error reply"
        REPLY_LOST = "reply_lost", "Record the request, then break the reply"

    target = models.CharField(max_length=8, default="bse")
    operation = models.CharField(max_length=60, default="*")
    match = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    delay_ms = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    remaining = models.PositiveIntegerField(default=1)
    fired = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.target}.{self.operation} {self.kind} x{self.remaining}"


class BseUser(models.Model):
    user_id = models.CharField(max_length=20, unique=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return self.user_id


class BseSession(models.Model):
    class Service(models.TextChoices):
        ORDER = "order", "MFOrder"
        SERVICES = "services", "StarMFWebService"

    user_id = models.CharField(max_length=20)
    service = models.CharField(max_length=8, choices=Service.choices)
    encrypted = models.CharField(max_length=120, unique=True)
    passkey = models.CharField(max_length=20)
    active = models.BooleanField(default=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.service}"


class BseClient(models.Model):
    member_id = models.CharField(max_length=10)
    client_code = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True)
    pan = models.CharField(max_length=10, blank=True)
    ucc_at = models.DateTimeField(null=True, blank=True)
    fatca_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member_id", "client_code"]
        constraints = [models.UniqueConstraint(fields=["member_id", "client_code"], name="sandbox_bseclient_unique")]

    def __str__(self) -> str:
        return self.client_code


class BseMandate(models.Model):
    member_id = models.CharField(max_length=10)
    client_code = models.CharField(max_length=20)
    mandate_id = models.CharField(max_length=20, unique=True)
    mandate_type = models.CharField(max_length=2)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    status = models.CharField(max_length=30, default="REGISTERED BY MEMBER")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.mandate_id


class BseXsip(models.Model):
    member_id = models.CharField(max_length=10)
    unique_ref_no = models.CharField(max_length=40)
    internal_ref = models.CharField(max_length=40, blank=True, db_index=True)
    reg_id = models.CharField(max_length=20, unique=True, null=True)
    client_code = models.CharField(max_length=20)
    scheme_code = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    frequency = models.CharField(max_length=10)
    start_date = models.DateField()
    instalments = models.PositiveIntegerField()
    mandate_id = models.CharField(max_length=20)
    first_order_today = models.BooleanField(default=False)
    status = models.CharField(max_length=10, default="ACTIVE")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["member_id", "unique_ref_no"], name="sandbox_bsexsip_ref")]

    def __str__(self) -> str:
        return f"XSIP {self.reg_id}"


class BseOrder(models.Model):
    """An order in the simulated order book. (member_id, trans_no) is unique: BSE refuses a TransNo twice."""

    member_id = models.CharField(max_length=10)
    trans_no = models.CharField(max_length=40)
    order_number = models.CharField(max_length=20, unique=True, null=True)
    ref_no = models.CharField(max_length=40, blank=True, db_index=True, help_text="the member's internal ref")
    client_code = models.CharField(max_length=20)
    kind = models.CharField(max_length=12)  # purchase / redemption / switch / sip
    additional = models.BooleanField(default=False)
    scheme_code = models.CharField(max_length=40)
    to_scheme_code = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    all_units = models.BooleanField(default=False)
    folio_number = models.CharField(max_length=40, blank=True)
    xsip = models.ForeignKey(BseXsip, null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, default="VALID")  # VALID / INVALID / CANCELLED
    remarks = models.CharField(max_length=300, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_token = models.CharField(max_length=40, blank=True, db_index=True)
    allotted_at = models.DateTimeField(null=True, blank=True)
    nav_date = models.DateField(null=True, blank=True)
    nav = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    allotted_units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    allotted_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    to_nav = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    to_units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["member_id", "trans_no"], name="sandbox_bseorder_trans_no"),
            models.UniqueConstraint(
                fields=["xsip", "due_date"], condition=Q(xsip__isnull=False), name="sandbox_bseorder_one_per_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind} {self.status}"


class MfuToken(models.Model):
    entity_id = models.CharField(max_length=20)
    token = models.CharField(max_length=80, unique=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-expires_at"]

    def __str__(self) -> str:
        return self.entity_id


class MfuCan(models.Model):
    entity_id = models.CharField(max_length=20)
    can = models.CharField(max_length=20)
    pan = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["can"]
        constraints = [models.UniqueConstraint(fields=["entity_id", "can"], name="sandbox_mfucan_unique")]

    def __str__(self) -> str:
        return self.can


class MfuOrder(models.Model):
    """MFU order book. (entity_id, unique_id) is unique: a request id is refused twice."""

    entity_id = models.CharField(max_length=20)
    unique_id = models.CharField(max_length=40)
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    order_id = models.CharField(max_length=20, unique=True, null=True)
    can = models.CharField(max_length=20)
    kind = models.CharField(max_length=12)
    scheme_code = models.CharField(max_length=40)
    to_scheme_code = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    all_units = models.BooleanField(default=False)
    folio_number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, default="ACCEPTED")
    paid_at = models.DateTimeField(null=True, blank=True)
    allotted_at = models.DateTimeField(null=True, blank=True)
    nav_date = models.DateField(null=True, blank=True)
    nav = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    allotted_units = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    allotted_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["entity_id", "unique_id"], name="sandbox_mfuorder_unique_id")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
