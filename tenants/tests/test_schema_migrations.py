"""migrate_schemas at scale (tenants/schema_migrations.py): tenant schemas with every migration are not
started, a schema missing one is migrated, and schemas at the same point share one rendered state."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from tenants import schema_migrations
from tenants.models import Distributor
from tenants.schema_migrations import tenant_schemas_behind


def _tenant_schemas() -> list[str]:
    return list(Distributor.objects.exclude(schema_name="public").values_list("schema_name", flat=True))


def _forget_goals(schema: str) -> None:
    """`schema` as if the goals app's migration had never run there."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{schema}".goals_goallink, "{schema}".goals_goal')
        cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'goals'")


def _has_goals(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL, EXISTS (SELECT 1 FROM "
            f"\"{schema}\".django_migrations WHERE app = 'goals' AND name = '0001_initial')",
            [f'"{schema}".goals_goal'],
        )
        return cursor.fetchone() == (True, True)


def test_one_query_finds_the_schemas_that_miss_a_migration(db, django_assert_max_num_queries):
    # given: beta lost a migration, a schema was made but never migrated, another does not exist
    _forget_goals("beta")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "never_migrated"')

    # when
    with django_assert_max_num_queries(2):
        behind = tenant_schemas_behind(["alpha", "never_migrated", "beta", "no_such_schema"])

    # then: in the order given
    assert behind == ["never_migrated", "beta", "no_such_schema"]
    assert tenant_schemas_behind(["alpha"]) == []


def test_migrate_schemas_starts_only_the_schemas_behind_and_migrates_them(db, capsys):
    _forget_goals("beta")
    schemas = _tenant_schemas()

    call_command("migrate_schemas", tenant=True, executor="standard", interactive=False, verbosity=1)

    out = capsys.readouterr().out
    assert f"{len(schemas) - 1} of {len(schemas)} tenant schemas have every migration; migrating 1" in out
    assert "standard:beta]" in out and "Applying goals.0001_initial" in out
    assert "standard:alpha]" not in out
    assert _has_goals("beta")


def test_schemas_at_the_same_point_share_the_migration_files_read_and_one_rendered_state(db, monkeypatch):
    _forget_goals("alpha")
    _forget_goals("beta")
    built, read = [], []
    build, read_disk = MigrationExecutor._create_project_state, MigrationLoader.load_disk

    def counted_build(self, *args, **kwargs):
        built.append(self.connection.schema_name)
        return build(self, *args, **kwargs)

    def counted_read(self):
        read.append(type(self).__name__)
        return read_disk(self)

    monkeypatch.setattr(MigrationExecutor, "_create_project_state", counted_build)
    monkeypatch.setattr(MigrationLoader, "load_disk", counted_read)

    call_command("migrate_schemas", tenant=True, executor="standard", interactive=False, verbosity=0)

    assert len(built) == 1
    # once to find the schemas behind, once for the first of them
    assert read == ["MigrationLoader", "_DiskOnceLoader"]
    assert _has_goals("alpha") and _has_goals("beta")
    assert tenant_schemas_behind(_tenant_schemas()) == []


def test_a_migrate_with_a_target_or_an_option_runs_in_every_schema(db, capsys):
    call_command("migrate_schemas", "goals", tenant=True, executor="standard", interactive=False, verbosity=1)

    out = capsys.readouterr().out
    assert "have every migration" not in out
    assert all(f"standard:{schema}]" in out for schema in _tenant_schemas())


@pytest.mark.parametrize(
    ("absent", "behind"),
    [
        (set(), False),  # the squashed migration recorded
        ({("app", "0001_squashed_0002")}, False),  # not recorded, but all it replaces is
        ({("app", "0001_squashed_0002"), ("app", "0002")}, True),  # half of it
        ({("app", "0001_squashed_0002"), ("app", "0003")}, True),  # a later one
    ],
)
def test_a_squashed_migration_counts_as_applied_when_all_it_replaces_is(monkeypatch, absent, behind):
    squashed = ("app", "0001_squashed_0002")
    loader = SimpleNamespace(
        graph=SimpleNamespace(nodes={squashed: None, ("app", "0003"): None}),
        replacements={squashed: SimpleNamespace(replaces=[("app", "0001"), ("app", "0002")])},
    )
    monkeypatch.setattr(schema_migrations, "MigrationLoader", lambda *args, **kwargs: loader)
    monkeypatch.setattr(schema_migrations, "_missing_migrations", lambda names, keys, using: {"s": absent & keys})

    assert tenant_schemas_behind(["s"]) == (["s"] if behind else [])
