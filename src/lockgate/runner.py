"""Execute plans: one transaction per migration with its ledger row, no-transaction
migrations guarded by a dirty flag, and recovery of dirty rows.

Every method runs with the migration lock held (see :mod:`lockgate.session`).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Sequence

from .dialects.base import Adapter
from .errors import EmptyMigrationError, LockgateError, MigrationFailed, MigrationFileError, MissingDownError
from .events import Emitter
from .ledger import Ledger
from .model import Direction, Migration, MigrationFile, Statement, StepResult
from .sqltext import is_transaction_control


def prepare(adapter: Adapter, migration: Migration, *, down: bool = False) -> list[Statement]:
    """Split a file and check it before anything runs; raises on an empty up or a
    transactional file holding its own BEGIN/COMMIT."""
    f = migration.down if down else migration.up
    if f is None:
        raise MissingDownError(migration.ident)
    statements = adapter.split(f.text)
    if not statements and not down:
        raise EmptyMigrationError(migration.ident, f.path)
    if not f.no_transaction:
        for st in statements:
            if is_transaction_control(st):
                word = " ".join(st.sql.split())[:20]
                raise MigrationFileError(
                    f"Migration {f.path.name}:{st.line}: {word!r} controls the transaction itself, but lockgate "
                    "already runs each migration in one transaction.",
                    paths=[f.path], line=st.line,
                    hint="Remove the BEGIN/COMMIT/ROLLBACK lines, or put `-- lockgate:no-transaction` "
                         "at the top of the file if it must manage transactions itself.")
    return statements


class Runner:
    def __init__(self, adapter: Adapter, ledger: Ledger, emit: Emitter) -> None:
        self.a = adapter
        self.ledger = ledger
        self.emit = emit
        self._current: Statement | None = None  # for naming the statement that failed

    # -- the two ways a file runs ---------------------------------------------
    def _run_statements(self, migration: Migration, f: MigrationFile, statements: Sequence[Statement]) -> None:
        try:
            for st in statements:
                self._current = st
                self.a.execute(st.sql)
        finally:
            if f.no_transaction:
                self.a.reset_session()

    def _finish_transaction(self) -> None:
        self.a.commit()
        self.a.reset_session()

    def _failure(self, exc: BaseException, migration: Migration, f: MigrationFile, *, rolled_back: bool
                 ) -> MigrationFailed:
        st = self._current or Statement("", 1)
        line = st.line
        pos = self.a.error_position(exc)
        if pos:
            line += st.sql[: int(pos) - 1].count("\n")
        return MigrationFailed(migration.ident, path=f.path, line=line, statement=st.sql,
                               error=self.a.describe_error(exc), rolled_back=rolled_back)

    def apply(self, migration: Migration, statements: Sequence[Statement], *, note: str | None = None) -> StepResult:
        f = migration.up
        self.emit("migration_start", "Applying migration", version=migration.ident, type="up",
                  checksum=f.checksum, no_transaction=f.no_transaction)
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        self._current = None
        if not f.no_transaction:
            try:
                self.a.begin()
                self._run_statements(migration, f, statements)
                self.ledger.insert(migration.ident, f.checksum, dirty=False)
                self.ledger.record(migration.ident, Direction.UP, checksum=f.checksum, started=started,
                                   outcome="applied", note=note)
                self._finish_transaction()
            except BaseException as exc:
                self.a.rollback()
                self._reset_quietly()
                failure = self._failure(exc, migration, f, rolled_back=True) if self.a.is_driver_error(exc) else None
                self._record_failure(migration, Direction.UP, f.checksum, started, failure or exc)
                self.emit("migration_failed", "Migration failed and was rolled back", level="error",
                          version=migration.ident, type="up", checksum=f.checksum,
                          error=failure.error if failure else type(exc).__name__)
                if failure is not None:
                    raise failure from None
                raise
        else:
            # Commit the dirty row first: if we die or a statement fails, the row says so.
            self.ledger.insert(migration.ident, f.checksum, dirty=True)
            try:
                self._run_statements(migration, f, statements)
            except BaseException as exc:
                failure = self._failure(exc, migration, f, rolled_back=False) if self.a.is_driver_error(exc) else None
                self._record_failure(migration, Direction.UP, f.checksum, started, failure or exc)
                self.emit("migration_failed", "Migration failed and was left dirty", level="error",
                          version=migration.ident, type="up", checksum=f.checksum,
                          error=failure.error if failure else type(exc).__name__)
                if failure is not None:
                    raise failure from None
                raise
            self.a.begin()
            self.ledger.set_dirty(migration.ident, False)
            self.ledger.record(migration.ident, Direction.UP, checksum=f.checksum, started=started,
                               outcome="applied", note=note)
            self.a.commit()
        ms = (time.perf_counter() - t0) * 1000
        self.emit("migration_finish", "Migration applied successfully", version=migration.ident, type="up",
                  checksum=f.checksum, duration_ms=round(ms, 3))
        return StepResult(migration.ident, Direction.UP, ms, "applied", f.checksum)

    def revert(self, migration: Migration, statements: Sequence[Statement], *,
               direction: Direction = Direction.DOWN, already_dirty: bool = False) -> StepResult:
        """Run a down file and drop the ledger row; used by `down` and by dirty recovery."""
        f = migration.down
        if f is None:
            raise MissingDownError(migration.ident, dirty=direction is Direction.RECOVER)
        kind = "down" if direction is Direction.DOWN else "recover"
        self.emit("migration_start", "Rolling back migration" if kind == "down" else "Recovering dirty migration",
                  version=migration.ident, type=kind, checksum=migration.checksum)
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        self._current = None
        if not f.no_transaction:
            try:
                self.a.begin()
                self._run_statements(migration, f, statements)
                self.ledger.delete(migration.ident)
                self.ledger.record(migration.ident, direction, checksum=migration.checksum, started=started,
                                   outcome="rolled_back" if kind == "down" else "recovered")
                self._finish_transaction()
            except BaseException as exc:
                self.a.rollback()
                self._reset_quietly()
                failure = self._failure(exc, migration, f, rolled_back=True) if self.a.is_driver_error(exc) else None
                self._record_failure(migration, direction, migration.checksum, started, failure or exc)
                self.emit("migration_failed", "Migration failed and was rolled back", level="error",
                          version=migration.ident, type=kind, error=failure.error if failure else type(exc).__name__)
                if failure is not None:
                    raise failure from None
                raise
        else:
            if not already_dirty:
                self.ledger.set_dirty(migration.ident, True)
            try:
                self._run_statements(migration, f, statements)
            except BaseException as exc:
                failure = self._failure(exc, migration, f, rolled_back=False) if self.a.is_driver_error(exc) else None
                self._record_failure(migration, direction, migration.checksum, started, failure or exc)
                self.emit("migration_failed", "Migration failed and was left dirty", level="error",
                          version=migration.ident, type=kind, error=failure.error if failure else type(exc).__name__)
                if failure is not None:
                    raise failure from None
                raise
            self.a.begin()
            self.ledger.delete(migration.ident)
            self.ledger.record(migration.ident, direction, checksum=migration.checksum, started=started,
                               outcome="rolled_back" if kind == "down" else "recovered")
            self.a.commit()
        ms = (time.perf_counter() - t0) * 1000
        self.emit("migration_finish", "Migration rolled back successfully" if kind == "down"
                  else "Dirty migration recovered", version=migration.ident, type=kind,
                  checksum=migration.checksum, duration_ms=round(ms, 3))
        return StepResult(migration.ident, direction, ms, "rolled_back" if kind == "down" else "recovered",
                          migration.checksum)

    def _reset_quietly(self) -> None:
        try:
            self.a.reset_session()
        except Exception:
            pass

    def _record_failure(self, migration: Migration, direction: Direction, checksum: str, started: datetime,
                        exc: BaseException) -> None:
        error = exc.message if isinstance(exc, LockgateError) else (
            "interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__)
        try:
            self.ledger.record(migration.ident, direction, checksum=checksum, started=started,
                               outcome="failed", error=error)
        except Exception:
            pass  # the connection may be gone; the failure itself is what the user must see
