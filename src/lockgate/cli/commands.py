"""The commands that read or write files and the ledger without running migrations:
init, new, status, verify, history, completion."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .state import CliState, handled, output_flags, pass_state, shown

@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@output_flags
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


@click.command()
@click.argument("name")
@click.option("--timestamp/--sequential", default=None,
              help="Version as UTC timestamp or next number (default: follow the folder's existing style).")
@output_flags
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
        state.render.out(f"created {shown(up)}\ncreated {shown(down)}")


@click.command()
@click.option("--phases", "phases", flag_value="all", default="pending",
              help="Classify every migration expand/contract/mixed (default: only those not applied).")
@click.option("--exit-code", is_flag=True, help="Exit 1 while any migration is pending (dbmate's CI habit).")
@output_flags
@pass_state
@handled
def status(state: CliState, phases: str, exit_code: bool) -> None:
    """Every migration and its state: applied, pending, dirty, checksum_mismatch, missing.

    \b
    Examples:
      lockgate status --json | jq '.[] | select(.state != "applied")'
      lockgate status --exit-code   # in CI: fails while migrations are pending
    """
    from .. import api
    from ..model import State

    every = state.all_settings()
    rows = [row for s in every for row in api.status(s, phases=phases,  # type: ignore[arg-type]
                                                       on_event=state.render.on_event)]
    state.render.statuses(rows, show_component=len(every) > 1)
    from .schema_cmd import warn_drift

    for s in every:  # a change by hand since the last run (lockgate.schema.drift), on stderr
        warn_drift(state.render, s.component, api.schema_drift(s), named=len(every) > 1)
    if exit_code and any(r.state is State.PENDING for r in rows):
        sys.exit(1)


@click.command()
@output_flags
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


@click.command()
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the newest N entries.")
@click.option("--version", "version", metavar="VERSION", help="Only this migration.")
@output_flags
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


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script.

    \b
    Example:  eval "$(lockgate completion bash)"    # in ~/.bashrc
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(click.get_current_context().find_root().command, {}, "lockgate", "_LOCKGATE_COMPLETE").source())

