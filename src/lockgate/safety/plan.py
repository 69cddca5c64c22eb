"""The plan: what ``lockgate up`` would run, in order, and what each statement would lock.

For every pending migration (or, for ``down --dry-run``, every down file to run): whether
it runs in a transaction, each statement with the lock it takes on which relation (from
the parse: :mod:`lockgate.safety.locks`), whether it rewrites or scans the table, how big
each table is on the live server (the planner's estimate, or the size on disk for a table
never analysed), the lint findings and the pre-check results. Nothing runs and nothing
changes: the plan is the run's pipeline stopped before the apply step.

Example::

    import lockgate
    plan = lockgate.plan(lockgate.load_settings("."))
    [(m.ident, [s.strongest for s in m.statements]) for m in plan.migrations]
    # -> [('0003_add_note', ['ACCESS EXCLUSIVE'])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..model import Direction
from .locks import RelationLock, StatementLocks, relation_display, relation_locks, strength

if TYPE_CHECKING:
    from ..config import Settings
    from ..dialects.base import Adapter, TableSize
    from ..events import EventCallback
    from ..lint.finding import Finding
    from ..run import Run

_SUMMARY = 100  # characters of a statement shown beside its locks (all of it with --sql)


@dataclass(frozen=True)
class PlannedStatement:
    line: int
    summary: str  # its first characters, on one line
    locks: tuple[RelationLock, ...] = ()
    rewrites: bool = False
    scans: bool = False

    @property
    def strongest(self) -> str | None:
        return max((lk.mode for lk in self.locks if not lk.created), key=strength, default=None)

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "statement": self.summary, "strongest": self.strongest,
                "rewrites": self.rewrites, "scans": self.scans,
                "locks": [{"relation": lk.relation, "kind": lk.kind, "mode": lk.mode, "new": lk.created}
                          for lk in self.locks]}


@dataclass(frozen=True)
class PlannedMigration:
    ident: str
    file: str
    direction: str  # up, down
    no_transaction: bool
    statements: tuple[PlannedStatement, ...]
    tables: tuple[TableSize, ...] = ()  # every existing table it locks, as big as the server says
    findings: tuple[Finding, ...] = ()
    sql: str | None = None  # the file's text, when asked for (--sql)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "version": self.ident, "file": self.file, "direction": self.direction,
            "no_transaction": self.no_transaction,
            "statements": [s.to_dict() for s in self.statements],
            "tables": [{"relation": relation_display(t.schema, t.name), "rows": t.rows, "bytes": t.bytes,
                        "rows_from": t.source} for t in self.tables],
            "findings": [f.to_dict() for f in self.findings]}
        if self.sql is not None:
            out["sql"] = self.sql
        return out


@dataclass(frozen=True)
class Plan:
    component: str
    database: str  # redacted
    direction: str
    migrations: tuple[PlannedMigration, ...] = ()
    recovered: tuple[str, ...] = ()  # dirty migrations whose down file would run first
    locks_known: bool = True  # False on SQLite: lock modes are PostgreSQL's
    checks: tuple[Any, ...] = ()  # pre-check results (lockgate.safety.checks), each with to_dict()
    lint_failing: int = 0  # findings at or above lint.fail_on: `up` would stop on them
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {"component": self.component, "database": self.database, "direction": self.direction,
                "locks_known": self.locks_known, "recovered": list(self.recovered),
                "migrations": [m.to_dict() for m in self.migrations],
                "checks": [c.to_dict() for c in self.checks], "lint_failing": self.lint_failing,
                "notes": list(self.notes)}


def plan(settings: Settings, *, to: str | None = None, sql: bool = False,
         on_event: EventCallback | None = None) -> Plan:
    """What ``lockgate up`` would run, with each statement's locks and each table's size; changes nothing.

    Lint errors do not stop the plan: they are in it (``lint_failing`` says ``up`` would refuse).
    """
    from ..errors import LintFailed
    from ..run import UP_STEPS, RunOptions, execute, lint_pending

    def lint_reported(run: Run) -> None:
        try:
            lint_pending(run)
        except LintFailed:
            pass  # the findings are in run.lint, and so in the plan

    steps = tuple(lint_reported if step is lint_pending else step for step in UP_STEPS)
    report = execute(settings, RunOptions(Direction.UP, to=to, dry_run=True, sql=sql), on_event=on_event,
                     before=steps)
    result = report.plan
    assert isinstance(result, Plan)  # a dry run always plans
    return result


def build_plan(run: Run) -> Plan:
    """The plan of a run whose checking steps have run (``run.plans`` is what would be applied)."""
    s = run.session
    adapter = s.adapter
    down = run.options.direction is Direction.DOWN
    pg_version = adapter.server_version_num() // 10000 if adapter.lints else 15
    lint = run.lint if run.lint is not None or down else _lint(run)
    by_file: dict[str, list[Finding]] = {}
    for f in (lint.active if lint is not None else ()):
        by_file.setdefault(str(f.file), []).append(f)
    created: set[tuple[str, str]] = set()
    migrations = []
    for p in run.plans:
        file = p.migration.down if down else p.migration.up
        assert file is not None  # prepare_files refused a missing down file
        if adapter.lints:
            parsed = with_index_tables(relation_locks(file.text, created=created, pg_version=pg_version),
                                       adapter.index_table)
            statements = tuple(PlannedStatement(st.line, summarize(st.sql), st.locks, st.rewrites, st.scans)
                               for st in parsed if not st.embedded or st.locks)
            created.update(lk.key for st in parsed for lk in st.locks if lk.created)
        else:
            statements = tuple(PlannedStatement(st.line, summarize(st.sql)) for st in p.statements)
        migrations.append(PlannedMigration(
            p.migration.ident, str(file.path), "down" if down else "up", file.no_transaction, statements,
            tuple(_sizes(adapter, statements)), tuple(by_file.get(str(file.path), ())),
            _shown_sql(file.text) if run.options.sql else None))
    notes = [] if adapter.lints else ["Lock modes are PostgreSQL's: not applicable on SQLite, where a write "
                                      "transaction locks the whole database file."]
    failing = 0
    if lint is not None:
        from ..lint import LintOptions

        failing = len(lint.failing(LintOptions.from_config(dict(s.settings.lint)).fail_on))
    return Plan(s.settings.component, str(s.settings.database_url), "down" if down else "up", tuple(migrations),
                tuple(run.recovered), adapter.lints, tuple(run.checks), failing, tuple(notes))


def with_index_tables(statements: Sequence[StatementLocks],
                      index_table: Callable[[str | None, str], tuple[str, str] | None]) -> list[StatementLocks]:
    """``DROP INDEX i`` locks i's table as strongly as i: add that table, as the live catalog names it."""
    from dataclasses import replace

    out = []
    for st in statements:
        extra = []
        for lk in st.locks:
            if lk.kind == "index" and not lk.created:
                table = index_table(lk.schema, lk.name)
                if table is not None:
                    extra.append(RelationLock(table[0], table[1], lk.mode))
        out.append(replace(st, locks=st.locks + tuple(extra)) if extra else st)
    return out


def _lint(run: Run) -> Any:
    """Lint findings for a plan whose run did not lint (``lint_on_up = false``, or SQLite: none)."""
    if not run.plans or not run.session.adapter.lints:
        return None
    from ..lint import LintOptions, lint_migrations

    options = LintOptions.from_config(dict(run.settings.lint))
    return lint_migrations([p.migration for p in run.plans], options, live=run.session.adapter, cumulative=True)


def _sizes(adapter: Adapter, statements: Iterable[PlannedStatement]) -> Iterable[TableSize]:
    seen: set[tuple[str | None, str]] = set()
    for st in statements:
        for lk in st.locks:
            if lk.kind != "table" or lk.created or (lk.schema, lk.name) in seen:
                continue
            seen.add((lk.schema, lk.name))
            size = adapter.table_size(lk.schema, lk.name)
            if size is not None:
                yield size


def _shown_sql(text: str) -> str:
    from ..redact import redact_text

    return redact_text(text)  # a CREATE ROLE ... PASSWORD '...' in a file is not for the terminal


def summarize(sql: str) -> str:
    from ..redact import redact_text

    text = redact_text(" ".join(sql.split()))
    return text if len(text) <= _SUMMARY else text[:_SUMMARY - 1] + "…"
