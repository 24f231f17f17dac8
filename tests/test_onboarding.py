"""Onboarding commands: good input creates a working distributor; bad input exits non-zero with one clear
line and leaves nothing behind (no row, schema, domain, branding or user)."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from apps.accounts.models import StaffMember, StaffRole
from tenants.models import Branding, Distributor, Domain

GOOD = {
    "schema": "gamma",
    "name": "Gamma Investments",
    "domains": ["gamma.localhost"],
    "arn": "ARN-300003",
    "admin_email": "owner@gamma.localhost",
    "primary_color": "#123456",
    "accent_color": "#ABCDEF",
}


def _argv(**overrides):
    spec = {**GOOD, **overrides}
    argv = [
        "--schema",
        spec["schema"],
        "--name",
        spec["name"],
        "--arn",
        spec["arn"],
        "--admin-email",
        spec["admin_email"],
        "--primary-color",
        spec["primary_color"],
        "--accent-color",
        spec["accent_color"],
    ]
    for domain in spec["domains"]:
        argv += ["--domain", domain]
    return argv


def _footprint():
    """Everything onboarding could leave behind."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY 1")
        schemas = [row[0] for row in cursor.fetchall()]
    return (
        list(Distributor.objects.values_list("schema_name", "arn", "status").order_by("id")),
        list(Domain.objects.values_list("domain", "tenant_id").order_by("id")),
        list(Branding.objects.values_list("distributor_id", "display_name").order_by("id")),
        schemas,
    )


def test_create_distributor_makes_a_working_tenant(db, client, capsys):
    call_command("create_distributor", *_argv(), "--json")
    out = json.loads(capsys.readouterr().out)

    distributor = Distributor.objects.get(schema_name="gamma")
    assert out["schema"] == "gamma" and out["domains"] == ["gamma.localhost"]
    assert distributor.branding.primary_color == "#123456"
    assert schema_exists("gamma")
    with tenant_context(distributor):
        owner = StaffMember.objects.select_related("user").get()
    assert owner.role == StaffRole.OWNER and owner.user.email == "owner@gamma.localhost"
    assert not owner.user.has_usable_password()

    # the one-time set-password link works once, on the new distributor's own host
    path = re.sub(r"^https?://[^/]+", "", out["set_password_url"])
    form = client.get(path, HTTP_HOST="gamma.localhost", follow=True)
    assert form.status_code == 200 and b"Set your password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-Long-pass-phrase-9", "new_password2": "a-Long-pass-phrase-9"},
        HTTP_HOST="gamma.localhost",
    )
    assert done.status_code == 302
    with tenant_context(distributor):
        owner.user.refresh_from_db()
        assert owner.user.check_password("a-Long-pass-phrase-9")
    again = client.get(path, HTTP_HOST="gamma.localhost", follow=True)
    assert b"This link has expired" in again.content


def test_set_password_link_of_one_tenant_is_dead_on_another_host(db, client, capsys):
    call_command("create_distributor", *_argv(), "--json")
    path = re.sub(r"^https?://[^/]+", "", json.loads(capsys.readouterr().out)["set_password_url"])
    response = client.get(path, HTTP_HOST="alpha.localhost", follow=True)
    assert b"This link has expired" in response.content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"schema": "public"}, "reserved"),
        ({"schema": "tenant_template"}, "reserved"),
        ({"schema": "pg_catalog2"}, "reserved"),
        ({"schema": "Bad-Name"}, "Invalid schema name"),
        ({"schema": "9lives"}, "Invalid schema name"),
        ({"schema": "alpha"}, "already exists"),
        ({"domains": ["alpha.localhost"]}, "already in use"),
        ({"domains": ["https://gamma.localhost/x"]}, "Invalid domain"),
        ({"domains": ["gamma.localhost", "gamma.localhost"]}, "twice"),
        ({"arn": "12345"}, "Invalid ARN"),
        ({"arn": "ARN-12AB"}, "Invalid ARN"),
        ({"arn": "ARN-100001"}, "already belongs"),
        ({"primary_color": "blue"}, "Invalid primary colour"),
        ({"accent_color": "#12345"}, "Invalid accent colour"),
        ({"accent_color": "#123456"}, "must differ"),
        ({"admin_email": "not-an-email"}, "Invalid admin e-mail"),
        ({"name": "  "}, "display name"),
    ],
)
def test_bad_input_exits_with_one_clear_line_and_creates_nothing(db, overrides, message):
    before = _footprint()
    with pytest.raises(CommandError) as excinfo:
        call_command("create_distributor", *_argv(**overrides))
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
    assert _footprint() == before


def test_failure_after_the_schema_was_cloned_rolls_everything_back(db, settings):
    before = _footprint()
    settings.DISTRIBUTOR_CREATED_HOOKS = ["tests.test_onboarding.failing_hook"]
    hook_calls.clear()
    with pytest.raises(SetUpStepFailed):
        call_command("create_distributor", *_argv())
    # the hook ran once, with the schema already cloned: the failure really came after it
    assert hook_calls == [("gamma", True)]
    connection.set_schema_to_public()
    assert _footprint() == before
    assert not schema_exists("gamma")


class SetUpStepFailed(Exception):
    """Only the hook below raises it: a failure elsewhere in onboarding cannot pass the test above."""


hook_calls: list[tuple[str, bool]] = []


def failing_hook(distributor):
    hook_calls.append((distributor.schema_name, schema_exists(distributor.schema_name)))
    raise SetUpStepFailed("set-up step failed")


def test_add_domain_then_the_new_host_serves_that_tenant(db, alpha_api):
    call_command("add_domain", "alpha", "wealth.alpha.localhost")
    response = alpha_api.get("/api/v1/branding", HTTP_HOST="wealth.alpha.localhost")
    assert response.json()["display_name"] == "Alpha Wealth"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "x.localhost"], "No distributor"),
        (["alpha", "beta.localhost"], "already in use"),
        (["alpha", "bad domain"], "Invalid domain"),
    ],
)
def test_add_domain_refuses_bad_input(db, args, message):
    before = Domain.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("add_domain", *args)
    assert Domain.objects.count() == before


def test_list_suspend_activate(db, capsys):
    call_command("list_distributors", "--json")
    rows = {row["schema"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"alpha", "beta"}  # the platform's public tenant is not a distributor

    call_command("suspend_distributor", "beta", "--reason", "Plan not renewed")
    assert "Suspended beta." in capsys.readouterr().out
    beta = Distributor.objects.get(schema_name="beta")
    assert beta.status == "suspended" and beta.suspension_reason == "Plan not renewed"
    call_command("list_distributors", "--status", "suspended", "--json")
    assert [r["schema"] for r in json.loads(capsys.readouterr().out)] == ["beta"]

    call_command("activate_distributor", "beta")
    beta = Distributor.objects.get(schema_name="beta")
    assert beta.status == "active" and beta.suspension_reason == "" and beta.suspended_at is None

    with pytest.raises(CommandError, match="No distributor"):
        call_command("suspend_distributor", "nosuch")
    with pytest.raises(CommandError, match="platform's own schema"):
        call_command("activate_distributor", "public")


def test_onboarding_takes_a_ready_spare_schema_and_drops_stale_ones(db, settings):
    from tenants.schema_template import spare_schema_names, spare_schemas_replenish

    assert spare_schemas_replenish(target=2) == 2
    stale, fresh = spare_schema_names()
    with connection.cursor() as cursor:  # one spare made before the template's latest migration
        cursor.execute(
            f'DELETE FROM "{stale}".django_migrations WHERE id = (SELECT max(id) FROM "{stale}".django_migrations)'
        )

    call_command("create_distributor", *_argv())

    assert spare_schema_names() == []  # the stale one dropped, the fresh one became gamma
    assert not schema_exists(fresh) and schema_exists("gamma")
    with tenant_context(Distributor.objects.get(schema_name="gamma")):
        assert StaffMember.objects.get().user.email == "owner@gamma.localhost"


def test_without_spares_onboarding_clones_the_template(db):
    from tenants.schema_template import spare_schema_names, spare_schemas_drop_all

    spare_schemas_drop_all()
    assert spare_schema_names() == []
    call_command("create_distributor", *_argv())
    assert schema_exists("gamma")
    with tenant_context(Distributor.objects.get(schema_name="gamma")):
        assert StaffMember.objects.get().role == StaffRole.OWNER
