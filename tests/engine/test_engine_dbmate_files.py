"""dbmate's one-file migrations run as they are, beside golang-migrate's pairs, under the
identifiers dbmate's own table leads baseline to."""

from __future__ import annotations

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import MigrationFailed

USERS = "20240101120000_create_users"
NAME = "20240202120000_add_name"


def _dbmate_files(project: Project) -> None:
    (project.migrations / f"{USERS}.sql").write_text(
        "-- migrate:up\nCREATE TABLE users (id INTEGER);\n\n-- migrate:down\nDROP TABLE users;\n")
    (project.migrations / f"{NAME}.sql").write_text(
        "-- migrate:up\nALTER TABLE users ADD COLUMN name TEXT;\n\n-- migrate:down\n"
        "ALTER TABLE users DROP COLUMN name;\n")


def test_one_file_migrations_go_up_and_down(project: Project) -> None:
    _dbmate_files(project)
    project.add("20240303120000_add_age", "ALTER TABLE users ADD COLUMN age INTEGER;",
                "ALTER TABLE users DROP COLUMN age;")
    s = project.settings()
    lockgate.up(s)
    assert set(project.ledger()) == {USERS, NAME, "20240303120000_add_age"}
    lockgate.down(s, steps=2)  # the pair, then the one-file migration's down section
    assert set(project.ledger()) == {USERS}
    assert "users" in project.tables()
    lockgate.down(s)
    assert "users" not in project.tables() and project.ledger() == {}


def test_a_failing_down_section_reports_its_line_in_the_file(project: Project) -> None:
    (project.migrations / f"{USERS}.sql").write_text(
        "-- migrate:up\nCREATE TABLE users (id INTEGER);\n\n-- migrate:down\nDROP TABLE no_such_table;\n")
    s = project.settings()
    lockgate.up(s)
    with pytest.raises(MigrationFailed) as info:
        lockgate.down(s)
    assert info.value.line == 5 and info.value.path.name == f"{USERS}.sql"


def test_dbmate_no_transaction_option_is_read_per_section(pg_project: Project) -> None:
    pg_project.add("20240101000000_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    (pg_project.migrations / "20240102000000_idx.sql").write_text(
        "-- migrate:up transaction:false\nCREATE TABLE u (b INTEGER);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n\n"
        "-- migrate:down transaction:false\nDROP TABLE u;\nDROP INDEX CONCURRENTLY t_a;\n")
    s = pg_project.settings()
    lockgate.up(s)
    assert "t_a" in pg_project.indexes()
    lockgate.down(s)
    assert "t_a" not in pg_project.indexes()


def test_baseline_of_a_dbmate_database_and_a_later_up_agree(project: Project) -> None:
    """dbmate applied the first file; baseline adopts it; up applies only the second."""
    _dbmate_files(project)
    project.execute("CREATE TABLE schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)")
    project.execute("INSERT INTO schema_migrations VALUES ('20240101120000')")
    project.execute("CREATE TABLE users (id INTEGER)")
    s = project.settings()
    report = lockgate.baseline(s)
    assert [st.ident for st in report.steps] == [USERS]
    lockgate.up(s)
    assert set(project.ledger()) == {USERS, NAME}
    checksums = {st.ident: st.state.value for st in lockgate.status(s)}
    assert checksums == {USERS: "applied", NAME: "applied"}
    assert lockgate.verify(s) == []


def test_lint_reads_a_folder_of_one_file_migrations(project: Project) -> None:
    project.lint = True
    _dbmate_files(project)
    report = lockgate.lint_project(project.settings(), cache=False)
    assert [f.rule for f in report.active if f.rule == "missing-down"] == []
    assert {f.file.name for f in report.active} <= {f"{USERS}.sql", f"{NAME}.sql"}


def test_new_follows_a_folder_of_one_file_migrations(sqlite_project: Project) -> None:
    _dbmate_files(sqlite_project)
    up, _ = lockgate.new(sqlite_project.settings(), "add_age")
    assert up.name.endswith("_add_age.up.sql") and int(up.name.split("_")[0]) > 20240202120000
