"""Terminal output: colour on a terminal, none in a pipe or with NO_COLOR.

Plain ``click.style`` for lines (fast start-up); rich only for progress bars on
long runs at a terminal, and for the monitor's live view (:mod:`.safety_render`,
with the pre-checks' lines; :mod:`.plan_render` has the plan's).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any, Sequence

import click

from ..model import BaselineReport, Event, HistoryEntry, MigrationStatus, RunReport, State, VerifyProblem
from ..redact import redact_strings, redact_text

_STATE_COLOUR = {State.APPLIED: "green", State.PENDING: "yellow", State.DIRTY: "red",
                 State.CHECKSUM_MISMATCH: "red", State.MISSING: "magenta"}


def use_colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class Renderer:
    def __init__(self, *, json_mode: bool, quiet: bool, verbose: bool) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.verbose = verbose
        self.out_colour = use_colour(sys.stdout)
        self.err_colour = use_colour(sys.stderr)
        self._progress: Any = None
        self._task: Any = None
        self.prefix = ""  # "[component] " in front of progress lines when several components run
        self.targets: dict[str, dict[str, Any]] = {}  # component -> its target event's fields, for --json
        self._warned: set[str] = set()  # configuration warnings said once, by the CLI or by the session
        self._nothing_after: str | None = None  # down --to: the version nothing is applied after

    def style(self, text: str, colour: str | None = None, *, err: bool = False, bold: bool = False) -> str:
        if not (self.err_colour if err else self.out_colour) or (colour is None and not bold):
            return text
        return click.style(text, fg=colour, bold=bold)

    # Every line and JSON document goes through redact: the terminal is a sink like the log.
    def out(self, text: str = "") -> None:
        click.echo(redact_text(text), color=self.out_colour)

    def done(self, text: str) -> None:
        """A line saying that an action went well: what -q ("only errors") leaves out."""
        if not self.quiet:
            self.out(text)

    def note(self, text: str, colour: str | None = None) -> None:
        if not self.quiet:
            click.echo(self.style(redact_text(text), colour, err=True), err=True, color=self.err_colour)

    def error(self, message: str) -> None:
        prefix = self.style("error:", "red", err=True, bold=True)
        click.echo(f"{prefix} {redact_text(message)}", err=True, color=self.err_colour)

    def emit_json(self, data: Any) -> None:
        click.echo(json.dumps(redact_strings(data), indent=2, default=str, ensure_ascii=False))

    def config_warnings(self, warnings: Sequence[str]) -> None:
        """What the configuration said (DATABASE_URL overriding the file), once, on stderr."""
        for warning in warnings:
            if warning not in self._warned:
                self._warned.add(warning)
                self.note(f"{self.style('warn:', 'yellow', err=True)} {warning}")

    def _with_target(self, data: dict[str, Any], component: str) -> dict[str, Any]:
        target = self.targets.get(component)
        return {**data, "target": target} if target is not None else data

    # -- progress events from the API --------------------------------------
    def on_event(self, event: Event) -> None:
        if event.event == "config_warning":
            self.config_warnings([event.message])
            return
        if event.event == "nothing_to_do" and "after" in event.fields:
            self._nothing_after = str(event.fields["after"])
        if event.event == "target":
            fields = dict(event.fields)
            self.targets[str(fields.pop("component", ""))] = fields
            if not self.json_mode:
                self.note(f"{self.prefix}Target: {fields.get('database')} (from {fields.get('source')})")
            return
        if event.event == "run_plan":
            count = int(str(event.fields.get("count", 0)))
            if count >= 20 and not self.quiet and not self.json_mode and self.err_colour:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                          TimeElapsedColumn(), console=Console(stderr=True), transient=True)
                self._progress.start()
                self._task = self._progress.add_task(str(event.fields.get("direction", "up")), total=count)
            return
        version = event.fields.get("version")
        if event.event == "migration_finish":
            if self._progress is not None:
                self._progress.update(self._task, advance=1, description=str(version))
                if self.verbose:
                    self._progress.console.print(redact_text(f"{event.message}: {version}"))
                return
            ms = event.fields.get("duration_ms")
            attempts = event.fields.get("attempts")
            retried = (f", {attempts} attempts, {float(str(event.fields.get('lock_wait_ms', 0))) / 1000:.1f}s "
                       "waiting for locks" if isinstance(attempts, int) and attempts > 1 else "")
            self.note(f"{self.prefix}{self.style('✓', 'green', err=True)} {version} "
                      f"{event.fields.get('type', '')} ({ms} ms{retried})")
            return
        if event.event == "migration_start":
            if self.verbose and self._progress is None:
                self.note(f"{self.prefix}→ {version} {event.fields.get('type', '')}")
            return
        if event.event == "lint_finding":
            if event.level == "info" and not self.verbose:
                return
            self.stop_progress()
            sev = str(event.fields.get("severity", event.level))
            rule = str(event.fields.get("rule", ""))
            colour = {"error": "red", "warning": "yellow"}.get(sev)
            where = f"{Path(str(event.fields.get('file', ''))).name}:{event.fields.get('line', '')}"
            tag = self.style(f"{sev}[{rule}]", colour, err=True)
            self.note(f"lint {tag} {where}: {event.message}")
            return
        # The error that ends the run says it.
        if event.event in ("migration_failed", "recover_failed", "migration_interrupted"):
            self.stop_progress()
            return
        if event.event == "migration_pre_checks":
            self.stop_progress()
            for r in event.fields.get("checks") or ():  # type: ignore[attr-defined]
                if r["status"] in ("warn", "fail") or self.verbose:
                    from .safety_render import check_line

                    self.note(f"pre-check {check_line(self, r, width=14 if self.verbose else 4)}")
                    for line in r.get("details") or () if r["status"] != "pass" else ():
                        self.note(f"    {line}")
            return
        if event.level in ("warn", "error"):
            self.stop_progress()
            self.note(f"{self.style(event.level + ':', 'yellow' if event.level == 'warn' else 'red', err=True)} "
                      f"{event.message}" + _versions(event))
        elif self.verbose:
            self.note(event.message + _versions(event))

    def stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # -- results -------------------------------------------------------------
    def statuses(self, rows: Sequence[MigrationStatus], *, show_component: bool) -> None:
        if self.json_mode:
            self.emit_json([r.to_dict() for r in rows])
            return
        if not rows:
            self.out("No migrations.")
            return
        width = max(len(r.ident) for r in rows)
        for r in rows:
            comp = f"{r.component:<12} " if show_component else ""
            applied = r.applied_at.strftime("%Y-%m-%d %H:%M:%S") if r.applied_at else "-"
            state = self.style(f"{r.state.value:<17}", _STATE_COLOUR[r.state])
            phase = f"  {r.phase}" if r.phase else ""
            runs = f"  {r.transaction}" if r.transaction and r.transaction != "transaction" else ""
            self.out(f"{comp}{r.ident:<{width}}  {state} {applied:<19}  {r.checksum[:12]}{phase}{runs}")
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.state.value] = counts.get(r.state.value, 0) + 1
        self.note(", ".join(f"{v} {k}" for k, v in counts.items()))

    def report(self, reports: Sequence[RunReport], verb: str, *, to: str | None = None,
               database: str | None = None) -> None:
        self.stop_progress()
        if self.json_mode:
            data = [self._with_target(r.to_dict(), r.component) for r in reports]
            self.emit_json(data if len(data) > 1 else data[0])
            return
        for rep in reports:
            prefix = f"[{rep.component}] " if len(reports) > 1 else ""
            if rep.dry_run and rep.plan is not None:
                from .plan_render import render_plan

                render_plan(self, rep.plan, prefix)
                continue
            if rep.dry_run:
                if rep.recovered:
                    self.out(f"{prefix}Would recover dirty: {', '.join(rep.recovered)}")
                if rep.planned:
                    self.out(f"{prefix}Would {verb} {len(rep.planned)} migration(s) (dry run, nothing changed):")
                    for ident in rep.planned:
                        self.out(f"  {ident}")
                else:
                    self.out(f"{prefix}Nothing to {verb} (dry run).")
                continue
            if rep.rehearsal is not None:
                from .plan_render import render_rehearsal

                render_rehearsal(self, rep.rehearsal, database or rep.component, prefix)
                continue
            if rep.recovered:
                self.done(f"{prefix}Recovered dirty: {', '.join(rep.recovered)}")
            n = sum(1 for s in rep.steps if s.direction.value in ("up", "down"))
            done = _done_verb(rep, verb)
            if n == 0 and not rep.recovered:
                # With --to, later migrations may be pending: "up to date" would say they are not.
                if verb == "migrate" and to:  # goto: neither up nor down had anything to do
                    self.done(f"{prefix}Nothing to migrate: the database is already at {to}.")
                elif verb == "apply" and to:
                    self.done(f"{prefix}Nothing to {verb} up to {to}.")
                else:
                    self.done(f"{prefix}Nothing to {verb}: " + (
                        "database is up to date." if verb == "apply" else
                        f"nothing applied after {self._nothing_after}." if self._nothing_after else
                        "no applied migrations."))
            elif n:
                total = sum(s.duration_ms for s in rep.steps)
                self.done(self.style(f"{prefix}{done} {n} migration(s) "
                                    f"in {total / 1000:.2f}s{_budget(rep)}.", "green"))
                for step in rep.steps:
                    if step.attempts > 1:
                        who = ", ".join(f"pid {b.get('pid')} ({b.get('application_name') or '?'}, user "
                                        f"{b.get('user')})" for b in step.blockers) or "a session not seen"
                        self.done(f"{prefix}  {step.ident}: {step.attempts} attempts, "
                                  f"{step.lock_wait_ms / 1000:.1f}s waiting for locks held by {who}")
            if rep.post_checks is not None:
                from .plan_render import render_post_checks

                render_post_checks(self, rep.post_checks)

    def simple(self, rep: RunReport, text: str) -> None:
        if self.json_mode:
            self.emit_json(self._with_target(rep.to_dict(), rep.component))
        else:
            self.done(text)

    def baseline(self, rep: BaselineReport) -> None:
        """What baseline recorded, or would record (--dry-run), from where, and what stays pending."""
        if self.json_mode:
            self.emit_json(self._with_target(rep.to_dict(), rep.component))  # its warnings are in it
            return
        if rep.dry_run:
            self.out(f"Would baseline {len(rep.planned)} migration(s) (dry run, nothing changed):")
            for ident in rep.planned:
                self.out(f"  {ident}")
            self.out(f"Source: {_baseline_source(rep)}.")
            if _renamed(rep):
                self.out(f"Would rename {rep.source_table} to {rep.kept_as}.")
            elif rep.source_table:
                self.out(f"{rep.source_table} would stay as it is (nothing renamed).")
        else:
            idents = [s.ident for s in rep.steps]
            self.done(f"Baselined {len(idents)} migration(s) up to {idents[-1]}." if idents else
                      "Baselined 0 migrations: the ledger starts empty, and lockgate up applies every file.")
            if rep.source != "version":
                self.done(f"Source: {_baseline_source(rep)}.")
            if _renamed(rep):
                self.done(f"The old table {rep.source_table} is kept as {rep.kept_as}.")
            elif rep.source_table:
                self.done(f"{rep.source_table} is left as it is (nothing renamed).")
        for warning in rep.warnings:
            self.note(f"{self.style('warning:', 'yellow', err=True)} {warning}")

    def problems(self, problems: Sequence[VerifyProblem], component: str) -> None:
        if self.json_mode:
            self.emit_json({"component": component, "ok": not problems, "problems": [p.to_dict() for p in problems]})
            return
        if not problems:
            self.done(self.style(f"OK: files and ledger agree ({component}).", "green"))
        for p in problems:
            self.out(f"{self.style(p.kind, 'red')}: {p.message}")

    def history(self, rows: Sequence[tuple[str, HistoryEntry]], *, version: str | None = None,
                show_component: bool = False) -> None:
        """``rows``: (component, entry); the component is shown when there are several (--component all)."""
        if self.json_mode:
            self.emit_json([{"component": c, **r.to_dict()} if show_component else r.to_dict() for c, r in rows])
            return
        if not rows:
            self.out(f"No history for {version}: no run of a migration with that version." if version
                     else "No history yet.")
        for component, r in rows:
            when = r.started_at.strftime("%Y-%m-%d %H:%M:%S") if r.started_at else "-"
            ms = f"{r.duration_ms:.0f} ms" if r.duration_ms is not None else "-"
            colour = "red" if r.outcome in ("failed", "interrupted") else None
            extra = f"  {r.error}" if r.error else (f"  ({r.note})" if r.note else "")
            comp = f"{component:<12} " if show_component else ""
            outcome = self.style(f"{r.outcome:<12}", colour)
            self.out(f"{comp}{when}  {r.version:<40} {r.direction:<9} {outcome} {ms:>9}  "
                     f"{r.os_user}@{r.host}{extra}")


def _baseline_source(rep: BaselineReport) -> str:
    """Where baseline's list comes from, e.g. ``dbmate's table schema_migrations (the versions it applied)``."""
    if rep.source in ("dbmate", "Flyway"):  # one row per version: those it applied (Flyway: successfully)
        bound = f", up to {rep.version}" if rep.version else ""
        how = " successfully" if rep.source == "Flyway" else ""
        return f"{rep.source}'s table {rep.source_table} (the versions it applied{how}{bound})"
    if rep.source == "version":
        return f"VERSION {rep.version} (" + ("none applied: an empty ledger)" if rep.version == "0" else
                                             "it and every migration before it)")
    return f"{rep.source}'s table {rep.source_table} (its version {rep.version} and every migration before it)"


def _renamed(rep: BaselineReport) -> bool:
    """Whether baseline moves the other tool's table aside (Flyway's is not in the ledger's way: it stays)."""
    return rep.kept_as is not None and rep.kept_as != rep.source_table


def _budget(rep: RunReport) -> str:
    """`` (2% of the 10m time budget)`` for a run that had one."""
    if not rep.time_budget_s or rep.elapsed_ms is None:
        return ""
    from ..durations import format_duration

    share = rep.elapsed_ms / 10 / rep.time_budget_s
    return f" ({share:.0f}% of the {format_duration(rep.time_budget_s)} time budget)" if share >= 1 else \
        f" (under 1% of the {format_duration(rep.time_budget_s)} time budget)"


def _versions(event: Event) -> str:
    v = event.fields.get("versions") or event.fields.get("version")
    if isinstance(v, list):
        return ": " + ", ".join(map(str, v))
    return f": {v}" if v else ""


def _done_verb(rep: RunReport, verb: str) -> str:
    """What a run did, in the past tense: goto (``migrate``) went up or down, as its steps say."""
    if verb == "migrate":
        verb = "rollback" if any(s.direction.value == "down" for s in rep.steps) else "apply"
    return "Applied" if verb == "apply" else "Rolled back"
