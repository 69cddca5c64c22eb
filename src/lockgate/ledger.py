"""Reads and writes of the ledger and history tables, through an adapter.

The tables' DDL is dialect-specific and lives in the adapters; the statements
here are plain SQL with the adapter's parameter marker.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from . import __version__
from .dialects.base import Adapter, ForeignLedger
from .errors import ForeignLedgerError
from .model import Direction, HistoryEntry
from .redact import redact_text
from .urls import DatabaseUrl


@dataclass(frozen=True)
class RunContext:
    run_id: str
    component: str
    os_user: str
    host: str

    @classmethod
    def new(cls, component: str) -> "RunContext":
        import uuid

        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(uuid.uuid4().hex[:16], component, user, socket.gethostname())


@dataclass(frozen=True)
class Op:
    """One ledger statement with the ``?`` marker, and its parameters."""

    sql: str
    params: tuple[Any, ...]


class Ledger:
    """Builds and runs the ledger and history statements for one run."""

    def __init__(self, adapter: Adapter, ctx: RunContext) -> None:
        self.a = adapter
        self.ctx = ctx

    def run(self, op: Op) -> None:
        self.a.execute(op.sql.replace("?", self.a.placeholder), op.params)

    def inline(self, op: Op) -> str:
        """The statement with its values as literals, for a batch that carries no parameters."""
        return self.a.inline(op.sql.replace("?", self.a.placeholder), op.params)

    def insert_op(self, ident: str, checksum: str, *, dirty: bool) -> Op:
        return Op(f"INSERT INTO {self.a.ledger} (version, checksum, dirty) VALUES (?, ?, ?)", (ident, checksum, dirty))

    def delete_op(self, ident: str) -> Op:
        return Op(f"DELETE FROM {self.a.ledger} WHERE version = ?", (ident,))

    def dirty_op(self, ident: str, dirty: bool) -> Op:
        return Op(f"UPDATE {self.a.ledger} SET dirty = ? WHERE version = ?", (dirty, ident))

    def checksum_op(self, ident: str, checksum: str) -> Op:
        return Op(f"UPDATE {self.a.ledger} SET checksum = ? WHERE version = ?", (checksum, ident))

    _HISTORY_COLUMNS = ("(run_id, version, direction, checksum, started_at, finished_at, duration_ms, outcome, error,"
                        " os_user, host, tool_version, note)")

    def history_op(self, ident: str, direction: Direction, *, checksum: str | None, started: datetime,
                   outcome: str, error: str | None = None, note: str | None = None) -> Op:
        """A history row timed by this process: ``started`` until now."""
        finished = datetime.now(timezone.utc)
        duration = (finished - started).total_seconds() * 1000.0
        return Op(f"INSERT INTO {self.a.history} {self._HISTORY_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (self.ctx.run_id, ident, direction.value, checksum, _ts(self.a, started), _ts(self.a, finished),
                   duration, outcome, _redacted(error), self.ctx.os_user, self.ctx.host, __version__, _redacted(note)))

    def history_op_server_timed(self, ident: str, direction: Direction, *, checksum: str | None, outcome: str,
                                note: str | None = None, earlier_ms: float = 0.0) -> Op:
        """A history row timed by the server, for the end of a batch: from the batch's arrival to now,
        plus ``earlier_ms`` the process spent on this migration before it (retried attempts)."""
        now = self.a.now_sql
        start = f"({self.a.batch_start_sql} - {float(earlier_ms)!r} * interval '1 millisecond')"
        return Op(f"INSERT INTO {self.a.history} {self._HISTORY_COLUMNS} VALUES (?, ?, ?, ?, {start}, {now},"
                  f" EXTRACT(EPOCH FROM ({now} - {start})) * 1000, ?, NULL, ?, ?, ?, ?)",
                  (self.ctx.run_id, ident, direction.value, checksum, outcome, self.ctx.os_user, self.ctx.host,
                   __version__, _redacted(note)))

    def record(self, ident: str, direction: Direction, *, checksum: str | None, started: datetime,
               outcome: str, error: str | None = None, note: str | None = None) -> float:
        """Append one history row now; returns its duration in ms."""
        op = self.history_op(ident, direction, checksum=checksum, started=started, outcome=outcome, error=error,
                             note=note)
        self.run(op)
        return float(op.params[6])

    def insert(self, ident: str, checksum: str, *, dirty: bool) -> None:
        self.run(self.insert_op(ident, checksum, dirty=dirty))

    def delete(self, ident: str) -> None:
        self.run(self.delete_op(ident))

    def set_dirty(self, ident: str, dirty: bool) -> None:
        self.run(self.dirty_op(ident, dirty))

    def set_checksum(self, ident: str, checksum: str) -> None:
        self.run(self.checksum_op(ident, checksum))


def _redacted(text: str | None) -> str | None:
    # The history table is a sink like the log: an error quoting SQL must not carry a password there.
    return redact_text(text) if text else text


def _ts(adapter: Adapter, value: datetime) -> Any:
    # psycopg binds datetimes natively; SQLite stores ISO 8601 text.
    return value if adapter.placeholder == "%s" else value.isoformat(timespec="milliseconds")


def read_history(adapter: Adapter) -> list[HistoryEntry]:
    """Every history row, oldest first ([] before the first run); callers filter."""
    sql = (f"SELECT id, version, direction, checksum, started_at, finished_at, duration_ms, outcome, error,"
           f" os_user, host, tool_version, run_id, note FROM {adapter.history} ORDER BY id")
    try:
        rows = adapter.query(sql)
    except Exception as exc:
        if adapter.is_driver_error(exc) and adapter.read_ledger() is None:
            return []
        raise
    entries = []
    for r in rows:
        entries.append(HistoryEntry(int(r[0]), str(r[1]), str(r[2]), r[3], _dt(r[4]), _dt(r[5]),
                                    float(r[6]) if r[6] is not None else None, str(r[7]), r[8], r[9], r[10],
                                    r[11], r[12], r[13]))
    return entries


# -- another tool's table (golang-migrate, dbmate, Flyway) --------------------------------------
FOREIGN_TABLE = "schema_migrations"  # golang-migrate's and dbmate's default table name


def flyway_beside(adapter: Adapter) -> ForeignLedger | None:
    """Flyway's ``flyway_schema_history``, while lockgate has never applied or baselined anything here."""
    from .flyway import TABLE

    return None if has_run_here(adapter) else adapter.foreign_ledger(TABLE)


def unadopted_foreign(adapter: Adapter, ledger_table: str, url: DatabaseUrl) -> ForeignLedgerError | None:
    """The error for another tool's table beside a lockgate ledger that has never been used:
    Flyway's under any ledger name, golang-migrate's or dbmate's ``schema_migrations`` beside a
    ledger of another name (where the ledger is ``schema_migrations`` the adapter finds them itself)."""
    from .flyway import TABLE

    if has_run_here(adapter):
        return None
    found = adapter.foreign_ledger(TABLE)
    if found is not None:
        return ForeignLedgerError(TABLE, found.tool, found.version, dirty=found.dirty, ledger=ledger_table)
    if ledger_table == FOREIGN_TABLE:
        return None
    found = foreign_ledger_beside(url)
    if found is not None:
        return ForeignLedgerError(FOREIGN_TABLE, found.tool, found.version, dirty=found.dirty, ledger=ledger_table)
    return None


def foreign_versions(adapter: Adapter) -> list[str]:
    """Every version in dbmate's table, which sits where the adapter's ledger would be."""
    return sorted(str(r[0]) for r in adapter.query(f"SELECT version FROM {adapter.ledger}"))


def has_run_here(adapter: Adapter) -> bool:
    """Whether this ledger's history shows a migration applied or baselined, ever."""
    try:
        rows = adapter.query(f"SELECT 1 FROM {adapter.history} WHERE outcome IN ('applied', 'baselined') LIMIT 1")
    except Exception as exc:
        if adapter.is_driver_error(exc):
            return False  # no history table: lockgate has never written here
        raise
    return bool(rows)


def foreign_ledger_beside(url: DatabaseUrl) -> ForeignLedger | None:
    """golang-migrate's or dbmate's table under its default name, read on a connection of its own
    (the adapter reads another tool's table only where its own ledger would be)."""
    from .dialects import open_adapter

    adapter = open_adapter(url, ledger_table=FOREIGN_TABLE, read_only=True)
    try:
        found = adapter.foreign_ledger()
    finally:
        adapter.close()
    return found if found is not None and found.tool in ForeignLedgerError.ADOPTABLE else None


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
