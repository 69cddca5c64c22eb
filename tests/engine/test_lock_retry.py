"""Lock-queue protection on real PostgreSQL: lock_timeout, retries, blockers named and
cancelled, INVALID indexes dropped, the time budget, bad input.

Each blocker is a real second connection; the tests wait on what the server shows
(pg_locks: lockgate's lock request not granted) or on lockgate's own events, never on sleeps.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator

import psycopg
import pytest
from fixtures.projects import Project, one_line_error

import lockgate
from lockgate.errors import BudgetExceeded, LockRetriesExhausted, MigrationFailed
from lockgate.model import Event

ALTER = "-- the note\nALTER TABLE accounts ADD COLUMN note text;\n"


def wait_for(predicate: Callable[[], object], what: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)
    return value


@pytest.fixture
def accounts(pg_project: Project) -> Project:
    pg_project.add("0001_accounts", "CREATE TABLE accounts (id int PRIMARY KEY, v int);\n"
                                    "INSERT INTO accounts SELECT g, g % 3 FROM generate_series(1, 30) g;")
    lockgate.up(pg_project.settings(), to="0001")
    return pg_project


@pytest.fixture
def blocker(accounts: Project) -> Iterator[psycopg.Connection[Any]]:
    """A session that read accounts in a transaction it keeps open (idle in transaction)."""
    conn = psycopg.connect(accounts.url, autocommit=True, application_name="test-blocker")
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM accounts")
    yield conn
    conn.close()


def _pid(conn: psycopg.Connection[Any]) -> int:
    return int(conn.info.backend_pid)


def _alive(p: Project, pid: int) -> bool:
    return bool(p.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)))


def _lockgate_waits(p: Project) -> bool:
    """pg_locks shows a migration's session waiting for a lock."""
    return bool(p.query("SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        " WHERE NOT l.granted AND a.application_name LIKE 'lockgate up %%'"))


def _has_note(p: Project) -> bool:
    return bool(p.query("SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'note'"))


def _events(p: Project, name: str) -> list[dict[str, Any]]:
    return [r for r in p.log_records() if r.get("event") == name]


def test_a_blocked_alter_is_retried_and_lands_once_the_blocker_ends(accounts: Project, blocker: Any) -> None:
    p = accounts
    p.add("0002_add_note", ALTER)
    proc = p.spawn("up", "--lock-timeout", "200ms", "--retry-for", "60s")
    wait_for(lambda: _lockgate_waits(p), "lockgate's ALTER to wait behind the blocker")
    wait_for(lambda: _events(p, "lock_retry"), "a failed attempt to be logged")
    assert not _has_note(p)
    blocker.execute("COMMIT")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert _has_note(p) and "0002_add_note" in p.ledger()
    pid = _pid(blocker)
    # Who blocked it, on the terminal and in the log.
    assert f"pid {pid} (test-blocker, user " in err and "idle in transaction" in err
    retry = _events(p, "lock_retry")[0]
    assert retry["attempt"] == 1 and retry["version"] == "0002_add_note" and retry["pause_ms"] >= 250
    assert retry["blockers"][0]["pid"] == pid and retry["blockers"][0]["application_name"] == "test-blocker"
    assert retry["blockers"][0]["query"] == "SELECT count(*) FROM accounts"
    finish = _events(p, "migration_finish")[-1]
    assert finish["attempts"] >= 2 and finish["lock_wait_ms"] > 0
    assert "attempts" in err and "waiting for locks" in err  # the run summary
    # The history row's time covers the retried attempts, not only the one that committed.
    [row] = [h for h in lockgate.history(p.settings()) if h.version == "0002_add_note" and h.outcome == "applied"]
    assert row.duration_ms is not None and row.duration_ms >= finish["lock_wait_ms"]


def test_a_blocker_that_never_ends_stops_the_run_within_the_bound_with_nothing_applied(
        accounts: Project, blocker: Any) -> None:
    p = accounts
    p.add("0002_add_note", ALTER)
    p.add("0003_more", "CREATE TABLE more (id int);")
    with pytest.raises(LockRetriesExhausted) as info:
        lockgate.up(p.settings(), lock_timeout="200ms", retry_for="1s")
    err = info.value
    assert err.exit_code == 1 and err.attempts >= 2
    assert err.waited <= 1.0 + 0.2 + 0.5  # the bound, one lock_timeout, the shortest pause
    assert f"pid {_pid(blocker)} (test-blocker" in err.message
    assert "0002_add_note.up.sql:2 (ALTER TABLE accounts ADD COLUMN note text)" in err.message
    assert "nothing of it was applied" in err.message and "--cancel-blockers" in err.hint
    assert "--retry-for" in err.hint and "Fix the SQL" not in str(err)
    assert not _has_note(p) and "more" not in p.tables()
    assert set(p.ledger()) == {"0001_accounts"}
    assert p.history()[-1]["outcome"] == "failed"
    assert _alive(p, _pid(blocker))  # never touched without --cancel-blockers


def test_cancel_blockers_terminates_an_old_idle_transaction_and_records_it(accounts: Project, blocker: Any) -> None:
    p = accounts
    p.add("0002_add_note", ALTER)
    pid = _pid(blocker)
    seen: list[Event] = []
    report = lockgate.up(p.settings(cancel_older_than="0s", cancel_grace="200ms"), lock_timeout="300ms",
                         retry_for="30s", cancel_blockers=True, on_event=seen.append)
    assert _has_note(p) and not _alive(p, pid)
    kinds = [e.event for e in seen]
    assert "blocker_cancelled" in kinds and "blocker_terminated" in kinds  # idle: the cancel alone does nothing
    assert kinds.index("blocker_cancelled") < kinds.index("blocker_terminated")
    assert report.steps[-1].attempts >= 1
    notes = p.query("SELECT note FROM schema_migrations_history WHERE version = '0002_add_note'")
    assert "--cancel-blockers" in str(notes[-1][0])


def test_cancel_blockers_leaves_a_young_transaction_alone(accounts: Project, blocker: Any) -> None:
    p = accounts
    p.add("0002_add_note", ALTER)
    with pytest.raises(LockRetriesExhausted):
        lockgate.up(p.settings(cancel_older_than="1h"), lock_timeout="200ms", retry_for="1s", cancel_blockers=True)
    assert _alive(p, _pid(blocker)) and not _has_note(p)


def test_a_failed_concurrent_index_is_dropped_and_said(accounts: Project) -> None:
    p = accounts
    p.add("0002_idx", "CREATE UNIQUE INDEX CONCURRENTLY accounts_v_key ON accounts (v);", no_transaction=True)
    seen: list[Event] = []
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(p.settings(), on_event=seen.append)
    assert "lockgate dropped an INVALID index accounts_v_key" in info.value.message
    assert info.value.leftover is None
    assert "accounts_v_key" not in p.indexes()
    assert [e for e in seen if e.event == "leftover_dropped"]


def test_the_time_budget_cancels_the_running_migration_and_keeps_the_ones_before(accounts: Project) -> None:
    p = accounts
    p.add("0002_quick", "CREATE TABLE quick (id int);")
    p.add("0003_slow", "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);")
    with pytest.raises(BudgetExceeded) as info:
        lockgate.up(p.settings(), time_budget="1s")
    err = info.value
    assert err.exit_code == 1 and err.applied == ("0002_quick",)
    assert "0003_slow.up.sql:2" in err.message and "rolled back" in err.message
    assert "quick" in p.tables() and "slow" not in p.tables()
    assert set(p.ledger()) == {"0001_accounts", "0002_quick"}


def test_a_statement_timeout_names_the_statement_and_line_and_blames_no_sql(accounts: Project) -> None:
    p = accounts
    p.add("0002_slow", "-- lockgate:statement-timeout 300ms\nCREATE TABLE x (id int);\nSELECT pg_sleep(5);")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(p.settings())
    err = info.value
    assert err.cause == "statement_timeout" and err.line == 3 and "pg_sleep(5)" in err.snippet
    assert "Fix the SQL" not in str(err) and "--statement-timeout" in err.hint
    assert "x" not in p.tables()


def test_each_migration_runs_with_its_timeouts_and_name(accounts: Project) -> None:
    p = accounts
    p.add("0002_default", "CREATE TABLE a AS SELECT current_setting('lock_timeout') AS lt,"
                          " current_setting('statement_timeout') AS st, current_setting('application_name') AS app;")
    p.add("0003_directive", "-- lockgate:lock-timeout 250ms\n-- lockgate:statement-timeout 5m\n"
                            "CREATE TABLE b AS SELECT current_setting('lock_timeout') AS lt,"
                            " current_setting('statement_timeout') AS st;")
    p.add("0004_outside", "CREATE TABLE c AS SELECT current_setting('lock_timeout') AS lt;", no_transaction=True)
    lockgate.up(p.settings())
    lt, st, app = p.query("SELECT lt, st, app FROM a")[0]
    assert lt == "1s" and st not in ("0", "") and app == "lockgate up 0002_default attempt 1"
    assert p.query("SELECT lt, st FROM b") == [("250ms", "5min")]
    assert p.query("SELECT lt FROM c") == [("1s",)]
    # Between migrations the session is itself again.
    p.add("0005_off", "CREATE TABLE d AS SELECT current_setting('lock_timeout') AS lt;")
    lockgate.up(p.settings(), lock_timeout=0)
    assert p.query("SELECT lt FROM d") == [("0",)]


@pytest.mark.parametrize("where", ["directive", "flag", "config"])
def test_a_bad_timeout_is_a_one_line_error_and_changes_nothing(accounts: Project, where: str) -> None:
    p = accounts
    if where == "directive":
        p.add("0002_add_note", "-- lockgate:lock-timeout 1 parsec\n" + ALTER)
        args = ["up"]
    else:
        p.add("0002_add_note", ALTER)
        args = ["up", "--lock-timeout", "-1s"] if where == "flag" else ["up"]
    if where == "config":
        (p.dir / "lockgate.toml").write_text('lock_timeout = "1 parsec"\n')
    result = p.cli(*args, check=2)
    line = one_line_error(result, 2)
    assert "lock" in line and ("1 parsec" in line or "-1s" in line), line
    assert set(p.ledger()) == {"0001_accounts"} and not _has_note(p)


def test_a_lock_timeout_directive_on_sqlite_is_refused(sqlite_project: Project) -> None:
    p = sqlite_project
    p.add("0001_t", "-- lockgate:lock-timeout 3s\nCREATE TABLE t (id INTEGER);")
    line = one_line_error(p.cli("up", check=2), 2)
    assert "0001_t.up.sql" in line and "lock-timeout" in line
    # Nothing changed: not even the database file (or its lock file) was left behind.
    db = Path(p.url.split("sqlite:///", 1)[1])
    assert not db.exists() and not db.with_name(db.name + ".lockgate-lock").exists()


def test_a_refused_first_run_leaves_no_ledger_on_postgresql(pg_project: Project) -> None:
    # Every check runs before the ledger is created: a refusal on a fresh database leaves it empty.
    p = pg_project
    p.add("0001_t", "-- lockgate:lock-timeout 1 parsec\nCREATE TABLE t (id int);")
    one_line_error(p.cli("up", check=2), 2)
    assert p.tables() == set()


def test_the_failing_statement_is_found_from_one_execution(accounts: Project) -> None:
    # A runtime error has no position: the statement is named from the results before it,
    # not by running the file a second time (which advanced this sequence twice).
    p = accounts
    p.execute("CREATE SEQUENCE seq")
    p.add("0002_bad", "SELECT nextval('seq');\nCREATE TABLE y (id int);\nSELECT 1 / (SELECT count(*) - count(*)"
                      " FROM accounts);\nCREATE TABLE z (id int);")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(p.settings())
    assert info.value.line == 3 and "SELECT 1 /" in info.value.snippet
    assert p.query("SELECT last_value FROM seq") == [(1,)]
    assert "y" not in p.tables()


def test_create_index_concurrently_waits_out_an_old_transaction_in_one_attempt(accounts: Project) -> None:
    # Its waits queue no application query: retrying it every lock_timeout would only rebuild
    # the index again and again. It waits, within the retry bound, and lands when the reader ends.
    p = accounts
    reader = psycopg.connect(p.url, autocommit=True, application_name="test-reader")
    try:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM accounts")  # holds its snapshot
        p.add("0002_idx", "CREATE INDEX CONCURRENTLY accounts_v_idx ON accounts (v);", no_transaction=True)
        proc = p.spawn("up", "--lock-timeout", "100ms", "--retry-for", "60s", "--json")
        wait_for(lambda: p.query("SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                                 " WHERE NOT l.granted AND a.application_name LIKE 'lockgate up 0002_idx%%'"),
                 "CREATE INDEX CONCURRENTLY to wait for the reader's snapshot")
        wait_for(lambda: _events(p, "lock_blocked"), "the watcher to name the reader")
        assert proc.poll() is None and not _events(p, "lock_retry")  # still its first attempt
        reader.execute("COMMIT")
        out, err = proc.communicate(timeout=60)
    finally:
        reader.close()
    assert proc.returncode == 0, err
    assert p.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_v_idx'::regclass") == [(True,)]
    import json

    step = json.loads(out)["steps"][-1]
    assert step["version"] == "0002_idx" and step["attempts"] == 1
