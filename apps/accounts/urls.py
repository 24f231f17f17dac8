"""URLs of apps.accounts, mounted under /api/v1/ by config/urls_tenants.py."""

from django.urls import path

from apps.accounts import apis

urlpatterns = [
    # sign-up (then sign in through /o/authorize/)
    path("register/otp", apis.RegistrationOtpApi.as_view(), name="register-otp"),
    path("register", apis.RegistrationApi.as_view(), name="register"),
    path("invitations/<str:token>", apis.InvitationDetailApi.as_view(), name="invitation-detail"),
    path("invitations/<str:token>/otp", apis.InvitationOtpApi.as_view(), name="invitation-otp"),
    path("invitations/<str:token>/accept", apis.InvitationAcceptApi.as_view(), name="invitation-accept"),
    # the signed-in investor
    path("me", apis.MeApi.as_view(), name="me"),
    path("me/checklist", apis.ProfileChecklistApi.as_view(), name="me-checklist"),
    path("me/onboarding", apis.OnboardingApi.as_view(), name="me-onboarding"),
    path("me/fatca", apis.FatcaApi.as_view(), name="me-fatca"),
    path("me/contact/otp", apis.ContactOtpApi.as_view(), name="me-contact-otp"),
    path("me/contact/verify", apis.ContactVerifyApi.as_view(), name="me-contact-verify"),
    path("me/kyc", apis.KycStatusApi.as_view(), name="me-kyc"),
    path("me/kyc/check", apis.KycCheckApi.as_view(), name="me-kyc-check"),
    path("me/bank-accounts", apis.BankAccountListApi.as_view(), name="me-bank-accounts"),
    path("me/bank-accounts/otp", apis.BankAccountOtpApi.as_view(), name="me-bank-accounts-otp"),
    path("me/bank-accounts/<uuid:bank_account_id>", apis.BankAccountDetailApi.as_view(), name="me-bank-account"),
    path(
        "me/bank-accounts/<uuid:bank_account_id>/primary",
        apis.BankAccountPrimaryApi.as_view(),
        name="me-bank-account-primary",
    ),
    path(
        "me/bank-accounts/<uuid:bank_account_id>/primary/otp",
        apis.BankAccountPrimaryOtpApi.as_view(),
        name="me-bank-account-primary-otp",
    ),
    path("me/nominees", apis.NomineeListApi.as_view(), name="me-nominees"),
    path("me/nominees/<uuid:nominee_id>", apis.NomineeDetailApi.as_view(), name="me-nominee"),
    # distributor staff
    path("staff/investors", apis.StaffInvestorListApi.as_view(), name="staff-investors"),
    path("staff/investors/<uuid:investor_id>", apis.StaffInvestorDetailApi.as_view(), name="staff-investor"),
    path(
        "staff/investors/<uuid:investor_id>/kyc-check",
        apis.StaffKycCheckApi.as_view(),
        name="staff-investor-kyc-check",
    ),
    path("staff/invitations", apis.StaffInvitationCreateApi.as_view(), name="staff-invitations"),
    path("staff/members", apis.StaffMemberCreateApi.as_view(), name="staff-members"),
]
