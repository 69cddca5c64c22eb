"""Execute plans: one transaction per migration with its ledger row, no-transaction
migrations guarded by a dirty flag, and recovery of dirty rows.

Every method runs with the migration lock held (see :mod:`lockgate.session`).

On engines with ``batch_transactions`` (PostgreSQL) a transactional migration is
one round trip: ``BEGIN``, ``SET LOCAL`` of its lock_timeout, statement_timeout and
application_name, the file, the ledger and history writes and ``COMMIT`` in one
simple-query message, which the server runs in order and abandons at the first
error. The failing statement is then found from the server's error position, or,
when the server gives none, from the number of statements that succeeded before
it: the file runs once, never twice.

A migration whose locks were not free in time (lock_not_available) is rolled back
whole and tried again after a pause, bounded by total time: :mod:`lockgate.safety`
decides, the runner only runs the attempts (see :class:`lockgate.safety.guard.LockGuard`).
Nothing but the file and the ledger rows runs inside the transaction that holds
its locks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Sequence

from .dialects.base import Adapter
from .errors import MigrationFailed, MissingDownError
from .events import Emitter
from .ledger import Ledger, Op
from .model import Direction, Migration, MigrationFile, Statement, StepResult
# Re-exported: the checks made before a run, and how a file runs, live in lockgate.prepare.
from .prepare import down_state as down_state, prepare as prepare, runnable as runnable
from .signals import MigrationInterrupted, signal_of
from .sqltext import statement_at

if TYPE_CHECKING:
    from .safety.guard import LockGuard, Tracker


@dataclass(frozen=True)
class _Step:
    """What one run of one file means: which file, what happens to the ledger row."""

    migration: Migration
    file: MigrationFile
    statements: Sequence[Statement]
    direction: Direction
    outcome: str
    note: str | None = None
    already_dirty: bool = False

    @property
    def kind(self) -> str:
        return {Direction.UP: "up", Direction.DOWN: "down"}.get(self.direction, "recover")


class Runner:
    def __init__(self, adapter: Adapter, ledger: Ledger, emit: Emitter, guard: LockGuard | None = None) -> None:
        self.a = adapter
        self.ledger = ledger
        self.emit = emit
        self.guard = guard  # None: one attempt, no timeouts (lockgate.safety off)

    def apply(self, migration: Migration, statements: Sequence[Statement], *, note: str | None = None) -> StepResult:
        return self._run(_Step(migration, migration.up, statements, Direction.UP, "applied", note))

    def revert(self, migration: Migration, statements: Sequence[Statement], *,
               direction: Direction = Direction.DOWN, already_dirty: bool = False,
               note: str | None = None) -> StepResult:
        """Run a down file and drop the ledger row; used by `down` and by dirty recovery."""
        if migration.down is None:
            raise MissingDownError(migration.ident, dirty=direction is Direction.RECOVER)
        outcome = "rolled_back" if direction is Direction.DOWN else "recovered"
        return self._run(_Step(migration, migration.down, statements, direction, outcome, note,
                               already_dirty=already_dirty))

    # -- one file -------------------------------------------------------------------
    def _ledger_op(self, step: _Step) -> Op:
        m = step.migration
        if step.direction is Direction.UP:
            return self.ledger.insert_op(m.ident, m.checksum, dirty=False)
        return self.ledger.delete_op(m.ident)

    def _run(self, step: _Step) -> StepResult:
        m = step.migration
        starting = {"up": "Applying migration", "down": "Rolling back migration",
                    "recover": "Recovering dirty migration"}[step.kind]
        self.emit("migration_start", starting, version=m.ident, type=step.kind, checksum=m.checksum,
                  no_transaction=step.file.no_transaction)
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        tracker: Tracker | None = None
        try:
            if self.guard is not None:
                tracker = self.guard.track(step.kind, m.ident, step.file)
            if step.file.no_transaction:
                self._run_outside_transaction(step, started, tracker)
            elif self.a.batch_transactions:
                self._attempts(tracker, lambda sql: self._run_batched(step, sql, t0))
            else:
                self._attempts(tracker, lambda sql: self._run_in_transaction(step, started, sql))
        except MigrationFailed as failure:
            self._record_failure(step, started, failure.message)
            # Where it failed, as the CLI error says it: a log reader needs no second source.
            self.emit("migration_failed", "Migration failed and was rolled back" if failure.rolled_back
                      else "Migration failed and was left dirty", level="error", version=m.ident, type=step.kind,
                      checksum=m.checksum, error=failure.error, file=failure.path.name,
                      line=failure.line or None, statement=failure.snippet or None)
            raise
        except BaseException as exc:  # Ctrl-C, SIGTERM, a lost connection: the row tells the truth, say so and go
            self.a.rollback()
            if not isinstance(exc, KeyboardInterrupt):
                self._record_failure(step, started, type(exc).__name__)
                self.emit("migration_failed", "Migration interrupted", level="error", version=m.ident,
                          type=step.kind, checksum=m.checksum, error=type(exc).__name__)
                raise
            raise self._interrupted(step, started, exc) from None
        ms = (time.perf_counter() - t0) * 1000
        finished = {"up": "Migration applied successfully", "down": "Migration rolled back successfully",
                    "recover": "Dirty migration recovered"}[step.kind]
        attempts, waited, blockers = ((tracker.attempt or 1), tracker.lock_wait_ms, tracker.blocker_dicts()) \
            if tracker is not None else (1, 0.0, ())
        if tracker is not None:
            tracker.done()
        self.emit("migration_finish", finished, version=m.ident, type=step.kind, checksum=m.checksum,
                  duration_ms=round(ms, 3), attempts=attempts, lock_wait_ms=round(waited, 1))
        return StepResult(m.ident, step.direction, ms, step.outcome, m.checksum, attempts, waited, blockers)

    def _attempts(self, tracker: Tracker | None, once: Callable[[str], None], *, local: bool = True) -> None:
        """Run ``once`` (given the SQL setting the attempt's timeouts) until it is not refused
        for its locks; the guard decides when to stop (see lockgate.safety.guard)."""
        if tracker is None:
            once("")
            return
        while True:
            settings = tracker.begin(local=local)
            try:
                once(settings)
            except MigrationFailed as failure:
                tracker.end()
                tracker.retry_or_raise(failure)
                continue
            except BaseException:
                tracker.end()
                raise
            tracker.end()
            return

    def _history_op(self, step: _Step, started: datetime) -> Op:
        return self.ledger.history_op(step.migration.ident, step.direction, checksum=step.migration.checksum,
                                      started=started, outcome=step.outcome, note=step.note)

    def _run_in_transaction(self, step: _Step, started: datetime, settings: str = "") -> None:
        self.a.begin()
        try:
            if settings:
                self.a.execute(settings)
            self._statements(step, rolled_back=True)
            self.a.reset_session()  # as in the batch: the ledger row goes where the ledger was read
            self.ledger.run(self._ledger_op(step))
            self.ledger.run(self._history_op(step, started))
            self.a.commit()
        except BaseException:
            self.a.rollback()
            raise
        finally:
            self.a.reset_session()

    def _run_batched(self, step: _Step, settings: str = "", t0: float | None = None) -> None:
        text = step.file.text
        # Earlier attempts (lock retries and their pauses) belong to the migration's time too.
        earlier_ms = (time.perf_counter() - t0) * 1000 if t0 is not None else 0.0
        # The attempt's SET LOCALs go on the BEGIN line: the file's line numbers stay its own.
        head = "BEGIN;" + (f" {settings};" if settings else "") + "\n"
        # The reset before the ledger writes: a `SET search_path` or `SET ROLE` in the file
        # must not send the ledger row to another schema's table or write it as another role.
        # Inside the transaction, it also undoes the file's plain SETs for what follows the commit.
        batch = (head + text + f"\n;\n{self.a.reset_sql};\n" + self.ledger.inline(self._ledger_op(step)) + ";\n"
                 + self.ledger.inline(self.ledger.history_op_server_timed(
                     step.migration.ident, step.direction, checksum=step.migration.checksum, outcome=step.outcome,
                     note=step.note, earlier_ms=earlier_ms)) + ";\nCOMMIT")
        try:
            self.a.execute_script(batch)
        except BaseException as exc:
            self.a.rollback()
            self.a.reset_session()
            if not self.a.is_driver_error(exc):
                raise
            # How many statements of the message ran before this one: BEGIN and the SETs come first.
            leading = 1 + (settings.count(";") + 1 if settings else 0)
            raise self._locate(step, exc, head_len=len(head), leading=leading) from None
        if self.a.in_transaction():  # the file swallowed our COMMIT: never leave it half-done
            self.a.rollback()
            raise self._failed(step, Statement("", 0), 0, "the file ends inside an unterminated comment or string")

    def _locate(self, step: _Step, exc: BaseException, *, head_len: int, leading: int) -> MigrationFailed:
        """Name the statement behind an error raised by a batched migration: from the server's
        error position, else from the index of the failing statement in the message."""
        error = self.a.describe_error(exc)
        sqlstate = self.a.error_sqlstate(exc)
        pos = self.a.error_position(exc)
        stmts = list(step.statements)
        if pos is not None and 0 <= pos - 1 - head_len < len(step.file.text):
            offset = pos - 1 - head_len
            st = statement_at(stmts, offset) or (stmts[0] if stmts else Statement("", 1))
            line = step.file.text.count("\n", 0, offset) + 1
            return self._failed(step, st, line, error, sqlstate=sqlstate)
        index = self.a.last_failed_index
        if index is not None and 0 <= index - leading < len(stmts):
            st = stmts[index - leading]
            return self._failed(step, st, st.line, error, sqlstate=sqlstate)
        if len(stmts) == 1 and index is None:
            return self._failed(step, stmts[0], stmts[0].line, error, sqlstate=sqlstate)
        return self._failed(step, Statement("", 0), 0, error, sqlstate=sqlstate)

    def _failed(self, step: _Step, st: Statement, line: int, error: str, *, rolled_back: bool = True,
                sqlstate: str | None = None) -> MigrationFailed:
        leftover = None
        if not rolled_back and st.sql:
            # Outside a transaction a failed statement may leave work behind (an INVALID index);
            # asked now, before the session is reset, while the file's search_path still holds.
            leftover = self.a.leftover(st.sql)
        # After a failed up left the row dirty, the next step depends on what the down file can undo.
        down = down_state(self.a, step.migration) if step.kind == "up" and not rolled_back else "sql"
        return MigrationFailed(step.migration.ident, path=step.file.path, line=line, statement=st.sql, error=error,
                               rolled_back=rolled_back, kind=step.kind, sqlstate=sqlstate, down=down,
                               leftover=leftover.what if leftover else None,
                               undo=leftover.undo if leftover else None)

    def _statements(self, step: _Step, *, rolled_back: bool) -> None:
        for st in step.statements:
            try:
                self.a.execute(st.sql)
            except Exception as exc:
                if not self.a.is_driver_error(exc):
                    raise
                pos = self.a.error_position(exc)
                line = st.line + (st.sql[: pos - 1].count("\n") if pos else 0)
                raise self._failed(step, st, line, self.a.describe_error(exc), rolled_back=rolled_back,
                                   sqlstate=self.a.error_sqlstate(exc)) from None

    def _run_outside_transaction(self, step: _Step, started: datetime, tracker: Tracker | None = None) -> None:
        m = step.migration
        # Commit the dirty row first: if we die or a statement fails, the row says so.
        if step.direction is Direction.UP:
            self.ledger.run(self.ledger.insert_op(m.ident, m.checksum, dirty=True))
        elif not step.already_dirty:
            self.ledger.run(self.ledger.dirty_op(m.ident, True))
        try:
            if tracker is None:
                self._statements(step, rolled_back=False)
            else:
                # Session-wide SETs, once: a SET the file makes itself then holds for what follows.
                first = True
                for st in step.statements:
                    patient = self.a.waits_harmlessly(st.sql)
                    self._attempts(tracker, lambda sql: self._statement_outside(
                        step, st, sql, first, tracker.patience() if patient else None), local=False)
                    first = False
        finally:
            self.a.reset_session()
        self.a.begin()
        try:
            if step.direction is Direction.UP:
                self.ledger.run(self.ledger.dirty_op(m.ident, False))
            else:
                self.ledger.run(self.ledger.delete_op(m.ident))
            self.ledger.run(self._history_op(step, started))
            self.a.commit()
        except BaseException:
            self.a.rollback()
            raise

    def _interrupted(self, step: _Step, started: datetime, exc: KeyboardInterrupt) -> MigrationInterrupted:
        """What a signal left, read from the ledger: the statement may have finished, and
        the migration committed, in the instant before the signal arrived."""
        m = step.migration
        state = self._state_after_interrupt(step)
        signum = int(signal_of(exc))
        interrupted = MigrationInterrupted(m.ident, step.kind, state, signum)
        if state != "committed":  # a committed run wrote its own history row, `applied`
            self._record_failure(step, started, interrupted.message, outcome="interrupted")
        self.emit("migration_interrupted", interrupted.message, level="error" if state != "committed" else "warn",
                  version=m.ident, type=step.kind, checksum=m.checksum, state=state,
                  signal=signal_of(exc).name)
        return interrupted

    def _state_after_interrupt(self, step: _Step) -> str:
        try:
            rows = self.a.read_ledger() or []
        except Exception:  # the connection is gone (or still busy): nobody can tell from here
            return "unknown"
        row = next((r for r in rows if r.version == step.migration.ident), None)
        if step.direction is Direction.UP:
            return "rolled_back" if row is None else "dirty" if row.dirty else "committed"
        # A down file or a recovery that committed has deleted the row.
        return "committed" if row is None else "dirty" if row.dirty and not step.already_dirty else (
            "rolled_back")

    def _statement_outside(self, step: _Step, st: Statement, settings: str, first: bool,
                           patience: tuple[str, str] | None) -> None:
        """One statement of a no-transaction file, one attempt; a failure that left an INVALID
        index has it dropped (concurrently) before a retry or the error, and says so.

        ``patience``: (SQL before, SQL after) for a statement that may wait out the retry
        bound in one attempt, as CREATE INDEX CONCURRENTLY may (see Adapter.waits_harmlessly)."""
        if settings:
            self.a.execute(settings if first else settings.rpartition(";")[2])  # later: only the name
        if patience is not None:
            self.a.execute(patience[0])
        try:
            self._statements(_Step(step.migration, step.file, (st,), step.direction, step.outcome, step.note,
                                   step.already_dirty), rolled_back=False)
            if patience is not None:
                self.a.execute(patience[1])
        except MigrationFailed as failure:
            if failure.undo:
                try:
                    self.a.execute(failure.undo)
                except Exception as exc:
                    if not self.a.is_driver_error(exc):
                        raise
                    raise failure from None  # still there: the error names it and its undo
                self.emit("leftover_dropped", f"Dropped {failure.leftover} that the failed statement left "
                          f"({failure.undo})", level="warn", version=step.migration.ident, undo=failure.undo)
                raise failure.replaced(error=f"{failure.error} (lockgate dropped {failure.leftover} it left: "
                                             f"{failure.undo})", leftover=None, undo=None) from None
            raise

    def _record_failure(self, step: _Step, started: datetime, error: str, *, outcome: str = "failed") -> None:
        try:
            self.ledger.run(self.ledger.history_op(step.migration.ident, step.direction,
                                                   checksum=step.migration.checksum, started=started,
                                                   outcome=outcome, error=error, note=step.note))
        except Exception:
            pass  # the connection may be gone; the failure itself is what the user must see
