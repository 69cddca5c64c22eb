"""The rehearsal (``lockgate up --rehearse``): apply for real, watch, and roll everything back.

The pending transactional migrations run on the real database inside ONE transaction,
with the lock held and the timeouts ``up`` would use, each statement on its own. After
each statement ``pg_locks`` says which relations this session now holds in which mode
(only what that statement added: earlier locks are held till the end anyway); the
statement's row count (``cursor.rowcount``) and time are kept. Then the transaction is
rolled back: the schema, the ledger and the history are as they were.

Where ``pg_locks`` showed a lock on a table that blocks the application's writes (SHARE or
stronger) and the parse (:mod:`lockgate.safety.locks`) predicted a weaker one, the report
says so: a function or trigger the statement called, dynamic SQL, a cascade through
foreign keys. No-transaction migrations cannot run inside a transaction: they are listed
as not rehearsable, and the migrations after them are rehearsed without them.

SQLite: the statements run and are timed and counted; there is no lock view to read
(a write transaction locks the whole file), which the report says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from .locks import RelationLock, blocks_writes, relation_display, relation_locks, strength

if TYPE_CHECKING:
    from ..dialects.base import HeldLock
    from ..model import Statement
    from ..run import Planned, Run
    from .locks import StatementLocks

_COMPARED_KINDS = ("table", "materialized view")  # indexes, sequences, TOAST follow their table


@dataclass(frozen=True)
class LockSeen:
    """A lock pg_locks showed after a statement, and which it was not holding before."""

    relation: str
    kind: str
    mode: str

    def to_dict(self) -> dict[str, str]:
        return {"relation": self.relation, "kind": self.kind, "mode": self.mode}


@dataclass(frozen=True)
class StrongerThanPredicted:
    relation: str
    predicted: str | None  # None: the parse saw no lock on it
    observed: str

    @property
    def message(self) -> str:
        said = f"predicted {self.predicted}" if self.predicted else "predicted no lock on it"
        return f"{self.observed} on {self.relation} ({said})"

    def to_dict(self) -> dict[str, object]:
        return {"relation": self.relation, "predicted": self.predicted, "observed": self.observed}


@dataclass(frozen=True)
class RehearsedStatement:
    line: int
    summary: str
    duration_ms: float
    rows: int | None  # rows the statement changed or returned; None: the driver does not say (DDL)
    predicted: tuple[RelationLock, ...] = ()
    observed: tuple[LockSeen, ...] = ()
    stronger: tuple[StrongerThanPredicted, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "statement": self.summary, "duration_ms": round(self.duration_ms, 3),
                "rows": self.rows,
                "predicted": [{"relation": lk.relation, "kind": lk.kind, "mode": lk.mode, "new": lk.created}
                              for lk in self.predicted],
                "observed": [o.to_dict() for o in self.observed],
                "stronger_than_predicted": [w.to_dict() for w in self.stronger]}


@dataclass(frozen=True)
class RehearsedMigration:
    ident: str
    rehearsed: bool
    statements: tuple[RehearsedStatement, ...] = ()
    reason: str | None = None  # why it was not rehearsed
    lock_timeout: float | None = None  # seconds, as up sets them for it (0: none); None: the engine has none
    statement_timeout: float | None = None

    @property
    def duration_ms(self) -> float:
        return sum(s.duration_ms for s in self.statements)

    def to_dict(self) -> dict[str, object]:
        return {"version": self.ident, "rehearsed": self.rehearsed, "reason": self.reason,
                "lock_timeout_s": self.lock_timeout, "statement_timeout_s": self.statement_timeout,
                "duration_ms": round(self.duration_ms, 3), "statements": [s.to_dict() for s in self.statements]}


@dataclass(frozen=True)
class Failure:
    ident: str
    line: int
    statement: str
    error: str

    def to_dict(self) -> dict[str, object]:
        return {"version": self.ident, "line": self.line, "statement": self.statement, "error": self.error}


@dataclass(frozen=True)
class Rehearsal:
    """What the rehearsal saw; everything it did was rolled back."""

    migrations: tuple[RehearsedMigration, ...]
    locks_read: bool  # False on SQLite: no lock view
    failed: Failure | None = None

    @property
    def warnings(self) -> list[str]:
        return [f"{m.ident} line {s.line}: pg_locks showed {w.message}"
                for m in self.migrations for s in m.statements for w in s.stronger]

    def to_dict(self) -> dict[str, object]:
        return {"rolled_back": True, "locks_read": self.locks_read,
                "migrations": [m.to_dict() for m in self.migrations],
                "failed": self.failed.to_dict() if self.failed else None, "warnings": self.warnings}


def rehearse_up(run: Run) -> None:
    """The apply step of ``up --rehearse``: run.rehearsal gets the report; nothing stays."""
    from ..errors import LedgerError

    s = run.session
    if run.recovered:
        raise LedgerError(f"Rehearsal: migration(s) {', '.join(run.recovered)} are dirty; a rehearsal does not "
                          "recover them; nothing was run.",
                          hint="Run lockgate up (it recovers them first) or lockgate down, then rehearse.")
    a = s.adapter
    pg_version = a.server_version_num() // 10000 if a.lints else 15
    out: list[RehearsedMigration] = []
    failure: Failure | None = None
    created: set[tuple[str, str]] = set()
    s.emit("rehearsal_start", "Rehearsing pending migrations in one transaction (rolled back at the end)",
           count=len(run.plans))
    a.begin()
    try:
        for p in run.plans:
            if p.migration.up.no_transaction:
                out.append(RehearsedMigration(p.migration.ident, False,
                                              reason="no-transaction: it cannot run inside the rehearsal's "
                                                     "transaction"))
                continue
            predicted = _predicted(run, p, created, pg_version) if a.reads_locks else []
            timeouts = _set_timeouts(run, p)
            done, failure = _rehearse_file(run, p, predicted)
            out.append(RehearsedMigration(p.migration.ident, True, tuple(done), None, *timeouts))
            if failure is not None:
                break
            created.update(lk.key for st in predicted for lk in st.locks if lk.created)
    finally:
        a.rollback()
        a.reset_session()
    run.rehearsal = Rehearsal(tuple(out), a.reads_locks, failure)
    s.emit("rehearsal_finish", "Rehearsal finished and rolled back", level="error" if failure else "info",
           failed=failure.ident if failure else None, warnings=run.rehearsal.warnings)


def _set_timeouts(run: Run, p: Planned) -> tuple[float | None, float | None]:
    """``SET LOCAL`` the timeouts ``up`` would give this migration (settings, its directives, the flags, the
    budget left); (lock_timeout, statement_timeout) in seconds, (None, None) where the engine has none."""
    from .timeouts import application_name

    a = run.session.adapter
    if run.guard is None or not a.lock_timeouts:
        return None, None
    t = run.guard.track("rehearse", p.migration.ident, p.migration.up).t
    sql = a.timeouts_sql(t.lock_timeout, t.statement_timeout, application_name("rehearse", p.migration.ident, 1),
                         local=True)
    if sql:
        a.execute_script(sql)
    return t.lock_timeout, t.statement_timeout


def _predicted(run: Run, p: Planned, created: set[tuple[str, str]], pg_version: int) -> list[StatementLocks]:
    from .plan import with_index_tables

    parsed = relation_locks(p.migration.up.text, created=created, pg_version=pg_version)
    return with_index_tables(parsed, run.session.adapter.index_table)


def _rehearse_file(run: Run, p: Planned,
                   predicted: Sequence[StatementLocks]) -> tuple[list[RehearsedStatement], Failure | None]:
    from .plan import summarize

    a = run.session.adapter
    statements = list(p.statements)
    done: list[RehearsedStatement] = []
    for i, st in enumerate(statements):
        mine = _within(predicted, st, statements[i + 1] if i + 1 < len(statements) else None)
        locks = tuple(lk for ps in mine for lk in ps.locks)
        before = {(h.oid, h.mode) for h in a.held_locks()}
        t0 = time.perf_counter()
        try:
            count = a.execute_rowcount(st.sql)
        except Exception as exc:
            if not a.is_driver_error(exc):
                raise
            return done, Failure(p.migration.ident, st.line, summarize(st.sql), a.describe_error(exc))
        ms = (time.perf_counter() - t0) * 1000
        seen = [h for h in a.held_locks() if (h.oid, h.mode) not in before and h.name is not None]
        observed = tuple(LockSeen(relation_display(h.schema, h.name or ""), h.kind, h.mode) for h in seen)
        done.append(RehearsedStatement(st.line, summarize(st.sql), ms, count if count >= 0 else None, locks,
                                       observed, tuple(stronger_than_predicted(locks, seen))))
    return done, None


def _within(predicted: Sequence[StatementLocks], st: Statement, following: Statement | None) -> list[StatementLocks]:
    """The parsed statements (a DO block's too) between ``st`` and the next split statement."""
    end = following.offset if following is not None else None
    return [ps for ps in predicted if ps.offset >= st.offset and (end is None or ps.offset < end)]


def stronger_than_predicted(predicted: Iterable[RelationLock],
                            observed: Iterable[HeldLock]) -> list[StrongerThanPredicted]:
    """Tables pg_locks showed locked at SHARE or stronger, more strongly than the parse said.

    An unqualified predicted name matches the table of that name in any schema (the
    search_path chose it); a qualified one only its own schema.

    >>> from lockgate.dialects.base import HeldLock
    >>> seen = [HeldLock(1, "public", "parent", "table", "ACCESS EXCLUSIVE")]
    >>> [w.message for w in stronger_than_predicted([RelationLock(None, "child", "ACCESS EXCLUSIVE")], seen)]
    ['ACCESS EXCLUSIVE on parent (predicted no lock on it)']
    """
    predicted = list(predicted)
    strongest: dict[tuple[str | None, str], str] = {}
    for h in observed:
        if h.kind in _COMPARED_KINDS and h.name is not None and blocks_writes(h.mode):
            key = (h.schema, h.name)
            if strength(h.mode) > strength(strongest.get(key)):
                strongest[key] = h.mode
    out = []
    for (schema, name), mode in strongest.items():
        said = max((lk.mode for lk in predicted
                    if lk.name == name and (lk.schema is None or lk.schema == schema)), key=strength, default=None)
        if strength(mode) > strength(said):
            out.append(StrongerThanPredicted(relation_display(schema, name), said, mode))
    return out
