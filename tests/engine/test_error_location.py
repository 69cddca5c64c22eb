"""A failing migration names its file, line and statement, and leaves no trace.

On PostgreSQL a transactional migration travels as one message, so these cases
pin down how the failing statement is found: from the server's error position,
or by a rolled-back re-run when the server gives none.
"""

from __future__ import annotations

import pytest

import lockgate
from lockgate.errors import MigrationFailed
from lockgate.model import Event

from fixtures.projects import Project

THREE = """\
-- Migration: three statements
CREATE TABLE first_t (id INTEGER CHECK (id > 0));

INSERT INTO first_t VALUES (1);
INSERT INTO first_t VALUES (-1);
CREATE TABLE never_t (id INTEGER);
"""


def test_runtime_error_names_the_statement_line(project: Project) -> None:
    project.add("0001_three", THREE)
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    err = info.value
    assert err.line == 5
    assert "VALUES (-1)" in err.statement
    assert "0001_three.up.sql:5" in str(err)
    assert err.rolled_back
    assert "first_t" not in project.tables() and "never_t" not in project.tables()
    assert project.ledger() == {}
    assert [h["outcome"] for h in project.history()] == ["failed"]


def test_syntax_error_names_the_line_inside_a_statement(project: Project) -> None:
    project.add("0001_ok", "CREATE TABLE ok_t (id INTEGER);")
    project.add("0002_syntax", "CREATE TABLE a_t (id INTEGER);\nCREATE TABLE b_t (\n  id INTEGER,\n  name TEXT NOT NULL,,\n);\n")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    # PostgreSQL points at the bad token; SQLite reports no position, so the statement's first line.
    assert info.value.line == (4 if project.engine == "postgresql" else 2)
    assert "0002_syntax" in str(info.value)
    assert "ok_t" in project.tables()
    assert "a_t" not in project.tables()
    assert set(project.ledger()) == {"0001_ok"}


def test_error_in_the_last_statement_without_semicolon(project: Project) -> None:
    project.add("0001_tail", "CREATE TABLE tail_t (id INTEGER NOT NULL);\nINSERT INTO tail_t VALUES (NULL)")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    assert info.value.line == 2
    assert "tail_t" not in project.tables()


def test_cli_reports_one_line_and_exit_1(project: Project) -> None:
    project.add("0001_three", THREE)
    result = project.cli("up")
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "0001_three.up.sql:5" in lines[0] and "rolled back" in lines[0]
    assert "Traceback" not in result.stderr


# -- what PostgreSQL adds to its message, and what the log records ---------------------------
def test_postgres_detail_and_hint_are_on_the_error_line(pg_project: Project) -> None:
    pg_project.add("0001_dup", "CREATE TABLE dup_t (v TEXT UNIQUE);\n"
                               "INSERT INTO dup_t VALUES ('postgresql://app:Sup3rSecret@db/shop');\n"
                               "INSERT INTO dup_t VALUES ('postgresql://app:Sup3rSecret@db/shop');\n")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(pg_project.settings())
    error = info.value.error
    # psql's DETAIL, with the URL's password masked like everything else lockgate writes.
    assert error == ('duplicate key value violates unique constraint "dup_t_v_key" (SQLSTATE 23505;'
                     ' DETAIL: Key (v)=(postgresql://app:***@db/shop) already exists.)')
    assert "Sup3rSecret" not in str(info.value)

    pg_project.add("0001_dup", "SELECT no_such_function(1);")
    result = pg_project.cli("up")
    line = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert result.returncode == 1 and len(line) == 1, result
    assert "(SQLSTATE 42883; HINT: No function matches the given name and argument types." in line[0]


def test_migration_failed_event_names_file_line_and_statement(project: Project) -> None:
    project.add("0001_three", THREE)
    events: list[Event] = []
    with pytest.raises(MigrationFailed):
        lockgate.up(project.settings(), on_event=events.append)
    failed = [e for e in events if e.event == "migration_failed"]
    assert len(failed) == 1
    assert failed[0].fields["file"] == "0001_three.up.sql"
    assert failed[0].fields["line"] == 5
    assert failed[0].fields["statement"] == "INSERT INTO first_t VALUES (-1)"
    logged = [r for r in project.log_records() if r["event"] == "migration_failed"]
    assert [(r["file"], r["line"], r["statement"]) for r in logged] == [
        ("0001_three.up.sql", 5, "INSERT INTO first_t VALUES (-1)")]


def test_migration_failed_event_statement_is_redacted_and_shortened(project: Project) -> None:
    long = ("INSERT INTO no_such_table (url, note) VALUES\n  ('postgresql://app:Sup3rSecret@db/shop',"
            " 'a note long enough to push this statement well past the eighty characters shown');")
    project.add("0001_long", long)
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    logged = [r for r in project.log_records() if r["event"] == "migration_failed"]
    assert len(logged) == 1
    statement = logged[0]["statement"]
    assert statement == info.value.snippet  # as the CLI error shows it
    assert statement.startswith("INSERT INTO no_such_table (url, note) VALUES ('postgresql://app:***@db/shop'")
    assert statement.endswith("...") and len(statement) == 80
    assert "Sup3rSecret" not in project.log_file.read_text()
