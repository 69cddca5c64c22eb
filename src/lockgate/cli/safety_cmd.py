"""``lockgate check`` and ``lockgate monitor``: the pre-checks and the live view of the server.

Registered on the ``cli`` group in :mod:`lockgate.cli.app`. Importing it costs only
click: the checks, psycopg and rich load when a command runs.
"""

from __future__ import annotations

import sys

import click

from .state import CliState, handled, output_flags, pass_state


@click.command("check")
@click.option("--skip-check", "skip_check", multiple=True, metavar="NAME",
              help="Leave out this check (repeatable): connectivity, server-version, connections, long-queries, "
                   "lock-waits, replication-lag, lint, drift.")
@output_flags
@pass_state
@handled
def check(state: CliState, skip_check: tuple[str, ...]) -> None:
    """Pre-checks: is the database fit for the pending migrations right now? Exit 1 when one fails.

    \b
    Connectivity and round trip, server version, connections against max_connections,
    queries running long (failing on a table the pending migrations lock), sessions
    waiting on locks, replication lag of every replica, the pending migrations' lint, and
    drift (the schema changed by hand since the last run; see `lockgate schema`).
    `lockgate up` and `lockgate down` run the same checks first (unless --skip-checks).

    \b
    Examples:
      lockgate check
      lockgate check --json | jq '.checks[] | select(.status != "pass")'
      lockgate check --skip-check replication-lag
    """
    from .. import api
    from .safety_render import render_checks

    report = api.check(state.settings(), skip_check=skip_check)
    render_checks(state.render, report)
    if report.status == "fail":
        sys.exit(1)


@click.command("monitor")
@click.option("--once", is_flag=True, help="Print one snapshot and exit (with --json: for scripts).")
@click.option("--interval", default="2s", show_default=True, metavar="DURATION",
              help="Time between refreshes of the live view, e.g. 500ms, 2s.")
@click.option("--all-databases", is_flag=True,
              help="Every database's sessions (default: this database's, and whoever blocks them).")
@output_flags
@pass_state
@handled
def monitor(state: CliState, once: bool, interval: str, all_databases: bool) -> None:
    """Live view of the server: active connections, long queries, lock waits with the blocking tree,
    and a running lockgate migration's statement, wait and attempt. Ctrl-C quits.

    \b
    Examples:
      lockgate monitor                       # refreshes every 2 s
      lockgate monitor --once --json | jq '.blocking_tree'
      lockgate --component analytics monitor --interval 500ms
      lockgate monitor --once --all-databases
    """
    from ..durations import parse_duration
    from ..safety.commands import monitoring
    from .safety_render import monitor_live, monitor_once

    seconds = parse_duration(interval, name="--interval", allow_zero=False)
    settings = state.settings()
    with monitoring(settings, all_databases=all_databases) as m:
        if once:
            monitor_once(state.render, m.snapshot())
            return
        monitor_live(state.render, m.snapshot, seconds)
