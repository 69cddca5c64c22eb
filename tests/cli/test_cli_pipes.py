"""A reader that leaves early (`lockgate lint | head -1`, `| true`): no traceback, no
"Exception ignored", and the exit status the command has with the reader still there."""

from __future__ import annotations

import subprocess

import pytest

from fixtures.projects import Project, clean_env

UNSAFE = "CREATE INDEX idx_users_email ON users (email);\n"
SAFE = "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;\n"


def closed_early(project: Project, *args: str, close_stderr: bool = False) -> tuple[int, str]:
    """Run lockgate with standard output a pipe whose only reader is gone before the first write."""
    proc = project.spawn(*args)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    if close_stderr:
        proc.stderr.close()
        return proc.wait(timeout=120), ""
    stderr = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=120), stderr


@pytest.mark.parametrize("up, code", [(SAFE, 0), (UNSAFE, 1)], ids=["clean", "failing"])
def test_lint_exits_by_its_findings_when_the_reader_has_gone(sqlite_project: Project, up: str, code: int) -> None:
    sqlite_project.add("0001_users", up, "SELECT 1;")
    for fmt in ("text", "json"):
        assert closed_early(sqlite_project, "lint", "--format", fmt) == (code, "")
    assert closed_early(sqlite_project, "lint", close_stderr=True)[0] == code


def test_status_and_help_exit_zero_when_the_reader_has_gone(sqlite_project: Project) -> None:
    for i in range(1, 40):
        sqlite_project.add(f"{i:04d}_t{i}", f"CREATE TABLE t{i} (id INTEGER);", f"DROP TABLE t{i};")
    sqlite_project.cli("up", check=0)
    assert closed_early(sqlite_project, "status") == (0, "39 applied\n")  # the count goes to stderr
    assert closed_early(sqlite_project, "--help") == (0, "")
    status = " ".join(sqlite_project.command("status")) + " | head -1; exit ${PIPESTATUS[0]}"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", status], cwd=sqlite_project.dir, env=clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout.count("\n")) == (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("up, code", [(SAFE, 0), (UNSAFE, 1)], ids=["clean", "failing"])
def test_shell_pipelines(sqlite_project: Project, up: str, code: int) -> None:
    """Whether the reader leaves before or after lockgate writes, the status is the same."""
    sqlite_project.add("0001_users", up, "SELECT 1;")
    lint = " ".join(sqlite_project.command("lint"))
    for pipeline in (f"{lint} | true", f"{lint} | head -1", f"{lint} --json | head -c 1"):
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline + "; exit ${PIPESTATUS[0]}"],
                              cwd=sqlite_project.dir, env=clean_env(), capture_output=True, text=True, timeout=120)
        assert (proc.returncode, proc.stderr) == (code, ""), pipeline
