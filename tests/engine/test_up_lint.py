"""`lockgate up` lints pending migrations against the live PostgreSQL database."""

from __future__ import annotations

import pytest

import lockgate
from lockgate.model import Event
from lockgate.errors import LintFailed

from fixtures.projects import Project

INDEX = "CREATE INDEX idx_users_email ON users (email);"


def _lint_on(project: Project) -> Project:
    return Project(project.dir, project.url, lint=True)


def test_a_whole_history_installs_on_an_empty_database(pg_project: Project) -> None:
    p = _lint_on(pg_project)
    # Each of these would be an error against a populated table; here each table is
    # created by an earlier migration of the same run, so it is new.
    p.add("0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", "DROP TABLE users;")
    p.add("0002_email_index", INDEX, "DROP INDEX idx_users_email;")
    p.add("0003_name", "ALTER TABLE users ADD COLUMN name text NOT NULL;", "ALTER TABLE users DROP COLUMN name;")
    report = lockgate.up(p.settings())
    assert [s.ident for s in report.steps] == ["0001_users", "0002_email_index", "0003_name"]


def test_a_small_analysed_table_drops_lock_findings_to_warnings(pg_project: Project) -> None:
    p = _lint_on(pg_project)
    p.add("0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", "DROP TABLE users;")
    lockgate.up(p.settings())
    p.execute("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 50) g; ANALYZE users")
    p.add("0002_email_index", INDEX, "DROP INDEX idx_users_email;")
    events: list[Event] = []
    report = lockgate.up(p.settings(), on_event=events.append)
    assert [s.ident for s in report.steps] == ["0002_email_index"]
    rules = {(e.fields.get("rule"), e.fields.get("severity")) for e in events if e.event == "lint_finding"}
    assert ("index-not-concurrent", "warning") in rules


@pytest.mark.parametrize("analyse", [True, False], ids=["large", "large-never-analysed"])
def test_a_large_table_blocks_the_run(pg_project: Project, analyse: bool) -> None:
    p = _lint_on(pg_project)
    p.add("0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text) WITH (autovacuum_enabled = false);",
          "DROP TABLE users;")
    lockgate.up(p.settings())
    p.execute("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 20000) g;"
              + (" ANALYZE users" if analyse else ""))
    p.add("0002_email_index", INDEX, "DROP INDEX idx_users_email;")
    with pytest.raises(LintFailed) as info:
        lockgate.up(p.settings())
    assert "index-not-concurrent" in str(info.value) and info.value.exit_code == 1
    assert set(p.ledger()) == {"0001_users"}
    assert "idx_users_email" not in p.indexes()


def test_skip_lint_is_recorded_in_history(pg_project: Project) -> None:
    p = _lint_on(pg_project)
    p.add("0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", "DROP TABLE users;")
    lockgate.up(p.settings())
    p.add("0002_drop", "DROP TABLE users;", "SELECT 1;")
    with pytest.raises(LintFailed):
        lockgate.up(p.settings())
    lockgate.up(p.settings(), skip_lint=True)
    last = lockgate.history(p.settings())[-1]
    assert (last.version, last.outcome) == ("0002_drop", "applied")
    assert last.note is not None and "skip-lint" in last.note
