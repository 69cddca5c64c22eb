"""``lockgate schema dump`` and ``lockgate schema check``: the live schema as a file kept in sync.

Registered on the ``cli`` group in :mod:`lockgate.cli.app`. Importing it costs only click.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

import click

from .state import CliState, handled, output_flags, pass_state


@click.group("schema")
def schema() -> None:
    """The live schema as a normalised file (schema.sql), and a check that the database still matches it.

    \b
    Examples:
      lockgate schema dump                  # write schema.sql (schema_file in lockgate.toml)
      lockgate schema check                 # exit 1 with an object-by-object diff when they differ
      lockgate schema check --json | jq '.differences[].name'
    """


@schema.command("dump")
@click.option("--file", "path", metavar="FILE", help="Write here instead of schema_file (default schema.sql).")
@output_flags
@pass_state
@handled
def dump(state: CliState, path: str | None) -> None:
    """Write the live schema: tables, columns, types, defaults, constraints, indexes, views, functions,
    triggers, enums and sequences, lockgate's own tables left out. The same database writes the same bytes.

    \b
    Examples:
      lockgate schema dump && git diff --exit-code schema.sql
      lockgate --component analytics schema dump --file db/analytics.sql
    """
    from ..schema.commands import schema_dump

    result = schema_dump(state.settings(), path=path)
    r = state.render
    if r.json_mode:
        r.emit_json(result.to_dict())
        return
    what = "Wrote" if result.changed else "Unchanged:"
    r.done(f"{what} {result.path} ({result.objects} objects, sha256 {result.fingerprint[:12]})")


@schema.command("check")
@click.option("--file", "path", metavar="FILE", help="Compare with this file instead of schema_file.")
@output_flags
@pass_state
@handled
def check(state: CliState, path: str | None) -> None:
    """Compare the live schema with schema.sql; exit 1 with the objects that differ, 2 when the file is missing.

    \b
    Examples:
      lockgate schema check                 # in CI, after lockgate up
      lockgate schema check --json
    """
    from ..schema.commands import schema_check

    result = schema_check(state.settings(), path=path)
    r = state.render
    if r.json_mode:
        r.emit_json(result.to_dict())
    elif result.ok:
        r.done(f"Schema matches {result.path}.")
    else:
        r.out(f"Schema differs from {result.path}: {len(result.differences)} object(s) "
              "('-' as the file has it, '+' as the database has it).")
        show_differences(r, result.differences)
        r.note("Run `lockgate schema dump` to write the database's schema to the file, or migrate the database.")
    if not result.ok:
        sys.exit(1)


def show_differences(r: Any, differences: Sequence[Any], *, err: bool = False) -> None:
    """Each object that differs, then its differing lines in red and green on a terminal."""
    say = r.note if err else r.out
    for d in differences:
        say(f"  {d.title}: {d.change}" + ("" if d.change == "changed" else
                                          " (in the database only)" if d.change == "added" else
                                          " (in the file only)"))
        for line in d.lines:
            say("    " + r.style(line, "green" if line.startswith("+") else "red", err=err))


def warn_drift(r: Any, component: str, drift: Any, *, named: bool) -> None:
    """``status``: the schema differs from the one the last run left (a change by hand)."""
    if not drift.drifted and drift.error is None:
        return
    who = f"[{component}] " if named else ""
    r.note(f"{who}{r.style('warn:', 'yellow', err=True)} {drift.message}")
    show_differences(r, drift.differences, err=True)
