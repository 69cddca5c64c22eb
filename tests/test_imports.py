"""Start-up stays light: help and SQLite work never load psycopg, pglast or rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _loaded_after(code: str, cwd: Path | None = None) -> set[str]:
    probe = (
        "import sys\n"
        f"sys.path.insert(0, {SRC!r})\n"
        f"{code}\n"
        "heavy = [m for m in ('psycopg', 'pglast', 'rich') if m in sys.modules]\n"
        "sys.stderr.write('LOADED=' + ','.join(heavy) + '\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, timeout=60)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("LOADED=")]
    assert line, proc.stderr
    return {m for m in line[-1][len("LOADED="):].split(",") if m}


def test_import_lockgate_is_light() -> None:
    assert _loaded_after("import lockgate") == set()


def test_help_is_light() -> None:
    code = ("from lockgate.cli.app import cli\n"
            "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == set()


def test_sqlite_status_never_loads_psycopg(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_a.up.sql").write_text("CREATE TABLE a (id INTEGER);\n")
    code = ("import lockgate\n"
            f"s = lockgate.load_settings({str(tmp_path)!r}, environ={{}}, database_url='sqlite:///lockgate.db')\n"
            "assert [m.state.value for m in lockgate.status(s)] == ['pending']")
    loaded = _loaded_after(code)
    assert "psycopg" not in loaded and "rich" not in loaded
