"""Settings: lockgate.toml (or [tool.lockgate]) < env file < environment < flags.

A project file looks like::

    database_url = "${DATABASE_URL}"        # ${VAR} keeps secrets out of the file
    migrations_dir = "migrations"

    [components.analytics]
    database_url = "${ANALYTICS_URL}"
    migrations_dir = "db/analytics"

No database is guessed: with no URL from a flag, the environment or the file,
:attr:`Settings.database_url` is a :class:`ConfigError` saying how to name one
(``lockgate init`` writes ``database_url = "sqlite:///lockgate.db"``, the embedded
default, into the file it creates). ``DATABASE_URL``, the application's variable,
stands in for a URL written at the top of the file (with a warning unless that URL
is ``${DATABASE_URL}``), never for one a component names itself.

An error about a value starts with where the value came from: ``lockgate.toml:``,
``pyproject.toml [tool.lockgate]:``, ``lockgate.toml [components.analytics]:`` or the
variable, ``LOCKGATE_LOCK_WAIT:``.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import ConfigError, UnknownComponentError
from .urls import DatabaseUrl

DEFAULT_COMPONENT = "default"
DEFAULT_URL = "sqlite:///lockgate.db"  # what `lockgate init` writes: the embedded default, asked for
_DATABASE_URL_REFS = ("${DATABASE_URL}", "$DATABASE_URL")
_KEYS = {"database_url", "migrations_dir", "ledger_table", "history_table", "log_file",
         "lock_wait", "auto_recover", "lint_on_up", "lint", "components", "allow_out_of_order", "post_checks",
         "checks", "allow_non_empty", "schema_file", "schema_dump_on_up",
         *("lock_timeout", "statement_timeout", "retry_for", "time_budget", "cancel_older_than", "cancel_grace")}
# Times of lockgate.safety (lock-queue protection), in seconds once parsed; 0 turns one off.
_SAFETY_DEFAULTS = {"lock_timeout": 1.0, "statement_timeout": 0.0, "retry_for": 60.0, "time_budget": 600.0,
                    "cancel_older_than": 10.0, "cancel_grace": 5.0}


@dataclass(frozen=True)
class Settings:
    """Everything one command needs for one component. Renders without secrets.

    Settings loaded with ``require_url=False`` (for work that reads files only, like
    ``lockgate lint``) hold the error an unset ``${VAR}`` or a malformed URL met instead
    of the URL, and raise it from :attr:`database_url` when something connects.
    """

    project_dir: Path
    component: str
    database_url_or_error: DatabaseUrl | ConfigError
    migrations_dir: Path
    ledger_table: str = "schema_migrations"
    log_file: Path | None = None
    lock_wait: float = 60.0
    auto_recover: bool = True
    lint_on_up: bool = True
    allow_out_of_order: bool = False
    allow_non_empty: bool = False  # up may create its ledger in a database that already holds tables
    schema_file: Path | None = None  # lockgate schema dump/check (lockgate.schema); None: schema.sql in the project
    schema_dump_on_up: bool = False  # up and down rewrite schema_file after success
    lint: Mapping[str, Any] = field(default_factory=dict)
    post_checks: Mapping[str, Any] = field(default_factory=dict)  # [post_checks] (lockgate.safety.postchecks)
    components: tuple[str, ...] = (DEFAULT_COMPONENT,)
    # Where the URL came from, as a user would name it: --database-url, DATABASE_URL, lockgate.toml ...
    url_source: str = ""
    # What the user should hear before anything runs (a URL written in the file that DATABASE_URL overrides).
    warnings: tuple[str, ...] = ()
    # Lock-queue protection (PostgreSQL; see lockgate.safety): seconds, 0 meaning off/none.
    lock_timeout: float = 1.0
    statement_timeout: float = 0.0  # none beyond the run's remaining time budget
    retry_for: float = 60.0  # per migration, pauses included
    time_budget: float = 600.0  # per run
    cancel_older_than: float = 10.0  # --cancel-blockers: only transactions open longer than this
    cancel_grace: float = 5.0  # --cancel-blockers: terminate a cancelled blocker still there after this
    checks: Mapping[str, Any] = field(default_factory=dict)  # [checks]: see lockgate.safety.thresholds

    @property
    def database_url(self) -> DatabaseUrl:
        """The database URL; raises the :class:`ConfigError` resolving it met (see above)."""
        if isinstance(self.database_url_or_error, ConfigError):
            raise self.database_url_or_error.with_traceback(None)
        return self.database_url_or_error

    @property
    def history_table(self) -> str:
        return self.ledger_table + "_history"


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a dotenv file: KEY=VALUE lines, `export` prefix, quotes, # comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Env file {path} does not exist.", hint="Check the --env-file path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Env file {path} cannot be read: {exc}.") from None
    values: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum():
            raise ConfigError(f"Env file {path}:{n} is not KEY=VALUE.",
                              hint="Write one KEY=VALUE per line (dotenv format).")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def _interpolate(value: Any, env: Mapping[str, str], where: str) -> Any:
    if isinstance(value, str) and "$" in value:
        try:
            return string.Template(value).substitute(env)
        except KeyError as exc:
            raise ConfigError(f"{where}: variable ${{{exc.args[0]}}} is not set.",
                              hint=f"Export {exc.args[0]}, or put it in the --env-file.") from None
        except ValueError:
            raise ConfigError(f"{where}: malformed ${{...}} reference.",
                              hint="Write ${NAME}; write $$ for a literal dollar sign.") from None
    if isinstance(value, dict):
        return {k: _interpolate(v, env, f"{where}.{k}") for k, v in value.items()}
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; a :class:`ConfigError` naming it (and, for bad syntax, the line) when it cannot be read."""
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.", hint="Check the --config path, or run lockgate init.") from None
    except tomllib.TOMLDecodeError as exc:
        # A pyproject.toml is read even when it turns out to hold nothing for lockgate: say why.
        why = (" (lockgate reads its [tool.lockgate] table there, as ruff and black read theirs)"
               if path.name == "pyproject.toml" else "")
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.",
                          hint=f"Fix the syntax at that line{why}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} cannot be read: {exc}.") from None


def _load_toml(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = _tool_table(data)
        if not isinstance(table, dict):
            raise ConfigError(f"Config file {path}: tool.lockgate must be a table ([tool.lockgate]).")
        return dict(table)
    return dict(data.get("lockgate", data))


def _tool_table(pyproject: Mapping[str, Any]) -> Any:
    """``[tool.lockgate]`` of a parsed pyproject.toml; None when it has none."""
    tool = pyproject.get("tool")
    return tool.get("lockgate") if isinstance(tool, dict) else None


def find_config(project_dir: Path) -> Path | None:
    """lockgate.toml, else a pyproject.toml that has [tool.lockgate].

    A pyproject.toml that is not valid TOML is a :class:`ConfigError`, as it is for ruff
    and black: it may hold [tool.lockgate], and the defaults must not stand in for it silently.
    """
    candidate = project_dir / "lockgate.toml"
    if candidate.is_file():
        return candidate
    pyproject = project_dir / "pyproject.toml"
    if pyproject.is_file() and _tool_table(_read_toml(pyproject)) is not None:
        return pyproject
    return None


def find_project_dir(start: Path) -> Path:
    """The folder whose configuration applies at ``start``: the nearest of ``start`` and its parents
    holding lockgate.toml (or a pyproject.toml with [tool.lockgate]), not above the top of a git
    work tree, as git and ruff look; ``start`` itself when there is none (the defaults apply there).

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp()).resolve()
    >>> _ = (top / "lockgate.toml").write_text("")
    >>> (top / "migrations").mkdir()
    >>> find_project_dir(top / "migrations") == top
    True
    """
    here = start.resolve()
    for folder in (here, *here.parents):
        if find_config(folder) is not None:
            return folder
        if (folder / ".git").exists():
            break
    return here


def _table_name(source: Path | None, component: str | None = None) -> str:
    """How messages name a table of the config file; "" with no file.

    >>> _table_name(Path("pyproject.toml"), "analytics"), _table_name(Path("lockgate.toml"))
    ('pyproject.toml [tool.lockgate.components.analytics]', 'lockgate.toml')
    """
    if source is None:
        return ""
    if source.name == "pyproject.toml":
        return f"{source.name} [tool.lockgate{f'.components.{component}' if component else ''}]"
    return source.name + (f" [components.{component}]" if component else "")


def _located(exc: ConfigError, where: str) -> ConfigError:
    """``exc`` with the place its value came from in front: ``pyproject.toml [tool.lockgate]: Setting ...``.

    Changed in place, so that a subclass (UrlError) and its facts stay; ``where`` "" leaves it as it is.
    """
    if where:
        exc.message = f"{where}: {exc.message}"
        exc.args = (exc.message,)
    return exc


def _as_bool(value: Any, name: str, where: str = "") -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off", ""):
        return False
    raise _located(ConfigError(f"Setting {name} must be true or false, not {value!r}."), where)


def _as_duration(value: Any, name: str, where: str = "") -> float:
    """Seconds from ``5s``, ``500ms``, ``2m`` or a bare number; NaN, negatives and other units refused."""
    from .durations import parse_duration

    try:
        return parse_duration(value, name=name)
    except ConfigError as exc:
        raise _located(exc, where) from None


@dataclass(frozen=True)
class ProjectConfig:
    """The merged configuration of a project, before a component is chosen."""

    project_dir: Path
    base: Mapping[str, Any]
    components: Mapping[str, Mapping[str, Any]]
    env: Mapping[str, str]
    flags: Mapping[str, Any]
    source: Path | None = None

    @property
    def component_names(self) -> tuple[str, ...]:
        return tuple(self.components) if self.components else (DEFAULT_COMPONENT,)

    def settings(self, component: str | None = None, *, require_url: bool = True) -> Settings:
        """One component's settings. ``require_url=False``: a database URL that cannot be resolved is
        no error until :attr:`Settings.database_url` is read (lint needs the folders, not the database)."""
        names = self.component_names
        if component in (None, ""):
            component = names[0] if len(names) == 1 else None
            if component is None:
                raise ConfigError(f"This project has several components ({', '.join(names)}); choose one.",
                                  hint="Pass --component NAME (or --component all for status, up, verify, history and lint).")
        assert component is not None
        if self.components and component not in self.components:
            raise UnknownComponentError(component, names)
        if not self.components and component != DEFAULT_COMPONENT:
            raise UnknownComponentError(component, names)
        merged: dict[str, Any] = dict(self.base)
        merged.pop("components", None)
        own = self.components.get(component, {})
        merged.update(own)
        if isinstance(self.base.get("checks"), dict) and isinstance(own.get("checks"), dict):
            # A component's [components.NAME.checks] overrides single thresholds, not the whole table.
            merged["checks"] = {**self.base["checks"], **own["checks"]}
        env = self.env
        from_file = set(merged)
        # Where each value comes from, named in front of an error about it: a table of the
        # file, or a variable; a flag has no name there (whoever typed it knows where it is).
        origin = {key: _table_name(self.source, component if key in own else None) for key in merged}
        only = len(names) == 1
        prefix = f"LOCKGATE_{component.upper().replace('-', '_')}_"
        # Environment: DATABASE_URL only for a single-component project, and never over a URL its
        # component names itself; per-component variables always.
        if only and env.get("DATABASE_URL") and "database_url" not in own:
            merged["database_url"] = env["DATABASE_URL"]
            origin["database_url"] = "DATABASE_URL"
        for key in ("database_url", "migrations_dir", "ledger_table", "log_file", "lock_wait", "auto_recover",
                    "lint_on_up", "allow_out_of_order", "allow_non_empty", "schema_file", "schema_dump_on_up",
                    *_SAFETY_DEFAULTS):
            generic = env.get("LOCKGATE_" + key.upper())
            if generic is not None and (only or key != "database_url"):
                merged[key] = generic
                origin[key] = "LOCKGATE_" + key.upper()
            specific = env.get(prefix + key.upper())
            if specific is not None:
                merged[key] = specific
                origin[key] = prefix + key.upper()
        for key, value in self.flags.items():
            if value is not None:
                merged[key] = value
                origin[key] = ""
        warnings = self._url_warnings(component, own, origin.get("database_url"), only)
        # Interpolate only what still comes from the file, so an unset ${VAR} for a value
        # a flag or variable overrides (or for another component) is no error.
        interpolate = {key for key in from_file if key in merged and merged[key] is own.get(key, self.base.get(key))}
        for key in interpolate - {"database_url"}:
            merged[key] = _interpolate(merged[key], env, f"{origin[key]}: {key}")
        unknown = set(merged) - _KEYS
        if unknown:
            import difflib

            bad = sorted(unknown)[0]
            close = difflib.get_close_matches(bad, sorted(_KEYS), n=1)
            raise _located(ConfigError(f"Unknown setting {bad!r}" + (f"; did you mean {close[0]!r}?" if close else "."),
                                       hint="See the configuration section of the README."), origin.get(bad, ""))
        base_dir = self.project_dir
        url: DatabaseUrl | ConfigError
        try:
            raw_url = merged.get("database_url")
            if "database_url" in interpolate:
                raw_url = _interpolate(raw_url, env, f"{origin['database_url']}: database_url")
            if raw_url is None:
                raise NoDatabaseConfigured(self.source, base_dir)
            url = _parse_url(raw_url, base_dir, origin.get("database_url", ""))
        except ConfigError as exc:
            url = exc  # raised below, after the other settings: an error about one of them comes first
        migrations_dir = Path(str(merged.get("migrations_dir") or "migrations")).expanduser()
        if not migrations_dir.is_absolute():
            migrations_dir = base_dir / migrations_dir
        log_value = merged.get("log_file", "logs/migrations.jsonl")
        log_file: Path | None
        if log_value in (None, "", False, "off", "none"):
            log_file = None
        else:
            log_file = Path(str(log_value)).expanduser()
            if not log_file.is_absolute():
                log_file = base_dir / log_file
        ledger = str(merged.get("ledger_table") or "schema_migrations")
        parts = ledger.split(".")
        if len(parts) > 2 or not all(p and (p.replace("_", "").isalnum()) for p in parts):
            raise _located(ConfigError(f"Setting ledger_table {ledger!r} is not a plain [schema.]name.",
                                       hint="Use letters, digits and _ only, e.g. ops.schema_migrations."),
                           origin.get("ledger_table", ""))
        _check_name_lengths(ledger, origin.get("ledger_table", ""))
        # Checked here, where the file is known, so that its name is in the message for every
        # command; the options themselves are built from the bare table, file unknown.
        lint = _checked_table(merged, "lint", _lint_options, origin)
        checks = _checked_table(merged, "checks", _check_options, origin)
        flags = {key: _as_bool(merged.get(key, default), key, origin.get(key, "")) for key, default in
                 (("auto_recover", True), ("lint_on_up", True), ("allow_out_of_order", False),
                  ("allow_non_empty", False), ("schema_dump_on_up", False))}
        lock_wait = _as_duration(merged.get("lock_wait", 60), "lock_wait", origin.get("lock_wait", ""))
        # One schema.sql per component: two databases' schemas in one file would always differ.
        schema_file = Path(str(merged.get("schema_file") or (
            "schema.sql" if component == DEFAULT_COMPONENT else f"schema.{component}.sql"))).expanduser()
        if not schema_file.is_absolute():
            schema_file = base_dir / schema_file
        if require_url and isinstance(url, ConfigError):
            raise url
        return Settings(
            project_dir=base_dir,
            component=component,
            database_url_or_error=url,
            migrations_dir=migrations_dir,
            ledger_table=ledger,
            log_file=log_file,
            lock_wait=lock_wait,
            schema_file=schema_file,
            **flags,
            lint=lint,
            components=names,
            url_source=_url_source(origin.get("database_url"), merged.get("database_url"),
                                   "database_url" in interpolate),
            warnings=warnings,
            **_safety_times(merged, origin),  # type: ignore[arg-type]  # the float fields, by name
            post_checks=_checked_table(merged, "post_checks", _post_check_options, origin),
            checks=checks,
        )

    def _url_warnings(self, component: str, own: Mapping[str, Any], used: str | None, only: bool) -> tuple[str, ...]:
        """What to say about DATABASE_URL: it overrides a URL written in the file, or a component's own wins."""
        if not only or not self.env.get("DATABASE_URL"):
            return ()
        if "database_url" in own:
            if used == _table_name(self.source, component):
                return (f"DATABASE_URL is set but not used: {used} names its own database_url.",)
            return ()
        written = self.base.get("database_url")
        if used == "DATABASE_URL" and written is not None and str(written).strip() not in _DATABASE_URL_REFS:
            return (f"DATABASE_URL overrides the database_url written in {_table_name(self.source)}.",)
        return ()


def _url_source(origin: str | None, raw: Any, from_file: bool) -> str:
    """How the target names where its URL came from: ``lockgate.toml (${DATABASE_URL})``, ``DATABASE_URL``."""
    if not origin:
        return "--database-url"
    from .redact import redact_text

    return f"{origin} ({redact_text(str(raw))})" if from_file and "$" in str(raw) else origin


class NoDatabaseConfigured(ConfigError):
    """No URL from a flag, the environment or the file: lockgate does not guess one."""

    def __init__(self, source: Path | None, project_dir: Path) -> None:
        self.source = source
        where = (f"{_table_name(source)} names no database_url" if source is not None
                 else f"{project_dir} has no lockgate.toml")
        super().__init__(
            f"Database: none configured ({where}, and neither --database-url nor DATABASE_URL is given).",
            hint=("Point lockgate at it with --database-url postgresql://user@host/db or DATABASE_URL, or write"
                  f' database_url in lockgate.toml (`lockgate init` writes database_url = "{DEFAULT_URL}",'
                  " a SQLite file beside it)."),
        )


def _safety_times(merged: Mapping[str, Any], origin: Mapping[str, str]) -> dict[str, float]:
    from .durations import parse_duration

    times = {}
    for key, default in _SAFETY_DEFAULTS.items():
        try:
            times[key] = parse_duration(merged.get(key, default), name=key)
        except ConfigError as exc:
            raise _located(exc, origin.get(key, "")) from None
    return times


def _post_check_options(table: Mapping[str, Any]) -> Any:
    from .safety.postchecks import PostCheckOptions

    return PostCheckOptions.from_config(table)


def _lint_options(table: Mapping[str, Any]) -> Any:
    from .lint.options import LintOptions  # only for a project that has a [lint] table

    return LintOptions.from_config(table)


def _check_options(table: Mapping[str, Any]) -> Any:
    from .safety.thresholds import CheckOptions

    return CheckOptions.from_config(table)


def _checked_table(merged: Mapping[str, Any], key: str, build: Callable[[Mapping[str, Any]], Any],
                   origin: Mapping[str, str]) -> dict[str, Any]:
    """The ``[key]`` table, which ``build`` must accept; its errors named by where the table came from."""
    table = merged.get(key, {})
    if not isinstance(table, dict):
        raise _located(ConfigError(f"Setting {key} must be a table ([{key}])."), origin.get(key, ""))
    if table:
        try:
            build(table)
        except ConfigError as exc:
            raise _located(exc, origin.get(key, "")) from None
    return table


_NAME_LIMIT = 63  # PostgreSQL's NAMEDATALEN - 1, in bytes: a longer name is cut, silently


def _check_name_lengths(ledger: str, where: str) -> None:
    """The schema, the ledger and its ``_history`` table each fit in PostgreSQL's 63 bytes."""
    *schema, table = ledger.split(".")
    for name in (*schema, table, table + "_history"):
        size = len(name.encode("utf-8"))
        if size > _NAME_LIMIT:
            raise _located(ConfigError(
                f"Setting ledger_table {ledger!r} is too long: {name} is {size} bytes, over PostgreSQL's limit of"
                f" {_NAME_LIMIT}.",
                hint=f"Use a table name of at most {_NAME_LIMIT - len('_history')} bytes (its history table adds"
                     " _history)."), where)


def _parse_url(raw: Any, base_dir: Path, where: str) -> DatabaseUrl:
    if raw == "":
        raise _located(ConfigError("The database URL is empty.",
                                   hint="Give postgresql://user@host/db or sqlite:///file.db."),
                       where)
    try:
        return DatabaseUrl.parse(str(raw), base_dir=base_dir)
    except ConfigError as exc:
        raise _located(exc, where) from None


def load_config(project_dir: str | os.PathLike[str] = ".", *, config_file: str | os.PathLike[str] | None = None,
                env_file: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None,
                flags: Mapping[str, Any] | None = None) -> ProjectConfig:
    """Read the project's configuration. ``flags`` are CLI-level overrides (None = not given)."""
    pdir = Path(project_dir).resolve()
    env: dict[str, str] = {}
    if env_file is not None:
        env.update(read_env_file(Path(env_file)))
    env.update(os.environ if environ is None else environ)
    path = Path(config_file) if config_file is not None else find_config(pdir)
    raw: dict[str, Any] = {}
    if path is not None:
        if config_file is not None and not Path(config_file).is_absolute():
            path = Path.cwd() / path
        raw = _load_toml(path)
        pdir = path.resolve().parent if project_dir == "." and config_file is not None else pdir
    components = raw.get("components", {})
    if not isinstance(components, dict) or not all(isinstance(v, dict) for v in components.values()):
        raise _located(ConfigError("[components] must hold tables like [components.analytics]."),
                       _table_name(path))
    return ProjectConfig(project_dir=pdir, base=raw, components=components, env=env, flags=dict(flags or {}), source=path)


def load_settings(project_dir: str | os.PathLike[str] = ".", *, component: str | None = None,
                  config_file: str | os.PathLike[str] | None = None,
                  env_file: str | os.PathLike[str] | None = None,
                  environ: Mapping[str, str] | None = None, require_url: bool = True, **flags: Any) -> Settings:
    """Settings for one component (``require_url``: see :meth:`ProjectConfig.settings`).

    >>> s = load_settings("/tmp/project", database_url="sqlite:///app.db", environ={})
    >>> s.database_url.engine, s.migrations_dir.name
    ('sqlite', 'migrations')
    """
    return load_config(project_dir, config_file=config_file, env_file=env_file, environ=environ,
                       flags=flags).settings(component, require_url=require_url)
