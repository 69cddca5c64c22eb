"""Text for the pre-checks (``lockgate check``, the lines ``up`` prints) and the monitor's live view."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .render import Renderer

_CHECK_COLOUR = {"pass": "green", "warn": "yellow", "fail": "red"}


def check_line(r: Renderer, result: dict[str, Any], *, err: bool = True, width: int = 4) -> str:
    """``fail long-queries    1 session(s) running longer than 30s touch accounts...``: every
    message carries its figure (the error line of a refused run quotes the messages alone)."""
    status = r.style(f"{result['status']:<{width}}", _CHECK_COLOUR.get(result["status"]), err=err)
    return f"{status} {result['name']:<15} {result['message']}"

def render_checks(r: Renderer, report: Any) -> None:
    """``lockgate check``: a line per check, the sessions or replicas at fault under it."""
    if r.json_mode:
        r.emit_json(report.to_dict())
        return
    width = max(len(res.status) for res in report.results)
    for res in report.results:
        if r.quiet and res.status not in ("warn", "fail"):
            continue
        r.out(check_line(r, res.to_dict(), err=False, width=width))
        if res.status != "pass":
            for line in res.details:
                r.out(f"    {line}")
    counts = {k: sum(res.status == k for res in report.results) for k in ("fail", "warn")}
    verdict = ("pre-check failed" if counts["fail"] else "Pre-checks passed" +
               (" with warnings" if counts["warn"] else ""))
    r.note(f"{verdict} ({counts['fail']} failed, {counts['warn']} warning(s)).",
              "red" if counts["fail"] else None)

def monitor_once(r: Renderer, snapshot: Any) -> None:
    if r.json_mode:
        r.emit_json(snapshot.to_dict())
        return
    _console(r).print(monitor_view(snapshot))

def _console(r: Renderer) -> Any:
    """rich on stdout, coloured exactly when our own lines are (a terminal, FORCE_COLOR; never NO_COLOR)."""
    import os
    import sys

    from rich.console import Console

    # In a pipe with no COLUMNS rich assumes 80 columns and folds the query text a word a line:
    # a log or a grep reads better from long lines.
    piped = not sys.stdout.isatty() and not os.environ.get("COLUMNS", "").isdigit()
    # FORCE_COLOR on a dumb terminal (TERM=dumb, as CI has) still means colour: name the system.
    return Console(force_terminal=True if r.out_colour else None, no_color=not r.out_colour,
                   color_system="standard" if r.out_colour else None, highlight=False,
                   width=_PIPE_WIDTH if piped else None)


_PIPE_WIDTH = 250

def monitor_live(r: Renderer, read: Any, interval: float) -> None:
    """Refresh ``read()`` every ``interval`` seconds until Ctrl-C (then return: exit 0).

    ``--json``: one JSON document a line per refresh. Not at a terminal: each refresh
    printed after the last, as a log.
    """
    import time

    from rich.live import Live

    try:
        if r.json_mode:
            while True:
                click.echo(json.dumps(read().to_dict(), default=str, ensure_ascii=False))
                time.sleep(interval)
        console = _console(r)
        if not console.is_terminal:
            while True:
                console.print(monitor_view(read()))
                time.sleep(interval)
        with Live(monitor_view(read()), console=console, auto_refresh=False, screen=False) as live:
            while True:
                time.sleep(interval)
                live.update(monitor_view(read()), refresh=True)
    except KeyboardInterrupt:
        return


def _age(seconds: float | None) -> str:
    from ..durations import format_duration

    return format_duration(seconds) if seconds is not None else "-"


def monitor_view(snap: Any) -> Any:
    """The monitor's screen as a rich renderable: header, lockgate migrations, blocking tree,
    long queries, active sessions. Pure: a test renders it to a Console of fixed width."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    a = snap.activity
    if a is None:
        return Text(f"lockgate monitor [{snap.component}]: {snap.note}")
    share = a.connections / a.max_connections if a.max_connections else 0
    head = Text.assemble((f"lockgate monitor [{snap.component}]", "bold"),
                         f"  PostgreSQL {a.version}  connections {a.connections}/{a.max_connections} ({share:.0%})"
                         f"  lock waits {len(snap.lock_waits)}  long queries {len(snap.long_queries)}"
                         f"  at {a.taken_at.strftime('%H:%M:%S')}")
    parts: list[Any] = [head]
    if snap.migrations:
        t = Table(title="lockgate migrations", title_justify="left", expand=False)
        for col in ("pid", "version", "attempt", "state", "for", "blocked by", "statement"):
            t.add_column(col, overflow="fold" if col == "statement" else "ellipsis")
        for m in snap.migrations:
            style = "yellow" if m.state.startswith("waiting") else "green"
            t.add_row(str(m.pid), m.version, str(m.attempt or "-"), Text(m.state, style=style), _age(m.for_s),
                      ", ".join(map(str, m.blocked_by)) or "-", m.statement)
        parts.append(t)
    if snap.blocking:
        tree = Tree(Text("lock waits (blocker, then who waits for it)", style="bold"))

        def add(branch: Any, node: Any) -> None:
            s = node.session
            idle = (s.state or "").startswith("idle in")  # what counts is how long it has held its locks
            label = Text.assemble((f"pid {s.pid}", "red" if node.waiters else "yellow"),
                                  f" {s.application_name or '-'} {s.user or '-'} {s.state or '-'} "
                                  f"{_age(s.xact_s if idle else s.query_s)}: {s.query}")
            sub = branch.add(label)
            for w in node.waiters:
                add(sub, w)

        for root in snap.blocking:
            add(tree, root)
        parts.append(tree)
    sessions = Table(title=f"active sessions (long: over {_age(snap.long_query_s)})", title_justify="left")
    for col in ("pid", "user", "application", "state", "query", "xact", "wait", "query text"):
        sessions.add_column(col, overflow="fold" if col == "query text" else "ellipsis")
    long = {s.pid for s in snap.long_queries}
    for s in snap.active:
        wait = f"{s.wait_event_type}:{s.wait_event}" if s.wait_event_type else "-"
        sessions.add_row(str(s.pid), s.user or "-", s.application_name or "-", s.state or "-",
                         Text(_age(s.query_s), style="red" if s.pid in long else ""), _age(s.xact_s),
                         Text(wait, style="yellow" if s.waiting_for_lock else ""), s.query)
    parts.append(sessions)
    for r in a.replicas:
        parts.append(Text(f"replica {r.name} {r.state}: replay {_age(r.replay_lag_s)} behind, "
                          f"{r.behind_bytes if r.behind_bytes is not None else '?'} bytes"))
    return Group(*parts)
