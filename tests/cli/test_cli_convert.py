"""lockgate convert: a dbmate, Flyway or golang-migrate folder rewritten into lockgate's layout,
the plan shown first, applied with --yes or after a prompt on a terminal, never silently."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

import pytest
from fixtures.projects import Project, one_line_error

import lockgate

DBMATE = {
    "20240101120000_create_users.sql": "-- migrate:up\nCREATE TABLE users (id INTEGER);\n\n-- migrate:down\n"
                                       "DROP TABLE users;\n",
    "20240202120000_add_index.sql": "-- migrate:up transaction:false\nCREATE TABLE t (a INTEGER);\n\n"
                                    "-- migrate:down\nDROP TABLE t;\n",
}
FLYWAY = {"V1__init.sql": "CREATE TABLE users (id INTEGER);\n", "V2__add_name.sql": "ALTER TABLE users ADD COLUMN"
          " name TEXT;\n", "U2__add_name.sql": "ALTER TABLE users DROP COLUMN name;\n"}


def _write(p: Project, files: dict[str, str]) -> None:
    for name, text in files.items():
        (p.migrations / name).write_text(text)


def _names(p: Project) -> list[str]:
    return sorted(f.name for f in p.migrations.iterdir())


def test_dry_run_shows_the_plan_and_changes_nothing(project: Project) -> None:
    _write(project, FLYWAY)
    out = project.cli("convert", "--from", "flyway", "--dry-run", check=0).stdout
    assert "rename V1__init.sql -> 0001_init.up.sql" in out and "U2__add_name.sql -> 0002_add_name.down.sql" in out
    assert _names(project) == sorted(FLYWAY)


def test_without_a_terminal_and_without_yes_it_refuses(project: Project) -> None:
    _write(project, FLYWAY)
    result = project.cli("convert", "--from", "flyway")
    assert result.returncode == 2 and "no terminal to ask" in result.stderr
    assert "rename V1__init.sql" in result.stdout  # the plan was shown first
    assert _names(project) == sorted(FLYWAY)


def test_flyway_with_yes_then_up(project: Project) -> None:
    _write(project, FLYWAY)
    project.cli("convert", "--from", "flyway", "--yes", check=0)
    assert _names(project) == ["0001_init.up.sql", "0002_add_name.down.sql", "0002_add_name.up.sql"]
    project.cli("up", check=0)
    assert set(project.ledger()) == {"0001_init", "0002_add_name"}
    project.cli("down", check=0)


def test_dbmate_files_are_split_and_keep_their_identifiers(project: Project) -> None:
    _write(project, DBMATE)
    plan = lockgate.convert(project.migrations, "dbmate", apply=True)
    assert plan.applied and len(plan.steps) == 2
    up = (project.migrations / "20240202120000_add_index.up.sql").read_text()
    assert up.startswith("-- lockgate:no-transaction\n") and "migrate:" not in up
    assert (project.migrations / "20240101120000_create_users.down.sql").read_text() == "DROP TABLE users;\n"
    s = project.settings()
    lockgate.up(s)
    assert set(project.ledger()) == {"20240101120000_create_users", "20240202120000_add_index"}


def test_repeatable_and_dotted_flyway_files_stop_the_conversion(project: Project) -> None:
    _write(project, {**FLYWAY, "R__views.sql": "SELECT 1;\n", "V3.1__fix.sql": "SELECT 1;\n"})
    result = project.cli("convert", "--from", "flyway", "--yes")
    assert result.returncode == 2 and "nothing was changed" in result.stderr
    assert "repeatable migrations (R__) are not supported yet" in result.stderr + result.stdout
    assert "V1__init.sql" in _names(project)


def test_golang_migrate_layout_needs_nothing(project: Project) -> None:
    project.add("1_init", "SELECT 1;", "SELECT 1;")
    assert "Nothing to convert" in project.cli("convert", "--from", "golang-migrate", "--yes", check=0).stdout


def test_on_a_terminal_it_asks(sqlite_project: Project) -> None:
    _write(sqlite_project, FLYWAY)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(sqlite_project.command("convert", "--from", "flyway"), cwd=sqlite_project.dir,
                            env=sqlite_project._env(None), stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)

    def read() -> bytes:
        # Never block for ever on a child that hangs: a generous bound, then the test fails.
        ready, _, _ = select.select([primary], [], [], 60)
        assert ready, "the child said nothing for 60 s"
        try:
            return os.read(primary, 1024)
        except OSError:  # EIO: the child closed the terminal
            return b""

    seen = b""
    while b"Apply these" not in seen:  # the prompt, after the plan
        chunk = read()
        assert chunk, seen
        seen += chunk
    os.write(primary, b"y\n")
    while read():
        pass
    assert proc.wait(timeout=60) == 0
    os.close(primary)
    assert b"rename V1__init.sql" in seen
    assert "0001_init.up.sql" in _names(sqlite_project)


def test_an_unknown_tool_is_a_usage_error(sqlite_project: Project, tmp_path: Path) -> None:
    assert "goose" in one_line_error(sqlite_project.cli("convert", "--from", "goose"), 2)
    with pytest.raises(lockgate.LockgateError):
        lockgate.convert(tmp_path, "goose")
