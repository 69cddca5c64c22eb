"""What one migration does to its session must not leak into the ledger or the next migration."""

from __future__ import annotations

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


def test_role_set_by_a_migration_is_reset(pg_project: Project) -> None:
    pg_project.add("0001_role", "CREATE ROLE lockgate_test_nologin_r NOLOGIN;\nSET ROLE lockgate_test_nologin_r;\n"
                                "RESET ROLE;\nDROP ROLE lockgate_test_nologin_r;")
    pg_project.add("0002_next", "CREATE TABLE owned (id INTEGER);")
    lockgate.up(pg_project.settings())
    assert "owned" in pg_project.tables()


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
    try:
        lockgate.up(s)
    except lockgate.LockgateError:
        pass  # refusing is acceptable; recording in the wrong table is not
    assert pg_project.query("SELECT version FROM tenant.schema_migrations") == [], \
        "the ledger row went to tenant.schema_migrations"
    applied = "0001_tenant" in pg_project.ledger()
    assert applied == bool(_where(pg_project, "tenant_things")), "ledger and schema disagree"
