from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Distributors"

    def ready(self) -> None:
        from tenants.lookup import tenant_lookup_invalidate_on_change
        from tenants.models import Branding, Distributor, Domain

        for model in (Distributor, Domain, Branding):
            for signal in (post_save, post_delete):
                signal.connect(
                    tenant_lookup_invalidate_on_change,
                    sender=model,
                    dispatch_uid=f"tenant-lookup-{model.__name__}-{signal}",
                )
