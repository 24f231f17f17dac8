"""Platform staff set a scheme's asset class for tax in the platform admin (public host)."""

from django.test import Client
from django_tenants.utils import schema_context

from apps.funds.models import Scheme
from apps.users.models import User
from tests.clients import platform_admin_signed_in


def test_platform_staff_override_a_schemes_tax_class(db, make_scheme):
    scheme = make_scheme(name="Admin Override Test Fund - Direct - Growth")
    client = Client(HTTP_HOST="localhost")
    with schema_context("public"):
        platform_admin_signed_in(client, User.objects.get(email="admin@platform.localhost"))

    form = client.get(f"/admin/funds/scheme/{scheme.pk}/change/")
    assert form.status_code == 200 and b'name="tax_asset_class_override"' in form.content

    Scheme.objects.filter(pk=scheme.pk).update(tax_asset_class_override="other")
    scheme.refresh_from_db()
    assert scheme.tax_asset_class == "other" and scheme.asset_class == "equity"
    changelist = client.get("/admin/funds/scheme/?tax_asset_class_override__exact=other")
    assert changelist.status_code == 200 and b"Admin Override Test Fund" in changelist.content
