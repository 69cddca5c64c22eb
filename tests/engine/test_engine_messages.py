"""What the engine says when the database itself stands in the way: a role without privileges,
a SQLite file locked by another process, a SQLite file that does not exist yet."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from pathlib import Path

import pytest
from fixtures.postgres import PgServer
from fixtures.projects import Project, one_line_error
from test_engine_concurrency import sigkill, wait_for


def test_a_role_without_privileges_on_the_ledger_is_told_the_grant(pg_server: PgServer, pg_dbname: str,
                                                                     tmp_path: Path) -> None:
    admin = Project(tmp_path / "admin", pg_server.url_for(pg_dbname))
    admin.add("0001_a", "CREATE TABLE a (id INT);")
    admin.cli("up", check=0)  # the ledger exists, owned by the admin
    password = "pw_" + secrets.token_hex(6)
    role = pg_server.create_role(password)
    try:
        app = Project(admin.dir, pg_server.url_for(pg_dbname, user=role, password=password))
        for args in (("status",), ("history",), ("up",)):
            line = one_line_error(app.cli(*args), 2)
            assert role in line and "schema_migrations" in line and "GRANT" in line, line
            assert "internal error" not in line
        grant = line.split("run: ", 1)[1]
        admin.execute(grant)  # the GRANT it names is the one that works
        app.cli("status", check=0)
        app.cli("history", check=0)
    finally:
        admin.execute(f'DROP OWNED BY "{role}"')  # its privileges, so the role can go
        pg_server.drop_role(role)


def test_a_sqlite_file_locked_by_another_process_says_lockgate_waits(sqlite_project: Project) -> None:
    project = sqlite_project
    project.add("0001_a", "CREATE TABLE a (id INT);")
    project.cli("status", check=0)
    other = sqlite3.connect(project.url.split(":///", 1)[1], isolation_level=None)
    other.execute("CREATE TABLE other_app (id INT)")
    other.execute("BEGIN EXCLUSIVE")  # another program writing: no one else may even read
    proc = project.spawn("up", "--allow-non-empty")  # other_app is the other program's: expected
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True)
    try:
        reader.start()
        wait_for(lambda: any("Waiting" in ln for ln in lines), what="lockgate to say it waits")
        assert proc.poll() is None  # waiting, not failed
        other.execute("COMMIT")
        proc.wait(timeout=60)
    finally:
        other.close()
        sigkill(proc)
    reader.join(timeout=10)
    assert proc.returncode == 0, lines
    wait_line = next(ln for ln in lines if "Waiting" in ln)
    assert "locked" in wait_line and "test.db" in wait_line, wait_line
    assert project.ledger().keys() == {"0001_a"}


@pytest.mark.parametrize("args", [("status",), ("verify",), ("history",), ("lint", "--pending"),
                                  ("up", "--dry-run"), ("down", "--dry-run"), ("--json", "status")])
def test_read_only_commands_never_create_the_sqlite_file(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "p" / "app.db"
    project = Project(tmp_path / "p", f"sqlite:///{db}")
    project.add("0001_a", "CREATE TABLE a (id INT);")
    result = project.cli(*args)
    assert result.returncode == 0, result
    assert not db.exists(), f"lockgate {' '.join(args)} created {db}"
    assert not any(p.name.startswith("app.db") for p in db.parent.iterdir())
    if args == ("status",):
        assert "pending" in result.stdout
