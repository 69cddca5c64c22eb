"""`lockgate monitor` on real PostgreSQL: a real blocking tree, a lockgate migration's progress from
its application_name, the live view's rendering, and Ctrl-C."""

from __future__ import annotations

import io
import json
import signal
import time
from pathlib import Path
from typing import Iterator

import pytest

from fixtures.projects import Project, make_project
from fixtures.sessions import holding, running, wait_for


@pytest.fixture
def tree(tmp_path: Path, pg_url: str) -> Iterator[tuple[Project, int, int, int]]:
    """holder (idle in transaction, ACCESS EXCLUSIVE on t) <- a lockgate migration's ALTER <- a reader.

    The reader's ACCESS SHARE does not conflict with the holder's: it waits only because it queues
    behind the ALTER, which pg_blocking_pids reports too.
    """
    p = make_project(tmp_path / "proj", pg_url)
    p.execute("CREATE TABLE t (id int)")
    with holding(pg_url, "LOCK TABLE t IN ACCESS SHARE MODE") as holder:
        with running(pg_url, "ALTER TABLE t ADD COLUMN note text",
                     application_name="lockgate up 0003_add_note attempt 2") as alter:
            wait_for(pg_url, f"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = {alter}")
            with running(pg_url, "SELECT count(*) FROM t", application_name="app-reader") as reader:
                wait_for(pg_url, f"SELECT cardinality(pg_blocking_pids({reader})) > 0")
                yield p, holder, alter, reader


def test_once_json_shows_the_blocking_tree_and_the_migration(tree: tuple[Project, int, int, int]) -> None:
    p, holder, alter, reader = tree
    out = p.cli("monitor", "--once", "--json", check=0)
    snap = json.loads(out.stdout)
    (root,) = snap["blocking_tree"]
    assert root["pid"] == holder and root["state"] == "idle in transaction"
    assert [w["pid"] for w in root["waiters"]] == [alter]
    assert [w["pid"] for w in root["waiters"][0]["waiters"]] == [reader]
    (mig,) = snap["migrations"]
    assert (mig["pid"], mig["version"], mig["attempt"], mig["state"]) == (alter, "0003_add_note", 2,
                                                                          "waiting for a lock")
    assert mig["statement"] == "ALTER TABLE t ADD COLUMN note text" and mig["blocked_by"] == [holder]
    assert set(snap["lock_waits"]) == {alter, reader}
    assert {s["pid"] for s in snap["sessions"]} >= {holder, alter, reader}


def test_api_snapshot_and_the_live_view_rendering(tree: tuple[Project, int, int, int]) -> None:
    import lockgate
    from lockgate.cli.safety_render import monitor_view
    from rich.console import Console

    p, holder, alter, reader = tree
    snap = lockgate.monitor_snapshot(p.settings())
    assert snap.blocking[0].session.pid == holder
    buf = io.StringIO()
    Console(file=buf, width=160, color_system=None).print(monitor_view(snap))
    text = buf.getvalue()
    assert "lockgate migrations" in text and "0003_add_note" in text and "waiting for a lock" in text
    lines = text.splitlines()
    at = {pid: next(i for i, line in enumerate(lines) if f"pid {pid} " in line) for pid in (holder, alter, reader)}
    assert at[holder] < at[alter] < at[reader]  # the tree: blocker, then who waits for it, then behind that
    indent = {pid: lines[i].index(f"pid {pid}") for pid, i in at.items()}
    assert indent[holder] < indent[alter] < indent[reader]
    assert "\x1b[" not in text


def test_live_view_refreshes_and_ctrl_c_exits_0(tmp_path: Path, pg_url: str) -> None:
    p = make_project(tmp_path / "proj", pg_url)
    proc = p.spawn("monitor", "--interval", "100ms")
    try:
        assert proc.stdout is not None
        seen = [proc.stdout.readline() for _ in range(1)]
        deadline = time.monotonic() + 30
        while sum("lockgate monitor [default]" in line for line in seen) < 2 and time.monotonic() < deadline:
            seen.append(proc.stdout.readline())  # not a terminal: every refresh is printed, as a log
        assert sum("lockgate monitor [default]" in line for line in seen) >= 2
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_colour_only_when_asked_and_never_with_no_color(tree: tuple[Project, int, int, int]) -> None:
    p = tree[0]
    assert "\x1b[" in p.cli("monitor", "--once", env={"NO_COLOR": "", "FORCE_COLOR": "1"}, check=0).stdout
    assert "\x1b[" not in p.cli("monitor", "--once", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}, check=0).stdout


def test_sqlite_monitor_says_not_applicable(tmp_path: Path, sqlite_url: str) -> None:
    p = make_project(tmp_path / "proj", sqlite_url)
    out = p.cli("monitor", "--once", "--json", check=0)
    assert json.loads(out.stdout)["note"].startswith("not applicable on SQLite")
    assert "not applicable on SQLite" in p.cli("monitor", "--once", check=0).stdout


def test_bad_interval_is_exit_2(tmp_path: Path, sqlite_url: str) -> None:
    from fixtures.projects import one_line_error

    p = make_project(tmp_path / "proj", sqlite_url)
    assert "--interval must be a duration" in one_line_error(p.cli("monitor", "--interval", "1 parsec"), 2)


def test_a_real_lockgate_up_waiting_on_a_lock_shows_with_its_attempt(tmp_path: Path, pg_url: str) -> None:
    """Not a session named like one: `lockgate up` itself, retrying behind a reader's open transaction."""
    import lockgate

    p = make_project(tmp_path / "proj", pg_url)
    p.execute("CREATE TABLE t (id int)")
    p.add("0001_add_note", up="ALTER TABLE t ADD COLUMN note text;", down="ALTER TABLE t DROP COLUMN note;")
    with holding(pg_url, "SELECT count(*) FROM t") as reader:
        runner = p.spawn("up", "--lock-timeout", "2s", "--retry-for", "60s", "--allow-non-empty")  # t is expected
        deadline = time.monotonic() + 30
        seen = None
        while seen is None and time.monotonic() < deadline:  # polls the server's state, as monitor does
            snap = lockgate.monitor_snapshot(p.settings())
            seen = next((m for m in snap.migrations if m.state == "waiting for a lock"), None)
        assert seen is not None, "lockgate up never showed waiting in pg_stat_activity"
        assert seen.version == "0001_add_note" and seen.attempt is not None and seen.attempt >= 1
        assert seen.blocked_by == (reader,) and seen.statement.startswith("ALTER TABLE t ADD COLUMN note")
        assert snap.blocking[0].session.pid == reader
    _out, err = runner.communicate(timeout=60)  # the reader has gone: the next attempt lands
    assert runner.returncode == 0, err
    assert "0001_add_note" in p.ledger()


def test_only_this_databases_sessions_unless_all_and_readable_lines_in_a_pipe(tmp_path: Path, pg_url: str) -> None:
    p = make_project(tmp_path / "proj", pg_url)
    elsewhere = pg_url.rsplit("/", 1)[0] + "/postgres"
    query = "SELECT 'a fairly long query text that names many words', pg_sleep(60)"
    with running(pg_url, query, application_name="app-here") as here, \
            running(elsewhere, "SELECT pg_sleep(60)", application_name="app-elsewhere") as other:
        pids = {s["pid"] for s in json.loads(p.cli("monitor", "--once", "--json", check=0).stdout)["sessions"]}
        assert here in pids and other not in pids
        every = json.loads(p.cli("monitor", "--once", "--json", "--all-databases", check=0).stdout)
        assert {here, other} <= {s["pid"] for s in every["sessions"]} and every["all_databases"] is True
        # Piped (no terminal): the query text stays on a line of its own words, not one word a line.
        text = p.cli("monitor", "--once", env={"COLUMNS": ""}, check=0).stdout  # no width given, as in a pipe
        assert "a fairly long query text" in text and max(map(len, text.splitlines())) > 80, text
        assert "app-elsewhere" not in text and "app-here" in text
