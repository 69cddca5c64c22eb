"""Colour and progress on a terminal; plain text in a pipe or with NO_COLOR."""

from __future__ import annotations

from fixtures.projects import Project

ESC = "\x1b["


def _many(project: Project, n: int = 25) -> None:
    for i in range(1, n + 1):
        project.add(f"{i:04d}_t{i}", f"CREATE TABLE t{i} (id INTEGER);", f"DROP TABLE t{i};")


def test_pipe_output_has_no_escape_codes(sqlite_project: Project) -> None:
    _many(sqlite_project)
    result = sqlite_project.cli("up", check=0)
    assert ESC not in result.stdout and ESC not in result.stderr
    assert "Applied 25 migration(s)" in result.stdout
    status = sqlite_project.cli("status", check=0)
    assert ESC not in status.stdout


def test_terminal_gets_colour_and_a_progress_bar(sqlite_project: Project) -> None:
    _many(sqlite_project)
    result = sqlite_project.cli("up", env={"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}, check=0)
    assert ESC in result.stdout
    assert "25/25" in result.stderr  # rich's progress bar: M of N completed


def test_no_color_wins_over_force(sqlite_project: Project) -> None:
    _many(sqlite_project)
    result = sqlite_project.cli("up", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, check=0)
    assert ESC not in result.stdout and ESC not in result.stderr
