"""Commands that never connect work while lockgate.toml's ${DATABASE_URL} is unset (as in CI);
the ones that connect say which variable is missing, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import lockgate
from lockgate.errors import ConfigError

from fixtures.projects import Project


def test_settings_without_a_url_fail_only_when_the_url_is_used(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('database_url = "postgresql://app:${DB_PASSWORD}@db/shop"\n'
                                            'migrations_dir = "sql"\n')
    with pytest.raises(ConfigError, match="DB_PASSWORD"):
        lockgate.load_settings(tmp_path, environ={})
    offline = lockgate.load_settings(tmp_path, environ={}, require_url=False)
    assert offline.migrations_dir == tmp_path.resolve() / "sql"
    with pytest.raises(ConfigError, match="DB_PASSWORD") as info:
        offline.database_url
    assert info.value.exit_code == 2
    online = lockgate.load_settings(tmp_path, environ={"DB_PASSWORD": "Sup3rSecret"}, require_url=False)
    assert online.database_url.password == "Sup3rSecret" and "Sup3rSecret" not in repr(online)


def test_new_needs_no_database_url(sqlite_project: Project) -> None:
    (sqlite_project.dir / "lockgate.toml").write_text('database_url = "${DATABASE_URL}"\n')
    created = sqlite_project.cli("new", "add_products", database_url=False, check=0)
    assert "_add_products.up.sql" in created.stdout
    status = sqlite_project.cli("status", database_url=False)
    assert status.returncode == 2 and status.stderr.count("\n") == 1
    assert "variable ${DATABASE_URL} is not set" in status.stderr and "Traceback" not in status.stderr
