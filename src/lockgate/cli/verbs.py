"""The peers' everyday verbs: golang-migrate's, dbmate's, Flyway's and goose's words reach lockgate.

* aliases run the lockgate command as it is: ``migrate`` (up), ``rollback``/``undo`` (down),
  ``info`` (status), ``validate`` (verify), ``create`` (new);
* ``version``, ``goto``, ``force`` and ``wait`` are commands of their own (API: :mod:`lockgate.verbs`);
* another tool's verb lockgate has no command for (``clean``, ``dump``, ``load``, ...) is
  answered with the lockgate command that does the job, instead of "No such command".
"""

from __future__ import annotations

from typing import Any, Callable

import click

from .state import CliState, handled, output_flags, pass_state

#: Other tools' names for lockgate's own commands.
ALIASES = {"migrate": "up", "rollback": "down", "undo": "down", "info": "status", "validate": "verify",
           "create": "new", "apply": "up", "upgrade": "up", "downgrade": "down"}

#: Other tools' verbs with no lockgate command of that name: what to run instead.
ELSEWHERE = {
    "clean": "lockgate never drops a whole schema; `lockgate down --to 0` rolls every migration back",
    "drop": "lockgate never drops a database or schema; `lockgate down --to 0` rolls every migration back",
    "baseline-on-migrate": "run `lockgate baseline VERSION` once (preview with --dry-run), then `lockgate up`",
    "dump": "`lockgate schema dump` writes the live schema to schema.sql (`pg_dump --schema-only` for all of it)",
    "load": "load the schema with psql -f (or sqlite3), then record it with `lockgate baseline VERSION`",
    "redo": "run `lockgate down` then `lockgate up`",
    "reset": "`lockgate down --to 0` rolls every migration back",
    "up-by-one": "`lockgate up 1` applies the next migration",
    "up-to": "`lockgate up --to VERSION`",
    "down-to": "`lockgate down --to VERSION`",
    "dbversion": "`lockgate version` prints the current version",
    "current": "`lockgate version` prints the current version",
    "new-migration": "`lockgate new NAME` writes the next version's files",
    # goose's fix renumbers timestamp versions; a recorded version is the migration's identity here.
    "fix": "lockgate never renumbers files (the ledger records each version); "
           "`lockgate new NAME --sequential` numbers the next one after the newest",
}


class LockgateGroup(click.Group):
    """The ``lockgate`` group: resolves the aliases, and answers the other verbs with a hint."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name in ELSEWHERE and super().get_command(ctx, name) is None:
            raise click.UsageError(f"lockgate has no `{name}` command: {ELSEWHERE[name]}.", ctx)
        return super().resolve_command(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("Other tools' names"):
            formatter.write_text(", ".join(f"{a} = {c}" for a, c in ALIASES.items()) + ".")


def _to_version(dry_run_help: str) -> Callable[[Callable[..., None]], click.Command]:
    """A command taking VERSION and --dry-run (goto, force)."""
    def wrap(fn: Callable[..., None]) -> click.Command:
        fn = handled(fn)
        fn = pass_state(fn)
        fn = output_flags(fn)
        fn = click.option("--dry-run", is_flag=True, help=dry_run_help)(fn)
        fn = click.argument("target", metavar="VERSION")(fn)
        return click.command()(fn)
    return wrap


@click.command()
@output_flags
@pass_state
@handled
def version(state: CliState) -> None:
    """Print the current version: the newest applied migration, one line.

    \b
    Examples:
      lockgate version                 # 0002_add_name   (none: nothing applied)
      lockgate version --json          # {"version": "0002_add_name", "number": 2, "dirty": false}
    """
    from .. import verbs

    current = verbs.version(state.settings())
    if state.json:
        state.render.emit_json(current.to_dict())
        return
    text = current.ident or "none"
    state.render.out(f"{text} (dirty)" if current.dirty else text)


@_to_version("Print what would run; change nothing.")
def goto(state: CliState, target: str, dry_run: bool) -> None:
    """Migrate up or down to VERSION (golang-migrate's goto).

    \b
    Example:  lockgate goto 0003
    """
    from .. import verbs

    report = verbs.goto(state.settings(), target, dry_run=dry_run, lock_wait=state.lock_wait,
                        on_event=state.render.on_event)
    state.render.report([report], "migrate", to=target)


@_to_version("Print what would change; change nothing.")
def force(state: CliState, target: str, dry_run: bool) -> None:
    """Set the ledger to exactly VERSION without running anything (golang-migrate's force).

    \b
    Migrations up to VERSION are recorded as applied, rows above it removed, dirty
    flags cleared; every change is a history row. 0 empties the ledger. To clear one
    dirty row, `lockgate repair VERSION --clear-dirty` says what you mean more precisely.

    \b
    Example:  lockgate force 0003 --dry-run
    """
    from .. import verbs

    report = verbs.force(state.settings(), target, dry_run=dry_run, on_event=state.render.on_event)
    if state.json:
        state.render.emit_json(report.to_dict())
    elif report.dry_run:
        state.render.out(f"Would set the ledger to {target} (dry run, nothing changed):" if report.planned
                         else f"The ledger is already at {target}.")
        for line in report.planned:
            state.render.out(f"  {line}")
    else:
        state.render.done(f"Ledger set to {target} ({len(report.steps)} change(s), recorded in history).")


@click.command()
@click.option("--timeout", "timeout", default="60s", metavar="DURATION", show_default=True,
              help="How long to wait (5s, 2m, or seconds).")
@output_flags
@pass_state
@handled
def wait(state: CliState, timeout: str) -> None:
    """Wait until the database accepts connections; exit 1 if it does not in time (dbmate's wait).

    \b
    Example:  lockgate wait --timeout 30s && lockgate up
    """
    from .. import verbs
    from ..durations import parse_duration

    seconds = parse_duration(timeout, name="--timeout")
    waited = verbs.wait(state.settings(), timeout=seconds, on_event=state.render.on_event)
    if state.json:
        state.render.emit_json({"ready": True, "waited_s": round(waited, 3)})
    else:
        state.render.done(f"Database accepts connections (waited {waited:.1f}s).")


COMMANDS: tuple[Any, ...] = (version, goto, force, wait)
