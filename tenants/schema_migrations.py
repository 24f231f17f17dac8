"""`migrate_schemas` at hundreds of distributors (setup_platform runs it after each release).

django-tenants runs Django's migrate once per schema. At a few hundred schemas that costs far more than
the migrations themselves: every run loads the migration graph, builds and renders the project state
before and after, and sends pre/post_migrate, even in a schema with nothing to apply. So:

- before any schema is migrated, one query reads every tenant schema's migration history (after one that
  lists the schemas having one) and compares it with the migration graph on disk; schemas that already
  have every migration are skipped;
- during that run, each process (the executor's pool workers) reads the migration files once and keeps
  the project states it rendered, keyed by the migrations applied: schemas at the same point (after a
  release, all of them) share one rendering instead of rendering twice each. The graph is still built
  per schema, from Migration objects of its own: contenttypes changes the operations of those in a plan
  (after a RenameModel), so they must not be shared between schemas;
- whether a schema has its django_migrations table is looked up by name: Django's migration recorders
  (six per schema) ask by listing every table of the schema, a scan of the catalogue that takes 0.1 s
  at 200 schemas;
- post_migrate (content types and permissions: ~90 queries) goes to the apps with a migration in the
  plan: only those can have new models or permissions (every model or permission change is a migration
  of its app), and a new schema's first migrate has every app in its plan.

Only a plain migrate (no app label or target, --fake, --fake-initial, --plan, --check, --prune,
--run-syncdb) takes these paths; anything else, and the public schema, runs as Django and django-tenants
do. Settings: GET_EXECUTOR_FUNCTION and TENANT_BASE_MIGRATE_COMMAND (config/settings/operations.py)."""

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.core.management.base import no_translations
from django.core.management.commands import migrate
from django.core.management.sql import emit_pre_migrate_signal
from django.db import connections
from django.db.migrations.executor import MigrationExecutor as DjangoMigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState, StateApps
from django.db.models.signals import post_migrate
from django.utils.module_loading import module_has_submodule
from django_tenants.migration_executors import get_executor
from django_tenants.migration_executors.multiproc import MultiprocessingExecutor
from django_tenants.migration_executors.standard import StandardExecutor
from django_tenants.utils import get_public_schema_name, get_tenant_database_alias

# options that make a migrate anything but "apply whatever is missing"
NOT_PLAIN = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")


def migrate_is_plain(options: dict) -> bool:
    return not any(options.get(name) for name in NOT_PLAIN)


# --- Which schemas are behind: one query for all of them -------------------------------------------


def tenant_schemas_behind(schema_names: Iterable[str], *, using: str | None = None) -> list[str]:
    """The schemas among `schema_names` that lack a migration of the graph on disk (or have no migration
    history at all), in the order given. A squashed migration counts as applied when every migration it
    replaces is, as Django counts it."""
    names = list(dict.fromkeys(schema_names))
    if not names:
        return []
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wanted = set(loader.graph.nodes)
    replaced = {key: set(loader.replacements[key].replaces) for key in wanted if key in loader.replacements}
    missing = _missing_migrations(names, wanted | set().union(*replaced.values()), using=using)

    def behind(name: str) -> bool:
        if name not in missing:
            return True  # no django_migrations table: never migrated
        absent = missing[name]
        return any(key in absent and not (key in replaced and not replaced[key] & absent) for key in wanted)

    return [name for name in names if behind(name)]


def _missing_migrations(names: list[str], keys: set[tuple[str, str]], *, using: str | None) -> dict[str, set]:
    """For each schema with a migration history: the `keys` it does not have. Two statements whatever the
    number of schemas: which schemas have a django_migrations table, then (every schema x every key)
    EXCEPT what their tables hold."""
    connection = connections[using or get_tenant_database_alias()]
    quote = connection.ops.quote_name
    apps_, migration_names = zip(*sorted(keys), strict=True) if keys else ((), ())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)",
            [names],
        )
        recorded = sorted(row[0] for row in cursor.fetchall())
        missing: dict[str, set] = {name: set() for name in recorded}
        if not recorded or not keys:
            return missing
        # schema names come from pg_namespace and are quoted; every value is a parameter
        one = "SELECT %s, app, name FROM {}.django_migrations"
        applied = " UNION ALL ".join(one.format(quote(name)) for name in recorded)
        wanted = "SELECT * FROM unnest(%s::text[]) AS s CROSS JOIN unnest(%s::text[], %s::text[]) AS w"
        cursor.execute(f"{wanted} EXCEPT ({applied})", [recorded, list(apps_), list(migration_names), *recorded])
        for name, app, migration_name in cursor.fetchall():
            missing[name].add((app, migration_name))
    return missing


# --- Executors: the tenant schemas that are up to date are not started ---------------------------


class _SkipsUpToDateSchemas:
    options: dict
    PUBLIC_SCHEMA_NAME: str
    TENANT_DB_ALIAS: str

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        public = [name for name in tenants if name == self.PUBLIC_SCHEMA_NAME]
        schemas = [name for name in tenants if name != self.PUBLIC_SCHEMA_NAME]
        if schemas and migrate_is_plain(self.options):
            behind = tenant_schemas_behind(schemas, using=self.options.get("database") or self.TENANT_DB_ALIAS)
            if int(self.options.get("verbosity", 1)) >= 1:
                sys.stdout.write(
                    f"{len(schemas) - len(behind)} of {len(schemas)} tenant schemas have every migration; "
                    f"migrating {len(behind)}\n"
                )
            schemas = behind
        if public or schemas:
            # in this process and in the pool's workers, forked from it
            with _migrations_table_looked_up_by_name(), _run_caches():
                super().run_migrations(tenants=public + schemas)


class StandardSchemaExecutor(_SkipsUpToDateSchemas, StandardExecutor):
    pass


class MultiprocessingSchemaExecutor(_SkipsUpToDateSchemas, MultiprocessingExecutor):
    pass


EXECUTORS = {"standard": StandardSchemaExecutor, "multiprocessing": MultiprocessingSchemaExecutor}


def schema_executor_get(codename: str | None = None):
    """GET_EXECUTOR_FUNCTION: django-tenants' executors, the standard and multiprocessing ones skipping
    the tenant schemas that are up to date."""
    executor = get_executor(codename=codename)
    return EXECUTORS.get(executor.codename, executor)


# --- The migrate run in each schema: what it read and rendered, shared within a process -----------

# While an executor runs (and in the pool workers forked from it): the migration classes read from disk,
# and the rendered project states by the migrations applied. None outside a run: a migrate then reads
# and renders everything itself, as Django's does (tests write migration files between two runs).
_RUN: dict | None = None
_RENDERED_KEPT = 8  # distinct points in the migration history kept per process


@contextmanager
def _run_caches() -> Iterator[None]:
    global _RUN  # noqa: PLW0603 (one run's caches, per process)
    _RUN = {"disk": None, "before": {}, "after": {}}
    try:
        yield
    finally:
        _RUN = None


class _DiskOnceLoader(MigrationLoader):
    """Reads the migration files once per run and process; every schema still gets Migration objects of
    its own (contenttypes changes the operations of those in a plan)."""

    def load_disk(self):
        disk = _RUN and _RUN["disk"]
        if disk is None:
            super().load_disk()
            if _RUN is not None:
                classes = {key: type(migration) for key, migration in self.disk_migrations.items()}
                _RUN["disk"] = (set(self.migrated_apps), set(self.unmigrated_apps), classes)
            return
        migrated, unmigrated, classes = disk
        self.migrated_apps, self.unmigrated_apps = set(migrated), set(unmigrated)
        self.disk_migrations = {(label, name): cls(name, label) for (label, name), cls in classes.items()}


class _Executor(DjangoMigrationExecutor):
    def __init__(self, connection, progress_callback=None):  # Django's, with the loader above
        self.connection = connection
        self.loader = _DiskOnceLoader(self.connection)
        self.recorder = MigrationRecorder(self.connection)
        self.progress_callback = progress_callback


def _cached(name: str, key: frozenset, build):
    if _RUN is None:
        return build()
    cache = _RUN[name]
    if key not in cache:
        if len(cache) >= _RENDERED_KEPT:
            cache.clear()
        cache[key] = build()
    return cache[key]


class MigrateCommand(migrate.Command):
    """Django's migrate; for a plain migrate of a tenant schema during an executor's run, the migration
    files read and the project states rendered for an earlier schema of this process are reused."""

    @no_translations
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        schema = getattr(connection, "schema_name", None)
        if not migrate_is_plain(options) or schema in (None, get_public_schema_name()):
            return super().handle(*args, **options)
        return self._migrate_tenant_schema(connection, options)

    def _migrate_tenant_schema(self, connection, options):
        with _migrations_table_looked_up_by_name():
            return self._migrate_tenant_schema_steps(connection, options)

    def _migrate_tenant_schema_steps(self, connection, options):
        # the steps of migrate.Command.handle for a plain migrate, with the two renderings cached
        self.verbosity = options["verbosity"]
        self.interactive = options["interactive"]
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "management"):
                import_module(".management", app_config.name)
        connection.prepare_database()
        executor = _Executor(connection, self.migration_progress_callback)
        executor.loader.check_consistent_history(connection)
        if executor.loader.detect_conflicts():
            return super().handle(**options)  # says which, as Django does
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        applied = frozenset(executor.loader.applied_migrations)
        before = _cached("before", applied, lambda: _state_before(executor))
        emit_pre_migrate_signal(
            self.verbosity, self.interactive, connection.alias, stdout=self.stdout, apps=before.apps, plan=plan
        )
        if self.verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING("Running migrations:"))
            if not plan:
                self.stdout.write("  No migrations to apply.")
        after_state = executor.migrate(targets, plan=plan, state=before.clone(), fake=False, fake_initial=False)
        applied_after = applied | {(migration.app_label, migration.name) for migration, _ in plan}
        after = _cached("after", applied_after, lambda: _rendered_with_real_models(after_state))
        # the rendering may be another schema's: its content-type cache holds that schema's ids
        after.get_model("contenttypes", "ContentType").objects.clear_cache()
        planned = {migration.app_label for migration, _ in plan}
        for app_config in apps.get_app_configs():
            if app_config.models_module is None or app_config.label not in planned:
                continue
            if self.verbosity >= 2:
                self.stdout.write(f"Running post-migrate handlers for application {app_config.label}")
            post_migrate.send(
                sender=app_config, app_config=app_config, verbosity=self.verbosity, interactive=self.interactive,
                using=connection.alias, stdout=self.stdout, apps=after, plan=plan,
            )  # fmt: skip


@contextmanager
def _migrations_table_looked_up_by_name() -> Iterator[None]:
    """MigrationRecorder.has_table answered by looking django_migrations up by name in the schema."""
    listing = MigrationRecorder.has_table

    def has_table(recorder) -> bool:
        if not recorder._has_table:  # noqa: SLF001 (Django's own memo of the answer)
            name = f"{recorder.connection.ops.quote_name(recorder.connection.schema_name)}.django_migrations"
            with recorder.connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
                recorder._has_table = cursor.fetchone()[0]  # noqa: SLF001
        return recorder._has_table  # noqa: SLF001

    MigrationRecorder.has_table = has_table
    try:
        yield
    finally:
        MigrationRecorder.has_table = listing


def _state_before(executor: DjangoMigrationExecutor) -> ProjectState:
    return executor._create_project_state(with_applied_migrations=True)  # noqa: SLF001 (as migrate does)


def _rendered_with_real_models(state: ProjectState) -> StateApps:
    """What migrate hands to post_migrate: the state after, with the real models re-rendered."""
    state.clear_delayed_apps_cache()
    rendered = state.apps
    with rendered.bulk_update():
        model_keys = []
        for model_state in rendered.real_models:
            model_keys.append((model_state.app_label, model_state.name_lower))
            rendered.unregister_model(*model_keys[-1])
    rendered.render_multiple([ModelState.from_model(apps.get_model(*key)) for key in model_keys])
    return rendered
