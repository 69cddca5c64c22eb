"""The shipped examples work end to end (copied to a temporary folder first)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fixtures.projects import ROOT, Project

EXAMPLES = ROOT / "examples"


def _copy(name: str, dest: Path) -> Path:
    src = EXAMPLES / name
    assert src.is_dir(), f"examples/{name} is missing"
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.db", "*.lockgate-lock", "logs"))
    return dest


def test_phase2_example_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    project = Project(_copy("phase2", tmp_path / "phase2"), pg_url)
    env = {"DATABASE_URL": pg_url}  # the example's lockgate.toml says ${DATABASE_URL}
    project.cli("up", database_url=False, env=env, check=0)
    assert {"sessions", "verification_tokens", "audit_events"} <= project.tables()
    assert {"idx_audit_user_id", "idx_audit_created_at"} <= project.indexes()
    invalid = project.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
    assert invalid == [(0,)]
    status = json.loads(project.cli("status", "--json", database_url=False, env=env, check=0).stdout)
    assert len(status) == 3 and {r["state"] for r in status} == {"applied"}
    project.cli("down", "--to", "0", database_url=False, env=env, check=0)
    assert not {"sessions", "verification_tokens", "audit_events"} & project.tables()
    project.cli("up", database_url=False, env=env, check=0)
    project.cli("verify", database_url=False, env=env, check=0)


def test_quickstart_example_on_the_embedded_default(tmp_path: Path) -> None:
    project = Project(_copy("quickstart", tmp_path / "quickstart"), "sqlite:///unused.db")
    project.cli("up", database_url=False, check=0)
    status = json.loads(project.cli("status", "--json", database_url=False, check=0).stdout)
    assert status and {r["state"] for r in status} == {"applied"}
    assert list(project.dir.glob("*.db"))
    project.cli("down", "--to", "0", database_url=False, check=0)
    project.cli("up", database_url=False, check=0)
    project.cli("verify", database_url=False, check=0)
