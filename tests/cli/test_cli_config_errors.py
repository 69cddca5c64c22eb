"""A configuration mistake stops every command with one line that names the file it is in (exit 2)."""

from __future__ import annotations

from pathlib import Path

from fixtures.projects import Project, one_line_error



def _project(tmp_path: Path, pyproject: str) -> Project:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE IF NOT EXISTS a (id INTEGER);", "DROP TABLE IF EXISTS a;")
    (project.dir / "pyproject.toml").write_text('[project]\nname = "app"\n\n' + pyproject)
    return project


def test_a_malformed_pyproject_stops_lint_and_status(tmp_path: Path) -> None:
    """Not the default settings (and the default SQLite database) in its place."""
    project = _project(tmp_path, '[tool.lockgate.lint]\nfail_on = "warning\n')
    for args in (("lint",), ("status",), ("lint", "migrations/0001_a.up.sql")):
        line = one_line_error(project.cli(*args, database_url=False), 2)
        assert "pyproject.toml is not valid TOML" in line and "line 5" in line, line
    assert not (project.dir / "lockgate.db").exists()


def test_a_bad_lint_setting_in_pyproject_names_it(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.lockgate.lint]\nfail_on = "warn"\n')
    for command in ("lint", "status"):
        line = one_line_error(project.cli(command, database_url=False), 2)
        assert line.startswith("error: pyproject.toml [tool.lockgate]: Setting lint.fail_on"), line


def test_named_files_and_stdin_do_not_fall_back_to_the_defaults(tmp_path: Path) -> None:
    """The [lint] table may turn rules on or off: a broken file must not be linted past with the defaults."""
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE IF NOT EXISTS a (id INTEGER);", "DROP TABLE IF EXISTS a;")
    (project.dir / "lockgate.toml").write_text('[lint]\nfail_on = "warning\n')
    for args in (("lint", "migrations/0001_a.up.sql"), ("lint", "-"),
                 ("lint", "-", "--stdin-filename", "migrations/0001_a.up.sql")):
        line = one_line_error(project.cli(*args, database_url=False, input="SELECT 1;"), 2)
        assert "lockgate.toml is not valid TOML" in line, line
    (project.dir / "lockgate.toml").write_text('[lint]\nfail_on = "warn"\n')
    line = one_line_error(project.cli("lint", "migrations/0001_a.up.sql", database_url=False), 2)
    assert line.startswith("error: lockgate.toml: Setting lint.fail_on"), line
