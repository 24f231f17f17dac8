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
    return True
