"""`lockgate` commands: each parses flags, calls the API function of the same name,
and renders. Exit codes: 0 ok or nothing to do, 1 failure, 2 usage or configuration."""

from __future__ import annotations

import gc
import io
import os
import sys
from contextlib import contextmanager
from typing import Any, Iterator, Sequence, TextIO

import click

from .. import __version__
from .params import DURATION
from .state import CliState
from .verbs import LockgateGroup


@click.group(cls=LockgateGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--database-url", envvar=None, metavar="URL",
              help="postgresql://user@host/db or sqlite:///file.db (overrides DATABASE_URL and lockgate.toml; "
                   "one of them must name the database).")
@click.option("--config", "config", metavar="FILE", help="lockgate.toml or pyproject.toml to read.")
@click.option("--env-file", metavar="FILE", help="dotenv file read before the environment (e.g. migrate.env).")
@click.option("--component", metavar="NAME",
              help="Which configured database; 'all' for status, up, verify, history and lint.")
@click.option("--migrations-dir", metavar="DIR", help="Folder of {version}_{name}.up.sql / .down.sql files.")
@click.option("--log-file", metavar="FILE", help="JSON Lines log (default logs/migrations.jsonl; 'off' for none).")
@click.option("--ledger-table", metavar="NAME", help="Ledger table, optionally schema.name (default schema_migrations).")
@click.option("--lock-wait", type=DURATION, metavar="DURATION",
              help="How long to wait for another runner's lock: 500ms, 5s, 2m (default 60s; a bare number is seconds).")
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



from .commands import completion, history, init, new, status, verify  # noqa: E402
from .lint_cmd import lint  # noqa: E402  (a command module of its own; it imports only click)
from .plan_cmd import plan  # noqa: E402
from .run_cmd import baseline, down, repair, up  # noqa: E402
from .safety_cmd import check, monitor  # noqa: E402
from .schema_cmd import schema  # noqa: E402

from .convert_cmd import convert  # noqa: E402
from .verbs import COMMANDS as _VERBS  # noqa: E402  (version, goto, force, wait)

for _command in (init, new, status, plan, up, down, verify, repair, baseline, history, lint, check, monitor, completion,
                 convert, schema,
                 *_VERBS):
    cli.add_command(_command)



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
    from ..signals import sigterm_as_interrupt

    # SIGTERM (Kubernetes, systemd, CI cancellation) stops a run as Ctrl-C does: see lockgate.signals.
    with _closed_pipes_tolerated(), sigterm_as_interrupt():
        code = _run_click(list(argv) if argv is not None else None)
    sys.exit(code)


def _run_click(args: list[str] | None) -> int:
    """Run the command; click's own errors become one line, like lockgate's (click prints four)."""
    from ..redact import redact_text  # click may quote a flag's value: --database-url's too

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
        click.echo(redact_text(f"error: {message}{end} Run `{where} --help` for the options."), err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(redact_text(f"error: {exc.format_message()}"), err=True)
        return exc.exit_code
    except click.Abort as exc:
        click.echo("Aborted.", err=True)
        if isinstance(exc.__context__, KeyboardInterrupt):  # a signal while click read the flags
            from ..signals import exit_code

            return exit_code(exc.__context__)
        return 1
    return rv if isinstance(rv, int) else 0
