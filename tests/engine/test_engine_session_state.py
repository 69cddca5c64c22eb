"""What one migration does to its session must not leak into the ledger or the next migration."""

from __future__ import annotations

import pytest
from fixtures.postgres import PgServer
from fixtures.projects import Project

import lockgate


def _where(project: Project, table: str) -> list[tuple[str]]:
    return project.query("SELECT schemaname FROM pg_tables WHERE tablename = %s ORDER BY 1", (table,))


def test_search_path_set_by_a_transactional_migration(pg_project: Project) -> None:
    pg_project.add("0001_schema", "CREATE SCHEMA other;\nSET search_path TO other;\nCREATE TABLE inside (id INTEGER);")
    pg_project.add("0002_next", "CREATE TABLE after_it (id INTEGER);")
    s = pg_project.settings()
    lockgate.up(s)
    assert _where(pg_project, "inside") == [("other",)]
    assert _where(pg_project, "after_it") == [("public",)]
    # The ledger rows went to the one ledger table, not to other.schema_migrations.
    assert _where(pg_project, "schema_migrations") == [("public",)]
    assert set(pg_project.ledger()) == {"0001_schema", "0002_next"}
    assert [m.state.value for m in lockgate.status(s)] == ["applied", "applied"]


def test_search_path_set_by_a_no_transaction_migration(pg_project: Project) -> None:
    pg_project.add("0001_schema", "CREATE SCHEMA other;\nSET search_path TO other;\nCREATE TABLE inside (id INTEGER);",
                   no_transaction=True)
    pg_project.add("0002_next", "CREATE TABLE after_it (id INTEGER);")
    lockgate.up(pg_project.settings())
    assert _where(pg_project, "after_it") == [("public",)]
    assert _where(pg_project, "schema_migrations") == [("public",)]
    assert pg_project.ledger() == {k: (v[0], False) for k, v in pg_project.ledger().items()}
    assert set(pg_project.ledger()) == {"0001_schema", "0002_next"}


def test_timeouts_set_by_one_migration_do_not_reach_the_next(pg_project: Project) -> None:
    pg_project.add("0001_tight", "SET statement_timeout = '50ms';\nCREATE TABLE a (id INTEGER);", no_transaction=True)
    pg_project.add("0002_slowish", "SELECT pg_sleep(0.3);\nCREATE TABLE b (id INTEGER);")
    lockgate.up(pg_project.settings())
    assert {"a", "b"} <= pg_project.tables()


@pytest.mark.parametrize("no_transaction", [False, True], ids=["transactional", "no-transaction"])
def test_role_set_by_a_migration_is_reset(pg_project: Project, pg_server: PgServer, no_transaction: bool) -> None:
    # The migration leaves its SET ROLE in place, as a careless file does: a role with no
    # privileges, so a ledger write or the next migration run as it fails loudly.
    role = pg_server.create_role("unused_pw")
    try:
        pg_project.execute(f'GRANT "{role}" TO CURRENT_USER')
        pg_project.add("0001_role", f'SET ROLE "{role}";\nSELECT 1;', no_transaction=no_transaction)
        pg_project.add("0002_next", "CREATE TABLE owned (id INTEGER);")
        lockgate.up(pg_project.settings())
        assert set(pg_project.ledger()) == {"0001_role", "0002_next"}
        assert not any(dirty for _, dirty in pg_project.ledger().values())
        [(me,)] = pg_project.query("SELECT current_user")
        assert pg_project.query("SELECT tableowner FROM pg_tables WHERE tablename = 'owned'") == [(me,)]
    finally:
        pg_project.execute(f'DROP OWNED BY "{role}"')
        pg_server.drop_role(role)


def test_search_path_never_sends_ledger_rows_to_another_schemas_ledger(pg_project: Project) -> None:
    # Another app in the same database keeps its own lockgate ledger in schema tenant. A
    # migration that switches search_path must not have its row written there, where
    # this project's lockgate never looks (the next run would apply it again).
    pg_project.add("0000_first", "CREATE TABLE first (id INTEGER);")
    s = pg_project.settings()
    lockgate.up(s)
    pg_project.execute("CREATE SCHEMA tenant;"
                       " CREATE TABLE tenant.schema_migrations (LIKE public.schema_migrations INCLUDING ALL);"
                       " CREATE TABLE tenant.schema_migrations_history"
                       " (LIKE public.schema_migrations_history INCLUDING ALL);")
    pg_project.add("0001_tenant", "SET search_path TO tenant;\nCREATE TABLE tenant_things (id INTEGER);")
    lockgate.up(s)
    assert pg_project.query("SELECT version FROM tenant.schema_migrations") == [], \
        "the ledger row went to tenant.schema_migrations"
    assert pg_project.query("SELECT count(*) FROM tenant.schema_migrations_history") == [(0,)]
    assert _where(pg_project, "tenant_things") == [("tenant",)]  # the file's own search_path held for it
    assert set(pg_project.ledger()) == {"0000_first", "0001_tenant"}  # public.schema_migrations
    assert [h["version"] for h in pg_project.history()] == ["0000_first", "0001_tenant"]
    assert [m.state.value for m in lockgate.status(s)] == ["applied", "applied"]
