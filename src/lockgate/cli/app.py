"""`lockgate` commands: each parses flags, calls the API function of the same name,
and renders. Exit codes: 0 ok or nothing to do, 1 failure, 2 usage or configuration."""

from __future__ import annotations

import gc
import io
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn, Sequence, TextIO, TypeVar

import click

from .. import __version__
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
        return self._project().settings(name, require_url=require_url)

    def _env_component(self) -> str | None:
        return self.component or os.environ.get("LOCKGATE_COMPONENT") or None

    def all_settings(self, *, require_url: bool = True) -> list[Any]:
        """One Settings per component for --component all, else the chosen one."""
        project = self._project()
        name = self._env_component()
        if name == "all":
            return [project.settings(n, require_url=require_url) for n in project.component_names]
        return [project.settings(name, require_url=require_url)]


pass_state = click.make_pass_decorator(CliState)


def _shown(path: Path) -> str:
    """A path relative to the working folder when it is below it, as `init` prints them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _fail(state: CliState | None, exc: BaseException) -> NoReturn:
    debug = bool(state and state.debug) or os.environ.get("LOCKGATE_DEBUG") == "1"
    from ..redact import redact_text

    if isinstance(exc, LockgateError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, KeyboardInterrupt):
        message, code = "Interrupted; the running migration was rolled back (or left dirty if it was no-transaction).", 130
    else:
        message = redact_text(f"internal error: {type(exc).__name__}: {exc}. Re-run with --debug for the traceback "
                              "and report it.")
        code = 1
    if debug:
        import traceback

        click.echo(redact_text("".join(traceback.format_exception(exc))), err=True)
    if state is not None and state.json and isinstance(exc, LockgateError):
        state.render.emit_json(exc.to_dict())
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
            _fail(state, exc)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--database-url", envvar=None, metavar="URL",
              help="postgresql://user@host/db or sqlite:///file.db (overrides DATABASE_URL and lockgate.toml; "
                   "with none of them: sqlite:///lockgate.db).")
@click.option("--config", "config", metavar="FILE", help="lockgate.toml or pyproject.toml to read.")
@click.option("--env-file", metavar="FILE", help="dotenv file read before the environment (e.g. migrate.env).")
@click.option("--component", metavar="NAME",
              help="Which configured database; 'all' for status, up, verify, history and lint.")
@click.option("--migrations-dir", metavar="DIR", help="Folder of {version}_{name}.up.sql / .down.sql files.")
@click.option("--log-file", metavar="FILE", help="JSON Lines log (default logs/migrations.jsonl; 'off' for none).")
@click.option("--ledger-table", metavar="NAME", help="Ledger table, optionally schema.name (default schema_migrations).")
@click.option("--lock-wait", type=float, metavar="SECONDS", help="How long to wait for another runner's lock (60).")
@click.option("--json", "json_", is_flag=True, help="Machine-readable output on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Every event.")
@click.option("--debug", is_flag=True, help="Show tracebacks (secrets still redacted).")
@click.version_option(__version__, prog_name="lockgate")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, config: str | None, env_file: str | None,
        component: str | None, migrations_dir: str | None, log_file: str | None, ledger_table: str | None,
        lock_wait: float | None, json_: bool, quiet: bool, verbose: bool, debug: bool) -> None:
    """Safe schema migrations for live PostgreSQL and embedded SQLite.

    \b
    Examples:
      lockgate init                         # lockgate.toml + migrations/ + an example
      lockgate new add_products             # next version's .up.sql and .down.sql
      lockgate up                           # apply pending migrations
      lockgate status --json                # every migration and its state
      lockgate down --steps 1               # roll back the newest
      lockgate --database-url postgresql://app@db/shop up --dry-run
    """
    ctx.obj = CliState(database_url, config, env_file, component, migrations_dir, log_file, ledger_table,
                       lock_wait, json_, quiet, verbose, debug)


def _output_flags(fn: F) -> F:
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


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@_output_flags
@pass_state
@handled
def init(state: CliState, directory: str) -> None:
    """Create lockgate.toml, migrations/ with an example migration, and ignore logs/.

    \b
    Example:  lockgate init && lockgate up && lockgate status
    """
    from .. import api

    existed = (Path(directory) / ".gitignore").exists()  # init appends to a .gitignore it finds
    created = api.init(directory, database_url=state.database_url)
    if state.json:
        state.render.emit_json({"created": [str(p) for p in created]})
        return
    for path in created:
        verb = "updated" if existed and path.name == ".gitignore" else "created"
        state.render.out(f"{verb} {path}")
    if state.database_url and "${DATABASE_URL}" in created[0].read_text(encoding="utf-8"):
        state.render.note("lockgate.toml reads database_url from ${DATABASE_URL}: the URL has a password, "
                          "which stays out of the file. Export DATABASE_URL (or use --env-file).")


@cli.command()
@click.argument("name")
@click.option("--timestamp/--sequential", default=None,
              help="Version as UTC timestamp or next number (default: follow the folder's existing style).")
@_output_flags
@pass_state
@handled
def new(state: CliState, name: str, timestamp: bool | None) -> None:
    """Write the next version's NAME.up.sql and NAME.down.sql.

    \b
    Example:  lockgate new add_products   ->  migrations/0002_add_products.up.sql (+ .down.sql)
    """
    from .. import api

    up, down = api.new(state.settings(require_url=False), name, timestamp=timestamp)  # writes files only
    if state.json:
        state.render.emit_json({"up": str(up), "down": str(down)})
    else:
        state.render.out(f"created {_shown(up)}\ncreated {_shown(down)}")


@cli.command()
@click.option("--phases", "phases", flag_value="all", default="pending",
              help="Classify every migration expand/contract/mixed (default: only those not applied).")
@_output_flags
@pass_state
@handled
def status(state: CliState, phases: str) -> None:
    """Every migration and its state: applied, pending, dirty, checksum_mismatch, missing.

    \b
    Example:  lockgate status --json | jq '.[] | select(.state != "applied")'
    """
    from .. import api

    every = state.all_settings()
    rows = [row for s in every for row in api.status(s, phases=phases)]  # type: ignore[arg-type]
    state.render.statuses(rows, show_component=len(every) > 1)


@cli.command()
@click.option("--to", "to", metavar="VERSION", help="Stop after this version (0010 or 0010_add_products).")
@click.option("--dry-run", is_flag=True, help="Print what would run; change nothing.")
@click.option("--no-auto-recover", is_flag=True, help="Stop on dirty migrations instead of running their down file.")
@click.option("--allow-out-of-order", is_flag=True, help="Apply pending migrations older than the newest applied one.")
@click.option("--ignore-missing", is_flag=True, help="Go on when applied migrations have no file any more.")
@click.option("--skip-lint", is_flag=True, help="Apply even if the safety linter finds errors (recorded in history).")
@click.option("--lock-wait", type=float, metavar="SECONDS", help="How long to wait for another runner's lock.")
@_output_flags
@pass_state
@handled
def up(state: CliState, to: str | None, dry_run: bool, no_auto_recover: bool, allow_out_of_order: bool,
       ignore_missing: bool, skip_lint: bool, lock_wait: float | None) -> None:
    """Apply pending migrations, each in one transaction with its ledger row.

    \b
    Examples:
      lockgate up
      lockgate up --to 0010 --dry-run
      lockgate --component all up
    """
    from .. import api

    reports = []
    every = state.all_settings()
    for s in every:
        # With --component all, each progress line says whose migration it is.
        state.render.prefix = f"[{s.component}] " if len(every) > 1 else ""
        reports.append(api.up(s, to=to, dry_run=dry_run, auto_recover=False if no_auto_recover else None,
                              allow_out_of_order=True if allow_out_of_order else None,
                              ignore_missing=ignore_missing, skip_lint=skip_lint,
                              lock_wait=lock_wait if lock_wait is not None else state.lock_wait,
                              on_event=state.render.on_event))
    state.render.report(reports, "apply", to=to)


@cli.command()
@click.option("--steps", type=int, metavar="N", help="How many to roll back (default 1).")
@click.option("--to", "to", metavar="VERSION", help="Roll back everything after this version (0 for all).")
@click.option("--dry-run", is_flag=True, help="Print what would run; change nothing.")
@click.option("--lock-wait", type=float, metavar="SECONDS", help="How long to wait for another runner's lock.")
@_output_flags
@pass_state
@handled
def down(state: CliState, steps: int | None, to: str | None, dry_run: bool, lock_wait: float | None) -> None:
    """Roll back applied migrations, newest first, with their .down.sql files.

    \b
    Examples:
      lockgate down                 # the newest one
      lockgate down --steps 3
      lockgate down --to 0010       # everything after 0010
    """
    from .. import api

    report = api.down(state.settings(), steps=steps, to=to, dry_run=dry_run,
                      lock_wait=lock_wait if lock_wait is not None else state.lock_wait,
                      on_event=state.render.on_event)
    state.render.report([report], "roll back")


@cli.command()
@_output_flags
@pass_state
@handled
def verify(state: CliState) -> None:
    """Check that files and ledger agree; exit 1 on any problem. For CI.

    \b
    Example:  lockgate --database-url "$DATABASE_URL" verify
    """
    from .. import api

    bad = False
    for s in state.all_settings():
        problems = api.verify(s)
        state.render.problems(problems, s.component)
        bad = bad or bool(problems)
    if bad:
        sys.exit(1)


@cli.command()
@click.argument("version")
@click.option("--clear-dirty", is_flag=True, help="Keep it as applied; clear the dirty flag.")
@click.option("--delete", is_flag=True, help="Forget its ledger row (it becomes pending).")
@click.option("--accept-checksum", is_flag=True, help="Record the file's current checksum.")
@_output_flags
@pass_state
@handled
def repair(state: CliState, version: str, clear_dirty: bool, delete: bool, accept_checksum: bool) -> None:
    """Manual recovery of one ledger row, recorded in history.

    \b
    Examples:
      lockgate repair 0010_add_products --clear-dirty
      lockgate repair 0010 --accept-checksum
    """
    from .. import api

    # Separate flags, not one choice: two given must be refused, not settled by whichever came last.
    chosen = [name for name, on in (("clear-dirty", clear_dirty), ("delete", delete),
                                    ("accept-checksum", accept_checksum)) if on]
    if len(chosen) != 1:
        given = " and ".join(f"--{name}" for name in chosen)
        raise ConfigError(f"repair takes one action, not {given}." if chosen else
                          "repair needs one of --clear-dirty, --delete, --accept-checksum.",
                          hint="Example: lockgate repair 0010_add_products --clear-dirty")
    action = chosen[0]
    report = api.repair(state.settings(), version, action, on_event=state.render.on_event)  # type: ignore[arg-type]
    state.render.simple(report, f"Repaired {report.steps[0].ident} ({action}).")


@cli.command()
@click.argument("version", required=False)
@click.option("--dry-run", is_flag=True, help="Print what would be recorded and renamed; change nothing.")
@_output_flags
@pass_state
@handled
def baseline(state: CliState, version: str | None, dry_run: bool) -> None:
    """Adopt an existing database: record migrations up to VERSION as applied, without running them.

    \b
    VERSION is the newest migration whose changes the database already has (0: none).
    A golang-migrate schema_migrations table gives the default VERSION; a dbmate one
    gives exactly the versions it applied (the others stay pending). Either is kept
    aside under a new name.

    \b
    Examples:
      lockgate baseline --dry-run
      lockgate baseline 0010 --dry-run
    """
    from .. import api

    report = api.baseline(state.settings(), version, dry_run=dry_run, on_event=state.render.on_event)
    state.render.baseline(report)


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the newest N entries.")
@click.option("--version", "version", metavar="VERSION", help="Only this migration.")
@_output_flags
@pass_state
@handled
def history(state: CliState, limit: int | None, version: str | None) -> None:
    """Every run of every migration: direction, outcome, duration, who and where.

    \b
    Example:  lockgate history --limit 20
    """
    from .. import api

    every = state.all_settings()
    rows = [(s.component, r) for s in every for r in api.history(s, limit=limit, version=version)]
    state.render.history(rows, version=version, show_component=len(every) > 1)


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script.

    \b
    Example:  eval "$(lockgate completion bash)"    # in ~/.bashrc
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(cli, {}, "lockgate", "_LOCKGATE_COMPLETE").source())


from .lint_cmd import lint  # noqa: E402  (a command module of its own; it imports only click)

cli.add_command(lint)


class _PipeWriter(io.RawIOBase):
    """A standard stream's file descriptor that drops what is written once the reader has gone.

    `lockgate lint | head -1`, `lockgate status | true`: the reader leaving early is not our
    failure, so it must neither print a traceback nor change the exit status. Writes stop
    raising BrokenPipeError, the command runs to its end (a migration is never cut short by a
    pager) and exits as it would have: lint still exits 1 on failing findings.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.reader_gone = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        if not self.reader_gone:
            try:
                return os.write(self._fd, data)
            except BrokenPipeError:
                self.reader_gone = True
        return memoryview(data).nbytes


def _pipe_safe(stream: TextIO) -> TextIO:
    """``stream`` rebuilt over a :class:`_PipeWriter`; as it is when it has no file descriptor."""
    if stream is None:  # pythonw
        return stream
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return stream  # in memory (a test's capture): no pipe to lose
    stream.flush()
    return io.TextIOWrapper(io.BufferedWriter(_PipeWriter(fd)), encoding=stream.encoding, errors=stream.errors,
                            line_buffering=bool(stream.line_buffering))


@contextmanager
def _closed_pipes_tolerated() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _pipe_safe(sys.stdout), _pipe_safe(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> None:
    """The ``lockgate`` program: runs one command and exits the process."""
    # What is imported by now (click, the CLI) lives until the process exits: kept out of every
    # garbage collection, a lint of a thousand files is ~8% faster. Only here, in the program:
    # a library call never freezes its caller's objects (see lint.parallel for the fork).
    gc.freeze()
    # Without this, click turns a closed pipe into exit 1, and a pipe that closes only at the
    # interpreter's last flush into "Exception ignored ... BrokenPipeError" and exit 120.
    with _closed_pipes_tolerated():
        code = _run_click(list(argv) if argv is not None else None)
    sys.exit(code)


def _run_click(args: list[str] | None) -> int:
    """Run the command; click's own errors become one line, like lockgate's (click prints four)."""
    try:
        rv = cli.main(args=args, prog_name="lockgate", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "lockgate"
        if where == "lockgate":  # an option's missing value is reported from the group: name the command
            named = next((a for a in args or sys.argv[1:] if a in cli.commands), None)
            where = f"lockgate {named}" if named else where
        # One line, as lockgate's own errors are (click lists a choice's values on lines of their own).
        message = " ".join(exc.format_message().split())
        end = "" if message.endswith((".", "?", "!", ")")) else "."
        click.echo(f"error: {message}{end} Run `{where} --help` for the options.", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    return rv if isinstance(rv, int) else 0
