"""What a new user's walkthrough found in goto's summary, baseline's Flyway wording, a
mistyped ledger_table under status/verify, and mistyped header directives."""

from __future__ import annotations

import pytest
from fixtures.projects import Project, one_line_error


def _three(p: Project) -> None:
    for n, name in enumerate(("a", "b", "c"), 1):
        p.add(f"000{n}_{name}", f"CREATE TABLE {name} (id INTEGER);", f"DROP TABLE {name};")


def test_goto_says_which_way_it_went_and_when_it_is_already_there(project: Project) -> None:
    _three(project)
    project.cli("goto", "1", check=0)
    up = project.cli("goto", "3", check=0)
    assert "Applied 2 migration(s)" in up.stderr + up.stdout
    assert "Rolled back" not in up.stderr + up.stdout
    down = project.cli("goto", "1", check=0)
    assert "Rolled back 2 migration(s)" in down.stderr + down.stdout
    project.cli("goto", "3", check=0)
    there = project.cli("goto", "3", check=0)
    assert "already at 3" in there.stderr + there.stdout
    assert "no applied migrations" not in there.stderr + there.stdout


@pytest.mark.parametrize("written, closest", [("-- lockgate:lock-timout 3s", "lockgate:lock-timeout"),
                                              ("-- lockgate:no-transactions", "lockgate:no-transaction")])
def test_a_mistyped_directive_is_refused_before_any_change(project: Project, written: str, closest: str) -> None:
    project.add("0001_a", f"-- add a\n{written}\nCREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    commands = [("up",), ("up", "--dry-run"), ("plan",)] + ([("check",)] if project.engine == "postgresql" else [])
    for args in commands:
        line = one_line_error(project.cli(*args), 2)
        assert "0001_a.up.sql:2" in line and f"did you mean `-- {closest}`" in line, (args, line)
    assert project.ledger() == {} and "a" not in project.tables()
    lint = project.cli("lint", "--pending")
    assert lint.returncode == 1 and "unknown-directive" in lint.stdout and "No problems" not in lint.stdout


def test_a_directive_in_capitals_or_with_a_space_is_read(pg_project: Project) -> None:
    pg_project.add("0001_a", "-- LOCKGATE: lock-timeout 3s\n"
                   "CREATE TABLE a AS SELECT current_setting('lock_timeout') AS lt;", "DROP TABLE a;")
    pg_project.add("0002_b", "-- lockgate: no-transaction\nCREATE TABLE b (id INTEGER);\n"
                   "CREATE INDEX CONCURRENTLY b_id ON b (id);", "DROP TABLE b;")
    pg_project.cli("up", check=0)
    assert pg_project.query("SELECT lt FROM a") == [("3s",)]
    assert "b_id" in pg_project.indexes()


def test_flyway_baseline_says_its_table_stays_and_failed_rows_failed(project: Project) -> None:
    from engine.test_engine_flyway import _flyway_database

    _flyway_database(project)
    preview = project.cli("baseline", "2", "--dry-run", check=0).stdout
    assert "Would rename" not in preview and "flyway_schema_history would stay as it is" in preview
    assert "the versions it applied successfully, up to 2" in preview
    done = project.cli("baseline", check=0)
    said = done.stdout + done.stderr
    assert "None" not in said and "kept as flyway_schema_history" not in said
    assert "flyway_schema_history (the versions it applied successfully)" in said
    assert "flyway_schema_history is left as it is" in said and "flyway_schema_history" in project.tables()


def test_a_failed_flyway_row_is_called_failed(project: Project) -> None:
    from engine.test_engine_flyway import _flyway_database

    _flyway_database(project, (1, "1", "SQL", "V1__init.sql", True), (2, "2", "SQL", "V2__add_name.sql", False))
    line = one_line_error(project.cli("baseline"), 2)
    assert "failed" in line and "dirty" not in line


def test_a_mistyped_ledger_table_is_warned_by_status_and_a_problem_for_verify(project: Project) -> None:
    project.add("0001_users", "CREATE TABLE users (id INTEGER);", "DROP TABLE users;")
    project.add("0002_seed", "INSERT INTO users VALUES (1);", "DELETE FROM users;")
    project.cli("up", "--to", "0001", check=0)
    status = project.cli("--ledger-table", "schema_migration", "status", check=0)
    assert "warn:" in status.stderr and "schema_migrations is a lockgate ledger" in status.stderr
    assert "lockgate up would refuse" in status.stderr
    verify = project.cli("--ledger-table", "schema_migration", "verify", check=1)
    assert "non_empty_database" in verify.stdout and "OK" not in verify.stdout
    assert "schema_migration" not in project.tables()  # neither created the mistyped ledger
    project.cli("status", check=0)
    assert "warn:" not in project.cli("status", check=0).stderr
    assert "OK" in project.cli("verify", check=0).stdout
