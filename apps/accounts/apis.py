"""The investor API of apps.accounts (mounted under /api/v1/): registration, the investor's own
profile, KYC, bank accounts, nominees and devices, plus the staff endpoints for invitations and
investors. One view per operation; explicit input and output fields."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.kyc.interface import KycProviderError
from apps.accounts.models import BankAccount, Investor, KycStatus, Nominee, StaffRole
from apps.accounts.permissions import Capability, HasCapability, staff_member_for_user
from apps.core.client_ip import client_ip
from apps.core.exceptions import ApplicationError, NotFoundError
from apps.core.logging import mask_pan, mask_text
from apps.core.openapi import name_nested_serializers
from apps.core.openapi_responses import page_of, page_parameters
from apps.core.pagination import PagePagination
from apps.core.throttling import IpRateThrottle, ScopedRateThrottle


class ChallengeSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField(source="public_id")
    channel = serializers.CharField()
    sent_to = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()

    def get_sent_to(self, challenge) -> str:
        return mask_text(challenge.target)


class InvestorSerializer(serializers.Serializer):
    """The investor's profile as the app shows it. The PAN is masked, always."""

    id = serializers.UUIDField(source="public_id")
    user_id = serializers.UUIDField(source="user.public_id")
    full_name = serializers.CharField()
    pan = serializers.SerializerMethodField()
    date_of_birth = serializers.DateField(allow_null=True)
    email = serializers.CharField(source="user.email", allow_null=True)
    mobile = serializers.CharField(source="user.mobile", allow_null=True)
    tax_status = serializers.CharField()
    occupation = serializers.CharField()
    address_line1 = serializers.CharField()
    address_line2 = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    pincode = serializers.CharField()
    country = serializers.CharField()
    kyc_status = serializers.CharField()
    kyc_reason = serializers.CharField()
    fatca_declared = serializers.SerializerMethodField()
    nomination_opted_out = serializers.BooleanField()
    pan_locked = serializers.SerializerMethodField()

    def get_pan(self, investor) -> str | None:
        return mask_pan(investor.pan) if investor.pan else None

    def get_fatca_declared(self, investor) -> bool:
        return investor.fatca_declared_at is not None

    def get_pan_locked(self, investor) -> bool:
        return investor.kyc_status == KycStatus.VERIFIED


# --- registration ------------------------------------------------------------------------------------


class RegistrationOtpApi(APIView):
    """Sends a sign-up code to an e-mail address or an Indian mobile number. At most 3 codes per
    address in 10 minutes (429 with Retry-After beyond that)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(serializers.Serializer):
        identifier = serializers.CharField(max_length=254, help_text="e-mail address or mobile number")

    @extend_schema(request=InputSerializer, responses={202: ChallengeSerializer}, operation_id="register_otp_send")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = services.registration_otp_send(identifier=data.validated_data["identifier"])
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_202_ACCEPTED)


class RegistrationApi(APIView):
    """Creates the investor account once the code is proven. Then sign in through /o/authorize/."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "registration"

    class InputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField()
        code = serializers.RegexField(r"^[0-9]{6}$")
        full_name = serializers.CharField(max_length=200)
        password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=128)

    @extend_schema(request=InputSerializer, responses={201: InvestorSerializer}, operation_id="register")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investor = services.investor_register(
            challenge_id=data.validated_data["challenge_id"],
            code=data.validated_data["code"],
            full_name=data.validated_data["full_name"],
            password=data.validated_data.get("password") or None,
            request_ip=client_ip(request),
        )
        return Response(InvestorSerializer(investor).data, status=status.HTTP_201_CREATED)


# --- invitations (the invitee's side) ---------------------------------------------------------------------


def _invitation(token: str):
    return selectors.invitation_get_by_token(token=token, max_age=settings.INVITATION_MAX_AGE_SECONDS)


class InvitationDetailApi(APIView):
    """What the distributor pre-filled (contacts and PAN masked: the link could be forwarded)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "invitation"

    class OutputSerializer(serializers.Serializer):
        full_name = serializers.CharField()
        email = serializers.CharField()
        mobile = serializers.CharField()
        pan = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer, operation_id="invitation_retrieve")
    def get(self, request, token: str):
        invitation = _invitation(token)
        return Response(
            self.OutputSerializer(
                {
                    "full_name": invitation.full_name,
                    "email": mask_text(invitation.email),
                    "mobile": mask_text(invitation.mobile),
                    "pan": mask_pan(invitation.pan) if invitation.pan else "",
                    "expires_at": invitation.expires_at,
                }
            ).data
        )


class InvitationOtpApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=["email", "sms"], required=False)

    @extend_schema(request=InputSerializer, responses={202: ChallengeSerializer}, operation_id="invitation_otp_send")
    def post(self, request, token: str):
        invitation = _invitation(token)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = services.invitation_otp_send(invitation=invitation, channel=data.validated_data.get("channel", ""))
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_202_ACCEPTED)


class InvitationAcceptApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "registration"

    class InputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField()
        code = serializers.RegexField(r"^[0-9]{6}$")
        password = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=128)

    @extend_schema(request=InputSerializer, responses={201: InvestorSerializer}, operation_id="invitation_accept")
    def post(self, request, token: str):
        invitation = _invitation(token)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investor = services.invitation_accept(
            invitation=invitation,
            challenge_id=data.validated_data["challenge_id"],
            code=data.validated_data["code"],
            password=data.validated_data.get("password") or None,
        )
        return Response(InvestorSerializer(investor).data, status=status.HTTP_201_CREATED)


# --- the investor's own profile ----------------------------------------------------------------------------


class MeApi(APIView):
    """The signed-in investor's profile. Only the fields of the input schema can be changed; anything
    else sent (KYC status, staff flags, the tenant ...) is refused with 400. The PAN can be set or
    corrected until KYC is verified, then it is locked (409)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        full_name = serializers.CharField(max_length=200, required=False)
        pan = serializers.CharField(max_length=10, required=False)
        date_of_birth = serializers.DateField(required=False, allow_null=True)
        tax_status = serializers.ChoiceField(choices=Investor.TaxStatus.choices, required=False)
        occupation = serializers.ChoiceField(choices=Investor.Occupation.choices, required=False, allow_blank=True)
        address_line1 = serializers.CharField(max_length=120, required=False, allow_blank=True)
        address_line2 = serializers.CharField(max_length=120, required=False, allow_blank=True)
        city = serializers.CharField(max_length=60, required=False, allow_blank=True)
        state = serializers.CharField(max_length=60, required=False, allow_blank=True)
        pincode = serializers.CharField(max_length=6, required=False, allow_blank=True)
        country = serializers.CharField(max_length=60, required=False)

    @extend_schema(responses=InvestorSerializer, operation_id="me_retrieve")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        return Response(InvestorSerializer(investor).data)

    @extend_schema(request=InputSerializer, responses=InvestorSerializer, operation_id="me_update")
    def patch(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        if not isinstance(request.data, dict):
            raise ApplicationError("Send a JSON object.", code="validation_error")
        writable = set(self.InputSerializer().fields)
        refused = sorted(set(request.data) - writable)
        if refused:
            raise ApplicationError(
                "Some fields cannot be changed.",
                code="validation_error",
                extra={"fields": {name: ["This field cannot be changed."] for name in refused}},
            )
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        investor = services.investor_update_profile(
            investor=investor, data=dict(data.validated_data), actor=request.user
        )
        return Response(InvestorSerializer(investor).data)


class ProfileChecklistApi(APIView):
    """What is still missing before the first order."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        complete = serializers.BooleanField()
        missing = serializers.ListField(child=serializers.CharField())
        items = inline_serializer(
            "ChecklistItem",
            fields={
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "done": serializers.BooleanField(),
                "detail": serializers.CharField(),
            },
            many=True,
        )

    @extend_schema(responses=OutputSerializer, operation_id="me_checklist")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        checklist = selectors.investor_profile_checklist(investor=investor)
        return Response(
            self.OutputSerializer(
                {"complete": checklist.complete, "missing": checklist.missing, "items": checklist.items}
            ).data
        )


class OnboardingStepSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=list(selectors.ONBOARDING_STEP_KEYS),
        help_text="also what an order refusal names in extra.step when this step is missing",
    )
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=["done", "todo", "blocked"], help_text="blocked: an earlier step first")
    message = serializers.CharField(help_text="in plain words: what is there, or what to do next")


class OnboardingApi(APIView):
    """The investor's onboarding checklist, in order: details, KYC, bank account, nominees, FATCA. The
    same steps as the web pages under /web/onboarding/."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        complete = serializers.BooleanField()
        next_step = serializers.CharField(allow_null=True, help_text="the first step to do, if any")
        steps = OnboardingStepSerializer(many=True)

    @extend_schema(responses=OutputSerializer, operation_id="me_onboarding_retrieve")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        onboarding = selectors.investor_onboarding(investor=investor)
        next_step = onboarding.next_step
        return Response(
            self.OutputSerializer(
                {
                    "complete": onboarding.complete,
                    "next_step": next_step.key if next_step else None,
                    "steps": onboarding.steps,
                }
            ).data
        )


class FatcaApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        country_of_birth = serializers.CharField(max_length=60)
        place_of_birth = serializers.CharField(max_length=60)
        income_slab = serializers.ChoiceField(choices=Investor.IncomeSlab.choices)
        wealth_source = serializers.ChoiceField(choices=Investor.WealthSource.choices)
        politically_exposed = serializers.BooleanField()
        tax_resident_outside_india = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=InvestorSerializer, operation_id="me_fatca_declare")
    def put(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investor = services.investor_declare_fatca(investor=investor, actor=request.user, **data.validated_data)
        return Response(InvestorSerializer(investor).data)


class ContactChallengesSerializer(ChallengeSerializer):
    """The code to the new contact (top level) and the one to the contact already on the account."""

    current = ChallengeSerializer(help_text="the code to the current contact, which must confirm the change")


class ContactOtpApi(APIView):
    """Adds or changes the e-mail address or mobile number used for codes: a code goes to the new contact
    and another to the current one (the same kind, else the other)..."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(serializers.Serializer):
        identifier = serializers.CharField(max_length=254)

    @extend_schema(
        request=InputSerializer, responses={202: ContactChallengesSerializer}, operation_id="me_contact_otp_send"
    )
    def post(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenges = services.contact_change_otp_send(investor=investor, identifier=data.validated_data["identifier"])
        body = {**ChallengeSerializer(challenges.new).data, "current": ChallengeSerializer(challenges.current).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ContactVerifyApi(APIView):
    """...then both codes make it the investor's. The old contact hears of the change, and every other
    sign-in (web sessions, other devices and their refresh tokens) is signed out; this one stays."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField()
        code = serializers.RegexField(r"^[0-9]{6}$")
        current_challenge_id = serializers.UUIDField()
        current_code = serializers.RegexField(r"^[0-9]{6}$")

    @extend_schema(request=InputSerializer, responses=InvestorSerializer, operation_id="me_contact_verify")
    def post(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investor = services.contact_change_verify(
            investor=investor,
            keep_session_key=request.session.session_key or "",
            keep_access_token=request.auth,
            **data.validated_data,
        )
        return Response(InvestorSerializer(investor).data)


# --- KYC ------------------------------------------------------------------------------------------------


class KycSerializer(serializers.Serializer):
    status = serializers.CharField(source="kyc_status")
    reason = serializers.CharField(source="kyc_reason")
    checked_at = serializers.DateTimeField(source="kyc_checked_at", allow_null=True)
    pan = serializers.SerializerMethodField()

    def get_pan(self, investor) -> str | None:
        return mask_pan(investor.pan) if investor.pan else None


class KycStatusApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=KycSerializer, operation_id="me_kyc_retrieve")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        return Response(KycSerializer(investor).data)


class KycCheckApi(APIView):
    """Asks the KRA now (the periodic re-check also does, for pending and on-hold KYC)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "registration"

    @extend_schema(request=None, responses=KycSerializer, operation_id="me_kyc_check")
    def post(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        if not investor.pan:
            raise ApplicationError("Add your PAN first.", code="pan_missing")
        try:
            investor = services.investor_kyc_check(investor=investor)
        except KycProviderError:
            raise ApplicationError(
                "The KYC registry is not answering. We will try again shortly.",
                code="kyc_unavailable",
                status_code=503,
            ) from None
        return Response(KycSerializer(investor).data)


# --- bank accounts ---------------------------------------------------------------------------------------


class BankAccountSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    account_number = serializers.SerializerMethodField(help_text="masked: last 4 digits")
    ifsc = serializers.CharField()
    bank_name = serializers.CharField()
    account_type = serializers.CharField()
    is_primary = serializers.BooleanField()
    is_verified = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_account_number(self, account) -> str:
        return f"XXXX{account.account_number[-4:]}"


class BankAccountOtpApi(APIView):
    """Adding a bank account changes where redemptions are paid: first a code to the investor's registered
    mobile (else e-mail), bound to these account details..."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(serializers.Serializer):
        account_number = serializers.CharField(max_length=24)
        ifsc = serializers.CharField(max_length=11)
        account_type = serializers.ChoiceField(choices=BankAccount.AccountType.choices, required=False)

    @extend_schema(
        request=InputSerializer, responses={202: ChallengeSerializer}, operation_id="me_bank_accounts_otp_send"
    )
    def post(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        challenge = services.bank_account_add_otp_send(investor=investor, **data.validated_data)
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_202_ACCEPTED)


class BankAccountListApi(APIView):
    """...then the same details with the code add the account (the first one becomes primary). A
    redemption paid to an account added or made primary in the last 24 hours waits for staff review."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        account_number = serializers.CharField(max_length=24)
        ifsc = serializers.CharField(max_length=11)
        account_type = serializers.ChoiceField(choices=BankAccount.AccountType.choices, required=False)
        bank_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
        make_primary = serializers.BooleanField(required=False, default=False)
        challenge_id = serializers.UUIDField()
        code = serializers.RegexField(r"^[0-9]{6}$")

    @extend_schema(responses=BankAccountSerializer(many=True), operation_id="me_bank_accounts_list")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        return Response(BankAccountSerializer(selectors.bank_account_list(investor=investor), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: BankAccountSerializer}, operation_id="me_bank_accounts_add")
    def post(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.bank_account_add(investor=investor, actor=request.user, **data.validated_data)
        return Response(BankAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class BankAccountDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BankAccountSerializer, operation_id="me_bank_accounts_retrieve")
    def get(self, request, bank_account_id):
        investor = selectors.investor_get_for_user(user=request.user)
        account = selectors.access_bank_account_by_id(investor=investor, public_id=bank_account_id)
        return Response(BankAccountSerializer(account).data)

    @extend_schema(responses={204: None}, operation_id="me_bank_accounts_remove")
    def delete(self, request, bank_account_id):
        investor = selectors.investor_get_for_user(user=request.user)
        account = selectors.access_bank_account_by_id(investor=investor, public_id=bank_account_id)
        services.bank_account_remove(investor=investor, bank_account=account, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BankAccountPrimaryOtpApi(APIView):
    """Making another account the primary (payout) one: first a code..."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [IpRateThrottle, ScopedRateThrottle]
    throttle_scope = "otp"

    @extend_schema(
        request=None, responses={202: ChallengeSerializer}, operation_id="me_bank_accounts_make_primary_otp_send"
    )
    def post(self, request, bank_account_id):
        investor = selectors.investor_get_for_user(user=request.user)
        account = selectors.access_bank_account_by_id(investor=investor, public_id=bank_account_id)
        challenge = services.bank_account_primary_otp_send(investor=investor, bank_account=account)
        return Response(ChallengeSerializer(challenge).data, status=status.HTTP_202_ACCEPTED)


class BankAccountPrimaryApi(APIView):
    """...then the code makes it primary."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        challenge_id = serializers.UUIDField()
        code = serializers.RegexField(r"^[0-9]{6}$")

    @extend_schema(
        request=InputSerializer, responses=BankAccountSerializer, operation_id="me_bank_accounts_make_primary"
    )
    def post(self, request, bank_account_id):
        investor = selectors.investor_get_for_user(user=request.user)
        account = selectors.access_bank_account_by_id(investor=investor, public_id=bank_account_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.bank_account_set_primary(
            investor=investor, bank_account=account, actor=request.user, **data.validated_data
        )
        return Response(BankAccountSerializer(account).data)


# --- nominees -----------------------------------------------------------------------------------------------


class NomineeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    relationship = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    guardian_name = serializers.CharField()


class NominationSerializer(serializers.Serializer):
    opted_out = serializers.BooleanField()
    nominees = NomineeSerializer(many=True)


class NomineeListApi(APIView):
    """The nomination as a whole: up to 3 nominees whose shares add up to 100, or an opt-out."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class NomineeInput(serializers.Serializer):
            name = serializers.CharField(max_length=200)
            relationship = serializers.ChoiceField(choices=Nominee.Relationship.choices)
            date_of_birth = serializers.DateField(required=False, allow_null=True)
            share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
            guardian_name = serializers.CharField(max_length=200, required=False, allow_blank=True)

        opted_out = serializers.BooleanField(required=False, default=False)
        nominees = NomineeInput(many=True, required=False)

    def _nomination(self, investor):
        return NominationSerializer(
            {"opted_out": investor.nomination_opted_out, "nominees": selectors.nominee_list(investor=investor)}
        ).data

    @extend_schema(responses=NominationSerializer, operation_id="me_nominees_retrieve")
    def get(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        return Response(self._nomination(investor))

    @extend_schema(request=InputSerializer, responses=NominationSerializer, operation_id="me_nominees_replace")
    def put(self, request):
        investor = selectors.investor_get_for_user(user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        investor = services.nominees_replace(
            investor=investor,
            nominees=[dict(item) for item in data.validated_data.get("nominees", [])],
            opt_out=data.validated_data["opted_out"],
            actor=request.user,
        )
        return Response(self._nomination(investor))


class NomineeDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NomineeSerializer, operation_id="me_nominees_detail")
    def get(self, request, nominee_id):
        investor = selectors.investor_get_for_user(user=request.user)
        return Response(NomineeSerializer(selectors.access_nominee_by_id(investor=investor, public_id=nominee_id)).data)


# --- staff ----------------------------------------------------------------------------------------------------


def _staff(request):
    member = staff_member_for_user(request.user)
    if member is None:  # the permission class ran first; this keeps the type checker honest
        raise NotFoundError("Not found.")
    return member


class StaffInvestorSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()
    pan = serializers.SerializerMethodField()
    email = serializers.CharField(source="user.email", allow_null=True)
    mobile = serializers.CharField(source="user.mobile", allow_null=True)
    kyc_status = serializers.CharField()
    kyc_reason = serializers.CharField()
    relationship_manager = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_pan(self, investor) -> str | None:
        return mask_pan(investor.pan) if investor.pan else None

    def get_relationship_manager(self, investor) -> str | None:
        rm = investor.relationship_manager
        return rm.user.email if rm else None


class StaffInvestorListApi(APIView):
    """Investors of this distributor (a relationship manager sees their own book only)."""

    permission_classes = [HasCapability.of(Capability.INVESTORS_VIEW)]

    @extend_schema(
        responses=page_of(StaffInvestorSerializer, name="StaffInvestorPage"),
        parameters=[OpenApiParameter("kyc_status", str, enum=KycStatus.values), *page_parameters()],
        operation_id="staff_investors_list",
    )
    def get(self, request):
        qs = selectors.investors_visible_to(staff=_staff(request))
        kyc = request.query_params.get("kyc_status")
        if kyc:
            qs = qs.filter(kyc_status=kyc)
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(StaffInvestorSerializer(page, many=True).data)


class StaffInvestorDetailApi(APIView):
    permission_classes = [HasCapability.of(Capability.INVESTORS_VIEW)]

    @extend_schema(responses=StaffInvestorSerializer, operation_id="staff_investors_retrieve")
    def get(self, request, investor_id):
        investor = selectors.access_investor_by_id(staff=_staff(request), public_id=investor_id)
        return Response(StaffInvestorSerializer(investor).data)


class StaffKycCheckApi(APIView):
    permission_classes = [HasCapability.of(Capability.KYC_RECHECK)]

    @extend_schema(request=None, responses=StaffInvestorSerializer, operation_id="staff_investors_kyc_check")
    def post(self, request, investor_id):
        investor = selectors.access_investor_by_id(staff=_staff(request), public_id=investor_id)
        if not investor.pan:
            raise ApplicationError("This investor has not given a PAN.", code="pan_missing")
        try:
            investor = services.investor_kyc_check(investor=investor)
        except KycProviderError:
            raise ApplicationError(
                "The KYC registry is not answering.", code="kyc_unavailable", status_code=503
            ) from None
        return Response(StaffInvestorSerializer(investor).data)


class StaffInvitationCreateApi(APIView):
    """Invites an investor: a signed, single-use link, valid for INVITATION_MAX_AGE_SECONDS."""

    permission_classes = [HasCapability.of(Capability.INVESTORS_INVITE)]

    class InputSerializer(serializers.Serializer):
        full_name = serializers.CharField(max_length=200)
        email = serializers.CharField(max_length=254, required=False, allow_blank=True)
        mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
        pan = serializers.CharField(max_length=10, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="public_id")
        full_name = serializers.CharField()
        expires_at = serializers.DateTimeField()
        link = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, operation_id="staff_invitations_create")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, link = services.invitation_create(staff=_staff(request), **data.validated_data)
        invitation.link = link
        return Response(self.OutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class StaffMemberCreateApi(APIView):
    """Adds a staff member (they set their password through a one-time link)."""

    permission_classes = [HasCapability.of(Capability.STAFF_MANAGE)]

    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=StaffRole.choices)
        euin = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        email = serializers.CharField(source="user.email")
        role = serializers.CharField()
        euin = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, operation_id="staff_members_create")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.staff_create_by(actor_staff=_staff(request), **data.validated_data)
        return Response(self.OutputSerializer(member).data, status=status.HTTP_201_CREATED)


name_nested_serializers(globals())
