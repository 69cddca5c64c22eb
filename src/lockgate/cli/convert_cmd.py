"""`lockgate convert`: another tool's migrations folder rewritten into lockgate's layout, the plan shown first."""

from __future__ import annotations

import sys

import click

from ..errors import ConfigError
from .state import CliState, handled, output_flags, pass_state


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--from", "tool", required=True, type=click.Choice(["dbmate", "flyway", "golang-migrate"]),
              help="The tool whose layout the folder is in.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Apply without asking (needed without a terminal, e.g. in CI).")
@output_flags
@pass_state
@handled
def convert(state: CliState, directory: str | None, tool: str, dry_run: bool, yes: bool) -> None:
    """Rewrite a folder of dbmate, Flyway or golang-migrate migrations into lockgate's layout.

    \b
    DIRECTORY defaults to the project's migrations folder. The plan is shown first;
    then --yes applies it, or a prompt asks on a terminal.

    \b
    Examples:
      lockgate convert --from flyway --dry-run
      lockgate convert --from dbmate db/migrations --yes
    """
    from ..conversion import convert as plan_convert

    folder = directory if directory is not None else state.settings(require_url=False).migrations_dir
    plan = plan_convert(folder, tool)
    render = state.render
    if state.json and (dry_run or not plan.steps or plan.problems or not yes):
        render.emit_json(plan.to_dict())
    elif not state.json:
        if plan.steps:
            render.out(f"Would convert {len(plan.steps)} file(s) in {plan.directory} from {plan.tool}:")
            for step in plan.steps:
                render.out(f"  {step.action:<6} {step.source.name} -> {', '.join(t.name for t in step.targets)}")
        else:
            render.out(f"Nothing to convert in {plan.directory}: every file is in lockgate's layout.")
        for problem in plan.problems:
            render.note(f"cannot convert {problem}")
        for note in plan.notes:
            render.note(f"note: {note}")
    if dry_run or not plan.steps:
        if plan.problems:
            sys.exit(1)
        return
    if plan.problems:
        plan_convert(folder, tool, apply=True)  # raises: says why nothing was changed
    if not yes:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise ConfigError("convert changes files, and there is no terminal to ask: nothing was changed.",
                              hint="Add --yes to apply the plan above (or --dry-run to only show it).")
        if not click.confirm(f"Apply these {len(plan.steps)} change(s)?", default=False, err=True):
            render.note("Nothing was changed.")
            sys.exit(1)
    done = plan_convert(folder, tool, apply=True)
    if state.json:
        render.emit_json(done.to_dict())
    else:
        render.done(f"Converted {len(done.steps)} file(s); check them with `lockgate lint` and `lockgate status`.")
