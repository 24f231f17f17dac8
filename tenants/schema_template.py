"""The template schema that new tenants are cloned from (TENANT_BASE_SCHEMA). Cloning copies tables and
the migration history in one statement, which is much faster than running every tenant migration.

The template must carry every tenant migration, or a clone would be marked migrated while missing
tables; `template_schema_ensure` migrates it whenever it is behind."""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists


def _label(app_name: str) -> str:
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name == app_name:
            return config.label
    raise LookupError(app_name)


def template_schema_missing_migrations() -> set[tuple[str, str]]:
    schema = settings.TENANT_BASE_SCHEMA
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = {_label(name) for name in settings.TENANT_APPS}
    wanted = {key for key in loader.graph.nodes if key[0] in labels}
    if not schema_exists(schema):
        return wanted
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = 'django_migrations')",
            [schema],
        )
        if not cursor.fetchone()[0]:
            return wanted
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608 (our constant)
        applied = set(cursor.fetchall())
    return wanted - applied


def template_schema_ensure(*, verbosity: int = 0) -> bool:
    """Creates or migrates the template schema if it is behind. Returns True when it did work."""
    schema = settings.TENANT_BASE_SCHEMA
    if not template_schema_missing_migrations():
        return False
    if not schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    spare_schemas_drop_all()  # made from the older template
    return True


# --- Spare schemas ---------------------------------------------------------------------------------
# Cloning the template takes most of a distributor's creation time. A few clones are made ahead of time
# in the background ("spares"); onboarding renames one (ALTER SCHEMA ... RENAME, a catalogue update) and
# falls back to cloning when none is ready. A spare is used only if it carries exactly the template's
# migrations; after the template migrates, older spares are dropped.
SPARE_PREFIX = "tenant_spare_"
_SPARE_LOCK = "tenants.spare_schemas"


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608 (names we made)
        return set(cursor.fetchall())


def spare_schema_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY nspname", [SPARE_PREFIX]
        )
        return [row[0] for row in cursor.fetchall()]


def spare_schemas_drop_all() -> int:
    names = spare_schema_names()
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    return len(names)


def spare_schema_claim(*, schema_name: str) -> bool:
    """Runs inside the onboarding transaction: renames a ready spare to `schema_name`. False if there is
    none (the caller clones instead). Stale spares met on the way are dropped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_SPARE_LOCK])
        wanted = _applied_migrations(settings.TENANT_BASE_SCHEMA)
        for name in spare_schema_names():
            if _applied_migrations(name) == wanted:
                cursor.execute(f'ALTER SCHEMA "{name}" RENAME TO "{schema_name}"')
                return True
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
    return False


def spare_schemas_replenish(*, target: int | None = None) -> int:
    """Clones the template until `target` spares exist (settings.TENANT_SPARE_SCHEMAS). Returns how many
    it made. Each clone commits on its own."""
    import secrets

    from django.db import transaction

    from tenants.schema_clone import schema_clone

    target = settings.TENANT_SPARE_SCHEMAS if target is None else target
    template_schema_ensure()
    made = 0
    while len(spare_schema_names()) < target:
        with transaction.atomic():
            schema_clone(template=settings.TENANT_BASE_SCHEMA, schema_name=SPARE_PREFIX + secrets.token_hex(6))
            connection.set_schema_to_public()
        made += 1
    return made
