"""One function per command. Each takes :class:`~lockgate.config.Settings`, returns
values, raises :class:`~lockgate.errors.LockgateError`, and never prints.

Example::

    import lockgate
    s = lockgate.load_settings("examples/quickstart")
    report = lockgate.up(s)
    [m.state.value for m in lockgate.status(s)]
    # -> ['applied', 'applied']
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Sequence, TypedDict

from .adoption import baseline
from .arguments import takes_settings as _takes_settings
from .config import Settings, load_settings
from .discovery import discover
from .errors import ChecksumMismatch, ConfigError, LedgerError, LockgateError, MigrationFileError, MissingMigrationFile
from .events import EventCallback
from .ledger_setup import half_created, non_empty
from .model import (BaselineReport, Direction, Event, HistoryEntry, MigrationStatus, RunReport,
                    State, StepResult, VerifyProblem)
from .planner import resolve_target, statuses, version_of
from .prepare import prepare
from .safety.plan import plan
from .safety.commands import check, monitor_snapshot
from .schema.commands import schema_check, schema_drift, schema_dump
from .session import open_session

RepairAction = Literal["clear-dirty", "delete", "accept-checksum"]


# -- read-only ---------------------------------------------------------------
@_takes_settings
def status(settings: Settings, *, phases: Literal["pending", "all", "none"] = "pending",
           on_event: EventCallback | None = None) -> list[MigrationStatus]:
    """Every migration with its state: applied, pending, dirty, checksum_mismatch, missing.

    ``phases``: which migrations get their expand/contract/mixed phase. By default
    the ones not cleanly applied (what the next ``up`` would run); ``"all"`` parses
    every file, which costs the parser's start-up and about 60 µs a file. ``on_event``
    gets a ``ledger_warning`` (level warn) when ``up`` would refuse the database: no
    ledger, or an empty one, beside tables (a mistyped ledger_table).
    """
    migrations = discover(settings.migrations_dir)
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        rows = s.adapter.read_ledger()
        if not rows:  # another tool's table (Flyway's, or schema_migrations beside another ledger): say so
            from .ledger import unadopted_foreign

            found = unadopted_foreign(s.adapter, settings.ledger_table, settings.database_url)
            if found is not None:
                raise found
            refusal = non_empty(s.adapter, settings.ledger_table, rows, allow=settings.allow_non_empty)
            if refusal is not None and on_event is not None:
                on_event(Event("ledger_warning", "warn", _would_refuse(refusal), {"ledger": settings.ledger_table}))
        result = statuses(migrations, rows, settings.component)
        if phases == "none":
            return result
        wanted = {st.ident for st in result if phases == "all" or st.state is not State.APPLIED}
        chosen = [m for m in migrations if m.ident in wanted]
        if not chosen:
            return result
        from .prepare import describe_tx_mode

        unapplied = {st.ident for st in result if st.state is not State.APPLIED}  # what the next up runs
        modes = {m.ident: describe_tx_mode(s.adapter, m) for m in chosen if m.ident in unapplied}
    from dataclasses import replace

    from .lint import LintOptions, lint_migrations

    report = lint_migrations(chosen, LintOptions(), jobs=1)
    phase = {m.ident: f.phase.value for m, f in zip(chosen, report.files)}
    return [replace(st, phase=phase.get(st.ident), transaction=modes.get(st.ident)) for st in result]


@_takes_settings
def lint_project(settings: Settings, *, paths: Sequence[Path] = (), pending: bool = False,
                 changed_since: str | None = None, options: Any = None, jobs: int | None = None,
                 cache: bool | str | Path = True) -> Any:
    """Lint the project's migrations (or ``paths``) for operations that take production down.

    Returns a :class:`lockgate.lint.LintReport`; see :func:`lockgate.lint.lint_project`
    (``cache``: the results of unchanged files, as the CLI keeps them; False: none).
    """
    # Not named ``lint``: ``lockgate.lint`` is the linter's package.
    from .lint import project

    return project.lint_project(settings, paths=paths, pending=pending, changed_since=changed_since,
                                options=options, jobs=jobs, cache=cache)


@_takes_settings
def history(settings: Settings, *, limit: int | None = None, version: str | None = None) -> list[HistoryEntry]:
    """The append-only record of every run of every migration, oldest first."""
    from .ledger import read_history

    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be 1 or more, not {limit}.")
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        entries = read_history(s.adapter)
    if version is not None:
        wanted = version.strip()
        head, _, rest = wanted.partition("_")
        entries = [e for e in entries if e.version == wanted
                   or (not rest and head.isdigit() and version_of(e.version) == int(head))]
    return entries[-limit:] if limit else entries


@_takes_settings
def verify(settings: Settings) -> list[VerifyProblem]:
    """Files and ledger agree: naming, content, checksums, missing files, dirty rows. [] means all good."""
    problems: list[VerifyProblem] = []
    try:
        migrations = discover(settings.migrations_dir)
    except MigrationFileError as exc:
        return [VerifyProblem(",".join(p.name for p in exc.paths) or "-", "naming", exc.message)]
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        rows = s.adapter.read_ledger()
        half = half_created(s.adapter, settings.ledger_table, rows)
        if half is not None:
            problems.append(VerifyProblem(settings.ledger_table, "half_created_ledger", half))
        refusal = non_empty(s.adapter, settings.ledger_table, rows, allow=settings.allow_non_empty)
        if refusal is not None:
            problems.append(VerifyProblem(settings.ledger_table, "non_empty_database", _would_refuse(refusal)))
        for m in migrations:
            for down in (False, True):
                if down and m.down is None:
                    continue
                try:
                    prepare(s.adapter, m, down=down)
                except LockgateError as exc:
                    problems.append(VerifyProblem(m.ident, "content", exc.message))
    states = statuses(migrations, rows, settings.component)
    newest = max((st.version for st in states if st.state is State.APPLIED), default=None)
    for st in states:
        if st.state is State.CHECKSUM_MISMATCH:
            problems.append(VerifyProblem(st.ident, "checksum_mismatch", str(ChecksumMismatch(
                st.ident, st.recorded_checksum or "", st.checksum)).replace("; nothing was applied", "")))
        elif st.state is State.MISSING:
            problems.append(VerifyProblem(st.ident, "missing", str(MissingMigrationFile([st.ident])).replace(
                "; nothing was applied", "")))
        elif st.state is State.DIRTY:
            problems.append(VerifyProblem(st.ident, "dirty", f"Migration {st.ident} is dirty (a run did not finish)."))
        elif st.state is State.PENDING and newest is not None and st.version < newest and not settings.allow_out_of_order:
            problems.append(VerifyProblem(st.ident, "out_of_order",
                                          f"Migration {st.ident} is pending but older than the newest applied one."))
    return problems


def _would_refuse(refusal: LockgateError) -> str:
    """The refusal of ``up``, said by a command that changes nothing anyway."""
    return f"{refusal.message.removesuffix('; nothing was changed.')}: lockgate up would refuse it. {refusal.hint}"


# -- changes -------------------------------------------------------------------
@_takes_settings
def up(settings: Settings, *, to: str | None = None, steps: int | None = None, dry_run: bool = False,
       auto_recover: bool | None = None, allow_out_of_order: bool | None = None, ignore_missing: bool = False,
       skip_lint: bool = False, lock_wait: float | None = None, sql: bool = False, rehearse: bool = False,
       lock_timeout: float | str | None = None,
       statement_timeout: float | str | None = None, retry_for: float | str | None = None,
       time_budget: float | str | None = None, cancel_blockers: bool = False,
       skip_checks: bool = False, skip_check: Sequence[str] = (),
       allow_non_empty: bool | None = None,
       on_event: EventCallback | None = None) -> RunReport:
    """Apply pending migrations in order, each in its own transaction with its ledger row
    (only the first ``steps`` of them, when given: golang-migrate's ``up N``).

    Before any change: takes the lock, checks every applied checksum, handles dirty
    rows (auto-recovery runs their down files), refuses out-of-order pending files,
    checks every pending file, lints them, and runs the pre-checks (``skip_checks``: none;
    ``skip_check``: not these; see :func:`check`); the steps: :data:`lockgate.run.UP_STEPS`.
    A dry run's report carries the plan (``report.plan``; ``sql``: with each file's SQL);
    ``rehearse`` applies everything in one transaction, watches its locks and rolls it
    all back (``report.rehearsal``; see :mod:`lockgate.safety.rehearsal`).

    On PostgreSQL each migration runs with ``lock_timeout`` (default 1s) and is retried
    while its locks are taken, for up to ``retry_for`` (60s); the run stops once
    ``time_budget`` (10m) is spent; ``cancel_blockers`` cancels the sessions in its way
    (see "Lock timeouts and retries" in the README). Times: seconds or ``"500ms"``, ``"2m"``.

    Where the ledger is missing or empty and the database already holds tables it refuses
    (:class:`~lockgate.errors.NonEmptyDatabaseError`) unless ``allow_non_empty``.
    """
    from .run import RunOptions, execute
    from .safety.thresholds import check_names

    return execute(settings, RunOptions(Direction.UP, to=to, steps=steps, dry_run=dry_run,
                                        auto_recover=auto_recover, allow_out_of_order=allow_out_of_order,
                                        ignore_missing=ignore_missing, skip_lint=skip_lint, lock_wait=lock_wait,
                                        sql=sql, rehearse=rehearse, cancel_blockers=cancel_blockers,
                                        skip_checks=skip_checks, skip_check=check_names(list(skip_check)),
                                        allow_non_empty=allow_non_empty,
                                        **_safety_options(lock_timeout, statement_timeout, retry_for, time_budget)),
                   on_event=on_event)


@_takes_settings
def down(settings: Settings, *, steps: int | None = None, to: str | None = None, dry_run: bool = False,
         lock_wait: float | None = None, lock_timeout: float | str | None = None,
         statement_timeout: float | str | None = None, retry_for: float | str | None = None,
         time_budget: float | str | None = None, cancel_blockers: bool = False,
         skip_checks: bool = False, skip_check: Sequence[str] = (),
         on_event: EventCallback | None = None) -> RunReport:
    """Roll back applied migrations, newest first: ``steps`` of them (default 1), or all above ``to``.

    The lock-queue protection of :func:`up` applies to each down file too, and the
    pre-checks run first (``skip_checks``, ``skip_check``).
    """
    from .run import RunOptions, execute
    from .safety.thresholds import check_names

    return execute(settings, RunOptions(Direction.DOWN, to=to, steps=steps, dry_run=dry_run, lock_wait=lock_wait,
                                        cancel_blockers=cancel_blockers, skip_checks=skip_checks,
                                        skip_check=check_names(list(skip_check)),
                                        **_safety_options(lock_timeout, statement_timeout, retry_for, time_budget)),
                   on_event=on_event)


def _safety_options(lock_timeout: float | str | None, statement_timeout: float | str | None,
                    retry_for: float | str | None, time_budget: float | str | None) -> _SafetyTimes:
    """The times given to up/down, parsed (a ConfigError, exit 2, names the flag)."""
    from .durations import parse_duration

    def parsed(value: float | str | None, name: str) -> float | None:
        return None if value is None else parse_duration(value, name=name)

    return _SafetyTimes(lock_timeout=parsed(lock_timeout, "--lock-timeout"),
                        statement_timeout=parsed(statement_timeout, "--statement-timeout"),
                        retry_for=parsed(retry_for, "--retry-for"), time_budget=parsed(time_budget, "--time-budget"))


class _SafetyTimes(TypedDict):
    lock_timeout: float | None
    statement_timeout: float | None
    retry_for: float | None
    time_budget: float | None


# What a repair that would change nothing says instead (its step's outcome is "unchanged").
REPAIR_UNNEEDED = {"clear-dirty": "{ident} is not dirty",
                   "accept-checksum": "the checksum recorded for {ident} already matches its file"}


@_takes_settings
def repair(settings: Settings, version: str, action: RepairAction, *,
           on_event: EventCallback | None = None) -> RunReport:
    """The runbook's manual recovery paths, each recorded in history:

    * ``clear-dirty``: keep the row as applied, clear its dirty flag;
    * ``delete``: forget the row (the migration counts as pending again);
    * ``accept-checksum``: record the file's current checksum.

    ``clear-dirty`` on a clean row and ``accept-checksum`` on a matching checksum change
    nothing and succeed, as a re-run of the runbook must: the step's outcome is
    ``unchanged`` and no history row is written.
    """
    if action not in ("clear-dirty", "delete", "accept-checksum"):
        raise ConfigError(f"Unknown repair action {action!r}.",
                          hint="Use --clear-dirty, --delete or --accept-checksum.")
    migrations = discover(settings.migrations_dir) if settings.migrations_dir.is_dir() else []
    with open_session(settings, on_event=on_event, lock=True) as s:
        rows = s.adapter.read_ledger() or []
        target = resolve_target(version, migrations, rows)
        row = next((r for r in rows if version_of(r.version) == target), None)
        if row is None:
            raise LedgerError(f"Migration {version} has no ledger row; nothing to repair.", ident=version,
                              hint="Run lockgate status to see what is applied.")
        m = next((m for m in migrations if m.ident == row.version), None)
        if action == "accept-checksum" and m is None:
            raise MissingMigrationFile([row.version], command="repair")
        if (action == "clear-dirty" and not row.dirty) or (action == "accept-checksum" and m is not None
                                                            and m.checksum == row.checksum):
            why = REPAIR_UNNEEDED[action].format(ident=row.version)
            s.emit("nothing_to_do", f"Nothing to repair: {why}", level="info", version=row.version, action=action)
            return RunReport(settings.component, s.ctx.run_id,
                             (StepResult(row.version, Direction.REPAIR, 0.0, "unchanged", row.checksum),))
        started = datetime.now(timezone.utc)
        s.adapter.begin()
        try:
            if action == "clear-dirty":
                s.ledger.set_dirty(row.version, False)
                checksum = row.checksum
            elif action == "delete":
                s.ledger.delete(row.version)
                checksum = row.checksum
            else:
                assert m is not None
                s.ledger.set_checksum(row.version, m.checksum)
                checksum = m.checksum
            ms = s.ledger.record(row.version, Direction.REPAIR, checksum=checksum, started=started,
                                 outcome="repaired", note=action)
            s.adapter.commit()
        except BaseException:
            s.adapter.rollback()
            raise
        s.emit("migration_repaired", f"Migration repaired ({action})", version=row.version, type="repair",
               checksum=checksum, action=action)
        return RunReport(settings.component, s.ctx.run_id,
                         (StepResult(row.version, Direction.REPAIR, ms, "repaired", checksum),))


# -- files ------------------------------------------------------------------------
@_takes_settings
def new(settings: Settings, name: str, *, timestamp: bool | None = None) -> tuple[Path, Path]:
    """Write the next version's up and down files with a header comment."""
    from .scaffold import write_new

    return write_new(settings.migrations_dir, name, timestamp=timestamp)


def init(directory: str | os.PathLike[str] = ".", *, database_url: str | None = None) -> list[Path]:
    """Create lockgate.toml, migrations/ with an example, and ignore logs/."""
    from .scaffold import write_init

    return write_init(Path(directory), database_url=database_url)


@dataclass(frozen=True)
class Project:
    """The API bound to one component's settings.

    Example::

        p = Project.load("examples/quickstart")
        p.up(); p.status()
    """

    settings: Settings

    @classmethod
    def load(cls, project_dir: str | os.PathLike[str] = ".", **kwargs: Any) -> "Project":
        return cls(load_settings(project_dir, **kwargs))

    def status(self, **kwargs: Any) -> list[MigrationStatus]:
        return status(self.settings, **kwargs)

    def up(self, **kwargs: Any) -> RunReport:
        return up(self.settings, **kwargs)

    def down(self, **kwargs: Any) -> RunReport:
        return down(self.settings, **kwargs)

    def verify(self) -> list[VerifyProblem]:
        return verify(self.settings)

    def lint(self, **kwargs: Any) -> Any:
        return lint_project(self.settings, **kwargs)

    def repair(self, version: str, action: RepairAction) -> RunReport:
        return repair(self.settings, version, action)

    def baseline(self, version: str | None = None, **kwargs: Any) -> BaselineReport:
        return baseline(self.settings, version, **kwargs)

    def history(self, **kwargs: Any) -> list[HistoryEntry]:
        return history(self.settings, **kwargs)

    def new(self, name: str, **kwargs: Any) -> tuple[Path, Path]:
        return new(self.settings, name, **kwargs)


__all__ = ["Project", "RepairAction", "baseline", "check", "down", "history", "init", "lint_project",
           "monitor_snapshot", "new", "plan", "repair", "schema_check", "schema_drift", "schema_dump", "status", "up",
           "verify"]
