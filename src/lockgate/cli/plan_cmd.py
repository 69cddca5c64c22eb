"""``lockgate plan``: what ``up`` would run and what each statement would lock; changes nothing."""

from __future__ import annotations

import click

from .state import CliState, handled, output_flags, pass_state


@click.command()
@click.option("--to", "to", metavar="VERSION", help="Stop after this version (0010 or 0010_add_products).")
@click.option("--sql", is_flag=True, help="Show the SQL each migration would run.")
@output_flags
@pass_state
@handled
def plan(state: CliState, to: str | None, sql: bool) -> None:
    """Show the pending migrations in order: each statement's lock, rewrites, table sizes, lint.

    \b
    Each statement with the lock it takes on which relation (ACCESS EXCLUSIVE blocks
    reads and writes, SHARE blocks writes...), whether it rewrites or scans the table,
    and each table's estimated rows and size from the live catalog. Nothing changes.

    \b
    Examples:
      lockgate plan
      lockgate plan --to 0010 --sql
      lockgate plan --json
    """
    from .. import api
    from .plan_render import render_plan

    result = api.plan(state.settings(), to=to, sql=sql, on_event=state.render.on_event)
    render_plan(state.render, result)
