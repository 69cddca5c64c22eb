"""The README is the front door: its commands and its Python example must work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_setup_commands() -> None:
    blocks = _bash_blocks()
    first, second = blocks[0].strip(), blocks[1].strip()
    assert "pip install" in first and "lockgate up" in first and "lockgate status" in first
    assert "pip install" in second and "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci, ".ci/run must run exactly the README's test command"


def test_quickstart_command_runs(tmp_path: Path) -> None:
    """The first command, minus the install: apply the example and show status."""
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "qs",
                    ignore=shutil.ignore_patterns("*.db", "logs"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    env.pop("DATABASE_URL", None)
    for args in (["up"], ["status"]):
        proc = subprocess.run([sys.executable, "-m", "lockgate", *args], cwd=tmp_path / "qs", env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
    assert "0010_add_products  applied" in proc.stdout
    assert (tmp_path / "qs" / "quickstart.db").exists()


def test_python_api_example_runs(tmp_path: Path) -> None:
    block = re.search(r"## Python API\n.*?```python\n(.*?)```", README, flags=re.S)
    assert block is not None
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.db", "logs"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", block.group(1)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "0010_add_products applied" in proc.stdout


def test_python_lint_example_runs(tmp_path: Path) -> None:
    section = re.search(r"## Python API\n(.*?)\n## ", README, flags=re.S)
    assert section is not None
    blocks = re.findall(r"```python\n(.*?)```", section.group(1), flags=re.S)
    (block,) = [b for b in blocks if "lint_project" in b]
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_index.up.sql").write_text("CREATE INDEX i ON t (c);\n")
    (tmp_path / "migrations" / "0001_index.down.sql").write_text("DROP INDEX IF EXISTS i;\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("1 [") and "0001_index.up.sql:1:1" in lines[0]
    assert any(line.startswith("::error file=migrations/0001_index.up.sql,line=1") for line in lines)
    assert lines[-1] == "index-not-concurrent"
