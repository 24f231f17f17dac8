"""Per-tenant set-up run when a distributor is onboarded (settings.DISTRIBUTOR_CREATED_HOOKS)."""

from apps.oauth.services import mobile_app_ensure


def mobile_app_create_for_distributor(distributor) -> dict:
    """Runs inside the onboarding transaction, in the new tenant's schema: creates the distributor's
    mobile-app OAuth client and reports its id for create_distributor to print."""
    application = mobile_app_ensure(schema_name=distributor.schema_name)
    return {
        "mobile_app_client_id": application.client_id,
        "mobile_app_redirect_uri": application.redirect_uris.split()[0],
    }
