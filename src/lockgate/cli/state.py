"""What every command shares: the global flags as :class:`CliState`, one-line error
handling with the right exit code (:func:`handled`), and the output flags a command
accepts after its name (:func:`output_flags`)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NoReturn, TypeVar

import click

from ..errors import ConfigError, LockgateError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """Global flags, turned into Settings on demand (so --help never reads config)."""

    database_url: str | None = None
    config: str | None = None
    env_file: str | None = None
    component: str | None = None
    migrations_dir: str | None = None
    log_file: str | None = None
    ledger_table: str | None = None
    lock_wait: float | None = None
    json: bool = False
    quiet: bool = False
    verbose: bool = False
    debug: bool = False
    _renderer: Any = field(default=None, repr=False)

    @property
    def render(self) -> Any:
        if self._renderer is None:
            from .render import Renderer

            self._renderer = Renderer(json_mode=self.json, quiet=self.quiet, verbose=self.verbose)
        return self._renderer

    def _project(self) -> Any:
        from ..config import find_project_dir, load_config

        flags = {"database_url": self.database_url, "migrations_dir": self.migrations_dir,
                 "log_file": self.log_file, "ledger_table": self.ledger_table, "lock_wait": self.lock_wait}
        # From a subfolder (a monorepo's pre-commit hook runs at the git top) the project's
        # lockgate.toml still applies, as git and ruff find theirs.
        project_dir = Path(self.config).resolve().parent if self.config else find_project_dir(Path.cwd())
        return load_config(project_dir, config_file=self.config, env_file=self.env_file, flags=flags)

    def settings(self, component: str | None = None, *, require_url: bool = True) -> Any:
        """The chosen component's Settings; ``require_url=False`` for commands that never connect."""
        name = component if component is not None else self._env_component()
        if name == "all":
            command = click.get_current_context().info_name
            raise ConfigError(f"lockgate {command} works on one component at a time, not --component all.",
                              hint="Name one: --component NAME (status, up, verify, history and lint take all).")
        return self._warned(self._project().settings(name, require_url=require_url), require_url)

    def _env_component(self) -> str | None:
        return self.component or os.environ.get("LOCKGATE_COMPONENT") or None

    def all_settings(self, *, require_url: bool = True) -> list[Any]:
        """One Settings per component for --component all, else the chosen one."""
        project = self._project()
        name = self._env_component()
        names = project.component_names if name == "all" else (name,)
        return [self._warned(project.settings(n, require_url=require_url), require_url) for n in names]

    def _warned(self, settings: Any, connects: bool) -> Any:
        """``settings``, its configuration warnings said first (only where a database is used)."""
        if connects:
            self.render.config_warnings(settings.warnings)
        return settings


pass_state = click.make_pass_decorator(CliState)


def shown(path: Path) -> str:
    """A path relative to the working folder when it is below it, as `init` prints them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def fail(state: CliState | None, exc: BaseException) -> NoReturn:
    debug = bool(state and state.debug) or os.environ.get("LOCKGATE_DEBUG") == "1"
    from ..redact import redact_text

    from ..signals import MigrationInterrupted, exit_code, signal_of

    if isinstance(exc, LockgateError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, MigrationInterrupted):  # the runner read the ledger to say what it left
        message, code = exc.message, exit_code(exc)
    elif isinstance(exc, KeyboardInterrupt):
        message = (f"Interrupted by {signal_of(exc).name} with no migration running; nothing was left half-done"
                   " (lockgate status shows what is applied).")
        code = exit_code(exc)
    else:
        message = redact_text(f"internal error: {type(exc).__name__}: {exc}. Re-run with --debug for the traceback "
                              "and report it.")
        code = 1
    if debug:
        import traceback

        click.echo(redact_text("".join(traceback.format_exception(exc))), err=True)
    if state is not None and state.json and isinstance(exc, LockgateError):
        state.render.emit_json(exc.to_dict())
    elif state is not None and state.json and isinstance(exc, KeyboardInterrupt):
        state.render.emit_json({"error": type(exc).__name__, "message": message, "exit_code": code,
                                "state": getattr(exc, "state", None)})
    if state is not None:
        state.render.stop_progress()
        state.render.error(message)
    else:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handled(fn: F) -> F:
    """Turn LockgateError (and surprises) into one line and the right exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state = click.get_current_context().find_object(CliState)
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # click's own
        except (LockgateError, KeyboardInterrupt, Exception) as exc:
            fail(state, exc)

    return wrapper  # type: ignore[return-value]



def output_flags(fn: F) -> F:
    """Accept the output flags after the command too: `lockgate status --json`, `lockgate up -q`."""
    def setter(field: str) -> Callable[[click.Context, click.Parameter, bool], None]:
        def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
            if value:
                setattr(ctx.ensure_object(CliState), field, True)
        return callback

    fn = click.option("-v", "--verbose", "verbose_local", is_flag=True, expose_value=False,
                      callback=setter("verbose"), help="More detail (as `lockgate -v`).")(fn)
    fn = click.option("-q", "--quiet", "quiet_local", is_flag=True, expose_value=False,
                      callback=setter("quiet"), help="Only errors (as `lockgate -q`).")(fn)
    return click.option("--json", "json_local", is_flag=True, expose_value=False, callback=setter("json"),
                        help="Machine-readable output on stdout.")(fn)


