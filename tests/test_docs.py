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
