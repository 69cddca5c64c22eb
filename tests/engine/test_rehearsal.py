"""`lockgate up --rehearse`: applied in one transaction on the real database, locks read from pg_locks,
rows counted, statements timed, then everything rolled back."""

from __future__ import annotations

import json
from typing import Any

import lockgate
from fixtures.projects import Project

ACCOUNTS = ("CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL DEFAULT 0);\n"
            "INSERT INTO accounts SELECT g FROM generate_series(1, 500) g;\n"
            "CREATE TABLE payments (id bigint);\n"
            "CREATE FUNCTION add_audit_column() RETURNS void LANGUAGE plpgsql AS $$\n"
            "BEGIN ALTER TABLE payments ADD COLUMN audited boolean; END $$;\n")


def _snapshot(p: Project) -> Any:
    """Everything a rehearsal could leave behind: relations, columns, indexes, functions, ledger, history."""
    if p.engine == "sqlite":
        schema = p.query("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        data = p.query("SELECT id, balance FROM accounts ORDER BY id")
    else:
        schema = p.query(
            "SELECT c.relname, c.relkind::text, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid"
            " AND a.attnum > 0 AND NOT a.attisdropped WHERE n.nspname = 'public' ORDER BY 1, 3")
        schema += p.query("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1")
        data = p.query("SELECT id, balance FROM accounts ORDER BY id")
    return schema, data, p.ledger(), p.history()


def _project(p: Project) -> Project:
    p.add("0001_accounts", ACCOUNTS if p.engine == "postgresql" else
          "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0);\n"
          "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 500)\n"
          "INSERT INTO accounts (id) SELECT n FROM g;\n", "DROP TABLE accounts;")
    lockgate.up(p.settings())
    p.add("0002_note", "ALTER TABLE accounts ADD COLUMN note text;\n"
                       "UPDATE accounts SET balance = 1 WHERE id <= 100;\n"
                       "CREATE INDEX accounts_balance ON accounts (balance);\n",
          "ALTER TABLE accounts DROP COLUMN note;")
    return p


def test_rehearsal_reports_locks_rows_and_times_and_leaves_no_trace(pg_project: Project) -> None:
    p = _project(pg_project)
    p.add("0003_concurrently", "CREATE INDEX CONCURRENTLY accounts_note ON accounts (note);", "SELECT 1;",
          no_transaction=True)
    p.add("0004_more", "UPDATE accounts SET note = 'n' WHERE id <= 7;", "SELECT 1;")
    before = _snapshot(p)
    out = p.cli("up", "--rehearse", "--json", check=0)
    assert _snapshot(p) == before  # schema, rows, ledger and history as they were
    rehearsal = json.loads(out.stdout)["rehearsal"]
    assert rehearsal["rolled_back"] and rehearsal["locks_read"] and rehearsal["failed"] is None
    note, concurrently, more = rehearsal["migrations"]
    assert note["lock_timeout_s"] == 1.0  # the timeouts up sets (its default lock_timeout)
    alter, update, index = note["statements"]
    assert {"relation": "accounts", "kind": "table", "mode": "ACCESS EXCLUSIVE"} in alter["observed"]
    assert update["rows"] == 100 and update["line"] == 2
    assert {"relation": "accounts", "kind": "table", "mode": "SHARE"} in index["observed"]
    assert {"relation": "accounts_balance", "kind": "index", "mode": "ACCESS EXCLUSIVE"} in index["observed"]
    assert all(s["duration_ms"] >= 0 for s in note["statements"])
    assert rehearsal["warnings"] == []  # the parse predicted each of these
    assert (concurrently["rehearsed"], concurrently["reason"].split(":")[0]) == (False, "no-transaction")
    # The later migration ran on top of 0002's rehearsed column (the same transaction).
    assert more["rehearsed"] and more["statements"][0]["rows"] == 7
    text = p.cli("up", "--rehearse", check=0).stdout
    assert "then rolled back (nothing changed)" in text and "100 rows)" in text
    assert "0003_concurrently  not rehearsable" in text
    assert _snapshot(p) == before


def test_rehearsal_says_where_pg_locks_showed_more_than_the_parse_predicted(pg_project: Project) -> None:
    p = _project(pg_project)
    p.add("0003_audit", "SELECT add_audit_column();", "ALTER TABLE payments DROP COLUMN audited;")
    before = _snapshot(p)
    report = lockgate.up(p.settings(), rehearse=True)
    assert _snapshot(p) == before and report.steps == ()
    warnings = report.rehearsal.warnings
    assert warnings == ["0003_audit line 1: pg_locks showed ACCESS EXCLUSIVE on payments (predicted no lock on it)"]
    text = p.cli("up", "--rehearse", check=0)
    assert "warning: pg_locks showed ACCESS EXCLUSIVE on payments (predicted no lock on it)" in text.stdout
    assert "stronger than the plan predicted" in text.stderr


def test_a_failing_statement_is_reported_exit_1_and_rolled_back(pg_project: Project) -> None:
    p = _project(pg_project)
    p.add("0003_bad", "UPDATE accounts SET balance = 2;\nUPDATE nope SET x = 1;\n", "SELECT 1;")
    before = _snapshot(p)
    out = p.cli("up", "--rehearse", "--json")
    assert out.returncode == 1, out
    failed = json.loads(out.stdout)["rehearsal"]["failed"]
    assert (failed["version"], failed["line"]) == ("0003_bad", 2) and "nope" in failed["error"]
    assert _snapshot(p) == before


def test_rehearsal_on_sqlite_times_and_counts_and_says_locks_do_not_apply(sqlite_project: Project) -> None:
    p = _project(sqlite_project)
    before = _snapshot(p)
    report = lockgate.up(p.settings(), rehearse=True)
    assert _snapshot(p) == before
    rehearsal = report.rehearsal
    assert not rehearsal.locks_read and rehearsal.migrations[0].lock_timeout is None
    alter, update, index = rehearsal.migrations[0].statements
    assert update.rows == 100 and alter.observed == ()
    assert "Locks: not applicable on SQLite" in p.cli("up", "--rehearse", check=0).stderr
    assert _snapshot(p) == before


def test_rehearsal_of_a_fresh_database_creates_no_ledger(pg_project: Project) -> None:
    p = pg_project
    p.add("0001_t", "CREATE TABLE t (id int);", "DROP TABLE t;")
    report = lockgate.up(p.settings(), rehearse=True)
    assert [m.ident for m in report.rehearsal.migrations] == ["0001_t"]
    created, = report.rehearsal.migrations[0].statements
    assert created.stronger == ()  # the new table's own ACCESS EXCLUSIVE was predicted
    assert p.tables() == set()


def test_rehearsal_runs_with_the_lock_timeout_up_would_use(pg_project: Project) -> None:
    """A reader holds the table: the rehearsal's ALTER gives up after the migration's lock_timeout, as up's would."""
    import psycopg

    p = _project(pg_project)
    p.add("0003_wait", "-- lockgate:lock-timeout 200ms\nALTER TABLE payments ADD COLUMN x int;", "SELECT 1;")
    (p.migrations / "0002_note.up.sql").unlink()
    (p.migrations / "0002_note.down.sql").unlink()
    with psycopg.connect(p.url, autocommit=False) as reader:
        reader.execute("SELECT count(*) FROM payments")  # ACCESS SHARE held until the transaction ends
        before = _snapshot(p)
        out = p.cli("up", "--rehearse", "--json")
        assert out.returncode == 1, out
        rehearsal = json.loads(out.stdout)["rehearsal"]
        assert rehearsal["migrations"][0]["lock_timeout_s"] == 0.2
        assert rehearsal["failed"]["line"] == 2 and "lock timeout" in rehearsal["failed"]["error"]
        assert _snapshot(p) == before


def test_rehearsal_takes_the_migration_lock(pg_project: Project) -> None:
    """Another runner must not apply while the rehearsal runs: a held lock stops it like up."""
    from lockgate.session import open_session

    p = _project(pg_project)
    with open_session(p.settings(), on_event=None, lock=True, log=False):
        out = p.cli("up", "--rehearse", "--lock-wait", "0.3")
    assert out.returncode == 1 and "Migration lock: still held by" in out.stderr, out
    assert p.cli("up", "--rehearse", check=0).returncode == 0  # free again


def test_down_dry_run_plans_the_down_files(pg_project: Project) -> None:
    p = _project(pg_project)
    lockgate.up(p.settings())
    report = lockgate.down(p.settings(), dry_run=True)
    m, = report.plan.migrations
    assert (m.ident, m.direction, m.statements[0].strongest) == ("0002_note", "down", "ACCESS EXCLUSIVE")
    assert "0002_note" in p.ledger()
