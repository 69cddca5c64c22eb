"""The real `python -m lockgate` process: a SQLite status never loads psycopg or rich
(tests/test_imports.py checks the in-process imports), and --version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures.projects import clean_env, write_migration

PROBE = """
import runpy, sys
sys.argv = ["lockgate", *sys.argv[1:]]
try:
    runpy.run_module("lockgate", run_name="__main__")
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("psycopg", "pglast", "rich") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def _heavy(args: list[str], cwd: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    return [line for line in proc.stderr.splitlines() if line.startswith("HEAVY=")][-1][len("HEAVY="):]


def test_sqlite_status_does_not_load_psycopg(tmp_path: Path) -> None:
    write_migration(tmp_path / "migrations", "0001_a", "CREATE TABLE a (id INTEGER);")
    heavy = _heavy(["--database-url", f"sqlite:///{tmp_path}/x.db", "status"], tmp_path)
    assert "psycopg" not in heavy and "rich" not in heavy


def test_python_m_lockgate_and_version(tmp_path: Path) -> None:
    import lockgate

    proc = subprocess.run([sys.executable, "-m", "lockgate", "--version"], cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and lockgate.__version__ in proc.stdout
