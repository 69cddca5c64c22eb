"""`lockgate baseline` through the real CLI: what it says it adopted and left pending, the
error without a VERSION, --dry-run (text and --json), and `up` beside another tool's table."""

from __future__ import annotations

import json

import pytest
from fixtures.projects import Project, one_line_error

DBMATE = "CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)"
GOLANG_MIGRATE = "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)"


def _dbmate_with_a_gap(project: Project) -> None:
    """The new user's report: dbmate applied 0101 and 0303; 0202's column does not exist."""
    project.migrations = project.dir / "db" / "migrations"
    project.add("20240101120000_create_users", "CREATE TABLE users (id INTEGER);")
    project.add("20240202120000_add_name", "ALTER TABLE users ADD COLUMN name TEXT;")
    project.add("20240303120000_add_age", "ALTER TABLE users ADD COLUMN age INTEGER;")
    project.execute(DBMATE)
    project.execute("INSERT INTO schema_migrations VALUES ('20240101120000')")
    project.execute("INSERT INTO schema_migrations VALUES ('20240303120000')")
    project.execute("CREATE TABLE users (id INTEGER)")
    project.execute("ALTER TABLE users ADD COLUMN age INTEGER")


def test_baseline_from_dbmate_says_what_stays_pending(project: Project) -> None:
    _dbmate_with_a_gap(project)
    out = project.cli("--migrations-dir", "db/migrations", "baseline", check=0)
    assert out.stdout.splitlines()[0] == "Baselined 2 migration(s) up to 20240303120000_add_age."
    assert "dbmate" in out.stdout and "schema_migrations_dbmate" in out.stdout
    assert "20240202120000_add_name" in out.stderr and "lockgate up --allow-out-of-order" in out.stderr
    status = json.loads(project.cli("--migrations-dir", "db/migrations", "status", "--json", check=0).stdout)
    assert [(m["version"], m["state"]) for m in status] == [("20240101120000_create_users", "applied"),
                                                          ("20240202120000_add_name", "pending"),
                                                          ("20240303120000_add_age", "applied")]
    assert "--allow-out-of-order" in one_line_error(project.cli("--migrations-dir", "db/migrations", "up"), 1)
    project.cli("--migrations-dir", "db/migrations", "up", "--allow-out-of-order", check=0)
    assert project.query("SELECT count(name) FROM users") == [(0,)]  # the column exists now


def test_baseline_without_a_version_suggests_no_file(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.add("0003_add_age", "CREATE TABLE c (id INTEGER);")
    line = one_line_error(project.cli("baseline"), 2)
    assert "lockgate baseline VERSION" in line and "--dry-run" in line
    for ident in ("0003", "0002", "0001"):  # none is known to be applied: none is offered
        assert ident not in line, line
    assert "schema_migrations" not in project.tables()


def test_baseline_dry_run_from_dbmate(project: Project) -> None:
    _dbmate_with_a_gap(project)
    before = (project.tables(), sorted(project.query("SELECT * FROM schema_migrations")))
    out = project.cli("--migrations-dir", "db/migrations", "baseline", "--dry-run", check=0)
    assert out.stdout.splitlines() == [
        "Would baseline 2 migration(s) (dry run, nothing changed):",
        "  20240101120000_create_users",
        "  20240303120000_add_age",
        "Source: dbmate's table schema_migrations (the versions it applied).",
        "Would rename schema_migrations to schema_migrations_dbmate."]
    assert "20240202120000_add_name" in out.stderr
    data = json.loads(project.cli("--migrations-dir", "db/migrations", "baseline", "--dry-run", "--json",
                                  check=0).stdout)
    assert data["dry_run"] is True and data["steps"] == []
    assert data["planned"] == ["20240101120000_create_users", "20240303120000_add_age"]
    assert (data["source"], data["source_table"], data["kept_as"]) == ("dbmate", "schema_migrations",
                                                                       "schema_migrations_dbmate")
    assert data["left_pending"] == ["20240202120000_add_name"]
    assert (project.tables(), sorted(project.query("SELECT * FROM schema_migrations"))) == before
    assert all(r["event"] != "baseline" for r in project.log_records())


def test_baseline_dry_run_with_a_version(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    out = project.cli("baseline", "0001", "--dry-run", check=0)
    assert out.stdout.splitlines() == ["Would baseline 1 migration(s) (dry run, nothing changed):", "  0001_a",
                                       "Source: VERSION 0001 (it and every migration before it)."]
    assert "schema_migrations" not in project.tables()


@pytest.mark.parametrize("tool,ddl,row", [
    ("golang-migrate", GOLANG_MIGRATE, "INSERT INTO schema_migrations VALUES (1, FALSE)"),
    ("dbmate", DBMATE, "INSERT INTO schema_migrations VALUES ('0001')"),
])
def test_up_with_a_custom_ledger_beside_a_foreign_table(project: Project, tool: str, ddl: str, row: str) -> None:
    project.add("0001_create_users", "CREATE TABLE users (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.execute(ddl)
    project.execute(row)
    project.execute("CREATE TABLE users (id INTEGER)")
    flags = ("--ledger-table", "lockgate_migrations")
    for args in (("up", "--dry-run"), ("up",)):
        line = one_line_error(project.cli(*flags, *args), 2)
        assert tool in line and "lockgate_migrations" in line and "lockgate baseline" in line
    assert "lockgate_migrations" not in project.tables()
    project.cli(*flags, "baseline", "0001", check=0)
    project.cli(*flags, "up", check=0)
    assert set(project.ledger("lockgate_migrations")) == {"0001_create_users", "0002_b"}
    assert len(project.query("SELECT * FROM schema_migrations")) == 1  # left to the other tool
