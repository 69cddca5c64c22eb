"""The target is always named: every command that changes the database, and every dry run, says which
database it acts on before acting; DATABASE_URL never silently replaces a URL the project wrote down;
and with no database configured lockgate asks for one instead of creating ``lockgate.db``."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.projects import Project, clean_env, one_line_error


def _shown(project: Project) -> str:
    return project.shown_target


def _target_first(stderr: str, project: Project) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[0] == f"Target: {_shown(project)} (from --database-url)", stderr


def test_every_command_that_acts_names_its_target_first(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;")
    for args in (("up", "--dry-run"), ("up", "--to", "1"), ("up",), ("down", "--dry-run"), ("down",),
                 ("repair", "0001", "--accept-checksum"), ("baseline", "2", "--dry-run"), ("baseline", "2")):
        result = project.cli(*args, check=0)
        _target_first(result.stderr, project)
    records = [r for r in project.log_records() if r["event"] == "target"]
    assert records and {r["database"] for r in records} == {_shown(project)}
    assert {r["engine"] for r in records} == {project.engine}
    plans = [r for r in project.log_records() if r["event"] == "run_plan"]  # the run's own event carries it too
    assert [p["direction"] for p in plans] == ["up", "up", "down"]
    assert {p["database"] for p in plans} == {_shown(project)}


def test_json_output_carries_the_target(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    for args in (("up", "--dry-run"), ("up",), ("repair", "1", "--accept-checksum"), ("down",),
                 ("baseline", "1", "--dry-run")):
        result = project.cli("--json", *args, check=0)
        target = json.loads(result.stdout)["target"]
        assert target == {"database": _shown(project), "engine": project.engine, "source": "--database-url"}
        assert "Target:" not in result.stderr  # in --json mode it is in the JSON, not said twice


def test_quiet_leaves_the_target_out(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    assert project.cli("-q", "up", check=0).stderr == ""


def test_the_target_of_a_password_url_is_shown_without_it(tmp_path: Path, pg_password_db) -> None:
    project = Project(tmp_path / "p", pg_password_db.url)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    result = project.cli("up", check=0)
    assert pg_password_db.password not in result.output
    assert f"Target: {_shown(project)}" in result.stderr and ":***@" in result.stderr


def test_database_url_over_a_url_in_lockgate_toml_is_said(project: Project, tmp_path: Path) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "lockgate.toml").write_text(f'database_url = "sqlite:///{tmp_path}/written.db"\n')
    result = project.cli("up", env={"DATABASE_URL": project.url}, database_url=False, check=0)
    lines = result.stderr.splitlines()
    assert lines[0] == "warn: DATABASE_URL overrides the database_url written in lockgate.toml.", result
    assert lines[1] == f"Target: {_shown(project)} (from DATABASE_URL)"
    assert set(project.ledger()) == {"0001_a"} and not (tmp_path / "written.db").exists()
    # Read-only commands say it too (once), and lockgate.toml asking for ${DATABASE_URL} is no override.
    status = project.cli("status", env={"DATABASE_URL": project.url}, database_url=False, check=0)
    assert status.stderr.count("DATABASE_URL overrides") == 1
    (project.dir / "lockgate.toml").write_text('database_url = "${DATABASE_URL}"\n')
    again = project.cli("up", env={"DATABASE_URL": project.url}, database_url=False, check=0)
    assert "warn" not in again.stderr and f"Target: {_shown(project)}" in again.stderr


def test_a_component_url_is_never_replaced_by_database_url(project: Project, tmp_path: Path) -> None:
    """One component or several: the URL it names is the one used (today one component's was replaced)."""
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "lockgate.toml").write_text(f'[components.app]\ndatabase_url = "{project.url}"\n')
    other = f"sqlite:///{tmp_path}/application.db"
    result = project.cli("up", env={"DATABASE_URL": other}, database_url=False, check=0)
    assert set(project.ledger()) == {"0001_a"} and not (tmp_path / "application.db").exists()
    assert ("warn: DATABASE_URL is set but not used: lockgate.toml [components.app] names its own database_url."
            in result.stderr)
    assert f"Target: {_shown(project)} (from lockgate.toml [components.app])" in result.stderr


def test_a_folder_of_migrations_without_configuration_asks_for_a_database(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE a (id SERIAL PRIMARY KEY);")
    for command in ("up", "status", "down"):
        line = one_line_error(project.cli(command, database_url=False), 2)
        assert line.startswith("error: Database: none configured") and "--database-url" in line, line
    assert sorted(p.name for p in project.dir.iterdir()) == ["migrations"]  # no lockgate.db, no logs/
    # Asked for, the SQLite default works; and so does the project lockgate init sets up.
    project.cli("--database-url", "sqlite:///lockgate.db", "up", database_url=False, check=0)
    assert (project.dir / "lockgate.db").is_file()
    fresh = Project(tmp_path / "fresh", "sqlite:///unused.db")
    fresh.cli("init", ".", database_url=False, check=0)
    assert 'database_url = "sqlite:///lockgate.db"' in (fresh.dir / "lockgate.toml").read_text()
    assert "Target: " + str(fresh.dir / "lockgate.db") in fresh.cli("up", database_url=False, check=0).stderr


def test_no_dry_run_writes_a_file(project: Project) -> None:
    """Neither logs/ nor (on SQLite) the database file: a dry run changes nothing, on disk either."""
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    for args in (("up", "--dry-run"), ("down", "--dry-run"), ("baseline", "1", "--dry-run"), ("status",)):
        project.cli(*args, check=0)
    assert sorted(p.name for p in project.dir.iterdir()) == ["migrations"]
    if project.engine == "sqlite":
        assert not Path(project.url.removeprefix("sqlite:///")).exists()


def test_the_examples_name_their_database(tmp_path: Path) -> None:
    """The README's first command: examples/quickstart says which SQLite file it uses."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    for toml in sorted((root / "examples").glob("*/lockgate.toml")):
        assert "database_url" in toml.read_text(), f"{toml} must name its database"
    work = tmp_path / "quickstart"
    shutil.copytree(root / "examples" / "quickstart", work)
    proc = subprocess.run([sys.executable, "-m", "lockgate", "up"], cwd=work, env=clean_env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(f"Target: {work / 'quickstart.db'} (from lockgate.toml)")
