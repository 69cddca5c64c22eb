"""baseline from another tool's table: dbmate's per-version rows, golang-migrate's single
version, dry runs, and a lockgate ledger of another name beside their schema_migrations."""

from __future__ import annotations

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import ForeignLedgerError, ForeignVersionMissing, OutOfOrderError

GOLANG_MIGRATE = "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)"
DBMATE = "CREATE TABLE schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)"

USERS = "20240101120000_create_users"
NAME = "20240202120000_add_name"  # dbmate never applied this one
AGE = "20240303120000_add_age"


def _dbmate_with_a_gap(project: Project, *versions: str) -> None:
    """The new user's database: dbmate applied users and age, never name."""
    project.add(USERS, "CREATE TABLE users (id INTEGER);", "DROP TABLE users;")
    project.add(NAME, "ALTER TABLE users ADD COLUMN name TEXT;", "ALTER TABLE users DROP COLUMN name;")
    project.add(AGE, "ALTER TABLE users ADD COLUMN age INTEGER;", "ALTER TABLE users DROP COLUMN age;")
    project.execute(DBMATE)
    for v in versions or ("20240101120000", "20240303120000"):
        project.execute(f"INSERT INTO schema_migrations VALUES ('{v}')")
    project.execute("CREATE TABLE users (id INTEGER)")
    project.execute("ALTER TABLE users ADD COLUMN age INTEGER")


def _columns(project: Project) -> set[str]:
    if project.engine == "sqlite":
        return {r[1] for r in project.query("PRAGMA table_info(users)")}
    return {r[0] for r in project.query("SELECT column_name FROM information_schema.columns"
                                        " WHERE table_name = 'users' AND table_schema = current_schema()")}


def _three(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;")
    project.add("0003_c", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;")


# -- dbmate: exactly the versions it recorded ---------------------------------------------------

@pytest.mark.parametrize("version", [None, "20240303120000"])  # the default, and the version its hint named
def test_baseline_from_dbmate_adopts_only_the_recorded_versions(project: Project, version: str | None) -> None:
    _dbmate_with_a_gap(project)
    s = project.settings()
    report = lockgate.baseline(s, version)
    assert [st.ident for st in report.steps] == [USERS, AGE]
    assert set(project.ledger()) == {USERS, AGE}
    assert report.left_pending == (NAME,)
    assert any("--allow-out-of-order" in w and NAME in w for w in report.warnings)
    assert "schema_migrations_dbmate" in project.tables()
    assert {m.ident: m.state.value for m in lockgate.status(s)}[NAME] == "pending"
    # The gap is older than the newest adopted version: up refuses it until told.
    with pytest.raises(OutOfOrderError):
        lockgate.up(s)
    assert [st.ident for st in lockgate.up(s, allow_out_of_order=True).steps] == [NAME]
    assert "name" in _columns(project)


@pytest.mark.parametrize("ddl,rows,missing", [
    # dbmate's newest version has its file; one in the middle has none.
    (DBMATE, ["'20240101120000'", "'20240202120000'", "'20240303120000'"], "20240202120000"),
    (GOLANG_MIGRATE, ["20240404120000, FALSE"], "20240404120000"),
])
def test_baseline_refuses_a_recorded_version_without_a_file(project: Project, ddl: str, rows: list[str],
                                                            missing: str) -> None:
    project.add(USERS, "CREATE TABLE users (id INTEGER);")
    project.add(AGE, "ALTER TABLE users ADD COLUMN age INTEGER;")
    project.execute(ddl)
    for r in rows:
        project.execute(f"INSERT INTO schema_migrations VALUES ({r})")
    before = (project.tables(), sorted(project.query("SELECT * FROM schema_migrations")))
    with pytest.raises(ForeignVersionMissing) as info:
        lockgate.baseline(project.settings())
    assert info.value.exit_code == 2
    assert missing in info.value.message and "\n" not in str(info.value)
    assert (project.tables(), sorted(project.query("SELECT * FROM schema_migrations"))) == before


def test_baseline_leaves_a_table_it_cannot_read_alone(project: Project) -> None:
    """Ecto's schema_migrations (version, inserted_at): not renamed to a name made of its columns."""
    _three(project)
    project.execute("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, inserted_at TEXT)")
    before = project.tables()
    with pytest.raises(ForeignLedgerError) as info:
        lockgate.baseline(project.settings(), "0001")
    assert info.value.exit_code == 2 and "ledger_table" in info.value.hint
    assert project.tables() == before


def test_baseline_from_golang_migrate_still_takes_everything_up_to_its_version(project: Project) -> None:
    _three(project)
    project.execute(GOLANG_MIGRATE)
    project.execute("INSERT INTO schema_migrations VALUES (2, FALSE)")
    report = lockgate.baseline(project.settings())
    assert [st.ident for st in report.steps] == ["0001_a", "0002_b"]
    assert report.left_pending == ()


# -- dry run ---------------------------------------------------------------------------------------

def test_baseline_dry_run_from_dbmate_changes_nothing(project: Project) -> None:
    _dbmate_with_a_gap(project)
    before = (project.tables(), sorted(project.query("SELECT * FROM schema_migrations")))
    report = lockgate.baseline(project.settings(), dry_run=True)
    assert report.dry_run and report.steps == ()
    assert report.planned == (USERS, AGE)
    assert (report.source, report.source_table, report.kept_as) == (
        "dbmate", "schema_migrations", "schema_migrations_dbmate")
    assert report.left_pending == (NAME,)
    assert (project.tables(), sorted(project.query("SELECT * FROM schema_migrations"))) == before


def test_baseline_dry_run_with_a_version(project: Project) -> None:
    _three(project)
    report = lockgate.baseline(project.settings(), "0002", dry_run=True)
    assert report.planned == ("0001_a", "0002_b")
    assert (report.source, report.kept_as) == ("version", None)
    assert "schema_migrations" not in project.tables()  # not even an empty ledger


# -- a lockgate ledger of another name beside golang-migrate's or dbmate's table -------------------

@pytest.mark.parametrize("tool,ddl,row", [
    ("golang-migrate", GOLANG_MIGRATE, "INSERT INTO schema_migrations VALUES (2, FALSE)"),
    ("dbmate", DBMATE, "INSERT INTO schema_migrations VALUES ('0001'), ('0002')"),
])
@pytest.mark.parametrize("dry_run", [False, True])
def test_up_beside_an_unadopted_foreign_table_refuses(project: Project, tool: str, ddl: str, row: str,
                                                       dry_run: bool) -> None:
    _three(project)
    project.execute(ddl)
    project.execute(row)
    project.execute("CREATE TABLE a (id INTEGER)")
    project.execute("CREATE TABLE b (id INTEGER)")
    s = project.settings(ledger_table="lockgate_migrations")
    before = (project.tables(), sorted(project.query("SELECT * FROM schema_migrations")))
    with pytest.raises(ForeignLedgerError) as info:
        lockgate.up(s, dry_run=dry_run)
    assert info.value.exit_code == 2
    assert tool in info.value.message and "lockgate_migrations" in info.value.message
    assert "lockgate baseline" in info.value.hint
    assert (project.tables(), sorted(project.query("SELECT * FROM schema_migrations"))) == before
    # The documented set-up: baseline once; the other tool keeps its table.
    lockgate.baseline(s, "0002")
    assert [st.ident for st in lockgate.up(s).steps] == ["0003_c"]
    assert sorted(project.query("SELECT * FROM schema_migrations")) == before[1]


def test_baseline_0_starts_an_empty_ledger_beside_an_unrelated_foreign_table(project: Project) -> None:
    """When the other tool's table is about other migrations, none of ours is applied yet."""
    _three(project)
    project.execute(GOLANG_MIGRATE)
    project.execute("INSERT INTO schema_migrations VALUES (7, FALSE)")
    s = project.settings(ledger_table="lockgate_migrations")
    report = lockgate.baseline(s, "0")
    assert report.steps == ()
    assert [h["direction"] for h in project.history("lockgate_migrations_history")] == ["baseline"]
    assert [st.ident for st in lockgate.up(s).steps] == ["0001_a", "0002_b", "0003_c"]
    assert project.query("SELECT version FROM schema_migrations") == [(7,)]


def test_up_beside_a_foreign_table_goes_on_once_lockgate_has_applied_here(project: Project) -> None:
    _three(project)
    s = project.settings(ledger_table="lockgate_migrations")
    lockgate.up(s)
    lockgate.down(s, to="0")  # an empty ledger, but lockgate has run here
    project.execute(GOLANG_MIGRATE)
    assert [st.ident for st in lockgate.up(s).steps] == ["0001_a", "0002_b", "0003_c"]
