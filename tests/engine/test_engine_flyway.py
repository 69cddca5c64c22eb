"""Flyway's flyway_schema_history is recognised: status and up stop and name Flyway; baseline
adopts its successful versioned migrations and leaves its table as it is."""

from __future__ import annotations

import pytest
from fixtures.projects import Project, one_line_error

import lockgate
from lockgate.errors import ForeignLedgerError

HISTORY = ("CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50),"
           " description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL,"
           " checksum INT, installed_by VARCHAR(100) NOT NULL,"
           " installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL,"
           " success BOOLEAN NOT NULL)")


def _flyway_database(p: Project, *rows: tuple[int, str | None, str, str, bool]) -> None:
    """What Flyway left: its history table and the schema its migrations built (a seed row too)."""
    p.add("0001_init", "CREATE TABLE users (id INTEGER);\nINSERT INTO users VALUES (1);", "DROP TABLE users;")
    p.add("0002_add_name", "ALTER TABLE users ADD COLUMN name TEXT;", "ALTER TABLE users DROP COLUMN name;")
    p.add("0003_add_age", "ALTER TABLE users ADD COLUMN age INTEGER;", "ALTER TABLE users DROP COLUMN age;")
    p.execute(HISTORY)
    for rank, version, kind, script, ok in rows or ((1, "1", "SQL", "V1__init.sql", True),
                                                     (2, "2", "SQL", "V2__add_name.sql", True)):
        v = f"'{version}'" if version is not None else "NULL"
        p.execute(f"INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                  f" checksum, installed_by, execution_time, success) VALUES ({rank}, {v}, 'x', '{kind}',"
                  f" '{script}', 1, 'flyway', 5, {'TRUE' if ok else 'FALSE'})")
    p.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    p.execute("INSERT INTO users VALUES (1, NULL)")


def test_up_and_status_stop_and_name_flyway(project: Project) -> None:
    _flyway_database(project)
    s = project.settings()
    for command in (lockgate.up, lockgate.status):
        with pytest.raises(ForeignLedgerError) as info:
            command(s)
        assert "flyway_schema_history was written by Flyway at version 2" in info.value.message
        assert "lockgate baseline" in (info.value.hint or "")
    assert project.query("SELECT count(*) FROM users") == [(1,)]  # the seed did not run again
    assert "schema_migrations" not in project.tables()


def test_the_cli_says_so_in_one_line(project: Project) -> None:
    _flyway_database(project)
    line = one_line_error(project.cli("status"), 2)
    assert "Flyway" in line and "flyway_schema_history" in line


def test_baseline_adopts_flywa_ys_successful_versioned_migrations_and_keeps_its_table(project: Project) -> None:
    _flyway_database(project)
    s = project.settings()
    preview = lockgate.baseline(s, dry_run=True)
    assert preview.planned == ("0001_init", "0002_add_name") and preview.source == "Flyway"
    assert preview.kept_as == "flyway_schema_history"
    report = lockgate.baseline(s)
    assert [st.ident for st in report.steps] == ["0001_init", "0002_add_name"]
    assert "flyway_schema_history" in project.tables()
    lockgate.up(s)
    assert set(project.ledger()) == {"0001_init", "0002_add_name", "0003_add_age"}
    assert project.query("SELECT count(*) FROM users") == [(1,)]
    assert [st.state.value for st in lockgate.status(s)] == ["applied"] * 3


def test_failed_and_undone_rows_are_not_adopted(project: Project) -> None:
    _flyway_database(project, (1, "1", "SQL", "V1__init.sql", True), (2, "2", "SQL", "V2__add_name.sql", True),
                     (3, "2", "UNDO_SQL", "U2__add_name.sql", True), (4, None, "SQL", "R__views.sql", True))
    assert lockgate.baseline(project.settings(), dry_run=True).planned == ("0001_init",)


def test_a_failed_last_flyway_run_needs_a_version(project: Project) -> None:
    _flyway_database(project, (1, "1", "SQL", "V1__init.sql", True), (2, "2", "SQL", "V2__add_name.sql", False))
    with pytest.raises(ForeignLedgerError, match="failed"):
        lockgate.baseline(project.settings())
    assert [st.ident for st in lockgate.baseline(project.settings(), "0001").steps] == ["0001_init"]
