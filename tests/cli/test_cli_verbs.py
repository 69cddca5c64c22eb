"""The peers' everyday verbs reach lockgate: aliases, up N, version, goto, force, wait,
status --exit-code, and a hint for the verbs lockgate has no command for."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fixtures.projects import Project, one_line_error

import lockgate


def _three(p: Project) -> None:
    for n, name in enumerate(("a", "b", "c"), 1):
        p.add(f"000{n}_{name}", f"CREATE TABLE {name} (id INTEGER);", f"DROP TABLE {name};")


def test_the_peers_names_run_lockgates_commands(project: Project) -> None:
    _three(project)
    project.cli("migrate", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"}
    info = project.cli("info", check=0)
    assert "0003_c" in info.stdout and "applied" in info.stdout
    project.cli("validate", check=0)
    project.cli("rollback", check=0)
    project.cli("undo", check=0)
    assert set(project.ledger()) == {"0001_a"}
    project.cli("create", "add_d", check=0)
    assert (project.migrations / "0004_add_d.up.sql").exists()


def test_up_n_and_down_n(project: Project) -> None:
    _three(project)
    project.cli("up", "1", check=0)
    assert set(project.ledger()) == {"0001_a"}
    project.cli("up", "--steps", "1", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    project.cli("up", check=0)
    project.cli("down", "2", check=0)
    assert set(project.ledger()) == {"0001_a"}
    assert "not both" in one_line_error(project.cli("up", "1", "--steps", "2"), 2)


def test_version_prints_one_line(project: Project) -> None:
    _three(project)
    project.cli("up", check=0)  # creates the ledger
    project.cli("down", "--to", "0", check=0)
    assert project.cli("version", check=0).stdout == "none\n"
    project.cli("up", "2", check=0)
    assert project.cli("version", check=0).stdout == "0002_b\n"
    data = json.loads(project.cli("version", "--json", check=0).stdout)
    assert data == {"version": "0002_b", "number": 2, "dirty": False}


def test_goto_goes_up_or_down(project: Project) -> None:
    _three(project)
    project.cli("goto", "0002", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    project.cli("goto", "3", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"}
    project.cli("goto", "0001", check=0)
    assert set(project.ledger()) == {"0001_a"}
    assert {"b", "c"}.isdisjoint(project.tables())


def test_force_sets_the_ledger_to_exactly_that_version_and_records_it(project: Project) -> None:
    _three(project)
    project.add("0004_d", "CREATE TABLE d (id INTEGER);", "DROP TABLE d;")
    project.cli("up", "--to", "0003", check=0)
    project.execute("UPDATE schema_migrations SET dirty = TRUE WHERE version = '0003_c'")
    preview = project.cli("force", "0002", "--dry-run", check=0)
    assert "0003_c (removed)" in preview.stdout
    assert project.ledger()["0003_c"][1] is True  # the dry run changed nothing
    project.cli("force", "0002", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    assert [(h["version"], h["direction"], h["outcome"]) for h in project.history()][-1] == \
        ("0003_c", "force", "forced")
    project.cli("force", "4", check=0)  # records 0003 and 0004 without running them
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c", "0004_d"}
    assert "d" not in project.tables()
    assert project.cli("version", check=0).stdout == "0004_d\n"
    forced = [r for r in project.log_records() if r.get("event") == "forced"]
    assert [(r["version"], r["changed"]) for r in forced] == [("0002", 1), ("4", 2)]


def test_status_exit_code_is_non_zero_while_migrations_are_pending(project: Project) -> None:
    _three(project)
    assert project.cli("status", "--exit-code").returncode == 1
    assert project.cli("status").returncode == 0  # only when asked
    project.cli("up", check=0)
    assert project.cli("status", "--exit-code").returncode == 0


def test_wait_returns_once_the_database_accepts_connections(project: Project) -> None:
    assert "accepts connections" in project.cli("wait", "--timeout", "10s", check=0).output


def test_wait_on_sqlite_creates_no_file(sqlite_project: Project, tmp_path: Path) -> None:
    sqlite_project.cli("wait", check=0)
    assert not (tmp_path / "test.db").exists()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_wait_gives_up_after_its_timeout_with_exit_1(tmp_path: Path) -> None:
    from fixtures.projects import make_project

    url = f"postgresql://nobody@127.0.0.1:{_closed_port()}/nothing?connect_timeout=1"
    p = make_project(tmp_path / "p", url)
    line = one_line_error(p.cli("wait", "--timeout", "1s"), 1)
    assert "did not accept connections within 1s" in line
    assert "1 parsec" in one_line_error(p.cli("wait", "--timeout", "1 parsec"), 2)


@pytest.mark.parametrize(("verb", "answer"), [("clean", "lockgate down --to 0"), ("dump", "lockgate schema dump"),
                                              ("load", "lockgate baseline VERSION"),
                                              ("fix", "lockgate new NAME --sequential"),
                                              ("baseline-on-migrate", "lockgate baseline VERSION")])
def test_another_tools_verb_says_which_lockgate_command_does_it(sqlite_project: Project, verb: str,
                                                                answer: str) -> None:
    line = one_line_error(sqlite_project.cli(verb), 2)
    assert f"lockgate has no `{verb}` command" in line and answer in line


def test_the_verbs_have_api_twins(project: Project) -> None:
    _three(project)
    s = project.settings()
    assert lockgate.version(s).ident is None
    lockgate.goto(s, "0002")
    assert lockgate.version(s).ident == "0002_b"
    report = lockgate.force(s, "0", dry_run=True)
    assert set(report.planned) == {"0001_a (removed)", "0002_b (removed)"}
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    assert lockgate.wait(s, timeout=5) >= 0
