"""The PostgreSQL fixture: skipped locally when no server can be had, a loud failure under CI=true."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.postgres import PgServer
from fixtures.projects import ROOT, clean_env, query

PROBE_TEST = """
def test_needs_pg(pg_url):
    pass
"""


def _run_inner(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE_TEST)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
         "-c", str(ROOT / "pyproject.toml"), "--confcutdir", str(ROOT / "tests"),
         "-o", "testpaths=", f"--override-ini=pythonpath={ROOT / 'tests'}",
         str(tmp_path / "test_probe.py"), "-p", "fixtures.postgres", "-p", "fixtures.projects"],
        cwd=tmp_path, env=clean_env({**env, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'tests'}"}),
        capture_output=True, text=True, timeout=120)


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"postgresql://postgres@127.0.0.1:{s.getsockname()[1]}/postgres"


def test_unusable_server_is_a_skip_locally(tmp_path: Path) -> None:
    proc = _run_inner(tmp_path, {"LOCKGATE_TEST_DATABASE_URL": _dead_url(), "LOCKGATE_TEST_CONNECT_WAIT": "0"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout


def test_unusable_server_fails_the_run_under_ci(tmp_path: Path) -> None:
    proc = _run_inner(tmp_path, {"LOCKGATE_TEST_DATABASE_URL": _dead_url(), "LOCKGATE_TEST_CONNECT_WAIT": "0",
                                 "CI": "true"})
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "PostgreSQL is not available" in proc.stdout + proc.stderr


def test_each_test_gets_a_fresh_empty_database(pg_url: str, pg_server: PgServer) -> None:
    name = query(pg_url, "SELECT current_database()")[0][0]
    assert name.startswith("lockgate_test_") and name in pg_server.created_dbs
    assert query(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


def test_drop_refuses_databases_it_did_not_create(pg_server: PgServer) -> None:
    with pytest.raises(AssertionError):
        pg_server.drop_database("postgres")
