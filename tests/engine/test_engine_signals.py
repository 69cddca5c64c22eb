"""SIGTERM is Ctrl-C, and after either the message says what the ledger shows: real processes,
signalled at states observed in pg_stat_activity and the ledger."""

from __future__ import annotations

import os
import signal

import pytest
from fixtures.projects import Project
from test_engine_concurrency import finish, running_sql, sigkill, signal_when_running, wait_for

pytestmark = pytest.mark.slow


def _error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("Target: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _outcomes(project: Project) -> list[tuple[str, str]]:
    return [(h["version"], h["outcome"]) for h in project.history()]


def test_sigterm_cancels_the_statement_rolls_back_and_exits_143(pg_project: Project) -> None:
    pg_project.add("0001_slow", "CREATE TABLE half (id INTEGER);\nSELECT pg_sleep(30);")
    code, err = signal_when_running(pg_project, "pg_sleep(30)", signal.SIGTERM)
    assert code == 143, err
    line = _error_line(err)
    assert "SIGTERM" in line and "0001_slow" in line and "rolled back" in line, line
    # Cancelled on the server, not left to run out its 30 s holding the transaction.
    wait_for(lambda: not running_sql(pg_project, "pg_sleep(30)"), timeout=5, what="the query to be cancelled")
    assert _outcomes(pg_project) == [("0001_slow", "interrupted")]
    assert "half" not in pg_project.tables() and pg_project.ledger() == {}
    assert any(r.get("event") == "migration_interrupted" and r.get("state") == "rolled_back"
               for r in pg_project.log_records())


def test_sigterm_in_a_no_transaction_migration_says_it_was_left_dirty(pg_project: Project) -> None:
    pg_project.add("0001_nt", "CREATE TABLE half (id INTEGER);\nSELECT pg_sleep(30);", "DROP TABLE half;",
                   no_transaction=True)
    code, err = signal_when_running(pg_project, "pg_sleep(30)", signal.SIGTERM)
    assert code == 143, err
    assert "left dirty" in _error_line(err)
    assert pg_project.ledger()["0001_nt"][1] is True
    assert _outcomes(pg_project) == [("0001_nt", "interrupted")]


def test_ctrl_c_after_the_server_committed_says_applied(pg_project: Project) -> None:
    """The statement ends and the migration commits in the instant before Ctrl-C is read: the
    message, the exit and the history follow the ledger (it is applied), not the signal."""
    pg_project.add("0001_done", "CREATE TABLE done_t (id INTEGER);\nSELECT pg_sleep(1);")
    proc = pg_project.spawn("up")
    try:
        wait_for(lambda: running_sql(pg_project, "pg_sleep(1)"), what="the migration to run")
        os.kill(proc.pid, signal.SIGSTOP)  # the client stops reading; the server goes on and commits
        wait_for(lambda: "0001_done" in pg_project.ledger(), what="the server to commit the migration")
        proc.send_signal(signal.SIGINT)  # delivered as it wakes, while it has the results still to read
        os.kill(proc.pid, signal.SIGCONT)
        code, _out, err = finish(proc, timeout=15)
    finally:
        sigkill(proc)
    assert code == 130, err
    line = _error_line(err)
    assert "had committed: applied" in line and "rolled back" not in line, line
    assert _outcomes(pg_project) == [("0001_done", "applied")]  # no `failed` row for a committed migration
    assert pg_project.cli("status", "--json", check=0).stdout.count('"applied"') == 1


def test_sigterm_on_sqlite_rolls_back_at_the_next_statement(sqlite_project: Project) -> None:
    project = sqlite_project
    project.add("0001_slow", "CREATE TABLE half (id INTEGER);\n"
                             "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)"
                             " SELECT count(*) FROM c;\nCREATE TABLE rest (id INTEGER);")
    proc = project.spawn("up")
    try:
        wait_for(lambda: any(r.get("event") == "migration_start" for r in project.log_records()),
                 what="the migration to start")
        proc.send_signal(signal.SIGTERM)
        code, _out, err = finish(proc, timeout=30)
    finally:
        sigkill(proc)
    assert code == 143, err
    assert "rolled back" in _error_line(err)
    assert {"half", "rest"}.isdisjoint(project.tables()) and project.ledger() == {}
    assert _outcomes(project) == [("0001_slow", "interrupted")]
