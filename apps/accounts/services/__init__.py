"""Writes of apps.accounts, one module per subject: registration (sign-up, sign-in codes, invitations),
profile, banking (bank accounts and nominees), kyc and staff.

Each service validates everything before it writes, writes in one transaction, leaves an audit row
(PANs and contact details masked by audit_record) and starts follow-up work only after commit."""

from apps.accounts.services.assignment import investors_assign_relationship_manager
from apps.accounts.services.banking import (
    bank_account_add,
    bank_account_add_otp_send,
    bank_account_primary_otp_send,
    bank_account_remove,
    bank_account_set_primary,
    nominees_replace,
)
from apps.accounts.services.common import ProfileError
from apps.accounts.services.kyc import investor_kyc_check, kyc_recheck_due_ids
from apps.accounts.services.profile import (
    contact_change_otp_send,
    contact_change_verify,
    investor_declare_fatca,
    investor_update_profile,
)
from apps.accounts.services.registration import (
    investor_register,
    invitation_accept,
    invitation_create,
    invitation_otp_send,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    invitation_url,
    login_otp_send,
    login_otp_verify,
    registration_otp_send,
)
from apps.accounts.services.reviews import investor_review_open, investor_review_resolve
from apps.accounts.services.staff import staff_create, staff_create_by, staff_update_by

__all__ = [
    "ProfileError",
    "bank_account_add",
    "bank_account_add_otp_send",
    "bank_account_primary_otp_send",
    "investor_review_open",
    "investor_review_resolve",
    "bank_account_remove",
    "bank_account_set_primary",
    "contact_change_otp_send",
    "contact_change_verify",
    "invitation_accept",
    "invitation_create",
    "invitation_otp_send",
    "invitation_resend",
    "invitation_revoke",
    "invitation_token",
    "invitation_url",
    "investor_declare_fatca",
    "investor_kyc_check",
    "investor_register",
    "investor_update_profile",
    "investors_assign_relationship_manager",
    "kyc_recheck_due_ids",
    "login_otp_send",
    "login_otp_verify",
    "nominees_replace",
    "registration_otp_send",
    "staff_create",
    "staff_create_by",
    "staff_update_by",
]
