"""Configuration: lockgate.toml / [tool.lockgate] < env file < environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate import load_settings
from lockgate.errors import ConfigError, UnknownComponentError

from fixtures.projects import COMPONENTS_TOML


def _db(settings) -> str:  # the SQLite file name a Settings points at
    return settings.database_url.sqlite_path.name


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///from_toml.db"\nmigrations_dir = "db/m"\n')
    (tmp_path / "migrate.env").write_text("# comment\nexport DATABASE_URL='sqlite:///from_envfile.db'\n")
    return tmp_path


def test_no_configuration_at_all_is_sqlite_in_the_project_folder(tmp_path: Path) -> None:
    s = load_settings(tmp_path, environ={})
    assert s.database_url.engine == "sqlite"
    assert s.database_url.sqlite_path.parent == tmp_path.resolve()
    assert s.migrations_dir == tmp_path.resolve() / "migrations"
    assert s.log_file == tmp_path.resolve() / "logs" / "migrations.jsonl"


def test_toml_is_read(proj: Path) -> None:
    s = load_settings(proj, environ={})
    assert _db(s) == "from_toml.db"
    assert s.migrations_dir == proj.resolve() / "db" / "m"


def test_env_file_beats_toml(proj: Path) -> None:
    assert _db(load_settings(proj, env_file=proj / "migrate.env", environ={})) == "from_envfile.db"


def test_environment_beats_env_file(proj: Path) -> None:
    s = load_settings(proj, env_file=proj / "migrate.env", environ={"DATABASE_URL": "sqlite:///from_env.db"})
    assert _db(s) == "from_env.db"


def test_flag_beats_environment(proj: Path) -> None:
    s = load_settings(proj, env_file=proj / "migrate.env", environ={"DATABASE_URL": "sqlite:///from_env.db"},
                      database_url="sqlite:///from_flag.db")
    assert _db(s) == "from_flag.db"


def test_lockgate_prefixed_variables(proj: Path) -> None:
    s = load_settings(proj, environ={"LOCKGATE_MIGRATIONS_DIR": "other", "LOCKGATE_AUTO_RECOVER": "false",
                                     "LOCKGATE_LOCK_WAIT": "7"})
    assert s.migrations_dir == proj.resolve() / "other"
    assert s.auto_recover is False
    assert s.lock_wait == 7.0


def test_interpolation_from_environment_and_env_file(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('database_url = "postgresql://app:${DB_PASSWORD}@db:5432/${DB_NAME}"\n')
    (tmp_path / "migrate.env").write_text("DB_NAME=shop\n")
    s = load_settings(tmp_path, env_file=tmp_path / "migrate.env", environ={"DB_PASSWORD": "pw_from_env"})
    assert s.database_url.password == "pw_from_env"
    assert s.database_url.secret().endswith("/shop")
    assert "pw_from_env" not in str(s) and "pw_from_env" not in repr(s)


def test_unset_variable_is_named(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('database_url = "${NOT_SET_ANYWHERE}"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert "NOT_SET_ANYWHERE" in str(info.value)
    assert info.value.exit_code == 2


def test_unset_variable_is_no_error_when_a_flag_overrides_it(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('database_url = "${NOT_SET_ANYWHERE}"\n')
    assert _db(load_settings(tmp_path, environ={}, database_url="sqlite:///x.db")) == "x.db"


def test_tool_lockgate_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.lockgate]\ndatabase_url = "sqlite:///from_pyproject.db"\n'
        'migrations_dir = "sql"\n')
    s = load_settings(tmp_path, environ={})
    assert _db(s) == "from_pyproject.db"
    assert s.migrations_dir.name == "sql"


def test_lockgate_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lockgate]\ndatabase_url = "sqlite:///from_pyproject.db"\n')
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///from_toml.db"\n')
    assert _db(load_settings(tmp_path, environ={})) == "from_toml.db"


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///x.db\nmigrations_dir = [\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert "lockgate.toml" in str(info.value)
    assert info.value.exit_code == 2


def test_unknown_setting_suggests_the_right_one(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text('migration_dir = "m"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert "migrations_dir" in str(info.value)


def test_malformed_env_file_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.env").write_text("DATABASE_URL=sqlite:///x.db\nthis is not a pair\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env_file=tmp_path / "bad.env", environ={})
    assert "bad.env:2" in str(info.value)


def test_missing_env_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path, env_file=tmp_path / "nope.env", environ={})


COMPONENTS = COMPONENTS_TOML


def test_components_each_have_their_url_and_folder(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    env = {"DB_URL": "sqlite:///op.db", "ANALYTICS_URL": "sqlite:///an.db"}
    op = load_settings(tmp_path, component="operational", environ=env)
    an = load_settings(tmp_path, component="analytics", environ=env)
    assert (_db(op), op.migrations_dir.name, op.component) == ("op.db", "operational", "operational")
    assert (_db(an), an.migrations_dir.name, an.component) == ("an.db", "analytics", "analytics")


def test_a_component_needs_only_its_own_variables(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    assert _db(load_settings(tmp_path, component="analytics", environ={"ANALYTICS_URL": "sqlite:///an.db"})) == "an.db"


def test_per_component_environment_variable(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    env = {"DB_URL": "sqlite:///op.db", "ANALYTICS_URL": "sqlite:///an.db",
           "LOCKGATE_ANALYTICS_DATABASE_URL": "sqlite:///an_override.db"}
    assert _db(load_settings(tmp_path, component="analytics", environ=env)) == "an_override.db"
    assert _db(load_settings(tmp_path, component="operational", environ=env)) == "op.db"


def test_unknown_component_suggests_a_known_one(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    with pytest.raises(UnknownComponentError) as info:
        load_settings(tmp_path, component="analytic", environ={})
    assert "analytics" in str(info.value)
    assert info.value.exit_code == 2


def test_several_components_and_none_chosen_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={"DB_URL": "sqlite:///a.db", "ANALYTICS_URL": "sqlite:///b.db"})
    assert "--component" in str(info.value)


# -- a pyproject.toml that cannot be read, and errors that name their file ---------------------------

BROKEN_PYPROJECT = '[project]\nname = "app"\n\n[tool.lockgate.lint]\nfail_on = "warning\n'  # no closing quote


def test_malformed_pyproject_is_an_error_naming_its_line(tmp_path: Path) -> None:
    """Not the defaults in its place: its [tool.lockgate] may be what is broken."""
    from lockgate.config import find_project_dir

    (tmp_path / "pyproject.toml").write_text(BROKEN_PYPROJECT)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert "pyproject.toml" in info.value.message and "line 5" in info.value.message
    assert "[tool.lockgate]" in info.value.hint
    assert info.value.exit_code == 2 and "\n" not in str(info.value)
    with pytest.raises(ConfigError):  # also when looking for the project from a subfolder
        find_project_dir(tmp_path / "migrations")


def test_malformed_pyproject_without_tool_lockgate_is_an_error_too(tmp_path: Path) -> None:
    """As for ruff and black: it cannot be told whether it holds a [tool.lockgate] table."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert "pyproject.toml" in str(info.value) and "line 2" in str(info.value)


def test_valid_pyproject_without_tool_lockgate_is_not_a_config(tmp_path: Path) -> None:
    from lockgate.config import find_config, find_project_dir

    (tmp_path / ".git").mkdir()
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///top.db"\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n')
    assert find_config(app) is None
    assert find_project_dir(app) == tmp_path.resolve()
    assert _db(load_settings(app, environ={})) == "lockgate.db"


def test_lockgate_toml_beside_a_malformed_pyproject_is_read_alone(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BROKEN_PYPROJECT)
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///from_toml.db"\n')
    assert _db(load_settings(tmp_path, environ={})) == "from_toml.db"


@pytest.mark.parametrize("file, where", [("lockgate.toml", "lockgate.toml: "),
                                         ("pyproject.toml", "pyproject.toml [tool.lockgate]: ")])
@pytest.mark.parametrize("table, setting", [
    ({"lint": {"fail_on": "warn"}}, "lint.fail_on"),
    ({"lint": {"rules": {"drop-tabel": "off"}}}, "drop-table"),
    ({"lint": {"colour": True}}, "lint.colour"),
    ({"lock_wait": "soon"}, "lock_wait"),
    ({"auto_recover": "maybe"}, "auto_recover"),
    ({"ledger_table": "a.b.c"}, "ledger_table"),
    ({"migration_dir": "m"}, "migrations_dir"),
    ({"database_url": "mysql://db/app"}, "mysql"),
    ({"lint": 3}, "lint"),
])
def test_a_bad_setting_names_its_file(tmp_path: Path, file: str, where: str, table: dict[str, object],
                                      setting: str) -> None:
    (tmp_path / file).write_text(_toml(table, "[tool.lockgate]" if file == "pyproject.toml" else ""))
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert info.value.message.startswith(where), info.value.message
    assert setting in info.value.message
    assert info.value.exit_code == 2


def test_a_bad_setting_of_a_component_names_its_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.lockgate.components.analytics]\nlint = { fail_on = "warn" }\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert info.value.message.startswith("pyproject.toml [tool.lockgate.components.analytics]: Setting lint.fail_on")


def test_a_bad_value_from_the_environment_names_the_variable_not_the_file(proj: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(proj, environ={"LOCKGATE_LOCK_WAIT": "soon"})
    assert info.value.message.startswith("LOCKGATE_LOCK_WAIT: Setting lock_wait")
    with pytest.raises(ConfigError) as info:
        load_settings(proj, environ={"DATABASE_URL": "mysql://db/app"})
    assert info.value.message.startswith("DATABASE_URL: ") and "lockgate.toml" not in info.value.message
    # lint, which never connects, meets the same message when (if) the URL is read.
    unresolved = load_settings(proj, environ={"DATABASE_URL": "mysql://db/app"}, require_url=False)
    with pytest.raises(ConfigError, match="^DATABASE_URL: "):
        _ = unresolved.database_url


def _toml(table: dict[str, object], header: str) -> str:
    """``table`` as TOML under ``header`` ("" for the top of lockgate.toml); inline tables for dicts."""
    import json

    def value(v: object) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)

    lines = [header] if header else []
    return "\n".join(lines + [f"{k} = {value(v)}" for k, v in table.items()]) + "\n"
