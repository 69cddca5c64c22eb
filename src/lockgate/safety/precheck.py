"""Running the pre-checks: ``lockgate check``, and the step before ``up``/``down`` changes anything.

:func:`gather` reads what the checks judge (a round trip, one activity snapshot) and
runs every check of :data:`~lockgate.safety.thresholds.CHECK_NAMES` in that order; a
check the engine cannot answer (SQLite has no sessions or replicas) says
``not applicable on SQLite``. :func:`pre_checks` is the run step: it logs one
``migration_pre_checks`` event with every result and raises :class:`PreCheckFailed`
when one fails, before the first migration runs.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import PreCheckFailed
from . import checks as c
from .thresholds import CHECK_NAMES, CheckOptions, check_names

if TYPE_CHECKING:
    from ..config import Settings
    from ..dialects.base import Adapter
    from ..model import Migration
    from ..run import Run


@dataclass(frozen=True)
class CheckReport:
    """Every pre-check's result for one component; ``status`` is the worst of them."""

    component: str
    results: tuple[c.CheckResult, ...]

    @property
    def status(self) -> str:
        return c.worst(self.results)

    @property
    def failed(self) -> tuple[c.CheckResult, ...]:
        return tuple(r for r in self.results if r.status == c.FAIL)

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "status": self.status, "checks": [r.to_dict() for r in self.results]}


def locked_tables(migrations: Sequence["Migration"], *, down: bool = False) -> tuple[str, ...]:
    """The existing tables the migrations' statements lock for a schema change (SHARE UPDATE EXCLUSIVE
    or stronger: ALTER, CREATE INDEX, VALIDATE, DROP...), as ``schema.name`` or the bare name the file
    writes; from the parse (:mod:`lockgate.safety.locks`). Plain reads and writes are left out: the
    application does them all day, and a long query meets them without queueing anyone."""
    from .locks import SHARE_UPDATE_EXCLUSIVE, relation_locks, strength

    floor = strength(SHARE_UPDATE_EXCLUSIVE)
    created: set[tuple[str, str]] = set()
    found: set[str] = set()
    for m in migrations:
        f = m.down if down else m.up
        if f is None:
            continue
        for stmt in relation_locks(f.text, created=created):
            for lk in stmt.locks:
                if lk.created:
                    created.add(lk.key)
                elif lk.kind == "table" and strength(lk.mode) >= floor:
                    found.add(f"{lk.schema}.{lk.name}" if lk.schema else lk.name)
    return tuple(sorted(found))


def round_trip(adapter: "Adapter", tries: int = 3) -> float:
    """The median time of ``SELECT 1`` through the adapter's connection, in seconds."""
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        adapter.query("SELECT 1")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_ON_SNAPSHOT = ("server-version", "connections", "long-queries", "lock-waits", "replication-lag")


def gather(adapter: "Adapter", options: CheckOptions, *, targets: Sequence[str], skip: Mapping[str, str],
           lint: c.CheckResult | None, connect_s: float | None = None) -> tuple[c.CheckResult, ...]:
    """Every check, in :data:`CHECK_NAMES` order. ``skip``: name -> why; ``lint``: its result, None
    where it does not apply."""
    reader = adapter.activity()
    wanted = [n for n in _ON_SNAPSHOT if n not in skip]
    snap = reader.snapshot() if reader is not None and wanted else None
    results: list[c.CheckResult] = []
    for name in CHECK_NAMES:
        if name in skip:
            results.append(c.skipped(name, skip[name]))
        elif name == "connectivity":
            results.append(c.connectivity(round_trip(adapter), options, connect_s=connect_s))
        elif name == "lint":
            results.append(lint if lint is not None else c.not_applicable(name, adapter.title))
        elif name == "drift":
            results.append(drift_check(adapter))
        elif snap is None:
            results.append(c.not_applicable(name, adapter.title))
        elif name == "server-version":
            results.append(c.server_version(snap, options, adapter.title))
        elif name == "connections":
            results.append(c.connections(snap, options))
        elif name == "long-queries":
            results.append(c.long_queries(snap, targets, options))
        elif name == "lock-waits":
            results.append(c.lock_waits(snap, options))
        else:
            results.append(c.replication_lag(snap, options))
    return tuple(results)


def drift_check(adapter: "Adapter") -> c.CheckResult:
    """Has the schema changed since the last run left it (lockgate.schema.drift)?"""
    from ..schema.drift import drift

    return c.drift(drift(adapter))


def skips(options: CheckOptions, flag: Sequence[str]) -> dict[str, str]:
    """name -> why, for the checks the configuration and ``--skip-check`` leave out."""
    why = {name: "skip in [checks]" for name in options.skip}
    why.update({name: "--skip-check" for name in check_names(list(flag))})
    return why


def lint_check(migrations: Sequence["Migration"], adapter: "Adapter", settings: "Settings") -> c.CheckResult:
    """Lint the pending migrations against the live database, as ``up`` does: with the lock_timeout
    ``up`` sets itself (missing-lock-timeout is for files run without one), so check, ``lint --pending``
    and ``plan`` agree."""
    from ..lint import LintOptions, lint_migrations

    if not migrations:
        return c.lint_result(0, 0, files=0)
    lint_options = LintOptions.from_config(dict(settings.lint)).replace(
        runner_lock_timeout=settings.lock_timeout if adapter.lock_timeouts else 0.0)
    report = lint_migrations(list(migrations), lint_options, live=adapter, cumulative=True, jobs=1)
    return from_lint_report(report, lint_options.fail_on, files=len(migrations))


def from_lint_report(report: Any, fail_on: Any, *, files: int) -> c.CheckResult:
    """The check's counts, and one detail line a finding (failing ones first) naming file, line and rule."""
    failing = report.failing(fail_on)
    warnings = [f for f in report.active if f.severity.value == "warning" and f not in failing]
    details = tuple(f"{Path(str(f.file)).name}:{f.line} {f.rule} ({f.severity.value}): {f.message}"
                    for f in [*failing, *warnings])
    return c.lint_result(len(failing), len(warnings), files=files, details=details)


def emit_results(emit: Any, report: CheckReport, command: str) -> None:
    """The one ``migration_pre_checks`` event of a run, with every result."""
    status = report.status
    message = {c.FAIL: "pre-check failed", c.WARN: "Pre-checks passed with warnings"}.get(status, "Pre-checks passed")
    emit("migration_pre_checks", message, level={c.FAIL: "error", c.WARN: "warn"}.get(status, "info"),
         status=status, command=command, checks=[r.to_dict() for r in report.results])


# -- the run step --------------------------------------------------------------------
def pre_checks(run: "Run") -> None:
    """Before ``up``/``down`` changes anything: every check, one event, and a refusal on a failure.

    Nothing to apply: nothing to check (a deploy's no-op ``up`` must not fail on a lagging replica).
    """
    from ..model import Direction

    s, opts = run.session, run.options
    if not run.plans:
        return
    if opts.skip_checks:
        run.notes.append("pre-checks skipped (--skip-checks)")
        s.emit("pre_checks_skipped", "Pre-checks skipped by --skip-checks", level="warn")
        return
    options = CheckOptions.from_config(s.settings.checks)
    skip = skips(options, opts.skip_check)
    run.notes.extend(f"pre-check {name} skipped (--skip-check)" for name, why in skip.items()
                     if why == "--skip-check")
    down = opts.direction is Direction.DOWN
    migrations = [p.migration for p in run.plans]
    lint: c.CheckResult | None
    if down:
        lint = c.CheckResult("lint", c.NOT_APPLICABLE, "", "not applicable to down: down files are not linted")
    elif not s.adapter.lints:
        lint = None
    elif opts.skip_lint:
        lint = c.skipped("lint", "--skip-lint")
    elif run.lint is None:
        lint = c.skipped("lint", "lint_on_up = false")
    else:
        from ..lint import LintOptions

        lint = from_lint_report(run.lint, LintOptions.from_config(dict(s.settings.lint)).fail_on,
                                files=len(migrations))
    results = gather(s.adapter, options, targets=locked_tables(migrations, down=down), skip=skip, lint=lint)
    report = CheckReport(s.settings.component, results)
    run.checks = list(results)
    command = "down" if down else "up"
    emit_results(s.emit, report, command + (" --dry-run" if opts.dry_run else ""))
    # A dry run (lockgate plan) shows the failure in its plan; it changes nothing either way.
    if report.failed and not opts.dry_run:
        raise PreCheckFailed([(r.name, r.message) for r in report.failed], command=command)
