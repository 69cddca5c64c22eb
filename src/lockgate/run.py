"""A run of ``up`` or ``down`` as a pipeline of named steps.

Each step is a plain function of the :class:`Run` it works on: it reads what earlier
steps found (the ledger rows, the pending files) and adds what it decides (the plans,
a note for history). Steps before :func:`apply_up` / :func:`apply_down` change nothing,
so a refusal anywhere leaves the database as it was, and a dry run is the same pipeline
stopped before the apply step.

A new safeguard is a step that plugs in: :func:`pre_checks` goes after ``lint_pending``,
the post-checks after the apply step. The order is data (:data:`UP_STEPS`,
:data:`DOWN_STEPS`), so a test can run one step alone on a :class:`Run` it built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .config import Settings
from .discovery import discover
from .errors import (ChecksumMismatch, ConfigError, DirtyMigrationError, EmptyDownError,
                     LintFailed, MissingDownError, MissingMigrationFile, OutOfOrderError)
from .events import EventCallback
from .model import Direction, LedgerRow, Migration, RunReport, Statement, StepResult
from .planner import resolve_target, version_of
from .prepare import down_state, runnable
from .runner import Runner
from .safety.guard import LockGuard
from .safety.postchecks import count_before, post_check
from .schema.commands import dump_after_run, record_schema
from .session import Session, open_session


@dataclass(frozen=True)
class RunOptions:
    """What the caller asked of a run; ``None`` means the project's setting."""

    direction: Direction = Direction.UP
    to: str | None = None
    steps: int | None = None  # how many: down's default 1; up's default all pending (golang-migrate's up N)
    dry_run: bool = False
    auto_recover: bool | None = None
    allow_out_of_order: bool | None = None
    ignore_missing: bool = False
    skip_lint: bool = False
    lock_wait: float | None = None
    sql: bool = False  # a dry run's plan carries each file's SQL
    rehearse: bool = False  # apply in one transaction, watch the locks, roll everything back
    # Lock-queue protection (seconds; see lockgate.safety): None means the project's setting.
    lock_timeout: float | None = None
    statement_timeout: float | None = None
    retry_for: float | None = None
    time_budget: float | None = None
    cancel_blockers: bool = False
    skip_checks: bool = False  # no pre-checks at all (recorded in history)
    skip_check: tuple[str, ...] = ()  # these pre-checks left out (names checked by the API)
    allow_non_empty: bool | None = None  # up: a database with tables but no ledger history is expected


@dataclass(frozen=True)
class Planned:
    """One migration the run will apply or roll back, its file checked and split."""

    migration: Migration
    statements: Sequence[Statement]
    row: LedgerRow | None = None  # down: the ledger row it removes


@dataclass
class Run:
    """What the steps of one run share. Built by :func:`execute`, handed to every step."""

    session: Session
    options: RunOptions
    migrations: list[Migration]
    runner: Runner
    guard: LockGuard | None = None
    rows: list[LedgerRow] = field(default_factory=list)
    found: list[LedgerRow] | None = None  # the ledger as read_ledger found it; None: no ledger table
    recovered: list[str] = field(default_factory=list)
    plans: list[Planned] = field(default_factory=list)
    results: list[StepResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # go into each history row of this run
    lint: Any = None  # the LintReport of lint_pending, when it ran
    checks: list[Any] = field(default_factory=list)  # pre-check results, when they ran
    plan: Any = None  # a dry run's lockgate.safety.plan.Plan
    rehearsal: Any = None  # up --rehearse: lockgate.safety.rehearsal.Rehearsal
    # post-checks (lockgate.safety.postchecks): what count_before found, then the results
    check_files: list[tuple[str, Path, str]] = field(default_factory=list)
    counts_before: dict[tuple[str | None, str], tuple[int | None, str]] | None = None
    post_checks: Any = None

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def note(self) -> str | None:
        return "; ".join(self.notes) or None

    def report(self) -> RunReport:
        s = self.session
        if self.options.dry_run:
            return RunReport(s.settings.component, s.ctx.run_id, (), True, tuple(self.recovered),
                             tuple(p.migration.ident for p in self.plans), plan=self.plan, checks=tuple(self.checks))
        budget = self.guard.budget if self.guard is not None else None
        return RunReport(s.settings.component, s.ctx.run_id, tuple(self.results), False, tuple(self.recovered),
                         rehearsal=self.rehearsal, elapsed_ms=budget.elapsed() * 1000 if budget else None,
                         time_budget_s=budget.total if budget else None,
                         post_checks=self.post_checks, checks=tuple(self.checks))


RunStep = Callable[[Run], None]


# -- steps of up ----------------------------------------------------------------------
def read_ledger(run: Run) -> None:
    """Read the ledger; while it is missing or empty, refuse another tool's table and a database
    that already holds tables (:func:`create_ledger` creates it once every check has passed)."""
    from .ledger_setup import refuse_non_empty

    s = run.session
    rows = s.adapter.read_ledger()
    if not rows:  # before the ledger is created: a refusal leaves nothing behind
        _refuse_unadopted_foreign_ledger(s)
        allow = s.settings.allow_non_empty if run.options.allow_non_empty is None else run.options.allow_non_empty
        refuse_non_empty(s.adapter, s.settings.ledger_table, rows, allow=allow)
    run.found = rows
    run.rows = rows or []


def create_ledger(run: Run) -> None:
    """Create (or complete) the ledger: the last step before the first change, so that every
    refusal of the steps before it leaves the database as it was."""
    from .ledger_setup import create_ledger as create

    create(run.session.adapter, run.found, run.session.emit)


def check_checksums(run: Run) -> None:
    """Every applied migration's file is there and unchanged (``--ignore-missing`` forgives the first)."""
    files = {m.ident: m for m in run.migrations}
    for r in run.rows:
        m = files.get(r.version)
        if m is not None and not r.dirty and r.checksum != m.checksum:
            raise ChecksumMismatch(r.version, r.checksum, m.checksum)
    missing = [r.version for r in run.rows if r.version not in files and not r.dirty]
    if missing and not run.options.ignore_missing:
        raise MissingMigrationFile(missing)


def recover_dirty(run: Run) -> None:
    """Dirty rows: recover each with its down file (newest first), or stop with the manual fix."""
    s = run.session
    dirty = sorted((r for r in run.rows if r.dirty), key=lambda r: version_of(r.version), reverse=True)
    if not dirty:
        return
    idents = [r.version for r in dirty]
    s.emit("dirty_found", "Found migrations in dirty state", level="warn", versions=idents)
    files = {m.ident: m for m in run.migrations}
    auto = s.settings.auto_recover if run.options.auto_recover is None else run.options.auto_recover
    if not auto:
        recoverable = all(r.version in files and down_state(s.adapter, files[r.version]) == "sql" for r in dirty)
        raise DirtyMigrationError(idents, recoverable=recoverable)
    plans = []
    for r in dirty:
        m = files.get(r.version)
        if m is None or m.down is None:
            s.emit("recover_failed", "No down migration found for dirty migration", level="error", version=r.version)
            raise MissingDownError(r.version, dirty=True)
        runs, stmts = runnable(s.adapter, m, down=True)  # the file as it runs (lockgate.prepare)
        if not stmts:
            # A down file of comments undoes nothing: "recovering" with it would then apply the
            # migration over what the failed run left (an INVALID index that IF NOT EXISTS skips).
            s.emit("recover_failed", "Down file of dirty migration has no SQL", level="error", version=r.version)
            raise EmptyDownError(r.version, m.down.path)
        plans.append((runs, stmts))
    run.recovered = idents
    if run.options.dry_run or run.options.rehearse:
        return
    for m, stmts in plans:
        run.results.append(run.runner.revert(m, stmts, direction=Direction.RECOVER, already_dirty=True))


def choose_pending(run: Run) -> None:
    """The files not applied (up to ``--to``), refusing out-of-order ones unless allowed."""
    applied = {r.version for r in run.rows if r.version not in run.recovered}
    pending = [m for m in run.migrations if m.ident not in applied]
    if run.options.to is not None:
        limit = resolve_target(run.options.to, run.migrations, run.rows)
        pending = [m for m in pending if m.version <= limit]
    if run.options.steps is not None:
        pending = pending[: run.options.steps]
    newest = max((version_of(v) for v in applied), default=None)
    late = [m.ident for m in pending if newest is not None and m.version < newest]
    allowed = (run.settings.allow_out_of_order if run.options.allow_out_of_order is None
               else run.options.allow_out_of_order)
    if late and not allowed:
        raise OutOfOrderError(late, max(applied, key=version_of))
    run.plans = [Planned(m, ()) for m in pending]


def prepare_files(run: Run) -> None:
    """Split and check every file the run will execute, before the first one runs."""
    down = run.options.direction is Direction.DOWN
    # runnable: the file as it runs, a wrapping BEGIN/COMMIT left out or marked no-transaction (lockgate.prepare)
    run.plans = [Planned(*runnable(run.session.adapter, p.migration, down=down), p.row) for p in run.plans]


def check_timeouts(run: Run) -> None:
    """Every file's header directives are known ones, its timeout directives parse, and the engine
    has lock timeouts if one is set."""
    from .header import check_directives

    for p in run.plans:
        f = p.migration.up if run.options.direction is Direction.UP else p.migration.down
        if f is not None:
            check_directives(f.text, f.path)
            if run.guard is not None:
                run.guard.check(f)


def lint_pending(run: Run) -> None:
    """Lint the pending migrations against the live database; error findings stop the run."""
    s = run.session
    if not run.plans:
        return
    if not s.adapter.lints:
        s.emit("lint_skipped", "Safety lint not run: its rules are PostgreSQL's", level="info")
        return
    if run.options.skip_lint:
        run.notes.append("lint skipped (--skip-lint)")
        s.emit("lint_skipped", "Safety lint skipped by --skip-lint", level="warn")
        return
    if not s.settings.lint_on_up:
        return
    from .lint import LintOptions, lint_migrations

    # The lock_timeout this run sets itself: missing-lock-timeout is for files run without one.
    lock_timeout = s.settings.lock_timeout if run.options.lock_timeout is None else run.options.lock_timeout
    options = LintOptions.from_config(dict(s.settings.lint)).replace(
        runner_lock_timeout=lock_timeout if s.adapter.lock_timeouts else 0.0)
    report = lint_migrations([p.migration for p in run.plans], options, live=s.adapter, cumulative=True)
    run.lint = report
    for note in report.notes:
        s.emit("lint_note", note, level="warn")
    for f in report.active:
        s.emit("lint_finding", f.message, level={"error": "error", "warning": "warn"}.get(f.severity.value, "info"),
               rule=f.rule, severity=f.severity.value, file=str(f.file), line=f.line)
    failing = report.failing(options.fail_on)
    if failing:
        first = failing[0]
        raise LintFailed(len(failing), f"{Path(str(first.file)).name}:{first.line} {first.rule}")


def pre_checks(run: Run) -> None:
    """Connections, long queries on the tables to be locked, lock waits, replica lag, lint: a failed
    one stops the run here, before any change (:mod:`lockgate.safety.precheck`)."""
    from .safety.precheck import pre_checks as run_pre_checks

    run_pre_checks(run)


def apply_up(run: Run) -> None:
    s = run.session
    if not run.plans:
        s.emit("nothing_to_do", "No pending migrations", level="info")
        return
    s.emit("run_plan", "Applying pending migrations", direction="up", count=len(run.plans),
           database=s.settings.database_url.target)  # the target again, on the line a log reader looks for
    for p in run.plans:
        run.results.append(run.runner.apply(p.migration, p.statements, note=run.note))


# -- steps of down --------------------------------------------------------------------
def choose_rollbacks(run: Run) -> None:
    """The applied migrations to roll back, newest first: ``--steps`` (default 1) or all above ``--to``."""
    rows = run.session.adapter.read_ledger() or []
    run.rows = rows
    ordered = sorted(rows, key=lambda r: (version_of(r.version), r.version), reverse=True)
    if run.options.to is not None:
        limit = resolve_target(run.options.to, run.migrations, rows)
        chosen = [r for r in ordered if version_of(r.version) > limit]
    else:
        chosen = ordered[: run.options.steps or 1]
    files = {m.ident: m for m in run.migrations}
    plans = []
    for r in chosen:
        m = files.get(r.version)
        if m is None:
            raise MissingMigrationFile([r.version], command="down")
        if m.down is None:
            raise MissingDownError(r.version)
        plans.append(Planned(m, (), r))
    run.plans = plans


def check_down_files(run: Run) -> None:
    """Every down file in range can run, checked before the first rollback (as up files are):
    a dirty row's must have SQL (deleting the row would hide what the failed run left), and
    none may mix a statement that cannot run in a transaction with others, unmarked."""
    from .errors import DownNeedsNoTransaction
    from .prepare import outside_transaction_needed

    for p in run.plans:
        down = p.migration.down
        assert down is not None
        if p.row is not None and p.row.dirty and not p.statements:
            raise EmptyDownError(p.row.version, down.path, command="down")
        found = outside_transaction_needed(run.session.adapter, p.migration, p.statements, down=True)
        if found is not None:
            raise DownNeedsNoTransaction(p.migration.ident, down.path, found[0].line, found[1])


def apply_down(run: Run) -> None:
    s = run.session
    if not run.plans:
        if run.options.to is not None:  # some are applied: "no applied migrations" would be untrue
            after = _ident_of(resolve_target(run.options.to, run.migrations, run.rows), run.migrations, run.rows)
            s.emit("nothing_to_do", f"Nothing applied after {after} to roll back", level="info", after=after)
        else:
            s.emit("nothing_to_do", "No applied migrations to roll back", level="info")
        return
    s.emit("run_plan", "Rolling back migrations", direction="down", count=len(run.plans),
           database=s.settings.database_url.target)
    for p in run.plans:
        run.results.append(run.runner.revert(p.migration, p.statements,
                                             already_dirty=bool(p.row and p.row.dirty), note=run.note))


def _ident_of(version: int, migrations: Sequence[Migration], rows: Sequence[LedgerRow]) -> str:
    """How to name a resolved ``--to``: its file's identifier (``0003_x``), else its ledger row's, else the number."""
    for ident in [m.ident for m in migrations] + [r.version for r in rows]:
        if version_of(ident) == version:
            return ident
    return str(version)


def emit_planned(run: Run) -> None:
    """A dry run's last step: say what would run."""
    up = run.options.direction is Direction.UP
    for p in run.plans:
        m = p.migration
        if up:
            run.session.emit("migration_planned", "Would apply migration", version=m.ident, type="up",
                             checksum=m.checksum, statements=len(p.statements))
        else:
            run.session.emit("migration_planned", "Would roll back migration", version=m.ident, type="down",
                             statements=len(p.statements))


# Everything before the apply step changes nothing but the (empty) ledger's creation.
UP_STEPS: tuple[RunStep, ...] = (read_ledger, check_checksums, recover_dirty, choose_pending, prepare_files,
                                 check_timeouts, lint_pending, pre_checks,
                                 count_before)
DOWN_STEPS: tuple[RunStep, ...] = (choose_rollbacks, prepare_files, check_down_files, check_timeouts, pre_checks,
                                   count_before)
# Once the apply step has finished.
# record_schema keeps the drift fingerprint (lockgate.schema.drift); dump_after_run: schema_dump_on_up.
AFTER_STEPS: tuple[RunStep, ...] = (post_check, record_schema, dump_after_run)


def execute(settings: Settings, options: RunOptions, *, on_event: EventCallback | None = None,
            before: Sequence[RunStep] | None = None, apply: RunStep | None = None,
            after: Sequence[RunStep] = AFTER_STEPS) -> RunReport:
    """Run the steps of ``options.direction`` with the lock held (not for a dry run).

    ``before`` replaces the default checking steps, ``apply`` the apply step and ``after``
    runs once it has finished; a dry run stops after ``before`` and reports the plan.
    """
    up = options.direction is Direction.UP
    if options.steps is not None and options.to is not None:
        raise ConfigError("Give either --steps or --to, not both.")
    if options.steps is not None and options.steps < 1:
        raise ConfigError(f"--steps must be 1 or more, not {options.steps}.")
    migrations = discover(settings.migrations_dir)
    steps = tuple(before) if before is not None else (UP_STEPS if up else DOWN_STEPS)
    fresh = _absent_sqlite_files(settings)
    try:
        return _execute(settings, options, migrations, steps, on_event=on_event, apply=apply, after=after)
    except BaseException:
        for path in fresh:  # a refused first run on a new SQLite database leaves no file behind
            if path.exists() and _only_lockgate_tables(path):
                path.unlink()
            for extra in (path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm",
                                                                             ".lockgate-lock")):
                extra.unlink(missing_ok=True)
        raise


def _absent_sqlite_files(settings: Settings) -> list[Path]:
    try:
        url = settings.database_url
    except ConfigError:
        return []
    if url.engine != "sqlite" or str(url.sqlite_path) == ":memory:" or url.sqlite_path.exists():
        return []
    return [url.sqlite_path]


def _only_lockgate_tables(path: Path) -> bool:
    """True when the file holds nothing but lockgate's own tables, all empty: the run that created
    it was refused before it ran anything (a failed migration leaves its history row, and stays)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            ours = all(n.endswith(("_history", "_schema")) or n + "_history" in names for n in names)
            empty = ours and not any(conn.execute(f'SELECT 1 FROM "{n}" LIMIT 1').fetchone() for n in names)
    except sqlite3.Error:
        return False
    return ours and empty


def _execute(settings: Settings, options: RunOptions, migrations: list[Migration], steps: tuple[RunStep, ...], *,
             on_event: EventCallback | None, apply: RunStep | None, after: Sequence[RunStep]) -> RunReport:
    up = options.direction is Direction.UP
    with open_session(settings, on_event=on_event, lock=not options.dry_run, lock_wait=options.lock_wait) as s:
        guard = _guard(s, options)
        try:
            run = Run(s, options, migrations, Runner(s.adapter, s.ledger, s.emit, guard), guard)
            if options.cancel_blockers:
                run.notes.append(f"--cancel-blockers (transactions open over {settings.cancel_older_than:g}s, "
                                 f"terminated after {settings.cancel_grace:g}s)")
            for step in steps:
                step(run)
            if options.dry_run:
                emit_planned(run)
                from .safety.plan import build_plan

                run.plan = build_plan(run)
                return run.report()
            if options.rehearse:
                from .safety.rehearsal import rehearse_up

                rehearse_up(run)  # everything it ran is rolled back: nothing to check after it
                return run.report()
            if up:
                create_ledger(run)
            (apply or (apply_up if up else apply_down))(run)
            for step in after:
                step(run)
            return run.report()
        finally:
            if guard is not None:
                guard.close()


def _guard(s: Session, options: RunOptions) -> LockGuard | None:
    """The run's lock-queue protection; refuses timeout flags on an engine without lock timeouts."""
    from .safety.guard import GuardOptions
    from .safety.watcher import CancelPolicy

    settings = s.settings
    flags = {"lock_timeout": options.lock_timeout, "statement_timeout": options.statement_timeout,
             "retry_for": options.retry_for}
    if not s.adapter.lock_timeouts:
        given = [k for k, v in flags.items() if v is not None] + (["cancel_blockers"] if options.cancel_blockers
                                                                   else [])
        if given:
            raise ConfigError(f"--{given[0].replace('_', '-')} needs PostgreSQL; {s.adapter.name} has no lock "
                              "timeouts.", hint="Leave the flag out for this database.")
    budget = settings.time_budget if options.time_budget is None else options.time_budget
    return LockGuard(s.adapter, s.emit, GuardOptions(
        {"lock_timeout": settings.lock_timeout, "statement_timeout": settings.statement_timeout,
         "retry_for": settings.retry_for}, flags, budget,
        CancelPolicy(settings.cancel_older_than, settings.cancel_grace) if options.cancel_blockers else None))


def _refuse_unadopted_foreign_ledger(s: Session) -> None:
    """Refuse ``up`` while golang-migrate's or dbmate's ``schema_migrations`` sits beside a
    lockgate ledger of another name that has never applied or baselined anything.

    Where the ledger is ``schema_migrations`` itself the adapter finds the other tool's
    table; under another name it would not, and ``up`` would run every file against a
    database that already has them. Asked only while the ledger is empty, so a project
    that has run costs nothing.
    """
    from .ledger import unadopted_foreign

    found = unadopted_foreign(s.adapter, s.settings.ledger_table, s.settings.database_url)
    if found is not None:  # Flyway's table too, under any ledger name (lockgate.ledger.unadopted_foreign)
        raise found
