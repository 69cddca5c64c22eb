"""The first run: the ledger is created only where the database has nothing to lose, in
its schema (never a schema made up), and both of its tables at once.

Item "an empty ledger in a database that is not empty" and "a kill during the very first
up" of issue 11, on real PostgreSQL and SQLite.
"""

from __future__ import annotations

import pytest

import lockgate
from lockgate.errors import LedgerSchemaMissing, NonEmptyDatabaseError
from lockgate.model import Event

from fixtures.projects import Project, one_line_error
from fixtures.waiting import wait_for

SEED = "CREATE TABLE plans (name TEXT); INSERT INTO plans VALUES ('free');"


def _seeded(project: Project) -> Project:
    project.add("0001_plans", SEED, "DROP TABLE plans;")
    project.add("0002_users", "CREATE TABLE users (id INTEGER);", "DROP TABLE users;")
    return project


def _nothing_changed(p: Project, before: set[str]) -> None:
    assert p.tables() == before
    assert "schema_migrations_history" not in p.tables()


# -- a database that already holds tables ------------------------------------------
def test_a_database_with_tables_but_no_ledger_is_refused(project: Project) -> None:
    p = _seeded(project)
    p.execute("CREATE TABLE customers (id INTEGER); CREATE TABLE plans (name TEXT);")
    before = p.tables()
    with pytest.raises(NonEmptyDatabaseError) as info:
        lockgate.up(p.settings())
    err = info.value
    assert err.exit_code == 2 and err.tables == ("customers", "plans") and err.count == 2
    assert "baseline" in err.hint and "--allow-non-empty" in err.hint
    _nothing_changed(p, before)
    line = one_line_error(p.cli("up"), 2)
    assert line.startswith("error: Ledger schema_migrations does not exist yet, but the database already holds"
                           " 2 tables (customers, plans); nothing was changed."), line
    assert one_line_error(p.cli("up", "--dry-run"), 2) == line  # a dry run says what up would do
    _nothing_changed(p, before)


def test_a_typo_in_ledger_table_does_not_run_the_seed_twice(project: Project) -> None:
    p = _seeded(project)
    lockgate.up(p.settings())
    with pytest.raises(NonEmptyDatabaseError) as info:
        lockgate.up(p.settings(ledger_table="schema_migration"))
    assert info.value.ledgers == ("schema_migrations",)
    assert 'set ledger_table = "schema_migrations"' in info.value.hint
    assert ("schema_migrations_history, schema_migrations_schema, users; schema_migrations is a lockgate ledger)"
            in info.value.message)
    assert p.query("SELECT count(*) FROM plans") == [(1,)]
    assert "schema_migration" not in p.tables()


def test_an_empty_ledger_beside_tables_is_refused_too(project: Project) -> None:
    p = project
    lockgate.up(p.settings())  # no migrations yet: the ledger is created, and stays empty
    assert p.ledger() == {}
    p.execute("CREATE TABLE legacy (id INTEGER);")
    _seeded(p)
    with pytest.raises(NonEmptyDatabaseError) as info:
        lockgate.up(p.settings())
    assert info.value.message.startswith("Ledger schema_migrations is empty, but the database already holds 1 table"
                                         " (legacy)")
    assert "plans" not in p.tables()


def test_allow_non_empty_says_the_tables_are_expected(project: Project) -> None:
    p = _seeded(project)
    p.execute("CREATE TABLE customers (id INTEGER);")
    p.cli("up", "--allow-non-empty", "--to", "0001", check=0)
    assert set(p.ledger()) == {"0001_plans"}
    other = Project(p.dir / "other", p.url)
    other.add("0001_reports", "CREATE TABLE reports (id INTEGER);")
    (other.dir / "lockgate.toml").write_text('ledger_table = "other_migrations"\nallow_non_empty = true\n')
    other.cli("up", check=0)  # the config key, in a database that is not empty
    assert set(other.ledger("other_migrations")) == {"0001_reports"}
    report = lockgate.up(p.settings(), allow_non_empty=False)  # the ledger has rows now: nothing to refuse
    assert [s.ident for s in report.steps] == ["0002_users"]


def test_baseline_adopts_a_database_that_is_not_empty(project: Project) -> None:
    p = _seeded(project)
    p.execute(SEED)
    p.cli("baseline", "0001", check=0)
    p.cli("up", check=0)
    assert set(p.ledger()) == {"0001_plans", "0002_users"}
    assert p.query("SELECT count(*) FROM plans") == [(1,)]


def test_a_ledger_emptied_by_down_is_lockgates_own(project: Project) -> None:
    p = project
    p.add("0001_users", "CREATE TABLE users (id INTEGER);", "DROP TABLE users;")
    p.execute("CREATE TABLE kept (id INTEGER);")
    lockgate.up(p.settings(), allow_non_empty=True)
    lockgate.down(p.settings(), to="0")
    assert p.ledger() == {} and "kept" in p.tables()
    assert [s.ident for s in lockgate.up(p.settings()).steps] == ["0001_users"]


def test_tables_in_another_schema_count(pg_project: Project) -> None:
    p = _seeded(pg_project)
    p.execute("CREATE SCHEMA app; CREATE TABLE app.orders (id INTEGER);")
    with pytest.raises(NonEmptyDatabaseError) as info:
        lockgate.up(p.settings())
    assert info.value.tables == ("app.orders",)


def test_many_tables_are_counted_and_a_few_named(project: Project) -> None:
    p = _seeded(project)
    p.execute("".join(f"CREATE TABLE t{n:02} (id INTEGER);" for n in range(12)))
    with pytest.raises(NonEmptyDatabaseError) as info:
        lockgate.up(p.settings())
    assert info.value.count == 12 and len(info.value.tables) == 5
    assert "(t00, t01, t02, t03, t04 and 7 more)" in info.value.message


# -- the ledger's name ------------------------------------------------------------
def test_a_ledger_in_a_schema_that_does_not_exist_is_refused(project: Project) -> None:
    p = _seeded(project)
    with pytest.raises(LedgerSchemaMissing) as info:
        lockgate.up(p.settings(ledger_table="opps.schema_migrations"))
    assert info.value.exit_code == 2 and info.value.schema == "opps"
    assert p.tables() == set()
    if p.engine == "postgresql":
        assert p.query("SELECT count(*) FROM pg_namespace WHERE nspname = 'opps'") == [(0,)]
    with pytest.raises(LedgerSchemaMissing):
        lockgate.baseline(p.settings(ledger_table="opps.schema_migrations"), "0")


def test_the_longest_name_postgresql_keeps_whole(pg_project: Project) -> None:
    name = "l" * 55  # its history table is exactly 63 bytes
    pg_project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    lockgate.up(pg_project.settings(ledger_table=name))
    assert {name, name + "_history"} <= pg_project.tables()
    one_line_error(pg_project.cli("--ledger-table", name + "l", "status"), 2)


# -- half-created ledgers -----------------------------------------------------------
def _half_created(p: Project) -> None:
    """What a first run killed between the two CREATE TABLEs of earlier versions left."""
    ts = "TIMESTAMPTZ NOT NULL DEFAULT NOW()" if p.engine == "postgresql" else "TEXT NOT NULL DEFAULT 'now'"
    p.execute(f"CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at {ts},"
              " checksum TEXT NOT NULL, dirty BOOLEAN NOT NULL DEFAULT FALSE);")


def test_verify_reports_and_up_repairs_a_ledger_without_history(project: Project) -> None:
    p = _seeded(project)
    _half_created(p)
    problems = lockgate.verify(p.settings())
    assert [(v.ident, v.kind) for v in problems] == [("schema_migrations", "half_created_ledger")]
    assert "lockgate up creates it" in problems[0].message
    assert p.cli("verify").returncode == 1
    events: list[Event] = []
    report = lockgate.up(p.settings(), on_event=events.append)
    assert [s.ident for s in report.steps] == ["0001_plans", "0002_users"]
    assert "ledger_repaired" in [e.event for e in events]
    assert [h["outcome"] for h in p.history()] == ["applied", "applied"]
    assert lockgate.verify(p.settings()) == []


def test_verify_reports_a_history_without_its_ledger(project: Project) -> None:
    p = _seeded(project)
    lockgate.up(p.settings())
    p.execute("DROP TABLE schema_migrations;")
    problems = lockgate.verify(p.settings())
    assert ("schema_migrations", "half_created_ledger") in [(v.ident, v.kind) for v in problems]
    with pytest.raises(NonEmptyDatabaseError):  # the tables are there, the ledger is gone: not run again
        lockgate.up(p.settings())


def test_a_first_run_killed_while_creating_the_ledger_leaves_neither_table(pg_project: Project) -> None:
    """Kill a real `lockgate up` while it is between the ledger and the history table.

    Another session holds an uncommitted CREATE TABLE of the history's name, so the
    runner's own CREATE waits on it (the catalog's unique name index) right after the
    ledger's: the instant where two autocommit statements left a ledger without history.
    """
    import psycopg

    p = pg_project
    p.add("0001_a", "CREATE TABLE a (id INTEGER);")
    blocker = psycopg.connect(p.url, autocommit=True)
    try:
        blocker.execute("BEGIN")
        blocker.execute("CREATE TABLE schema_migrations_history (x INTEGER)")
        proc = p.spawn("up")
        try:
            wait_for(lambda: p.query(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lockgate'"
                " AND wait_event_type = 'Lock' AND position('_history' in query) > 0"),
                what="the runner waiting to create its history table")
        finally:
            proc.kill()
            proc.communicate()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    wait_for(lambda: not p.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                                 " AND application_name = 'lockgate'"), what="the killed runner's session to end")
    assert not {"schema_migrations", "schema_migrations_history"} & p.tables()
    p.cli("up", check=0)
    assert set(p.ledger()) == {"0001_a"}


def test_the_repair_is_in_the_log(project: Project) -> None:
    p = _seeded(project)
    _half_created(p)
    p.cli("up", check=0)
    [record] = [r for r in p.log_records() if r["event"] == "ledger_repaired"]
    assert record["level"] == "warn" and "half-created ledger" in record["message"]


def test_tables_an_extension_owns_do_not_count(pg_project: Project) -> None:
    p = _seeded(pg_project)
    # What PostGIS's spatial_ref_sys is: a table that belongs to an extension (here made one by hand).
    p.execute("CREATE TABLE spatial_ref_sys (srid int); ALTER EXTENSION plpgsql ADD TABLE spatial_ref_sys;")
    try:
        assert [s.ident for s in lockgate.up(p.settings()).steps] == ["0001_plans", "0002_users"]
    finally:
        p.execute("ALTER EXTENSION plpgsql DROP TABLE spatial_ref_sys;")
