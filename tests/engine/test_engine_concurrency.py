"""Several runners at once, the lock, and SIGKILL at the worst moment: real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fixtures.projects import Project
from fixtures.waiting import wait_for

pytestmark = pytest.mark.slow


def running_sql(project: Project, fragment: str) -> list[int]:
    """Backend pids of lockgate sessions now executing SQL that contains ``fragment``."""
    rows = project.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'lockgate%%'"
        " AND application_name <> 'lockgate observer'"
        " AND state = 'active' AND position(%s in query) > 0", (fragment,))
    return [int(r[0]) for r in rows]


def backend_alive(project: Project, pid: int) -> bool:
    return bool(project.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)))


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"runner did not finish in {timeout}s\n{out}\n{err}") from None
    return proc.returncode, out, err


def sigkill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL a runner and collect its pipes (so nothing is left open)."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()


def signal_when_running(project: Project, fragment: str, sig: int, *, timeout: float = 15) -> tuple[int, str]:
    """Run `lockgate up`, send ``sig`` once its session runs SQL containing ``fragment``; (exit, stderr)."""
    proc = project.spawn("up")
    try:
        wait_for(lambda: running_sql(project, fragment), what=f"SQL with {fragment!r} to run")
        proc.send_signal(sig)
        code, _out, err = finish(proc, timeout=timeout)
    finally:
        sigkill(proc)
    return code, err


def _counting_migrations(project: Project, n: int, *, sleep_sql: str) -> None:
    project.add("0001_runs", "CREATE TABLE runs (version TEXT NOT NULL);\n"
                             "INSERT INTO runs VALUES ('0001');\n" + sleep_sql)
    for i in range(2, n + 1):
        project.add(f"{i:04d}_m{i}", f"CREATE TABLE t{i} (id INTEGER);\nINSERT INTO runs VALUES ('{i:04d}');")


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_four_runners_at_once_apply_each_migration_exactly_once(engine: str, request: pytest.FixtureRequest,
                                                                tmp_path) -> None:
    from fixtures.projects import make_project

    url = request.getfixturevalue("pg_url" if engine == "postgresql" else "sqlite_url")
    project = make_project(tmp_path / "proj", url)
    # The first migration is slow so that every runner arrives while another holds the lock.
    sleep = "SELECT pg_sleep(0.5);" if engine == "postgresql" else \
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c;"
    _counting_migrations(project, 12, sleep_sql=sleep)
    procs = [project.spawn("up") for _ in range(4)]
    results = [finish(p) for p in procs]
    for code, out, err in results:
        assert code == 0, (out, err)
        assert "duplicate key" not in (out + err).lower() and "unique constraint" not in (out + err).lower()
        assert "Traceback" not in err
    counts = dict(project.query("SELECT version, count(*) FROM runs GROUP BY version"))
    assert counts == {f"{i:04d}": 1 for i in range(1, 13)}
    assert len(project.ledger()) == 12 and not any(d for _, d in project.ledger().values())
    applied = [h for h in project.history() if h["direction"] == "up" and h["outcome"] == "applied"]
    assert len(applied) == 12


def test_create_index_concurrently_completes_while_a_second_runner_waits(pg_project: Project) -> None:
    # golang-migrate's deadlock: a runner blocked in pg_advisory_lock holds a snapshot that
    # CREATE INDEX CONCURRENTLY in the lock holder waits for, forever.
    pg_project.add("0001_t", "CREATE TABLE t (id INTEGER);\nINSERT INTO t SELECT generate_series(1, 1000);")
    pg_project.add("0002_idx", "SELECT pg_sleep(1.5);\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);",
                   "-- lockgate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS t_id_idx;", no_transaction=True)
    first = pg_project.spawn("up")
    wait_for(lambda: running_sql(pg_project, "pg_sleep(1.5)"), what="the first runner to start 0002")
    second = pg_project.spawn("up")
    wait_for(lambda: "lock" in " ".join(
        str(r[0]) for r in pg_project.query(
            "SELECT query FROM pg_stat_activity WHERE application_name LIKE 'lockgate%'"
            " AND application_name <> 'lockgate observer' AND datname = current_database()"
            " AND pid NOT IN (SELECT pid FROM pg_stat_activity WHERE position('pg_sleep' in query) > 0)")),
        what="the second runner to poll the lock")
    code1, out1, err1 = finish(first, timeout=30)
    code2, out2, err2 = finish(second, timeout=30)
    assert code1 == 0, (out1, err1)
    assert code2 == 0, (out2, err2)
    assert pg_project.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass") == [(True,)]
    assert pg_project.ledger()["0002_idx"][1] is False


def test_lock_wait_gives_up_and_names_the_holder(pg_project: Project) -> None:
    pg_project.add("0001_slow", "SELECT pg_sleep(20);")
    holder = pg_project.spawn("up")
    try:
        [pid] = wait_for(lambda: running_sql(pg_project, "pg_sleep(20)"), what="the holder to run its migration")
        result = pg_project.cli("--lock-wait", "1", "up")
        assert result.returncode == 1, result
        assert "Traceback" not in result.output
        assert f"pid {pid}" in result.stderr, result.stderr
        assert "lockgate" in result.stderr  # the holder's application_name
        assert "since" in result.stderr
        # It gave up while the lock was still held, rather than waiting for the holder to finish.
        assert running_sql(pg_project, "pg_sleep(20)") == [pid]
        [waited] = [r for r in pg_project.log_records() if r["event"] == "lock_wait"]
        assert waited["level"] == "warn" and waited["lock_wait_s"] == 1.0
        assert f"pid {pid}" in waited["holder"] and waited["holder"] in waited["message"]
        # Read-only commands take no lock: status answers while the run goes on.
        status = pg_project.cli("status", "--json", check=0)
        assert '"pending"' in status.stdout
        assert running_sql(pg_project, "pg_sleep(20)") == [pid]
        # `up --lock-wait` after the command works too.
        assert pg_project.cli("up", "--lock-wait", "0.5").returncode == 1
    finally:
        sigkill(holder)


def test_sigkill_during_a_transactional_migration_then_up_recovers(pg_project: Project) -> None:
    pg_project.add("0001_base", "CREATE TABLE base (id INTEGER);")
    pg_project.add("0002_slow", "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\nSELECT pg_sleep(2);",
                   "DROP TABLE half;")
    proc = pg_project.spawn("up")
    [pid] = wait_for(lambda: running_sql(pg_project, "pg_sleep(2)"), what="0002 to be running")
    sigkill(proc)
    # The server session outlives its client until the server notices it is gone; its batch
    # still holds the COMMIT. Only once that session has ended does "never committed" mean anything.
    wait_for(lambda: not backend_alive(pg_project, pid), what=f"the killed runner's server session {pid} to end")
    assert "half" not in pg_project.tables(), "the killed runner's transaction committed after it died"
    assert set(pg_project.ledger()) == {"0001_base"}
    result = pg_project.cli("up", check=0)
    assert "Traceback" not in result.output
    assert pg_project.query("SELECT id FROM half") == [(1,)]
    assert pg_project.ledger()["0002_slow"][1] is False
    assert pg_project.cli("verify").returncode == 0


def test_sigkill_during_a_no_transaction_migration_leaves_it_dirty_then_up_recovers(pg_project: Project) -> None:
    pg_project.add("0001_base", "CREATE TABLE base (id INTEGER);")
    pg_project.add("0002_nt", "CREATE TABLE nt_half (id INTEGER);\nSELECT pg_sleep(2);\n"
                              "CREATE TABLE nt_rest (id INTEGER);",
                   "DROP TABLE IF EXISTS nt_rest;\nDROP TABLE IF EXISTS nt_half;", no_transaction=True)
    proc = pg_project.spawn("up")
    [pid] = wait_for(lambda: running_sql(pg_project, "pg_sleep(2)"), what="0002 to be running")
    # The dirty row is committed before the statements run, so it is visible from outside now.
    assert pg_project.ledger()["0002_nt"][1] is True
    sigkill(proc)
    wait_for(lambda: not backend_alive(pg_project, pid), what=f"the killed runner's server session {pid} to end")
    assert pg_project.ledger()["0002_nt"][1] is True
    assert "nt_half" in pg_project.tables() and "nt_rest" not in pg_project.tables()
    # Refused without auto-recovery...
    result = pg_project.cli("up", "--no-auto-recover")
    assert result.returncode == 1 and "dirty" in result.stderr
    assert pg_project.ledger()["0002_nt"][1] is True
    # ...recovered with it: down file, then the migration again.
    result = pg_project.cli("up", check=0)
    assert "Found migrations in dirty state" in result.stderr
    assert {"nt_half", "nt_rest"} <= pg_project.tables()
    assert pg_project.ledger()["0002_nt"][1] is False
    assert [(h["version"], h["direction"]) for h in pg_project.history()][-2:] == [("0002_nt", "recover"),
                                                                                 ("0002_nt", "up")]


def test_sigkill_during_a_sqlite_migration_then_up_recovers(sqlite_project: Project) -> None:
    project = sqlite_project
    project.add("0001_base", "CREATE TABLE base (id INTEGER);")
    project.add("0002_slow", "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\n"
                             "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000)"
                             " SELECT count(*) FROM c;")
    proc = project.spawn("up")

    journal = Path(project.url.removeprefix("sqlite:///") + "-journal")

    def inside_0002() -> bool:
        # Its transaction has written (CREATE TABLE half): SQLite's rollback journal exists
        # until that transaction ends, so the kill lands inside the migration, mid-statement.
        return journal.exists() and any(r.get("event") == "migration_start" and r.get("version") == "0002_slow"
                                        for r in project.log_records())

    wait_for(inside_0002, what="0002 to be inside its transaction")
    assert proc.poll() is None, "the slow migration finished before it could be killed"
    sigkill(proc)
    # Make it fast now; the old file never committed, so changing it is fine.
    (project.migrations / "0002_slow.up.sql").write_text(
        "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);")
    project.cli("up", check=0)
    assert project.query("SELECT id FROM half") == [(1,)]
    assert set(project.ledger()) == {"0001_base", "0002_slow"}


def test_sqlite_lock_wait_names_the_holder(sqlite_project: Project) -> None:
    project = sqlite_project
    project.add("0001_slow", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000)"
                             " SELECT count(*) FROM c;")
    holder = project.spawn("up")
    try:
        wait_for(lambda: any(r.get("event") == "migration_start" for r in project.log_records()),
                 what="the holder to start")
        result = project.cli("--lock-wait", "0.5", "up")
        assert result.returncode == 1, result
        assert f"pid {holder.pid}" in result.stderr
    finally:
        sigkill(holder)


def test_ctrl_c_cancels_the_server_side_query(pg_project: Project) -> None:
    pg_project.add("0001_slow", "CREATE TABLE half (id INTEGER);\nSELECT pg_sleep(30);")
    code, err = signal_when_running(pg_project, "pg_sleep(30)", signal.SIGINT)
    assert code == 130 and "rolled back" in err, err
    assert "Traceback" not in err
    # The server stopped working on it: no 30 s orphan holding the lock and the transaction.
    wait_for(lambda: not running_sql(pg_project, "pg_sleep(30)"), timeout=15, what="the query to be cancelled")
    assert "half" not in pg_project.tables() and pg_project.ledger() == {}
    (pg_project.migrations / "0001_slow.up.sql").write_text("CREATE TABLE half (id INTEGER);")
    pg_project.cli("--lock-wait", "2", "up", check=0)


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_sigkill_at_random_instants_never_applies_anything_twice(engine: str, request: pytest.FixtureRequest,
                                                                 tmp_path) -> None:
    import random

    from fixtures.projects import make_project

    url = request.getfixturevalue("pg_url" if engine == "postgresql" else "sqlite_url")
    project = make_project(tmp_path / "proj", url)
    # ~15 ms per migration, so a run lasts long enough to be killed at random points inside it.
    pause = ("SELECT pg_sleep(0.015);" if engine == "postgresql" else
             "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60000) SELECT count(*) FROM c;")
    project.add("0001_runs", "CREATE TABLE runs (version TEXT NOT NULL);")
    for i in range(2, 81):
        project.add(f"{i:04d}_m{i}", f"CREATE TABLE t{i} (id INTEGER);\n{pause}\n"
                                     f"INSERT INTO runs VALUES ('{i:04d}');")
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    sizes = []
    # How long a read-only command takes here, start-up to answer: the first `up` reaches its
    # ledger tables after about that long. It creates nothing (status reads, never creates).
    spawned = time.monotonic()
    project.cli("status")
    startup = time.monotonic() - spawned
    for trial in range(10):
        before = len(project.ledger())
        proc = project.spawn("up")
        if trial == 0:
            # The first run, on an empty database, is killed anywhere from its start-up on, so
            # the kill can land while the ledger tables are being created, not only once rows appear.
            time.sleep(rng.uniform(0, startup * 1.5))
        else:
            wait_for(lambda p=proc, n=before: p.poll() is not None or len(project.ledger()) > n,
                     what="the runner to apply")
            time.sleep(rng.uniform(0, 0.3))
        sigkill(proc)
        sizes.append(len(project.ledger()))
        if sizes[-1] == 80:
            break
    assert any(0 < n < 80 for n in sizes), f"no kill landed mid-run ({sizes}); slow the migrations down"
    project.cli("up", check=0)
    counts = dict(project.query("SELECT version, count(*) FROM runs GROUP BY version"))
    assert counts == {f"{i:04d}": 1 for i in range(2, 81)}, f"seed {seed}, ledger sizes {sizes}"
    assert len(project.ledger()) == 80 and not any(d for _, d in project.ledger().values()), f"seed {seed}"
    assert project.cli("verify").returncode == 0
