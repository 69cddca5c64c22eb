"""The commands that change the database: up, down, repair, baseline."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import click

from ..errors import ConfigError

from .params import DURATION
from .state import CliState, handled, output_flags, pass_state


F = TypeVar("F", bound=Callable[..., Any])


_LOCK_FLAGS = (
    ("--lock-timeout", "Longest wait for each lock, per attempt (default 1s; 0: no limit)."),
    ("--statement-timeout", "Longest run of each statement (default: the time budget left)."),
    ("--retry-for", "How long to retry a migration whose locks are taken (default 60s)."),
    ("--time-budget", "The whole run's limit; past it the running migration is rolled back (10m)."),
)


def _check_flags(fn: F) -> F:
    """The pre-checks' flags of up and down (lockgate check takes --skip-check too)."""
    fn = click.option("--skip-check", "skip_check", multiple=True, metavar="NAME",
                      help="Leave out this pre-check (repeatable; recorded in history), e.g. replication-lag.")(fn)
    return click.option("--skip-checks", is_flag=True,
                        help="Run no pre-checks (recorded in history); see lockgate check.")(fn)


def lock_flags(fn: F) -> F:
    """The lock-queue protection flags of up and down (lockgate.safety); times like 500ms, 5s, 2m."""
    for flag, text in reversed(_LOCK_FLAGS):
        fn = click.option(flag, metavar="TIME", help=text)(fn)
    return click.option("--cancel-blockers", is_flag=True,
                        help="Cancel, then terminate, sessions blocking a migration's lock whose transaction is "
                             "older than cancel_older_than (10s); recorded in history.")(fn)


@click.command()
@click.argument("n", metavar="[N]", required=False, type=click.IntRange(min=1))
@click.option("--to", "to", metavar="VERSION", help="Stop after this version (0010 or 0010_add_products).")
@click.option("--steps", type=click.IntRange(min=1), metavar="N", help="Apply only the next N (as `lockgate up N`).")
@click.option("--dry-run", is_flag=True, help="Print what would run; change nothing.")
@click.option("--no-auto-recover", is_flag=True, help="Stop on dirty migrations instead of running their down file.")
@click.option("--allow-out-of-order", is_flag=True, help="Apply pending migrations older than the newest applied one.")
@click.option("--ignore-missing", is_flag=True, help="Go on when applied migrations have no file any more.")
@click.option("--skip-lint", is_flag=True, help="Apply even if the safety linter finds errors (recorded in history).")
@click.option("--lock-wait", type=DURATION, metavar="DURATION",
              help="How long to wait for another runner's lock: 500ms, 5s, 2m (a bare number is seconds).")
@click.option("--sql", is_flag=True, help="With --dry-run: show the SQL each migration would run.")
@click.option("--rehearse", is_flag=True, help="Apply in one transaction, report locks, row counts and times, "
              "then roll everything back.")
@lock_flags
@_check_flags
@click.option("--allow-non-empty", is_flag=True,
              help="Create the ledger even though the database already holds tables (they are expected).")
@output_flags
@pass_state
@handled
def up(state: CliState, n: int | None, to: str | None, steps: int | None, dry_run: bool, no_auto_recover: bool,
       allow_out_of_order: bool, ignore_missing: bool, skip_lint: bool, lock_wait: float | None, sql: bool,
       rehearse: bool, lock_timeout: str | None, statement_timeout: str | None, retry_for: str | None,
       time_budget: str | None, cancel_blockers: bool,
       skip_checks: bool, skip_check: tuple[str, ...],
       allow_non_empty: bool) -> None:
    """Apply pending migrations (the next N only, when given), each in one transaction with its ledger row.

    \b
    Examples:
      lockgate up
      lockgate up 1                 # only the next one (= --steps 1)
      lockgate up --to 0010 --dry-run
      lockgate up --dry-run --sql       # the plan, with the SQL of each migration
      lockgate up --rehearse            # apply, watch the locks, roll back
      lockgate --component all up
      lockgate up --lock-timeout 2s --retry-for 5m
    """
    from .. import api
    from ..safety.postchecks import PostCheckFailed

    if sql and not dry_run:
        raise ConfigError("--sql shows what a dry run would execute: give it with --dry-run.",
                          hint="lockgate up --dry-run --sql, or lockgate plan --sql")
    if rehearse and dry_run:
        raise ConfigError("--rehearse and --dry-run are two different runs; give one.",
                          hint="--dry-run shows the plan; --rehearse applies it in a transaction and rolls it back.")
    if n is not None and steps is not None and n != steps:
        raise ConfigError(f"Give N or --steps, not both ({n} and {steps}).")
    steps = steps if steps is not None else n
    reports = []
    every = state.all_settings()
    for s in every:
        # With --component all, each progress line says whose migration it is.
        state.render.prefix = f"[{s.component}] " if len(every) > 1 else ""
        try:
            reports.append(api.up(s, to=to, steps=steps, dry_run=dry_run,
                                  auto_recover=False if no_auto_recover else None,
                                  allow_out_of_order=True if allow_out_of_order else None,
                                  ignore_missing=ignore_missing, skip_lint=skip_lint,
                                  lock_wait=lock_wait if lock_wait is not None else state.lock_wait,
                                  sql=sql, rehearse=rehearse,
                                  lock_timeout=lock_timeout, statement_timeout=statement_timeout,
                                  retry_for=retry_for, time_budget=time_budget, cancel_blockers=cancel_blockers,
                                  skip_checks=skip_checks, skip_check=skip_check,
                                  allow_non_empty=True if allow_non_empty else None,
                                  on_event=state.render.on_event))
        except PostCheckFailed as failed:
            if not state.json:  # --json: the error carries the run's report
                state.render.report([*reports, failed.report], "apply")
            raise
    state.render.report(reports, "apply", to=to, database=str(every[0].database_url) if len(every) == 1 else None)
    if any(r.rehearsal is not None and r.rehearsal.failed is not None for r in reports):
        raise click.exceptions.Exit(1)  # the report said what failed; it was rolled back


@click.command()
@click.argument("n", metavar="[N]", required=False, type=click.IntRange(min=1))
@click.option("--steps", type=int, metavar="N", help="How many to roll back (default 1; as `lockgate down N`).")
@click.option("--to", "to", metavar="VERSION", help="Roll back everything after this version (0 for all).")
@click.option("--dry-run", is_flag=True, help="Print what would run; change nothing.")
@click.option("--lock-wait", type=DURATION, metavar="DURATION",
              help="How long to wait for another runner's lock: 500ms, 5s, 2m (a bare number is seconds).")
@lock_flags
@_check_flags
@output_flags
@pass_state
@handled
def down(state: CliState, n: int | None, steps: int | None, to: str | None, dry_run: bool,
         lock_wait: float | None, lock_timeout: str | None, statement_timeout: str | None, retry_for: str | None,
         time_budget: str | None, cancel_blockers: bool,
         skip_checks: bool, skip_check: tuple[str, ...]) -> None:
    """Roll back applied migrations, newest first, with their .down.sql files.

    \b
    Examples:
      lockgate down                 # the newest one
      lockgate down 3               # = --steps 3
      lockgate down --to 0010       # everything after 0010
    """
    from .. import api

    if n is not None and steps is not None and n != steps:
        raise ConfigError(f"Give N or --steps, not both ({n} and {steps}).")
    steps = steps if steps is not None else n

    report = api.down(state.settings(), steps=steps, to=to, dry_run=dry_run,
                      lock_wait=lock_wait if lock_wait is not None else state.lock_wait,
                      lock_timeout=lock_timeout, statement_timeout=statement_timeout, retry_for=retry_for,
                      time_budget=time_budget, cancel_blockers=cancel_blockers,
                      skip_checks=skip_checks, skip_check=skip_check, on_event=state.render.on_event)
    state.render.report([report], "roll back")


@click.command()
@click.argument("version")
@click.option("--clear-dirty", is_flag=True, help="Keep it as applied; clear the dirty flag.")
@click.option("--delete", is_flag=True, help="Forget its ledger row (it becomes pending).")
@click.option("--accept-checksum", is_flag=True, help="Record the file's current checksum.")
@output_flags
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
    step = report.steps[0]
    state.render.simple(report, f"Repaired {step.ident} ({action})." if step.outcome != "unchanged" else
                        "Nothing to repair: " + api.REPAIR_UNNEEDED[action].format(ident=step.ident) + ".")


@click.command()
@click.argument("version", required=False)
@click.option("--dry-run", is_flag=True, help="Print what would be recorded and renamed; change nothing.")
@output_flags
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


