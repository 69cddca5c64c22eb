"""Configuration: lockgate.toml / [tool.lockgate] < env file < environment < flags."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_no_database_configured_is_an_error_saying_how_to_name_one(tmp_path: Path) -> None:
    """A folder of PostgreSQL migrations must never be applied to a new SQLite file nobody asked for."""
    from lockgate.config import NoDatabaseConfigured

    (tmp_path / "migrations").mkdir()
    with pytest.raises(NoDatabaseConfigured) as info:
        load_settings(tmp_path, environ={})
    message = str(info.value)
    assert info.value.exit_code == 2 and "\n" not in message
    assert message.startswith("Database: none configured")
    assert "--database-url" in message and "DATABASE_URL" in message and "lockgate init" in message
    (tmp_path / "lockgate.toml").write_text('migrations_dir = "migrations"\n')  # a file, but no URL in it
    with pytest.raises(NoDatabaseConfigured, match="lockgate.toml names no database_url"):
        load_settings(tmp_path, environ={})
    # Files-only work (lint, new) needs none until something connects.
    s = load_settings(tmp_path, environ={}, require_url=False)
    assert s.migrations_dir == tmp_path.resolve() / "migrations"
    assert s.log_file == tmp_path.resolve() / "logs" / "migrations.jsonl"
    with pytest.raises(NoDatabaseConfigured):
        s.database_url


def test_the_sqlite_default_is_used_when_asked_for(tmp_path: Path) -> None:
    for asked in ({"database_url": "sqlite:///lockgate.db"}, {"environ": {"DATABASE_URL": "sqlite:///lockgate.db"}}):
        s = load_settings(tmp_path, **{"environ": {}, **asked})  # type: ignore[arg-type]
        assert s.database_url.sqlite_path == tmp_path.resolve() / "lockgate.db"
    (tmp_path / "lockgate.toml").write_text('database_url = "sqlite:///lockgate.db"\n')  # as lockgate init writes
    assert load_settings(tmp_path, environ={}).database_url.sqlite_path == tmp_path.resolve() / "lockgate.db"


def test_database_url_overriding_a_url_written_in_the_file_says_so(proj: Path) -> None:
    s = load_settings(proj, environ={"DATABASE_URL": "sqlite:///from_env.db"})
    assert _db(s) == "from_env.db" and s.url_source == "DATABASE_URL"
    assert s.warnings == ("DATABASE_URL overrides the database_url written in lockgate.toml.",)
    assert load_settings(proj, environ={}).warnings == ()
    assert load_settings(proj, environ={}).url_source == "lockgate.toml"
    # A file that asks for DATABASE_URL gets what it asked for, without a word.
    (proj / "lockgate.toml").write_text('database_url = "${DATABASE_URL}"\n')
    s = load_settings(proj, environ={"DATABASE_URL": "sqlite:///from_env.db"})
    assert (_db(s), s.warnings, s.url_source) == ("from_env.db", (), "DATABASE_URL")
    (proj / "lockgate.toml").write_text('database_url = "${APP_DB}"\n')
    assert load_settings(proj, environ={"APP_DB": "sqlite:///a.db"}).url_source == "lockgate.toml (${APP_DB})"


def test_a_url_a_component_names_itself_is_never_overridden_by_database_url(tmp_path: Path) -> None:
    """Whether the project has one component or several, DATABASE_URL is the application's, not the component's."""
    one = '[components.analytics]\ndatabase_url = "sqlite:///an.db"\n'
    (tmp_path / "lockgate.toml").write_text(one)
    s = load_settings(tmp_path, environ={"DATABASE_URL": "sqlite:///app.db"})
    assert _db(s) == "an.db" and s.url_source == "lockgate.toml [components.analytics]"
    assert s.warnings == ("DATABASE_URL is set but not used: lockgate.toml [components.analytics] names its own "
                          "database_url.",)
    (tmp_path / "lockgate.toml").write_text(COMPONENTS)
    env = {"DB_URL": "sqlite:///op.db", "ANALYTICS_URL": "sqlite:///an.db", "DATABASE_URL": "sqlite:///app.db"}
    for name, db in (("operational", "op.db"), ("analytics", "an.db")):
        assert _db(load_settings(tmp_path, component=name, environ=env)) == db
    # The lockgate-specific variables and the flag still choose the component's database.
    assert _db(load_settings(tmp_path, component="analytics", environ={
        **env, "LOCKGATE_ANALYTICS_DATABASE_URL": "sqlite:///x.db"})) == "x.db"
    (tmp_path / "lockgate.toml").write_text(one)
    s = load_settings(tmp_path, environ={"DATABASE_URL": "sqlite:///app.db"}, database_url="sqlite:///flag.db")
    assert (_db(s), s.url_source, s.warnings) == ("flag.db", "--database-url", ())


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
    with pytest.raises(ConfigError, match="has no lockgate.toml"):  # the defaults do not stand in: no database
        load_settings(app, environ={})


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


# -- properties: precedence and ${VAR} interpolation, whatever the inputs -------------------------

# Each layer, lowest precedence first, with where it writes a setting KEY of component COMP.
# Environment variables come from the env file and the environment (the environment wins for
# the same variable); a component's own variable beats the generic one, wherever each comes from.
LAYERS = ("file", "component_table", "envfile_generic", "environ_generic", "envfile_specific",
          "environ_specific", "flag")
SETTING_VALUES = {"migrations_dir": lambda layer: f"dir_{layer}", "ledger_table": lambda layer: f"ledger_{layer}",
                  "lock_wait": lambda layer: str(LAYERS.index(layer) + 1)}


def _read_back(s, key: str) -> object:
    return {"migrations_dir": lambda: s.migrations_dir.name, "ledger_table": lambda: s.ledger_table,
            "lock_wait": lambda: s.lock_wait}[key]()


def _expected(key: str, value: str) -> object:
    return float(value) if key == "lock_wait" else value


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(sorted(SETTING_VALUES)), components=st.booleans(),
       present=st.sets(st.sampled_from(LAYERS)))
def test_the_highest_layer_that_sets_a_value_wins(key: str, components: bool, present: set[str]) -> None:
    import tempfile

    if not components:  # one component: no component table, no per-component variable
        present = {p for p in present if p in ("file", "envfile_generic", "environ_generic", "flag")}
    value = SETTING_VALUES[key]

    def toml_value(layer: str) -> object:  # lock_wait as a TOML number, the others as strings
        return _expected(key, value(layer))

    lines = [f"{key} = {json.dumps(toml_value('file'))}"] if "file" in present else []
    if components:
        lines += ["[components.orders]"]
        if "component_table" in present:
            lines += [f"{key} = {json.dumps(toml_value('component_table'))}"]
        lines += ["[components.billing]"]
    generic, specific = f"LOCKGATE_{key.upper()}", f"LOCKGATE_ORDERS_{key.upper()}"
    env_file = {generic: value("envfile_generic")} if "envfile_generic" in present else {}
    environ = {generic: value("environ_generic")} if "environ_generic" in present else {}
    if "envfile_specific" in present:
        env_file[specific] = value("envfile_specific")
    if "environ_specific" in present:
        environ[specific] = value("environ_specific")
    flags = {key: toml_value("flag")} if "flag" in present else {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lockgate.toml").write_text("\n".join(lines) + "\n")
        (root / "migrate.env").write_text("".join(f"{k}={v}\n" for k, v in env_file.items()))
        s = load_settings(root, component="orders" if components else None, env_file=root / "migrate.env",
                          environ=environ, require_url=False, **flags)  # no database: not what is tested
    winner = max(present, key=LAYERS.index, default=None)
    default = {"migrations_dir": "migrations", "ledger_table": "schema_migrations", "lock_wait": 60.0}[key]
    assert _read_back(s, key) == (default if winner is None else _expected(key, value(winner)))


VAR_NAME = st.from_regex(r"_?[A-Z][A-Z0-9_]{0,6}", fullmatch=True)  # what a dotenv file can name
PLAIN = st.text(alphabet=string.ascii_letters + string.digits + "_-.", max_size=6)


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(st.one_of(st.tuples(st.just("text"), PLAIN), st.tuples(st.just("$$"), st.just("")),
                                st.tuples(st.just("var"), VAR_NAME)), max_size=6),
       data=st.data())
def test_interpolation_substitutes_each_variable_and_keeps_dollar_dollar_literal(parts: list[tuple[str, str]],
                                                                                 data: st.DataObject) -> None:
    import tempfile

    names = sorted({name for kind, name in parts if kind == "var"})
    where = {n: data.draw(st.sampled_from(["environ", "envfile", "both", "nowhere"]), label=n) for n in names}
    values = {n: data.draw(PLAIN, label=f"value of {n}") for n in names}
    template = "m" + "".join({"text": v, "$$": "$$", "var": f"${{{v}}}"}[k] for k, v in parts)
    env_file = {n: "from_env_file" if where[n] == "both" else values[n] for n in names
                if where[n] in ("envfile", "both")}
    environ = {n: values[n] for n in names if where[n] in ("environ", "both")}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lockgate.toml").write_text(f"migrations_dir = {json.dumps(template)}\n")
        (root / "migrate.env").write_text("".join(f"{k}={v}\n" for k, v in env_file.items()))
        unset = [n for n in names if where[n] == "nowhere"]
        if unset:
            with pytest.raises(ConfigError) as info:
                load_settings(root, env_file=root / "migrate.env", environ=environ, require_url=False)
            assert any(f"${{{n}}}" in info.value.message for n in unset), info.value.message
            assert info.value.exit_code == 2
            return
        s = load_settings(root, env_file=root / "migrate.env", environ=environ, require_url=False)
        # The environment beats the env file for the same variable; $$ is one literal dollar.
        expected = "m" + "".join({"text": v, "$$": "$", "var": values.get(v, "")}[k] for k, v in parts)
        assert s.migrations_dir == root.resolve() / expected
